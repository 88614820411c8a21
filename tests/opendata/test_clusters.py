"""Clusters of the low-zoom map tiles: the grouping itself, then the tiles read back by GDAL."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyogrio.raw
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ramani.opendata import clusters, maptiles

ON = dt.date(2026, 11, 28)


def test_sites_sharing_a_cell_become_one_cluster_with_their_count_and_mean_position():
    cell, margin = clusters.CELL, clusters.MARGIN
    px = np.array([200, 220, 240, cell + 5, 4000])
    py = np.array([200, 240, 280, 5, 4000])
    found = clusters.group(px, py, {"q": np.array([0, 0, 4, 1, 2])})
    assert found.singles.tolist() == [3, 4]  # alone in their cell: still sites
    assert found.count.tolist() == [3]
    assert (found.x[0], found.y[0]) == (220, 240)
    assert margin < 200 and cell - margin > 280  # the mean lies in the inner half: kept
    assert found.dominant["q"].tolist() == [0]  # two of three
    assert found.severe["q"].tolist() == [4]  # the one severe site shows in the ring


def test_a_cluster_near_its_cells_side_is_drawn_in_the_inner_half_of_the_cell():
    cell, margin = clusters.CELL, clusters.MARGIN
    # two clusters either side of the line between two cells, a few units apart
    px = np.array([cell - 3, cell - 1, cell, cell + 2, 1, 2])
    py = np.array([10, 12, 10, 12, 4094, 4095])
    found = clusters.group(px, py, {"q": np.zeros(6, dtype=np.int64)})
    assert found.count.tolist() == [2, 2, 2]
    assert sorted(zip(found.x.tolist(), found.y.tolist())) == [
        (margin, 4096 - margin),
        (cell - margin, margin),
        (cell + margin, margin),
    ]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4095), st.integers(0, 4095)), min_size=2, max_size=300))
def test_clusters_are_never_closer_than_half_a_cell_so_the_maps_circles_never_touch(points):
    px, py = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    found = clusters.group(px, py, {"q": np.zeros(len(points), dtype=np.int64)})
    x, y = found.x.astype(float), found.y.astype(float)
    d = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    np.fill_diagonal(d, np.inf)
    if len(x) > 1:
        # in pixels of a 512 px tile: two circles of at most CLUSTER_MAX_RADIUS_PX, ring included, fit between them
        assert d.min() * 512 / 4096 >= 2 * clusters.CLUSTER_MAX_RADIUS_PX
    # and every cluster stays inside its own cell (a tile's cluster never crosses into another tile)
    cx, cy = found.cell // clusters.CELLS, found.cell % clusters.CELLS
    assert ((x // clusters.CELL == cx) & (y // clusters.CELL == cy)).all()


def test_a_tie_goes_to_the_more_severe_class_and_every_property_is_grouped():
    px = np.array([1, 2, 3, 4])
    py = np.array([1, 2, 3, 4])
    found = clusters.group(px, py, {"a": np.array([1, 1, 5, 5]), "w": np.array([0, 0, 0, 2])})
    assert found.count.tolist() == [4]
    assert found.dominant["a"].tolist() == [5] and found.severe["a"].tolist() == [5]
    assert found.dominant["w"].tolist() == [0] and found.severe["w"].tolist() == [2]


def test_cluster_ids_differ_between_cells_tiles_and_zooms_and_from_sites():
    ids = {
        clusters.feature_id(z, x, y, c)
        for z in (4, 8)
        for x in (0, 1, (1 << z) - 1)
        for y in (0, 1, (1 << z) - 1)
        for c in (0, 1, clusters.CELLS, clusters.CELLS**2 - 1)
    }
    assert len(ids) == 2 * 3 * 3 * 4
    assert min(ids) >= clusters.ID_BASE


def _read(tmp_path, name: str, data: bytes) -> list[dict]:
    path = tmp_path / f"{name}.pbf"
    path.write_bytes(data)
    if not data:
        return []
    meta, fids, geometry, fields = pyogrio.raw.read(path, layer="sites", CLIP="NO")
    names = list(meta["fields"])
    return [{n: fields[j][i] for j, n in enumerate(names)} for i in range(len(geometry))]


def _n(feature: dict) -> int:
    n = feature.get("n")
    return 1 if n is None or n != n or not n else int(n)


@pytest.mark.django_db
def test_low_zoom_tiles_count_every_site_once_and_ring_the_most_severe_class(tmp_path):
    from ramani.sites.models import Site
    from tests.conftest import load_demo

    load_demo(tmp_path, sites=600, seed=4)
    located = Site.objects.exclude(longitude=None)
    idx = maptiles.index()
    z = 6
    n = 1 << z
    tiles = {(int(mx * n), int(my * n)) for mx, my in zip(idx.mx.tolist(), idx.my.tolist())}
    features, ids = [], []
    for x, y in tiles:
        got = _read(tmp_path, f"{z}-{x}-{y}", maptiles.tile(z, x, y, {}, ON))
        features += got
        ids += [int(f["mvt_id"]) for f in got]
    assert len(ids) == len(set(ids))  # a cluster is in one tile only: never counted twice
    assert sum(_n(f) for f in features) == located.count()
    grouped = [f for f in features if _n(f) > 1]
    assert grouped and len(features) < located.count()
    status = idx.status(ON)
    rank = clusters.QUALIFICATION_SEVERITY.index
    for f in grouped:
        assert not f.get("pcode")
        assert rank(f["q_max"]) >= rank(f["q"])
        assert f["a_max"] in maptiles.ARMED and maptiles.ARMED.index(f["a_max"]) >= maptiles.ARMED.index(f["a"])
    # the most severe status of the whole region shows in some ring
    worst = max(rank(maptiles.STATUS_CODES[s]) for s in status.tolist())
    shown = {rank(f["q_max"]) for f in grouped} | {rank(f["q"]) for f in features if _n(f) == 1}
    assert worst in shown
