"""Every channel gets its key; questionnaires without a channel are dropped and opt-outs get their channels
(both are kept per channel now)."""

from django.db import migrations


def give_every_channel_a_key(apps, schema_editor):
    import secrets

    for channel in apps.get_model("sms", "Channel").objects.all():
        if not channel.settings.get("key"):
            channel.settings = {**channel.settings, "key": secrets.token_urlsafe(24)}
            channel.save(update_fields=["settings"])


def opt_outs_per_channel(apps, schema_editor):
    """An opt-out from before channels were kept apart holds on every channel the sender wrote to."""
    OptOut, Inbound = apps.get_model("sms", "OptOut"), apps.get_model("sms", "Inbound")
    for old in OptOut.objects.filter(channel__isnull=True):
        channels = Inbound.objects.filter(sender_hash=old.sender_hash).values_list("channel_id", flat=True).distinct()
        for channel_id in channels:
            OptOut.objects.get_or_create(channel_id=channel_id, sender_hash=old.sender_hash)
        old.delete()


def drop_conversations_without_channel(apps, schema_editor):
    # a questionnaire in progress with no channel cannot be answered on any channel now
    apps.get_model("sms", "Conversation").objects.filter(channel__isnull=True).delete()


class Migration(migrations.Migration):
    """Data first, in a transaction of its own (PostgreSQL refuses ALTER TABLE after deletes in the same one)."""

    dependencies = [
        ('sms', '0003_inbound_retry_fields'),
    ]

    operations = [
        migrations.RunPython(give_every_channel_a_key, migrations.RunPython.noop),
        migrations.RunPython(drop_conversations_without_channel, migrations.RunPython.noop),
        migrations.RunPython(opt_outs_per_channel, migrations.RunPython.noop),
    ]
