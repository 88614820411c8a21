"""`ramani demo` adds synthetic roadblocks, clearly labelled, through the importer."""

from __future__ import annotations

import pytest

from ramani.roadblocks import demo
from ramani.roadblocks.models import Roadblock

pytestmark = pytest.mark.django_db


def test_demo_roadblocks_are_synthetic_rerunnable_and_in_masisi_and_walikale():
    from ramani.geo.boundaries import import_boundaries
    from tests.roadblocks.test_import import BOUNDARIES

    import_boundaries(BOUNDARIES)
    result = demo.load(seed=3)
    assert result.created == demo.COUNT == Roadblock.objects.count()
    assert not Roadblock.objects.filter(synthetic=False).exists()
    assert set(Roadblock.objects.values_list("source", flat=True)) == {"Ramani demo (synthetic)"}
    assert all("fictif" in o for o in Roadblock.objects.values_list("operators", flat=True))
    territoires = set(Roadblock.objects.values_list("territoire", flat=True))
    assert {"Masisi", "Walikale"} <= territoires
    assert Roadblock.objects.filter(territoire="Masisi").count() > 50
    again = demo.load(seed=3)
    assert (again.created, again.updated, again.unchanged) == (0, 0, demo.COUNT)
    assert demo.records(5, seed=3) == demo.records(5, seed=3) != demo.records(5, seed=4)
