"""How fast this process may call Slack: Slack's published rate limits, and what its 429s said.

Slack limits each Web API method per app and workspace, by tier (calls a minute, with bursts:
`bot.slack.localslack.reference.TIER_PER_MINUTE`), except its "Special" methods. The one that
matters here is chat.postMessage: about one message a second *per channel* (short bursts allowed),
under a workspace-wide allowance of its own ("several hundred messages per minute", generous
bursts). Each DM is its own channel, so a reminder to 200 people is limited by the workspace
allowance only, and one person's Retry-After says nothing about anyone else's conversation.

So a 429 holds what it names, for its Retry-After: chat.postMessage's the one channel (everyone
else's messages keep going), a tiered method's the method (its tier is per method). The workspace
allowance for chat.postMessage is `NLS_SEND_RATE` a second counted over a minute, so a minute's
worth (300 at the default 5) may go at once and the average stays under Slack's cap. The buckets
are aiolimiter's leaky buckets, one set per event loop (aiolimiter's are bound to one).
"""

from __future__ import annotations

import asyncio
import weakref

from aiolimiter import AsyncLimiter

from bot.slack.localslack.reference import MethodSpec

POST = "chat.postMessage"
PER_CHANNEL = frozenset({POST})  # Special-tier methods Slack limits per channel
CHANNEL_INTERVAL = 1.0  # seconds: chat.postMessage's "one message per second per channel"
CHANNEL_BURST = 3  # Slack allows short bursts in a channel; a person's three reminders go at once
WINDOW = 60.0  # Slack counts its allowances per minute
_PRUNE_AT = 1024  # idle channels' buckets are forgotten past this many (a fresh one is the same)


def _per_minute(spec: MethodSpec) -> dict[str, int]:
    return {name: method.per_minute for name, method in spec.methods.items() if method.per_minute}


class SlackLimits:
    """Slack's limits for one workspace as this process keeps them, and the holds its 429s set.

    `wait(method, channel)` returns when a call may go; `rate_limited(method, channel, seconds)`
    records a Retry-After. Callers send one channel's messages one after another, so a channel's
    bucket is never contended and its order is the caller's.
    """

    def __init__(
        self,
        send_rate: float,
        *,
        channel_interval: float = CHANNEL_INTERVAL,
        channel_burst: int = CHANNEL_BURST,
        ahead: int | None = None,
    ) -> None:
        self.send_rate = send_rate
        self._ahead = ahead
        self.channel_interval, self.channel_burst = channel_interval, channel_burst
        self._per_minute = _per_minute(MethodSpec.load())
        self._methods: dict[str, AsyncLimiter | None] = {}
        self._channels: dict[str, AsyncLimiter] = {}
        self._held: dict[tuple[str, str | None], float] = {}  # (method, channel or None) -> until

    @property
    def ahead(self) -> int:
        """How many messages a sender may claim before sending them: about a minute's worth at
        most, so none waits long enough to look abandoned (`outbox.IN_DOUBT_AFTER`)."""
        return self._ahead or max(1, min(500, int(self.send_rate * WINDOW)))

    async def wait(self, method: str, channel: str | None = None) -> None:
        """Return once a call of `method` (to `channel`) is within Slack's rates and past every
        Retry-After that concerns it."""
        keys: list[tuple[str, str | None]] = [(method, None)]
        if method in PER_CHANNEL and channel is not None:
            keys.append((method, channel))
            await self._channel(channel).acquire()
        limiter = self._method(method)
        if limiter is not None:
            await limiter.acquire()
        while True:  # a hold set or lengthened meanwhile is seen on waking
            delay = max(self._left(key) for key in keys)
            if delay <= 0:
                return
            await asyncio.sleep(delay)

    def rate_limited(self, method: str, channel: str | None, retry_after: float) -> None:
        """Slack answered 429: hold the channel (chat.postMessage) or the method for `retry_after`."""
        key = (method, channel if method in PER_CHANNEL else None)
        now = asyncio.get_running_loop().time()
        if len(self._held) >= _PRUNE_AT:
            self._held = {k: until for k, until in self._held.items() if until > now}
        self._held[key] = max(self._held.get(key, 0.0), now + retry_after)

    def held_for(self, method: str, channel: str | None = None) -> float:
        """Seconds left of a hold on `method` (for `channel`), 0 when none."""
        return self._left((method, channel if method in PER_CHANNEL else None))

    def _left(self, key: tuple[str, str | None]) -> float:
        return max(0.0, self._held.get(key, 0.0) - asyncio.get_running_loop().time())

    def _channel(self, channel: str) -> AsyncLimiter:
        limiter = self._channels.get(channel)
        if limiter is None:
            if len(self._channels) >= _PRUNE_AT:
                self._channels = {c: b for c, b in self._channels.items() if not b.has_capacity(b.max_rate)}
            burst = self.channel_burst
            limiter = self._channels[channel] = AsyncLimiter(burst, burst * self.channel_interval)
        return limiter

    def per_minute(self, method: str) -> float | None:
        """The allowance a minute kept for `method` (None: Slack gives it no number)."""
        return self.send_rate * WINDOW if method == POST else self._per_minute.get(method)

    def _method(self, method: str) -> AsyncLimiter | None:
        if method not in self._methods:
            allowance = self.per_minute(method)
            if not allowance:
                self._methods[method] = None
            else:
                burst = max(1.0, allowance)  # a minute's worth at once, or one call when that is less
                self._methods[method] = AsyncLimiter(burst, burst * WINDOW / allowance)
        return self._methods[method]


_SHARED: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[float, SlackLimits]] = weakref.WeakKeyDictionary()


def shared_limits(send_rate: float) -> SlackLimits:
    """One set per process (its event loop) and rate: every job's and listener's sends together
    stay under Slack's limits, not each of them separately."""
    per_loop = _SHARED.setdefault(asyncio.get_running_loop(), {})
    return per_loop.setdefault(send_rate, SlackLimits(send_rate))
