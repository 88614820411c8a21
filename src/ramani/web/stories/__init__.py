"""Story maps: a story is a data file (web/stories/data/ and RAMANI_DATA_DIR/stories/), each chapter a text
in three languages and a map view (camera, layer, filters), shown at /story/<slug>/ (see docs/stories.md)."""
