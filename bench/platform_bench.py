"""The follow-up platform's inbox at scale: p50/p95 latency and SQL queries per page, on PostgreSQL.

Fills a throwaway PostgreSQL with N incidents (default 100,000) spread over 8 organisations and
3 actions each, then, in-process through Django's test client (the whole view, templates included,
no HTTP server), asks for the inbox as a network administrator and as an organisation's field
officer: the first page, a filtered page (status + category + province), a deep page, and one
incident's page. The same is measured at N/10 in the same run: the number of queries per page
must not grow with the rows.

    .venv/bin/python bench/platform_bench.py [--incidents 100000] [--requests 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fill(n: int) -> None:
    import random

    from django.contrib.auth import get_user_model
    from django.db import connection

    from ramani.incidents.models import Incident, IncidentAction
    from ramani.orgs.models import Membership, Organisation

    rng = random.Random(1)
    orgs = [Organisation.objects.create(slug=f"org{i}", name=f"Org {i}") for i in range(8)]
    admin_org = Organisation.objects.create(slug="net", name="Network", kind="network_administrator")
    User = get_user_model()
    Membership.objects.create(user=User.objects.create(username="admin"), organisation=admin_org, role="network_admin")
    Membership.objects.create(user=User.objects.create(username="officer"), organisation=orgs[0], role="field_officer")
    provinces = ["Sud-Kivu", "Nord-Kivu", "Ituri", "Maniema", "Tanganyika", "Haut-Uele", "Lualaba"]
    statuses = ["new", "monitoring", "resolved", "persistent", "unresolved"]
    cats = ["violence", "accident", "corruption", "roadblock", "child_labour", "environment", "industrial", "other"]
    batch = 5000
    for start in range(0, n, batch):
        incidents = [
            Incident(
                report_id=f"{start + i:08X}",
                category=rng.choice(cats),
                status=rng.choice(statuses),
                province=rng.choice(provinces),
                territoire="T",
                description="x",
                reporter_hash="h" * 64,
                organisation=rng.choice(orgs),
                verification="confirmed",
            )  # fmt: skip
            for i in range(min(batch, n - start))
        ]
        Incident.objects.bulk_create(incidents)
        created = Incident.objects.filter(report_id__gte=f"{start:08X}").order_by("id")[: len(incidents)]
        IncidentAction.objects.bulk_create(
            [IncidentAction(incident=i, verb=v) for i in created for v in ("receive", "accept", "verify")]
        )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def measure(label: str, requests: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ramani.incidents.models import Incident

    some = Incident.objects.filter(organisation__slug="org0").values_list("report_id", flat=True).first()
    for who in ("admin", "officer"):
        client = Client()
        client.force_login(get_user_model().objects.get(username=who))
        for name, url in (("inbox", "/cases/"),
                          ("filtered", "/cases/?status=resolved&category=roadblock&province=Ituri"),
                          ("page 50", "/cases/?page=50"), ("incident", f"/cases/{some}/")):  # fmt: skip
            client.get(url)  # warm
            times = []
            for _ in range(requests):
                t = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"{label:>9} {who:8} {name:9} p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms  "
                  f"{len(queries):3} queries  {'OK' if p95 < 150 else 'OVER 150 ms'}", flush=True)  # fmt: skip


def child(n: int, requests: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ramani.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    fill(n)
    print(f"{n:,} incidents and {3 * n:,} actions loaded in {time.perf_counter() - t:.0f} s", flush=True)
    measure(f"{n:,}", requests)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.requests)
        return
    for n in (args.incidents // 10, args.incidents):
        started = subprocess.run([str(ROOT / "scripts" / "pg-server"), "start"], check=True, capture_output=True,
                                 text=True)  # fmt: skip
        pg = dict(line.replace("export ", "").split("=", 1) for line in started.stdout.split("\n") if line)
        try:
            with tempfile.TemporaryDirectory() as data:
                env = {
                    **os.environ,
                    "RAMANI_DATA_DIR": data,
                    "RAMANI_DATABASE_URL": pg["RAMANI_PG_URL"],
                    "RAMANI_ALLOWED_HOSTS": "testserver",
                }
                subprocess.run([sys.executable, __file__, "--child", str(n), "--requests", str(args.requests)],
                               env=env, check=True)  # fmt: skip
        finally:
            subprocess.run([str(ROOT / "scripts" / "pg-server"), "stop", pg["RAMANI_PG_DIR"]], check=False)


if __name__ == "__main__":
    main()
