"""Where stories come from: the package's own (web/stories/data/) and the authors' (RAMANI_DATA_DIR/stories/),
one file per story, its name the story's URL (`armed-interference.json` is /story/armed-interference/).
An author's file of the same name replaces the package's."""

from __future__ import annotations

import json
from pathlib import Path

from ramani.web.stories.schema import Story, StoryError, validate

PACKAGED = Path(__file__).parent / "data"
SUFFIXES = (".json", ".yaml", ".yml")


def authors_folder() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / "stories"


def read(path: Path):
    """The file's data; StoryError when it is not readable JSON or YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise StoryError([f"cannot read {path}: {error}"]) from None
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise StoryError([f"not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}"]) from None
    if path.suffix in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise StoryError(["YAML stories need PyYAML (pip install PyYAML); or write the story as JSON"]) from None
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
            raise StoryError([f"not valid YAML: {where}{getattr(error, 'problem', None) or error}"]) from None
    raise StoryError([f"{path.name}: a story is a {', '.join(SUFFIXES)} file"])


def load(path: Path) -> Story:
    return validate(read(path), path.stem, path.parent)


def files() -> dict[str, Path]:
    """slug -> file, the authors' folder last (its stories replace the package's of the same name)."""
    found: dict[str, Path] = {}
    for folder in (PACKAGED, authors_folder()):
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.suffix in SUFFIXES and path.is_file():
                    found[path.stem] = path
    return found


def stories() -> tuple[list[Story], dict[str, list[str]]]:
    """The stories that can be shown, and the problems of those that cannot (slug -> problems)."""
    good, bad = [], {}
    for slug, path in files().items():
        try:
            good.append(load(path))
        except StoryError as error:
            bad[slug] = error.problems
    return good, bad


def get(slug: str) -> Story | None:
    path = files().get(slug)
    return load(path) if path else None
