"""Mutated envelopes for every kind of request the bot listens to, and random command texts,
signed and sent over HTTP as Slack would: no 5xx, no dropped connection, no traceback in the log,
and the process still answers afterwards. Examples are drawn by hypothesis (derandomized, so a
failure replays the same way), then sent in order; 2,000 a run."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qs, quote

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.blocks import ids
from bot.shell import payloads
from tests.support.directory import ADMIN, REP_TORONTO, load_directory
from tests.support.slackbot import text_of

EXAMPLES = 2000
JSON_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(allow_nan=False),
    st.text(max_size=30), st.just("99999999999999999999:0"), st.just("12:3"),
)  # fmt: skip
JSON = st.recursive(
    JSON_LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _bases(response_url: str) -> list[str]:
    """One real body per kind of request a listener waits for."""
    view = {"id": "VFUZZ", "type": "modal", "callback_id": ids.FEEDBACK_FORM, "hash": "1.a", "private_metadata": "",
            "blocks": [{"type": "input", "block_id": ids.FEEDBACK_TEXT}]}  # fmt: skip
    return [
        payloads.slash_command(ADMIN, "help", response_url=response_url),
        payloads.slash_command(REP_TORONTO, "vote 1 2", response_url=response_url),
        payloads.block_actions(
            REP_TORONTO,
            {"action_id": ids.POLL_QUICK_VOTE, "value": "1:0"},
            block_id="b",
            response_url=response_url,
            channel_id="CGENERAL",
            message_ts="1.0",
        ),
        payloads.block_actions(ADMIN, {"action_id": ids.FEEDBACK_OPEN}, block_id="b", view=view),
        payloads.view_submission(
            REP_TORONTO, view, {ids.FEEDBACK_TEXT: {"v": {"type": "plain_text_input", "value": "x"}}}
        ),
        payloads.shortcut(ADMIN, ids.SHORTCUT_SHARE_FEEDBACK),
        payloads.app_home_opened(ADMIN),
        payloads.app_mention(ADMIN, "<@UBOT> find housing"),
        payloads.direct_message(ADMIN, "help"),
    ]


def _decode(body: str) -> tuple[str, Any]:
    if body.startswith("{"):
        return "json", json.loads(body)
    form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
    if "payload" in form:
        return "payload", json.loads(form["payload"])
    return "form", form


def _encode(kind: str, data: Any) -> str:
    if kind == "json":
        return json.dumps(data)
    if kind == "payload":
        return "payload=" + quote(json.dumps(data))
    return "&".join(f"{quote(str(k))}={quote(str(v))}" for k, v in (data.items() if isinstance(data, dict) else []))


@st.composite
def mutated(draw: st.DrawFn, bases: list[str]) -> str:
    kind, data = _decode(draw(st.sampled_from(bases)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        data = _mutate(draw, data)
    return _encode(kind, data)


def _mutate(draw: st.DrawFn, node: Any) -> Any:
    """Replace, drop or retype one value somewhere in the tree."""
    if isinstance(node, dict) and node and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(node, key=str)))
        what = draw(st.sampled_from(["recurse", "replace", "drop"]))
        if what == "drop":
            return {k: v for k, v in node.items() if k != key}
        return {**node, key: _mutate(draw, node[key]) if what == "recurse" else draw(JSON)}
    if isinstance(node, list) and node and draw(st.booleans()):
        i = draw(st.integers(min_value=0, max_value=len(node) - 1))
        return [*node[:i], _mutate(draw, node[i]), *node[i + 1 :]]
    return draw(JSON)


def _examples(bases: list[str]) -> list[str]:
    drawn: list[str] = []

    @settings(max_examples=EXAMPLES, database=None, derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(st.one_of(mutated(bases), st.text(max_size=200).map(lambda t: f"/nls {t}")))
    def collect(example: str) -> None:
        drawn.append(example)

    collect()
    return drawn


async def test_mutated_envelopes_and_random_commands_never_break_the_bot(bot, deps, caplog):
    caplog.set_level(logging.WARNING)
    await load_directory(deps)
    examples = _examples(_bases(bot.slack.response_url()))
    assert len(examples) >= EXAMPLES
    for example in examples:
        if example.startswith("/nls "):
            body = payloads.slash_command(REP_TORONTO, example[5:], response_url=bot.slack.response_url())
        else:
            body = example
        try:
            response = await bot.post(body)
        except httpx.TransportError as exc:  # a dropped connection
            raise AssertionError(f"connection dropped on {body[:300]!r}") from exc
        assert response.status_code < 500, (response.status_code, body[:300])
    broken = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not broken, [f"{r.name}: {r.getMessage()}" for r in broken[:5]]
    assert (await bot.http.get("/healthz")).status_code == 200
    assert "/nls" in text_of(await bot.answer(ADMIN, "help"))
