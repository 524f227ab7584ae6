"""What each `nlsbot` command does. Every command upgrades the schema first (a no-op when current)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import socket as sockets
import sys

from bot.app import build_app, web_client
from bot.cli import ballots, make_deps
from bot.cli.csvio import export_stream
from bot.cli.registry import EXPORTERS, IMPORTERS
from bot.deps import Deps
from bot.infra.settings import DEFAULT_DATABASE_URL, Settings
from bot.runtime import Background
from bot.services.ballot_seal import new_key
from bot.slack.credentials import check_bot_token
from bot.slack.standing import confirm_token_at_start, current, why
from bot.startup_errors import StartupError, reaching_the_database
from bot.transport.event_subscriptions import warn_of_differences
from jobs import JobEnv, load_jobs
from jobs.scheduler import timetable

log = logging.getLogger("nlsbot")
DEFAULT_HOST = "0.0.0.0"


async def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    """What a command is refused for without the database comes first (settings, the demo's
    destination), so such a mistake changes nothing; then Slack is asked about the tokens, and
    the first contact with the database turns its failures into one line (bot.startup_errors)."""
    command = args.command or "run"
    if command == "run":
        command = run_mode(settings)
        args = argparse.Namespace(
            command=command, host=DEFAULT_HOST, port=None, no_scheduler=False, workers=1, as_user=None,
            no_demo=False, demo=False,
        )  # fmt: skip
    if command == "ballot-key" and args.action == "new":
        print(new_key())  # touches no database: the operator stores it as NLS_BALLOT_KEY
        return 0
    settings.require(*SLACK_SETTINGS.get(command, ()))  # before the ballot key: the first thing to set
    if command == "demo" and not args.into_this_database and not settings.uses_default_database:
        raise StartupError("cli.mode.demo_elsewhere", default=DEFAULT_DATABASE_URL, url=settings.shown_database_url)
    deps = make_deps(settings, getattr(args, "at", None))
    try:
        accepted: bool | None = None  # what Slack said of SLACK_BOT_TOKEN, for the commands that serve
        if command in CHECKS_BOT_TOKEN and settings.slack_bot_token:
            _ = deps.ballots  # a missing NLS_BALLOT_KEY is said before Slack is asked anything
            accepted = await check_bot_token(web_client(deps))
        with reaching_the_database(settings.database_url):
            if command in ("shell", "demo"):  # for trying the bot: a key of their own on SQLite
                deps.ballot_keys = ballots.local_shell_keys(deps)
            await deps.db.upgrade(ballot_keys=deps.ballot_keys)
        if command in ballots.NEEDS_BALLOT_KEY:
            await ballots.check_ballot_keys(deps)
        if accepted is not None:  # after an uninstall: a reinstall resumes sending, or one line says why not
            await confirm_token_at_start(deps, accepted=accepted)
        return await COMMANDS[command](deps, args)
    finally:
        await deps.close()


SLACK_SETTINGS = {"serve": ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"), "socket": ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")}
CHECKS_BOT_TOKEN = frozenset({"serve", "socket", "scheduler"})  # the ones that serve Slack: auth.test first


def run_mode(settings: Settings) -> str:
    """What `nlsbot` alone runs: Socket Mode or HTTP when Slack is configured, the local shell
    when nothing of Slack is. Anything in between is a production start half done (a bot token
    and no way to receive events, or the reverse), and falling back to the shell would load the
    demo network into whatever DATABASE_URL points at: it stops here, before any database."""
    if settings.slack_bot_token and settings.slack_app_token:
        return "socket"
    if settings.slack_bot_token and settings.slack_signing_secret:
        return "serve"
    if settings.slack_bot_token:
        raise StartupError("cli.mode.bot_token_alone")
    for setting in ("SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        if getattr(settings, setting.lower()):
            raise StartupError("cli.mode.no_bot_token", setting=setting)
    return "shell"


def listen(host: str, port: int) -> sockets.socket:
    """The serving socket, bound before anything is served: a port in use or an address this
    machine does not have is one line naming --port/PORT, not uvicorn's exit after a half start."""
    family = sockets.AF_INET6 if ":" in host else sockets.AF_INET
    try:
        return sockets.create_server((host, port), family=family)
    except OSError as exc:
        raise StartupError("cli.listen_failed", host=host, port=port, reason=exc.strerror or str(exc)) from exc


def log_address(host: str, port: int, workers: int = 1) -> None:
    """Where Slack's requests and the health checks are to be sent, once, at start."""
    shown = f"[{host}]" if ":" in host else host
    also = f" with {workers} worker processes" if workers > 1 else ""
    log.info("listening on http://%s:%d (POST /slack/events, GET /healthz, GET /readyz)%s", shown, port, also)


async def serve(deps: Deps, args: argparse.Namespace) -> int:
    import uvicorn

    from bot.transport.web import create_web_app

    deps.settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    port = args.port or deps.settings.port
    common = {"host": args.host, "port": port, "log_config": None, "access_log": False,
              "timeout_graceful_shutdown": 20, "lifespan": "on"}  # fmt: skip
    listening = listen(args.host, port)
    app = build_app(deps)
    warn_of_differences(app.listened)
    background = Background(deps, app.client, scheduler=not args.no_scheduler)
    log_address(args.host, port)
    await uvicorn.Server(uvicorn.Config(create_web_app(deps, app, background), **common)).serve(sockets=[listening])
    return 0


def serve_workers(args: argparse.Namespace, settings: Settings) -> int:
    """`nlsbot serve --workers N`: uvicorn's process manager (it must own the main thread and its
    signals), each worker building its own app from the environment; none runs the scheduler,
    so run one `nlsbot scheduler` beside them."""
    import uvicorn

    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    port = args.port or settings.port

    async def prepare() -> None:
        deps = make_deps(settings)
        try:
            accepted = await check_bot_token(web_client(deps))
            with reaching_the_database(settings.database_url):
                await deps.db.upgrade(ballot_keys=deps.ballot_keys)
            await ballots.check_ballot_keys(deps)
            await confirm_token_at_start(deps, accepted=accepted)
            warn_of_differences(build_app(deps).listened)  # each worker builds the same app
        finally:
            await deps.close()

    asyncio.run(prepare())
    log_address(args.host, port, args.workers)
    uvicorn.run(
        "bot.transport.web:worker_app", factory=True, workers=args.workers, host=args.host, port=port,
        log_config=None, access_log=False, timeout_graceful_shutdown=20, lifespan="on",
    )  # fmt: skip
    return 0


async def socket(deps: Deps, args: argparse.Namespace) -> int:
    from bot.transport.socket_mode import GuardedSocketModeHandler

    deps.settings.require("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    app = build_app(deps)
    handler = GuardedSocketModeHandler(app, deps.settings.slack_app_token or "", deps)
    await handler.check_app_token()  # before the scheduler starts: a refused token stops here
    warn_of_differences(app.listened)
    background = Background(deps, app.client, scheduler=not args.no_scheduler)
    await background.start()
    try:
        await handler.start_async()
    finally:
        await background.stop()
    return 0


async def scheduler(deps: Deps, args: argparse.Namespace) -> int:
    """The one scheduler process of a replicated deployment: the same start and orderly stop as a
    serving process (pooled Slack session, in-flight sends drained), without the web server."""
    background = Background(deps, web_client(deps), scheduler=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await background.start()
    print("scheduler running; Ctrl-C to stop", file=sys.stderr)
    try:
        await stop.wait()
    finally:
        await background.stop()
    return 0


async def shell(deps: Deps, args: argparse.Namespace) -> int:
    from bot.shell import run_shell

    # The demo goes only into the local default file unless asked for (--demo): a DATABASE_URL
    # set elsewhere may be a real directory's database, still empty on a first deploy.
    load_demo = not args.no_demo and (args.demo or deps.settings.uses_default_database)
    if not args.no_demo and not load_demo:
        print("  " + deps.translator()("cli.mode.shell_without_demo"))
    return await run_shell(deps, as_user=args.as_user, load_demo=load_demo)


async def demo(deps: Deps, args: argparse.Namespace) -> int:
    from bot.demo import load_demo

    print(await load_demo(deps))
    return 0


async def db(deps: Deps, args: argparse.Namespace) -> int:
    if args.action == "current":
        print(", ".join(sorted(await deps.db.current_revisions())) or "(empty)")
    else:
        print("schema is at the newest revision:", ", ".join(sorted(await deps.db.current_revisions())))
    return 0


async def import_(deps: Deps, args: argparse.Namespace) -> int:
    print(await IMPORTERS[args.what].run(deps, args.file, args))
    return 0


async def export(deps: Deps, args: argparse.Namespace) -> int:
    with export_stream(sys.stdout, args, language=deps.settings.nls_locale) as out:
        await EXPORTERS[args.what].run(deps, args, out)
    return 0


async def jobs(deps: Deps, args: argparse.Namespace) -> int:
    specs = load_jobs()
    if args.action == "list":
        print("\n".join(timetable(deps.settings.timezone, deps.now())))  # the shell's `jobs list` too
        return 0
    if args.name not in specs:
        print(f"nlsbot: no job named {args.name!r}; known: {', '.join(specs)}", file=sys.stderr)
        return 2
    state = await current(deps)
    if state is not None:  # uninstalled: the run could only park what it records (docs/deployment.md)
        t = deps.translator()
        print(f"{args.name}: {t('workspace.job_skipped', **why(state, t, deps))}")
        return 0
    env = JobEnv(deps=deps, client=web_client(deps))
    print(f"{args.name}: {await specs[args.name].run(env, deps.now())}")
    return 0


COMMANDS = {
    "serve": serve,
    "socket": socket,
    "scheduler": scheduler,
    "shell": shell,
    "demo": demo,
    "db": db,
    "import": import_,
    "export": export,
    "jobs": jobs,
    "ballot-key": ballots.run,
}
