"""The README's "A quick tour (in the shell)", line by line, in the real shell on a fresh demo
network, on clocks set to several days and hours: every line does something visible and none
meets a dead end (a refusal, an unknown command, a raw i18n key, a traceback).

The lines are read from README.md, so a changed tour line is the line tested."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.infra.i18n import LOCALES, catalog
from bot.shell import handle, start_session
from tests.support.i18n_code import scan

README = Path(__file__).resolve().parents[2] / "README.md"
TORONTO = ZoneInfo("America/Toronto")  # the default NLS_TIMEZONE
SHELL_DEAD_ENDS = ("(type `help`", "(no job", "(no button", "(nobody called", "(press N", "(--at takes", "Traceback")
PATIENCE = 30  # seconds for a slow answer to begin: waited only when the shell showed nothing
KEY_SHAPED = re.compile(r"[a-z][a-z0-9_]*(?:\.[A-Za-z0-9_-]+)+")
SUGGESTED_AT = re.compile(r"--at (\d{4}-\d\d-\d\dT\d\d:\d\d)")


def tour() -> tuple[str, list[str]]:
    """The prompt's name and each command of the tour block, in order (`a  ·  b` is two)."""
    block = README.read_text(encoding="utf-8").split("## A quick tour", 1)[1].split("```", 2)[1]
    prompts, commands = set(), []
    for line in block.splitlines():
        match = re.match(r"(\w+)> (.*)", line)
        if match:
            prompts.add(match.group(1))
            typed = re.split(r"\s{3,}", match.group(2).strip(), maxsplit=1)[0]
            commands += [part.strip() for part in typed.split("  ·  ")]
    [prompt] = prompts
    return prompt, commands


def _squeeze(text: str) -> str:
    return "".join(text.split())  # the shell wraps long lines wherever a space falls


@dataclass(frozen=True)
class Refusal:
    """A refusal's message as a pattern of its shown text: placeholders (and the mentions and
    links made of them) match anything. `clue`, its longest fixed part, rules most text out fast."""

    clue: str
    pattern: re.Pattern[str]

    @classmethod
    def of(cls, template: str) -> Refusal | None:
        template = re.sub(r"<[^<>]*\{[^}]*\}[^<>]*>", "{shown}", template)
        parts = [(_squeeze(text), name) for text, name, _, _ in string.Formatter().parse(template)]
        pattern = "".join(re.escape(text) + (".{1,300}?" if name is not None else "") for text, name in parts)
        clue = max((text for text, _ in parts), key=len)
        return cls(clue, re.compile(pattern)) if len(clue) >= 12 else None  # not one that is all placeholders

    def seen_in(self, squeezed: str) -> bool:
        return self.clue in squeezed and self.pattern.search(squeezed) is not None


@pytest.fixture(scope="module")
def dead_ends() -> tuple[list[Refusal], set[str]]:
    """Every refusal the code can raise, in both languages, and every catalog key (shown raw)."""
    keys = {key for locale in LOCALES for key in catalog(locale)}
    refusals = []
    for key in scan(namespaces={key.split(".")[0] for key in keys}).raised:
        for locale in LOCALES:
            message = catalog(locale).get(key)
            forms = message.values() if isinstance(message, dict) else [message] if message else []
            refusals += [r for r in map(Refusal.of, forms) if r is not None]
    return refusals, keys


def _check(command: str, shown: list[str], dead_ends) -> str:
    refusals, keys = dead_ends
    text = "\n".join(shown)
    assert text.strip(), f"{command!r} showed nothing"
    squeezed = _squeeze(text)
    assert not [m for m in SHELL_DEAD_ENDS if m in text], f"{command!r} is a dead end:\n{text}"
    assert not [r.pattern.pattern for r in refusals if r.seen_in(squeezed)], f"{command!r} was refused:\n{text}"
    assert not set(KEY_SHAPED.findall(text)) & keys, f"{command!r} showed a raw key:\n{text}"
    return text


async def _type(session, command: str) -> list[str]:
    shown: list[str] = []
    outcome = await handle(session, command, shown.append)
    shown += outcome.lines if outcome else []
    if not shown:  # the answer may come later than the shell waits for it on a busy machine
        shown += (await session.more(PATIENCE)).lines
    session.cancel_modal()  # a modal opened: seen; the tour's next line does not fill it in
    return shown


@pytest.mark.parametrize(
    "local_time",
    [
        datetime(2026, 12, 7, 9, 30),  # a Monday, at the leads' digest time
        datetime(2026, 3, 12, 15, 0),  # a Thursday afternoon, days after the clocks went forward
        datetime(2026, 11, 1, 23, 30),  # a Sunday night, the day the clocks went back (Monday in UTC)
        datetime(2026, 6, 6, 6, 45),  # a Saturday, early: before anyone's waking hours
    ],
    ids=["monday-0930", "thursday-1500", "sunday-2330", "saturday-0645"],
)
async def test_the_readme_tour_works_on_any_day(deps, clock, dead_ends, local_time):
    clock.set(local_time.replace(tzinfo=TORONTO))
    prompt, commands = tour()
    assert {"home", "jobs list", "jobs run lead-digest"} <= set(commands)
    assert [c for c in commands if c.startswith("/nls vote ")], "the tour votes"
    printed: list[str] = []
    session = await start_session(deps, out=printed.append)
    try:
        assert "loaded the demo network" in "\n".join(printed)
        assert session.names[session.user_id].split()[0].lower() == prompt, "the tour's prompt is who you are"
        for command in commands:
            text = _check(command, await _type(session, command), dead_ends)
            if command.startswith("jobs run lead-digest"):
                await _digest_was_sent_or_explained(session, command, text, dead_ends)
    finally:
        await session.stop()


async def _digest_was_sent_or_explained(session, command: str, text: str, dead_ends) -> None:
    """The digest went out now, or the answer says why not and which `--at` would send one,
    and typing that sends one."""
    if "posted to DM to @" in text:
        return
    [at] = SUGGESTED_AT.findall(text)
    again = f"{command} --at {at}"
    sent = _check(again, await _type(session, again), dead_ends)
    assert "posted to DM to @" in sent, f"{again!r} sent nothing:\n{sent}"
