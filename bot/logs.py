"""Structured logs: one JSON object per line in production; quiet, readable lines in the shell.

slack_sdk and Bolt print request and response bodies at DEBUG (tokens aside, that includes what
people typed, anonymous feedback too), so their loggers never go below INFO whatever the level.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

CHATTY = ("slack_sdk", "slack_bolt", "aiohttp", "apscheduler", "sqlalchemy", "uvicorn", "asyncio", "alembic")


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
