"""Every key the code names is in both catalogs, found by reading the code (tests/support/i18n_code)
rather than by comparing the catalogs with each other: a key missing from English and French alike
would otherwise reach a person as `cli.file_not_found`."""

from __future__ import annotations

import itertools
import logging

import pytest

from bot.blocks.resources import FIELD_BLOCKS
from bot.infra.i18n import LOCALES, Translator, catalog
from bot.services import consultations, counting
from bot.services.members import REGIONS
from bot.services.polls import YES_NO_OPTIONS
from models.feedback import Audience, ConsultationStatus, Topic, Urgency, Voice
from models.nominations import ElectionMethod, NominationStatus, RoundOutcome, RoundStatus
from models.plans import ItemStatus
from models.polls import Electorate, PollKind, ResultsShown
from tests.support.i18n_code import scan


def _values(*enums_or_values: object) -> tuple[str, ...]:
    out: list[str] = []
    for each in enums_or_values:
        out += [str(getattr(v, "value", v)) for v in each] if not isinstance(each, str) else [each]  # type: ignore[attr-defined]
    return tuple(out)


IN_PROGRESS = (RoundStatus.OPEN, RoundStatus.VOTING, RoundStatus.ACCLAMATION)
CONSULT_OCCASIONS = ("invite", "closed", *(occasion for _, _, occasion in consultations.ROUNDS))

# What each f-string key's placeholder can be, where the code alone cannot say (`{}` stands for it).
# A new f-string key fails the test below until it is listed here with its values.
DYNAMIC: dict[str, tuple[str, ...]] = {
    "consult.audience.{}": _values(Audience),
    "consult.notice.{}": CONSULT_OCCASIONS,
    "consult.notice.{}_text": CONSULT_OCCASIONS,
    "consult.scale.{}": consultations.SCALE,
    "consult.status.{}": _values(ConsultationStatus),
    "feedback.topic.{}": _values(Topic),
    "feedback.topic_count.{}": _values(Topic),
    "feedback.urgency.{}": _values(Urgency),
    "feedback.voice.{}": _values(Voice),
    "feedback.voice_hint.{}": _values(Voice),
    "nominations.answered.{}": _values(
        (NominationStatus.ACCEPTED, NominationStatus.DECLINED, NominationStatus.WITHDRAWN)
    ),
    "nominations.digest.round_{}": _values(IN_PROGRESS),
    "nominations.error.was_{}": _values(set(NominationStatus) - {NominationStatus.PENDING, NominationStatus.ACCEPTED}),
    "nominations.home.round_{}": _values(IN_PROGRESS),
    "nominations.method.{}": _values(ElectionMethod),
    "nominations.method_hint.{}": _values(ElectionMethod),
    "nominations.result.{}": _values(RoundOutcome),
    "nominations.seated.{}": _values((RoundOutcome.ELECTED, RoundOutcome.ACCLAIMED)),
    # a finished round (done, failed) always has an outcome, which is shown instead of its status
    "nominations.state.{}": _values(RoundOutcome, IN_PROGRESS),
    "nominations.status.{}": _values(NominationStatus),
    # bot.blocks.nominations._RENDERERS: answers, the close (`closed_<status after it>`), a failure,
    # the term warnings (bot.services.terms)
    "nominations.told.{}": _values(
        (NominationStatus.ACCEPTED, NominationStatus.DECLINED, NominationStatus.WITHDRAWN, NominationStatus.INELIGIBLE),
        (f"closed_{s.value}" for s in (RoundStatus.VOTING, RoundStatus.ACCLAMATION, RoundStatus.FAILED)),
        ("failed", "term_holder", "term_committee"),
    ),
    "plans.status.{}": _values(ItemStatus),
    "polls.electorate.{}": _values(Electorate),
    "polls.electorate_hint.{}": _values(Electorate),
    "polls.kind.{}": _values(PollKind),
    "polls.outcome.{}": ("carried", "defeated", "tied"),  # a yes/no count's (bot.services.counting)
    "polls.results_shown.{}": _values(ResultsShown),
    "polls.round.tie_{}": (counting.EARLIER_ROUNDS, counting.LOT),
    "polls.unit.{}": _values(Electorate),
    "polls.vote.{}": ("recorded", "changed", "unchanged"),  # bot.services.polls.VoteRecorded.status
    "polls.yes_no.{}": YES_NO_OPTIONS,
    "regions.{}": REGIONS,
    "resources.form.label_{}": tuple(FIELD_BLOCKS),
    "resources.form.{}": ("hint_url", "hint_tags", "hint_owner"),
}


@pytest.fixture(scope="module")
def uses():
    return scan(namespaces={key.split(".")[0] for locale in LOCALES for key in catalog(locale)})


def _missing(keys: dict[str, list[str]]) -> dict[str, str]:
    """Each key absent from a catalog: the catalogs it is missing from and where the code names it."""
    out = {}
    for key, places in sorted(keys.items()):
        absent = [locale for locale in LOCALES if key not in catalog(locale)]
        if absent:
            out[key] = f"missing in {'+'.join(absent)}, used at {', '.join(places[:3])}"
    return out


def test_every_literal_key_in_the_code_is_in_both_catalogs(uses):
    assert _missing({key: [str(p) for p in places] for key, places in uses.literals.items()}) == {}


def test_every_f_string_key_expands_to_keys_in_both_catalogs(uses):
    unlisted = sorted(
        {f"{p.template} at {p.place}" for p in uses.patterns if p.unresolved and p.template not in DYNAMIC}
    )
    assert unlisted == [], "list what the placeholder can be in DYNAMIC"
    assert [f"{p.template} at {p.place}" for p in uses.patterns if p.unresolved > 1] == [], "one unknown per key"
    expanded: dict[str, list[str]] = {}
    for pattern in uses.patterns:
        choices = [DYNAMIC[pattern.template] if values is None else values for values in pattern.values]
        for filling in itertools.product(*choices):
            expanded.setdefault(pattern.template.format(*filling), []).append(str(pattern.place))
    assert _missing(expanded) == {}


def test_every_listed_dynamic_key_is_still_built_by_the_code(uses):
    assert sorted(set(DYNAMIC) - {p.template for p in uses.patterns if p.unresolved}) == []


def test_every_choice_prefix_has_its_values_in_both_catalogs(uses):
    empty = {
        prefix: locale
        for prefix in uses.prefixes
        for locale in LOCALES
        if not any(key.startswith(prefix + ".") for key in catalog(locale))
    }
    assert empty == {}


def test_the_scanner_finds_a_key_missing_from_both_catalogs():
    """The parity test's blind spot, on code shaped like bot/cli/csvio.py's and its neighbours'."""
    source = """
from bot.services.errors import DomainError

class Invalid(DomainError):
    key = "errors.invalid"

class Unreadable(Invalid):
    key = "brandnew.unreadable"

def read(path, t):
    if not path:
        raise DomainError("brandnew.file_not_found", path=path)
    if path == "-":
        raise Invalid(key="brandnew.no_stdin")
    print(t("brandnew.read", path=path), t(f"brandnew.kind.{path.kind}"))
    return Fact("brandnew.fact"), help_key("brandnew.help")

def confirm(t, stem):
    return t(f"{stem}_title")

confirm(None, "brandnew.confirm.drop")
audit(action="brandnew.dropped")
"""
    uses = scan([("bot/cli/brandnew.py", source)], namespaces={"errors"})
    assert set(uses.literals) == {
        "errors.invalid", "brandnew.unreadable", "brandnew.file_not_found", "brandnew.no_stdin", "brandnew.read", "brandnew.fact",
        "brandnew.help",
    }  # fmt: skip
    assert {"brandnew.unreadable", "brandnew.file_not_found", "brandnew.no_stdin"} <= uses.raised
    assert {(p.template, p.values) for p in uses.patterns} == {
        ("brandnew.kind.{}", (None,)), ("{}_title", (("brandnew.confirm.drop",),)),
    }  # fmt: skip
    assert _missing({key: ["here"] for key in uses.literals}) != {}


def test_a_missing_key_falls_back_to_itself_and_is_logged_once(caplog):
    caplog.set_level(logging.WARNING, logger="bot.infra.i18n")
    t = Translator("fr")
    assert t("nowhere.at_all", x=1) == "nowhere.at_all"
    assert t("nowhere.at_all") == "nowhere.at_all"
    warnings = [r for r in caplog.records if r.name == "bot.infra.i18n" and "nowhere.at_all" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
