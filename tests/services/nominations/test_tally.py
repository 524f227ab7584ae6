"""Counting seats, reserved seats first (`fill_seats`): pure, on the poll engine's own counts."""

from __future__ import annotations

from bot.services.members import OrgInfo
from bot.services.nominations import Reservation, fill_seats
from models import OrgKind
from models.nominations import ElectionMethod


def org(region: str, kind: OrgKind = OrgKind.LIP, n: int = 0) -> OrgInfo:
    return OrgInfo(id=n, name=f"Org {n}", kind=kind, province="ON", region=region)


def test_a_reserved_seat_is_counted_first_among_those_it_admits():
    candidates = [org("ontario", OrgKind.ZIP, 0), org("quebec", n=1), org("atlantic", OrgKind.ZIP, 2)]
    ballots = [[1, 0, 2]] * 9 + [[2, 1, 0]] * 7 + [[0, 2, 1]] * 4
    plain = fill_seats(ElectionMethod.STV, candidates, ballots, seats=2, reserved=[], tie_order=[0, 1, 2])
    assert plain == [(1, None), (2, None)]  # quota 7: both reach it in the first round
    zip_seat = Reservation("kind", "ZIP")
    reserved = fill_seats(ElectionMethod.STV, candidates, ballots, seats=2, reserved=[zip_seat], tie_order=[0, 1, 2])
    # Among the two ZIPs the ballots prefer #0 (13 to 7); the general seat then goes to #2 (11 to 9).
    assert reserved == [(0, zip_seat), (2, None)]


def test_reservations_nobody_can_fill_become_general_seats_and_sole_candidates_take_theirs():
    candidates = [org("ontario", n=0), org("quebec", n=1), org("north", n=2)]
    ballots = [[0, 1]] * 5 + [[1, 0]] * 4 + [[2]] * 1
    atlantic, north = Reservation("region", "atlantic"), Reservation("region", "north")
    result = fill_seats(
        ElectionMethod.STV, candidates, ballots, seats=2, reserved=[atlantic, north], tie_order=[0, 1, 2]
    )
    assert result == [(2, north), (0, None)]  # no Atlantic candidate: that seat is general


def test_approval_rounds_fill_reserved_seats_first_too():
    candidates = [org("ontario", n=0), org("atlantic", n=1), org("atlantic", n=2), org("bc", n=3)]
    ballots = [[0, 3]] * 6 + [[1]] * 2 + [[2, 0]] * 3
    atlantic = Reservation("region", "atlantic")
    result = fill_seats(
        ElectionMethod.APPROVAL, candidates, ballots, seats=2, reserved=[atlantic], tie_order=[3, 2, 1, 0]
    )
    assert result == [(2, atlantic), (0, None)]
