"""Counting ballots: pure functions of the ballots, with no database and no Slack, so every rule
of the count can be tested against known results and re-run by anyone from an export.

A ballot is a sequence of option positions (0-based): the chosen option(s), or for ranked kinds
the options in order of preference. Counting assumes ballots were validated when cast
(`bot.services.polls.check_choices`) but stays defensive: unknown positions and repeats are
ignored, never counted twice.

Ties. Plurality-style polls (single, multiple, yes/no) report a tie rather than invent a winner.
Where a count must pick (eliminating in instant runoff, electing or excluding in STV, the last
approval seat), the stated rule is, in order:
1. *earlier rounds* — the candidate who had more votes at the most recent round where the tied
   candidates differed stays in (or is elected first); this is the usual "backwards" rule;
2. *lot* — the order drawn at random when the poll opened (`tie_order`, shown on the ballot):
   the candidate earlier in that order is favoured.

STV uses the Droop quota (⌊valid ballots ÷ (seats + 1)⌋ + 1) and the weighted inclusive Gregory
method: an elected candidate's surplus moves on with every ballot they hold, each at its current
weight × surplus ÷ total. Weights are exact fractions (no rounding), so the count is
reproducible to the last ballot on every machine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from models.polls import PollKind

Ballot = Sequence[int]
EARLIER_ROUNDS = "earlier_rounds"
LOT = "lot"


@dataclass(frozen=True)
class Round:
    """One stage of a runoff count: the tallies at the start of the stage and what was decided.

    `tallies[i]` is None for an option no longer in the count (excluded earlier); an elected
    candidate keeps showing the votes they hold."""

    number: int
    tallies: tuple[Fraction | None, ...]
    exhausted: Fraction
    elected: tuple[int, ...] = ()
    excluded: tuple[int, ...] = ()
    surplus_of: int | None = None
    tie_break: str | None = None


@dataclass(frozen=True)
class Count:
    """The outcome of counting one poll's ballots."""

    kind: PollKind
    ballots: int  # valid, non-empty ballots
    votes: tuple[int, ...]  # per option: ballots choosing it (first preferences for ranked kinds)
    winners: tuple[int, ...] = ()  # in order of election
    tied: tuple[int, ...] = ()  # plurality-style: options sharing the lead, no winner declared
    rounds: tuple[Round, ...] = ()
    quota: Fraction | None = None
    outcome: str | None = None  # yes/no: "carried", "defeated" or "tied"
    tie_break: str | None = None  # the rule that decided a tie anywhere in the count
    seats: int = 1

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe snapshot (fractions as decimal strings) frozen on the poll at close."""
        return {
            "kind": self.kind.value,
            "ballots": self.ballots,
            "votes": list(self.votes),
            "winners": list(self.winners),
            "tied": list(self.tied),
            "quota": _dec(self.quota),
            "outcome": self.outcome,
            "tie_break": self.tie_break,
            "seats": self.seats,
            "rounds": [
                {
                    "number": r.number,
                    "tallies": [_dec(v) for v in r.tallies],
                    "exhausted": _dec(r.exhausted),
                    "elected": list(r.elected),
                    "excluded": list(r.excluded),
                    "surplus_of": r.surplus_of,
                    "tie_break": r.tie_break,
                }
                for r in self.rounds
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Count:
        return cls(
            kind=PollKind(data["kind"]),
            ballots=data["ballots"],
            votes=tuple(data["votes"]),
            winners=tuple(data["winners"]),
            tied=tuple(data["tied"]),
            quota=_frac(data.get("quota")),
            outcome=data.get("outcome"),
            tie_break=data.get("tie_break"),
            seats=data.get("seats", 1),
            rounds=tuple(
                Round(
                    number=r["number"],
                    tallies=tuple(_frac(v) for v in r["tallies"]),
                    exhausted=_frac(r["exhausted"]) or Fraction(0),
                    elected=tuple(r["elected"]),
                    excluded=tuple(r["excluded"]),
                    surplus_of=r.get("surplus_of"),
                    tie_break=r.get("tie_break"),
                )
                for r in data.get("rounds", [])
            ),
        )


def _dec(value: Fraction | None) -> str | None:
    """Exact for whole numbers, six decimals otherwise (display and JSON only; never compared)."""
    if value is None:
        return None
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.6f}"


def _frac(value: str | None) -> Fraction | None:
    return None if value is None else Fraction(value)


# --- helpers ----------------------------------------------------------------------------------


def clean(ballot: Iterable[int], options: int) -> tuple[int, ...]:
    """A ballot's valid positions in order, without repeats (defence in depth; see module doc)."""
    seen: dict[int, None] = {}
    for choice in ballot:
        if isinstance(choice, int) and 0 <= choice < options:
            seen.setdefault(choice, None)
    return tuple(seen)


def choice_counts(options: int, ballots: Iterable[Ballot]) -> tuple[tuple[int, ...], int]:
    """How many ballots include each option, and how many non-empty ballots there were."""
    counts = [0] * options
    valid = 0
    for ballot in ballots:
        chosen = clean(ballot, options)
        if chosen:
            valid += 1
        for choice in chosen:
            counts[choice] += 1
    return tuple(counts), valid


def first_preferences(options: int, ballots: Iterable[Ballot]) -> tuple[tuple[int, ...], int]:
    counts = [0] * options
    valid = 0
    for ballot in ballots:
        chosen = clean(ballot, options)
        if chosen:
            valid += 1
            counts[chosen[0]] += 1
    return tuple(counts), valid


def _lot_rank(tie_order: Sequence[int], options: int) -> dict[int, int]:
    """Position of each option in the drawn order; options missing from it come last, by position."""
    rank = {option: i for i, option in enumerate(tie_order) if 0 <= option < options}
    for option in range(options):
        rank.setdefault(option, len(tie_order) + option)
    return rank


def _break_tie(
    tied: Sequence[int], history: Sequence[Mapping[int, Fraction]], lot: Mapping[int, int], *, lowest: bool
) -> tuple[int, str | None]:
    """Pick one of `tied` (the lowest to exclude, or the highest to elect first) by earlier rounds,
    most recent first, then by lot. Returns the pick and the rule that decided (None if no tie)."""
    candidates = list(tied)
    if len(candidates) == 1:
        return candidates[0], None
    for tallies in reversed(history):
        values = {c: tallies.get(c, Fraction(0)) for c in candidates}
        target = min(values.values()) if lowest else max(values.values())
        narrowed = [c for c in candidates if values[c] == target]
        if len(narrowed) < len(candidates):
            candidates = narrowed
            if len(candidates) == 1:
                return candidates[0], EARLIER_ROUNDS
    pick = max(candidates, key=lot.__getitem__) if lowest else min(candidates, key=lot.__getitem__)
    return pick, LOT


def _strongest_rule(*rules: str | None) -> str | None:
    return LOT if LOT in rules else (EARLIER_ROUNDS if EARLIER_ROUNDS in rules else None)


# --- plurality-style kinds ------------------------------------------------------------------------


def _leaders(counts: Sequence[int]) -> list[int]:
    top = max(counts, default=0)
    return [i for i, n in enumerate(counts) if n == top] if top > 0 else []


def plurality(kind: PollKind, options: int, ballots: Iterable[Ballot]) -> Count:
    """Single and multiple choice: the most chosen option wins; a shared lead is reported as a tie."""
    counts, valid = choice_counts(options, ballots)
    leaders = _leaders(counts)
    if len(leaders) == 1:
        return Count(kind=kind, ballots=valid, votes=counts, winners=(leaders[0],))
    return Count(kind=kind, ballots=valid, votes=counts, tied=tuple(leaders))


YES, NO, ABSTAIN = 0, 1, 2


def yes_no(ballots: Iterable[Ballot]) -> Count:
    """A proposal is carried when more vote yes than no; abstentions count for turnout only."""
    counts, valid = choice_counts(3, ballots)
    if counts[YES] > counts[NO]:
        outcome, winners = "carried", (YES,)
    elif counts[NO] > counts[YES]:
        outcome, winners = "defeated", (NO,)
    else:
        outcome, winners = "tied", ()
    return Count(kind=PollKind.YES_NO, ballots=valid, votes=counts, winners=winners, outcome=outcome)


def approval(options: int, ballots: Iterable[Ballot], *, seats: int, tie_order: Sequence[int]) -> Count:
    """The `seats` most approved options win; a tie at the last seat is decided by lot."""
    counts, valid = choice_counts(options, ballots)
    lot = _lot_rank(tie_order, options)
    ranked = sorted((i for i in range(options) if counts[i] > 0), key=lambda i: (-counts[i], lot[i]))
    winners = tuple(ranked[:seats])
    rule = None
    if len(ranked) > seats and counts[ranked[seats - 1]] == counts[ranked[seats]]:
        rule = LOT
    return Count(kind=PollKind.APPROVAL, ballots=valid, votes=counts, winners=winners, tie_break=rule, seats=seats)


# --- instant runoff ---------------------------------------------------------------------------------


def instant_runoff(options: int, ballots: Iterable[Ballot], *, tie_order: Sequence[int]) -> Count:
    """Ranked choice for one winner: each round counts every ballot for its highest-ranked option
    still in the count; an option with more than half of those ballots wins, otherwise the last
    is excluded (all options with no votes at once) and its ballots move on."""
    papers = [b for b in (clean(b, options) for b in ballots) if b]
    firsts, _ = first_preferences(options, papers)
    lot = _lot_rank(tie_order, options)
    continuing = set(range(options))
    history: list[dict[int, Fraction]] = []
    rounds: list[Round] = []
    rules: list[str | None] = []
    winners: tuple[int, ...] = ()
    while continuing:
        tallies = {c: Fraction(0) for c in continuing}
        exhausted = Fraction(0)
        for paper in papers:
            top = next((c for c in paper if c in continuing), None)
            if top is None:
                exhausted += 1
            else:
                tallies[top] += 1
        active = sum(tallies.values())
        shown = tuple(tallies.get(i) for i in range(options))
        number = len(rounds) + 1
        if active == 0:
            rounds.append(Round(number, shown, exhausted))
            break
        best = max(tallies.values())
        leaders = [c for c, v in tallies.items() if v == best]
        if best * 2 > active or len(continuing) == 1:
            winners = (leaders[0],)
            rounds.append(Round(number, shown, exhausted, elected=winners))
            break
        excluded, rule = _to_exclude(tallies, history, lot)
        rules.append(rule)
        rounds.append(Round(number, shown, exhausted, excluded=excluded, tie_break=rule))
        history.append(tallies)
        continuing -= set(excluded)
    return Count(
        kind=PollKind.RANKED,
        ballots=len(papers),
        votes=firsts,
        winners=winners,
        rounds=tuple(rounds),
        tie_break=_strongest_rule(*rules),
    )


def _to_exclude(
    tallies: Mapping[int, Fraction], history: Sequence[Mapping[int, Fraction]], lot: Mapping[int, int]
) -> tuple[tuple[int, ...], str | None]:
    """Everyone with no votes at once (they cannot change the outcome), else the one last."""
    zero = sorted(c for c, v in tallies.items() if v == 0)
    if zero and len(zero) < len(tallies):
        return tuple(zero), None
    lowest = min(tallies.values())
    pick, rule = _break_tie([c for c, v in tallies.items() if v == lowest], history, lot, lowest=True)
    return (pick,), rule


# --- single transferable vote -------------------------------------------------------------------------


def droop_quota(valid_ballots: int, seats: int) -> Fraction:
    return Fraction(valid_ballots // (seats + 1) + 1)


@dataclass
class _Stv:
    """The working state of an STV count: which ballots each candidate holds, at what weight."""

    options: int
    seats: int
    papers: list[tuple[int, ...]]
    lot: dict[int, int]
    quota: Fraction
    piles: dict[int, list[tuple[int, Fraction]]] = field(default_factory=dict)
    continuing: set[int] = field(default_factory=set)
    elected: list[int] = field(default_factory=list)
    pending_surplus: list[int] = field(default_factory=list)
    kept: dict[int, Fraction] = field(default_factory=dict)  # elected candidates' votes after transfer
    exhausted: Fraction = Fraction(0)
    history: list[dict[int, Fraction]] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)

    def start(self) -> None:
        self.continuing = set(range(self.options))
        self.piles = {c: [] for c in range(self.options)}
        for index, paper in enumerate(self.papers):
            self.piles[paper[0]].append((index, Fraction(1)))

    def total(self, candidate: int) -> Fraction:
        if candidate in self.kept:
            return self.kept[candidate]
        return sum((w for _, w in self.piles[candidate]), Fraction(0))

    def tallies(self) -> dict[int, Fraction]:
        return {c: self.total(c) for c in (*self.continuing, *self.elected)}

    def move(self, candidate: int, factor: Fraction) -> None:
        """Pass every ballot `candidate` holds to its next continuing preference, re-weighted."""
        for index, weight in self.piles[candidate]:
            new_weight = weight * factor
            target = next((c for c in self.papers[index] if c in self.continuing), None)
            if target is None:
                self.exhausted += new_weight
            else:
                self.piles[target].append((index, new_weight))
        self.piles[candidate] = []

    def order(self, candidates: Iterable[int], tallies: Mapping[int, Fraction]) -> tuple[list[int], str | None]:
        """Candidates by votes, highest first, ties by earlier rounds then lot."""
        remaining, ordered, rules = list(candidates), [], []
        while remaining:
            best = max(tallies[c] for c in remaining)
            pick, rule = _break_tie([c for c in remaining if tallies[c] == best], self.history, self.lot, lowest=False)
            ordered.append(pick)
            rules.append(rule)
            remaining.remove(pick)
        return ordered, _strongest_rule(*rules)


def single_transferable_vote(options: int, ballots: Iterable[Ballot], *, seats: int, tie_order: Sequence[int]) -> Count:
    """Several winners, each needing a Droop quota; surpluses move on by the weighted inclusive
    Gregory method, the last candidate is excluded when no surplus is left to move, and when as
    many candidates remain as seats, they are all elected."""
    papers = [b for b in (clean(b, options) for b in ballots) if b]
    firsts, _ = first_preferences(options, papers)
    stv = _Stv(options, seats, papers, _lot_rank(tie_order, options), droop_quota(len(papers), seats))
    stv.start()
    rules: list[str | None] = []
    while papers and len(stv.elected) < seats and (stv.continuing or stv.pending_surplus):
        rules.append(_stv_stage(stv))
    return Count(
        kind=PollKind.STV,
        ballots=len(papers),
        votes=firsts,
        winners=tuple(stv.elected),
        rounds=tuple(stv.rounds),
        quota=stv.quota,
        tie_break=_strongest_rule(*rules),
        seats=seats,
    )


def _stv_stage(stv: _Stv) -> str | None:
    """One stage: elect whoever reached the quota, then either fill the last seats, move the
    largest surplus, or exclude the last candidate. Records the stage; returns any tie rule used."""
    tallies = stv.tallies()
    shown = tuple(tallies.get(i) for i in range(stv.options))
    # The order among candidates elected together changes nothing but the listing, so a tie
    # there is not reported; ties that decide something (surplus order, exclusion) are.
    newly, _ = stv.order([c for c in stv.continuing if tallies[c] >= stv.quota], tallies)
    rule: str | None = None
    stv.elected.extend(newly)
    stv.continuing -= set(newly)
    stv.pending_surplus.extend(newly)
    seats_left = stv.seats - len(stv.elected)
    record = {"number": len(stv.rounds) + 1, "tallies": shown, "exhausted": stv.exhausted}
    if seats_left == 0 or (stv.continuing and len(stv.continuing) <= seats_left):
        rest = stv.order(stv.continuing, tallies)[0] if seats_left else []
        stv.elected.extend(rest)
        stv.continuing.clear()
        stv.rounds.append(Round(**record, elected=(*newly, *rest), tie_break=rule))
        stv.pending_surplus.clear()
        return rule
    surplus = [c for c in stv.pending_surplus if tallies[c] > stv.quota]
    stv.pending_surplus = [c for c in stv.pending_surplus if c in surplus]
    if surplus:
        ordered, surplus_rule = stv.order(surplus, tallies)
        source = ordered[0]
        total = tallies[source]
        stv.move(source, (total - stv.quota) / total)
        stv.kept[source] = stv.quota
        stv.pending_surplus.remove(source)
        rule = _strongest_rule(rule, surplus_rule)
        stv.rounds.append(Round(**record, elected=tuple(newly), surplus_of=source, tie_break=rule))
    elif stv.continuing:
        lowest = min(tallies[c] for c in stv.continuing)
        tied = [c for c in stv.continuing if tallies[c] == lowest]
        out, exclude_rule = _break_tie(tied, stv.history, stv.lot, lowest=True)
        stv.continuing.discard(out)
        stv.move(out, Fraction(1))
        rule = _strongest_rule(rule, exclude_rule)
        stv.rounds.append(Round(**record, elected=tuple(newly), excluded=(out,), tie_break=rule))
    else:
        stv.rounds.append(Round(**record, elected=tuple(newly), tie_break=rule))
    for candidate in newly:
        if candidate not in stv.pending_surplus:
            stv.kept.setdefault(candidate, tallies[candidate])
    stv.history.append(tallies)
    return rule


# --- dispatch ---------------------------------------------------------------------------------------


def count(
    kind: PollKind, options: int, ballots: Iterable[Ballot], *, seats: int = 1, tie_order: Sequence[int] = ()
) -> Count:
    """Count `ballots` the way a poll of `kind` is counted."""
    ballots = list(ballots)
    if kind in (PollKind.SINGLE, PollKind.MULTIPLE):
        return plurality(kind, options, ballots)
    if kind is PollKind.YES_NO:
        return yes_no(ballots)
    if kind is PollKind.APPROVAL:
        return approval(options, ballots, seats=seats, tie_order=tie_order)
    if kind is PollKind.RANKED:
        return instant_runoff(options, ballots, tie_order=tie_order)
    return single_transferable_vote(options, ballots, seats=seats, tie_order=tie_order)
