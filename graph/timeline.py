"""Document dates as Gephi timeline intervals ("spells")."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from functools import cache


@cache  # a corpus has few distinct dates, and every dated node and link has spells
def date_span(date: str) -> tuple[str, str]:
    """The first and last day an ISO date stands for ("2023-06" is the whole of June).

    >>> date_span("2023-06"), date_span("2024"), date_span("2023-06-05")
    (('2023-06-01', '2023-06-30'), ('2024-01-01', '2024-12-31'), ('2023-06-05', '2023-06-05'))
    """
    parts = date.split("-")
    if len(parts) == 1:
        return f"{date}-01-01", f"{date}-12-31"
    if len(parts) == 2:
        last = calendar.monthrange(int(parts[0]), int(parts[1]))[1]
        return f"{date}-01", f"{date}-{last:02d}"
    return date, date


def spells(dates: Iterable[str]) -> list[tuple[str, str]]:
    """Non-overlapping intervals covering every date: Gephi refuses overlapping spells on
    one element, so overlapping ones are merged.

    >>> spells(["2023-06-05", "2023-06", "2023-08-01", "2023-08-01"])
    [('2023-06-01', '2023-06-30'), ('2023-08-01', '2023-08-01')]
    """
    distinct = set(dates)
    if len(distinct) == 1:  # most links of a big graph: nothing to sort or merge
        return [date_span(distinct.pop())]
    merged: list[tuple[str, str]] = []
    for start, end in sorted(date_span(d) for d in distinct):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
