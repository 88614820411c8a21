"""Roadblock re-imports keep the curators' work (ramani.curation) and leave history naming the import."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from ramani.roadblocks.models import Roadblock
from tests.roadblocks.test_import import API_ROWS, run

pytestmark = pytest.mark.django_db


def api_file(path, rows):
    path.write_text(json.dumps({"result": rows}, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_curators_edit_survives_a_changed_file_and_is_a_conflict(tmp_path):
    assert run("import", "roadblocks", api_file(tmp_path / "a.json", API_ROWS)).exit_code == 0
    rubaya = Roadblock.objects.get(place_name="Rubaya")
    assert rubaya.history.get().history_change_reason == "import roadblocks a.json"
    rubaya.operators = "FARDC (8e région militaire), chef de groupement"
    rubaya.save()  # a curator's correction, as the admin saves it (a history row without an import's reason)

    rows = copy.deepcopy(API_ROWS)
    rows[0]["o"] = "FARDC"  # the file changes the operators too: a conflict
    rows[0]["tm"] = "1000 FC par personne"  # and the toll, which the curator left alone
    r = run("import", "roadblocks", api_file(tmp_path / "b.json", rows))
    assert r.exit_code == 0, r.output
    assert "1 conflict(s) with curators' edits, the curator's value kept" in r.output
    assert "operators: curator 'FARDC (8e région militaire), chef de groupement', file 'FARDC'" in r.output
    rubaya.refresh_from_db()
    assert rubaya.operators == "FARDC (8e région militaire), chef de groupement"
    assert (rubaya.toll_text, rubaya.toll_amount) == ("1000 FC par personne", Decimal("1000"))
    assert rubaya.history.first().history_change_reason == "import roadblocks b.json"

    r = run("import", "roadblocks", api_file(tmp_path / "b.json", rows), "--overwrite")
    assert "1 conflict(s) with curators' edits, the file's value written (--overwrite)" in r.output
    rubaya.refresh_from_db()
    assert rubaya.operators == "FARDC"
    r = run("import", "roadblocks", api_file(tmp_path / "b.json", rows))
    assert "0 updated, 3 unchanged" in r.output and "conflict" not in r.output
