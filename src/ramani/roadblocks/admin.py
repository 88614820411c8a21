"""Curation of roadblocks, every change kept in history."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ramani.roadblocks import vocabularies as vocab
from ramani.roadblocks.importer import locate
from ramani.roadblocks.models import Roadblock

OPERATOR_CHOICES = [(code, entry[3]) for code, entry in vocab.OPERATOR_TYPES.items()]


class RoadblockForm(forms.ModelForm):
    operator_types = forms.TypedMultipleChoiceField(
        choices=OPERATOR_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=capfirst(Roadblock._meta.get_field("operator_types").verbose_name),
        help_text=Roadblock._meta.get_field("operator_types").help_text,
    )

    class Meta:
        model = Roadblock
        fields = "__all__"
        widgets = {
            "place_name": forms.TextInput(attrs={"size": 40}),
            "operators": forms.TextInput(attrs={"size": 60}),
            "toll_text": forms.TextInput(attrs={"size": 40}),
            "source": forms.TextInput(attrs={"size": 40}),
            "project": forms.TextInput(attrs={"size": 40}),
            "territoire": forms.TextInput(attrs={"size": 40}),
        }


@admin.register(Roadblock)
class RoadblockAdmin(SimpleHistoryAdmin):
    form = RoadblockForm
    list_display = ("place_name", "date_text", "types", "operators", "toll_text", "territoire", "project", "synthetic")
    list_filter = ("synthetic", "project", "road_class", "province_pcode", "territoire")
    search_fields = ("key", "place_name", "operators", "toll_text", "territoire")
    readonly_fields = ("key", "province_pcode", "adm2_pcode", "territoire", "created", "updated")

    def save_model(self, request, obj: Roadblock, form, change) -> None:
        point = {"latitude": obj.latitude, "longitude": obj.longitude}
        locate([point])  # a moved point is in another unit
        obj.province_pcode, obj.adm2_pcode, obj.territoire = (
            point["province_pcode"],
            point["adm2_pcode"],
            point["territoire"],
        )
        super().save_model(request, obj, form, change)

    @admin.display(description=_("operator types"))
    def types(self, obj: Roadblock) -> str:
        return format_html_join(
            ", ",
            '<span style="color:{}">●</span> {}',
            (
                (vocab.OPERATOR_TYPES[c][1], vocab.OPERATOR_TYPES[c][3])
                for c in obj.operator_types
                if c in vocab.OPERATOR_TYPES
            ),
        ) or format_html("{}", "—")
