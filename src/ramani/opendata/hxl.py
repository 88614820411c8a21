"""HXL-tagged CSV (https://hxlstandard.org/): the sites or visits CSV download with a second row of hashtags,
as the Humanitarian Data Exchange expects. The hashtags come from the data dictionary, so each column is
tagged where it is described."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from ramani.opendata import dictionary, exports

COLLECTIONS = ("sites", "visits")


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
