"""Questions: how a lead writes them (one per line, the kind as an optional prefix, in English or
French) and what each kind takes as an answer."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic_core import PydanticCustomError

from bot.services.feedback.forms import clean_text
from models.feedback import QuestionKind

MAX_QUESTIONS = 20  # one input block each: the questionnaire stays far below Slack's 100 blocks
PROMPT_LIMIT = 300
MAX_OPTIONS = 10  # radio buttons hold ten
OPTION_LIMIT = 75  # Slack's limit for an option's text
ANSWER_LIMITS = {QuestionKind.SHORT: 300, QuestionKind.LONG: 3000}
SCALE = ("1", "2", "3", "4", "5")
KIND_PREFIXES = {
    "short": QuestionKind.SHORT,
    "court": QuestionKind.SHORT,
    "long": QuestionKind.LONG,
    "choice": QuestionKind.CHOICE,
    "choix": QuestionKind.CHOICE,
    "scale": QuestionKind.SCALE,
    "échelle": QuestionKind.SCALE,
    "echelle": QuestionKind.SCALE,
}
PREFIX = re.compile(r"^(?P<word>[^\W\d_]+)\s*:\s*(?P<rest>.*)$")
BULLET = re.compile(r"^(?:[-•*]|\d{1,2}[.)])\s+")


@dataclass(frozen=True)
class QuestionSpec:
    kind: QuestionKind
    prompt: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question(QuestionSpec):
    id: int = 0
    position: int = 0


def parse_questions(text: str) -> tuple[QuestionSpec, ...]:
    """One question per line; `long:`, `choice: Q | A | B`, `scale:` (or `choix:`, `échelle:`)
    choose the kind, anything else is a short answer. Errors name the line."""
    specs = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = BULLET.sub("", clean_text(raw))
        if line:
            specs.append(_question(line, number))
    if not specs:
        raise PydanticCustomError("consult.error.no_questions", "no questions", {})
    if len(specs) > MAX_QUESTIONS:
        raise PydanticCustomError("consult.error.too_many", "too many", {"count": len(specs), "limit": MAX_QUESTIONS})
    return tuple(specs)


def _question(line: str, number: int) -> QuestionSpec:
    kind, rest = QuestionKind.SHORT, line
    match = PREFIX.match(line)
    if match and match["word"].lower() in KIND_PREFIXES:
        kind, rest = KIND_PREFIXES[match["word"].lower()], match["rest"].strip()
    options: tuple[str, ...] = ()
    if kind is QuestionKind.CHOICE:
        prompt, *choices = (part.strip() for part in rest.split("|"))
        options = tuple(dict.fromkeys(c for c in choices if c))
        if not 2 <= len(options) <= MAX_OPTIONS or any(len(o) > OPTION_LIMIT for o in options):
            raise PydanticCustomError(
                "consult.error.options", "bad options", {"line": number, "limit": MAX_OPTIONS, "length": OPTION_LIMIT}
            )
        rest = prompt
    if not rest:
        raise PydanticCustomError("consult.error.empty_question", "empty question", {"line": number})
    if len(rest) > PROMPT_LIMIT:
        raise PydanticCustomError(
            "consult.error.question_too_long", "too long", {"line": number, "limit": PROMPT_LIMIT}
        )
    return QuestionSpec(kind=kind, prompt=rest, options=options)
