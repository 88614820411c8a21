"""Clusters of sites in the webmap's low-zoom tiles.

Below CLUSTER_MAX_ZOOM a tile's sites are grouped on a grid of CELL x CELL tile units (64 px on
a 512 px tile), aligned on the tile so that a cell, and its cluster, belongs to one tile only.
A site alone in its cell stays a site; a cell of two or more becomes one cluster feature at the
mean position of its sites, kept inside the inner half of its cell (MARGIN from each side), so
that two clusters are never closer than half a cell (32 px) and the map's circles, at most
CLUSTER_MAX_RADIUS_PX across half that with their ring, never overlap nor their counts collide.
Each has its count, and for every coloured property two classes: the
most frequent (ties go to the more severe) and the most severe one present, so that the map
can fill the cluster with the first and ring it with the second: a cluster never hides that a
severe class is there.

`group` works on class codes where a higher code is more severe (0 .. k-1); the tile module
maps its properties to such codes (SEVERITY orders below) and back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CLUSTER_MAX_ZOOM = 9  # from this zoom on every site is drawn on its own
CELL = 512  # tile units (of 4096) per cluster cell: 64 px of a 512 px tile
CELLS = 4096 // CELL  # cells along a tile's side
MARGIN = CELL // 4  # a cluster is drawn at least this far inside its cell's sides
# the largest circle the map draws for a cluster, its 2.5 px ring included (web/static/web/sitelayers.js): two
# clusters at least 2 * MARGIN apart (32 px) never touch
CLUSTER_MAX_RADIUS_PX = 16
ID_BASE = 1 << 48  # cluster feature ids: above any site id

# the qualification statuses from the least to the most severe (a cluster's ring: its most severe status)
QUALIFICATION_SEVERITY = ("none", "vert", "bleu", "jaune", "rouge")


@dataclass
class Groups:
    singles: np.ndarray  # positions (into group's inputs) of the sites alone in their cell
    x: np.ndarray  # each cluster's position in tile units (mean of its sites, MARGIN inside its cell)
    y: np.ndarray
    count: np.ndarray
    cell: np.ndarray  # the cluster's cell: cx * CELLS + cy
    dominant: dict[str, np.ndarray]  # per property, the most frequent code in the cluster
    severe: dict[str, np.ndarray]  # per property, the highest code in the cluster


def group(px: np.ndarray, py: np.ndarray, codes: dict[str, np.ndarray], cell: int = CELL) -> Groups:
    """Sites at tile units px, py (inside the tile: 0 .. 4095) grouped by cell; `codes` are their
    classes per property (0 .. k-1, higher is more severe)."""
    px = np.asarray(px, dtype=np.int64)
    py = np.asarray(py, dtype=np.int64)
    per_side = 4096 // cell
    cells = (px // cell) * per_side + (py // cell)
    keys, inverse, counts = np.unique(cells, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    singles = np.flatnonzero(counts[inverse] == 1)
    many = counts > 1
    m = len(keys)
    x = np.bincount(inverse, weights=px, minlength=m)[many] / counts[many]
    y = np.bincount(inverse, weights=py, minlength=m)[many] / counts[many]
    dominant, severe = {}, {}
    for name, column in codes.items():
        column = np.asarray(column, dtype=np.int64)
        k = int(column.max()) + 1 if len(column) else 1
        table = np.bincount(inverse * k + column, minlength=m * k).reshape(m, k)[many][:, ::-1]
        dominant[name] = k - 1 - np.argmax(table, axis=1)  # reversed: a tie goes to the more severe class
        severe[name] = k - 1 - np.argmax(table > 0, axis=1)
    keep = keys[many]
    x0, y0 = (keep // per_side) * cell, (keep % per_side) * cell
    margin = cell // 4  # MARGIN for the map's CELL
    return Groups(
        singles=singles,
        x=np.clip(np.floor(x).astype(np.int64), x0 + margin, x0 + cell - margin),
        y=np.clip(np.floor(y).astype(np.int64), y0 + margin, y0 + cell - margin),
        count=counts[many],
        cell=keep,
        dominant=dominant,
        severe=severe,
    )


def feature_id(z: int, x: int, y: int, cell: int) -> int:
    """A cluster's feature id, unique over every tile and zoom (and never a site's id)."""
    cx, cy = divmod(int(cell), CELLS)
    return ID_BASE + (z << 40) + ((x * CELLS + cx) << 20) + (y * CELLS + cy)
