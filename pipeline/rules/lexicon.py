"""French common words, from the tables of the model's own lemmatizer.

A capital letter at the start of a sentence proves nothing: "Avoine" heading a line of
market prices, or "Libéré en 1945, il ...", are common words the model may take for
names. The lemmatizer of spaCy's French pipelines ships a list of every inflected form it
knows, which is exactly the test needed, with no extra download.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path

import srsly
from spacy.strings import get_string_id

from entity_graph.pipeline.extraction.mentions import Mention
from entity_graph.pipeline.rules.french import DEMONYM_ENDINGS, alternatives
from entity_graph.pipeline.rules.known_names import is_full_name

_PARTS_OF_SPEECH = ("noun", "adj", "verb", "adv")


class Lexicon:
    """Lower-case word forms of a language: inflected forms and lemmas. `tables` are the
    lemmatizer's lookup tables as spaCy stores them (`lookups.bin`): by table name, each
    keyed by the hash spaCy gives a word (`get_string_id`)."""

    def __init__(self, tables: Mapping[str, Mapping[int, list[str]]] | None = None) -> None:
        tables = tables or {}
        self._forms: Mapping[int, list[str]] = tables.get("lemma_lookup", {})
        index = tables.get("lemma_index", {})
        self._lemmas = frozenset(word for pos in _PARTS_OF_SPEECH
                                 for word in index.get(get_string_id(pos), ()))
        self._adjectives = frozenset(index.get(get_string_id("adj"), ()))

    @classmethod
    def of(cls, *, forms: Mapping[str, list[str]] | None = None,
           lemmas: Iterable[str] = (), adjectives: Iterable[str] = ()) -> Lexicon:
        """A lexicon of the words given, for examples and tests: `forms` maps inflected
        forms to their lemmas.

        >>> words = Lexicon.of(forms={"huiles": ["huile"]}, lemmas={"huile"})
        >>> "huiles" in words, "huile" in words, "eau" in words
        (True, True, False)
        """
        words = cls({"lemma_lookup": {get_string_id(form): lemmas_of
                                      for form, lemmas_of in (forms or {}).items()}})
        words._lemmas, words._adjectives = frozenset(lemmas), frozenset(adjectives)
        return words

    def __contains__(self, word: object) -> bool:
        return word in self._lemmas or (isinstance(word, str)
                                        and get_string_id(word) in self._forms)

    def knows_every_word(self, text: str) -> bool:
        """Every word of three letters or more in `text` is a common word ("HUILES ET
        FARINES"); case is ignored."""
        return all(word in self for word in re.findall(r"\w{3,}", text.lower()))

    def is_adjective(self, word: str) -> bool:
        """An adjective or an inflected form of one ("allemands" → "allemand"; feminine and
        plural endings are also undone when the lemmatizer's table lacks the form:
        "américaines" → "américain").

        >>> words = Lexicon.of(adjectives={"américain"})
        >>> words.is_adjective("américaines"), words.is_adjective("amérique")
        (True, False)
        """
        candidates = {word, word.removesuffix("s")}
        candidates |= {form.removesuffix("e") for form in candidates if form.endswith("e")}
        for candidate in candidates:
            lemmas = self._forms.get(get_string_id(candidate)) if self._forms else None
            if candidate in self._adjectives or any(
                    lemma in self._adjectives for lemma in (lemmas or ())):
                return True
        return False

    def __bool__(self) -> bool:
        return bool(self._lemmas) or bool(self._forms)


def lexicon_folder(model_path: Path) -> str:
    """The lookups folder of a model's lemmatizer, or "" when it has none."""
    for candidate in [model_path / "lemmatizer" / "lookups",
                      *sorted(model_path.glob("*/lemmatizer/lookups"))]:
        if (candidate / "lookups.bin").is_file():
            return str(candidate)
    return ""


@cache  # one copy per process, whichever components use it
def load_lexicon(folder: str) -> Lexicon:
    """The lexicon of a lookups folder (see `lexicon_folder`), or an empty one for "".
    Its tables are read as plain dicts, looked up by the same hashes: spaCy's `Lookups`
    makes each a `Table` with a Bloom filter of its keys, and for the 216,849 forms of
    fr_core_news_sm that took 0.9-1.2 s, against 0.3-0.4 s, in every process that loads
    the pipeline (each NLP worker)."""
    return Lexicon(srsly.read_msgpack(Path(folder) / "lookups.bin")) if folder else Lexicon()


_DEMONYM = re.compile(rf"{alternatives(DEMONYM_ENDINGS)}s?\Z")


def is_demonym(mention: Mention, text: str, words: Lexicon) -> bool:
    """A one-word place that is a people's name, an adjective with a demonym's ending
    ("les Allemands", "un Anglais"): not a place.

    >>> words = Lexicon.of(forms={"allemands": ["allemand"]}, adjectives={"allemand"})
    >>> is_demonym(Mention(4, 13, "LOC", "Allemands"), "Les Allemands", words)
    True
    >>> is_demonym(Mention(0, 9, "LOC", "Allemagne"), "Allemagne", words)
    False
    """
    return mention.label == "LOC" and _is_demonym_word(text[mention.start:mention.end], words)


def _is_demonym_word(word: str, words: Lexicon) -> bool:
    """One word, or a compound of words joined by hyphens ("Sud-Africain"), that is an
    adjective with a demonym's ending ("Allemands", "Autrichienne").

    >>> words = Lexicon.of(adjectives={"allemand", "sud-africain"})
    >>> [_is_demonym_word(w, words) for w in ("Allemands", "Sud-Africaine", "Allemagne",
    ...                                       "Sud-Africa", "Sud-", "Sud Africain")]
    [True, True, False, False, False, False]
    """
    lower = word.lower()
    return all(part.isalpha() for part in lower.split("-")) and bool(_DEMONYM.search(lower)) \
        and words.is_adjective(lower)


def name_after_demonym(span: str, words: Lexicon) -> int | None:
    """Where the person's name starts in a span that opens with what the person is, a
    people's name ("Autrichienne Sara Vilic", "Espagnol Rubén Ruzafa": a capitalised
    adjective with a demonym's ending, then a full name, `known_names.is_full_name`);
    None for any other span.

    >>> words = Lexicon.of(forms={"autrichienne": ["autrichien"]},
    ...                    adjectives={"autrichien", "super"})
    >>> name_after_demonym("Autrichienne Sara Vilic", words), name_after_demonym(
    ...     "Super Mario Land", words), name_after_demonym("Autrichienne Vilic", words)
    (13, None, None)
    """
    first, _, rest = span.partition(" ")
    rest = rest.lstrip()
    if not (first[:1].isupper() and _is_demonym_word(first, words) and is_full_name(rest)):
        return None
    return len(span) - len(rest)


_ARTICLE_END = re.compile(r"(?:\b(?:le|la|les|un|une|des)\s+|\bl['’]\s*)\Z", re.IGNORECASE)


def is_apposition(mention: Mention, following: Mention | None, text: str) -> bool:
    """A one-word place between an article and a person's name is what the person is, not
    where: "la Suissesse Anna Müller", "l'Américaine Sarah True", "le Britannique Chris
    Froome".

    >>> text = "devant la Suissesse Anna Müller"
    >>> is_apposition(Mention(10, 19, "LOC", "Suissesse"),
    ...               Mention(20, 31, "PER", "Anna Müller"), text)
    True
    """
    return (mention.label == "LOC" and following is not None and following.label == "PER"
            and " " not in mention.name and not text[mention.end:following.start].strip()
            and bool(_ARTICLE_END.search(text[max(0, mention.start - 5):mention.start])))


def is_common_heading(mention: Mention, text: str, words: Lexicon) -> bool:
    """True for a heading or a word set in capitals made of common words only ("HUILES ET
    FARINES", "ORGE"): capitals there are typography, not a name. Compounds ("OPÉRA-
    COMIQUE", "ROYAUME-UNI") and names with a context cue ("M. MARTINEZ", "PARIS, 15",
    see `entity_graph.pipeline.rules.places`) are kept.

    >>> words = Lexicon.of(forms={"huiles": ["huile"]}, lemmas={"refus", "huile", "paris"})
    >>> [is_common_heading(Mention(0, len(w), "ORG", w), w, words)
    ...  for w in ("REFUS", "HUILES", "Huiles", "GENÈVE", "REFUS-HUILES")]
    [True, True, False, False, False]
    """
    written = text[mention.start:mention.end]
    letters = [c for c in written if c.isalpha()]
    if len(letters) < 4 or not all(c.isupper() for c in letters) or "-" in written \
            or mention.cue:
        return False
    return words.knows_every_word(written)


# After these, a capital is typography: a new line, a line of dialogue, a quotation.
_OPENINGS = ("\n", "—", "–", "«", ":")


def is_common_start(mention: Mention, text: str, sentence_starts: Sequence[int],
                    words: Lexicon) -> bool:
    """True when the mention is one word opening a sentence, a line or a line of dialogue
    (punctuation aside) and its lower-case form is a common word.

    >>> words = Lexicon.of(lemmas={"avoine", "libérer", "pardon"})
    >>> text = "Avoine 12 fr. Hier, Avoine a gagné. Il dit :— Pardon, madame."
    >>> is_common_start(Mention(0, 6, "LOC", "Avoine"), text, [0, 14, 36], words)
    True
    >>> is_common_start(Mention(20, 26, "LOC", "Avoine"), text, [0, 14, 36], words)
    False
    >>> is_common_start(Mention(46, 52, "LOC", "Pardon"), text, [0, 14, 36], words)
    True
    """
    word = text[mention.start:mention.end]
    if not word.isalpha() or word.lower() not in words:
        return False
    sentence = sentence_starts[max(bisect_right(sentence_starts, mention.start) - 1, 0)]
    # Only the sentence is searched: a mark absent from a long text costs no full scan.
    opening = max(text.rfind(mark, sentence, mention.start) for mark in _OPENINGS) + 1
    before = text[max(sentence, opening):mention.start]
    return not any(c.isalnum() for c in before)
