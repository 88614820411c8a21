import pytest


@pytest.fixture(autouse=True)
def fresh_map_caches():
    """Each test rolls its database back, so a revision number can come back: start every test cold."""
    from ramani.geo import basemap
    from ramani.opendata import maptiles
    from ramani.web import map_views

    maptiles._index = None
    map_views._tiles.clear()
    basemap._cache.clear()
    yield
