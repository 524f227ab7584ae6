"""The Nominations Committee's review in Block Kit: the round, every nominee with their statement,
organisation and region, how the slate covers the network, and the committee's buttons (mark
ineligible; close now; acclaim). Buttons carry ids only; the service re-checks who presses."""

from __future__ import annotations

from datetime import datetime, tzinfo

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, SectionBlock

from bot.blocks import ids
from bot.blocks.common import Reply, clip, context, escape, fit, header, lines, mrkdwn
from bot.blocks.nominations.pieces import button, confirm, quote, reservation_label, round_facts, who
from bot.blocks.nominations.rounds import round_state
from bot.infra.i18n import Translator
from bot.services.nominations import NominationStatus, NominationView, Review, RoundStatus, RoundView

STATEMENT_PREVIEW = 600  # characters of a statement in the committee's list


def coverage_lines(review: Review, t: Translator) -> list[str]:
    cover = review.coverage
    regions = " · ".join(f"{t.choice('regions', r)} {n}" for r, n in cover.regions)
    kinds = " · ".join(f"{k.value} {n}" for k, n in cover.kinds)
    out = [t("nominations.review.regions", regions=regions), t("nominations.review.kinds", kinds=kinds)]
    out += [t("nominations.review.reserved", seat=reservation_label(r, t), count=n) for r, n in cover.reserved]
    uncovered = [t.choice("regions", r) for r, n in cover.regions if n == 0]
    if uncovered:
        out.append(t("nominations.review.uncovered", regions=", ".join(uncovered)))
    return out


def _review_entry(round_: RoundView, nomination: NominationView, t: Translator, now: datetime) -> SectionBlock:
    status = t(f"nominations.status.{nomination.status.value}")
    if nomination.reason:
        status += " — " + escape(nomination.reason)
    text = lines([
        f"{who(nomination, t)}", f"_{status}_ · {t('nominations.review.nominated_by', user=nomination.nominated_by)}",
        quote(nomination.statement, STATEMENT_PREVIEW),
    ])  # fmt: skip
    accessory = None
    if nomination.status in (NominationStatus.PENDING, NominationStatus.ACCEPTED) and round_.taking_nominations(now):
        accessory = button(t("nominations.btn.ineligible"), ids.NOMINATION_INELIGIBLE, str(nomination.id))
    return SectionBlock(text=clip(text, 3000), accessory=accessory)


def review_reply(review: Review, t: Translator, tz: tzinfo, now: datetime) -> Reply:
    """Nominees with statements, organisations and regions, the slate's coverage, and the
    committee's buttons (mark ineligible; close now; acclaim)."""
    round_ = review.round
    title = t("nominations.review.title", number=round_.id)
    blocks: list[Block] = [
        header(title),
        mrkdwn(f"*{round_state(round_, t)}*\n" + lines(round_facts(round_, t, tz))),
        mrkdwn(
            t("nominations.review.slate", accepted=len(review.accepted), count=round_.seats,
              total=len(review.nominations))
            + "\n" + lines(coverage_lines(review, t))
        ),
    ]  # fmt: skip
    actions = _review_actions(review, t, now)
    if actions:
        blocks.append(ActionsBlock(elements=actions))
    entries = [_review_entry(round_, n, t, now) for n in review.nominations]
    if not entries:
        blocks.append(context(t("nominations.review.none")))
    blocks += entries
    return Reply(text=title, blocks=fit(blocks, context(t("nominations.review.more"))))


def _review_actions(review: Review, t: Translator, now: datetime) -> list[ButtonElement]:
    round_, value = review.round, str(review.round.id)
    if round_.taking_nominations(now):
        return [button(t("nominations.btn.close"), ids.NOMINATIONS_CLOSE, value,
                       confirm=confirm(t, "nominations.confirm.close", number=round_.id))]  # fmt: skip
    if round_.status is RoundStatus.ACCLAMATION:
        return [button(t("nominations.btn.acclaim"), ids.NOMINATIONS_ACCLAIM, value, style="primary",
                       confirm=confirm(t, "nominations.confirm.acclaim", number=round_.id,
                                       count=len(review.accepted)))]  # fmt: skip
    return []


def no_round_reply(t: Translator) -> str:
    return t("nominations.review.no_round")
