"""Every kind of request Slack can send this app, from the corpus in tests/support/payloads/, sent
signed through the real app over HTTP: no 5xx, no dropped connection, no ERROR and no traceback in
the log, and the events the bot has no use for acknowledged with an empty 200 and not a word.

The corpus was written for these tests from Slack's documentation of each event and interaction
type (each file names its page), plus the shapes that crashed the bot before (issue #25): an
`interactive_message` without `actions`, a `workflow_step_edit` without `workflow_step`, a
`view_submission` of a `workflow_step` view, an `app_mention` without `ts` or `channel`.

Each file says what the bot must do with it (`expect`):
- `quiet`: an empty 200, nothing logged at WARNING or above;
- `answered`: a 2xx (what else happens is the business of the feature's own tests);
- `refused`: a 400 from the envelope check (bot.transport.envelope), one WARNING line and no traceback.

The database is SQLite only: the corpus tests request shapes, and each feature's own tests run on
both backends; both would double the suite's ~25 s for no new failure mode.

Listeners go on after the acknowledgement, so the log is read once the server has stopped, which
waits for them (bot.runtime.drain_in_flight): a traceback in follow-up work is caught too.
"""

from __future__ import annotations

import logging

import pytest

from bot.deps import Deps
from bot.slack.localslack.server import LocalSlack
from tests.support.corpus import CASES, FILES, body_of
from tests.support.serving import serving

STATUS = {"quiet": {200}, "answered": set(range(200, 300)), "refused": {400}}


def test_the_corpus_covers_every_kind_of_request():
    """The event and interaction types Slack can send this app, those it ignores included."""
    kinds = {path.stem.split(".")[0] for path in FILES}
    events = {case["event"]["type"] for name, case in CASES.items() if name.startswith("events/")}
    assert {"block_actions", "view_submission", "view_closed", "shortcut", "message_action", "block_suggestion",
            "interactive_message", "workflow_step_edit", "dialog_submission", "dialog_cancellation",
            "dialog_suggestion", "url_verification", "app_rate_limited", "ssl_check"} <= kinds  # fmt: skip
    assert {"app_home_opened", "app_mention", "message", "app_uninstalled", "tokens_revoked", "user_change",
            "user_profile_changed", "team_join", "member_joined_channel", "member_left_channel"} <= events  # fmt: skip
    assert {case["expect"] for case in CASES.values()} == set(STATUS)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # shapes, not SQL: one backend (~25 s)
@pytest.mark.parametrize("name", sorted(CASES))
async def test_each_real_payload_is_answered_without_a_trace(
    name: str, deps: Deps, slack: LocalSlack, caplog: pytest.LogCaptureFixture
):
    case = CASES[name]
    caplog.set_level(logging.DEBUG)
    async with serving(deps, slack) as bot:
        response = await bot.post(body_of(case, slack.response_url()))  # a dropped connection raises here
    assert response.status_code in STATUS[case["expect"]], (response.status_code, response.text)
    traced = [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.exc_info or r.exc_text]
    assert traced == []
    loud = [f"{r.levelname} {r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]
    assert loud == []
    if case["expect"] == "quiet":
        assert response.content == b""
        warned = [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.WARNING]
        assert warned == []
