import pytest

from ramani.opendata import cache, query, rows


@pytest.fixture(autouse=True)
def _fresh_answers():
    """Each test starts with empty answer and count caches: a test database rolled back can show a later test the
    same revision number with other rows (ids move on with PostgreSQL's sequences)."""
    cache.store.clear()
    rows.counts.clear()
    rows.anchors.clear()
    rows.steps.clear()
    query._spelt.clear()
    yield
    cache.store.clear()
    rows.counts.clear()
    rows.anchors.clear()
    rows.steps.clear()
    query._spelt.clear()
