"""Link entities that are mentioned close to each other.

A *window* says what "close" means: the same sentence, paragraph or document, or at most
N tokens apart. Each edge gets every association measure (see `entity_graph.graph.association`), and
`weight` is the one asked for.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, get_args

import networkx as nx
import numpy as np

from entity_graph.graph.association import jaccard, npmi, pmi
from entity_graph.graph.attributes import Evidence, LinkTables, format_evidence, links_from
from entity_graph.graph.timeline import spells

if TYPE_CHECKING:  # graph/ only needs the shapes of pipeline/'s records
    from entity_graph.pipeline.extraction.records import DocRecord
    from entity_graph.pipeline.extraction.relations import SentenceRelation
    from entity_graph.pipeline.merging.entities import EntityTable

UNITS = ("sentence", "paragraph", "document")
Weight = Literal["count", "documents", "pmi", "npmi", "jaccard"]
WEIGHTS: tuple[str, ...] = get_args(Weight)

Window = str | int  # "sentence", "paragraph", "document", or a number of tokens
Spell = tuple[str, str]  # first and last day, ISO


class Said(NamedTuple):
    """What the corpus says links two entities: `source` -`predicate`-> `target`, or,
    not `directed`, the two together (ids in `link` order)."""

    source: str
    predicate: str
    target: str
    directed: bool = True


Stated = tuple[str, str, str, bool, int]  # a `Said`, and how many sentences say it


def link(a: str, b: str) -> tuple[str, str]:
    """The key of the link between two nodes: their ids in order.

    >>> link("b", "a")
    ('a', 'b')
    """
    return (a, b) if a <= b else (b, a)


@dataclass
class Attachments:
    """What belongs to a graph's nodes and links but is no attribute that networkx's
    writers accept, being a list: each link's evidence sentences and the timeline spells
    of each node and link. Links are keyed by `link`. (On the graph itself, `evidence` is
    the same sentences as one string, see `format_evidence`.)"""

    evidence: dict[tuple[str, str], list[Evidence]] = field(default_factory=dict)
    spells: dict[str | tuple[str, str], list[Spell]] = field(default_factory=dict)
    # With relations: what links each pair, most said first (see `Said`, `Stated`).
    relations: dict[tuple[str, str], list[Stated]] = field(default_factory=dict)

    def evidence_of(self, a: str, b: str) -> list[Evidence]:
        return self.evidence.get(link(a, b), [])

    def relations_of(self, a: str, b: str) -> list[Stated]:
        return self.relations.get(link(a, b), [])

    def spells_of(self, a: str, b: str | None = None) -> list[Spell]:
        """The spells of node `a`, or of the link between `a` and `b`."""
        return self.spells.get(a if b is None else link(a, b), [])


def parse_window(value: str | int) -> Window:
    """"sentence", "paragraph", "document", or a number of tokens.

    >>> parse_window("paragraph"), parse_window("10")
    ('paragraph', 10)
    """
    if isinstance(value, bool):
        raise ValueError(f"unknown window {value!r}")
    if isinstance(value, int) or str(value).isdigit():
        if int(value) < 1:
            raise ValueError(f"a token window must be at least 1, not {value}")
        return int(value)
    if value not in UNITS:
        raise ValueError(f"unknown window {value!r}: use {', '.join(UNITS)} or a number of tokens")
    return value


@dataclass
class PairCounts:
    """One pair's windows, documents (by position), dates and example sentences."""

    count: int = 0
    documents: set[int] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    evidence: list[Evidence] = field(default_factory=list)


def _contexts_in(record: DocRecord, window: Window) -> int:
    """How many contexts (for PMI) the document holds."""
    if window == "document":
        return 1
    if isinstance(window, int):
        last = max((m.token for m in record.mentions), default=-1)
        return max(record.tokens, last + 1)
    last = max((getattr(m, window) for m in record.mentions), default=-1)
    count = record.sentence_count if window == "sentence" else record.paragraph_count
    return max(count, last + 1)


Cooccurrence = tuple[str, str, set[int], set[int]]  # a, b, and the sentences of each


def _unit_cooccurrences(mentions: list, unit: str) -> tuple[Counter, Iterator[Cooccurrence]]:
    contexts: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for entity_id, mention in mentions:
        key = 0 if unit == "document" else getattr(mention, unit)
        contexts[key][entity_id].add(mention.sentence)
    occurrences = Counter(entity_id for context in contexts.values() for entity_id in context)
    pairs = ((a, b, context[a], context[b]) for context in contexts.values()
             for a, b in combinations(sorted(context), 2))
    return occurrences, pairs


def _token_cooccurrences(mentions: list, tokens: int) -> tuple[Counter, Iterator[Cooccurrence]]:
    ordered = sorted(mentions, key=lambda pair: pair[1].token)
    occurrences = Counter(entity_id for entity_id, _ in ordered)

    def pairs() -> Iterator[Cooccurrence]:
        for i, (a, first) in enumerate(ordered):
            for b, second in ordered[i + 1:]:
                if second.token - first.token > tokens:
                    break
                if a != b:
                    (a2, sa), (b2, sb) = sorted([(a, first.sentence), (b, second.sentence)])
                    yield a2, b2, {sa}, {sb}
    return occurrences, pairs()


def _evidence_text(record: DocRecord, sentences_a: set[int], sentences_b: set[int],
                   said: dict[int, str] | None = None) -> tuple[str, str]:
    """A sentence naming both entities (one that says what links them, when `said`
    gives the predicates said by sentence), or else the two closest sentences naming
    each; and the predicate it says ("" for none)."""
    common = sentences_a & sentences_b
    if said and common & said.keys():
        number = min(common & said.keys())
        return record.sentences.get(number, ""), said[number]
    if common:
        chosen = [min(common)]
    else:
        sa, sb = min(((sa, sb) for sa in sentences_a for sb in sentences_b),
                     key=lambda p: (abs(p[0] - p[1]), p))
        chosen = sorted((sa, sb))
    texts = [record.sentences[s] for s in chosen if s in record.sentences]
    return (" … ".join(texts) if len(texts) == len(chosen) else ""), ""


def stated_relations(record: DocRecord, table: EntityTable,
                     ) -> list[tuple[SentenceRelation, Said]]:
    """The relations that the record's sentences state between two different entities
    of `table`: each as the record keeps it and as a `Said` between entity ids."""
    found = []
    for relation in record.relations:
        a = table.entity_of(record.mentions[relation.subject])
        b = table.entity_of(record.mentions[relation.object])
        if a is None or b is None or a == b:
            continue
        if not relation.directed:
            a, b = link(a, b)
        found.append((relation, Said(a, relation.predicate, b, relation.directed)))
    return found


@dataclass
class Counts:
    """What one pass over the records counts: contexts (windows) in all, each entity's
    occurrences in them, the documents (by position) and dates naming it, and each pair."""

    contexts: int = 0
    occurrences: Counter[str] = field(default_factory=Counter)
    documents: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    dates: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    pairs: dict[tuple[str, str], PairCounts] = field(
        default_factory=lambda: defaultdict(PairCounts))
    # Sentences saying each relation, by pair (`link`); empty without relations.
    relations: dict[tuple[str, str], Counter[Said]] = field(
        default_factory=lambda: defaultdict(Counter))


def count_cooccurrences(records: Iterable[DocRecord], table: EntityTable, *,
                        window: Window = "sentence", evidence: int = 3, start: int = 0,
                        ) -> Counts:
    """Count entities and pairs of entities window by window, keeping up to `evidence`
    distinct example sentences per pair (one pass over the records). Documents are
    numbered from `start`: counts of consecutive parts of a corpus merge
    (`merge_counts`) into the counts of the whole."""
    counts = Counts()
    for index, record in enumerate(records, start=start):
        mentions = table.resolve(record.mentions)
        for entity_id, _ in mentions:
            counts.documents[entity_id].add(index)
            if record.date:
                counts.dates[entity_id].add(record.date)
        counts.contexts += _contexts_in(record, window)
        if isinstance(window, int):
            seen, found = _token_cooccurrences(mentions, window)
        else:
            seen, found = _unit_cooccurrences(mentions, window)
        counts.occurrences.update(seen)
        said: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
        for relation, stated in stated_relations(record, table):
            key = link(stated.source, stated.target)
            counts.relations[key][stated] += 1
            said[key].setdefault(relation.sentence, stated.predicate)
        for a, b, sentences_a, sentences_b in found:
            pair = counts.pairs[(a, b)]
            pair.count += 1
            pair.documents.add(index)
            if record.date:
                pair.dates.add(record.date)
            if len(pair.evidence) < evidence:
                text, predicate = _evidence_text(record, sentences_a, sentences_b,
                                                 said.get((a, b)))
                if text and all(text != kept[2] for kept in pair.evidence):
                    pair.evidence.append((record.id, record.date or "", text, predicate))
    return counts


def merge_counts(first: Counts, second: Counts, *, evidence: int = 3) -> Counts:
    """The counts of two consecutive parts of a corpus, `second` after `first`, as one
    pass over both would give them (the evidence: the first `evidence` distinct
    sentences, in corpus order). `first` is updated and returned.

    >>> from collections import Counter
    >>> a, b = Counts(1, Counter(x=1)), Counts(2, Counter(x=2, y=1))
    >>> a.pairs[("x", "y")] = PairCounts(1, {0}, set(), [("d0", "", "S", "")])
    >>> b.pairs[("x", "y")] = PairCounts(1, {1}, set(), [("d1", "", "S", ""),
    ...                                                  ("d1", "", "T", "voir")])
    >>> merged = merge_counts(a, b)
    >>> merged.contexts, merged.occurrences["x"], merged.pairs[("x", "y")].evidence
    (3, 3, [('d0', '', 'S', ''), ('d1', '', 'T', 'voir')])
    """
    first.contexts += second.contexts
    first.occurrences.update(second.occurrences)
    for entity, documents in second.documents.items():
        first.documents[entity] |= documents
    for entity, dates in second.dates.items():
        first.dates[entity] |= dates
    for key, said in second.relations.items():
        first.relations[key].update(said)
    for key, pair in second.pairs.items():
        kept = first.pairs[key]
        kept.count += pair.count
        kept.documents |= pair.documents
        kept.dates |= pair.dates
        texts = {example[2] for example in kept.evidence}
        for example in pair.evidence:
            if len(kept.evidence) >= evidence:
                break
            if example[2] not in texts:
                kept.evidence.append(example)
                texts.add(example[2])
    return first


def cooccurrence_graph(records: Iterable[DocRecord], table: EntityTable, *,
                       window: Window = "sentence", weight: str = "count",
                       evidence: int = 3, attachments: Attachments | None = None,
                       relations: bool = False) -> nx.Graph:
    """Build the entity graph: one node per entity, one edge per pair of entities that
    occur together in at least one window.

    Every attribute is an int, a float or a string, so networkx's own writers take the
    graph as it is. Node attributes: `label`, `type`, `mentions`, `documents`, `aliases`
    (" | "-joined), and, when documents have dates, `first_seen` and `last_seen`.
    Edge attributes: `count` (windows shared; for token windows, pairs of mentions at most
    N tokens apart), `documents` (documents where they are shared), `pmi`, `npmi`,
    `jaccard` (over the documents naming each), `weight` (the measure named by `weight`;
    PMI and NPMI below 0 count as 0), `evidence` (up to `evidence` examples, one a line,
    see `format_evidence`), and dates as for nodes. Given `attachments`, it is filled with
    the evidence as (document id, date, sentence, predicate) tuples and the timeline
    spells. With `relations`, see `graph_from_counts`.

    >>> from entity_graph.pipeline.merging.entities import build_entities
    >>> from entity_graph.pipeline.extraction.records import DocRecord, RecordMention as M
    >>> record = DocRecord("d1", None, None, None, "", 0, 9, [
    ...     M(0, 4, "Musk", "PER", "Musk", 0), M(8, 13, "Chine", "LOC", "Chine", 0)],
    ...     sentences={0: "Musk en Chine."})
    >>> g = cooccurrence_graph([record], build_entities([record]), window="document")
    >>> g.edges["musk-per", "chine-loc"]["count"], g.nodes["musk-per"]["label"]
    (1, 'Musk')
    >>> g.edges["musk-per", "chine-loc"]["evidence"]
    'd1: Musk en Chine.'
    """
    window = parse_window(window)
    counts = count_cooccurrences(records, table, window=window, evidence=evidence)
    return graph_from_counts(counts, table, window=window, weight=weight,
                             attachments=attachments, relations=relations)


def graph_from_counts(counts: Counts, table: EntityTable, *, window: Window = "sentence",
                      weight: str = "count", attachments: Attachments | None = None,
                      relations: bool = False, keep: nx.Graph | None = None) -> nx.Graph:
    """The entity graph of `counts` (see `cooccurrence_graph`): count once, then build
    the graph under several weights. With `relations` (the records were extracted with
    them), every link also gets `predicate`, `relations` and `relation_count` (see
    `relation_attributes`). With `keep`, a pruned `weighted_skeleton` of the same counts,
    only its nodes and links are built, each link with the attributes pruning gave it
    (the backbone's `disparity`): the links pruned away never cost their evidence, dates
    and relations."""
    graph, _ = _graph_and_edges(counts, table, window=window, weight=weight,
                                attachments=attachments, relations=relations, keep=keep)
    return graph


def graph_and_links(counts: Counts, table: EntityTable, *, window: Window = "sentence",
                    weight: str = "count", attachments: Attachments | None = None,
                    relations: bool = False, keep: nx.Graph | None = None,
                    ) -> tuple[nx.Graph, LinkTables]:
    """`graph_from_counts`, and the graph's links a column at a time, exactly as
    `attributes.link_tables` would read them back from the graph (the same links in the
    same order, each with the same end first), but made from the links the graph was
    built from: on the dev corpus's document window, reading 432,000 links back from
    networkx took 2 s.

    >>> from collections import Counter
    >>> from entity_graph.pipeline.merging.entities import Entity, EntityTable
    >>> table = EntityTable({n: Entity(n, n, "PER", 2, 1, [n], {}) for n in "ba"}, {}, set(), [])
    >>> counts = Counts(4, Counter(a=2, b=2), {"a": {0}, "b": {0}})
    >>> counts.pairs[("a", "b")] = PairCounts(2, {0})
    >>> graph, links = graph_and_links(counts, table)
    >>> [(a, b) for a, b, _ in links.edges], links.edge_table["count"], list(graph.edges)
    ([('b', 'a')], [2], [('b', 'a')])
    """
    graph, edges = _graph_and_edges(counts, table, window=window, weight=weight,
                                    attachments=attachments, relations=relations, keep=keep)
    return graph, _links_in_graph_order(graph, edges)


def _graph_and_edges(counts: Counts, table: EntityTable, *, window: Window, weight: str,
                     attachments: Attachments | None, relations: bool, keep: nx.Graph | None,
                     ) -> tuple[nx.Graph, list[tuple[str, str, dict]]]:
    """`graph_from_counts`, and the links in the order they were added to the graph."""
    if weight not in WEIGHTS:
        raise ValueError(f"unknown weight {weight!r}: use one of {', '.join(WEIGHTS)}")
    dates_of = counts.dates
    attachments = attachments if attachments is not None else Attachments()
    dated = any(dates_of.values())
    graph = nx.Graph(window=str(window), weight=weight)
    for entity in table.entities.values():
        if keep is not None and entity.id not in keep:
            continue
        graph.add_node(entity.id, label=entity.label, type=entity.type,
                       mentions=entity.mentions, documents=entity.documents,
                       aliases=" | ".join(entity.aliases))
        if dated:
            graph.nodes[entity.id].update(_seen(dates_of[entity.id]))
            attachments.spells[entity.id] = spells(dates_of[entity.id])
    keys = list(counts.pairs) if keep is None else \
        [key for key in counts.pairs if keep.has_edge(*key)]
    measures = link_measures(counts, keys)
    no_relations: Counter[Said] = Counter()
    edges = []
    for (a, b), count, documents, pmi_value, npmi_value, jaccard_value, chosen_value \
            in zip(keys, *measures.values(), link_weights(measures, weight), strict=True):
        pair = counts.pairs[(a, b)]
        data = {"count": count, "documents": documents, "pmi": pmi_value, "npmi": npmi_value,
                "jaccard": jaccard_value, "weight": chosen_value,
                "evidence": format_evidence(pair.evidence)}
        key = link(a, b)
        attachments.evidence[key] = pair.evidence
        if relations:
            stated = most_said(counts.relations.get((a, b), no_relations))
            data.update(relation_attributes(stated, table))
            if stated:
                attachments.relations[key] = stated
        if dated:
            data.update(_seen(pair.dates))
            attachments.spells[key] = spells(pair.dates)
        if keep is not None:
            data.update((name, value) for name, value in keep.edges[a, b].items()
                        if name not in data)
        edges.append((a, b, data))
    graph.add_edges_from(edges)
    return graph, edges


def _links_in_graph_order(graph: nx.Graph, edges: list[tuple[str, str, dict]]) -> LinkTables:
    """The `LinkTables` of `graph`, made from the `edges` it was built from (in the order
    they were added) as networkx's `graph.edges` lists them: by the first of their ends
    among the graph's nodes, then in the order added, that end first."""
    position = {node: number for number, node in enumerate(graph)}
    first = np.fromiter((min(position[a], position[b]) for a, b, _ in edges), dtype=np.int64,
                        count=len(edges))
    order = np.argsort(first, kind="stable").tolist()
    ordered = [(a, b, data) if position[a] < position[b] else (b, a, data)
               for a, b, data in (edges[i] for i in order)]
    return links_from(ordered)


def weighted_skeleton(counts: Counts, table: EntityTable, *, weight: str = "count",
                      least_count: int = 1) -> nx.Graph:
    """The graph of `counts` with only what pruning looks at: each node's `mentions`,
    each link's `weight` and `count`. Pruned (see `graph.pruning`), it says which nodes and
    links `graph_from_counts(..., keep=...)` builds in full. With `least_count`, only the
    links counted at least that often, without the entities left with none: what
    `pruning.cap_links` would keep, without making the links it drops.

    >>> from collections import Counter
    >>> from entity_graph.pipeline.merging.entities import Entity, EntityTable
    >>> table = EntityTable({n: Entity(n, n, "PER", 2, 1, [n], {}) for n in "ab"}, {}, set(), [])
    >>> counts = Counts(4, Counter(a=2, b=2), {"a": {0}, "b": {0}})
    >>> counts.pairs[("a", "b")] = PairCounts(2, {0})
    >>> skeleton = weighted_skeleton(counts, table)
    >>> skeleton.nodes["a"], skeleton.edges["a", "b"]
    ({'mentions': 2}, {'weight': 2, 'count': 2})
    """
    if weight not in WEIGHTS:
        raise ValueError(f"unknown weight {weight!r}: use one of {', '.join(WEIGHTS)}")
    skeleton = nx.Graph()
    skeleton.add_nodes_from((entity.id, {"mentions": entity.mentions})
                            for entity in table.entities.values())
    keys = [key for key, pair in counts.pairs.items() if pair.count >= least_count]
    chosen = link_weights(link_measures(counts, keys, [weight]), weight)
    skeleton.add_edges_from((a, b, {"weight": value, "count": counts.pairs[a, b].count})
                            for (a, b), value in zip(keys, chosen, strict=True))
    if least_count > 1:
        linked = {end for key in keys for end in key}
        skeleton.remove_nodes_from({end for key in counts.pairs for end in key} - linked)
    return skeleton


def link_weights(measures: dict[str, list], weight: str) -> list:
    """The links' `weight`: the measure named `weight` (see `link_measures`), PMI and
    NPMI below 0 (rarer together than by chance) as 0.

    >>> link_weights({"npmi": [0.5, -0.25]}, "npmi")
    [0.5, 0.0]
    """
    chosen = measures[weight]
    return [max(value, 0.0) for value in chosen] if weight in ("pmi", "npmi") else chosen


def link_measures(counts: Counts, keys: list[tuple[str, str]] | None = None,
                  names: Iterable[str] = WEIGHTS) -> dict[str, list]:
    """The measures `names` (by default every one of `WEIGHTS`) of the pairs `keys` of
    `counts` (by default all, in order), a list per measure in the order of `keys`; the
    association measures rounded to 4 decimals, computed for all pairs at once (see
    `association`).

    >>> from collections import Counter
    >>> counts = Counts(4, Counter(a=2, b=2), {"a": {0, 1}, "b": {1}})
    >>> counts.pairs[("a", "b")] = PairCounts(2, {1})
    >>> link_measures(counts, [("a", "b")])
    {'count': [2], 'documents': [1], 'pmi': [1.0], 'npmi': [1.0], 'jaccard': [0.5]}
    >>> link_measures(counts, [("a", "b")], ["npmi"])
    {'npmi': [1.0]}
    """
    wanted = set(names)
    occurrences, documents_of = counts.occurrences, counts.documents
    if keys is None:
        keys, pairs = list(counts.pairs), list(counts.pairs.values())
    else:
        pairs = [counts.pairs[key] for key in keys]
    together = [pair.count for pair in pairs]

    def rounded(values: Any) -> list[float]:
        return np.round(values, 4).tolist()

    measures: dict[str, list] = {}
    if "count" in wanted:
        measures["count"] = together
    if "documents" in wanted:
        measures["documents"] = [len(pair.documents) for pair in pairs]
    if wanted & {"pmi", "npmi"}:  # only what is asked: pruning needs one measure
        seen_a = [occurrences[a] for a, _ in keys]
        seen_b = [occurrences[b] for _, b in keys]
        if "pmi" in wanted:
            measures["pmi"] = rounded(pmi(together, seen_a, seen_b, counts.contexts))
        if "npmi" in wanted:
            measures["npmi"] = rounded(npmi(together, seen_a, seen_b, counts.contexts))
    if "jaccard" in wanted:
        in_documents_a = [len(documents_of[a]) for a, _ in keys]
        in_documents_b = [len(documents_of[b]) for _, b in keys]
        in_documents = [len(documents_of[a] & documents_of[b]) for a, b in keys]
        measures["jaccard"] = rounded(jaccard(in_documents, in_documents_a, in_documents_b))
    return measures


# The columns of `pair_table`: every pair counted, as `pairs.csv` and `pairs.parquet` hold it.
PAIR_COLUMNS = ("source", "target", "source_label", "target_label", "weight", "count",
                "documents", "pmi", "npmi", "jaccard", "first_seen", "last_seen", "in_graph")


def pair_table(counts: Counts, table: EntityTable, *, weight: str = "count",
               keep: nx.Graph | None = None) -> dict[str, list]:
    """Every pair of entities counted together, pruned or not, a column at a time
    (`PAIR_COLUMNS`, in the order pairs were counted): their ids in order (`link`) and
    labels, the chosen `weight` and every measure of `link_measures`, the dates they
    share ("" in an undated corpus), and `in_graph`, whether the pruned graph `keep`
    holds the link (all do without `keep`). What pruning leaves out of the graph stays
    here, without evidence.

    >>> from collections import Counter
    >>> from entity_graph.pipeline.merging.entities import Entity, EntityTable
    >>> table = EntityTable({n: Entity(n, n.upper(), "PER", 2, 1, [n], {}) for n in "abc"},
    ...                     {}, set(), [])
    >>> counts = Counts(4, Counter(a=2, b=2, c=1), {"a": {0}, "b": {0}, "c": {1}})
    >>> counts.pairs[("b", "a")] = PairCounts(2, {0})
    >>> counts.pairs[("a", "c")] = PairCounts(1, {1})
    >>> pairs = pair_table(counts, table, keep=nx.Graph([("a", "b")]))
    >>> pairs["source"], pairs["target_label"], pairs["weight"], pairs["in_graph"]
    (['a', 'a'], ['B', 'C'], [2, 1], [True, False])
    """
    if weight not in WEIGHTS:
        raise ValueError(f"unknown weight {weight!r}: use one of {', '.join(WEIGHTS)}")
    keys = counts.pairs.keys()
    measures = link_measures(counts)
    ends = [link(a, b) for a, b in keys]
    labels = {entity_id: entity.label for entity_id, entity in table.entities.items()}
    shared = [pair.dates for pair in counts.pairs.values()] if any(counts.dates.values()) \
        else [()] * len(keys)
    return {
        "source": [a for a, _ in ends], "target": [b for _, b in ends],
        "source_label": [labels[a] for a, _ in ends],
        "target_label": [labels[b] for _, b in ends],
        "weight": link_weights(measures, weight), **measures,
        "first_seen": [min(dates) if dates else "" for dates in shared],
        "last_seen": [max(dates) if dates else "" for dates in shared],
        "in_graph": [True] * len(keys) if keep is None else _holds(keep, ends),
    }


def _holds(graph: nx.Graph, links: list[tuple[str, str]]) -> list[bool]:
    """Whether `graph` has each of `links` (each given as `link` orders its ends): one set
    lookup each, where `has_edge` took a few tenths of a second for 432,000 pairs.

    >>> _holds(nx.Graph([("b", "a")]), [("a", "b"), ("a", "c")])
    [True, False]
    """
    held = {link(a, b) for a, b in graph.edges}
    return [key in held for key in links]


def most_said(said: Counter[Said]) -> list[Stated]:
    """The relations of one pair, most said first (then by predicate and direction).

    >>> most_said(Counter({Said("a", "voir", "b"): 1, Said("b", "aider", "a"): 2}))
    [('b', 'aider', 'a', True, 2), ('a', 'voir', 'b', True, 1)]
    """
    return [(*relation, count) for relation, count in
            sorted(said.items(), key=lambda item: (-item[1], item[0].predicate, item[0]))]


def relation_attributes(stated: list[Stated], table: EntityTable) -> dict[str, str | int]:
    """A link's relations as plain attributes: `predicate`, the most said ("" for none);
    `relations`, each one on a line as "Elon Musk → rencontrer → Qin Gang (2)" ("—"
    for two entities that did something together); `relation_count`, the sentences
    saying any."""
    def label(node: str) -> str:
        entity = table.entities.get(node)
        return entity.label if entity is not None else node

    lines = [f"{label(source)} → {predicate} → {label(target)} ({count})" if directed
             else f"{label(source)} — {predicate} — {label(target)} ({count})"
             for source, predicate, target, directed, count in stated]
    return {"predicate": stated[0][1] if stated else "", "relations": "\n".join(lines),
            "relation_count": sum(item[4] for item in stated)}


def _seen(dates: set[str]) -> dict[str, str]:
    if not dates:
        return {"first_seen": "", "last_seen": ""}
    return {"first_seen": min(dates), "last_seen": max(dates)}
