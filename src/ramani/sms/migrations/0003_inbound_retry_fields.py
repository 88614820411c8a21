"""Fields for exactly-once messages, and the channel of an opt-out (filled in 0004)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sms', '0002_conversation'),
    ]

    operations = [
        migrations.AddField(
            model_name='inbound',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0, help_text='Times its processing failed (3: given up).'),
        ),
        migrations.AddField(
            model_name='inbound',
            name='dedup_key',
            field=models.CharField(blank=True, help_text='Keyed hash of what identifies a gateway retry; unique per channel.', max_length=64, null=True),
        ),
        migrations.AddField(
            model_name='inbound',
            name='retries',
            field=models.PositiveIntegerField(default=0, help_text='Gateway retries of this message, not stored again.'),
        ),
        migrations.AddField(
            model_name='optout',
            name='channel',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='sms.channel'),
        ),
        migrations.AlterField(
            model_name='channel',
            name='kind',
            field=models.CharField(choices=[('kannel', 'Kannel'), ('android', 'SMS Gateway for Android'), ('africastalking', "Africa's Talking"), ('twilio', 'Twilio'), ('generic', 'Generic JSON webhook')], max_length=20),
        ),
        migrations.AlterField(
            model_name='channel',
            name='settings',
            field=models.JSONField(blank=True, default=dict, help_text="Gateway settings: key (the channel's own secret, in every inbound URL), url, username, password, api keys, signing secret …"),
        ),
        migrations.AlterField(
            model_name='conversation',
            name='sender_hash',
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name='optout',
            name='sender_hash',
            field=models.CharField(max_length=64),
        ),
    ]
