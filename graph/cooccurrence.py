"""Link entities that are mentioned in the same sentence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations
from typing import TYPE_CHECKING

import networkx as nx

if TYPE_CHECKING:  # graph/ only needs the shapes of pipeline/'s records
    from pipeline.entities import EntityTable
    from pipeline.extract import DocRecord


def cooccurrence_graph(records: Iterable[DocRecord], table: EntityTable, *,
                       evidence: int = 3) -> nx.Graph:
    """Build the entity graph: one node per entity, one edge per pair of entities that
    share at least one sentence.

    Node attributes: `label`, `type`, `mentions`, `documents`, `aliases` (" | "-joined).
    Edge attributes: `weight` (sentences shared), `documents` (documents where they are
    shared) and `evidence`, up to `evidence` example sentences as
    (document id, date, sentence) tuples.

    >>> from pipeline.entities import build_entities
    >>> from pipeline.extract import DocRecord, RecordMention as M
    >>> record = DocRecord("d1", None, None, None, "", 0, 9, [
    ...     M(0, 4, "Musk", "PER", "Musk", 0), M(8, 13, "Chine", "LOC", "Chine", 0)],
    ...     sentences={0: "Musk en Chine."})
    >>> g = cooccurrence_graph([record], build_entities([record]))
    >>> g.edges["musk-per", "chine-loc"]["weight"], g.nodes["musk-per"]["label"]
    (1, 'Musk')
    """
    graph = nx.Graph()
    for entity in table.entities.values():
        graph.add_node(entity.id, label=entity.label, type=entity.type,
                       mentions=entity.mentions, documents=entity.documents,
                       aliases=" | ".join(entity.aliases))

    weights: dict[tuple[str, str], int] = defaultdict(int)
    documents: dict[tuple[str, str], set[str]] = defaultdict(set)
    examples: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for record in records:
        per_sentence: dict[int, set[str]] = defaultdict(set)
        for mention in record.mentions:
            entity_id = table.id_of(mention.name)
            if entity_id is not None:
                per_sentence[mention.sentence].add(entity_id)
        for sentence, ids in per_sentence.items():
            for pair in combinations(sorted(ids), 2):
                weights[pair] += 1
                documents[pair].add(record.id)
                if len(examples[pair]) < evidence and sentence in record.sentences:
                    examples[pair].append((record.id, record.date or "",
                                           record.sentences[sentence]))

    for (a, b), weight in weights.items():
        graph.add_edge(a, b, weight=weight, documents=len(documents[(a, b)]),
                       evidence=examples.get((a, b), []))
    return graph
