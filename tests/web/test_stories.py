"""Story maps: the shipped story renders with figures from the data; `ramani story check` on good and broken
files; authors' stories from RAMANI_DATA_DIR/stories/ (JSON and YAML, with an image)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from ramani.opendata import query
from ramani.web.stories import library
from ramani.web.stories.schema import StoryError, parse_view, validate
from tests.conftest import load_demo

SHIPPED = library.PACKAGED / "armed-interference.json"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f80f000001010001a5f645400000000049454e44ae426082"
)


def good_story() -> dict:
    text = {"fr": "Des sites : {sites}.", "en": "Sites: {sites}.", "sw": "Maeneo: {sites}."}
    return {
        "title": {"fr": "Essai", "en": "Trial", "sw": "Jaribio"},
        "chapters": [
            {
                "title": {"fr": "Un", "en": "One", "sw": "Moja"},
                "text": text,
                "camera": {"center": [28.8, -2.5], "zoom": 7},
                "map": {"layer": "armed", "filters": {"year": "2015", "mercury": True}},
            },
            {
                "title": {"fr": "Deux", "en": "Two", "sw": "Mbili"},
                "text": text,
                "view": "http://example.org/?layer=mercury&province=Sud-Kivu#view=9/-3.1/28.4",
                "image": {
                    "src": "pit.png",
                    "caption": {"fr": "Un puits", "en": "A pit", "sw": "Shimo"},
                    "credit": "Ramani, CC BY 4.0",
                },
            },
        ],
    }


def check(path: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {"RAMANI_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "ramani.cli", "story", "check", str(path)], env=env, capture_output=True, text=True
    )


def test_story_check_accepts_the_shipped_story_and_a_good_file(tmp_path):
    answer = check(SHIPPED, tmp_path)
    assert answer.returncode == 0, answer.stderr
    assert "6 chapter(s)" in answer.stdout and "fr, en and sw" in answer.stdout
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "pit.png").write_bytes(PNG)
    path = folder / "trial.json"
    path.write_text(json.dumps(good_story()), encoding="utf-8")
    answer = check(path, tmp_path)
    assert answer.returncode == 0, answer.stderr
    assert "2 chapter(s)" in answer.stdout


def test_story_check_lists_every_problem_of_a_broken_file(tmp_path):
    story = good_story()
    story["title"].pop("sw")
    first = story["chapters"][0]
    first["camera"] = {"center": [-2.5, 28.8], "zoom": 25}
    first["map"] = {"layer": "roads", "filters": {"year": "1990", "colour": "red", "mercury": "maybe"}}
    first["text"]["en"] = "{count} sites"
    story["chapters"][1]["image"] = {"src": "../secret.png", "caption": {"fr": "x", "en": "x", "sw": ""}}
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(story), encoding="utf-8")
    answer = check(path, tmp_path)
    assert answer.returncode == 1
    out = answer.stderr
    assert "Traceback" not in out
    for expected in (
        "title.sw: missing or empty",
        "chapters[0].camera.center: [-2.5, 28.8] is outside the region",
        "[lat, lon] reversed?",
        "chapters[0].camera.zoom: 25 is out of range (3 to 18)",
        "chapters[0].map.layer: unknown layer 'roads'",
        "year 1990 is outside 2009",
        "unknown filter 'colour'",
        "mercury='maybe': expected true or false",
        "chapters[0].text.en: unknown figure '{count}'",
        "chapters[1].image.caption.sw: missing or empty",
        "chapters[1].image.credit: missing",
        "chapters[1].image.src: '../secret.png' must be a plain file name",
    ):
        assert expected in out, (expected, out)
    (tmp_path / "bad.json").write_text('{"title": ', encoding="utf-8")
    answer = check(tmp_path / "bad.json", tmp_path)
    assert answer.returncode == 1 and "not valid JSON: line 1" in answer.stderr
    (tmp_path / "bad.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    answer = check(tmp_path / "bad.yaml", tmp_path)
    assert answer.returncode == 1 and "not valid YAML" in answer.stderr and "Traceback" not in answer.stderr


def test_a_chapter_given_as_a_map_url_carries_the_map_state():
    filters, layer, center, zoom, problems = parse_view("/?layer=armed&year=2015&site=codmine00312#view=8.5/-2.3/28.1")
    assert (filters, layer, center, zoom, problems) == ({"year": "2015"}, "armed", (28.1, -2.3), 8.5, [])
    story = validate(good_story() | {"chapters": good_story()["chapters"][:1]}, "trial")
    chapter = story.chapters[0]
    assert chapter.filters == {"year": "2015", "mercury": "true"} and chapter.layer == "armed"
    with pytest.raises(StoryError) as error:
        validate({"title": {"fr": "a", "en": "a", "sw": "a"}, "chapters": [{"view": "/#view=x/y/z"}]}, "Bad Name")
    assert any("file name" in p for p in error.value.problems)
    assert any("is not zoom/latitude/longitude" in p for p in error.value.problems)


@pytest.mark.django_db
def test_the_shipped_story_renders_figures_from_the_data_in_three_languages(client, tmp_path):
    load_demo(tmp_path, sites=150, seed=5)
    pages = {}
    for lang in ("fr", "en", "sw"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        answer = client.get("/story/armed-interference/")
        assert answer.status_code == 200
        pages[lang] = answer.content.decode()
    page = pages["en"]
    assert "Armed interference at mining sites, 2009 to today" in page
    assert "L’ingérence armée sur les sites miniers" in pages["fr"] and "Uingiliaji wa silaha" in pages["sw"]
    visited = query.filter_sites({"year": "2009"}).count()
    armed = query.filter_sites({"year": "2009", "armed_presence": "true"}).count()
    assert visited > 0
    assert f"In 2009 the first survey visited {visited:,} sites" in page
    assert f"At {round(100 * armed / visited)}% of them" in page
    assert "{" not in re.sub(r"<script.*?</script>", "", page, flags=re.S)  # every figure filled
    config = json.loads(re.search(r'<script id="story-config" type="application/json">(.*?)</script>', page).group(1))
    assert [c["layer"] for c in config["chapters"]] == [
        "qualification",
        "armed",
        "armed",
        "armed",
        "qualification",
        "armed",
    ]
    assert config["chapters"][1]["filters"] == {"year": "2009"} and config["chapters"][1]["zoom"] == 6.2
    assert config["chapters"][5]["center"] == [27.6, -1.8]  # the chapter given as a map URL
    # each chapter links to the same view on the map
    links = re.findall(r'<p class="chapter-link"><a href="([^"]+)"', page)
    assert links[1] == "/?year=2009&amp;layer=armed#view=6.2/-2.2/28"
    assert len(links) == 6
    # the text-only version has no map and no script, but the same chapters and links
    text_only = client.get("/story/armed-interference/?text=1").content.decode()
    assert "story-config" not in text_only and "story.js" not in text_only and "maplibre" not in text_only
    assert len(re.findall(r'class="chapter-link"', text_only)) == 6
    listing = client.get("/story/").content.decode()
    assert 'href="/story/armed-interference/"' in listing and 'aria-current="page"' in listing
    assert client.get("/story/nothing-here/").status_code == 404


@pytest.mark.django_db
def test_authors_stories_from_the_data_dir_with_an_image(client, tmp_path):
    import yaml

    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "pit.png").write_bytes(PNG)
    (folder / "trial.yaml").write_text(yaml.safe_dump(good_story(), allow_unicode=True), encoding="utf-8")
    broken = good_story()
    broken["chapters"][0]["camera"]["zoom"] = 40
    (folder / "broken.json").write_text(json.dumps(broken), encoding="utf-8")
    with override_settings(DATA_DIR=tmp_path):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = client.get("/story/trial/").content.decode()
        assert "Sites: 0." in page and "A pit" in page and "Ramani, CC BY 4.0" in page
        assert 'src="/story/trial/pit.png"' in page
        image = client.get("/story/trial/pit.png")
        assert image.status_code == 200 and image["Content-Type"] == "image/png"
        assert b"".join(image.streaming_content) == PNG
        assert client.get("/story/trial/other.png").status_code == 404
        assert client.get("/story/trial/trial.yaml").status_code == 404
        listing = client.get("/story/").content.decode()
        assert 'href="/story/trial/"' in listing and "broken" in listing
        answer = client.get("/story/broken/")
        assert answer.status_code == 404 and "zoom: 40 is out of range" in answer.content.decode()


def test_the_example_of_docs_stories_md_is_a_valid_story():
    import yaml

    doc = (Path(__file__).resolve().parents[2] / "docs" / "stories.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", doc, re.S).group(1)
    story = validate(yaml.safe_load(example), "goldfields")
    assert [c.layer for c in story.chapters] == ["armed", "qualification"]
    assert story.chapters[0].filters == {"territoire": "Mwenga", "mineral": "Or", "year": "2015"}
    assert story.chapters[1].center == (28.4, -3.0) and story.chapters[1].zoom == 8
