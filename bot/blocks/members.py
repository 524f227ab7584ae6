"""Directory answers: `/nls whois`, `/nls lips`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.blocks.common import Reply, context, escape, fit, header, lines, mrkdwn
from bot.infra.i18n import Translator
from bot.services.members import Member, OrgSummary, Role, group_by_province


def role_label(role: Role, t: Translator) -> str:
    return t.choice("roles", role.value)


def whois_reply(member: Member, t: Translator, today: date) -> Reply:
    org = member.org
    org_line = (
        t(
            "members.whois.org",
            org=escape(org.name),
            kind=org.kind.value,
            province=org.province,
            region=t.choice("regions", org.region),
        )
        if org
        else t("members.whois.no_org")
    )
    roles = ", ".join(role_label(r, t) for r in sorted(member.roles)) or t("members.whois.no_roles")
    facts = [f"*{escape(member.name)}* (<@{member.slack_user_id}>)", org_line, t("members.whois.roles", roles=roles)]
    seat = member.grant(Role.EXEC)
    if seat and seat.term_end:
        key = "members.whois.term_voting" if member.is_voting_exec(today) else "members.whois.term_ended"
        facts.append(t(key, end=t.date(seat.term_end)))
    if member.has(Role.EX_OFFICIO):
        facts.append(t("members.whois.ex_officio"))
    if member.is_rep and org:
        facts.append(t("members.whois.holds_vote", org=escape(org.name)))
    return Reply(text=t("members.whois.text", name=escape(member.name)), blocks=[mrkdwn(lines(facts))])


def lips_reply(orgs: Sequence[OrgSummary], t: Translator, province: str | None) -> Reply:
    title = t("members.lips.title_province", province=province.upper()) if province else t("members.lips.title")
    if not orgs:
        return Reply(text=title, blocks=[header(title), mrkdwn(t("members.lips.none"))])
    blocks = [header(title), context(t("members.lips.count", count=len(orgs)))]
    for prov, group in sorted(group_by_province(orgs).items()):
        entries = []
        for summary in group:
            rep = f"<@{summary.rep.slack_user_id}>" if summary.rep else t("members.lips.no_rep")
            entries.append(
                t(
                    "members.lips.entry",
                    name=escape(summary.org.name),
                    kind=summary.org.kind.value,
                    rep=rep,
                    people=summary.people,
                )
            )
        # one section per province, split every 20 lines to stay far below 3,000 characters
        for start in range(0, len(entries), 20):
            blocks.append(mrkdwn(f"*{prov}*\n" + lines(entries[start : start + 20])))
    more = context(t("members.lips.more"))
    return Reply(text=title, blocks=fit(blocks, more))
