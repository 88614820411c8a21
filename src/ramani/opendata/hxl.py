"""HXL-tagged CSV (https://hxlstandard.org/): the sites or visits CSV download with a second row of hashtags,
as the Humanitarian Data Exchange expects. The hashtags come from the data dictionary, so each column is
tagged where it is described."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from ramani.opendata import dictionary, exports

COLLECTIONS = ("sites", "visits")

# The core hashtags of the HXL 1.1 hashtag dictionary (https://hxlstandard.org/standard/dictionary/, published as
# the "HXL core schemas" https://data.humdata.org/dataset/hxl-core-schemas; a tag's hashtag must be one of them).
HASHTAGS = frozenset(
    "#access #activity #adm1 #adm2 #adm3 #adm4 #adm5 #affected #beneficiary #capacity #cause #channel #contact "
    "#country #crisis #currency #date #description #event #frequency #geo #group #impact #indicator #inneed #item "
    "#loc #meta #modality #need #operations #org #output #population #reached #region #respondee #sector #service "
    "#severity #status #subsector #targeted #value".split()
)
# The attributes the same HXL 1.1 dictionary documents (same sources).
ATTRIBUTES = frozenset(
    "abducted activity adolescents adults approved bounds canceled children cluster code converted coord dest "
    "displaced elderly email end f funder hh i id idps impl incamp ind infants infected injured killed label lat lon "
    "m name noncamp num occurred origin phone prog programme project provided refugees reported source start text "
    "type url used".split()
)
# Attributes of our own, where no documented one says it (HXL lets a publisher add attributes, lowercase, and
# tools match on the documented part): each one a concept of the IPIS data, named as the column names it.
LOCAL_ATTRIBUTES = frozenset(
    {
        "dry",  # #access in the dry season
        "wet",  # #access in the rainy season
        "old",  # #adm1+name+old: the province before the 2015 split
        "village",  # #loc+name+village: the village the site is near (the site itself is #loc+name)
        "workers",  # #indicator+num+workers: diggers counted
        "records",  # #indicator+num+records: visits and decisions recorded
        "qualification",  # #status+qualification: green/yellow/red (CIRGL)
        "valid",  # #status+valid: whether the qualification is still in force
        "armed",  # #group+armed: the groups IPIS records (#group is for non-humanitarian groups)
        "armed_presence",
        "armed_interference",
        "armed_class",
        "mercury",
        "child_labour",
        "women",
        "synthetic",  # #meta+synthetic: demo data
        "licence",
        "attribution",
        "wgs84",  # the coordinates' datum, beside the file's own
    }
)


def unknown_parts(tag: str, columns: frozenset[str] = frozenset()) -> list[str]:
    """The hashtag and attributes of `tag` in none of the lists above (nor in `columns`, the names a column's
    fallback tag #indicator+<column> / #meta+<column> may carry); [] for a tag made of known parts."""
    hashtag, *attributes = tag.split("+")
    known = ATTRIBUTES | LOCAL_ATTRIBUTES | columns
    return ([hashtag] if hashtag not in HASHTAGS else []) + [f"+{a}" for a in attributes if a not in known]


def tags(collection: str, header: list[str]) -> list[str]:
    entries = dictionary.download_entries(collection)
    return [dictionary.hxl_tag(name, entries.get(name)) for name in header]


def _line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def stream_csv(collection: str, params: dict[str, str]) -> Iterator[str]:
    """The CSV download of `collection` with the hashtag row under its header (streamed as the download is)."""
    header = dictionary.csv_columns(collection)
    first = True
    for chunk in exports.stream_csv(collection, params):
        if first:
            head, _, rest = chunk.partition("\n")
            found = next(csv.reader([head]))
            yield head + "\n" + _line(tags(collection, found)) + rest
            first = False
        else:
            yield chunk
    if first:  # no row: the header and the hashtags alone
        yield _line(header) + _line(tags(collection, header))
