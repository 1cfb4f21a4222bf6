"""General knowledge about names, from well-kept packages that work offline.

- First names and which are men's (a bare surname in a family goes to the man of the
  family): the French-language first names that Faker ships (MIT licensed) for France,
  Belgium, Switzerland and Canada, about a thousand. A name listed for both sexes
  ("Claude", "Dominique") counts as neither.
- Country names in French ("Belgique" for "Be" in sports results): the Unicode CLDR
  names that Babel ships (BSD licensed).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import import_module

from babel import Locale
from babel.languages import get_official_languages

from entity_graph.pipeline.extraction.normalize import fold

_FIRST_NAME_LOCALES = ("fr_FR", "fr_BE", "fr_CH", "fr_CA")


@cache
def _first_names() -> tuple[frozenset[str], frozenset[str]]:
    """Folded first names: the men's, and all."""
    male: set[str] = set()
    female: set[str] = set()
    for locale in _FIRST_NAME_LOCALES:
        provider = import_module(f"faker.providers.person.{locale}").Provider
        male |= {fold(name) for name in provider.first_names_male}
        female |= {fold(name) for name in provider.first_names_female}
    return frozenset(male - female), frozenset(male | female)


def is_first_name(word: str) -> bool:
    """True for a first name of either sex ("Eugénie", "Claude"), folded or not.

    >>> is_first_name("Eugénie"), is_first_name("Grandet")
    (True, False)
    """
    return fold(word) in _first_names()[1]


def is_full_name(name: str) -> bool:
    """True for a first name followed by one or two capitalised words, none all in
    capitals: how a person is named in full.

    >>> is_full_name("Flora Duffel"), is_full_name("Tour de France"), is_full_name("Jean UMP")
    (True, False, False)
    """
    words = name.split()
    return 2 <= len(words) <= 3 and is_first_name(words[0]) and all(
        word[0].isupper() and not word.isupper() for word in words[1:])


_SEGMENT_END = re.compile(r"\s*(?::|\n)\s*")  # a colon or a line break ends a heading


def full_name_at_end(span: str) -> int | None:
    """Where a person's full name (`is_full_name`) starts in `span`: at 0 when it is
    the whole span, after the last colon or line break when it is what follows them (a
    heading glued to a name: "Tour de France 2016 : Louis Gaudemar"); None otherwise.

    >>> full_name_at_end("Flora Duffel"), full_name_at_end("Grand Prix : Flora Duffel")
    (0, 13)
    >>> full_name_at_end("Grand Prix : Hambourg"), full_name_at_end("Tour de France")
    (None, None)
    """
    if is_full_name(span):
        return 0
    ends = list(_SEGMENT_END.finditer(span))
    if ends and is_full_name(span[ends[-1].end():]):
        return ends[-1].end()
    return None


def is_male_first_name(word: str) -> bool:
    """True for a man's first name, folded or not ("Charles", "étienne"); False for a
    woman's, a name given to both ("Claude") and any other word.

    >>> is_male_first_name("Charles"), is_male_first_name("Emma"), is_male_first_name("Claude")
    (True, False, False)
    """
    return fold(word) in _first_names()[0]


@cache
def _countries() -> frozenset[str]:
    # Two-letter codes are countries and territories; numeric ones are regions ("Europe").
    return frozenset(fold(name) for code, name in Locale("fr").territories.items()
                     if len(code) == 2 and code.isalpha())


@cache
def country_names() -> dict[str, list[str]]:
    """The French names of the countries and territories people live in (those with an
    official language in CLDR: not "Union européenne", "Nations Unies" or "zone euro"),
    as written, by their first word, longest first; a name written with "’" is also
    given with "'".

    >>> country_names()["Royaume-Uni"], country_names()["Côte"]
    (['Royaume-Uni'], ['Côte d’Ivoire', "Côte d'Ivoire"])
    """
    by_word: dict[str, list[str]] = {}
    for code, name in Locale("fr").territories.items():
        if len(code) == 2 and code.isalpha() and get_official_languages(code):
            for written in dict.fromkeys([name, name.replace("’", "'")]):
                by_word.setdefault(written.split()[0], []).append(written)
    return {word: sorted(names, key=len, reverse=True) for word, names in by_word.items()}


def is_country(name: str) -> bool:
    """True for a country's French name, folded or not.

    >>> is_country("Belgique"), is_country("etats unis"), is_country("Berne")
    (True, True, False)
    """
    return fold(name) in _countries()
