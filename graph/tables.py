"""CSV tables of the graph, for spreadsheets and pandas.

Every text cell that a spreadsheet would run as a formula is neutralised the way OWASP
recommends (`spreadsheet_safe`): a leading apostrophe, which `raw_value` removes again.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import polars as pl

from entity_graph.graph.atomic import atomic_write
from entity_graph.graph.attributes import ABSENT, GraphTables, LinkTables, link_tables
from entity_graph.graph.attributes import columns as attribute_columns
from entity_graph.graph.cooccurrence import PAIR_COLUMNS, Attachments, link, stated_relations

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
# Rows converted to CSV text at a time: bounds the memory a big table needs, and keeps
# polars' buffers small enough to be reused (see `attributes.batches`).
_CSV_BATCH = 5_000


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
    cell), as CSV (see `_write_frames`), a batch of rows at a time (so no second copy of
    a whole big table is held)."""
    length = len(table[0]) if table else 0
    _write_frames(path, (
        pl.DataFrame([_column(name, values[rows])
                      for name, values in zip(columns, table, strict=True)])
        for rows in (slice(start, start + _CSV_BATCH)
                     for start in range(0, max(length, 1), _CSV_BATCH))))


def _write_frames(path: str | Path, frames: Iterable[pl.DataFrame]) -> None:
    """The rows of `frames`, one after the other, as CSV: comma, minimal quoting, CRLF
    line ends, as the csv module writes, with the header of the first frame; every text
    cell made safe for spreadsheets. polars turns them into text a column at a time
    outside Python: this is the bulk of writing a big table."""
    with atomic_write(path, "wb") as file:
        for number, frame in enumerate(frames):
            frame = frame.with_columns(_spreadsheet_safe_column(name)
                                       for name, kind in frame.schema.items()
                                       if kind == pl.String)
            frame.write_csv(file, include_header=number == 0, line_terminator="\r\n")


def raw_value(cell: str) -> str:
    """The value a CSV cell was made from (see `spreadsheet_safe`): without its first
    character when that is an apostrophe.

    >>> raw_value("'=SUM(A1)"), raw_value("''quoted"), raw_value("Paris")
    ('=SUM(A1)', "'quoted", 'Paris')
    """
    return cell[1:] if cell.startswith("'") else cell


def write_entities_csv(graph: nx.Graph, path: str | Path, *,
                       tables: GraphTables | None = None) -> None:
    """One row per node, most mentioned first (then by label). `tables`: the graph's
    (`graph_tables`), when already made."""
    if tables is not None:
        nodes, attributes = tables.nodes, tables.node_table
    else:  # only the nodes' columns: the links' cost far more to read
        nodes = list(graph.nodes(data=True))
        attributes = attribute_columns([data for _, data in nodes])
    ids = [node for node, _ in nodes]
    mentions = [0 if m is ABSENT else m for m in attributes.get("mentions", [0] * len(ids))]
    labels = [str(node) if label is ABSENT else label
              for node, label in zip(ids, attributes.get("label", [ABSENT] * len(ids)),
                                     strict=True)]
    order = sorted(range(len(ids)), key=lambda i: (-mentions[i], labels[i]))
    _write_table(path, ENTITY_COLUMNS, [[ids[i] for i in order], *(
        _ordered(attributes.get(name), order) for name in ENTITY_COLUMNS[1:])])


def _ordered(values: list | None, order: list[int]) -> list:
    """An attribute column (see `attributes.columns`) in `order`, None where a row has no
    value (or where no row has the attribute)."""
    if values is None:
        return [None] * len(order)
    if len(order) < 2:
        picked = [values[i] for i in order]
    else:  # picked in C: a Python loop per cell was most of writing a big edge table
        picked = list(operator.itemgetter(*order)(values))
    # By identity: `in` would compare with ==, which some values (arrays) refuse.
    return [None if value is ABSENT else value for value in picked] \
        if any(value is ABSENT for value in picked) else picked


def heaviest_first(tables: GraphTables | LinkTables) -> list[int]:
    """The positions of the links of `tables` (see `link_tables`), heaviest first (then
    by ids): the order of the rows of `edges.csv` and `evidence.csv`, found once for both.

    >>> g = nx.Graph(); g.add_edge("a", "b", weight=1); g.add_edge("b", "c", weight=3)
    >>> tables = link_tables(g)
    >>> [tables.edges[i][:2] for i in heaviest_first(tables)]
    [('b', 'c'), ('a', 'b')]
    """
    edges = tables.edges
    weights = [0 if w is ABSENT or w is None else w
               for w in tables.edge_table.get("weight", [0] * len(edges))]
    sources, targets = [a for a, _, _ in edges], [b for _, b, _ in edges]
    try:  # sorted outside Python: a second on a graph of 400,000 links otherwise
        frame = pl.DataFrame({"w": weights, "a": sources, "b": targets},
                             schema={"w": pl.Float64, "a": pl.String, "b": pl.String})
        return frame.with_row_index().sort(["w", "a", "b"], descending=[True, False, False],
                                           maintain_order=True)["index"].to_list()
    except (TypeError, pl.exceptions.PolarsError):  # ids that are not all text
        return sorted(range(len(edges)), key=lambda i: (-weights[i], sources[i], targets[i]))


def write_edges_csv(graph: nx.Graph, path: str | Path, *,
                    tables: GraphTables | LinkTables | None = None,
                    order: list[int] | None = None) -> None:
    """One row per edge, heaviest first (`order`, from `heaviest_first`); `evidence` is
    one example a line; with relations, `predicate`, `relation_count` and `relations`
    come before it. `tables`: the graph's (`link_tables`), when already made."""
    tables = tables or link_tables(graph)
    order = order if order is not None else heaviest_first(tables)
    labels = {node: label if label is not None else node
              for node, label in graph.nodes(data="label", default=None)}
    attributes = tables.edge_table
    columns = EDGE_COLUMNS[:-1] + [name for name in RELATION_ATTRIBUTES if name in attributes] \
        + EDGE_COLUMNS[-1:]
    sources = [tables.edges[i][0] for i in order]
    targets = [tables.edges[i][1] for i in order]
    _write_table(path, columns, [
        sources, targets, [labels[a] for a in sources], [labels[b] for b in targets],
        *(_ordered(attributes.get(name), order) for name in columns[4:])])


def write_evidence_csv(graph: nx.Graph, attachments: Attachments, path: str | Path, *,
                       tables: GraphTables | LinkTables | None = None,
                       order: list[int] | None = None) -> None:
    """One row per example sentence of each edge, heaviest edge first (see
    `write_edges_csv`)."""
    tables = tables or link_tables(graph)
    order = order if order is not None else heaviest_first(tables)
    evidence, edges = attachments.evidence, tables.edges
    _write_typed_rows(path, _EVIDENCE_SCHEMA, (
        (a, b, *example) for a, b, _ in map(edges.__getitem__, order)
        for example in evidence.get(link(a, b), ())))


def pair_frame(pairs: Mapping[str, Sequence]) -> pl.DataFrame:
    """The table of every pair counted (`cooccurrence.pair_table`) as a typed frame,
    heaviest first, then by ids: the rows of `write_pairs_csv` and `write_pairs_parquet`.

    >>> columns = {name: [None, None] for name in PAIR_COLUMNS}
    >>> columns.update(source=["a", "a"], target=["b", "c"], weight=[1, 3])
    >>> pair_frame(columns)["target"].to_list()
    ['c', 'b']
    """
    whole = all(type(value) is int for value in pairs["weight"])
    schema = {**dict.fromkeys(PAIR_COLUMNS, pl.String), "count": pl.Int64,
              "documents": pl.Int64, "weight": pl.Int64 if whole else pl.Float64,
              "pmi": pl.Float64, "npmi": pl.Float64, "jaccard": pl.Float64,
              "in_graph": pl.Boolean}
    frame = pl.DataFrame({name: list(pairs[name]) for name in PAIR_COLUMNS}, schema=schema)
    return frame.sort(["weight", "source", "target"], descending=[True, False, False])


def write_pairs_csv(frame: pl.DataFrame, path: str | Path) -> None:
    """One row per pair of entities counted together, pruned from the graph or not
    (`pair_frame`); `in_graph` is "true" or "false"."""
    _write_frames(path, (frame.slice(start, _CSV_BATCH)
                         for start in range(0, max(frame.height, 1), _CSV_BATCH)))


def write_pairs_parquet(frame: pl.DataFrame, path: str | Path) -> None:
    """The rows of `write_pairs_csv` as Parquet, every column typed (and no spreadsheet
    safety: no spreadsheet runs a Parquet cell)."""
    with atomic_write(path, "wb") as file:
        frame.write_parquet(file)


def _write_typed_rows(path: str | Path, schema: Mapping[str, type[pl.DataType]],
                      rows: Iterable[Sequence]) -> None:
    """Rows whose values are in the order of `schema`'s columns and of their types,
    streamed a batch at a time (see `_write_frames`): polars takes each batch as it is."""
    remaining = iter(rows)

    def frames() -> Iterator[pl.DataFrame]:
        while True:
            batch = list(itertools.islice(remaining, _CSV_BATCH))
            yield pl.DataFrame(batch, schema=dict(schema), orient="row")
            if len(batch) < _CSV_BATCH:
                return

    _write_frames(path, frames())


_EVIDENCE_SCHEMA = dict.fromkeys(EVIDENCE_COLUMNS, pl.String)
_ALIAS_SCHEMA = {**dict.fromkeys(ALIAS_COLUMNS, pl.String), "mentions": pl.Int64}
_DOCUMENT_SCHEMA = {**dict.fromkeys(DOCUMENT_COLUMNS, pl.String), "words": pl.Int64,
                    "mentions": pl.Int64}
_MENTION_SCHEMA = {**dict.fromkeys(MENTION_COLUMNS, pl.String), "start": pl.Int64,
                   "end": pl.Int64}
_RELATION_SCHEMA = {**dict.fromkeys(RELATION_COLUMNS, pl.String), "start": pl.Int64,
                    "end": pl.Int64}


def write_aliases_csv(table: EntityTable, path: str | Path) -> None:
    """One row per way an alias joined its entity (see `AliasOrigin`): `rules` and `via`
    list the merge rules and the names joined, in order, separated by " > "."""
    _write_typed_rows(path, _ALIAS_SCHEMA, (
        (origin.entity_id, table.entities[origin.entity_id].label, origin.alias,
         origin.mentions, origin.rules, " > ".join(name for _, name in origin.steps))
        for origin in table.origins))


def write_documents_csv(records: Iterable[DocRecord], table: EntityTable,
                        extracted: Mapping[str, str], path: str | Path) -> None:
    """One row per document: its metadata, words, mentions of the graph's entities and,
    for a text extracted from a web page or an export (`extracted`, by document id), that
    text: the one `mentions.csv` offsets refer to, which no corpus file holds."""
    _write_typed_rows(path, _DOCUMENT_SCHEMA, (
        (record.id, record.date or "", record.title or "", record.source or "",
         str(record.path), record.words, sum(1 for _ in table.resolve(record.mentions)),
         extracted.get(record.id, ""))
        for record in records))


def _mention_values(records: Iterable[DocRecord], table: EntityTable) -> Iterator[tuple]:
    for record in records:
        date, offset = record.date or "", record.offset
        for entity_id, m in table.resolve(record.mentions):
            yield (record.id, date, offset + m.start, offset + m.end, m.text, m.label,
                   entity_id)


def mention_rows(records: Iterable[DocRecord], table: EntityTable) -> Iterator[dict]:
    """One row (MENTION_COLUMNS) per mention that belongs to an entity. `start`/`end` are
    character offsets into the source: the decoded file for .txt/.md (so a `date` header
    line is counted), the `text` field for JSONL."""
    return (dict(zip(MENTION_COLUMNS, values, strict=True))
            for values in _mention_values(records, table))


def _relation_values(records: Iterable[DocRecord], table: EntityTable) -> Iterator[tuple]:
    for record in records:
        for relation, stated in stated_relations(record, table):
            a, b = stated.source, stated.target
            yield (a, relation.predicate, b, table.entities[a].label, table.entities[b].label,
                   "true" if relation.directed else "false",
                   "true" if relation.negated else "false", record.id, record.date or "",
                   record.offset + relation.start, record.offset + relation.end,
                   record.sentences.get(relation.sentence, ""))


def relation_rows(records: Iterable[DocRecord], table: EntityTable) -> Iterator[dict]:
    """One row (RELATION_COLUMNS) per relation stated between two different entities,
    in corpus order: the entity ids and labels, `directed` and `negated` as "true" or
    "false" (two entities that did something together are not directed, and come in
    id order), the document, and the sentence, with its character offsets into the
    source (as for mentions, see `mention_rows`)."""
    return (dict(zip(RELATION_COLUMNS, values, strict=True))
            for values in _relation_values(records, table))


def write_relations_csv(records: Iterable[DocRecord], table: EntityTable,
                        path: str | Path) -> None:
    """One row per relation stated (see `relation_rows`)."""
    _write_typed_rows(path, _RELATION_SCHEMA, _relation_values(records, table))


def write_mentions_csv(records: Iterable[DocRecord], table: EntityTable,
                       path: str | Path) -> None:
    """One row per mention (see `mention_rows`)."""
    _write_typed_rows(path, _MENTION_SCHEMA, _mention_values(records, table))
