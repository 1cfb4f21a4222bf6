"""Typography normalisation that keeps every character offset valid, and the folded
form names compare by.

The model was trained on Wikipedia text with straight apostrophes; curly ones make it
split "C’est" into a junk entity "C’". Every replacement here is one character for one
character, so offsets computed on the normalised text are offsets into the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_ONE_FOR_ONE = {
    "\u2019": "'",  # right single quotation mark, the usual French apostrophe
    "\u2018": "'",
    "\u201b": "'",
    "\u02bc": "'",  # modifier letter apostrophe
    "\u2032": "'",
    "\u00b4": "'",
    "\u0060": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00a0": " ",  # no-break spaces, common around « » and before : ; ! ?
    "\u202f": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u200b": " ",  # zero-width space
    "\ufeff": " ",
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
}
_TABLE = str.maketrans(_ONE_FOR_ONE)
# A character and the combining marks (general category M) that follow it.
_BASE_AND_MARKS = re.compile(r"(?s:.)[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff"
                             r"\ufe20-\ufe2f]*")


def normalize_typography(text: str) -> str:
    """Replace typographic variants one-for-one; the result has the same length.

    >>> normalize_typography("C’est l’éloge de la Chine")
    "C'est l'éloge de la Chine"
    """
    return text.translate(_TABLE)


@lru_cache(maxsize=1 << 17)  # names repeat: merging, tables and the page fold them again
def fold(text: str) -> str:
    """Case-, accent-, hyphen- and whitespace-insensitive form of a name: the key under
    which names compare everywhere (merging, curation, lookups).

    >>> fold("  États-Unis ")
    'etats unis'
    >>> fold("ÉTATS  unis")
    'etats unis'
    """
    stripped = text
    if not text.isascii():  # ASCII has nothing to decompose: most names, and a hot path
        decomposed = unicodedata.normalize("NFKD", text)
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
        stripped = stripped.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae")
    return " ".join(_SEPARATORS.sub(" ", stripped.casefold()).split())


_SEPARATORS = re.compile(r"[-‐‑'’_.]+")


@dataclass(frozen=True)
class Composed:
    """A text in Unicode NFC and, when composing changed it, where each of its
    characters came from in the original (`start_of[i]`: the original offset of the
    character sequence that character i belongs to; `end_of[i]`: that sequence's end)."""

    text: str
    start_of: list[int] | None = None
    end_of: list[int] | None = None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that `text[start:end]` was composed from."""
        if self.start_of is None or self.end_of is None or start >= end:
            return start, end
        return self.start_of[start], self.end_of[end - 1]


def compose(text: str) -> Composed:
    """`text` in NFC ("E" + combining acute -> "É"), the form the model was trained on,
    with the way back to the original's offsets. Almost every text already is NFC and
    costs one check.

    >>> composed = compose("E\u0301mile Durand")
    >>> composed.text == "Émile Durand", composed.original_span(0, 5)
    (True, (0, 6))
    """
    if unicodedata.is_normalized("NFC", text):
        return Composed(text)
    pieces, start_of, end_of = [], [], []
    start = 0
    # One piece per base character and the combining marks after it: each is composed
    # on its own, so each output character knows its piece in the original.
    for match in _BASE_AND_MARKS.finditer(text):
        piece = unicodedata.normalize("NFC", match.group())
        pieces.append(piece)
        start_of += [match.start()] * len(piece)
        end_of += [match.end()] * len(piece)
        start = match.end()
    composed = "".join(pieces)
    if start != len(text) or composed != unicodedata.normalize("NFC", text):
        return Composed(text)  # a script that composes across bases (Hangul jamo): as is
    return Composed(composed, start_of, end_of)
