"""Slack's rate limits, as the stand-in enforces them when asked (`LocalSlack(rate_limits=True)`),
so that a benchmark or a test sees whether a sender keeps within them.

Each method with a tier in the committed reference gets its allowance a minute (Slack's "Tier 1:
1+ per minute" … "Tier 4: 100+ per minute", bursts of up to a minute's worth); chat.postMessage,
a "Special" method, gets about one message a second per channel with a short burst, and a
workspace-wide allowance a minute only when one is given (Slack publishes no exact number). A
call over a limit is answered as Slack answers it: HTTP 429, `{"ok": false, "error":
"ratelimited"}` and Retry-After in whole seconds until the call would fit.
"""

from __future__ import annotations

import math
import time
from typing import Any

from bot.slack.localslack.reference import MethodSpec

CHANNEL_BURST = 4  # messages a channel takes at once before its one a second applies


class Bucket:
    """A leaky bucket: holds `capacity` calls and drains `per_second`."""

    def __init__(self, capacity: float, per_second: float) -> None:
        self.capacity, self.per_second = capacity, per_second
        self.level, self.at = 0.0, 0.0

    def wait(self, now: float) -> float:
        """Seconds until one more call fits (0: it fits now)."""
        self.level = max(0.0, self.level - (now - self.at) * self.per_second)
        self.at = now
        return max(0.0, (self.level + 1 - self.capacity) / self.per_second)


class RateLimits:
    """Per method per workspace, and chat.postMessage per channel; one instance is one workspace."""

    def __init__(self, spec: MethodSpec, *, posts_per_minute: int | None = None) -> None:
        self.spec = spec
        self.posts_per_minute = posts_per_minute
        self._buckets: dict[tuple[str, str], Bucket] = {}

    def check(self, method: str, args: dict[str, Any], now: float | None = None) -> int | None:
        """None if the call fits (and it is counted), else the Retry-After to answer with."""
        now = time.monotonic() if now is None else now
        buckets = self._buckets_for(method, args)
        wait = max((bucket.wait(now) for bucket in buckets), default=0.0)
        if wait > 0:
            return max(1, math.ceil(wait))  # a refused call is not counted
        for bucket in buckets:
            bucket.level += 1
        return None

    def _buckets_for(self, method: str, args: dict[str, Any]) -> list[Bucket]:
        wanted: list[tuple[tuple[str, str], float, float]] = []
        if method == "chat.postMessage":
            wanted.append(((method, str(args.get("channel", ""))), CHANNEL_BURST, 1.0))
            if self.posts_per_minute:
                wanted.append(((method, ""), self.posts_per_minute, self.posts_per_minute / 60))
        else:
            known = self.spec.methods.get(method)
            per_minute = known.per_minute if known else None
            if per_minute:
                wanted.append(((method, ""), per_minute, per_minute / 60))
        return [self._bucket(key, capacity, rate) for key, capacity, rate in wanted]

    def _bucket(self, key: tuple[str, str], capacity: float, per_second: float) -> Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = Bucket(capacity, per_second)
        return bucket
