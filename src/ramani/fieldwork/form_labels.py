"""A survey's own XLSForm (`--form FILE.xlsx`): its choice codes read as their labels.

A form built elsewhere (or edited in KoboToolbox's form builder) may use its own choice codes —
numbers, abbreviations — for the same answers. With its XLSForm, each select_one / select_multiple
answer of a submission is replaced by its choice's label (French first, then English, then any
label), which the survey importer reads as it reads Ramani's own labels in French, English or
Swahili. A code the form does not list is left as it is (and reported if the importer cannot read
it). The site question (`pcode`) keeps its codes: they are the pcodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

KEEP = {"pcode"}


class FormError(Exception):
    """The XLSForm cannot be read."""


@dataclass
class FormChoices:
    form_id: str
    fields: dict[str, tuple[bool, dict[str, str]]]  # question name -> (select_multiple?, {code: label})

    def relabel(self, fields: dict[str, Any]) -> None:
        """Replace, in place, each answer to a select question (repeats included) by its labels."""
        for name, value in list(fields.items()):
            if isinstance(value, list) and all(isinstance(x, dict) for x in value):
                for item in value:
                    self.relabel(item)
                continue
            select = self.fields.get(name)
            if select is None or name in KEEP or value in (None, ""):
                continue
            multiple, labels = select
            if multiple:
                codes = value if isinstance(value, list) else str(value).split()
                fields[name] = [labels.get(str(c), str(c)) for c in codes]
            else:
                fields[name] = labels.get(str(value).strip(), value)


def _rows(sheet) -> list[dict[str, Any]]:
    it = sheet.iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(it, ())]
    return [
        {h: v for h, v in zip(header, values) if h and v not in (None, "")}
        for values in it
        if values and any(v not in (None, "") for v in values)
    ]


def _label_columns(columns: list[str]) -> list[str]:
    labels = [c for c in columns if c.lower().startswith("label")]

    def rank(c: str) -> int:
        low = c.lower()
        if "(fr)" in low or "french" in low or "fran" in low:
            return 0
        if "(en)" in low or "english" in low:
            return 1
        return 2 if low == "label" else 3

    return sorted(labels, key=rank)


def read_xlsform(path: Path) -> FormChoices:
    """The select questions of an XLSForm (survey and choices sheets) with their codes' labels."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise FormError(f"{path.name}: not an XLSForm workbook ({exc})") from None
    sheets = {s.title.strip().lower(): _rows(s) for s in book.worksheets}
    book.close()
    if "survey" not in sheets or "choices" not in sheets:
        raise FormError(f"{path.name}: an XLSForm has a 'survey' and a 'choices' sheet")
    choices: dict[str, dict[str, str]] = {}
    columns: list[str] = []
    for r in sheets["choices"]:
        columns += [c for c in r if c not in columns]
    label_columns = _label_columns(columns)
    for r in sheets["choices"]:
        list_name = str(r.get("list_name") or r.get("list name") or "").strip()
        name = r.get("name")
        if not list_name or name is None:
            continue
        code = str(int(name)) if isinstance(name, float) and name.is_integer() else str(name).strip()
        label = next((str(r[c]).strip() for c in label_columns if r.get(c) not in (None, "")), code)
        choices.setdefault(list_name, {})[code] = label
    fields: dict[str, tuple[bool, dict[str, str]]] = {}
    for r in sheets["survey"]:
        kind = str(r.get("type") or "").split()
        if len(kind) >= 2 and kind[0] in ("select_one", "select_multiple") and r.get("name"):
            if kind[1] not in choices:
                raise FormError(f"{path.name}: question {r['name']} names choice list {kind[1]!r}, not in 'choices'")
            fields[str(r["name"]).strip()] = (kind[0] == "select_multiple", choices[kind[1]])
    if not fields:
        raise FormError(f"{path.name}: no select_one or select_multiple question in 'survey'")
    settings = (sheets.get("settings") or [{}])[0]
    return FormChoices(form_id=str(settings.get("form_id") or path.stem), fields=fields)
