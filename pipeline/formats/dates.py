"""Dates as people write them ("mardi 6 juin 2023", "06/06/2023", "June 6, 2023",
"2023-06-05T10:00:00Z") turned into the ISO dates the graph uses, at the precision they
were written with: a day, a month ("juin 2023" is "2023-06") or a year.

dateparser (the library htmldate and trafilatura use) does the parsing, in French first,
then English, day before month.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_ISO = re.compile(r"\A\s*(\d{4}-\d{2}(?:-\d{2})?)(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?\s*\Z")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
# A date inside a longer line: "International, mardi 6 juin 2023 812 mots, p. 3".
_WRITTEN_DATE = re.compile(
    r"\b\d{1,2}(?:er)?\.?\s+[^\W\d_]{3,}\.?\s+\d{4}\b"  # 6 juin 2023, 1er mars 2016
    r"|\b[^\W\d_]{3,}\.?\s+\d{1,2},?\s+\d{4}\b"  # June 6, 2023
    r"|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b")  # 06/06/2023


@cache
def _parser() -> Any:
    from dateparser.date import DateDataParser  # a second to import: only when needed

    return DateDataParser(languages=["fr", "en"], settings={
        "DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year"],
        "RETURN_TIME_AS_PERIOD": True})


@cache
def parse_date(text: str) -> str | None:
    """The ISO date `text` stands for, at its precision, or None.

    >>> parse_date("mardi 6 juin 2023"), parse_date("juin 2023"), parse_date("06/06/2023")
    ('2023-06-06', '2023-06', '2023-06-06')
    >>> parse_date("2023-06-05T10:00:00Z"), parse_date("1er janvier 2016"), parse_date("bientôt")
    ('2023-06-05', '2016-01-01', None)
    """
    text = " ".join(text.split())
    if not text or len(text) > 100:
        return None
    iso = _ISO.match(text)
    if iso:
        return iso.group(1)
    if not _YEAR.search(text):  # "hier", "lundi": relative to the run, not the article
        return None
    found = _parser().get_date_data(text)
    if found.date_obj is None:
        return None
    day = found.date_obj.date()
    if not 1000 <= day.year <= 2999:
        return None
    if found.period == "year":
        return f"{day.year:04d}"
    if found.period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def find_date(line: str) -> str | None:
    """The first date written in a longer line of text, or None.

    >>> find_date("International, mardi 6 juin 2023 812 mots, p. 3")
    '2023-06-06'
    """
    for match in _WRITTEN_DATE.finditer(line):
        date = parse_date(match.group(0))
        if date:
            return date
    return None
