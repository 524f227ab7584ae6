"""`nlsbot`: run the bot (HTTP, Socket Mode or the local shell), operate its database and jobs,
and import/export data. With no arguments it runs the bot the way the environment allows:
Socket Mode with an app token, HTTP with a signing secret, otherwise the local shell."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import pkgutil
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bot.cli.problems import row_problem
from bot.cli.registry import EXPORTERS, IMPORTERS
from bot.deps import Deps
from bot.infra.db import Database
from bot.infra.i18n import Translator
from bot.infra.logs import configure_logging
from bot.infra.settings import Settings, SettingsError, load_settings
from bot.services.errors import DomainError, ImportFailed
from bot.startup_errors import StartupError

log = logging.getLogger("nlsbot")


def _load_feature_clis() -> None:
    package = sys.modules[__name__]
    for info in pkgutil.iter_modules(package.__path__):
        if info.name not in {"registry"}:
            importlib.import_module(f"{__name__}.{info.name}")


def build_parser() -> argparse.ArgumentParser:
    _load_feature_clis()
    parser = argparse.ArgumentParser(prog="nlsbot", description="NLS Bot for the National LIP/ZIP Network")
    parser.add_argument("--version", action="version", version=f"%(prog)s {installed_version()}")
    parser.add_argument(
        "--verbose", action="store_true", help="on a failure, show the traceback too (may follow the command)"
    )
    sub = parser.add_subparsers(dest="command")

    sub.add_parser("run", help="run the bot as configured (default): Socket Mode, HTTP, or the local shell")
    serve = sub.add_parser("serve", help="HTTP mode: POST /slack/events, GET /healthz, GET /readyz")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, help="default: PORT, else 3000")
    serve.add_argument("--no-scheduler", action="store_true", help="leave scheduled jobs to `nlsbot scheduler`")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (more than 1 implies --no-scheduler: run `nlsbot scheduler`)",
    )
    socket = sub.add_parser("socket", help="Socket Mode with SLACK_APP_TOKEN")
    socket.add_argument("--no-scheduler", action="store_true")
    sub.add_parser("scheduler", help="run only the scheduled jobs (one per deployment)")
    shell = sub.add_parser("shell", help="talk to the bot in this terminal, no Slack workspace needed")
    shell.add_argument("--as", dest="as_user", help="Slack user id or name to act as")
    demo_choice = shell.add_mutually_exclusive_group()
    demo_choice.add_argument("--no-demo", action="store_true", help="do not load demo data into an empty directory")
    demo_choice.add_argument(
        "--demo", action="store_true", help="load it into an empty directory even if DATABASE_URL is not the default"
    )
    demo = sub.add_parser("demo", help="load clearly labelled demo data (a living sample network)")
    demo.add_argument(
        "--into-this-database", action="store_true",
        help="load it although DATABASE_URL is not the local default database (the demo's only place otherwise)",
    )  # fmt: skip

    from bot.cli import ballots

    ballots.add_parser(sub)
    db = sub.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade", "current"])

    imp = sub.add_parser("import", help="import data from a file")
    imp_sub = imp.add_subparsers(dest="what", required=True)
    for name, spec in sorted(IMPORTERS.items()):
        p = imp_sub.add_parser(name, help=spec.help)
        p.add_argument("file", type=Path)
        if spec.arguments:
            spec.arguments(p)

    exp = sub.add_parser("export", help="export data as CSV to standard output")
    exp_sub = exp.add_subparsers(dest="what", required=True)
    for name, spec in sorted(EXPORTERS.items()):
        p = exp_sub.add_parser(name, help=spec.help)
        if spec.arguments:
            spec.arguments(p)

    jobs = sub.add_parser("jobs", help="scheduled jobs")
    jobs_sub = jobs.add_subparsers(dest="action", required=True)
    jobs_sub.add_parser("list", help="jobs and their next run times")
    run_job = jobs_sub.add_parser("run", help="run one job once, as if it were --at")
    run_job.add_argument("name")
    run_job.add_argument("--at", type=_iso_datetime, help="ISO date-time (default: now; local time if no offset)")
    return parser


def _iso_datetime(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {value!r}") from None


def installed_version() -> str:
    try:
        return version("nlsbot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def verbose_first(argv: list[str]) -> list[str]:
    """`--verbose` wherever it was typed (an operator adds it to the end of the command that just
    failed), moved to where argparse reads it: before the command."""
    if "--verbose" not in argv:
        return argv
    return ["--verbose", *(arg for arg in argv if arg != "--verbose")]


def refuse(line: str, exc: BaseException, *, verbose: bool, code: int = 2) -> int:
    """The one line an operator's mistake gets (after the traceback with --verbose); the exit code."""
    if verbose:
        traceback.print_exception(exc)
    print(f"nlsbot: {line}", file=sys.stderr)
    return code


def make_deps(settings: Settings, at: datetime | None = None) -> Deps:
    db = Database(settings.database_url, pool_size=settings.db_pool_size)
    if at is None:
        return Deps(settings=settings, db=db)
    fixed = at if at.tzinfo else at.replace(tzinfo=settings.timezone)
    return Deps(settings=settings, db=db, clock=lambda: fixed)


async def _with_db(deps: Deps, coro_factory):
    try:
        await deps.db.upgrade(ballot_keys=deps.ballot_keys)
        return await coro_factory()
    finally:
        await deps.close()


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when it is installed (it is a dependency on Linux and macOS): the same asyncio API,
    with a cheaper loop for every request, thread hand-off and timer; else asyncio's own."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(verbose_first(sys.argv[1:] if argv is None else list(argv)))
    try:
        settings = load_settings()
    except SettingsError as exc:
        return refuse(f"configuration error: {exc}", exc, verbose=args.verbose)
    configure_logging(settings.log_level, interactive=args.command in (None, "run", "shell"))
    t = Translator(settings.nls_locale)
    from bot.cli import commands  # late: pulls in the app and the shell

    try:
        if args.command == "serve" and args.workers > 1:
            return commands.serve_workers(args, settings)
        with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
            return runner.run(commands.dispatch(args, settings))
    except SettingsError as exc:
        return refuse(f"configuration error: {exc}", exc, verbose=args.verbose)
    except StartupError as exc:
        return refuse(exc.line(t), exc, verbose=args.verbose, code=exc.exit_code)
    except ImportFailed as exc:
        refuse(t(exc.key, **exc.params), exc, verbose=args.verbose)
        for error in exc.errors:
            print(f"  {row_problem(error, t)}", file=sys.stderr)
        return 1
    except DomainError as exc:
        return refuse(t(exc.key, **exc.params), exc, verbose=args.verbose, code=1)
    except KeyboardInterrupt:
        return 130
