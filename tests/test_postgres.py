"""What only PostgreSQL mode adds: the generated PostGIS point column and its GiST index."""

import pytest
from django.db import connection

from ramani.sites.ipis_import import import_ipis
from tests.conftest import SAMPLE

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only; runs in the PostgreSQL pass"),
]


def test_generated_point_column_and_gist_index(today):
    import_ipis(SAMPLE, today=today)
    with connection.cursor() as cur:
        cur.execute("SELECT ST_X(geom), ST_Y(geom), ST_SRID(geom) FROM sites_site WHERE pcode = 'codmine01764'")
        assert cur.fetchone() == (28.39912, -3.13287, 4326)
        cur.execute("SELECT count(*) FROM sites_visit WHERE geom && ST_MakeEnvelope(28, -4, 29, -3, 4326)")
        assert cur.fetchone()[0] == 2
        cur.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'sites_site' AND indexdef ILIKE '%gist%'")
        assert "geom" in cur.fetchone()[0]
