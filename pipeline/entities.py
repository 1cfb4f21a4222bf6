"""Merge resolved mentions into corpus-wide entities.

Two mentions are the same entity when their resolved names fold to the same key
(case, accents, hyphens and spacing ignored). An entity's label is its most frequent
name, its type the majority of its mentions' labels, its id a slug of both.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.cleaning import fold
from pipeline.extract import DocRecord

TYPE_ORDER = ("PER", "ORG", "LOC", "MISC")
_CAPITALISED_ARTICLE = re.compile(r"\A(?:le|la|les|l) (?=\S)")
_LEADING_ARTICLE = re.compile(r"\A(?:les?|la|l')\s*(?=\S)", re.IGNORECASE)


@dataclass
class Entity:
    id: str
    label: str
    type: str
    mentions: int
    documents: int
    aliases: list[str]  # every surface form, most frequent first
    type_votes: dict[str, int] = field(default_factory=dict)


@dataclass
class EntityTable:
    """The corpus's entities, and the way from a mention's name to its entity."""

    entities: dict[str, Entity]  # by id
    key_to_id: dict[str, str]

    def id_of(self, name: str) -> str | None:
        """The id of the entity a resolved name belongs to."""
        return self.key_to_id.get(fold(name))

    def __len__(self) -> int:
        return len(self.entities)


def slugify(text: str) -> str:
    """ASCII, lower-case, dash-separated form of a name.

    >>> slugify("États-Unis d'Amérique")
    'etats-unis-d-amerique'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _vote(votes: Counter[str]) -> str:
    """The majority label; ties go to the first in TYPE_ORDER."""
    return max(votes, key=lambda t: (votes[t], -TYPE_ORDER.index(t) if t in TYPE_ORDER else -99))


def _preferred(names: Counter[str]) -> str:
    """Most frequent name; on a tie, the one with more accents and capitals, then A-Z."""
    def rank(name: str):
        return (names[name], sum(not c.isascii() for c in name), sum(c.isupper() for c in name))
    best = max(rank(name) for name in names)
    return min(name for name in names if rank(name) == best)


def merge_article_variants(keys: Iterable[str]) -> dict[str, str]:
    """Map "La Chine" to "Chine" when both exist; "Le Monde" alone stays "Le Monde".

    >>> merge_article_variants(["la chine", "chine", "le monde"])
    {'la chine': 'chine'}
    """
    keys = set(keys)
    return {key: _CAPITALISED_ARTICLE.sub("", key) for key in keys
            if _CAPITALISED_ARTICLE.match(key) and _CAPITALISED_ARTICLE.sub("", key) in keys}


def merge_partial_names(votes: dict[str, Counter[str]]) -> dict[str, str]:
    """Map a one-word person name to the one longer person name in the corpus that starts
    or ends with it ("Emma" -> "Emma Bovary"); leave it when there are several
    ("Bovary": Emma or Charles?). Keys are folded names, `votes` their type votes.

    >>> per = Counter({"PER": 1})
    >>> merge_partial_names({"emma": per, "emma bovary": per, "charles bovary": per,
    ...                      "bovary": per})
    {'emma': 'emma bovary'}
    """
    def is_person(key: str) -> bool:
        return _vote(votes[key]) == "PER"

    by_word: dict[str, set[str]] = defaultdict(set)
    for key in votes:
        words = key.split()
        if len(words) > 1 and is_person(key):
            by_word[words[0]].add(key)
            by_word[words[-1]].add(key)
    return {key: next(iter(by_word[key])) for key in votes
            if " " not in key and is_person(key) and len(by_word.get(key, ())) == 1}


def build_entities(records: Iterable[DocRecord]) -> EntityTable:
    """Group the mentions of all records into entities.

    >>> from pipeline.extract import RecordMention as M
    >>> record = DocRecord("d1", None, None, None, "", 0, 5, [
    ...     M(0, 9, "Elon Musk", "PER", "Elon Musk", 0), M(20, 24, "Musk", "PER", "Elon Musk", 1),
    ...     M(30, 38, "La Chine", "LOC", "La Chine", 1), M(50, 55, "Chine", "LOC", "Chine", 2)])
    >>> table = build_entities([record])
    >>> sorted((e.id, e.label, e.mentions) for e in table.entities.values())
    [('chine-loc', 'Chine', 2), ('elon-musk-per', 'Elon Musk', 2)]
    >>> table.entities["chine-loc"].aliases
    ['Chine', 'La Chine']
    """
    names: dict[str, Counter[str]] = defaultdict(Counter)
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    documents: dict[str, set[str]] = defaultdict(set)
    for record in records:
        for mention in record.mentions:
            key = fold(mention.name)
            names[key][mention.name] += 1
            surfaces[key][" ".join(mention.text.split())] += 1
            votes[key][mention.label] += 1
            documents[key].add(record.id)

    # "La Chine" is "Chine"; "Emma" is "Emma Bovary" (its names then only count as aliases,
    # so the label stays the full name).
    redirect = merge_article_variants(names)
    partial = {old: new for old, new in merge_partial_names(votes).items()
               if old not in redirect and new not in redirect}
    for old, new in [*redirect.items(), *partial.items()]:
        for name, count in names.pop(old).items():
            if old in redirect:
                names[new][_LEADING_ARTICLE.sub("", name)] += count
        surfaces[new].update(surfaces.pop(old))
        votes[new].update(votes.pop(old))
        documents[new] |= documents.pop(old)
    redirect.update(partial)

    entities: dict[str, Entity] = {}
    key_to_id: dict[str, str] = {}
    for key in sorted(names):
        label = _preferred(names[key])
        entity_type = _vote(votes[key])
        base = slugify(f"{label} {entity_type}") or f"entity-{len(entities)}"
        entity_id, n = base, 1
        while entity_id in entities:
            n += 1
            entity_id = f"{base}-{n}"
        entities[entity_id] = Entity(
            id=entity_id, label=label, type=entity_type,
            mentions=sum(votes[key].values()), documents=len(documents[key]),
            aliases=[surface for surface, _ in surfaces[key].most_common()],
            type_votes=dict(votes[key]),
        )
        key_to_id[key] = entity_id
    for old, new in redirect.items():
        key_to_id[old] = key_to_id[new]
    return EntityTable(entities=entities, key_to_id=key_to_id)
