"""`hme-rpa`: one command with subcommands for every part of the product."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .config import Config, ConfigError


def _config() -> Config:
    try:
        return Config.from_env()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _session(config: Config) -> Any:
    from sqlalchemy.orm import Session

    from queue_server.db import make_engine

    return Session(make_engine(config.database_url), expire_on_commit=False)


def _fail_on_queue_error(func: Any) -> Any:
    """Turn the queue server's own errors into one clean line and exit code 1."""
    import functools

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        from sqlalchemy.exc import OperationalError

        from queue_server.exceptions import QueueError

        try:
            return func(*args, **kwargs)
        except QueueError as exc:
            raise click.ClickException(exc.message) from None
        except OperationalError as exc:
            raise click.ClickException(f"cannot reach the database: {type(exc.orig).__name__}. "
                                       "Check HME_DATABASE_URL and run `hme-rpa db upgrade`.") from None

    return wrapped


@click.group()
@click.version_option(package_name="hme-rpa")
def main() -> None:
    """Robots and the work queue for an HME/DME supplier's back office."""


# --- db -------------------------------------------------------------------------

@main.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@_fail_on_queue_error
def db_upgrade() -> None:
    """Apply every migration to HME_DATABASE_URL (SQLite by default)."""
    from queue_server import migrate

    config = _config()
    migrate.upgrade(config.database_url)
    click.echo(f"database at revision {migrate.current_revision(config.database_url)}")


@db.command("current")
@_fail_on_queue_error
def db_current() -> None:
    """Show the applied and the latest revision."""
    from queue_server import migrate

    config = _config()
    current, head = migrate.current_revision(config.database_url), migrate.head_revision()
    click.echo(f"applied: {current or 'none'}; latest: {head}")
    if current != head:
        sys.exit(1)


# --- users ----------------------------------------------------------------------

def _teams(value: str) -> list[Any]:
    from queue_server.domain.kinds import Team

    names = [v.strip() for v in value.split(",") if v.strip()]
    known = {t.value for t in Team}
    bad = [n for n in names if n not in known]
    if bad:
        raise click.BadParameter(f"unknown team(s) {', '.join(bad)}; choose from {', '.join(sorted(known))}")
    return [Team(n) for n in names]


@main.group()
def users() -> None:
    """People who log in to the queue."""


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["biller", "supervisor", "admin"]), default="biller", show_default=True)
@click.option("--teams", default="", help="Comma-separated: documentation,authorization,billing,cash_posting,"
                                          "denials,ar,rpa_admin")
@click.option("--name", "display_name", help="Name shown in the queue (default: the username).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@_fail_on_queue_error
def users_add(username: str, role: str, teams: str, display_name: str | None, password_stdin: bool) -> None:
    """Create a user; asks for the password twice unless --password-stdin."""
    from queue_server.models import Role
    from queue_server.services import auth

    team_list = _teams(teams)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    config = _config()
    with _session(config) as session:
        user = auth.create_user(session, config, username=username, password=password, role=Role(role),
                                teams=team_list, display_name=display_name)
        click.echo(f"created {user.role.value} {user.username} (teams: "
                   f"{', '.join(t.value for t in user.teams) or 'none'})")


@users.command("list")
@_fail_on_queue_error
def users_list() -> None:
    """Everyone, with role and teams."""
    from sqlalchemy import select

    from queue_server.models import User

    config = _config()
    with _session(config) as session:
        for user in session.scalars(select(User).order_by(User.username)):
            state = "" if user.active else " (inactive)"
            click.echo(f"{user.username:<20} {user.role.value:<10} {','.join(t.value for t in user.teams)}{state}")


@users.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True)
@_fail_on_queue_error
def users_set_password(username: str, password_stdin: bool) -> None:
    """Reset a password (also ends that person's open sessions)."""
    from sqlalchemy import select

    from queue_server.models import User
    from queue_server.services import auth

    config = _config()
    with _session(config) as session:
        user = session.scalar(select(User).where(User.username == username.lower()))
        if user is None:
            raise click.ClickException(f"no user {username!r}")
        password = (sys.stdin.readline().rstrip("\n") if password_stdin
                    else click.prompt("New password", hide_input=True, confirmation_prompt=True))
        auth.set_password(session, config, user, password)
        click.echo(f"password changed for {user.username}")


# --- tokens ---------------------------------------------------------------------

@main.group()
def tokens() -> None:
    """Bearer tokens for the robots' API."""


@tokens.command("create")
@click.argument("name")
@click.option("--days", type=click.IntRange(1, 3660), default=365, show_default=True,
              help="The token stops working after this many days; make a new one before.")
@click.option("--team", "teams", multiple=True, help="Only this team's items (repeat for several); default every team.")
@_fail_on_queue_error
def tokens_create(name: str, days: int, teams: tuple[str, ...]) -> None:
    """Create a bot token and print it once (only its hash is kept)."""
    from queue_server.domain.kinds import Team
    from queue_server.services import auth

    known = {t.value for t in Team}
    unknown = sorted(set(teams) - known)
    if unknown:
        raise click.BadParameter(f"unknown team(s) {', '.join(unknown)}; one of {', '.join(sorted(known))}",
                                 param_hint="--team")
    config = _config()
    with _session(config) as session:
        token = auth.create_token(session, name, days=days, teams=[Team(t) for t in teams])
    click.echo(token)


@tokens.command("revoke")
@click.argument("name")
@_fail_on_queue_error
def tokens_revoke(name: str) -> None:
    """Revoke a bot token by name."""
    from queue_server.services import auth

    config = _config()
    with _session(config) as session:
        if not auth.revoke_token(session, name):
            raise click.ClickException(f"no active token named {name!r}")
    click.echo(f"revoked {name}")


# --- server and queue upkeep ------------------------------------------------------

@main.command()
@click.option("--host", help="Default HME_HOST (127.0.0.1).")
@click.option("--port", type=int, help="Default HME_PORT (8400).")
@click.option("--workers", type=int, help="Server processes (default: two per core).")
@click.option("--threads", type=int, help="Threads per process (default: 2; 8 on SQLite, one process).")
@_fail_on_queue_error
def serve(host: str | None, port: int | None, workers: int | None, threads: int | None) -> None:
    """Run the queue server (gunicorn, several processes) until interrupted."""
    import os

    from queue_server import migrate
    from queue_server.wsgi import serve as run_server

    config = _config()
    if migrate.current_revision(config.database_url) != migrate.head_revision():
        raise click.ClickException("the database is not at the latest migration; run `hme-rpa db upgrade`")
    host, port = host or config.server_host, port or config.server_port
    # Two processes of two threads per core: Python holds one thread of a process at a time, so more processes
    # and fewer threads serve more clicks (bench/queue_load.py, 2 cores: 4 x 2 131-135 next+resolve/s, 2 x 8 117).
    workers = workers or 2 * (os.cpu_count() or 1)
    if config.is_sqlite and workers > 1:
        # SQLite takes one writer at a time; more processes only queue on its lock. Its one process keeps
        # threads enough that a slow page (a preview being drawn) does not hold up the rest.
        workers = 1
    threads = threads or (8 if config.is_sqlite else 2)
    click.echo(f"queue server on http://{host}:{port}/ ({workers} process(es) x {threads} threads; Ctrl-C stops it)")
    run_server(config, host=host, port=port, workers=workers, threads=threads)


@main.group()
def queue() -> None:
    """Queue upkeep."""


@queue.command("sweep")
@_fail_on_queue_error
def queue_sweep() -> None:
    """Return lapsed leases and snoozes that are due to the pool (the server also does it on claim)."""
    from queue_server.services import queue as queue_service

    config = _config()
    with _session(config) as session:
        lapsed, woke = queue_service.sweep(session)
    click.echo(f"{lapsed} lapsed lease(s) returned, {woke} snoozed item(s) woke")


@main.group()
def evidence() -> None:
    """Evidence files (screenshots, traces, PDFs, faxes): how long they are kept."""


@evidence.command("purge")
@click.option("--keep-days", type=click.IntRange(min=1), required=True,
              help="Keep the evidence of items resolved within this many days (CMS: documentation 7 years, 2557).")
@click.option("--apply", is_flag=True, help="Remove it; without this flag, only say what would go.")
@_fail_on_queue_error
def evidence_purge(keep_days: int, apply: bool) -> None:
    """Remove the evidence of items resolved more than --keep-days ago (never of an item still being worked).

    The items, their history and the KPIs stay; each item's history and the audit log say what went."""
    from queue_server.services import retention

    config = _config()

    def progress(done: Any) -> None:
        click.echo(f"  {done.items} item(s), {done.attachments} attachment(s) so far", err=True)

    with _session(config) as session:
        purged = retention.purge_evidence(session, config.attachment_dir, keep_days=keep_days, apply=apply,
                                          progress=progress)
    size = f"{purged.bytes / 1e6:.1f} MB"
    days = f"{keep_days} day{'' if keep_days == 1 else 's'}"
    if apply:
        click.echo(f"Removed the evidence of {purged.items} item(s) resolved more than {days} ago: "
                   f"{purged.attachments} attachment(s), {purged.files} file(s), {size}.")
    else:
        click.echo(f"Would remove the evidence of {purged.items} item(s) resolved more than {days} ago: "
                   f"{purged.attachments} attachment(s), {purged.files} file(s), {size}. Nothing removed; "
                   "run again with --apply to remove it.")


# --- extract --------------------------------------------------------------------

@main.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the contract's JSON (one object per file).")
@click.option("--workers", type=int, help="Files read at once in a folder (default: one per core).")
def extract(path: Path, as_json: bool, workers: int | None) -> None:
    """Read a remittance, CMN or written order (a file), or every document in a folder."""
    import json as json_module

    from extractors import ExtractError, dictionary, extract as run_extract

    if workers is not None and workers < 1:
        raise click.BadParameter("--workers must be at least 1")
    cache_dir = _config().cache_dir
    dictionary.use_cache_dir(cache_dir)
    if path.is_file():
        try:
            document = run_extract(path)
        except ExtractError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        if as_json:
            click.echo(json_module.dumps(document.model_dump(mode="json"), indent=2))
        else:
            click.echo(_describe(path.name, document))
        sys.exit(0)
    files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    if not files:
        raise click.ClickException(f"no files in {path}")
    rows: list[tuple[str, str, str, str]] = []
    failed = 0
    import os
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # One file per core: OCR is one single-threaded Tesseract per process.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from bots.robots.extraction import init_worker

    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1, initializer=init_worker,
                             initargs=(os.getpid(), cache_dir)) as pool, \
            click.progressbar(length=len(files), label=f"reading {len(files)} files", file=sys.stderr) as bar:
        futures = {pool.submit(_extract_one, file): file for file in files}
        results: dict[Path, tuple[Any, str | None]] = {}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            bar.update(1)
    for file in files:
        document, error = results[file]
        name = str(file.relative_to(path))
        if document is None:
            failed += 1
            rows.append((name, "error", "", error or ""))
            continue
        if as_json:
            click.echo(json_module.dumps({"file": name, **document.model_dump(mode="json")}))
        rows.append((name, document.document_type, _verdict(document), ", ".join(document.problems) or ""))
    width = max(len(r[0]) for r in rows)
    out = sys.stderr if as_json else sys.stdout
    click.echo(f"{'file':<{width}}  {'type':<10}  {'verdict':<14}  problems", file=out)
    for name, kind, verdict, problems in rows:
        click.echo(f"{name:<{width}}  {kind:<10}  {verdict:<14}  {problems}", file=out)
    click.echo(f"{len(files)} files: {len(files) - failed} read, {failed} could not be read", file=out)
    sys.exit(1 if failed else 0)


def _extract_one(file: Path) -> tuple[Any, str | None]:
    """In a worker process: the document, or None and the one-line reason."""
    from extractors import ExtractError, extract as run_extract

    try:
        return run_extract(file), None
    except ExtractError as exc:
        return None, str(exc)


def _verdict(document: Any) -> str:
    if document.document_type == "remittance":
        return "balanced" if document.balanced else "NOT BALANCED"
    if document.valid:
        return "valid"
    # A problem found from a doubtful field is itself in doubt: a person looks first.
    return "needs review" if document.review else "invalid"


def _describe(name: str, document: Any) -> str:
    head = f"{name}: {document.document_type}, {document.pages} page(s){' (OCR)' if document.ocr else ''}, {_verdict(document)}"
    lines = [head]
    if document.document_type == "remittance":
        lines.append(f"  check {document.payment.number} of {document.payment.date} for {document.payment.amount}: "
                     f"{len(document.claims)} claims, {len(document.provider_adjustments)} provider adjustments")
    if document.problems:
        lines.append(f"  problems: {', '.join(document.problems)}")
    if document.review:
        lines.append(f"  to review: {', '.join(document.review[:10])}{' ...' if len(document.review) > 10 else ''}")
    return "\n".join(lines)


# --- sandbox --------------------------------------------------------------------

@main.group()
def sandbox() -> None:
    """Practice payer portals, document portal and billing system with known ground truth."""


@sandbox.command("reset")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--claims", type=click.IntRange(1, 1_000_000), default=2000, show_default=True)
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="The sandbox's today (default: today).")
def sandbox_reset(seed: int, claims: int, today: Any) -> None:
    """Generate a fresh world (patients, claims, remittances, holds, documents)."""
    from sandbox import serve as sandbox_serve

    config = _config()
    day = today.date() if today else config.now().date()
    click.echo(f"generating {claims:,} claims from seed {seed} for {day} ...")
    summary = sandbox_serve.reset(config.data_dir, seed=seed, claims=claims, today=day)
    click.echo(f"{summary['claims']:,} claims, {summary['remittances']:,} remittances, {summary['holds']:,} holds, "
               f"{summary['documents']:,} documents in {summary['seconds']} s "
               f"-> {sandbox_serve.store_path(config.data_dir)}")


@sandbox.command("serve")
@click.option("--base-port", type=int, default=8601, show_default=True, help="First site's port; the others follow.")
@click.option("--faults/--no-faults", default=False, help="Start with every fault on (the robots' test setting).")
def sandbox_serve_command(base_port: int, faults: bool) -> None:
    """Serve every practice site until Ctrl-C; prints the URLs and log-ins."""
    import time as time_module

    from sandbox import serve as sandbox_serve
    from sandbox.world.store import Store

    config = _config()
    try:
        sites = sandbox_serve.start(config.data_dir, base_port=base_port, faults_on=faults)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot listen on port {base_port}+: {exc.strerror}") from None
    store = Store(sandbox_serve.store_path(config.data_dir))
    for name, url in sites.urls.items():
        login = f"{store.meta(name + ':username')} / {store.meta(name + ':password')}"
        extra = f" (TOTP secret {store.meta(name + ':totp_secret')})" if name == "medicare" else ""
        click.echo(f"{name:<10} {url}/   {login}{extra}")
    click.echo("ground truth: <site>/_sandbox/truth   ledger: <site>/_sandbox/ledger   faults: <site>/_sandbox/faults")
    try:
        while True:
            time_module.sleep(3600)
    except KeyboardInterrupt:
        click.echo("stopping")
    finally:
        sites.stop()


# --- demo -----------------------------------------------------------------------

@main.command()
@click.option("--port", type=int, default=8400, show_default=True, help="The queue server's port.")
@click.option("--sandbox-port", type=int, default=8601, show_default=True, help="The first sandbox site's port.")
@click.option("--no-serve", is_flag=True, help="Set everything up, check it, print the summary and exit.")
@click.option("--claims", type=int, default=600, show_default=True, help="Claims in the sandbox's world.")
def demo(port: int, sandbox_port: int, no_serve: bool, claims: int) -> None:
    """Fresh demo data under var/demo, the sandbox and the queue server, then the URLs and logins to open."""
    from . import demo as demo_module

    demo_module.run(port=port, serve=not no_serve, echo=click.echo, sandbox_port=sandbox_port, claims=claims)


# --- robots -------------------------------------------------------------------------------

def _vault(create_key: bool = False) -> Any:
    from bots.runtime.vault import Vault

    return Vault.from_config(_config(), create_key=create_key)


def _fail_on_bot_error(func: Any) -> Any:
    import functools

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        from bots.errors import BotError

        try:
            return func(*args, **kwargs)
        except BotError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapped


@main.group()
def vault() -> None:
    """Portal credentials, encrypted (key: HME_VAULT_KEY or HME_VAULT_KEY_FILE, default ~/.config/hme-rpa/vault.key)."""


@vault.command("set")
@click.argument("portal", type=click.Choice(["medicare", "bluriver", "documents", "billing", "queue"]))
@click.option("--url", required=True, help="The portal's address (for `queue`: the queue server's).")
@click.option("--username", default="", help="Log-in name (not needed for `queue`).")
@click.option("--totp", is_flag=True, help="Also ask for the portal's TOTP secret (base32).")
@click.option("--password-stdin", is_flag=True, help="Read the password (the API token for `queue`) from stdin.")
@_fail_on_bot_error
def vault_set(portal: str, url: str, username: str, totp: bool, password_stdin: bool) -> None:
    """Store or replace one portal's credentials; secrets are asked for, never given on the command line."""
    from bots.runtime.vault import Credentials

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password" if portal != "queue" else "API token", hide_input=True)
    secret = click.prompt("TOTP secret", hide_input=True) if totp else ""
    _vault(create_key=True).set(portal, Credentials(url=url, username=username, password=password, totp_secret=secret))
    click.echo(f"stored credentials for {portal}")


@vault.command("list")
@_fail_on_bot_error
def vault_list() -> None:
    """Which portals have credentials (never the secrets)."""
    store = _vault()
    for portal in store.portals():
        creds = store.get(portal)
        click.echo(f"{portal:<10} {creds.url}  {creds.username or '-'}{'  (TOTP)' if creds.totp_secret else ''}")


@main.command("run")
@click.argument("robot", type=click.Choice(["claim-status", "eobs", "cmns", "reports"]))
@click.option("--night", type=click.DateTime(["%Y-%m-%d"]), help="Business date of the run (default: today).")
@click.option("--contexts", type=click.IntRange(1, 64),
              help="Sessions per portal at most, each a browser context (default: each portal's own limit, "
                   "HME_PORTAL_LIMITS: the billing system 8, a payer's portal 4).")
@click.option("--runner", help="This runner's name (default: HME_RUNNER or the host name); a restart under "
                               "the same name takes its unfinished units back at once.")
@click.option("--no-trace", is_flag=True, help="Do not record Playwright traces (faster; less evidence).")
@click.option("--limit", type=int, help="Work at most this many units now (a trial run); the rest stay planned.")
@_fail_on_bot_error
@_fail_on_queue_error
def run_command(robot: str, night: Any, contexts: int | None, runner: str | None, no_trace: bool, limit: int | None) -> None:
    """Run one robot now, with a progress bar; the summary says what it did and what it filed."""
    import asyncio

    from bots.runner import run_robot

    config = _config()
    day = night.date() if night else config.now().date()
    bar: dict[str, Any] = {}

    def progress(done: int, total: int) -> None:
        if "bar" not in bar:
            bar["bar"] = click.progressbar(length=total, label=f"{robot} {day}", show_pos=True, file=sys.stderr)
            bar["bar"].__enter__()
            bar["at"] = 0
        bar["bar"].update(done - bar["at"])
        bar["at"] = done

    summary = asyncio.run(run_robot(config, robot, night=day, contexts=contexts or config.contexts or None,
                                    runner=runner, progress=progress,
                                    trace=not no_trace, vault=_vault(), limit=limit))
    if "bar" in bar:
        bar["bar"].__exit__(None, None, None)
    click.echo(f"{robot} {day}: {summary.status.value}; units {summary.units}; "
               f"{summary.exceptions_filed} new queue items {summary.kinds or ''}")
    for name, value in sorted(summary.totals.items()):
        click.echo(f"  {name}: {value}")
    if summary.error:
        click.echo(f"  stopped: {summary.error}", err=True)
    if summary.status.value != "finished":
        sys.exit(1)


@main.command("schedule")
@click.option("--list", "list_only", is_flag=True, help="Print the timetable and next run times, then exit.")
@_fail_on_bot_error
def schedule_command(list_only: bool) -> None:
    """Run the robots nightly (HME_SCHEDULE, default claim-status=22:00,eobs=01:00,cmns=03:00,reports=04:30)."""
    import logging

    from bots import schedule

    config = _config()
    timetable = schedule.parse(config.schedule)
    scheduler: Any = schedule.build(config, timetable, blocking=not list_only)
    if list_only:
        scheduler.start(paused=True)
        for job in scheduler.get_jobs():
            click.echo(f"{job.name:<24} next {job.next_run_time:%Y-%m-%d %H:%M %Z}")
        scheduler.shutdown(wait=False)
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    click.echo("scheduler started; Ctrl-C stops it")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("stopped")


@main.command("record")
@click.argument("site", type=click.Choice(["medicare", "bluriver", "documents", "billing"]))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("recordings"),
              show_default=True)
@_fail_on_bot_error
def record_command(site: str, out: Path) -> None:
    """Record a HAR of a robot's session against a fresh sandbox (port 8701+) for the page-object tests."""
    from hme_rpa.recording import record_now

    har = record_now(site, out)
    click.echo(f"recorded {har} ({har.stat().st_size:,} bytes) and {har.with_suffix('.json')}")


if __name__ == "__main__":  # pragma: no cover
    main()
