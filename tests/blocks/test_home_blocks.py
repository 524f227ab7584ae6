"""The Home builder stays within Slack's limits whatever the data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.blocks.home import home_view
from bot.infra.i18n import Translator
from bot.services.contributions import Fact, HomeAction, HomeLink, NeedsYou, Section
from bot.services.home import Committee, HomeData
from bot.services.members import Grant, Member, OrgInfo
from bot.slack.localslack.limits import check_view
from models import OrgKind, Role

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
ORG = OrgInfo(1, "Toronto South LIP <!channel>", OrgKind.LIP, "ON", "ontario")


def _member(n: int, *roles: Role) -> Member:
    grants = tuple(Grant(r, 1, date(2025, 4, 1), date(2027, 3, 31)) for r in roles)
    return Member(n, f"U{n:08d}", f"Person {n}", ORG, grants)


def test_a_home_with_200_open_items_is_still_valid():
    items = tuple(
        NeedsYou(
            Fact("home.exec_ex_officio", {"user": f"U{n:08d}"}),
            due=NOW + timedelta(days=n - 100),
            action=HomeAction.VOTE,
            action_label=Fact("home.find"),
            value=str(n),
        )
        for n in range(200)
    )
    stats = tuple(
        Section(order=n, title=Fact("home.committee"), details=tuple(Fact("home.find") for _ in range(50))) for n in range(10)
    )
    data = HomeData(
        slack_user_id="U00000001",
        member=_member(1, Role.LEAD, Role.STAFF),
        needs_you=items,
        committee=Committee(tuple(_member(n, Role.EXEC) for n in range(60)), (_member(99, Role.EX_OFFICIO),)),
        network=tuple(HomeLink(Fact("home.find")) for _ in range(40)),
        find=tuple(HomeLink(Fact("home.find"), url="https://example.org") for _ in range(40)),
        lead_stats=stats,
        contacts="",
    )
    for locale in ("en", "fr"):
        view = home_view(data, Translator(locale), NOW, ZoneInfo("America/Toronto")).to_dict()
        assert len(view["blocks"]) <= 100
        assert check_view(view) == []
        text = str(view)
        assert "&lt;!channel&gt;" in text and "<!channel>" not in text


def test_a_strangers_home_says_whom_to_ask_and_still_offers_search():
    data = HomeData("UNOBODY01", None, (), Committee((), ()), (), (), (), contacts="<@UADMIN001>")
    view = home_view(data, Translator("en"), NOW, ZoneInfo("America/Toronto")).to_dict()
    text = str(view)
    assert "Ask <@UADMIN001> to add you" in text
    assert "home_search" in text
