"""The payload corpus (tests/support/payloads/): every kind of request Slack can send this app, one
file each, with what the bot must do with it (`expect`: quiet, answered or refused; see
tests/transport/test_real_payloads.py), and each as the body Slack would send."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from bot.shell import payloads

CORPUS = Path(__file__).parent / "payloads"
FILES = sorted(CORPUS.glob("*/*.json"))
CASES = {f"{path.parent.name}/{path.stem}": json.loads(path.read_text()) for path in FILES}


def body_of(case: dict[str, Any], response_url: str) -> str:
    """The request body as Slack would send it: an event in its Events API wrapper (fresh event
    id), an interaction as the `payload` form field, any other body as it is."""
    if "event" in case:
        return payloads.event_callback(case["event"])
    if "payload" in case:
        return "payload=" + quote(json.dumps(case["payload"]).replace("$RESPONSE_URL", response_url))
    if "form" in case:
        return urlencode(case["form"])
    return json.dumps(case["json"])


def admitted_bodies(response_url: str) -> list[str]:
    """The body of every case the envelope check lets through (all but the `refused`)."""
    return [body_of(case, response_url) for case in CASES.values() if case["expect"] != "refused"]
