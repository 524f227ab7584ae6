"""`nlsbot shell`: talk to the real bot in a terminal, no Slack workspace needed.

Type what you would type in Slack (`/nls help`, `/nls whois @amina`), press buttons by their
number, fill modals at the prompts. See `ShellSession` for how requests reach the app.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.deps import Deps
from bot.shell.forms import fields_of
from bot.shell.session import Outcome, ShellSession
from jobs import JobEnv, load_jobs, run_moment
from jobs.scheduler import timetable
from models import Person, Role, RoleGrant

HELP = """\
  What the shell understands:
    /nls …            a slash command, exactly as in Slack (try /nls help)
    N  or  press N    press button [N] on screen
    home              open your App Home tab
    dm <text>         send the bot a direct message
    @bot <text>       mention the bot in a channel
    shortcut <id> [message text]   a global shortcut, or a message shortcut on that text
    jobs list         the scheduled jobs and when each runs next
    jobs run <name> [--at 2026-12-07T09:00]
                      run a scheduled job now, or as if it were then (network time), and see
                      what it sends
    as @name          act as someone else from the directory;  who   lists them
    quit              leave (Ctrl-D works too)"""


async def _read(prompt: str) -> str | None:
    try:
        return await asyncio.to_thread(input, prompt)
    except EOFError:
        return None


async def _default_user(deps: Deps) -> str | None:
    async with deps.db.reader() as session:
        admin = (
            await session.execute(
                select(Person.slack_user_id).join(RoleGrant).where(RoleGrant.role == Role.ADMIN).order_by(Person.id)
            )
        ).scalar()
        return admin or (await session.execute(select(Person.slack_user_id).order_by(Person.id))).scalar()


async def _directory_is_empty(deps: Deps) -> bool:
    async with deps.db.reader() as session:
        return not (await session.execute(select(func.count()).select_from(Person))).scalar_one()


async def start_session(
    deps: Deps, *, as_user: str | None = None, load_demo: bool = True, out: Callable[[str], None] = print
) -> ShellSession:
    """The shell as `nlsbot shell` opens it (the demo in an empty directory, you as its first
    admin), for the REPL and for tests that walk the README's tour."""
    if load_demo and await _directory_is_empty(deps):
        from bot.demo import load_demo as load

        out("  The directory is empty, so I loaded the demo network (every name is marked [DEMO]).")
        out("  " + await load(deps))
    user_id = await _default_user(deps) or "USHELL01"
    session = await ShellSession(deps, user_id=user_id).start()
    if as_user:
        session.user_id = session.resolve_user(as_user) or as_user
    return session


async def run_shell(
    deps: Deps, *, as_user: str | None = None, load_demo: bool = True, out: Callable[[str], None] = print
) -> int:
    session = await start_session(deps, as_user=as_user, load_demo=load_demo, out=out)
    try:
        out(f"\nNLS Bot — local shell. You are @{session.names.get(session.user_id, session.user_id)}.")
        out("Type /nls help to start, `help` for shell commands, `quit` to leave.\n")
        await _loop(session, out)
    finally:
        await session.stop()
    return 0


async def _loop(session: ShellSession, out: Callable[[str], None]) -> None:
    while True:
        me = session.names.get(session.user_id, session.user_id).split()[0].lower()
        line = await _read(f"{me}> ")
        if line is None or line.strip() in ("quit", "exit"):
            return
        line = line.strip()
        if not line:
            continue
        outcome = await handle(session, line, out)
        if outcome is not None:
            await _show(session, outcome, out)


async def handle(session: ShellSession, line: str, out: Callable[[str], None]) -> Outcome | None:
    """One line typed at the prompt: what it shows goes to `out` or comes back as an Outcome."""
    if line == "help":
        out(HELP)
        return None
    if line == "who":
        await session.refresh_names()
        out(
            "\n".join(
                f"  @{name.split()[0].lower():<12} {name} ({uid})"
                for uid, name in sorted(session.names.items(), key=lambda x: x[1])
            )
        )
        return None
    if line.startswith("as "):
        uid = session.resolve_user(line[3:])
        if uid is None:
            out(f"  (nobody called {line[3:].strip()} in the directory; `who` lists people)")
        else:
            session.user_id = uid
            out(f"  You are now @{session.names.get(uid, uid)}.")
        return None
    if line == "jobs list":
        for text in timetable(session.deps.settings.timezone, session.deps.now()):
            out(f"  {text}")
        return None
    if line.startswith("jobs run "):
        return await _run_job(session, line.split()[2:])
    if line.isdigit() or line.startswith("press "):
        number = line.split()[-1]
        return await session.press(int(number)) if number.isdigit() else Outcome(["  (press N, with N a number)"])
    outcome = await session.command(line)
    if line.startswith("/nls lips") or line.startswith("/nls whois"):
        await session.refresh_names()
    return outcome


async def _run_job(session: ShellSession, words: list[str]) -> Outcome:
    specs = load_jobs()
    name, options = (words[0], words[1:]) if words else ("", [])
    if name not in specs:
        return Outcome([f"  (no job {name}; jobs: {', '.join(specs)})"])
    deps = session.deps
    try:
        at = _at_option(options, deps.settings.timezone) if options else None
    except ValueError:
        zone = deps.settings.nls_timezone
        return Outcome(
            [f"  (--at takes a date and time such as 2026-12-07T09:00, {zone} time unless it has an offset)"]
        )
    session.renderer.reset()
    env = JobEnv(deps, session.client, locale=await session.locale())
    clock = deps.clock
    if at is not None:  # as `nlsbot jobs run NAME --at` does: the whole run, sends included, happens then
        deps.clock = lambda: at
    try:
        summary = await specs[name].run(env, deps.now())
    finally:
        deps.clock = clock
    outcome = Outcome([f"  job {name}: {summary}"])
    await session._settle(outcome)
    return outcome


def _at_option(options: list[str], tz: ZoneInfo) -> datetime:
    """`--at T` or `--at=T`, read as the CLI reads it; ValueError for anything else."""
    if len(options) == 2 and options[0] == "--at":
        return run_moment(options[1], tz)
    if len(options) == 1 and options[0].startswith("--at="):
        return run_moment(options[0].removeprefix("--at="), tz)
    raise ValueError(f"not --at: {options}")


async def _show(session: ShellSession, outcome: Outcome, out: Callable[[str], None]) -> None:
    for text in outcome.lines:
        out(text)
    while session.modal is not None:
        if not fields_of(session.modal):  # a receipt or confirmation: nothing to fill in
            session.cancel_modal()
            return
        answers = await _fill(session)
        if answers is None:
            session.cancel_modal()
            out("  (modal closed)")
            return
        outcome = await session.submit(answers)
        for text in outcome.lines:
            out(text)


async def _fill(session: ShellSession) -> dict[str, str | None] | None:
    view = session.modal or {}
    errors = view.get("_errors") or {}
    print("  Fill in the form (type `cancel` to close it):")
    answers: dict[str, str | None] = dict(view.get("_answers") or {})
    for field in fields_of(view):
        if errors and field.block_id not in errors:
            continue
        if field.options:
            for index, option in enumerate(field.options, 1):
                print(f"      {index}. {option['text']['text']}")
        answer = await _read("    " + field.prompt(session.deps.settings.timezone))
        if answer is None or answer.strip() == "cancel":
            return None
        answers[field.block_id] = answer
    view["_answers"] = answers
    return answers
