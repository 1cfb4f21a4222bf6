"""Places the layout of news gives away, which the model (trained on Wikipedia prose)
mostly misses.

- Datelines: agencies and regional columns head each item with the place it comes from,
  in capitals: "PARIS, 15 (Havas). —", "VALAIS. — La grève...".
- Countries abbreviated in brackets after a name, in sports results: "1. Olano (Esp)".

And countries named in full that the model left out ("les bourgs du centre de l'Italie":
it tags nothing there): general knowledge, from Unicode CLDR (see `known_names`).
"""

from __future__ import annotations

import re

from entity_graph.pipeline.extraction.mentions import Mention
from entity_graph.pipeline.rules.cleaning import clean_span
from entity_graph.pipeline.rules.known_names import country_names, is_first_name
from entity_graph.pipeline.rules.lexicon import Lexicon

_CAPITAL_WORD = r"[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’-]{1,40}"  # bounded: no runaway backtracking
# One to three words in capitals, then a day of the month ("PARIS, 15") or a full stop
# and a dash ("VALAIS. —").
_DATELINE = re.compile(
    rf"(?<![\w'’-])({_CAPITAL_WORD}(?:[ -]{_CAPITAL_WORD}){{0,2}})"
    r"(?:(\s*,\s*\d{1,2}(?:er)?\b)|\s*\.\s*[—–-])")
_MIN_LETTERS = 4  # "UMP, 40" (seats) is no dateline
# An abbreviation in brackets right after a word: "Olano (Esp)", "Guidi (It, bonif. 12")".
# Not acronyms, in capitals ("Parti socialiste (PS)"), nor longer words, which in listings
# are as often people: "Pat Sullivan (Félix)", "My Lady Dainty (Hesse)".
_BRACKETED = re.compile(r"(?<=\w \()([A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]{1,2})(?=\s*[),])")


def dateline_places(text: str, words: Lexicon) -> list[Mention]:
    """The places heading a dispatch or a column, as LOC mentions with a LOC cue. A
    column heading made of common words ("HUILES. —", "VERTIGE FATAL. —") is no place;
    before a date, even a common word is ("PARIS, 15": "paris" are bets).

    >>> words = Lexicon.of(forms={"huiles": ["huile"], "paris": ["pari"]},
    ...                    lemmas={"huile", "pari"})
    >>> text = "Un cyclone en Birmanie PARIS, 15 (Havas). — On mande... HUILES. — Calmes."
    >>> [(m.name, m.label, m.cue) for m in dateline_places(text, words)]
    [('PARIS', 'LOC', 'LOC')]
    """
    found = []
    for match in _DATELINE.finditer(text):
        start, end = match.span(1)
        if text[max(0, start - 40):start].rstrip()[-1:].isupper():  # end of a longer heading
            continue
        written = match.group(1)
        dated = match.group(2) is not None
        if sum(c.isalpha() for c in written) < _MIN_LETTERS \
                or not dated and words.knows_every_word(written):
            continue
        kept = clean_span(written, "LOC")
        if kept:
            found.append(Mention(start + kept[0], start + kept[1], "LOC",
                                 " ".join(written[kept[0]:kept[1]].split()), cue="LOC"))
    return found


def bracketed_places(text: str) -> list[Mention]:
    """Abbreviations in brackets after a name, as LOC mentions with a LOC cue: an
    athlete's country. `entities.merge_abbreviations` finds the country they stand for.

    >>> text = "1. Olano (Esp) 47'07. 2. Guidi (It, bonif. 12). Parti socialiste (PS)."
    >>> [(m.name, m.label, m.cue) for m in bracketed_places(text)]
    [('Esp', 'LOC', 'LOC'), ('It', 'LOC', 'LOC')]
    """
    return [Mention(match.start(), match.end(), "LOC", match.group(), cue="LOC")
            for match in _BRACKETED.finditer(text)]


# A capitalised word, not inside a word or a hyphenated compound, after its elided
# article if any ("l'Italie", "L'Italie").
_CAPITALISED = re.compile(r"(?<![\w-])(?:[LlDd]['’])?([A-ZÀ-ÖØ-Þ][\w’'.-]*)")
# What makes a country's name the start of a longer one: "France Info", "Niger Delta".
_LONGER_NAME = re.compile(r"[ \u00a0]?[A-ZÀ-ÖØ-Þ0-9]|[\w’'-]")


def country_places(text: str, taken: list[tuple[int, int]]) -> list[Mention]:
    """The countries named in full outside the spans `taken` (what the model tagged, of
    any type, and the mentions found so far), as LOC mentions: the model misses a
    country now and then ("les bourgs du centre de l'Italie": it tags nothing). Not
    the start of a longer name ("France Info", "Jersey City"), nor inside a span the
    model tagged ("Tour de France", an event); a country's name that is also a first
    name ("France", "Maurice", "Dominique") is left to the model: alone, it is as
    likely a person.

    >>> text = "La France et L'Allemagne, à Jersey City, au Tour d'Espagne et en Belgique."
    >>> event = (text.index("Tour"), text.index(" et en"))
    >>> [m.name for m in country_places(text, [event])]
    ['Allemagne', 'Belgique']
    """
    names = country_names()
    found = []
    for word in _CAPITALISED.finditer(text):
        start = word.start(1)
        for name in names.get(word.group(1).rstrip(".,"), ()):
            end = start + len(name)
            if text.startswith(name, start) and not _LONGER_NAME.match(text, end) \
                    and not is_first_name(name) \
                    and not any(a < end and start < b for a, b in taken):
                found.append(Mention(start, end, "LOC", name))
                break
    return found
