"""Incidents get an organisation, verification, publication and an append-only audit trail."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

APPEND_ONLY = """
CREATE FUNCTION incidents_action_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'an incident''s actions are append-only';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER incidents_action_append_only BEFORE UPDATE OR DELETE ON incidents_incidentaction
  FOR EACH ROW EXECUTE FUNCTION incidents_action_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS incidents_action_append_only ON incidents_incidentaction;
DROP FUNCTION IF EXISTS incidents_action_append_only();
"""


def refuse_changes(apps, schema_editor):
    # PostgreSQL, production: no SQL at all may change or delete an action (TRUNCATE, which only a
    # database owner runs, is not a row change). SQLite relies on the model's own refusal.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


def allow_changes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0001_initial'),
        ('orgs', '0001_initial'),
        ('sites', '0004_revision'),
        ('sms', '0005_kept_per_channel'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='IncidentAction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('verb', models.CharField(max_length=30)),
                ('old', models.JSONField(blank=True, default=dict)),
                ('new', models.JSONField(blank=True, default=dict)),
                ('note', models.TextField(blank=True)),
            ],
            options={
                'ordering': ['at', 'id'],
            },
        ),
        migrations.AddField(
            model_name='incident',
            name='accepted',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='incident',
            name='closed',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='incident',
            name='collectivite',
            field=models.CharField(blank=True, max_length=120, verbose_name='collectivité'),
        ),
        migrations.AddField(
            model_name='incident',
            name='duplicate_of',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='incidents.incident'),
        ),
        migrations.AddField(
            model_name='incident',
            name='groupement',
            field=models.CharField(blank=True, max_length=120, verbose_name='groupement'),
        ),
        migrations.AddField(
            model_name='incident',
            name='organisation',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='incidents', to='orgs.organisation'),
        ),
        migrations.AddField(
            model_name='incident',
            name='published',
            field=models.BooleanField(db_index=True, default=False),
        ),
        migrations.AddField(
            model_name='incident',
            name='published_on',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='incident',
            name='resolved',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='incident',
            name='synthetic',
            field=models.BooleanField(default=False, help_text='Made by `ramani demo`.'),
        ),
        migrations.AddField(
            model_name='incident',
            name='territoire_pcode',
            field=models.CharField(blank=True, db_index=True, max_length=12),
        ),
        migrations.AddField(
            model_name='incident',
            name='title',
            field=models.CharField(blank=True, max_length=140, verbose_name='public title'),
        ),
        migrations.AddField(
            model_name='incident',
            name='verification',
            field=models.CharField(blank=True, choices=[('', 'Not verified yet'), ('confirmed', 'Confirmed'), ('not_confirmed', 'Not confirmed'), ('duplicate', 'Duplicate'), ('spam', 'Spam')], default='', max_length=15),
        ),
        migrations.AddField(
            model_name='incident',
            name='verified',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='incident',
            name='category',
            field=models.CharField(choices=[('violence', 'Violence or theft'), ('accident', 'Accident'), ('corruption', 'Corruption or fraud'), ('roadblock', 'Roadblock'), ('child_labour', 'Child labour'), ('environment', 'Environmental issue'), ('industrial', 'Industrial conflict'), ('other', 'Other')], max_length=20, verbose_name='category'),
        ),
        migrations.AlterField(
            model_name='incident',
            name='created',
            field=models.DateTimeField(auto_now_add=True, db_index=True),
        ),
        migrations.AlterField(
            model_name='incident',
            name='description',
            field=models.TextField(blank=True, help_text="The reporter's own words (numbers redacted), never edited."),
        ),
        migrations.AlterField(
            model_name='incident',
            name='occurred_on',
            field=models.DateField(blank=True, null=True, verbose_name='date'),
        ),
        migrations.AlterField(
            model_name='incident',
            name='place',
            field=models.CharField(blank=True, help_text='Internal, never public.', max_length=120, verbose_name='village or mine'),
        ),
        migrations.AlterField(
            model_name='incident',
            name='province',
            field=models.CharField(blank=True, db_index=True, max_length=60, verbose_name='province'),
        ),
        migrations.AlterField(
            model_name='incident',
            name='status',
            field=models.CharField(choices=[('new', 'Received'), ('monitoring', 'Being monitored'), ('resolved', 'Resolved'), ('persistent', 'Persistent'), ('unresolved', 'Not resolved')], db_index=True, default='new', max_length=12, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='incident',
            name='subcategory',
            field=models.CharField(blank=True, max_length=30, verbose_name='subcategory'),
        ),
        migrations.AlterField(
            model_name='incident',
            name='territoire',
            field=models.CharField(blank=True, max_length=60, verbose_name='territoire'),
        ),
        migrations.AddIndex(
            model_name='incident',
            index=models.Index(fields=['organisation', '-created'], name='incident_org_created'),
        ),
        migrations.AddField(
            model_name='incidentaction',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='incidentaction',
            name='incident',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='incidents.incident'),
        ),
        migrations.AddField(
            model_name='incidentaction',
            name='organisation',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='orgs.organisation'),
        ),
        migrations.RunPython(refuse_changes, allow_changes),
    ]
