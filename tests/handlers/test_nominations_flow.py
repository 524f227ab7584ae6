"""Nominations over signed HTTP, on SQLite and PostgreSQL: the whole cycle — a round opened by modal
and announced, five nominations from different organisations (by button and by command), two
declines, the election on the poll engine with ballots from 20 organisations, the winners seated with
their terms, one transfer that ends the old holder's vote at once — and the bad input that must
change nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.app import web_client
from bot.blocks import ids
from bot.services.members import get_member
from bot.shell import payloads
from jobs import JobEnv, load_jobs
from models import AuditEvent, Role
from models.nominations import Nomination, NominationRound, RoundStatus
from models.polls import Electorate, PollKind
from tests.support.directory import ADMIN, EXEC_HALIFAX, NOMINATIONS, REP_MONTREAL, STAFF_TORONTO, STRANGER
from tests.support.nominations import CHANNEL, ELECTION_CLOSE, NOMINATIONS_CLOSE, load_orgs
from tests.support.polls import NOW, open_poll, poll_message, rep_id, staff_id
from tests.support.slackbot import find_action, text_of

JOBS = load_jobs()


def env(deps) -> JobEnv:
    return JobEnv(deps=deps, client=web_client(deps))


def round_form(**overrides: str | None) -> dict[str, str | None]:
    answers: dict[str, str | None] = {
        ids.ROUND_F_SEATS: "2",
        ids.ROUND_F_RESERVED: "kind:ZIP",
        ids.ROUND_F_NOMINATIONS_CLOSE: NOMINATIONS_CLOSE.isoformat(),
        ids.ROUND_F_ELECTION_CLOSE: ELECTION_CLOSE.isoformat(),
        ids.ROUND_F_CHANNEL: CHANNEL,
    }
    answers.update(overrides)
    return answers


async def modal(bot, user: str, command: str) -> dict[str, Any]:
    """Run `/nls <command>` and return the modal it opened."""
    before = len(bot.slack.calls_to("views.open"))
    response = await bot.command(user, command)
    assert response.status_code == 200 and not response.content, response.text
    return await bot.opened_view(before)


def message(bot, channel: str, starts: str) -> dict[str, Any]:
    """The newest message in a channel (a user id stands for their DM) whose text starts so."""
    channel = "D" + channel[1:] if channel.startswith("U") else channel
    found = [m for (c, _), m in bot.slack.messages.items() if c == channel and m.get("text", "").startswith(starts)]
    assert found, f"no message starting {starts!r} in {channel}"
    return found[-1]


async def press(bot, user: str, msg: dict[str, Any], action_id: str, *, channel: str = CHANNEL) -> dict[str, Any]:
    """Press a button in a message and return the private answer."""
    before = len(bot.slack.calls_to("response_url"))
    element, block_id = find_action(msg["blocks"], action_id)
    response = await bot.press(user, element, block_id=block_id, message=msg, channel=channel)
    assert response.status_code == 200
    return (await bot.slack.wait_for("response_url", count=before + 1))[before].args


async def dm(bot, user: str, words: str) -> dict[str, Any]:
    """Wait for the bot's DM to `user` containing `words`."""
    calls = await bot.slack.wait_for(
        "chat.postMessage", lambda c: c.args.get("channel") == user and words in text_of(c.args)
    )
    return message(bot, user, calls[-1].args["text"][:40])


async def nominate_by_button(bot, nominator: str, nominee: str, statement: str) -> None:
    announcement = message(bot, CHANNEL, "Executive Committee nominations — round 1")
    before = len(bot.slack.calls_to("views.open"))
    element, block_id = find_action(announcement["blocks"], ids.NOMINATE)
    await bot.press(nominator, element, block_id=block_id, message=announcement)
    view = await bot.opened_view(before)
    response = await bot.submit(
        nominator, view, {ids.NOMINATION_F_NOMINEE: nominee, ids.NOMINATION_F_STATEMENT: statement}
    )
    assert response.json()["response_action"] == "update", response.text


async def nominate_by_command(bot, nominator: str, nominee: str, statement: str) -> None:
    view = await modal(bot, nominator, f"nominate <@{nominee}>")
    response = await bot.submit(nominator, view, {ids.NOMINATION_F_STATEMENT: statement})
    assert response.json()["response_action"] == "update", response.text


async def count(deps, model) -> int:
    async with deps.db.reader() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


# --- the whole cycle -------------------------------------------------------------------------------


async def test_a_full_cycle_from_nominations_to_seats_and_a_transfer(bot, deps, clock):
    clock.set(NOW)
    await load_orgs(deps, 20)

    # 1. The Nominations Committee opens a round: two seats, one reserved for a ZIP.
    view = await modal(bot, NOMINATIONS, "nominations open")
    response = await bot.submit(NOMINATIONS, view, round_form())
    assert response.json()["response_action"] == "update"
    await bot.slack.wait_for("chat.postMessage", lambda c: "round 1" in str(c.args.get("text")))
    announcement = text_of(message(bot, CHANNEL, "Executive Committee nominations — round 1"))
    assert "*2 seats* to fill" in announcement and "one seat for a ZIP" in announcement

    # 2. Five nominations from five organisations, by button and by command.
    await nominate_by_button(bot, rep_id(0), staff_id(0), "Builds bridges <!channel> across Ontario.")
    await nominate_by_command(bot, rep_id(1), staff_id(1), "Twenty years of settlement work in Québec.")
    await nominate_by_command(bot, rep_id(2), staff_id(2), "Ready to serve the BC partnerships.")
    await nominate_by_button(bot, rep_id(6), staff_id(6), "A voice for Atlantic Canada.")
    await nominate_by_button(bot, staff_id(7), staff_id(7), "I nominate myself: rural ZIPs need a seat.")
    asked = await dm(bot, staff_id(0), "nominated you")
    assert "&lt;!channel&gt;" in text_of(asked) and "<!channel>" not in text_of(asked)  # statements are inert

    # 3. Three accept, two decline; nominators hear the outcome.
    for nominee in (staff_id(0), staff_id(1), staff_id(7)):
        card = await dm(bot, nominee, "for the NLS Executive Committee")
        answer = await press(bot, nominee, card, ids.NOMINATION_ACCEPT, channel="D" + nominee[1:])
        assert "You accepted" in text_of(answer)
    for nominee in (staff_id(2), staff_id(6)):
        card = await dm(bot, nominee, "for the NLS Executive Committee")
        assert "You declined" in text_of(await press(bot, nominee, card, ids.NOMINATION_DECLINE))
    assert "declined your nomination" in text_of(await dm(bot, rep_id(6), "declined"))
    assert "accepted your nomination" in text_of(await dm(bot, rep_id(1), "accepted"))

    # 4. The committee reviews the slate.
    review = text_of(await bot.answer(NOMINATIONS, "nominations"))
    assert "*3 accepted* for 2 seats" in review and "Reserved (one seat for a ZIP): eligible nominees: 2" in review
    assert "No accepted nominee yet from: Prairies, British Columbia, the North" in review
    assert "not allowed" not in review and "Only the Nominations Committee" in text_of(
        await bot.answer(rep_id(0), "nominations")
    )

    # 5. The deadline passes: the job closes nominations once and opens the election.
    at = NOMINATIONS_CLOSE + timedelta(minutes=1)
    clock.set(at)
    assert (await JOBS["nominations"].run(env(deps), at)).startswith("closed 1 round(s)")
    assert (await JOBS["nominations"].run(env(deps), at)).startswith("closed 0 round(s)")
    poll = poll_message(bot.slack, 1)
    ballot = text_of(poll)
    assert "Staff 00 — Network Test LIP 00" in ballot and "🔒" in ballot and "Ties:" in ballot
    statements = [c.args for c in bot.slack.calls_to("chat.postMessage") if c.args.get("thread_ts") == poll["ts"]]
    assert len(statements) == 1 and "Twenty years of settlement work" in text_of(statements[0])
    assert "Nominations closed" in text_of(message(bot, CHANNEL, "Executive Committee nominations — round 1"))

    # 6. Twenty organisations vote (secret, ranked): options 1 Staff 00, 2 Staff 01, 3 Staff 07.
    rankings = ["3 2 1"] * 9 + ["2 3 1"] * 7 + ["1 3 2"] * 4
    for n, ranking in enumerate(rankings):
        assert "Recorded" in text_of(await bot.answer(rep_id(n), f"vote 1 {ranking}"))

    # 7. The election closes; the winners take their seats, reserved seat first.
    end = ELECTION_CLOSE + timedelta(minutes=1)
    clock.set(end)
    await JOBS["poll-deadlines"].run(env(deps), end)
    assert "finished 1" in await JOBS["nominations"].run(env(deps), end)
    assert "finished 0" in await JOBS["nominations"].run(env(deps), end)
    result = text_of(message(bot, CHANNEL, "The election (poll #1) is counted"))
    assert f"<@{staff_id(7)}>" in result and "reserved seat: one seat for a ZIP" in result
    assert f"<@{staff_id(1)}>" in result and "Term: Mar 16, 2026 to Mar 15, 2028" in result
    assert "you are elected" in text_of(await dm(bot, staff_id(1), "Congratulations"))
    async with deps.db.reader() as session:
        winner = await get_member(session, staff_id(1))
        round_ = await session.get(NominationRound, 1)
    grant = winner.grant(Role.EXEC)
    assert (grant.term_start, grant.term_end) == (date(2026, 3, 16), date(2028, 3, 15))
    assert round_.status is RoundStatus.DONE and round_.active is None
    roster = text_of(await bot.answer(ADMIN, "exec"))
    assert f"<@{staff_id(1)}> — Network Test LIP 01 (LIP, Quebec) · term ends Mar 15, 2028" in roster
    assert "ex officio, non-voting" in roster

    # 8. Staff 01 hands the seat to a colleague; their vote ends at once, the colleague's begins.
    preview = await bot.answer(staff_id(1), f"exec transfer <@{staff_id(1)}> <@{rep_id(1)}>")
    assert "loses voting rights at once" in text_of(preview)
    done = await press(bot, staff_id(1), preview, ids.EXEC_TRANSFER)
    assert "passed from" in text_of(done)
    decision = await open_poll(deps, creator=ADMIN, now=end, kind=PollKind.YES_NO, options=(),
                               electorate=Electorate.EXECUTIVE, closes_at=end + timedelta(days=2))  # fmt: skip
    refused = text_of(await bot.answer(staff_id(1), f"vote {decision.id} yes"))
    assert "Recorded" not in refused and "Executive Committee" in refused
    assert "Recorded" in text_of(await bot.answer(rep_id(1), f"vote {decision.id} yes"))
    assert "Your voting rights on the committee have ended" in text_of(await dm(bot, staff_id(1), "passed to"))
    async with deps.db.reader() as session:
        logged = (
            await session.execute(select(AuditEvent.details).where(AuditEvent.action == "exec.transferred"))
        ).scalars()
        assert [(d["from_user"], d["to_user"]) for d in logged] == [(staff_id(1), rep_id(1))]


# --- bad input changes nothing ---------------------------------------------------------------------


async def test_bad_input_gets_a_clear_private_answer_and_changes_nothing(bot, deps, clock):
    clock.set(NOW)
    await load_orgs(deps, 4)
    refused = text_of(await bot.answer(STAFF_TORONTO, "nominations open"))
    assert "Only the Nominations Committee" in refused
    view = await modal(bot, NOMINATIONS, "nominations open")
    zero = (await bot.submit(NOMINATIONS, view, round_form(**{ids.ROUND_F_SEATS: "0"}))).json()
    assert "between 1 and 15 seats" in zero["errors"][ids.ROUND_F_SEATS]
    assert await count(deps, NominationRound) == 0
    await bot.submit(NOMINATIONS, view, round_form())
    await bot.slack.wait_for("chat.postMessage", lambda c: "round 1" in str(c.args.get("text")))
    announcement = message(bot, CHANNEL, "Executive Committee nominations — round 1")

    stranger = await press(bot, STRANGER, announcement, ids.NOMINATE)
    assert "not in the NLS member directory" in text_of(stranger)
    await nominate_by_command(bot, rep_id(1), rep_id(0), "First.")
    twice = text_of(await bot.answer(rep_id(2), f"nominate <@{rep_id(0)}>"))
    assert "already been nominated" in twice
    same_org = text_of(await bot.answer(rep_id(2), f"nominate <@{staff_id(0)}>"))
    assert "One organisation, one nominee" in same_org
    assert "Nominations Committee members run the round" in text_of(
        await bot.answer(rep_id(2), f"nominate <@{NOMINATIONS}>")
    )

    card = await dm(bot, rep_id(0), "nominated you")
    assert "You accepted" in text_of(await press(bot, rep_id(0), card, ids.NOMINATION_ACCEPT))
    assert "already accepted" in text_of(await press(bot, rep_id(0), card, ids.NOMINATION_ACCEPT))

    await nominate_by_command(bot, rep_id(3), rep_id(2), "Second.")
    pending = await dm(bot, rep_id(2), "nominated you")
    withdrawn = await bot.answer(rep_id(3), "nominations")  # not the committee: refused
    assert "Only the Nominations Committee" in text_of(withdrawn)
    accepted_reply = await press(bot, rep_id(2), pending, ids.NOMINATION_ACCEPT)
    assert "Withdrawn" in text_of(await press(bot, rep_id(2), accepted_reply, ids.NOMINATION_WITHDRAW))
    assert "was withdrawn" in text_of(await press(bot, rep_id(2), pending, ids.NOMINATION_ACCEPT))

    clock.set(NOMINATIONS_CLOSE + timedelta(seconds=1))
    late = text_of(await bot.answer(rep_id(1), f"nominate <@{staff_id(3)}>"))
    assert "No round is taking nominations" in late
    transfer = text_of(await bot.answer(ADMIN, f"exec transfer <@{rep_id(0)}> <@{REP_MONTREAL}>"))
    assert "holds no Executive Committee seat" in transfer
    async with deps.db.reader() as session:
        statuses = sorted(n.status.value for n in (await session.execute(select(Nomination))).scalars())
    assert statuses == ["accepted", "withdrawn"]


async def test_a_transfer_across_organisations_is_refused_and_the_seat_stays(bot, deps, clock):
    clock.set(NOW)
    await load_orgs(deps, 2)
    across = text_of(await bot.answer(EXEC_HALIFAX, f"exec transfer <@{EXEC_HALIFAX}> <@{REP_MONTREAL}>"))
    assert "a seat passes only within its organisation" in across
    other = text_of(await bot.answer(rep_id(0), f"exec transfer <@{EXEC_HALIFAX}> <@{rep_id(0)}>"))
    assert "Only <@" in other and "or an administrator can transfer it" in other
    async with deps.db.reader() as session:
        assert (await get_member(session, EXEC_HALIFAX)).has(Role.EXEC)


async def test_the_nominee_sees_the_nomination_on_their_home_and_answers_from_it(bot, deps, clock):
    clock.set(NOW)
    await load_orgs(deps, 2)
    view = await modal(bot, NOMINATIONS, "nominations open")
    await bot.submit(NOMINATIONS, view, round_form())
    await bot.slack.wait_for("chat.postMessage", lambda c: "round 1" in str(c.args.get("text")))
    await bot.event(payloads.app_home_opened(rep_id(0)))  # the nominee has their Home open
    await bot.slack.wait_for("views.publish", lambda c: c.args.get("user_id") == rep_id(0))
    await nominate_by_command(bot, rep_id(1), rep_id(0), "Because.")
    published = await bot.slack.wait_for("views.publish", lambda c: c.args.get("user_id") == rep_id(0), count=2)
    home = published[-1].args["view"]
    assert "nominated you for the Executive Committee" in text_of(home)
    element, block_id = find_action(home["blocks"], ids.NOMINATION_SHOW)
    before = len(bot.slack.calls_to("response_url"))
    await bot.press(rep_id(0), element, block_id=block_id, channel="D" + rep_id(0)[1:])
    card = (await bot.slack.wait_for("response_url", count=before + 1))[before].args
    assert "Because." in text_of(card)
    assert "Only <@" in text_of(await press(bot, rep_id(1), card, ids.NOMINATION_ACCEPT))  # not the nominee


async def test_the_committee_rules_one_out_closes_early_and_acclaims(bot, deps, clock):
    clock.set(NOW)
    await load_orgs(deps, 3)
    view = await modal(bot, NOMINATIONS, "nominations open")
    await bot.submit(NOMINATIONS, view, round_form(**{ids.ROUND_F_RESERVED: None}))
    await bot.slack.wait_for("chat.postMessage", lambda c: "round 1" in str(c.args.get("text")))
    for n in range(2):
        await nominate_by_command(bot, rep_id(n), rep_id(n), f"Candidate {n}.")
        card = await dm(bot, rep_id(n), "nominated yourself")
        await press(bot, rep_id(n), card, ids.NOMINATION_ACCEPT)

    review = await bot.answer(NOMINATIONS, "nominations")
    before = len(bot.slack.calls_to("views.open"))
    element, block_id = find_action(review["blocks"], ids.NOMINATION_INELIGIBLE)
    await bot.press(NOMINATIONS, element, block_id=block_id, message=review)
    reason_modal = await bot.opened_view(before)
    assert "Reason" in text_of(reason_modal)
    submitted = await bot.submit(NOMINATIONS, reason_modal, {ids.NOMINATION_F_REASON: "Not a <!here> member yet"})
    assert submitted.json()["response_action"] == "update"
    told = text_of(await dm(bot, rep_id(0), "ineligible"))
    assert "Reason: Not a &lt;!here&gt; member yet" in told

    review = await bot.answer(NOMINATIONS, "nominations")
    closed = await press(bot, NOMINATIONS, review, ids.NOMINATIONS_CLOSE)
    assert "the Nominations Committee may acclaim them" in text_of(closed)
    notice = await dm(bot, NOMINATIONS, "No more nominees than seats")
    listing = await press(bot, NOMINATIONS, notice, ids.NOMINATIONS_REVIEW)
    assert "Only the Nominations Committee" in text_of(await press(bot, rep_id(1), listing, ids.NOMINATIONS_ACCLAIM))
    acclaimed = await press(bot, NOMINATIONS, listing, ids.NOMINATIONS_ACCLAIM)
    assert "seats filled by acclamation" in text_of(acclaimed)
    await bot.slack.wait_for("chat.postMessage", lambda c: "Elected by acclamation" in str(c.args.get("text")))
    announced = text_of(message(bot, CHANNEL, "Elected by acclamation"))
    assert f"<@{rep_id(1)}>" in announced and "1 seat remains vacant" in announced
    assert "cannot be acclaimed" in text_of(await press(bot, NOMINATIONS, listing, ids.NOMINATIONS_ACCLAIM))
    async with deps.db.reader() as session:
        assert (await get_member(session, rep_id(1))).is_voting_exec(NOW.date())
        assert not (await get_member(session, rep_id(0))).has(Role.EXEC)
