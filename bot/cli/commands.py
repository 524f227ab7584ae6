"""What each `nlsbot` command does. Every command upgrades the schema first (a no-op when current)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from bot.app import build_app, web_client
from bot.cli import ballots, make_deps
from bot.cli.registry import EXPORTERS, IMPORTERS
from bot.deps import Deps
from bot.runtime import Background
from bot.services.ballot_seal import new_key
from bot.settings import Settings
from jobs import JobEnv, load_jobs
from jobs.scheduler import build_scheduler


async def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command or "run"
    if command == "run":
        if settings.slack_app_token and settings.slack_bot_token:
            command = "socket"
        elif settings.slack_bot_token and settings.slack_signing_secret:
            command = "serve"
        else:
            command = "shell"
        args = argparse.Namespace(
            command=command, host="0.0.0.0", port=3000, no_scheduler=False, workers=1, as_user=None, no_demo=False
        )
    if command == "ballot-key" and args.action == "new":
        print(new_key())  # touches no database: the operator stores it as NLS_BALLOT_KEY
        return 0
    settings.require(*SLACK_SETTINGS.get(command, ()))  # before the ballot key: the first thing to set
    deps = make_deps(settings, getattr(args, "at", None))
    try:
        if command in ("shell", "demo"):  # for trying the bot: a key of their own on SQLite
            deps.ballot_keys = ballots.local_shell_keys(deps)
        await deps.db.upgrade(ballot_keys=deps.ballot_keys)
        if command in ballots.NEEDS_BALLOT_KEY:
            await ballots.check_ballot_keys(deps)
        return await COMMANDS[command](deps, args)
    finally:
        await deps.close()


SLACK_SETTINGS = {"serve": ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"), "socket": ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")}


async def serve(deps: Deps, args: argparse.Namespace) -> int:
    import uvicorn

    from bot.web import create_web_app

    deps.settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    common = {"host": args.host, "port": args.port, "log_config": None, "access_log": False,
              "timeout_graceful_shutdown": 20, "lifespan": "on"}  # fmt: skip
    app = build_app(deps)
    background = Background(deps, app.client, scheduler=not args.no_scheduler)
    await uvicorn.Server(uvicorn.Config(create_web_app(deps, app, background), **common)).serve()
    return 0


def serve_workers(args: argparse.Namespace, settings: Settings) -> int:
    """`nlsbot serve --workers N`: uvicorn's process manager (it must own the main thread and its
    signals), each worker building its own app from the environment; none runs the scheduler,
    so run one `nlsbot scheduler` beside them."""
    import uvicorn

    settings.require("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")

    async def migrate() -> None:
        deps = make_deps(settings)
        try:
            await deps.db.upgrade(ballot_keys=deps.ballot_keys)
            await ballots.check_ballot_keys(deps)
        finally:
            await deps.close()

    asyncio.run(migrate())
    uvicorn.run(
        "bot.web:worker_app", factory=True, workers=args.workers, host=args.host, port=args.port,
        log_config=None, access_log=False, timeout_graceful_shutdown=20, lifespan="on",
    )  # fmt: skip
    return 0


async def socket(deps: Deps, args: argparse.Namespace) -> int:
    from bot.socket_mode import GuardedSocketModeHandler

    deps.settings.require("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    app = build_app(deps)
    background = Background(deps, app.client, scheduler=not args.no_scheduler)
    await background.start()
    handler = GuardedSocketModeHandler(app, deps.settings.slack_app_token or "", deps)
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

    return await run_shell(deps, as_user=args.as_user, load_demo=not args.no_demo)


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
    await EXPORTERS[args.what].run(deps, args, sys.stdout)
    return 0


async def jobs(deps: Deps, args: argparse.Namespace) -> int:
    specs = load_jobs()
    if args.action == "list":
        env = JobEnv(deps=deps, client=web_client(deps))
        sched = build_scheduler(env)
        now = deps.now().astimezone(deps.settings.timezone)
        for spec in specs.values():
            trigger = sched.get_job(spec.name).trigger
            next_run = trigger.get_next_fire_time(None, now)
            when = next_run.isoformat(timespec="minutes") if next_run else "never"
            print(f"{spec.name:<22} next {when}  {spec.description}")
        return 0
    if args.name not in specs:
        print(f"nlsbot: no job named {args.name!r}; known: {', '.join(specs)}", file=sys.stderr)
        return 2
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
