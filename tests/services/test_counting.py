"""The counting engine against known results: plurality, yes/no, approval, instant runoff
(round by round) and STV (Droop quota, weighted inclusive Gregory transfers), and the stated
tie-break rule (earlier rounds, then the lot drawn when the poll opened)."""

from __future__ import annotations

import random
from fractions import Fraction

from bot.services.counting import (
    EARLIER_ROUNDS,
    LOT,
    Count,
    approval,
    count,
    droop_quota,
    instant_runoff,
    plurality,
    single_transferable_vote,
    yes_no,
)
from models.polls import PollKind


def many(times: int, ballot: list[int]) -> list[list[int]]:
    return [list(ballot) for _ in range(times)]


def tallies(round_) -> list[Fraction | None]:
    return list(round_.tallies)


# --- plurality, multiple, yes/no, approval -------------------------------------------------------


def test_single_choice_counts_and_winner():
    result = plurality(PollKind.SINGLE, 3, [[0], [2], [2], [1], [2]])
    assert result.votes == (1, 1, 3)
    assert result.ballots == 5
    assert result.winners == (2,) and result.tied == ()


def test_a_shared_lead_is_a_tie_not_a_winner():
    result = plurality(PollKind.SINGLE, 3, [[0], [1], [0], [1], [2]])
    assert result.winners == () and result.tied == (0, 1)


def test_no_ballots_no_winner():
    result = count(PollKind.SINGLE, 2, [])
    assert (result.ballots, result.votes, result.winners, result.tied) == (0, (0, 0), (), ())


def test_multiple_choice_counts_every_chosen_option_once_per_ballot():
    result = plurality(PollKind.MULTIPLE, 4, [[0, 1], [1, 3], [1], [1, 1, 9]])
    assert result.votes == (1, 4, 0, 1)
    assert result.ballots == 4  # percentages are of ballots, not of choices
    assert result.winners == (1,)


def test_yes_no_abstain_outcomes():
    assert yes_no([[0], [0], [1], [2], [2], [2]]).outcome == "carried"
    assert yes_no([[0], [1], [1]]).outcome == "defeated"
    tied = yes_no([[0], [1], [2]])
    assert tied.outcome == "tied" and tied.winners == ()
    assert tied.votes == (1, 1, 1)


def test_approval_fills_seats_by_approvals_and_a_tie_at_the_last_seat_by_lot():
    ballots = [[0, 1], [1, 2], [2, 3], [0, 3], [1]]
    result = approval(4, ballots, seats=2, tie_order=[3, 2, 1, 0])
    assert result.votes == (2, 3, 2, 2)
    # option 1 leads; 0, 2 and 3 tie for the second seat: the lot favours 3
    assert result.winners == (1, 3)
    assert result.tie_break == LOT
    clear = approval(4, [[0], [0], [1]], seats=1, tie_order=[1, 0, 2, 3])
    assert clear.winners == (0,) and clear.tie_break is None


# --- instant runoff ---------------------------------------------------------------------------------


def test_instant_runoff_tennessee_capital_round_by_round():
    memphis, nashville, chattanooga, knoxville = range(4)
    ballots = (
        many(42, [memphis, nashville, chattanooga, knoxville])
        + many(26, [nashville, chattanooga, knoxville, memphis])
        + many(15, [chattanooga, knoxville, nashville, memphis])
        + many(17, [knoxville, chattanooga, nashville, memphis])
    )
    result = instant_runoff(4, ballots, tie_order=[0, 1, 2, 3])
    assert result.votes == (42, 26, 15, 17)  # first preferences
    assert [tallies(r) for r in result.rounds] == [
        [42, 26, 15, 17],
        [42, 26, None, 32],
        [42, None, None, 58],
    ]
    assert [r.excluded for r in result.rounds] == [(chattanooga,), (nashville,), ()]
    assert result.rounds[-1].elected == (knoxville,)
    assert result.winners == (knoxville,)
    assert result.tie_break is None


def test_instant_runoff_majority_in_the_first_round_needs_one_round():
    result = instant_runoff(3, many(3, [0, 1]) + many(2, [1]), tie_order=[0, 1, 2])
    assert len(result.rounds) == 1 and result.winners == (0,)


def test_instant_runoff_majority_is_of_ballots_still_in_the_count():
    # C's two voters ranked nobody else: after C goes, A's 4 of the 7 remaining ballots win
    ballots = many(4, [0]) + many(3, [1]) + many(2, [2])
    result = instant_runoff(3, ballots, tie_order=[0, 1, 2])
    assert result.rounds[1].exhausted == 2
    assert result.winners == (0,)


def test_instant_runoff_excludes_every_option_without_votes_at_once():
    ballots = many(3, [0, 1]) + many(2, [1, 0]) + many(2, [2, 1])
    result = instant_runoff(5, ballots, tie_order=[0, 1, 2, 3, 4])
    assert result.rounds[0].excluded == (3, 4)
    assert result.rounds[1].excluded == (2,)
    assert result.winners == (1,)


def test_instant_runoff_tie_for_last_is_broken_by_earlier_rounds():
    a, b, c, d = range(4)
    ballots = many(6, [a]) + many(3, [b, c]) + many(4, [c]) + many(1, [d, b, c])
    result = instant_runoff(4, ballots, tie_order=[b, c, a, d])  # the lot would keep B
    assert tallies(result.rounds[1]) == [6, 4, 4, None]
    assert result.rounds[1].excluded == (b,)  # B had 3 to C's 4 in round 1
    assert result.rounds[1].tie_break == EARLIER_ROUNDS
    assert result.winners == (c,)
    assert result.tie_break == EARLIER_ROUNDS


def test_instant_runoff_tie_with_no_earlier_difference_is_decided_by_the_lot():
    ballots = many(2, [0]) + many(2, [1])
    assert instant_runoff(2, ballots, tie_order=[1, 0]).winners == (1,)
    favour_first = instant_runoff(2, ballots, tie_order=[0, 1])
    assert favour_first.winners == (0,)
    assert favour_first.rounds[0].tie_break == LOT and favour_first.tie_break == LOT


def test_instant_runoff_ignores_repeats_and_unknown_options():
    result = instant_runoff(2, [[0, 0, 1], [7, 1], [1, -1]], tie_order=[0, 1])
    assert result.votes == (1, 2)
    assert result.winners == (1,)


# --- single transferable vote --------------------------------------------------------------------


def test_droop_quota():
    assert droop_quota(20, 3) == 6
    assert droop_quota(100, 1) == 51
    assert droop_quota(13, 2) == 5


def test_stv_textbook_food_election():
    """Wikipedia's STV example: 20 voters, 3 seats, quota 6; Chocolate, Oranges, Strawberries."""
    oranges, pears, chocolate, strawberries, hamburgers = range(5)
    ballots = (
        many(4, [oranges])
        + many(2, [pears, oranges])
        + many(8, [chocolate, strawberries])
        + many(4, [chocolate, hamburgers])
        + many(1, [strawberries])
        + many(1, [hamburgers])
    )
    result = single_transferable_vote(5, ballots, seats=3, tie_order=[0, 1, 2, 3, 4])
    assert result.quota == 6
    first, second, third, fourth = result.rounds
    assert tallies(first) == [4, 2, 12, 1, 1]
    assert first.elected == (chocolate,) and first.surplus_of == chocolate
    assert tallies(second) == [4, 2, 6, 5, 3]  # 6 surplus at 1/2: 8 → Strawberries, 4 → Hamburgers
    assert second.excluded == (pears,)
    assert tallies(third)[oranges] == 6
    assert third.elected == (oranges,) and third.excluded == (hamburgers,)
    assert fourth.elected == (strawberries,)
    assert fourth.exhausted == 3  # Hamburgers' own ballot and the four half-votes from Chocolate
    assert result.winners == (chocolate, oranges, strawberries)
    assert result.tie_break is None


def test_stv_fractional_surplus_transfer_is_exact():
    a, b, c, d = range(4)
    ballots = many(5, [a, b]) + many(2, [a, c]) + many(1, [b]) + many(3, [c]) + many(2, [d, c])
    result = single_transferable_vote(4, ballots, seats=2, tie_order=[0, 1, 2, 3])
    assert result.quota == 5
    assert tallies(result.rounds[0]) == [7, 1, 3, 2]
    # A's surplus of 2 moves on with all 7 ballots at 2/7 each
    assert tallies(result.rounds[1]) == [5, Fraction(17, 7), Fraction(25, 7), 2]
    assert result.rounds[1].excluded == (d,)
    assert tallies(result.rounds[2])[c] == Fraction(39, 7)
    assert result.winners == (a, c)


def test_stv_votes_are_conserved_at_every_stage():
    rng = random.Random(20260315)
    for _ in range(40):
        options = rng.randint(2, 7)
        seats = rng.randint(1, 3)
        ballots = [rng.sample(range(options), rng.randint(1, options)) for _ in range(rng.randint(0, 60))]
        order = rng.sample(range(options), options)
        result = single_transferable_vote(options, ballots, seats=seats, tie_order=order)
        for stage in result.rounds:
            assert sum(v for v in stage.tallies if v is not None) + stage.exhausted == result.ballots
        assert len(result.winners) == len(set(result.winners)) <= seats
        if result.ballots and options >= seats:
            assert len(result.winners) == seats


def test_stv_exclusion_tie_decided_by_lot_is_stated():
    ballots = many(2, [0]) + many(2, [1])
    kept_first = single_transferable_vote(2, ballots, seats=1, tie_order=[0, 1])
    assert kept_first.rounds[0].excluded == (1,)
    assert kept_first.winners == (0,)
    assert kept_first.tie_break == LOT
    assert single_transferable_vote(2, ballots, seats=1, tie_order=[1, 0]).winners == (1,)


def test_stv_exclusion_tie_broken_by_earlier_rounds():
    a, b, c, d = range(4)
    # round 1: A 6, B 3, C 4, D 1 → D out (to B); round 2: B and C tie on 4, B had fewer before
    ballots = many(6, [a]) + many(3, [b, c]) + many(4, [c]) + many(1, [d, b, c])
    result = single_transferable_vote(4, ballots, seats=1, tie_order=[b, c, a, d])
    assert result.rounds[1].excluded == (b,)
    assert result.rounds[1].tie_break == EARLIER_ROUNDS
    assert result.winners == (c,)


def test_stv_with_no_more_candidates_than_seats_elects_them_all():
    result = single_transferable_vote(2, [[0], [1], [0]], seats=3, tie_order=[0, 1])
    assert set(result.winners) == {0, 1}


def test_stv_without_ballots_elects_nobody():
    result = single_transferable_vote(3, [], seats=2, tie_order=[0, 1, 2])
    assert result.winners == () and result.ballots == 0


def test_stv_for_one_seat_agrees_with_instant_runoff_on_the_tennessee_example():
    ballots = many(42, [0, 1, 2, 3]) + many(26, [1, 2, 3, 0]) + many(15, [2, 3, 1, 0]) + many(17, [3, 2, 1, 0])
    assert single_transferable_vote(4, ballots, seats=1, tie_order=[0, 1, 2, 3]).winners == (3,)


def test_count_round_trips_through_json():
    ballots = many(5, [0, 1]) + many(2, [0, 2]) + many(1, [1]) + many(3, [2]) + many(2, [3, 2])
    result = count(PollKind.STV, 4, ballots, seats=2, tie_order=[0, 1, 2, 3])
    again = Count.from_json(result.to_json())
    assert again.winners == result.winners and again.quota == result.quota
    assert [r.elected for r in again.rounds] == [r.elected for r in result.rounds]
    assert again.rounds[1].tallies[1] == Fraction("2.428571")  # six decimals once stored
