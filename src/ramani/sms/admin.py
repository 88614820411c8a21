from django.contrib import admin

from ramani.sms.models import Channel, Inbound, Outbound


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("slug", "kind", "name", "number", "rate_per_minute", "active")


class _MessageLogAdmin(admin.ModelAdmin):
    """Messages are a log: read-only, and never showing a number, only its hash prefix."""

    list_filter = ("status", "channel")

    def has_add_permission(self, request):
        return False


@admin.register(Inbound)
class InboundAdmin(_MessageLogAdmin):
    list_display = ("id", "channel", "received", "status", "sender", "text")
    fields = ("channel", "received", "status", "provider_id", "sender", "text", "duplicate_of", "error", "processed")
    readonly_fields = fields

    @admin.display(description="sender (hash)")
    def sender(self, obj):
        return obj.sender_hash[:12]


@admin.register(Outbound)
class OutboundAdmin(_MessageLogAdmin):
    list_display = ("id", "channel", "created", "status", "attempts", "recipient", "text")
    fields = ("channel", "created", "status", "attempts", "next_attempt", "sent", "recipient", "text", "error")
    readonly_fields = fields

    @admin.display(description="recipient (hash)")
    def recipient(self, obj):
        return obj.to_hash[:12]
