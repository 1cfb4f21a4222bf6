"""Resolve short names to the full name they stand for, within one document.

"Musk" after "Elon Musk" in the same article is the same person: journalists give the
full name once, then the surname.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from pipeline.cleaning import fold


class Mention(NamedTuple):
    """A cleaned mention in a document. `name` is the name it refers to: its own text,
    or the full name it abbreviates."""

    start: int
    end: int
    label: str
    name: str


def alias_in_document(mentions: Sequence[Mention]) -> list[Mention]:
    """Point each surname-only mention to the one full person name it ends.

    A mention is resolved when its words are the last words of exactly one longer PER
    name in the document, whatever the model's label for it: in news, a surname
    tagged LOC or ORG next to the full name is far more often a model error than a
    place of the same name. Resolved mentions become PER.

    >>> found = alias_in_document([Mention(0, 9, "PER", "Elon Musk"),
    ...                            Mention(18, 22, "LOC", "Musk"),
    ...                            Mention(18, 22, "PER", "Musk")])
    >>> [(m.label, m.name) for m in found]
    [('PER', 'Elon Musk'), ('PER', 'Elon Musk'), ('PER', 'Elon Musk')]
    """
    full_names: dict[str, Counter[str]] = defaultdict(Counter)
    for mention in mentions:
        key = fold(mention.name)
        if mention.label == "PER" and len(key.split()) > 1:
            full_names[key][mention.name] += 1

    resolved = []
    for mention in mentions:
        words = fold(mention.name).split()
        key = " ".join(words)
        if key not in full_names:
            candidates = [
                full for full in full_names
                if len(full.split()) > len(words) and full.split()[-len(words):] == words
            ]
            if len(candidates) == 1:
                surface = full_names[candidates[0]].most_common(1)[0][0]
                mention = mention._replace(label="PER", name=surface)
        resolved.append(mention)
    return resolved
