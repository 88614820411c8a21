"""The 26 provinces of DR Congo with their OCHA COD-AB admin-1 pcodes (public reference codes),
and the pre-2015 provinces they came from, so a province NAME can be given its pcode without
any boundary file."""

from __future__ import annotations

from functools import lru_cache

from ramani.geo.names import normalise

PROVINCES: dict[str, str] = {
    "CD10": "Kinshasa",
    "CD20": "Kongo-Central",
    "CD31": "Kwango",
    "CD32": "Kwilu",
    "CD33": "Maï-Ndombe",
    "CD41": "Equateur",
    "CD42": "Sud-Ubangi",
    "CD43": "Nord-Ubangi",
    "CD44": "Mongala",
    "CD45": "Tshuapa",
    "CD51": "Tshopo",
    "CD52": "Bas-Uele",
    "CD53": "Haut-Uele",
    "CD54": "Ituri",
    "CD61": "Nord-Kivu",
    "CD62": "Sud-Kivu",
    "CD63": "Maniema",
    "CD71": "Haut-Katanga",
    "CD72": "Lualaba",
    "CD73": "Haut-Lomami",
    "CD74": "Tanganyika",
    "CD81": "Lomami",
    "CD82": "Kasaï-Oriental",
    "CD83": "Sankuru",
    "CD91": "Kasaï-Central",
    "CD92": "Kasaï",
}
ALIASES = {
    "bas congo": "CD20",
    "kongo central": "CD20",
    "mai ndombe": "CD33",
    "kasai oriental": "CD82",
    "kasai central": "CD91",
    "kasai": "CD92",
}
# Provinces before the 2015 découpage -> the current provinces carved from them.
OLD_PROVINCES = {
    "Orientale": ["CD51", "CD52", "CD53", "CD54"],
    "Katanga": ["CD71", "CD72", "CD73", "CD74"],
    "Nord-Kivu": ["CD61"],
    "Sud-Kivu": ["CD62"],
    "Maniema": ["CD63"],
}
_BY_NAME = {normalise(name): code for code, name in PROVINCES.items()} | ALIASES


@lru_cache(maxsize=4096)
def pcode_of(name: str) -> str:
    """'Sud-Kivu' -> 'CD62'; '' when the name is not a current province."""
    return _BY_NAME.get(normalise(name), "")
