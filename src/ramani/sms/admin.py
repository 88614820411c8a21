from __future__ import annotations

import json
import re
from urllib.parse import unquote, urlsplit, urlunsplit

from django import forms
from django.contrib import admin
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ramani.sms.models import Channel, Inbound, Outbound

MASK = "•••• (set)"
SECRET_KEY = re.compile(r"pass|secret|token|key|auth|credential|signature", re.IGNORECASE)


def _masked_url(value: str) -> str:
    """A URL's password (https://user:password@host/…) and secret-looking query parameters (?key=…, &token=…)
    masked, in their own places; anything else as it is."""
    try:
        parts = urlsplit(value)
        password = parts.password
    except ValueError:
        return value
    if not parts.scheme or not parts.netloc:
        return value
    query = "&".join(_masked_parameter(p) for p in parts.query.split("&")) if parts.query else ""
    if not password and query == parts.query:
        return value
    userinfo, at, hostport = parts.netloc.rpartition("@")
    netloc = f"{userinfo.partition(':')[0]}:{MASK}@{hostport}" if password else parts.netloc
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _masked_parameter(parameter: str) -> str:
    name, equals, given = parameter.partition("=")
    return f"{name}={MASK}" if equals and given and SECRET_KEY.search(unquote(name)) else parameter


def mask(value, key: str = ""):
    """Channel settings as the admin shows them: the value of every secret-looking key (password, secret,
    auth_token, apikey, token, key …), nested ones too, replaced by MASK, and in URLs passwords and
    secret-looking query parameters (the channel key in a `public_url`) masked."""
    if isinstance(value, dict):
        return {k: mask(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v, key) for v in value]
    if SECRET_KEY.search(key) and value not in (None, ""):
        return MASK
    if isinstance(value, str):
        return _masked_url(value)
    return value


def unmask(new, old, key: str = ""):
    """The submitted settings with every value left as the admin showed it (masked) put back to the stored
    one: saving a form whose secrets were not retyped never wipes them."""
    if isinstance(new, dict) and isinstance(old, dict):
        return {k: unmask(v, old[k], str(k)) if k in old else v for k, v in new.items()}
    if isinstance(new, list) and isinstance(old, list) and len(new) == len(old):
        return [unmask(n, o, key) for n, o in zip(new, old)]
    if isinstance(new, str) and MASK in new and new != old:
        if new == mask(old, key):
            return old
        if isinstance(old, str):  # a URL edited elsewhere: each secret left masked keeps its stored value
            return _unmasked_url(new, old)
    return new


def _unmasked_url(new: str, old: str) -> str:
    """A URL edited around its masked secrets, with each put back in its own place (the password, a query
    parameter of the same name), only for the same scheme, host, port and user: a secret never goes to a URL it
    was not given for. What cannot be put back stays masked, and the form refuses it (ChannelForm)."""
    try:
        parts, before = urlsplit(new), urlsplit(old)
        same = (parts.scheme, parts.hostname, parts.port, parts.username) == (
            before.scheme,
            before.hostname,
            before.port,
            before.username,
        )
    except ValueError:
        return new
    if not same or not parts.scheme or not parts.netloc:
        return new
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    netloc = parts.netloc
    if password == MASK and before.password:
        netloc = f"{user}:{before.netloc.rpartition('@')[0].partition(':')[2]}@{hostport}"
    stored: dict[str, str] = {}
    for parameter in before.query.split("&"):
        name, _, value = parameter.partition("=")
        stored.setdefault(name, value)
    query = "&".join(
        f"{name}={stored[name]}" if value == MASK and name in stored and SECRET_KEY.search(unquote(name)) else p
        for p in parts.query.split("&")
        for name, _, value in [p.partition("=")]
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query if parts.query else "", parts.fragment))


class MaskedSettingsField(forms.JSONField):
    """The settings JSON with its secrets shown masked; a masked value submitted back means 'unchanged'."""

    def bound_data(self, data, initial):
        # a form shown again (it had an error) shows what was submitted, as it was: masks stay masks
        return initial if self.disabled or data is None else forms.fields.InvalidJSONInput(data)

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return super().prepare_value(mask(value))

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            submitted = self.to_python(data)
        except forms.ValidationError:
            return True
        return json.dumps(initial, sort_keys=True) != json.dumps(unmask(submitted, initial), sort_keys=True)


def _settings_help() -> str:
    """The model field's help text, then how secrets are shown, in the language of the request."""
    secrets = _("Secrets are shown as “%(mask)s”: leave them so to keep them, or type a new value.")
    return f"{Channel._meta.get_field('settings').help_text} {secrets % {'mask': MASK}}"


class ChannelForm(forms.ModelForm):
    settings = MaskedSettingsField(
        required=False,
        initial=dict,  # a new channel's form shows {} (not "null")
        label=capfirst(Channel._meta.get_field("settings").verbose_name),
        help_text=lazy(_settings_help, str)(),
    )

    class Meta:
        model = Channel
        fields = "__all__"

    def clean_settings(self):
        value = self.cleaned_data.get("settings")
        if value is None:
            return {}
        value = unmask(value, self.instance.settings if self.instance.pk else {})
        if MASK in json.dumps(value, ensure_ascii=False):  # a mask with no stored value behind it: never saved
            raise forms.ValidationError(_("Type the secret shown as “%(mask)s” again, or remove it.") % {"mask": MASK})
        return value


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    form = ChannelForm
    list_display = ("slug", "kind", "name", "number", "rate_per_minute", "active")


class _MessageLogAdmin(admin.ModelAdmin):
    """Messages are a log: read-only, and never showing a number, only its hash prefix."""

    list_filter = ("status", "channel")

    def has_add_permission(self, request):
        return False


@admin.register(Inbound)
class InboundAdmin(_MessageLogAdmin):
    list_display = ("id", "channel", "received", "status", "retries", "sender", "text")
    fields = ("channel", "received", "status", "provider_id", "retries", "attempts", "sender", "text", "error",
              "processed")  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("sender (hash)"))
    def sender(self, obj):
        return obj.sender_hash[:12]


@admin.register(Outbound)
class OutboundAdmin(_MessageLogAdmin):
    list_display = ("id", "channel", "created", "status", "attempts", "recipient", "text")
    fields = ("channel", "created", "status", "attempts", "next_attempt", "sent", "recipient", "text", "error")
    readonly_fields = fields

    @admin.display(description=_("recipient (hash)"))
    def recipient(self, obj):
        return obj.to_hash[:12]
