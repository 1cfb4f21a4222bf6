"""Merge resolved mentions into corpus-wide entities.

Two mentions are the same entity when their resolved names fold to the same key
(case, accents, hyphens and spacing ignored), or when a merge rule joins their names
(see `pipeline.merging.rules`). An entity's label is its most frequent name, its type the
majority of its mentions' labels (context cues count more), its id a slug of both. A name
the corpus only ever gives as a capitalised common word opening a sentence ("Avoine",
"Libéré", see `pipeline.rules.lexicon`) makes no entity.

Every alias keeps the way it joined its entity (`AliasOrigin`), for `entity-graph explain`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from entity_graph.pipeline.extraction.normalize import fold
from entity_graph.pipeline.extraction.records import DocRecord, RecordMention
from entity_graph.pipeline.merging.rules import (
    MERGE_RULES,
    Merge,
    MergeRule,
    NameStats,
    merge_chain,
    plan_merges,
    vote,
)

# How many of the model's votes one context cue ("M. X", "la société X") is worth.
CUE_WEIGHT = 5
_LEADING_ARTICLE = re.compile(r"\A(?:les?|la|l')\s*(?=\S)", re.IGNORECASE)

# How a name joins an entity before any merge rule (see `AliasOrigin`).
SAME_NAME = "same-name"
EXTRACTION = "extraction"
IN_DOCUMENT = "in-document"
FIRST_STEPS = {
    SAME_NAME: "the same name (case, accents, hyphens and spacing aside)",
    EXTRACTION: "given this name while reading the article (a curation file alias, or a "
                "woman's title kept)",
    IN_DOCUMENT: "short for the full name given in the same article",
}


@dataclass
class Entity:
    id: str
    label: str
    type: str
    mentions: int
    documents: int
    aliases: list[str]  # every surface form, most frequent first
    type_votes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class AliasOrigin:
    """How mentions written `alias` joined an entity: the rules, in order, each with the
    name it joined (no step: the alias is the entity's own name)."""

    entity_id: str
    alias: str
    mentions: int
    steps: tuple[tuple[str, str], ...] = ()  # (rule name, name joined)

    @property
    def rules(self) -> str:
        return " > ".join(rule for rule, _ in self.steps) or SAME_NAME


@dataclass
class EntityTable:
    """The corpus's entities, and the way from a mention's name to its entity."""

    entities: dict[str, Entity]  # by id
    key_to_id: dict[str, str]
    standalone: set[str] = field(default_factory=set)  # see `standalone`
    origins: list[AliasOrigin] = field(default_factory=list)  # most mentions first

    def id_of(self, name: str) -> str | None:
        """The id of the entity a name belongs to."""
        return self.key_to_id.get(fold(name))

    def entity_of(self, mention: RecordMention) -> str | None:
        """The id of a mention's entity (None for a mention that makes none)."""
        own = fold(mention.own)
        return self.key_to_id.get(own if own in self.standalone else fold(mention.name))

    def resolve(self, mentions: Iterable[RecordMention]) -> list[tuple[str, RecordMention]]:
        """The mentions that belong to an entity, each with its entity's id, in order."""
        found = []
        for mention in mentions:
            entity_id = self.entity_of(mention)
            if entity_id is not None:
                found.append((entity_id, mention))
        return found

    def __len__(self) -> int:
        return len(self.entities)


def slugify(text: str) -> str:
    """ASCII, lower-case, dash-separated form of a name.

    >>> slugify("États-Unis d'Amérique")
    'etats-unis-d-amerique'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _preferred(names: Counter[str]) -> str:
    """Most frequent name; on a tie, the one with more accents and capitals, then A-Z."""
    if len(names) == 1:  # most names are written one way only
        return next(iter(names))
    ranked = [((names[name], sum(not c.isascii() for c in name),
                sum(c.isupper() for c in name)), name) for name in names]
    best = max(rank for rank, _ in ranked)
    return min(name for rank, name in ranked if rank == best)


def standalone(alone: dict[str, set[str]], resolved: dict[str, set[str]]) -> set[str]:
    """Short names that are names in their own right: documents use them without the full
    name at least as often as with it. In a novel "Grandet" is the father even in a
    chapter that names "Eugénie Grandet"; in the news "Musk" nearly always follows
    "Elon Musk" in the same article.

    >>> standalone({"grandet": {"c1", "c2", "c3"}, "musk": {"a9"}},
    ...            {"grandet": {"c4", "c5"}, "musk": {"a1", "a2"}})
    {'grandet'}
    """
    return {key for key, documents in resolved.items()
            if len(alone.get(key, ())) >= len(documents)}


@dataclass
class _Group:
    """The mentions sharing one (own name, resolved name) pair of folded keys."""

    stats: NameStats = field(default_factory=NameStats)
    own_names: Counter[str] = field(default_factory=Counter)  # own names as written
    # (surface, the name it was given) of each mention: how it came to its name.
    given: Counter[tuple[str, str]] = field(default_factory=Counter)


def _group_mentions(records: Iterable[DocRecord],
                    ) -> tuple[dict[tuple[str, str], _Group], set[str]]:
    """Group every mention by its (own, resolved) keys; and the short names that are names
    in their own right (see `standalone`)."""
    groups: dict[tuple[str, str], _Group] = defaultdict(_Group)
    alone: dict[str, set[str]] = defaultdict(set)  # short name -> documents, unresolved
    resolved: dict[str, set[str]] = defaultdict(set)  # short name -> documents, resolved
    for record in records:
        for mention in record.mentions:
            own, key = fold(mention.own), fold(mention.name)
            group = groups[(own, key)]
            stats = group.stats
            stats.names[mention.name] += 1
            if own:
                group.own_names[mention.own] += 1
                resolved[own].add(record.id)
            else:
                alone[key].add(record.id)
            surface = " ".join(mention.text.split())
            stats.surfaces[surface] += 1
            group.given[(surface, mention.own or mention.name)] += 1
            stats.mentions += 1
            stats.votes[mention.label] += 1
            if mention.cue:  # "M. Homais", "la société X": context outweighs the model
                stats.votes[mention.cue] += CUE_WEIGHT
            stats.documents.add(record.id)
            stats.named = stats.named or not mention.common
    return groups, standalone(alone, resolved)


def _group_key(own: str, key: str, trusted: set[str]) -> str:
    """The name a group joins: its own name when that is a name in its own right, else
    the full name its documents resolved it to."""
    return own if own in trusted else key


def _corpus_names(groups: Mapping[tuple[str, str], _Group],
                  trusted: set[str]) -> dict[str, NameStats]:
    corpus: dict[str, NameStats] = defaultdict(NameStats)
    for (own, key), group in groups.items():
        stats = group.stats
        names = group.own_names if own in trusted else stats.names
        corpus[_group_key(own, key, trusted)].add(NameStats(
            names=names, surfaces=stats.surfaces, votes=stats.votes,
            documents=stats.documents, mentions=stats.mentions, named=stats.named))
    return dict(corpus)


def _absorb(target: NameStats, merged: NameStats, rule: MergeRule) -> None:
    """Count what the names of `merged` counted as the entity `target`'s."""
    if rule.drop_article:  # "La Chine" is written "Chine"
        for name, count in merged.names.items():
            target.names[_LEADING_ARTICLE.sub("", name)] += count
    # Other merged names only count as aliases, so the label stays the full name.
    target.surfaces.update(merged.surfaces)
    if rule.person:  # part of a person's full name: that person, whatever the model said
        target.votes["PER"] += merged.votes.total()
    else:
        target.votes.update(merged.votes)
    target.documents |= merged.documents
    target.mentions += merged.mentions
    target.named = target.named or merged.named


def apply_merges(corpus: dict[str, NameStats], merges: Mapping[str, Merge]) -> None:
    """Move what each merged name counted to the name it joins, in the order planned: an
    article variant first joins its bare name, which may then join another."""
    for old, merge in merges.items():
        new = merge.new if merge.new in corpus else merge_chain(merge.new, merges)[-1].new
        _absorb(corpus[new], corpus.pop(old), merge.rule)


def _entity_table(corpus: Mapping[str, NameStats], merges: Mapping[str, Merge],
                  trusted: set[str]) -> EntityTable:
    entities: dict[str, Entity] = {}
    key_to_id: dict[str, str] = {}
    for key in sorted(corpus):
        stats = corpus[key]
        if not stats.named:  # only ever a capitalised common word opening a sentence
            continue
        label = _preferred(stats.names)
        entity_type = vote(stats.votes)
        base = slugify(f"{label} {entity_type}") or f"entity-{len(entities)}"
        entity_id, n = base, 1
        while entity_id in entities:
            n += 1
            entity_id = f"{base}-{n}"
        entities[entity_id] = Entity(
            id=entity_id, label=label, type=entity_type, mentions=stats.mentions,
            documents=len(stats.documents),
            aliases=[surface for surface, _ in stats.surfaces.most_common()],
            type_votes=dict(stats.votes))
        key_to_id[key] = entity_id
    for old in merges:
        final = merge_chain(old, merges)[-1].new
        if final in key_to_id:
            key_to_id[old] = key_to_id[final]
    return EntityTable(entities=entities, key_to_id=key_to_id, standalone=trusted)


def alias_origins(groups: Mapping[tuple[str, str], _Group], table: EntityTable,
                  merges: Mapping[str, Merge], written: Mapping[str, str]) -> list[AliasOrigin]:
    """How each alias of each entity joined it (see `AliasOrigin`); `written` gives the
    preferred spelling of each name before the merges."""
    counts: Counter[tuple[str, str, tuple[tuple[str, str], ...]]] = Counter()
    for (own, key), group in groups.items():
        name = _group_key(own, key, table.standalone)
        entity_id = table.key_to_id.get(name)
        if entity_id is None:
            continue
        later: list[tuple[str, str]] = []
        if own and name != own:
            later.append((IN_DOCUMENT, written.get(key) or _preferred(group.stats.names)))
        later += [(merge.rule.name, written.get(merge.new, merge.new))
                  for merge in merge_chain(name, merges)]
        for (surface, given), count in group.given.items():
            first = [(EXTRACTION, given)] if fold(surface) != fold(given) else []
            counts[(entity_id, surface, tuple(first + later))] += count
    return [AliasOrigin(entity_id, alias, n, steps) for (entity_id, alias, steps), n
            in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def build_entities(records: Iterable[DocRecord],
                   rules: Iterable[MergeRule] = MERGE_RULES) -> EntityTable:
    """Group the mentions of all records into entities (one pass over the records), the
    merge `rules` applied in order.

    >>> from entity_graph.pipeline.extraction.records import RecordMention as M
    >>> record = DocRecord("d1", None, None, None, "", 0, 5, [
    ...     M(0, 9, "Elon Musk", "PER", "Elon Musk", 0),
    ...     M(20, 24, "Musk", "PER", "Elon Musk", 1, own="Musk"),
    ...     M(30, 38, "La Chine", "LOC", "La Chine", 1), M(50, 55, "Chine", "LOC", "Chine", 2)])
    >>> table = build_entities([record])
    >>> sorted((e.id, e.label, e.mentions) for e in table.entities.values())
    [('chine-loc', 'Chine', 2), ('elon-musk-per', 'Elon Musk', 2)]
    >>> table.entities["chine-loc"].aliases
    ['Chine', 'La Chine']
    >>> [(o.alias, o.rules) for o in table.origins if o.entity_id == "elon-musk-per"]
    [('Elon Musk', 'same-name'), ('Musk', 'in-document')]
    """
    groups, trusted = _group_mentions(records)
    corpus = _corpus_names(groups, trusted)
    written = {key: _preferred(stats.names) for key, stats in corpus.items()}
    merges = plan_merges(corpus, rules)
    apply_merges(corpus, merges)
    table = _entity_table(corpus, merges, trusted)
    table.origins = alias_origins(groups, table, merges, written)
    return table
