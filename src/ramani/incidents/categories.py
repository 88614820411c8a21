"""Kufatilia incident categories (SPEC §4), as data in three languages, numbered for SMS menus."""

from __future__ import annotations

CATEGORIES = [
    (
        "violence",
        {"sw": "Vurugu au wizi", "fr": "Violence ou vol", "en": "Violence or theft"},
        ["armed_attack", "theft", "sexual_violence", "other"],
    ),
    ("accident", {"sw": "Ajali", "fr": "Accident", "en": "Accident"}, ["landslide", "flooding", "injury", "other"]),
    (
        "corruption",
        {"sw": "Rushwa au udanganyifu", "fr": "Corruption ou fraude", "en": "Corruption or fraud"},
        ["illegal_tax", "fraud", "other"],
    ),
    ("roadblock", {"sw": "Kizuizi barabarani", "fr": "Barrière routière", "en": "Roadblock"}, ["illegal_tax", "other"]),
    ("child_labour", {"sw": "Ajira ya watoto", "fr": "Travail des enfants", "en": "Child labour"}, ["other"]),
    (
        "environment",
        {"sw": "Tatizo la mazingira", "fr": "Problème environnemental", "en": "Environmental issue"},
        ["mercury", "water_pollution", "deforestation", "other"],
    ),
    (
        "industrial",
        {"sw": "Mgogoro wa kazi", "fr": "Conflit industriel", "en": "Industrial conflict"},
        ["eviction", "company_dispute", "other"],
    ),
    ("other", {"sw": "Mengine", "fr": "Autre", "en": "Other"}, ["other"]),
]
CODES = [c[0] for c in CATEGORIES]
CHOICES = [(code, labels["en"]) for code, labels, _ in CATEGORIES]


def label(code: str, language: str = "en") -> str:
    return next((labels[language] for c, labels, _ in CATEGORIES if c == code), code)


def subcategories(code: str) -> list[str]:
    return next((subs for c, _labels, subs in CATEGORIES if c == code), [])
