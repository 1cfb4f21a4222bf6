"""French common words, from the tables of the model's own lemmatizer.

A capital letter at the start of a sentence proves nothing: "Avoine" heading a line of
market prices, or "Libéré en 1945, il ...", are common words the model may take for
names. The lemmatizer of spaCy's French pipelines ships a list of every inflected form it
knows, which is exactly the test needed, with no extra download.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from pathlib import Path

from spacy.lookups import Lookups

from pipeline.aliasing import Mention

_PARTS_OF_SPEECH = ("noun", "adj", "verb", "adv")


class Lexicon:
    """Lower-case word forms of a language: inflected forms and lemmas."""

    def __init__(self, lookups: Lookups | None = None) -> None:
        self._forms = (lookups.get_table("lemma_lookup")
                       if lookups and lookups.has_table("lemma_lookup") else {})
        index = (lookups.get_table("lemma_index")
                 if lookups and lookups.has_table("lemma_index") else {})
        self._lemmas = frozenset(word for pos in _PARTS_OF_SPEECH for word in index.get(pos, ()))

    def __contains__(self, word: str) -> bool:
        return word in self._lemmas or word in self._forms

    def __bool__(self) -> bool:
        return bool(self._lemmas) or bool(self._forms)


def lexicon_folder(model_path: Path) -> str:
    """The lookups folder of a model's lemmatizer, or "" when it has none."""
    for candidate in [model_path / "lemmatizer" / "lookups",
                      *sorted(model_path.glob("*/lemmatizer/lookups"))]:
        if (candidate / "lookups.bin").is_file():
            return str(candidate)
    return ""


def load_lexicon(folder: str) -> Lexicon:
    return Lexicon(Lookups().from_disk(folder)) if folder else Lexicon()


def is_common_start(mention: Mention, text: str, sentence_starts: Sequence[int],
                    words: Lexicon) -> bool:
    """True when the mention is one word opening a sentence or a line (punctuation aside)
    and its lower-case form is a common word.

    >>> words = Lexicon(); words._lemmas = frozenset({"avoine", "libérer"})
    >>> text = "Avoine 12 fr. Hier, Avoine a gagné."
    >>> is_common_start(Mention(0, 6, "LOC", "Avoine"), text, [0, 14], words)
    True
    >>> is_common_start(Mention(20, 26, "LOC", "Avoine"), text, [0, 14], words)
    False
    """
    word = text[mention.start:mention.end]
    if not word.isalpha() or word.lower() not in words:
        return False
    sentence = sentence_starts[max(bisect_right(sentence_starts, mention.start) - 1, 0)]
    line = text.rfind("\n", 0, mention.start) + 1
    before = text[max(sentence, line):mention.start]
    return not any(c.isalnum() for c in before)
