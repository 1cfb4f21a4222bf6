"""Resolve short names to the full name they stand for, within one document.

"Musk" after "Elon Musk" in the same article is the same person: journalists give the
full name once, then the surname.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from entity_graph.pipeline.extraction.mentions import Mention
from entity_graph.pipeline.extraction.normalize import fold
from entity_graph.pipeline.rules.french import KEPT_HONORIFICS

# When several full names end with a surname, the one the text gives this many times more
# often than all the others together wins it ("Abraham Olano" three times, and a heading
# glued to his name, "Cyclisme Olano", once).
DOMINANT = 3


def is_titled(name: str) -> bool:
    """A name kept with its feminine title ("Mme Grandet", see `cleaning.person_title`):
    never the full name a surname stands for."""
    parts = name.split(" ", 1)
    return len(parts) == 2 and parts[0] in KEPT_HONORIFICS


def alias_in_document(mentions: Sequence[Mention]) -> list[Mention]:
    """Point each surname-only mention to the one full person name it ends.

    A mention is resolved when its words are the last words of exactly one longer PER
    name in the document, or of one given DOMINANT times more often than the others,
    whatever the model's label for it: in news, a surname tagged LOC or ORG next to the
    full name is far more often a model error than a place of the same name (but for the
    place a name says the person is from: "Saumur" next to "Grandet de Saumur"). Resolved
    mentions become PER.

    >>> found = alias_in_document([Mention(0, 9, "PER", "Elon Musk"),
    ...                            Mention(18, 22, "LOC", "Musk"),
    ...                            Mention(18, 22, "PER", "Musk")])
    >>> [(m.label, m.name) for m in found]
    [('PER', 'Elon Musk'), ('PER', 'Elon Musk'), ('PER', 'Elon Musk')]
    """
    full_names: dict[str, Counter[str]] = defaultdict(Counter)
    for mention in mentions:
        key = fold(mention.name)
        if mention.label == "PER" and len(key.split()) > 1 and not is_titled(mention.name):
            full_names[key][mention.name] += 1

    resolved = []
    for mention in mentions:
        # "Mme Merkel" may stand for "Angela Merkel": match on the name after the title.
        own = mention.name.split(" ", 1)[1] if is_titled(mention.name) else mention.name
        words = fold(own).split()
        key = " ".join(words)
        if key not in full_names and words:
            full = dominant([
                full for full in full_names
                if len(full.split()) > len(words) and full.split()[-len(words):] == words
                and (mention.label == "PER" or not _after_de(full, len(words)))
            ], full_names)
            if full:
                surface = full_names[full].most_common(1)[0][0]
                mention = mention._replace(label="PER", name=surface, own=mention.name)
        resolved.append(mention)
    return resolved


def _after_de(full: str, length: int) -> bool:
    """The last `length` words of `full` follow "de": where the person is from ("Grandet
    de Saumur"), so a place of that name alone is the place.

    >>> _after_de("grandet de saumur", 1), _after_de("adolphe des grassins", 1)
    (True, False)
    """
    words = full.split()
    return words[-length - 1] in ("de", "d'")


def dominant(candidates: Iterable[str], counts: Mapping[str, Counter[str]]) -> str | None:
    """The one candidate, or the one counted DOMINANT times more than all others together.

    >>> dominant(["a", "b"], {"a": Counter(x=6), "b": Counter(y=2)}), dominant([], {})
    ('a', None)
    """
    ranked = sorted(candidates, key=lambda key: (-counts[key].total(), key))
    if not ranked:
        return None
    rest = sum(counts[key].total() for key in ranked[1:])
    return ranked[0] if counts[ranked[0]].total() >= DOMINANT * rest else None
