"""The `ramani` command. With no sub-command it serves the web application."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ramani.settings")
    import django

    django.setup()


def _console():
    from rich.console import Console

    return Console(stderr=True)


def _database_place() -> str:
    """Where the database is, without its password: the SQLite file, or 'RAMANI_DATABASE_URL (host/name)'."""
    from ramani import config

    url = config.get("RAMANI_DATABASE_URL")
    if not url:
        return str(config.data_dir() / "ramani.db")
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"RAMANI_DATABASE_URL ({parts.hostname or ''}{parts.path})"


def _missing_tables(exc: BaseException) -> bool:
    if "django.db" not in sys.modules:
        return False
    from django.db.utils import OperationalError, ProgrammingError

    text = str(exc)
    return isinstance(exc, (OperationalError, ProgrammingError)) and (
        "no such table" in text or "no such column" in text or ("does not exist" in text and "relation" in text)
    )


def _no_database() -> str:
    from ramani import config

    return (
        f"the database {_database_place()} has no Ramani tables yet (or older ones).\n"
        f"Data dir: {config.data_dir()} (RAMANI_DATA_DIR; by default the checkout's var/ when Ramani runs from its "
        "source checkout, as `make run` does, else ~/.local/share/ramani).\n"
        "Run `ramani migrate` there (`make run` also loads the demo), or set RAMANI_DATA_DIR (or "
        "RAMANI_DATABASE_URL) to the data the server uses."
    )


class _Group(click.Group):
    """The `ramani` group: a database without its tables is a clear message naming the data dir, not a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if _missing_tables(exc):
                raise click.ClickException(_no_database()) from None
            raise


@click.group(cls=_Group, invoke_without_command=True)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Ramani: artisanal mining sites, incidents and prices for eastern DR Congo."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(serve)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="Worker processes (default RAMANI_WORKERS).")
def serve(host: str, port: int, workers: int | None) -> None:
    """Serve the web application with gunicorn."""
    _django()
    from django.db import connection

    if "django_migrations" not in connection.introspection.table_names():
        raise click.ClickException(_no_database())
    connection.close()  # never fork gunicorn's workers with an open connection: they would share its socket
    from gunicorn.app.base import BaseApplication

    from ramani import config
    from ramani.wsgi import application

    class _Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers or int(config.get("RAMANI_WORKERS")))
            self.cfg.set("accesslog", "-")
            # path without query string: gateways put the sender's number in the query (Kannel get-url)
            self.cfg.set("access_log_format", '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms')
            self.cfg.set("timeout", 120)
            # a long non-ASCII SMS through Kannel's get-url is a long request line (%-escaped UTF-8):
            # gunicorn's largest limit instead of its default 4094 (longer still: Kannel's post-url)
            self.cfg.set("limit_request_line", 8190)

        def load(self):
            return application

    _Server().run()


@main.command()
def migrate() -> None:
    """Create or upgrade the database tables."""
    _django()
    click.echo(f"database: {_database_place()}")
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


@main.command()
@click.option(
    "--sites",
    default=3000,
    show_default=True,
    type=click.IntRange(1, 99_999),
    help="Number of synthetic sites (pcodes have 5 digits: at most 99,999).",
)
@click.option("--seed", default=1, show_default=True, help="Random seed (same seed, same data).")
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the IPIS-format CSV here instead of loading it.",
)
@click.option(
    "--incidents",
    default=None,
    type=click.IntRange(0),
    help="Synthetic Kufatilia incidents (default: a third of the sites), made once through the workflow verbs.",
)
def demo(sites: int, seed: int, output: Path | None, incidents: int | None) -> None:
    """Load (or write) a synthetic eastern-DRC dataset, clearly labelled as such."""
    _django()
    import tempfile

    from ramani.sites import demo as generator
    from ramani.sites.ipis_export import write_csv

    target = output or Path(tempfile.mkdtemp()) / f"ramani-demo-{sites}-{seed}.csv"
    with target.open("w", encoding="utf-8", newline="") as f:
        rows = write_csv(generator.generate(sites=sites, seed=seed), f)
    if output:
        click.echo(f"wrote {rows} synthetic visits to {output}")
        return
    from ramani.sms.models import Channel

    Channel.objects.get_or_create(slug="demo", defaults=dict(kind="generic", name="Demo (simulator)"))
    try:
        _run_import(target)
    finally:
        target.unlink(missing_ok=True)
        target.parent.rmdir()
    from ramani.fieldwork.demo import load_villages

    v = load_villages(seed)
    click.echo(f"{v.created} synthetic villages created, {v.updated} updated, {v.unchanged} unchanged")
    from ramani.roadblocks.demo import load as load_roadblocks

    r = load_roadblocks(seed=seed)
    click.echo(f"{r.created} synthetic roadblocks created, {r.updated} updated, {r.unchanged} unchanged")
    from ramani.prices.demo import load as load_prices

    p = load_prices(seed=seed)
    click.echo(f"{p.created} synthetic daily prices created (Matokeo), {p.unchanged} unchanged")
    from ramani.supplychain.demo import load as load_supplychain

    c = load_supplychain(seed=seed)
    click.echo(f"synthetic depots, points of sale, destinations, zones: {c.created} created, {c.unchanged} unchanged")
    from ramani.incidents.demo import load as load_incidents

    k = load_incidents(sites // 3 if incidents is None else incidents, seed=seed)
    click.echo(f"{k.organisations} synthetic organisations, {k.incidents} synthetic incidents made")
    for username, password in k.credentials.items():  # new accounts only; stored hashed, shown this once
        click.echo(f"  demo login (shown once): {username} / {password}")


SUPPLYCHAIN_LAYERS = {
    "depots": "trading depots",
    "points-of-sale": "mineral points of sale",
    "destinations": "mineral destinations",
    "interference-zones": "zones of armed interference",
}


@main.group(name="import")
def import_() -> None:
    """Import data files."""


OVERWRITE_HELP = "Let the file win over fields a curator changed since the last import (conflicts still listed)."


def _print_conflicts(result, overwrite: bool, report: Path | None) -> None:
    """The conflicts an import met with curators' edits (ramani.curation); all of them in `report` if given."""
    import csv

    conflicts = result.conflicts
    if not conflicts:
        return
    console = _console()
    total = getattr(result, "conflict_count", 0) or len(conflicts)
    verb = "the file's value written (--overwrite)" if overwrite else "the curator's value kept"
    console.print(f"[yellow]{total} conflict(s) with curators' edits[/], {verb}:")
    for c in conflicts[:50]:
        console.print(f"  {c}", markup=False, highlight=False, soft_wrap=True)
    if total > 50:
        console.print(f"… {total - 50} more" + ("" if report else " (use --report FILE to get them all)"))
    if report:
        with report.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["row", "record", "field", "curator_value", "file_value"])
            w.writerows([c.row, c.key, c.field, c.curator_value, c.file_value] for c in conflicts)
        console.print(f"conflicts written to {report}")


def _run_import(path: Path, report: Path | None = None, overwrite: bool = False) -> None:
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    from ramani.sites.ipis_import import ImportFailed, import_ipis

    console = _console()
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(f"importing {path.name}", total=path.stat().st_size)
        try:
            result = import_ipis(
                path,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                overwrite=overwrite,
            )
        except ImportFailed as exc:
            bar.stop()
            _print_problems(console, exc, report)
            sys.exit(1)
    console.print(
        f"{path.name}: {result.rows} rows — {result.created} visits created, {result.updated} updated, "
        f"{result.unchanged} unchanged; {result.sites_created} new sites"
    )
    for warning in result.warnings[:20]:
        console.print(f"[yellow]warning[/] {warning}")
    if len(result.warnings) > 20:
        console.print(f"[yellow]… and {len(result.warnings) - 20} more warnings[/] (see the import run in the admin)")
    _print_conflicts(result, overwrite, report)


def _print_problems(console, exc, report: Path | None) -> None:
    import csv

    from rich.table import Table

    console.print(f"[red bold]Nothing was imported:[/] {exc.total} problem(s) found.")
    table = Table("row", "column", "value", "reason")
    for p in exc.problems[:50]:
        table.add_row(str(p.row or ""), p.column, p.value[:40], p.reason)
    console.print(table)
    if exc.total > 50:
        console.print(f"… {exc.total - 50} more" + ("" if report else " (use --report FILE to get them all)"))
    if report:
        with report.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["row", "column", "value", "reason"])
            w.writerows([p.row, p.column, p.value, p.reason] for p in exc.problems)
        console.print(f"full report written to {report}")


@import_.command(name="ipis")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Write every problem to this CSV.")
@click.option("--overwrite", is_flag=True, help=OVERWRITE_HELP)
def import_ipis_cmd(path: Path, report: Path | None, overwrite: bool) -> None:
    """Import the IPIS mining-site table (84-column CSV, or GeoJSON). All or nothing; re-running is safe."""
    _django()
    _run_import(path, report, overwrite)


@import_.command(name="boundaries")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--level", default=2, show_default=True, type=click.IntRange(1, 3))
@click.option("--layer", default=None)
@click.option("--pcode-field", default=None)
@click.option("--name-field", default=None)
def import_boundaries_cmd(path: Path, level: int, layer, pcode_field, name_field) -> None:
    """Import administrative boundaries (shapefile zip, GeoPackage, GeoJSON) and locate every site in them."""
    _django()
    from ramani.geo.boundaries import BoundaryError, import_boundaries

    try:
        result = import_boundaries(path, level=level, layer=layer, pcode_field=pcode_field, name_field=name_field)
    except BoundaryError as exc:
        _console().print(f"[red]{exc}[/]")
        sys.exit(1)
    click.echo(
        f"{result.units} admin-{level} units imported from {path.name} ({result.crs}); "
        f"{result.provinces} provinces built from them; sites located"
    )


@import_.command(name="settlements")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Write every problem to this CSV.")
@click.option("--overwrite", is_flag=True, help=OVERWRITE_HELP)
def import_settlements_cmd(path: Path, report: Path | None, overwrite: bool) -> None:
    """Import settlements (CSV, GeoJSON, GPKG) for sampling frames. All or nothing; re-running is safe."""
    _django()
    from ramani.fieldwork.settlements import SettlementImportFailed, import_settlements

    try:
        result = import_settlements(path, overwrite=overwrite)
    except SettlementImportFailed as exc:
        _print_problems(_console(), exc, report)
        sys.exit(1)
    click.echo(
        f"{path.name}: {result.rows} settlements — {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged; {result.located} located in admin units"
    )
    for w in result.warnings:
        _console().print(f"[yellow]warning[/] {w}")
    _print_conflicts(result, overwrite, report)


def _survey_done(result, warnings: list[str], overwrite: bool = False, report: Path | None = None) -> None:
    """What a Kobo or ODK import did, and its first warnings."""
    click.echo(
        f"{result.submissions} submissions — {result.created} visits created, {result.updated} updated, "
        f"{result.unchanged} unchanged"
        + (f"; {result.superseded} older versions of edited ones" if result.superseded else "")
    )
    for w in [*warnings, *result.warnings][:30]:
        _console().print(f"[yellow]warning[/] {w}")
    _print_conflicts(result, overwrite, report)


def _survey_failed(exc, report: Path | None) -> NoReturn:
    import csv

    console = _console()
    console.print(f"[red bold]Nothing was imported:[/] {exc.total} problem(s) found.")
    for p in exc.problems[:50]:
        console.print(f"  submission {p.submission} · {p.field or '-'} · {p.value[:40]!r} · {p.reason}")
    if exc.total > 50:
        console.print(f"… {exc.total - 50} more" + ("" if report else " (use --report FILE to get them all)"))
    if report:
        with report.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["submission", "field", "value", "reason"])
            w.writerows([p.submission, p.field, p.value, p.reason] for p in exc.problems)
    sys.exit(1)


@import_.command(name="kobo")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--asset", default=None, help="Pull this form's submissions from RAMANI_KOBO_URL (API v2).")
@click.option("--url", default=None, help="KoboToolbox server (default RAMANI_KOBO_URL).")
@click.option("--all", "pull_all", is_flag=True, help="Pull every submission, not only those since the last pull.")
@click.option("--project", default="Ramani survey", show_default=True, help="The visits' project.")
@click.option("--source", default="IPIS", show_default=True, help="The visits' source.")
@click.option("--sample", "sample_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Write every problem to this CSV.")
@click.option("--overwrite", is_flag=True, help=OVERWRITE_HELP)
@click.option(
    "--form",
    "form_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The survey's XLSForm (.xlsx): its choice codes are read as their labels.",
)
def import_kobo_cmd(paths, asset, url, pull_all, project, source, sample_path, report, overwrite, form_path) -> None:
    """Import KoboToolbox site-visit submissions (API JSON pages, XLSX or CSV exports) as visits. All or nothing."""
    _django()
    from ramani import config
    from ramani.fieldwork import kobo
    from ramani.fieldwork.form_labels import FormError, read_xlsform
    from ramani.fieldwork.survey_import import SurveyImportFailed, import_submissions, sample_weights

    if bool(paths) == bool(asset):
        raise click.UsageError("give export or page files, or --asset to pull from the server")
    warnings: list[str] = []
    try:
        form = read_xlsform(form_path) if form_path else None
        weights = sample_weights(sample_path) if sample_path else None
        if asset:
            server = url or config.get("RAMANI_KOBO_URL")
            token = config.get("RAMANI_KOBO_TOKEN")
            if not server or not token:
                raise click.UsageError("set RAMANI_KOBO_URL (or --url) and RAMANI_KOBO_TOKEN to pull from a server")
            origin = f"kobo:{asset}"
            since = None if pull_all else kobo.last_submission(origin)
            records = kobo.pull(server, asset, token, since)
        else:
            origin = "kobo:" + ",".join(p.name for p in paths)
            records = []
            for p in paths:
                got, said = kobo.read_file(p)
                records += got
                warnings += said
        subs = [kobo.submission(r) for r in records]
        result = import_submissions(subs, source, project, origin, weights, overwrite=overwrite, form=form)
    except (kobo.KoboError, FormError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    except SurveyImportFailed as exc:
        _survey_failed(exc, report)
    _survey_done(result, warnings, overwrite, report)


@import_.command(name="odk")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--odk-project", default=None, help="Central project id to pull from RAMANI_ODK_URL.")
@click.option(
    "--form",
    "form_id",
    default="ramani_site_visit",
    show_default=True,
    help="The form's xmlFormId, or its XLSForm (.xlsx: its form_id, and its choice codes read as their labels).",
)
@click.option("--url", default=None, help="ODK Central server (default RAMANI_ODK_URL).")
@click.option("--all", "pull_all", is_flag=True, help="Pull every submission, not only those since the last pull.")
@click.option("--project", default="Ramani survey", show_default=True, help="The visits' project.")
@click.option("--source", default="IPIS", show_default=True, help="The visits' source.")
@click.option("--sample", "sample_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Write every problem to this CSV.")
@click.option("--overwrite", is_flag=True, help=OVERWRITE_HELP)
def import_odk_cmd(paths, odk_project, form_id, url, pull_all, project, source, sample_path, report, overwrite) -> None:
    """Import ODK Central site-visit submissions (OData Submissions JSON, CSV zip export) as visits. All or nothing."""
    _django()
    from ramani import config
    from ramani.fieldwork import kobo, odk
    from ramani.fieldwork.form_labels import FormError, read_xlsform
    from ramani.fieldwork.survey_import import SurveyImportFailed, import_submissions, sample_weights

    if bool(paths) == bool(odk_project):
        raise click.UsageError("give OData JSON files, or --odk-project to pull from the server")
    read_warnings: list[str] = []
    try:
        form = None
        if form_id.lower().endswith(".xlsx"):
            if not Path(form_id).is_file():
                raise click.UsageError(f"--form {form_id}: no such XLSForm file")
            form = read_xlsform(Path(form_id))
            form_id = form.form_id
        weights = sample_weights(sample_path) if sample_path else None
        if odk_project:
            server = url or config.get("RAMANI_ODK_URL")
            email, password = config.get("RAMANI_ODK_EMAIL"), config.get("RAMANI_ODK_PASSWORD")
            if not (server and email and password):
                raise click.UsageError("set RAMANI_ODK_URL (or --url), RAMANI_ODK_EMAIL and RAMANI_ODK_PASSWORD")
            origin = f"odk:{odk_project}/{form_id}"
            since = None if pull_all else kobo.last_submission(origin)
            rows = odk.pull(server, odk_project, form_id, email, password, since)
        else:
            origin = "odk:" + ",".join(p.name for p in paths)
            rows = []
            for p in paths:
                got, said = odk.read_any(p)
                rows += got
                read_warnings += said
        rows, warnings = odk.kept(rows)
        warnings = read_warnings + warnings
        subs = [odk.submission(r) for r in rows]
        result = import_submissions(subs, source, project, origin, weights, overwrite=overwrite, form=form)
    except (odk.ODKError, FormError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    except SurveyImportFailed as exc:
        _survey_failed(exc, report)
    _survey_done(result, warnings, overwrite, report)


@import_.command(name="prices")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_prices_cmd(path: Path) -> None:
    """Import Matokeo prices: CSV with mineral,market,unit,currency,price,date,source. All or nothing."""
    _django()
    from ramani.prices.importer import PriceImportError, import_prices

    try:
        created, unchanged = import_prices(path)
    except PriceImportError as exc:
        _console().print("[red]Nothing was imported:[/]\n" + "\n".join(exc.problems[:50]))
        sys.exit(1)
    click.echo(f"{created} prices imported, {unchanged} already there")


@import_.command(name="roadblocks")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--project", default="", help="Project of the records that name none (the webmap API names none).")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Write every problem to this CSV.")
@click.option("--overwrite", is_flag=True, help=OVERWRITE_HELP)
def import_roadblocks_cmd(path: Path, project: str, report: Path | None, overwrite: bool) -> None:
    """Import roadblocks (.csv, .xlsx, .geojson, or the webmap API's .json). All or nothing; re-running is safe."""
    _django()
    from ramani.roadblocks.importer import import_roadblocks
    from ramani.sites.ipis_import import ImportFailed

    console = _console()
    try:
        result = import_roadblocks(path, project=project, overwrite=overwrite)
    except ImportFailed as exc:
        _print_problems(console, exc, report)
        sys.exit(1)
    console.print(
        f"{path.name}: {result.rows} rows — {result.created} roadblocks created, {result.updated} updated, "
        f"{result.unchanged} unchanged"
    )
    for warning in result.warnings[:20]:
        console.print(f"[yellow]warning[/] {warning}")
    _print_conflicts(result, overwrite, report)


def _supplychain_import(name: str, what: str) -> None:
    @import_.command(name=name, help=f"Import {what} (.csv with a wkt column, .geojson, .gpkg). All or nothing.")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--project", default="", help="Project of the rows that name none.")
    @click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Write every problem to this CSV.")
    def command(path: Path, project: str, report: Path | None) -> None:
        _django()
        from ramani.sites.ipis_import import ImportFailed
        from ramani.supplychain.importer import import_layer

        console = _console()
        try:
            result = import_layer(name, path, project=project)
        except ImportFailed as exc:
            _print_problems(console, exc, report)
            sys.exit(1)
        console.print(
            f"{path.name}: {result.rows} rows — {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged" + (f"; {result.links} site links" if name != "interference-zones" else "")
        )
        for warning in result.warnings[:20]:
            console.print(f"[yellow]warning[/] {warning}")


for _name, _what in SUPPLYCHAIN_LAYERS.items():
    _supplychain_import(_name, _what)


@import_.command(name="roads")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", default="", help="Source of the road layer (default: the file's name).")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Write every problem to this CSV.")
def import_roads_cmd(path: Path, source: str, report: Path | None) -> None:
    """Import a road layer (lines, anything GDAL reads), replacing the previous one: the denominator of
    roadblocks per 100 km of road."""
    _django()
    from ramani.sites.ipis_import import ImportFailed
    from ramani.supplychain.roads import import_roads

    console = _console()
    try:
        result = import_roads(path, source)
    except ImportFailed as exc:
        _print_problems(console, exc, report)
        sys.exit(1)
    console.print(f"{path.name}: {result.roads} roads, {result.km:g} km (the {result.replaced} before replaced)")


@main.command(name="link-sites")
def link_sites_cmd() -> None:
    """Match the visits' selling points and final destinations to the trade points again (after a visit import)."""
    _django()
    from ramani.supplychain.links import rebuild

    click.echo(f"{rebuild()} site links")


@main.group()
def export() -> None:
    """Export data files."""


@export.command(name="ipis")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export_ipis_cmd(path: Path) -> None:
    """Write every visit in the IPIS format (84 columns; .csv, or .geojson)."""
    _django()
    from ramani.sites.ipis_export import export_ipis

    n = export_ipis(path)
    click.echo(f"wrote {n} visits to {path}")


@export.command(name="roadblocks")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export_roadblocks_cmd(path: Path) -> None:
    """Write every roadblock (.csv, .xlsx, .geojson, or .json in the webmap API's shape)."""
    _django()
    from ramani.roadblocks.export import ExportError, export_roadblocks

    try:
        n = export_roadblocks(path)
    except (ExportError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {n} roadblocks to {path}")


def _supplychain_export(name: str, what: str) -> None:
    @export.command(name=name, help=f"Write every one of the {what} (.csv with WKT, .geojson, .gpkg).")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def command(path: Path) -> None:
        _django()
        from ramani.supplychain.export import ExportError, export_layer

        try:
            n = export_layer(name, path)
        except (ExportError, OSError) as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"wrote {n} {name} to {path}")


for _name, _what in SUPPLYCHAIN_LAYERS.items():
    _supplychain_export(_name, _what)


@main.group(name="analyse")
def analyse() -> None:
    """Analyses: every figure with its definition and its numerator and denominator."""


@analyse.command(name="roadblocks")
@click.option("--project", default=None, help="Only the roadblocks of this project.")
@click.option("--year", default=None, type=click.IntRange(1990, 2100), help="Only those surveyed this year.")
@click.option("--source", default=None, help="Only those of this source.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def analyse_roadblocks_cmd(project: str | None, year: int | None, source: str | None, as_json: bool) -> None:
    """Shares of roadblocks taxing minerals, solely for mining, taxing agricultural or market goods; by operator
    type and territoire; density per 1,000 km²."""
    _django()
    import json

    from rich.console import Console
    from rich.table import Table

    from ramani.analysis.roadblocks import analyse as run_analysis

    result = run_analysis(project, year, source)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    console = Console()

    def table(title: str, figures: list[dict]) -> None:
        t = Table("figure", "value", "of", "definition", title=title, show_lines=True)
        for f in figures:
            shown = (
                "—"
                if f["value"] is None
                else (f"{f['value'] * 100:.1f}%" if f["unit"] == "share" else f"{f['value']:.2f} {f['unit']}")
            )
            of = f"{f['numerator']} / {f['denominator']:g}" + (" km²" if f["unit"] != "share" else "")
            t.add_row(f["label"], shown, of, f["definition"])
        console.print(t)

    console.print(f"{result['roadblocks']} roadblocks; shares are out of {result['denominator']}.")
    if not result["roadblocks"]:
        return
    table("Roadblocks", result["headline"])
    table("By operator type", result["by_operator_type"])
    for group in result["by_territoire"]:
        table(f"{group['territoire']} {group['adm2_pcode']}: {group['roadblocks']} roadblocks", group["figures"])
    if result["density"]:
        table("Density per admin-2 unit", result["density"])


@analyse.command(name="density")
@click.option("--project", default=None, help="Only the roadblocks of this project.")
@click.option("--year", default=None, type=click.IntRange(1990, 2100), help="Only those surveyed this year.")
@click.option("--source", default=None, help="Only those of this source.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def analyse_density_cmd(project: str | None, year: int | None, source: str | None, as_json: bool) -> None:
    """Roadblocks per 1,000 km² of each admin-2 unit and, with a road layer, per 100 km of road."""
    _django()
    import json

    from rich.console import Console
    from rich.table import Table

    from ramani.analysis.density import analyse as run_density

    result = run_density(project, year, source)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    console = Console()
    for key, title, unit in (("per_area", "per 1,000 km²", "km²"), ("per_road", "per 100 km of road", "km")):
        t = Table("unit", "value", "of", title=f"Roadblocks {title}", show_lines=False)
        for f in result[key]:
            t.add_row(f["label"], f"{f['value']:.2f}", f"{f['numerator']} / {f['denominator']:g} {unit}")
        console.print(t)
        console.print(result[f"definition_{key}"])
    if not result["roads_imported"]:
        console.print("No road layer is imported (ramani import roads): no density per 100 km of road.")


def _period(ctx, param, value: str | None) -> tuple[int, int] | None:
    import re

    if value is None:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", value.strip())
    if not m or int(m[2] or m[1]) < int(m[1]):
        raise click.BadParameter("a year or a range of years, e.g. 2021-2022")
    return int(m[1]), int(m[2] or m[1])


@analyse.command(name="interference")
@click.option("--first", callback=_period, default=None, help="First period, e.g. 2021-2022 (with --second).")
@click.option("--second", callback=_period, default=None, help="Second period, e.g. 2023.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def analyse_interference_cmd(first, second, as_json: bool) -> None:
    """Share of visited active sites with armed interference per year and province, by armed-group type, with
    95% Wilson intervals; with --first and --second, the sites seen in both periods that got better or worse."""
    if (first is None) != (second is None):
        raise click.UsageError("give both --first and --second, or neither")
    _django()
    import json

    from rich.console import Console
    from rich.table import Table

    from ramani.analysis.interference import analyse as run_analysis

    result = run_analysis(first, second)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    console = Console()
    pct = lambda v: "—" if v is None else f"{v * 100:.1f}%"  # noqa: E731
    console.print(result["definition"])
    t = Table("year", "province", "with interference", "95% interval", "sites", title="Armed interference")
    for year in result["by_year"]:
        for s in [year["all"], *year["provinces"]]:
            where = s["label"][5:] or "all"
            t.add_row(
                str(year["year"]),
                where,
                pct(s["value"]),
                f"{pct(s['low'])} – {pct(s['high'])}",
                f"{s['numerator']} / {s['denominator']}",
            )
    console.print(t)
    t = Table("year", "armed-group type", "sites with interference by it", "95% interval", title="By group type")
    for year in result["by_group_type"]:
        for s in year["groups"]:
            t.add_row(
                str(year["year"]),
                s["label"],
                f"{s['numerator']} / {s['denominator']} ({pct(s['value'])})",
                f"{pct(s['low'])} – {pct(s['high'])}",
            )
    console.print(t)
    if "revisits" in result:
        r = result["revisits"]
        console.print(
            f"{r['sites']} sites seen in both periods: {len(r['better'])} better, {len(r['worse'])} worse, "
            f"{len(r['same_with_interference'])} with interference in both, {len(r['same_without'])} without; "
            f"{pct(r['first_share']['value'])} then {pct(r['second_share']['value'])} with interference"
        )


@analyse.command(name="route")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--within", default=500.0, show_default=True, type=click.FloatRange(1, 50_000), help="Metres.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def analyse_route_cmd(path: Path, within: float, as_json: bool) -> None:
    """The roadblocks within N metres of a route (the first line of a GeoJSON, GPKG, KML, GPX… file), in the
    order met, and the tolls a trader pays along it summed by currency and unit."""
    _django()
    import json

    from rich.console import Console
    from rich.table import Table

    from ramani.analysis.roadblocks import load_toll_rows, read_route, tolls_along

    try:
        result = tolls_along(load_toll_rows(), read_route(path), within)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    console = Console()
    console.print(result["definition"])
    t = Table(
        "km",
        "off route (m)",
        "roadblock",
        "toll",
        title=f"{len(result['roadblocks'])} roadblocks along {result['route_km']} km",
    )
    for r in result["roadblocks"]:
        t.add_row(f"{r['km_along']:.1f}", f"{r['metres_off_route']:.0f}", r["place_name"] or r["key"], r["toll"])
    console.print(t)
    for total in result["totals"]:
        console.print(f"{total['amount']:g} {total['currency']} {total['unit']} ({total['roadblocks']} roadblocks)")
    if result["without_amount"]:
        console.print(f"{result['without_amount']} roadblocks with no readable toll amount")


@main.group()
def check() -> None:
    """Consistency checks."""


@check.command(name="sites")
@click.option("--tolerance-km", default=1.0, show_default=True, help="Distance allowed to the stated territoire.")
def check_sites_cmd(tolerance_km: float) -> None:
    """List sites whose stated territoire or province disagrees with their coordinates."""
    _django()
    from rich.table import Table

    from ramani.geo.check import check_sites

    try:
        problems, checked = check_sites(tolerance_km)
    except LookupError as exc:
        _console().print(f"[red]{exc}[/]")
        sys.exit(1)
    from rich.console import Console

    console = Console()
    if problems:
        table = Table("pcode", "name", "province", "territoire", "coordinates in", "reason")
        for d in problems:
            table.add_row(
                d.pcode, d.name, d.province, d.territoire, f"{d.found_pcode} {d.found_name}".strip(), d.reason
            )
        console.print(table)
    console.print(f"{len(problems)} of {checked} located sites disagree with their coordinates")


@main.group()
def frame() -> None:
    """Sampling frames of mining communities."""


@frame.command(name="build")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help=".csv, .xlsx or .gpkg")
@click.option("--radius-km", default=5.0, show_default=True, type=click.FloatRange(min=0, min_open=True))
@click.option("--active-years", default=3.0, show_default=True, type=click.FloatRange(min=0, min_open=True))
@click.option("--project", default=None, help="Active = visited with diggers in this project (instead of years).")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Reference date (default today).")
def frame_build_cmd(out: Path, radius_km: float, active_years: float, project, as_of) -> None:
    """Build a frame: settlements with the active mines near them, and mines with no settlement near."""
    _django()
    from ramani.analysis.frame_inputs import build_frame, write_frame
    from ramani.analysis.frame_io import FORMATS, TableError

    if out.suffix.lower() not in FORMATS:
        raise click.BadParameter(f"expected a {', '.join(FORMATS)} file", param_hint="--out")
    result = build_frame(radius_km, active_years, project, as_of.date() if as_of else None)
    if not result.units:
        raise click.ClickException("no active mine: nothing to build a frame from (see --active-years, --project)")
    try:
        about = write_frame(result, out)
    except TableError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{len(result.units)} units ({result.communities} communities, {result.lone_mines} mines with no settlement "
        f"within {radius_km:g} km) from {result.active_mines} active mines and {result.settlements} settlements "
        f"into {out}; how it was built in {about.name}"
    )


@main.group()
def form() -> None:
    """Survey forms for field visits."""


@form.command(name="xlsform")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="FILE.xlsx")
@click.option(
    "--sample",
    "sample_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Sample (or frame) file whose sites make the pcode choice list (default: every site).",
)
@click.option("--title", default="", help="Form title.")
@click.option("--version", "form_version", default="1", show_default=True, help="Form version.")
def form_xlsform_cmd(out: Path, sample_path: Path | None, title: str, form_version: str) -> None:
    """Write the site-visit XLSForm (ODK, KoboToolbox) in French, English and Swahili."""
    _django()
    from ramani.analysis.frame_io import TableError
    from ramani.fieldwork.xlsform import form_sites, sample_pcodes, write_xlsform

    if out.suffix.lower() != ".xlsx":
        raise click.BadParameter("an XLSForm is an .xlsx file", param_hint="--out")
    try:
        sites = form_sites(sample_pcodes(sample_path) if sample_path else None)
        write_xlsform(out, sites, title=title, version=form_version)
    except (ValueError, TableError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote the site-visit form with {len(sites)} sites to {out}")


@main.group()
def sample() -> None:
    """Draw probability samples from a sampling frame."""


def _sample_report(sample, out: Path) -> None:
    from ramani.analysis.sampling_design import outputs

    design_path, rep_path = outputs(out)
    d = sample.design
    certain = sum(s["certainty"] for s in d["strata_table"])
    click.echo(
        f"{len(sample.rows)} units drawn ({d['method']}, {len(d['strata_table'])} strata, {certain} take-all) "
        f"into {out}; design in {design_path.name}, replacements in {rep_path.name}"
    )
    for w in d["warnings"]:
        _console().print(f"[yellow]warning[/] {w}")


def _sample_failed(exc) -> NoReturn:
    console = _console()
    console.print(f"[red bold]No sample drawn:[/] {exc.total} problem(s).")
    for p in exc.problems[:50]:
        console.print(f"  row {p.row or '-'} · {p.column or '-'} · {p.value[:40]!r} · {p.reason}")
    sys.exit(1)


@sample.command(name="draw")
@click.argument("frame", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--n", "n", type=int, default=None, help="Sample size (split over strata unless --allocate).")
@click.option("--strata", default="", help="Stratum columns, comma-separated.")
@click.option("--size", default=None, help="Size-measure column (pps; also drives proportional allocation).")
@click.option("--seed", type=int, required=True)
@click.option("--method", type=click.Choice(["pps", "srs", "stratified-srs"]), default="pps", show_default=True)
@click.option("--allocate", multiple=True, metavar="STRATUM=N", help="Sample size of one stratum (repeat).")
@click.option("--order", default=None, help="Column ordering units before the systematic pass (default frame order).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def sample_draw_cmd(frame: Path, n, strata: str, size, seed: int, method: str, allocate, order, out: Path) -> None:
    """Draw a sample (CSV, XLSX or GPKG frame and output); the design and replacements are written beside it."""
    from ramani.analysis.frame_io import TableError
    from ramani.analysis.sampling_design import DesignFailed, Spec, draw_file

    allocation = None
    if allocate:
        allocation = {}
        for item in allocate:
            key, sep, value = item.rpartition("=")
            if not sep or not value.strip().isdigit():
                raise click.BadParameter(f"{item!r} is not STRATUM=N", param_hint="--allocate")
            allocation[key.strip()] = int(value)
    spec = Spec(method, n, [c.strip() for c in strata.split(",") if c.strip()], size, seed, allocation, order)
    try:
        result = draw_file(frame, spec, out)
    except TableError as exc:
        raise click.ClickException(str(exc)) from exc
    except DesignFailed as exc:
        _sample_failed(exc)
    _sample_report(result, out)


@sample.command(name="redraw")
@click.argument("design", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("frame", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def sample_redraw_cmd(design: Path, frame: Path, out: Path) -> None:
    """Redraw the sample a design file records, from the same frame file (checked by checksum)."""
    from ramani.analysis.frame_io import TableError
    from ramani.analysis.sampling_design import DesignFailed, redraw_file

    try:
        result = redraw_file(design, frame, out)
    except TableError as exc:
        raise click.ClickException(str(exc)) from exc
    except DesignFailed as exc:
        _sample_failed(exc)
    _sample_report(result, out)


@main.group()
def sms() -> None:
    """SMS channels, the outbox worker and a phone simulator."""


@sms.group(name="channel")
def sms_channel() -> None:
    """Gateway channels."""


def _kinds() -> list[str]:
    from ramani.sms.channels import ADAPTERS

    return list(ADAPTERS)


@sms_channel.command(name="add")
@click.argument("kind", type=click.Choice(_kinds()))
@click.argument("slug")
@click.option("--number", default=None, help="The channel's own number or short code.")
@click.option("--name", default=None)
@click.option("--rate", default=None, type=click.IntRange(1), help="Messages per minute at most (new channel: 60).")
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="KEY=VALUE",
    help="Gateway setting, repeatable (KEY= removes one): key, url, username, password, from, smsc, "
    "dlr_base, secret, auth_token, account_sid, apikey …",
)
@click.option("--new-key", is_flag=True, help="Replace the channel key with a new random one (printed once).")
def sms_channel_add(
    kind: str,
    slug: str,
    number: str | None,
    name: str | None,
    rate: int | None,
    settings: tuple[str, ...],
    new_key: bool,
) -> None:
    """Create a channel (a number on a gateway), or change only the given options of an existing one.

    A new channel gets a random key, printed once; inbound and delivery-report URLs must carry it."""
    _django()
    from ramani.sms.models import Channel
    from ramani.sms.models import new_key as make_key

    changes: dict[str, str] = {}
    for item in settings:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r}: expected KEY=VALUE", param_hint="--set")
        changes[key.strip()] = value
    channel = Channel.objects.filter(slug=slug).first()
    created = channel is None
    if channel is None:
        channel = Channel(slug=slug, kind=kind, rate_per_minute=60)
    elif channel.kind != kind:
        raise click.ClickException(f"channel {slug} is a {channel.kind} channel, not {kind}")
    merged = dict(channel.settings)
    for key, value in changes.items():
        if value:
            merged[key] = value
        else:
            merged.pop(key, None)
    shown_key = None
    if new_key or not merged.get("key"):
        merged["key"] = make_key()
        shown_key = merged["key"]
    elif "key" in changes:
        shown_key = merged["key"]
    channel.settings = merged
    if number is not None:
        channel.number = number
    if name is not None:
        channel.name = name
    if rate is not None:
        channel.rate_per_minute = rate
    channel.active = True
    channel.save()
    click.echo(f"{'created' if created else 'updated'} channel {slug} ({kind}): {', '.join(sorted(merged))} set")
    if shown_key:
        click.echo(f"channel key (keep it secret; it is not shown again): {shown_key}")
        click.echo(f"receive URL: /sms/{kind}/{slug}/receive?key={shown_key}")
    else:
        click.echo(f"receive URL: /sms/{kind}/{slug}/receive?key=<the channel key>")


@sms.command(name="worker")
@click.option("--once", is_flag=True, help="Do one pass and exit.")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between passes when idle.")
def sms_worker(once: bool, interval: float) -> None:
    """Process stored inbound messages and send the outbox (several workers are safe on PostgreSQL)."""
    _django()
    import logging
    import time

    from django.db import close_old_connections

    from ramani import config
    from ramani.sms import answers, inbox, outbox

    log = logging.getLogger("ramani.sms")
    last_retention = 0.0
    while True:
        try:
            processed = inbox.process_pending()
            sent = outbox.send_due()
        except Exception as exc:  # the database went away, say: try again, and say so without any detail
            log.error("worker pass failed: %s", type(exc).__name__)
            close_old_connections()
            processed = sent = 0
            if once:
                raise SystemExit(1) from None
        if time.time() - last_retention > 3600:
            last_retention = time.time()
            try:
                outbox.erase_expired_numbers(int(config.get("RAMANI_PHONE_RETENTION_DAYS")))
                answers.release_expired()  # texts held for partners' questions that expired: to their report
            except Exception as exc:  # tried again in an hour; the worker goes on
                log.error("hourly pass failed: %s", type(exc).__name__)
                close_old_connections()
        if once:
            click.echo(f"processed {processed} inbound, sent {sent} outbound")
            return
        if not processed and not sent:
            time.sleep(interval)


@sms.command(name="simulate")
@click.option("--url", default="http://127.0.0.1:8000", show_default=True, help="The running Ramani server.")
@click.option("--channel", default="demo", show_default=True, help="A generic channel's slug.")
@click.option("--number", default=None, help="The simulated phone's number (default: a random test number).")
@click.option("--key", default=None, help="The channel key (default: read from this data dir's database).")
def sms_simulate(url: str, channel: str, number: str | None, key: str | None) -> None:
    """A basic phone in the terminal: type SMS, read the replies (through the generic webhook)."""
    import json
    import secrets
    import urllib.error
    import urllib.request

    if key is None:
        _django()
        from django.db import DatabaseError

        from ramani import config
        from ramani.sms.models import Channel

        try:
            found = Channel.objects.filter(slug=channel, kind="generic").first()
        except DatabaseError:
            raise click.ClickException(
                f"no Ramani database in {config.data_dir()} (RAMANI_DATA_DIR): run "
                "`ramani migrate` and `ramani demo` there, or give --key"
            ) from None
        if found is None:
            raise click.ClickException(f"no generic channel {channel!r} here: give --key, or run `ramani demo`")
        key = found.key
    number = number or f"+24399{secrets.randbelow(10**7):07d}"
    endpoint = f"{url.rstrip('/')}/sms/generic/{channel}/receive"
    click.echo(f"Simulated phone -> {endpoint}. Try: KUFATILIA, MATOKEO DHAHABU, MSAADA. Ctrl-D to quit.")
    count = 0
    prompt = "> " if sys.stdin.isatty() else ""
    while True:
        try:
            text = input(prompt)
        except EOFError:
            click.echo("")
            return
        count += 1
        body = json.dumps(
            {"from": number, "to": "ramani", "text": text, "id": f"sim-{secrets.token_hex(4)}-{count}"}
        ).encode()
        request = urllib.request.Request(
            endpoint, data=body, headers={"Content-Type": "application/json", "X-Ramani-Key": key}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as resp:
                reply = json.loads(resp.read().decode("utf-8")).get("reply")
        except urllib.error.HTTPError as exc:
            click.echo(f"! the server answered {exc.code}")
            continue
        except OSError as exc:
            click.echo(f"! cannot reach {url}: {exc.__class__.__name__}")
            continue
        click.echo(f"< {reply}" if reply else "< (no reply)")


@main.group()
def orgs() -> None:
    """The partner network's organisations."""


@orgs.command(name="add")
@click.argument("slug")
@click.option("--name", required=True, help="The organisation's full name.")
@click.option("--short-name", default="", help="Its acronym.")
@click.option(
    "--kind", type=click.Choice(["network_administrator", "partner", "research"]), default="partner", show_default=True
)
@click.option("--covers", default="", metavar="PCODE,PCODE", help="Province or territoire pcodes it answers for.")
@click.option("--categories", default="", metavar="CODE,CODE", help="Only these incident categories (default: all).")
@click.option("--contact", default="")
def orgs_add(slug: str, name: str, short_name: str, kind: str, covers: str, categories: str, contact: str) -> None:
    """Create or update an organisation and its coverage areas (admin units of `ramani import boundaries`)."""
    _django()
    from django.db import transaction

    from ramani.geo.models import AdminUnit
    from ramani.incidents import categories as incident_categories
    from ramani.orgs.models import Coverage, Organisation

    pcodes = [p.strip().upper() for p in covers.split(",") if p.strip()]
    codes = [c.strip() for c in categories.split(",") if c.strip()]
    known = set(AdminUnit.objects.filter(pcode__in=pcodes).values_list("pcode", flat=True))
    if set(pcodes) - known:
        raise click.ClickException(
            f"unknown admin units: {', '.join(sorted(set(pcodes) - known))} (import boundaries first: "
            "`ramani import boundaries PATH`)"
        )
    if set(codes) - set(incident_categories.CODES):
        raise click.ClickException(f"unknown categories; choose from {', '.join(incident_categories.CODES)}")
    with transaction.atomic():
        organisation, created = Organisation.objects.update_or_create(
            slug=slug, defaults={"name": name, "short_name": short_name, "kind": kind, "contact": contact}
        )
        for pcode in pcodes:
            Coverage.objects.update_or_create(organisation=organisation, pcode=pcode, defaults={"categories": codes})
    click.echo(f"{'created' if created else 'updated'} {slug}: covers {', '.join(pcodes) or 'nothing yet'}")


@main.group()
def users() -> None:
    """People of the partner network."""


@users.command(name="add")
@click.argument("username")
@click.option("--org", "org_slug", required=True, help="The organisation's slug.")
@click.option("--role", type=click.Choice(["network_admin", "manager", "field_officer", "analyst"]), required=True)
@click.option("--email", default="")
def users_add(username: str, org_slug: str, role: str, email: str) -> None:
    """Create a person (or change their organisation and role); the password is read from standard input."""
    _django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import ValidationError, validate_password
    from django.db import transaction

    from ramani.orgs.models import Membership, Organisation

    organisation = Organisation.objects.filter(slug=org_slug).first()
    if organisation is None:
        raise click.ClickException(f"no organisation {org_slug!r}: create it with `ramani orgs add`")
    password = (
        click.prompt("Password", hide_input=True, confirmation_prompt=True)
        if sys.stdin.isatty()
        else sys.stdin.readline().rstrip("\n")
    )
    User = get_user_model()
    user = User.objects.filter(username=username).first() or User(username=username)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise click.ClickException(" ".join(exc.messages)) from None
    with transaction.atomic():
        user.email = email or user.email
        user.set_password(password)
        user.save()
        Membership.objects.update_or_create(user=user, defaults={"organisation": organisation, "role": role})
    click.echo(f"{username}: {role} of {org_slug}")


@main.group()
def story() -> None:
    """Story maps (see docs/stories.md)."""


@story.command(name="check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def story_check(path: Path) -> None:
    """Check a story file: its shape, its texts in French, English and Swahili, its layers, filters and cameras."""
    _django()
    from ramani.web.stories import library
    from ramani.web.stories.schema import StoryError

    try:
        found = library.load(path)
    except StoryError as error:
        console = _console()
        console.print(f"[red]{path}: {len(error.problems)} problem(s)[/red]", highlight=False, soft_wrap=True)
        for problem in error.problems:
            console.print(f"  {problem}", markup=False, highlight=False, soft_wrap=True)
        raise SystemExit(1) from None
    click.echo(
        f"{path}: story {found.slug!r}, {len(found.chapters)} chapter(s), texts complete in fr, en and sw; "
        f"it will be at /story/{found.slug}/ once in RAMANI_DATA_DIR/stories/"
    )


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (e.g. `ramani manage createsuperuser`)."""
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ramani manage", *args])


if __name__ == "__main__":
    main()
