"""Typography normalisation that keeps every character offset valid, and the folded
form names compare by.

The model was trained on Wikipedia text with straight apostrophes; curly ones make it
split "C’est" into a junk entity "C’". Every replacement here is one character for one
character, so offsets computed on the normalised text are offsets into the original.
"""

from __future__ import annotations

import re
import unicodedata

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


def normalize_typography(text: str) -> str:
    """Replace typographic variants one-for-one; the result has the same length.

    >>> normalize_typography("C’est l’éloge de la Chine")
    "C'est l'éloge de la Chine"
    """
    return text.translate(_TABLE)


def fold(text: str) -> str:
    """Case-, accent-, hyphen- and whitespace-insensitive form of a name: the key under
    which names compare everywhere (merging, curation, lookups).

    >>> fold("  États-Unis ")
    'etats unis'
    >>> fold("ÉTATS  unis")
    'etats unis'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae")
    spaced = re.sub(r"[-‐‑'’_.]+", " ", stripped.casefold())
    return " ".join(spaced.split())
