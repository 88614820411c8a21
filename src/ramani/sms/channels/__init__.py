"""Gateway adapters: pure functions from a gateway's HTTP request to an `Incoming` message,
and from a reply to what that gateway expects. No database, no Django models."""

from ramani.sms.channels import africastalking, android, generic, kannel, twilio

ADAPTERS = {"generic": generic, "kannel": kannel, "android": android, "africastalking": africastalking,
            "twilio": twilio}
# Channels whose reply travels in the HTTP answer to the inbound request (no outbound API call).
REPLY_IN_RESPONSE = {"generic", "twilio"}
