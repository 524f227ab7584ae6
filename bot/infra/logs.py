"""Structured logs: one JSON object per line in production; quiet, readable lines in the shell.

slack_sdk and Bolt print request and response bodies at DEBUG (tokens aside, that includes what
people typed, anonymous feedback too), and the database drivers print every statement with its
parameters (a receipt beside its sealed ballot, a closing poll's choices), so their loggers never
go below INFO whatever the level.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

CHATTY = (
    "slack_sdk", "slack_bolt", "aiohttp", "apscheduler", "sqlalchemy", "uvicorn", "asyncio", "alembic",
    "aiosqlite", "asyncpg", "psycopg",
)  # fmt: skip


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO", *, interactive: bool = False) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    if interactive:
        handler.setFormatter(logging.Formatter("  (log) %(levelname)s %(name)s: %(message)s"))
        root.setLevel(logging.WARNING)
    else:
        handler.setFormatter(JsonFormatter())
        root.setLevel(level)
    root.addHandler(handler)
    floor = max(logging.getLevelName(level), logging.INFO)
    for name in CHATTY:
        logging.getLogger(name).setLevel(max(floor, logging.WARNING if name != "slack_bolt" else logging.INFO))


# --- one line per request --------------------------------------------------------------------

_request: ContextVar[dict[str, Any] | None] = ContextVar("nls_request", default=None)
request_log = logging.getLogger("nlsbot.request")


def note_request(kind: str | None = None, *, outcome: str | None = None) -> None:
    """Let the listener side add what it knows (request kind, outcome) to this request's log line.
    Only kinds and ids are ever noted: never text, values, or who submitted anonymously."""
    current = _request.get()
    if current is None:
        return
    if kind:
        current["kind"] = kind
    if outcome:
        current["outcome"] = outcome


class RequestLog:
    """ASGI middleware: one JSON line per HTTP request with its latency to the first response
    byte (Slack's acknowledgement) and its outcome."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        fields: dict[str, Any] = {"method": scope["method"], "path": scope["path"]}
        token = _request.set(fields)
        started = time.perf_counter()

        async def timed_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                fields["status"] = message["status"]
                fields["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        finally:
            fields.setdefault("outcome", "ok" if fields.get("status", 500) < 400 else "rejected")
            if scope["path"] not in ("/healthz", "/readyz"):
                request_log.info("request", extra={"fields": fields})
            _request.reset(token)
