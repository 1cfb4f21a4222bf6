"""Scores for entity extraction and merging, as plain functions on spans.

A span is (start, end, type); a gold span may carry the id of the real-world entity it
refers to (`qid`). Nothing here knows about spaCy or files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple


class Span(NamedTuple):
    start: int
    end: int
    type: str


@dataclass(frozen=True)
class PRF:
    """Counts and the precision / recall / F1 they give. Precision counts predicted spans
    that match, recall counts gold spans that are matched (the two differ in fuzzy mode,
    when one long gold span is covered by two predicted ones)."""

    matched_predicted: int
    predicted: int
    matched_gold: int
    gold: int

    @property
    def precision(self) -> float:
        return self.matched_predicted / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.matched_predicted + other.matched_predicted,
                   self.predicted + other.predicted,
                   self.matched_gold + other.matched_gold, self.gold + other.gold)

    def as_dict(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "predicted": self.predicted, "gold": self.gold}


def overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _matches(span: Span, others: Collection[Span], fuzzy: bool) -> bool:
    if fuzzy:
        return any(span.type == o.type and overlaps(span, o) for o in others)
    return span in others


def score_spans(gold: Sequence[Span], predicted: Sequence[Span], *, fuzzy: bool,
                types: Iterable[str] | None = None) -> dict[str, PRF]:
    """PRF per type and overall ("ALL"). Strict: same start, end and type. Fuzzy: same
    type and overlapping spans (the CLEF-HIPE convention).

    >>> gold = [Span(0, 9, "PER"), Span(13, 18, "LOC")]
    >>> predicted = [Span(3, 9, "PER"), Span(13, 18, "ORG")]
    >>> score_spans(gold, predicted, fuzzy=True)["ALL"].f1
    0.5
    >>> score_spans(gold, predicted, fuzzy=False)["ALL"].f1
    0.0
    """
    types = sorted(set(types) if types else {s.type for s in [*gold, *predicted]})
    gold_set, predicted_set = (gold, predicted) if fuzzy else (set(gold), set(predicted))
    good_predicted = [p for p in predicted if _matches(p, gold_set, fuzzy)]
    good_gold = [g for g in gold if _matches(g, predicted_set, fuzzy)]
    scores = {}
    for entity_type in types:
        scores[entity_type] = PRF(
            sum(1 for s in good_predicted if s.type == entity_type),
            sum(1 for s in predicted if s.type == entity_type),
            sum(1 for s in good_gold if s.type == entity_type),
            sum(1 for s in gold if s.type == entity_type))
    scores["ALL"] = PRF(len(good_predicted), len(predicted), len(good_gold), len(gold))
    return scores


def add_scores(a: dict[str, PRF], b: dict[str, PRF]) -> dict[str, PRF]:
    """Sum per-document counts into corpus counts (micro-average)."""
    return {key: a.get(key, PRF(0, 0, 0, 0)) + b.get(key, PRF(0, 0, 0, 0))
            for key in {**a, **b}}


def best_overlap(span: Span, others: Sequence[Span]) -> int | None:
    """Index of the span in `others` that shares most characters with `span`, if any.

    >>> best_overlap(Span(0, 10, ""), [Span(8, 20, ""), Span(0, 5, "")])
    1
    """
    best, best_shared = None, 0
    for index, other in enumerate(others):
        shared = min(span.end, other.end) - max(span.start, other.start)
        if shared > best_shared:
            best, best_shared = index, shared
    return best


def bcubed(pairs: Iterable[tuple[Hashable, Hashable]]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering.

    `pairs` holds one (predicted cluster, gold cluster) pair per item. Precision of an
    item: the share of its predicted cluster that is in its gold cluster; recall: the
    share of its gold cluster that is in its predicted cluster; both averaged over items.

    >>> [round(x, 3) for x in bcubed([("a", 1), ("a", 1), ("b", 1)])]  # one person split
    [1.0, 0.556, 0.714]
    >>> [round(x, 3) for x in bcubed([("a", 1), ("a", 2)])]            # two people merged
    [0.5, 1.0, 0.667]
    """
    pairs = list(pairs)
    if not pairs:
        return 0.0, 0.0, 0.0
    both: dict[tuple, int] = defaultdict(int)
    predicted_size: dict[Hashable, int] = defaultdict(int)
    gold_size: dict[Hashable, int] = defaultdict(int)
    for predicted, gold in pairs:
        both[(predicted, gold)] += 1
        predicted_size[predicted] += 1
        gold_size[gold] += 1
    precision = sum(n * n / predicted_size[p] for (p, _), n in both.items()) / len(pairs)
    recall = sum(n * n / gold_size[g] for (_, g), n in both.items()) / len(pairs)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
