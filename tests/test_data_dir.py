"""Every command finds the data the server uses, or says which data dir it used and how to choose one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ramani import config
from tests.conftest import SAMPLE

ROOT = Path(__file__).resolve().parents[1]


def ramani(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("RAMANI_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["RAMANI_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "ramani.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=data_dir.parent,
    )


@pytest.mark.parametrize(
    "args",
    [
        ("manage", "createsuperuser", "--noinput", "--username", "admin", "--email", "a@example.org"),
        ("check", "sites"),
        ("import", "ipis", str(SAMPLE)),
        ("export", "ipis", "out.csv"),
        ("serve", "--port", "1"),
    ],
)
def test_a_fresh_data_dir_is_a_clear_message_not_a_traceback(tmp_path, args):
    fresh = tmp_path / "fresh"
    done = ramani(fresh, *args)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "no such table" not in done.stderr
    assert "has no Ramani tables" in done.stderr and str(fresh) in done.stderr
    assert "ramani migrate" in done.stderr and "RAMANI_DATA_DIR" in done.stderr


def test_after_migrate_the_same_data_dir_works(tmp_path):
    data = tmp_path / "data"
    assert ramani(data, "migrate").returncode == 0
    done = ramani(data, "manage", "createsuperuser", "--noinput", "--username", "admin", "--email", "a@example.org")
    assert done.returncode == 0, done.stderr


def test_run_from_the_checkout_the_default_is_its_var_folder(monkeypatch):
    monkeypatch.delenv("RAMANI_DATA_DIR", raising=False)
    assert config.checkout() == ROOT
    assert config.BY_NAME["RAMANI_DATA_DIR"].default == str(ROOT / "var")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "RAMANI_DATA_DIR ?= $(CURDIR)/var" in makefile  # what `make run` serves
