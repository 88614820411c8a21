"""Exactly-once inbound messages (unique channel + dedup key); conversations and opt-outs kept per channel."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0001_initial'),
        ('sms', '0004_channel_keys'),
    ]

    operations = [
        migrations.AlterField(
            model_name='optout',
            name='channel',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='sms.channel'),
        ),
        migrations.AlterField(
            model_name='conversation',
            name='channel',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='sms.channel'),
        ),
        migrations.AddIndex(
            model_name='inbound',
            index=models.Index(fields=['channel', 'sender_hash', 'status'], name='sms_inbound_sender'),
        ),
        migrations.AddConstraint(
            model_name='conversation',
            constraint=models.UniqueConstraint(fields=('channel', 'sender_hash'), name='sms_conversation_once'),
        ),
        migrations.AddConstraint(
            model_name='inbound',
            constraint=models.UniqueConstraint(fields=('channel', 'dedup_key'), name='sms_inbound_once'),
        ),
        migrations.AddConstraint(
            model_name='optout',
            constraint=models.UniqueConstraint(fields=('channel', 'sender_hash'), name='sms_optout_once'),
        ),
    ]
