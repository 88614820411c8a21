"""Page weight and drawing time of the webmap on a slow phone network.

For each dataset (the 3,000-site demo and 100,000 sites by default) a fresh SQLite registry is
built with `ramani demo` (+ the bundled boundaries, as `make run` does) and served by `ramani
serve`. Headless Chromium (Debian's /usr/bin/chromium, WebGL by SwiftShader: software
rendering, slower than a phone's GPU) opens `/` with the cache disabled and, through the
DevTools protocol, DevTools' "Regular 3G" conditions: 750 kbit/s down, 250 kbit/s up,
100 ms latency (kbit = 1,000 bits). It prints:

- bytes on the wire (sum of `Network.loadingFinished.encodedDataLength`: compressed, with
  headers) and requests, by kind: the first view (every request finished when the sites are drawn, and every request
  but the basemap's: a glyph range the sites' own labels need counts in it) and with the basemap
  (its script, Natural Earth GeoJSON, glyphs and the admin outlines, which load after the sites);
- time from navigation start until the sites are drawn (the page sets
  `window.ramani.drawnAt` when the sites' tiles are loaded and rendered), and until the basemap is
  drawn too (`window.ramani.basemapDrawnAt`);
- main-thread long tasks (PerformanceObserver "longtask"): the longest during the first view,
  and during interactions (two zooms, a pan, a filter change, a layer change), and how many
  exceed 200 ms; then the same repaint with the sites hidden, which is the floor this machine's
  software WebGL costs whatever is drawn (a frame is drawn by the GPU on a phone).

    .venv/bin/python bench/page_weight.py                 # demo + 100,000 sites
    .venv/bin/python bench/page_weight.py --sites 3000    # one dataset
    .venv/bin/python bench/page_weight.py --keep /tmp/pw  # reuse built databases

Goals (issue 11): the demo's first view under 300 KB and 3.5 s on Regular 3G (issue 5: at
100,000 sites no main-thread task over 200 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import free_port, wait  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--use-gl=angle",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--ignore-gpu-blocklist",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 360, "height": 740}  # a phone (--viewport 1280x800 for a desktop)
REGULAR_3G = {"offline": False, "latency": 100, "downloadThroughput": 750_000 / 8, "uploadThroughput": 250_000 / 8}
LONGTASKS = """
window.__longtasks = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) window.__longtasks.push([e.startTime, e.duration]); })
  .observe({type: 'longtask', buffered: true});
"""


def build(folder: Path, sites: int) -> tuple[dict, float]:
    db = folder / "ramani.db"
    env = {**os.environ, "RAMANI_DATA_DIR": str(folder), "RAMANI_DATABASE_URL": f"sqlite:///{db}"}
    env.pop("RAMANI_BASEMAP_URL", None)
    seconds = 0.0
    if not db.exists():
        started = time.perf_counter()
        cli = [sys.executable, "-m", "ramani.cli"]
        subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
        subprocess.run([*cli, "demo", "--sites", str(sites)], env=env, check=True, capture_output=True)
        subprocess.run(
            [*cli, "import", "boundaries", str(ROOT / "src/ramani/geo/data/cod_adm2_simplified.geojson")],
            env=env,
            check=True,
            capture_output=True,
        )
        seconds = time.perf_counter() - started
    return env, seconds


BASEMAP_KINDS = ("basemap", "boundaries")


def kind_of(url: str, resource: str) -> str:
    if "/basemap" in url or "/fonts/" in url:
        return "basemap"
    if "/map/tiles/" in url:
        return "tiles"
    if url.endswith(".js"):
        return "script"
    if url.endswith(".css"):
        return "style"
    if "/map/boundaries" in url:
        return "boundaries"
    if "/api/" in url:
        return "api"
    return resource.lower() or "other"


def measure(browser, url: str, throttle: bool, interact: bool) -> dict:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.add_init_script(LONGTASKS)
    # the requests finished when the sites are drawn (the page's "ramani:drawn" event, fired before the basemap
    # is asked for): a basemap file among them (a glyph range the sites' labels need) counts in the first view
    at_drawn: set[str] = set()
    page.expose_function("__pwDrawn", lambda: at_drawn.update(sizes))
    page.add_init_script('document.addEventListener("ramani:drawn", () => window.__pwDrawn())')
    cdp = context.new_cdp_session(page)
    requests: dict[str, tuple[str, str]] = {}
    sizes: dict[str, int] = {}
    errors: list[str] = []

    def conditions(send) -> None:
        send("Network.enable")
        send("Network.setCacheDisabled", {"cacheDisabled": True})
        if throttle:  # the rule form replaces the deprecated Network.emulateNetworkConditions
            send(
                "Network.emulateNetworkConditionsByRule",
                {
                    "matchedNetworkConditions": [
                        {"urlPattern": "", **{k: v for k, v in REGULAR_3G.items() if k != "offline"}}
                    ]
                },
            )

    def network_event(method: str, params: dict, prefix: str = "") -> None:
        rid = prefix + params.get("requestId", "")
        if method == "Network.requestWillBeSent":
            requests[rid] = (params["request"]["url"], params.get("type", ""))
        elif method == "Network.loadingFinished":
            sizes[rid] = params["encodedDataLength"]
        elif method == "Network.loadingFailed":
            errors.append(f"failed: {requests.get(rid, ('?',))[0]} {params.get('errorText')}")

    # MapLibre fetches tiles from a web worker: attach to it (DevTools does the same) so that its
    # requests are throttled and counted too
    def attached(event) -> None:
        session = event["sessionId"]
        counter = [0]

        def send(method, params=None):
            counter[0] += 1
            cdp.send(
                "Target.sendMessageToTarget",
                {
                    "sessionId": session,
                    "message": json.dumps({"id": counter[0], "method": method, "params": params or {}}),
                },
            )

        conditions(send)
        send("Runtime.runIfWaitingForDebugger")

    def from_worker(event) -> None:
        message = json.loads(event["message"])
        if "method" in message:
            network_event(message["method"], message.get("params", {}), prefix=event["sessionId"])

    for name in ("Network.requestWillBeSent", "Network.loadingFinished", "Network.loadingFailed"):
        cdp.on(name, lambda params, name=name: network_event(name, params))
    cdp.on("Target.attachedToTarget", attached)
    cdp.on("Target.receivedMessageFromTarget", from_worker)
    conditions(cdp.send)
    cdp.send("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": False})
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="commit")
    page.wait_for_function("() => window.ramani && window.ramani.drawnAt", timeout=180_000, polling=50)
    drawn_ms = page.evaluate("window.ramani.drawnAt")
    page.wait_for_function("() => window.ramani.basemapDrawnAt", timeout=180_000, polling=50)
    basemap_ms = page.evaluate("window.ramani.basemapDrawnAt")
    page.wait_for_timeout(300)  # the last loadingFinished events
    timing = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])")
    nav = json.loads(timing)
    features = page.evaluate("window.ramani.drawnFeatures")
    first_tasks = page.evaluate("window.__longtasks.map(t => t[1])")
    by_kind: dict[str, list[int]] = {}
    largest_tile = 0
    for rid, size in sizes.items():
        u, resource = requests.get(rid, ("?", ""))
        kind = kind_of(u, resource)
        by_kind.setdefault(kind + " (before the sites)" if rid in at_drawn and kind in BASEMAP_KINDS else kind,
                           []).append(size)  # fmt: skip
        if "/map/tiles/" in u:
            largest_tile = max(largest_tile, size)
    first = {k: v for k, v in by_kind.items() if k not in BASEMAP_KINDS}
    result = {
        "bytes": sum(sum(v) for v in first.values()),
        "requests": sum(len(v) for v in first.values()),
        "basemap_bytes": sum(sizes.values()),
        "basemap_requests": len(sizes),
        "basemap_s": basemap_ms / 1000,
        "drawn_s": drawn_ms / 1000,
        "dcl_s": nav["domContentLoadedEventEnd"] / 1000,
        "features": features,
        "first_max_task": max(first_tasks, default=0),
        "by_kind": {k: (len(v), sum(v)) for k, v in by_kind.items()},
        "largest_tile": largest_tile,
        "errors": errors,
    }
    if interact:
        idle = "new Promise(r => window.ramani.map.once('idle', r))"
        steps = {
            "zoom in": "window.ramani.map.zoomIn({animate: false})",
            "zoom in again": "window.ramani.map.zoomIn({animate: false})",
            "pan": "window.ramani.map.panBy([300, 0], {animate: false})",
            "filter": "(() => { const s = document.getElementById('f-mineral'); s.value = 'Or';"
            " s.dispatchEvent(new Event('change', {bubbles: true})); })()",
            "layer": "(() => { const r = document.querySelector('input[name=layer][value=armed]'); r.click(); })()",
        }
        per_step = {}
        for name, step in steps.items():
            page.evaluate("window.__longtasks = []")
            page.evaluate(f"() => {{ const p = {idle}; {step}; return p; }}")
            page.wait_for_timeout(200)
            per_step[name] = max(page.evaluate("window.__longtasks.map(t => t[1])"), default=0)
        # the renderer's floor: the same repaint with the sites hidden (software WebGL costs this much anyway)
        page.evaluate("window.__longtasks = []")
        page.evaluate(
            f"() => {{ const p = {idle}; window.ramani.map.setLayoutProperty('sites', 'visibility', 'none'); return p; }}"
        )
        page.wait_for_timeout(200)
        per_step["repaint without sites"] = max(page.evaluate("window.__longtasks.map(t => t[1])"), default=0)
        result["steps"] = per_step
        with_sites = [v for k, v in per_step.items() if k != "repaint without sites"]
        result["interact_max_task"] = max(with_sites)
        result["tasks_over_200"] = sum(t > 200 for t in first_tasks) + sum(t > 200 for t in with_sites)
    context.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, action="append", help="dataset sizes (default 3000 and 99999)")
    parser.add_argument("--runs", type=int, default=1, help="runs per case (the median is printed)")
    parser.add_argument("--keep", type=Path, help="folder for the built databases (reused when present)")
    parser.add_argument("--viewport", default="360x740", help="WIDTHxHEIGHT of the page (default: a phone)")
    parser.add_argument(
        "--gpu-process", action="store_true", help="run SwiftShader in Chromium's GPU process (without --disable-gpu)"
    )
    opts = parser.parse_args()
    sizes = opts.sites or [3000, 99_999]
    width, height = (int(v) for v in opts.viewport.lower().split("x"))
    VIEWPORT.update(width=width, height=height)
    if opts.gpu_process:
        ARGS.remove("--disable-gpu")
    from playwright.sync_api import sync_playwright

    base = opts.keep or Path(tempfile.mkdtemp(prefix="ramani-pw-"))
    rows = []
    run_lists: dict[tuple[int, str], list[dict]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for n in sizes:
            folder = base / f"sites-{n}"
            folder.mkdir(parents=True, exist_ok=True)
            env, built = build(folder, n)
            if built:
                print(f"built {n:,} sites in {built:.0f} s", flush=True)
            port = free_port()
            log = (folder / "serve.log").open("wb")
            server = subprocess.Popen(
                [sys.executable, "-m", "ramani.cli", "serve", "--port", str(port), "--workers", "1"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                wait(f"http://127.0.0.1:{port}/healthz")
                url = f"http://127.0.0.1:{port}/"
                measure(browser, url, throttle=False, interact=False)  # a first visit builds the server's site index
                for throttle in (True, False):
                    runs = [measure(browser, url, throttle, interact=True) for _ in range(opts.runs)]
                    pick = lambda key, runs=runs: statistics.median(r[key] for r in runs)  # noqa: E731
                    rows.append((n, "Regular 3G" if throttle else "loopback", runs[0], pick))
                    run_lists[(n, "Regular 3G" if throttle else "loopback")] = runs
            finally:
                server.terminate()
                server.wait(10)
                log.close()
        browser.close()

    print(
        f"\nwebmap first view, cache disabled, headless Chromium with SwiftShader WebGL (software"
        f"{', GPU process' if opts.gpu_process else ', --disable-gpu'}), viewport {width}x{height}"
    )
    print(
        "KB/req/drawn s: the first view, until the sites are drawn (no basemap); +basemap: once the basemap is drawn too"
    )
    print(
        f"{'sites':>7} {'network':<11} {'KB':>5} {'req':>4} {'drawn s':>8} {'+basemap KB':>11} {'req':>4} {'s':>6} "
        f"{'DCL s':>6} {'drawn':>6} {'max task ms':>11} {'interact ms':>11} {'>200ms':>6}"
    )
    for n, network, run, pick in rows:
        print(
            f"{n:>7,} {network:<11} {pick('bytes') / 1000:>5.0f} {run['requests']:>4} {pick('drawn_s'):>8.2f} "
            f"{pick('basemap_bytes') / 1000:>11.0f} {run['basemap_requests']:>4} {pick('basemap_s'):>6.2f} "
            f"{pick('dcl_s'):>6.2f} {run['features']:>6} {pick('first_max_task'):>11.0f} "
            f"{pick('interact_max_task'):>11.0f} {run['tasks_over_200']:>6}"
        )
    for n, network, run, _ in rows:
        parts = ", ".join(
            f"{k} {c}× {b / 1000:.0f} KB" for k, (c, b) in sorted(run["by_kind"].items(), key=lambda kv: -kv[1][1])
        )
        print(f"  {n:,} {network}: {parts}; largest tile {run['largest_tile'] / 1000:.0f} KB")
        print("    longest task per interaction (ms): " + ", ".join(f"{k} {v:.0f}" for k, v in run["steps"].items()))
        for e in run["errors"][:5]:
            print(f"    page error: {e}")
    for n, network, run, pick in rows:
        if network != "Regular 3G":
            continue
        if n <= 3000:
            ok = pick("bytes") < 300_000 and pick("drawn_s") < 3.5
            print(
                f"{'GOAL MET' if ok else 'GOAL MISSED'}: demo first view {pick('bytes') / 1000:.0f} KB (< 300), "
                f"drawn in {pick('drawn_s'):.2f} s (< 3.5) on Regular 3G; with the basemap "
                f"{pick('basemap_bytes') / 1000:.0f} KB, drawn in {pick('basemap_s'):.2f} s"
            )
            floor = statistics.median(r["steps"]["repaint without sites"] for r in run_lists[(n, network)]) / 1000
            print(
                f"  of which the line alone: {pick('bytes') / REGULAR_3G['downloadThroughput']:.2f} s to carry the bytes at 750 kbit/s; "
                f"the software renderer: one repaint with no sites costs {floor:.2f} s here (drawn minus it: "
                f"{pick('drawn_s') - floor:.2f} s; a phone's GPU draws a frame in milliseconds)"
            )
        else:
            worst = max(run["first_max_task"], run["interact_max_task"])
            print(
                f"{'GOAL MET' if worst <= 200 else 'GOAL MISSED'}: {n:,} sites drawn ({run['features']} features in view), "
                f"longest main-thread task {worst:.0f} ms (<= 200)"
            )


if __name__ == "__main__":
    main()
