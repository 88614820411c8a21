"""Every setting and every command is documented (Datasette's habit)."""

from pathlib import Path

import click

from ramani import config, dburl
from ramani.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented():
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for setting in config.SETTINGS:
        assert f"`{setting.name}`" in doc, setting.name


def _commands(group: click.Group, prefix: str = "ramani"):
    for name, cmd in group.commands.items():
        yield f"{prefix} {name}"
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, f"{prefix} {name}")


def test_every_command_is_documented():
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for command in _commands(main):
        assert f"`{command}" in doc, command


def test_database_urls():
    assert dburl.parse("sqlite:////tmp/x.db")["NAME"] == "/tmp/x.db"
    pg = dburl.parse("postgres://u:p%40ss@db.example:5433/ramani?sslmode=require")
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "u",
        "p@ss",
        "db.example",
        "5433",
        "ramani",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"}
    for bad in ("mysql://x/y", "postgres://host/", "sqlite://host/x"):
        try:
            dburl.parse(bad)
        except dburl.DatabaseURLError as exc:
            assert "p@ss" not in str(exc)
        else:
            raise AssertionError(bad)
