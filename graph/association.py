"""How strongly two entities are associated, from co-occurrence counts.

All measures follow Church & Hanks (1990): a corpus is cut into `total` contexts
(sentences, paragraphs or documents; for a window of N tokens, the corpus's tokens),
`count_a` and `count_b` are the contexts where each entity occurs, `together` those where
both do. Logarithms are base 2.

Each function takes the counts of many pairs at once (arrays, or lists of numbers) and
gives an array of the measure, one value per pair: a graph of 400,000 links is weighted
in a few numpy operations rather than a Python call per link.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def _floats(values: ArrayLike) -> NDArray[np.float64]:
    return np.asarray(values, dtype=np.float64)


def pmi(together: ArrayLike, count_a: ArrayLike, count_b: ArrayLike, total: int,
        ) -> NDArray[np.float64]:
    """Pointwise mutual information: log2(P(a,b) / (P(a) P(b))). Positive when the two
    occur together more often than chance would have them.

    >>> pmi([2], [4], [4], 16).tolist()   # P(a,b) = 2/16, P(a) = P(b) = 4/16
    [1.0]
    """
    return np.log2(_floats(together) * total / (_floats(count_a) * _floats(count_b)))


def npmi(together: ArrayLike, count_a: ArrayLike, count_b: ArrayLike, total: int,
         ) -> NDArray[np.float64]:
    """PMI normalised to [-1, 1] (Bouma 2009): 1 when a and b only ever occur together,
    0 when independent.

    >>> npmi([2, 3], [4, 3], [4, 3], 16).round(4).tolist()  # 1 / -log2(2/16) = 1/3
    [0.3333, 1.0]
    >>> npmi([3], [3], [5], 3).tolist()   # in every context: 1 by definition
    [1.0]
    """
    together = np.minimum(_floats(together), total)
    everywhere = together == total
    # Where the pair fills every context the division is 0/0: that value is replaced.
    with np.errstate(divide="ignore", invalid="ignore"):
        values = pmi(together, count_a, count_b, total) / -np.log2(together / total)
    return np.where(everywhere, 1.0, values)


def jaccard(together: ArrayLike, count_a: ArrayLike, count_b: ArrayLike,
            ) -> NDArray[np.float64]:
    """Share of the contexts holding either entity that hold both.

    >>> jaccard([1, 0], [2, 0], [3, 0]).tolist()   # |A ∩ B| = 1, |A ∪ B| = 2 + 3 - 1
    [0.25, 0.0]
    """
    together = _floats(together)
    union = _floats(count_a) + _floats(count_b) - together
    return np.divide(together, union, out=np.zeros_like(together), where=union != 0)
