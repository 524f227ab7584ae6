"""The Slack reference the repository carries (`bot/data/slack_methods.json`, the manifest schema
under `tests/support/slack/`): current with Slack's full reference when a copy is at hand, written
in the form the stand-in reads, and covering every Web API method our code calls."""

from __future__ import annotations

import importlib.util
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.localslack.reference import REFERENCE, MethodSpec
from bot.slack.localslack.server import LocalSlack

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "slack_reference.py"
CALL = re.compile(r"\bclient\.([A-Za-z_]\w*)\(")
API_CALL = re.compile(r"api_call\(\s*\"([\w.]+)\"")
NOT_WEB_API = {"send_dict"}  # AsyncWebhookClient (a response_url), in bot.slack.http_session


def _script():
    spec = importlib.util.spec_from_file_location("slack_reference", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


slack_reference = _script()


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60)


def _full_copy(root: Path) -> Path:
    """A small full copy in Slack's own shapes: arguments with the token, errors as a mapping."""
    methods = root / "methods"
    methods.mkdir(parents=True)
    doc = {
        "rate_limits": "t3",
        "args": {"required": ["token", "ts", "channel"], "properties": {}},
        "errors": {"message_not_found": "No message exists.", "cant_update_message": "Not yours."},
    }
    (methods / "chat.update.json").write_text(json.dumps(doc))
    (methods / "auth.test.json").write_text(json.dumps({"rate_limits": "t5", "args": {"required": ["token"]}}))
    (methods / "_common-errors.json").write_text(json.dumps({"errors": {"not_authed": "…", "invalid_auth": "…"}}))
    (root / "app-manifest.schema.json").write_text('{"type": "object"}\n')
    return root


@pytest.mark.skipif(
    not slack_reference.DEFAULT_SOURCE.is_dir(), reason="no full copy of Slack's reference beside the repository"
)
def test_the_committed_reference_is_what_the_script_derives_from_the_full_copy():
    """Freshness only: correctness does not depend on the copy, which is why this alone may skip."""
    stale = slack_reference.stale(slack_reference.build(slack_reference.DEFAULT_SOURCE))
    assert [str(p.relative_to(ROOT)) for p in stale] == [], "run: python scripts/slack_reference.py"


def test_the_script_keeps_required_arguments_errors_and_tier_in_the_form_the_stand_in_reads(tmp_path):
    source = _full_copy(tmp_path / "full")
    outputs = slack_reference.build(source)
    assert set(outputs) == {REFERENCE, slack_reference.MANIFEST_SCHEMA}
    assert outputs[slack_reference.MANIFEST_SCHEMA] == '{"type": "object"}\n'
    written = tmp_path / "slack_methods.json"
    written.write_text(outputs[REFERENCE])
    spec = MethodSpec.load(written)
    assert spec.methods["chat.update"].required == ("channel", "ts")  # the token is checked apart
    assert spec.methods["chat.update"].errors == {"message_not_found", "cant_update_message"}
    assert spec.methods["chat.update"].rate_tier == "t3"
    assert spec.methods["auth.test"].required == ()
    assert spec.common_errors == {"not_authed", "invalid_auth"}
    assert slack_reference.build(source) == outputs  # deterministic: a re-run makes no diff


def test_check_names_what_is_out_of_date_and_writes_nothing(tmp_path):
    before = {path: path.read_bytes() for path in (REFERENCE, slack_reference.MANIFEST_SCHEMA)}
    answer = _run(str(_full_copy(tmp_path / "full")), "--check")
    assert answer.returncode == 1
    assert "bot/data/slack_methods.json" in answer.stderr and "app-manifest.schema.json" in answer.stderr
    assert {path: path.read_bytes() for path in before} == before


def test_a_missing_full_copy_is_one_line_naming_it_and_a_non_zero_exit(tmp_path):
    answer = _run(str(tmp_path / "nowhere"))
    assert answer.returncode == 2
    assert answer.stderr.splitlines() == [
        f"slack_reference: no Slack reference at {tmp_path / 'nowhere'}: "
        "pass the path of a full copy (methods/, app-manifest.schema.json)"
    ]


def _methods_our_code_calls() -> set[str]:
    """Every `client.<method>(` in the bot, mapped to the Web API method slack_sdk calls for it."""
    called = set()
    for folder in ("bot", "handlers", "jobs"):
        for path in (ROOT / folder).rglob("*.py"):
            for name in CALL.findall(path.read_text()):
                if name in NOT_WEB_API:
                    continue
                assert hasattr(AsyncWebClient, name), f"{path.relative_to(ROOT)}: client.{name} is no Web API method"
                called.update(API_CALL.findall(inspect.getsource(getattr(AsyncWebClient, name))))
    return called


def test_every_method_our_code_calls_is_in_the_reference_and_taught_to_the_stand_in():
    """In the reference: the stand-in checks its required arguments. Taught: it answers with
    Slack's shape for that method (what the code reads back), not a bare `{"ok": true}`."""
    called = _methods_our_code_calls()
    assert {"chat.postMessage", "views.open", "users.info"} <= called, "the scan of client calls is broken"
    spec = MethodSpec.load()
    assert sorted(called - set(spec.methods)) == []
    assert sorted(m for m in called if not hasattr(LocalSlack, "_m_" + m.replace(".", "_"))) == []
