"""CSV tables of the graph, for spreadsheets and pandas.

Every text cell that a spreadsheet would run as a formula is neutralised the way OWASP
recommends (`spreadsheet_safe`): a leading apostrophe, which `raw_value` removes again.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from entity_graph.graph.atomic import atomic_write
from entity_graph.graph.cooccurrence import Attachments, stated_relations

if TYPE_CHECKING:  # graph/ only needs the shapes of pipeline/'s records
    from entity_graph.pipeline.extraction.records import DocRecord
    from entity_graph.pipeline.merging.entities import EntityTable

ENTITY_COLUMNS = ["id", "label", "type", "mentions", "documents", "aliases", "degree",
                  "weighted_degree", "pagerank", "betweenness", "community", "first_seen",
                  "last_seen", "x", "y"]
EDGE_COLUMNS = ["source", "target", "source_label", "target_label", "weight", "count",
                "documents", "pmi", "npmi", "jaccard", "disparity", "first_seen", "last_seen",
                "evidence"]
RELATION_ATTRIBUTES = ["predicate", "relation_count", "relations"]  # links, with relations
EVIDENCE_COLUMNS = ["source", "target", "doc_id", "date", "sentence", "predicate"]
MENTION_COLUMNS = ["doc_id", "date", "start", "end", "text", "label", "entity_id"]
ALIAS_COLUMNS = ["entity_id", "label", "alias", "mentions", "rules", "via"]
# One row per relation a sentence states (see `relation_rows`): the triples, by entity
# id (the `id` of entities.csv), in the shape Neo4j's LOAD CSV takes.
RELATION_COLUMNS = ["source", "predicate", "target", "source_label", "target_label",
                    "directed", "negated", "doc_id", "date", "start", "end", "sentence"]
DOCUMENT_COLUMNS = ["id", "date", "title", "source", "path", "words", "mentions",
                    "extracted_text"]


# What makes a spreadsheet read a cell as a formula (OWASP, "CSV injection"), and the
# apostrophe that neutralises it, which must itself be escaped for the rule to be undone.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
# A line of dialogue, "- Bonjour, dit-il.", is text, and stays as written: a dash, a
# space, a letter, and nothing a formula or a DDE call needs.
_DIALOGUE = re.compile(r"-[ \u00a0]+[^\W\d_][^=|]*\Z", re.DOTALL)


def spreadsheet_safe(value: object) -> object:
    """A text cell a spreadsheet cannot take for a formula: one that begins with "=",
    "+", "-", "@", a tab, a carriage return, or an apostrophe gets an apostrophe in front
    (so the raw value is the cell without its first character whenever that is an
    apostrophe). Numbers, and lines of dialogue, are left as they are.

    >>> print(spreadsheet_safe('=HYPERLINK("http://x","y")'), spreadsheet_safe("'quoted"))
    '=HYPERLINK("http://x","y") ''quoted
    >>> spreadsheet_safe("- Bonjour, dit-il."), spreadsheet_safe(-0.5), spreadsheet_safe("-2+3")
    ('- Bonjour, dit-il.', -0.5, "'-2+3")
    """
    if type(value) is str and value.startswith(_FORMULA_STARTS) \
            and not _DIALOGUE.match(value):
        return "'" + value
    return value


_STARTS = frozenset(_FORMULA_STARTS)


def _safe(row: Iterable[object]) -> list[object]:
    # `spreadsheet_safe` inlined: this runs for every cell of the big tables.
    return [("'" + value if type(value) is str and value[:1] in _STARTS
             and not _DIALOGUE.match(value) else value) for value in row]


def _write_rows(path: str | Path, columns: list[str], rows: Iterable[dict]) -> None:
    _write_lists(path, columns, ([row.get(name, "") for name in columns] for row in rows))


def _write_lists(path: str | Path, columns: list[str], rows: Iterable[Sequence]) -> None:
    """Rows given as lists in the order of `columns`, every text cell made safe for
    spreadsheets (`spreadsheet_safe`)."""
    with atomic_write(path, newline="") as file:
        writer = csv.writer(file)
        writer.writerow(columns)
        writer.writerows(map(_safe, rows))


def raw_value(cell: str) -> str:
    """The value a CSV cell was made from (see `spreadsheet_safe`): without its first
    character when that is an apostrophe.

    >>> raw_value("'=SUM(A1)"), raw_value("''quoted"), raw_value("Paris")
    ('=SUM(A1)', "'quoted", 'Paris')
    """
    return cell[1:] if cell.startswith("'") else cell


def _nodes_by_importance(graph: nx.Graph) -> list:
    return sorted(graph, key=lambda n: (-graph.nodes[n].get("mentions", 0),
                                        graph.nodes[n].get("label", str(n))))


def write_entities_csv(graph: nx.Graph, path: str | Path) -> None:
    """One row per node, most mentioned first."""
    _write_rows(path, ENTITY_COLUMNS,
                ({"id": n, **graph.nodes[n]} for n in _nodes_by_importance(graph)))


def _edges_by_weight(graph: nx.Graph) -> list[tuple]:
    return sorted(graph.edges(data=True), key=lambda e: (-e[2].get("weight", 0), e[0], e[1]))


def write_edges_csv(graph: nx.Graph, path: str | Path) -> None:
    """One row per edge, heaviest first; `evidence` is one example a line; with
    relations, `predicate`, `relation_count` and `relations` come before it."""
    labels = {node: label for node, label in graph.nodes(data="label", default=None)}
    first: dict = next(iter(graph.edges(data=True)), (None, None, {}))[2]
    columns = EDGE_COLUMNS[:-1] + [name for name in RELATION_ATTRIBUTES if name in first] \
        + EDGE_COLUMNS[-1:]
    attributes = columns[4:]
    _write_lists(path, columns, (
        [a, b, labels[a] if labels[a] is not None else a,
         labels[b] if labels[b] is not None else b,
         *(data.get(name, "") for name in attributes)]
        for a, b, data in _edges_by_weight(graph)))


def write_evidence_csv(graph: nx.Graph, attachments: Attachments, path: str | Path) -> None:
    """One row per example sentence of each edge."""
    _write_lists(path, EVIDENCE_COLUMNS, (
        (a, b, *example)
        for a, b, _ in _edges_by_weight(graph)
        for example in attachments.evidence_of(a, b)
    ))


def write_aliases_csv(table: EntityTable, path: str | Path) -> None:
    """One row per way an alias joined its entity (see `AliasOrigin`): `rules` and `via`
    list the merge rules and the names joined, in order, separated by " > "."""
    _write_rows(path, ALIAS_COLUMNS, (
        {"entity_id": origin.entity_id, "label": table.entities[origin.entity_id].label,
         "alias": origin.alias, "mentions": origin.mentions, "rules": origin.rules,
         "via": " > ".join(name for _, name in origin.steps)}
        for origin in table.origins))


def write_documents_csv(records: Iterable[DocRecord], table: EntityTable,
                        extracted: Mapping[str, str], path: str | Path) -> None:
    """One row per document: its metadata, words, mentions of the graph's entities and,
    for a text extracted from a web page or an export (`extracted`, by document id), that
    text: the one `mentions.csv` offsets refer to, which no corpus file holds."""
    _write_lists(path, DOCUMENT_COLUMNS, (
        [record.id, record.date or "", record.title or "", record.source or "", record.path,
         record.words, sum(1 for _ in table.resolve(record.mentions)),
         extracted.get(record.id, "")]
        for record in records))


def mention_rows(records: Iterable[DocRecord], table: EntityTable) -> Iterator[dict]:
    """One row (MENTION_COLUMNS) per mention that belongs to an entity. `start`/`end` are
    character offsets into the source: the decoded file for .txt/.md (so a `date` header
    line is counted), the `text` field for JSONL."""
    for record in records:
        for entity_id, m in table.resolve(record.mentions):
            yield {"doc_id": record.id, "date": record.date or "",
                   "start": record.offset + m.start, "end": record.offset + m.end,
                   "text": m.text, "label": m.label, "entity_id": entity_id}


def relation_rows(records: Iterable[DocRecord], table: EntityTable) -> Iterator[dict]:
    """One row (RELATION_COLUMNS) per relation stated between two different entities,
    in corpus order: the entity ids and labels, `directed` and `negated` as "true" or
    "false" (two entities that did something together are not directed, and come in
    id order), the document, and the sentence, with its character offsets into the
    source (as for mentions, see `mention_rows`)."""
    for record in records:
        for relation, stated in stated_relations(record, table):
            a, b = stated.source, stated.target
            yield {"source": a, "predicate": relation.predicate, "target": b,
                   "source_label": table.entities[a].label,
                   "target_label": table.entities[b].label,
                   "directed": "true" if relation.directed else "false",
                   "negated": "true" if relation.negated else "false",
                   "doc_id": record.id, "date": record.date or "",
                   "start": record.offset + relation.start, "end": record.offset + relation.end,
                   "sentence": record.sentences.get(relation.sentence, "")}


def write_relations_csv(records: Iterable[DocRecord], table: EntityTable,
                        path: str | Path) -> None:
    """One row per relation stated (see `relation_rows`)."""
    _write_rows(path, RELATION_COLUMNS, relation_rows(records, table))


def write_mentions_csv(records: Iterable[DocRecord], table: EntityTable,
                       path: str | Path) -> None:
    """One row per mention (see `mention_rows`)."""
    _write_rows(path, MENTION_COLUMNS, mention_rows(records, table))
