"""Every HXL tag Ramani writes is made of a core hashtag and documented (or listed local) attributes."""

from ramani.opendata import dictionary, hxl
from ramani.sites import ipis_format as fmt


def _entries(value, seen=None):
    """Every dictionary.Entry reachable from `value` (dicts, lists, tuples of them)."""
    if isinstance(value, dictionary.Entry):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _entries(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _entries(v)


def test_every_tag_is_in_the_cited_lists():
    written = {e.hxl for name in dir(dictionary) for e in _entries(getattr(dictionary, name)) if e.hxl}
    written |= set(dictionary.IPIS_HXL.values())
    columns = frozenset(fmt.COLUMNS)
    for collection in hxl.COLLECTIONS:
        header = dictionary.csv_columns(collection)
        written |= set(hxl.tags(collection, header))
        columns |= frozenset(header)
    assert len(written) > 40
    bad = {t: hxl.unknown_parts(t, columns) for t in written if hxl.unknown_parts(t, columns)}
    assert bad == {}
    # the fallback's column-name attributes only after #indicator / #meta
    fixed = {t for t in written if hxl.unknown_parts(t)}
    assert fixed and all(t.split("+")[0] in ("#indicator", "#meta") for t in fixed), fixed


def test_the_check_refuses_invented_parts():
    assert hxl.unknown_parts("#loc+name") == []
    assert hxl.unknown_parts("#affected+diggers") == ["+diggers"]
    assert hxl.unknown_parts("#site+name") == ["#site"]
    assert hxl.unknown_parts("#date+visit") == ["+visit"]
    assert hxl.unknown_parts("#geo+wkb") == ["+wkb"]
    assert {"#adm1", "#geo", "#loc", "#date", "#meta"} <= hxl.HASHTAGS and {"code", "lat", "lon"} <= hxl.ATTRIBUTES
