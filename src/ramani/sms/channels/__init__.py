"""Gateway adapters: pure functions from a gateway's HTTP request to an `Incoming` message,
and from a reply to what that gateway expects. No database, no Django models."""

from ramani.sms.channels import generic, kannel

ADAPTERS = {"generic": generic, "kannel": kannel}
