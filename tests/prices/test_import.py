"""`ramani import prices`: every bad row reported, nothing written."""

import pytest

from ramani.prices.importer import PriceImportError, import_prices
from ramani.prices.models import Price

pytestmark = pytest.mark.django_db

HEADER = "mineral,market,unit,currency,price,date,source\n"


def test_prices_import_and_a_nul_character_is_a_problem_not_a_crash(tmp_path):
    good = tmp_path / "prices.csv"
    good.write_text(HEADER + "or,Bukavu,g,USD,60.5,2026-11-30,test\n", encoding="utf-8")
    assert import_prices(good) == (1, 0)
    bad = tmp_path / "nul.csv"
    rows = "or,Buka\x00vu,g,USD,61,2026-12-01,test\nor,Goma,g,USD,x,2026-12-01,test\n"
    bad.write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(PriceImportError) as exc:
        import_prices(bad)
    assert exc.value.problems[0].startswith("row 2, market 'Buka\\\\x00vu': a NUL character")
    assert exc.value.problems[1:] == ["row 3, price 'x': expected a positive number"]
    assert Price.objects.count() == 1
