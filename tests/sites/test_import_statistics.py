"""After a bulk import the planner counts the rows just written (PostgreSQL), so a filter on the latest
visit stays a hash join instead of nested loops over a table it believes empty."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from ramani.opendata import query
from tests.conftest import load_demo

pytestmark = pytest.mark.django_db


def estimated_rows(sql: str) -> float:
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cur.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics are PostgreSQL's")
def test_the_planner_counts_an_import_still_in_its_transaction(tmp_path):
    with connection.cursor() as cur:
        for table in ("sites_site", "sites_visit", "sites_visitmineral"):
            cur.execute(f'ANALYZE "{table}"')  # counted empty, as a fresh database is
    load_demo(tmp_path, sites=400, seed=3)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM sites_visit")
        visits = cur.fetchone()[0]
    assert visits > 400
    # the planner's own count of the table is within 2x of the rows there
    assert visits / 2 <= estimated_rows("SELECT * FROM sites_visit") <= visits * 2
    sql, params = query.filter_sites({"mineral": "Or"}).values("id").query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cur.fetchall())
    assert "Nested Loop Anti Join" not in plan, plan
