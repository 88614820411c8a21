"""The upgrade from channels without keys and conversations shared across channels keeps what matters."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db(transaction=True)
def test_upgrade_gives_keys_and_scopes_old_rows():
    executor = MigrationExecutor(connection)
    old = [("sms", "0002_conversation")]
    executor.migrate(old)
    apps = executor.loader.project_state(old).apps
    Channel, OptOut = apps.get_model("sms", "Channel"), apps.get_model("sms", "OptOut")
    Conversation, Inbound = apps.get_model("sms", "Conversation"), apps.get_model("sms", "Inbound")
    kannel = Channel.objects.create(slug="kan", kind="kannel", settings={"url": "http://kannel"})
    Channel.objects.create(slug="other", kind="generic")
    Inbound.objects.create(channel=kannel, sealed_request="x", sender_hash="a" * 64, status="processed")
    OptOut.objects.create(sender_hash="a" * 64)  # wrote on kan only
    OptOut.objects.create(sender_hash="b" * 64)  # no message left: no channel to hold it on
    Conversation.objects.create(sender_hash="c" * 64, state="language")  # no channel
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from ramani.sms.models import Channel as Now
    from ramani.sms.models import Conversation as NowConversation
    from ramani.sms.models import OptOut as NowOptOut

    keys = [c.settings["key"] for c in Now.objects.order_by("slug")]
    assert len(set(keys)) == 2 and all(len(k) >= 24 for k in keys)
    assert Now.objects.get(slug="kan").settings["url"] == "http://kannel"
    assert list(NowOptOut.objects.values_list("channel__slug", "sender_hash")) == [("kan", "a" * 64)]
    assert not NowConversation.objects.exists()
