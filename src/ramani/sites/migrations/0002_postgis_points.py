"""On PostgreSQL: a generated PostGIS point column with a GiST index on sites and visits.

The column is computed by the database from longitude/latitude, so Django never writes it
and SQLite needs nothing. It serves spatial queries (bbox, vector tiles) on PostgreSQL.
"""

from django.db import migrations

TABLES = ("sites_site", "sites_visit")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS geom geometry(Point, 4326) GENERATED ALWAYS AS "
            "(CASE WHEN longitude IS NOT NULL AND latitude IS NOT NULL "
            "THEN ST_SetSRID(ST_MakePoint(longitude, latitude), 4326) END) STORED")
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {table}_geom_gist ON {table} USING GIST (geom)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS geom")


class Migration(migrations.Migration):
    dependencies = [("sites", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
