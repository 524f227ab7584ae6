"""What the load benchmark sends: Slack-shaped, signed requests against a seeded database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.db import Database
from bot.demo import load_demo
from bot.deps import Deps
from bot.settings import Settings
from bot.shell import payloads

DEMO_USERS = [f"UDEMO{n:04d}" for n in range(1, 17)]


@dataclass(frozen=True)
class Scenario:
    name: str
    body: Callable[[int, str], str]  # (request number, response_url) -> signed-ready body


async def seed(database_url: str) -> dict[str, Any]:
    """Migrate and load the demo network (and whatever the feature scenarios need)."""
    db = Database(database_url)
    await db.upgrade()
    deps = Deps(settings=Settings(DATABASE_URL=database_url), db=db)
    await load_demo(deps)
    await db.dispose()
    return {}


def scenarios(context: dict[str, Any]) -> list[Scenario]:
    def user(i: int) -> str:
        return DEMO_USERS[i % len(DEMO_USERS)]

    return [
        Scenario("/nls help", lambda i, url: payloads.slash_command(user(i), "help", response_url=url)),
        Scenario(
            "/nls whois", lambda i, url: payloads.slash_command(user(i), f"whois <@{user(i + 1)}>", response_url=url)
        ),
    ]
