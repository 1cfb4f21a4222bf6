"""How strongly two entities are associated, from co-occurrence counts.

All measures follow Church & Hanks (1990): a corpus is cut into `total` contexts
(sentences, paragraphs or documents; for a window of N tokens, the corpus's tokens),
`count_a` and `count_b` are the contexts where each entity occurs, `together` those where
both do. Logarithms are base 2.
"""

from __future__ import annotations

import math


def pmi(together: int, count_a: int, count_b: int, total: int) -> float:
    """Pointwise mutual information: log2(P(a,b) / (P(a) P(b))). Positive when the two
    occur together more often than chance would have them.

    >>> pmi(2, 4, 4, 16)   # P(a,b) = 2/16, P(a) = P(b) = 4/16
    1.0
    """
    return math.log2(together * total / (count_a * count_b))


def npmi(together: int, count_a: int, count_b: int, total: int) -> float:
    """PMI normalised to [-1, 1] (Bouma 2009): 1 when a and b only ever occur together,
    0 when independent.

    >>> npmi(2, 4, 4, 16)  # 1 / -log2(2/16) = 1/3
    0.3333333333333333
    >>> npmi(3, 3, 3, 10)
    1.0
    """
    together = min(together, total)
    if together == total:
        return 1.0
    return pmi(together, count_a, count_b, total) / -math.log2(together / total)


def jaccard(together: int, count_a: int, count_b: int) -> float:
    """Share of the contexts holding either entity that hold both.

    >>> jaccard(1, 2, 3)   # |A ∩ B| = 1, |A ∪ B| = 2 + 3 - 1
    0.25
    """
    union = count_a + count_b - together
    return together / union if union else 0.0
