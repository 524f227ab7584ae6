"""What a listener knows about the request beyond Slack's payload: our dependencies, the actor
(the directory entry of the Slack user, or None for a stranger) and their translator.

`bot.app` middleware builds it once per request; listeners read it with `Ctx.of(context)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.deps import Deps
from bot.infra.i18n import Translator
from bot.services.members import Member


@dataclass(frozen=True)
class Ctx:
    deps: Deps
    user_id: str | None
    actor: Member | None
    t: Translator

    @classmethod
    def of(cls, context: Any) -> Ctx:
        return context["nls"]
