"""What the stand-in knows of Slack's Web API: each method's required arguments, documented error
codes and rate tier, read from a compact table committed in the package (`bot/data/slack_methods.json`).

The table is derived from Slack's full per-method reference by `scripts/slack_reference.py` and
committed, because the stand-in serves the shell (`make run`) and the tests, and both must work from
a bare clone: nothing outside the repository is read at run time or test time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "slack_methods.json"

# Slack's published allowance per method and workspace for each tier, in calls a minute
# ("Tier 1: 1+ per minute" … "Tier 4: 100+ per minute"; docs.slack.dev/apis/web-api/rate-limits).
# The fifth code, "t5", is Slack's "Special" tier: limits of the method's own (chat.postMessage's
# are per channel, see bot.slack.pacing), so it has no number here.
TIER_PER_MINUTE = {"t1": 1, "t2": 20, "t3": 50, "t4": 100}


@dataclass(frozen=True)
class Method:
    """One Web API method as Slack documents it; `required` leaves out the token, checked apart."""

    required: tuple[str, ...]
    errors: frozenset[str]
    rate_tier: str | None

    @property
    def per_minute(self) -> int | None:
        """Calls a minute Slack allows this method per workspace, when its tier says one."""
        return TIER_PER_MINUTE.get(self.rate_tier or "")


@dataclass(frozen=True)
class MethodSpec:
    """Which methods exist (any other is `unknown_method`) and what Slack says of each."""

    methods: Mapping[str, Method]
    common_errors: frozenset[str]

    @classmethod
    def load(cls, path: Path = REFERENCE) -> MethodSpec:
        """The committed table (read once per process: every test starts a stand-in)."""
        return _load(path)


@cache
def _load(path: Path) -> MethodSpec:
    table = json.loads(path.read_text())
    methods = {
        name: Method(tuple(doc["required"]), frozenset(doc["errors"]), doc["rate_tier"])
        for name, doc in table["methods"].items()
    }
    return MethodSpec(methods, frozenset(table["common_errors"]))
