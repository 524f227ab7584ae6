"""Words as both search indexes see them: cut out of any text (`[^\\W_]+`, so query syntax is
only punctuation), folded (lower-case, no accents), without stop words, and in their other
grammatical number."""

from __future__ import annotations

import re
import unicodedata

MAX_WORD = 40  # no real word is longer; longer runs are noise

WORD = re.compile(r"[^\W_]+")


def fold(word: str) -> str:
    """Lower-case without accents, as both indexes compare words (`établissement` → `etablissement`)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Words that carry no meaning in a question ("where is the housing toolkit?", "où est le guide
# sur le logement ?"). Searching requires every word, so these would otherwise empty the answer.
_STOP_TEXT = """
    a about an and any are as at be can could do does find for from have how i in is it looking
    me my need of on or please show some that the there this to want we what where which who with you
    your anyone know hi hello hey thanks thank
    au aux avec ce ces cherche chercher comment d dans de des du elle en est et il j je l la le les
    leur lui m ma me mes moi mon ne nous on ou où par pas pour qu quel quelle quels quelles qui s sa
    se ses son sur t ta te tes toi ton trouver tu un une vos votre vous y bonjour salut allo merci
    """
STOP_WORDS = frozenset(fold(w) for w in _STOP_TEXT.split())


def words(text: str) -> list[str]:
    """The words of a text, lower-cased; everything that is not a letter or digit separates."""
    return WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def stem(term: str) -> str:
    """Drop an English/French plural ending, for a prefix that finds both numbers
    (`toolkits` → `toolkit*`, `communities` → `communit*`, `logements` → `logement*`)."""
    if len(term) >= 6 and term.endswith("ies"):
        return term[:-3]
    if len(term) >= 5 and term.endswith("s") and not term.endswith("ss"):
        return term[:-1]
    return term


def number_forms(term: str) -> tuple[str, ...]:
    """A complete word and its other number, to match exactly (`toolkit` ↔ `toolkits`,
    `community` ↔ `communities`, `logement` ↔ `logements`)."""
    if len(term) >= 6 and term.endswith("ies"):
        return (term, term[:-3] + "y")
    if len(term) >= 5 and term.endswith("y") and term[-2] not in "aeiou":
        return (term, term[:-1] + "ies")
    if len(term) >= 5 and term.endswith("s") and not term.endswith("ss"):
        return (term, term[:-1])
    return (term, term + "s") if len(term) >= 4 else (term,)


def findable_words(*texts: str) -> set[str]:
    """The folded words a resource is findable by, for "did you mean" (stop words and numbers
    left out: nobody misspells them in a way worth correcting)."""
    found = set()
    for text in texts:
        for word in words(text):
            folded = fold(word)
            if 2 <= len(folded) <= MAX_WORD and not folded.isdigit() and folded not in STOP_WORDS:
                found.add(folded)
    return found
