"""Gateway adapters, one module per gateway kind: pure functions from a gateway's HTTP request to
an `Incoming` message, and from a reply to what that gateway expects (see base.py for what each
module exposes). This registry is the one list of kinds: model choices, the CLI and the docs
test read it."""

from types import ModuleType

from ramani.sms.channels import africastalking, android, generic, kannel, twilio

ADAPTERS: dict[str, ModuleType] = {m.KIND: m for m in (kannel, android, africastalking, twilio, generic)}
#: the model's choices: a gateway's product name (Kannel, Twilio …) as it is, a description translated
KIND_CHOICES = [(kind, getattr(module, "CHOICE_LABEL", module.LABEL)) for kind, module in ADAPTERS.items()]


def adapter(kind: str) -> ModuleType:
    return ADAPTERS[kind]
