"""CSV tables of the graph, for spreadsheets and pandas.

Every text cell that a spreadsheet would run as a formula is neutralised the way OWASP
recommends (`spreadsheet_safe`): a leading apostrophe, which `raw_value` removes again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import polars as pl

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


# The same rule as `spreadsheet_safe`, as expressions over a whole column (polars' regular
# expressions are Rust's: `\z` is Python's `\Z`).
_RISKY = r"^[=+\-@\t\r']"
_DIALOGUE_LINE = r"^-[ \x{a0}]+[^\W\d_][^=|]*\z"
# Rows converted to CSV text at a time: bounds the memory a big table needs.
_CSV_BATCH = 50_000


def _column(name: str, values: Sequence[object]) -> pl.Series:
    """A table column as polars takes it: values of one type (None for an empty cell) as
    they are, anything mixed as the text the csv module would write."""
    types = set(map(type, values))
    types.discard(type(None))
    if len(types) > 1 or not types <= {int, float, str}:
        values = [None if value is None else str(value) for value in values]
    return pl.Series(name, list(values), strict=False)


def _spreadsheet_safe_column(name: str) -> pl.Expr:
    """`spreadsheet_safe` on every cell of a text column; empty cells become nulls, which
    the writer leaves empty rather than quoted."""
    cell = pl.col(name)
    risky = cell.str.contains(_RISKY) & ~cell.str.contains(_DIALOGUE_LINE)
    return (pl.when(cell == "").then(None).when(risky).then(pl.lit("'") + cell)
            .otherwise(cell).alias(name))


def _write_table(path: str | Path, columns: list[str], table: Sequence[Sequence]) -> None:
    """A table given a column at a time, in the order of `columns` (None for an empty
    cell), as CSV: comma, minimal quoting, CRLF line ends, as the csv module writes; every
    text cell made safe for spreadsheets. polars turns a batch of rows at a time into
    text (so no second copy of a whole big table is held), a column at a time outside
    Python: this is the bulk of writing a big table."""
    length = len(table[0]) if table else 0
    with atomic_write(path, "wb") as file:
        for start in range(0, max(length, 1), _CSV_BATCH):
            rows = slice(start, start + _CSV_BATCH)
            frame = pl.DataFrame([_column(name, values[rows])
                                  for name, values in zip(columns, table, strict=True)])
            frame = frame.with_columns(_spreadsheet_safe_column(name)
                                       for name, kind in frame.schema.items()
                                       if kind == pl.String)
            text = frame.write_csv(include_header=start == 0, line_terminator="\r\n")
            file.write(text.encode("utf-8"))


def _write_rows(path: str | Path, columns: list[str], rows: Iterable[dict]) -> None:
    _write_lists(path, columns, ([row.get(name) for name in columns] for row in rows))


def _write_lists(path: str | Path, columns: list[str], rows: Iterable[Sequence]) -> None:
    """Rows given as lists in the order of `columns` (None for an empty cell)."""
    _write_table(path, columns, list(zip(*rows, strict=True)) or [()] * len(columns))


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


def edges_by_weight(graph: nx.Graph) -> list[tuple]:
    """The links with their data, heaviest first (then by ids): the rows of `edges.csv`
    and `evidence.csv`, sorted once for both.

    >>> g = nx.Graph(); g.add_edge("a", "b", weight=1); g.add_edge("b", "c", weight=3)
    >>> [(a, b) for a, b, _ in edges_by_weight(g)]
    [('b', 'c'), ('a', 'b')]
    """
    return sorted(graph.edges(data=True), key=lambda e: (-e[2].get("weight", 0), e[0], e[1]))


def write_edges_csv(graph: nx.Graph, path: str | Path, *,
                    order: list[tuple] | None = None) -> None:
    """One row per edge, heaviest first (`order`, from `edges_by_weight`); `evidence` is
    one example a line; with relations, `predicate`, `relation_count` and `relations`
    come before it."""
    edges = order if order is not None else edges_by_weight(graph)
    labels = {node: label if label is not None else node
              for node, label in graph.nodes(data="label", default=None)}
    first: dict = edges[0][2] if edges else {}
    columns = EDGE_COLUMNS[:-1] + [name for name in RELATION_ATTRIBUTES if name in first] \
        + EDGE_COLUMNS[-1:]
    sources = [a for a, _, _ in edges]
    targets = [b for _, b, _ in edges]
    table = [sources, targets, [labels[a] for a in sources], [labels[b] for b in targets]]
    table += [[data.get(name) for _, _, data in edges] for name in columns[4:]]
    _write_table(path, columns, table)


def write_evidence_csv(graph: nx.Graph, attachments: Attachments, path: str | Path, *,
                       order: list[tuple] | None = None) -> None:
    """One row per example sentence of each edge, heaviest edge first (see
    `write_edges_csv`)."""
    edges = order if order is not None else edges_by_weight(graph)
    _write_lists(path, EVIDENCE_COLUMNS, (
        (a, b, *example)
        for a, b, _ in edges
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
