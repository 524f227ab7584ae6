"""`nlsbot demo`: clearly labelled sample data, so a newcomer sees a living network at once.

Every organisation name starts with [DEMO]. Each feature adds a module here with
`async def load(session, today, deps) -> str`; modules run in name order (`d10_members` first) inside
one transaction, and loading twice changes nothing.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

from bot.deps import Deps

DEMO_MARK = "[DEMO]"


async def load_demo(deps: Deps) -> str:
    package = sys.modules[__name__]
    today = deps.now().astimezone(deps.settings.timezone).date()
    summaries = []
    async with deps.db.transaction() as session:
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
            module = importlib.import_module(f"{__name__}.{info.name}")
            summaries.append(await module.load(session, today, deps))
    return "Demo data: " + "; ".join(summaries)
