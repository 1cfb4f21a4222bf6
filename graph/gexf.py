"""GEXF 1.3 that Gephi's own importer reads without a warning, written as a stream.

Colour, size and position are `viz` elements only (no duplicate `r`/`g`/`b`/`x`/`y`/
`size` columns); every other attribute is declared once with its type. With the spells
of a dated corpus the graph is dynamic: a day-dated spell covers that day and a
month-dated one the month (the last day included), so Gephi's timeline shows them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import IO

import networkx as nx
import polars as pl

from entity_graph.graph.atomic import atomic_write
from entity_graph.graph.attributes import (
    ABSENT,
    VIZ,
    GraphTables,
    Kind,
    cells,
    columns,
    corpus_description,
    graph_tables,
    value_text,
    write_rows,
    xml_attribute,
    xml_text,
    xml_text_expression,
)
from entity_graph.graph.cooccurrence import Attachments, link

_HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" '
           'version="1.3">\n')
# Column names of the writer's own columns: no attribute can be called that.
_ID, _LABEL, _SPELLS, _SOURCE, _TARGET, _WEIGHT, _INDEX = (
    f"\x00{name}" for name in ("id", "label", "spells", "source", "target", "weight", "index"))


@cache  # a corpus has few distinct dates, and every dated node and link has spells
def spell_end(last_day: str) -> str:
    """The end of a spell whose last day is `last_day`: the next day, so that the spell
    covers the whole of its last day (Gephi reads [day, day] as an instant).

    >>> spell_end("2023-06-30"), spell_end("1818-05-22")
    ('2023-07-01', '1818-05-23')
    """
    return (date.fromisoformat(last_day) + timedelta(days=1)).isoformat()


def _attributes(kinds: Mapping[str, Kind], domain: str) -> Iterator[str]:
    yield f'<attributes class="{domain}" mode="static">\n'
    for name, kind in kinds.items():
        quoted = xml_attribute(name)
        yield f'<attribute id={quoted} title={quoted} type="{kind}"/>\n'
    yield "</attributes>\n"


def _attvalues(kinds: Mapping[str, Kind]) -> list[pl.Expr]:
    """The parts of the `<attvalues>` element of a row's attributes (none when it has no
    value at all)."""
    if not kinds:
        return []
    present = pl.any_horizontal([pl.col(name).is_not_null() for name in kinds])
    return [pl.when(present).then(pl.lit("<attvalues>")).otherwise(pl.lit("")),
            *(cells(name, kind, f'<attvalue for={xml_attribute(name)} value="', '"/>',
                    attribute=True) for name, kind in kinds.items()),
            pl.when(present).then(pl.lit("</attvalues>")).otherwise(pl.lit(""))]


def _spells(spells: Iterable[tuple[str, str]] | None) -> str:
    if not spells:
        return ""
    return _spells_element(tuple(spells))


@lru_cache(maxsize=1 << 16)  # links share a few distinct spell lists: each written once
def _spells_element(spells: tuple[tuple[str, str], ...]) -> str:
    return "<spells>" + "".join(f'<spell start="{start}" end="{spell_end(end)}"/>'
                                for start, end in spells) + "</spells>"


def write_gexf_to(graph: nx.Graph, file: IO[bytes], *,
                  attachments: Attachments | None = None,
                  tables: GraphTables | None = None) -> None:
    """Stream `graph` as GEXF 1.3 (UTF-8) into a binary file, a batch of nodes or links at
    a time (`tables`: the graph's, when already made)."""
    spells = attachments.spells if attachments else {}
    dated = any(spells.values())
    tables = tables or graph_tables(graph)
    nodes, visuals = tables.nodes, tables.visuals
    node_table = tables.node_table
    node_kinds = {name: kind for name, kind in tables.node_kinds.items()
                  if name not in (*VIZ, "label")}
    edges, edge_table = tables.edges, tables.edge_table
    edge_kinds = {name: kind for name, kind in tables.edge_kinds.items() if name != "weight"}
    mode = 'mode="dynamic" timeformat="date"' if dated else 'mode="static"'
    file.write("".join([
        _HEADER, "<meta><creator>entity-graph</creator>"
        f"<description>{xml_text(corpus_description(graph))}</description></meta>\n",
        f'<graph defaultedgetype="undirected" {mode}>\n',
        *_attributes(node_kinds, "node"), *_attributes(edge_kinds, "edge"), "<nodes>\n",
    ]).encode())
    node_ids = [str(node) for node, _ in nodes]
    labels = node_table.get("label")
    positioned = "x" in node_table and "y" in node_table
    looks = columns([visuals[node] for node in node_ids])
    node_columns = {
        _ID: node_ids,
        _LABEL: [node_id if label is ABSENT else str(label)
                 for node_id, label in zip(node_ids, labels, strict=True)] if labels else node_ids,
        _SPELLS: [_spells(spells.get(node)) for node, _ in nodes],
        **{name: node_table[name] for name in node_kinds},
        **{f"\x00{name}": looks[name] for name in ("r", "g", "b", "size")},
        **({"\x00x": node_table["x"], "\x00y": node_table["y"]} if positioned else {}),
    }
    # Both coordinates or no position: a null in either makes the whole element "".
    position = [pl.concat_str([
        pl.lit('<viz:position x="'), value_text("\x00x", "double"), pl.lit('" y="'),
        value_text("\x00y", "double"), pl.lit('" z="0.0"/>')]).fill_null("")] \
        if positioned else []
    node_line = pl.concat_str([
        pl.lit('<node id="'), xml_text_expression(pl.col(_ID), attribute=True),
        pl.lit('" label="'), xml_text_expression(pl.col(_LABEL), attribute=True), pl.lit('">'),
        *_attvalues(node_kinds), pl.col(_SPELLS),
        cells("\x00r", "long", '<viz:color r="', '" '), cells("\x00g", "long", 'g="', '" '),
        cells("\x00b", "long", 'b="', '" a="1.0"/>'),
        cells("\x00size", "double", '<viz:size value="', '"/>'), *position,
        pl.lit("</node>\n")])
    write_rows(file, node_columns, {
        _ID: "string", _LABEL: "string", _SPELLS: "string", **node_kinds,
        "\x00r": "long", "\x00g": "long", "\x00b": "long", "\x00size": "double",
        **({"\x00x": "double", "\x00y": "double"} if positioned else {})}, node_line)
    file.write(b"</nodes>\n<edges>\n")
    weights = edge_table.get("weight")
    edge_columns = {
        _INDEX: range(len(edges)),
        _SOURCE: [str(a) for a, _, _ in edges],
        _TARGET: [str(b) for _, b, _ in edges],
        _SPELLS: [_spells(spells.get(link(a, b))) for a, b, _ in edges] if dated
        else [""] * len(edges),
        _WEIGHT: [ABSENT if w is None else w for w in weights] if weights
        else [ABSENT] * len(edges),
        **{name: edge_table[name] for name in edge_kinds},
    }
    edge_line = pl.concat_str([
        pl.lit('<edge id="'), pl.col(_INDEX).cast(pl.String), pl.lit('" source="'),
        xml_text_expression(pl.col(_SOURCE), attribute=True), pl.lit('" target="'),
        xml_text_expression(pl.col(_TARGET), attribute=True), pl.lit('"'),
        cells(_WEIGHT, "double", ' weight="', '"'), pl.lit(">"),
        *_attvalues(edge_kinds), pl.col(_SPELLS), pl.lit("</edge>\n")])
    write_rows(file, edge_columns, {_INDEX: "long", _SOURCE: "string", _TARGET: "string",
                                    _SPELLS: "string", _WEIGHT: "double", **edge_kinds},
               edge_line)
    file.write(b"</edges>\n</graph>\n</gexf>\n")


def write_gexf(graph: nx.Graph, path: str | Path, *,
               attachments: Attachments | None = None,
               tables: GraphTables | None = None) -> None:
    """Write GEXF 1.3, atomically, with Gephi's viz attributes (colour, size, position).
    With the `attachments` of a dated corpus, nodes and links get their `spells`: the
    graph is dynamic, so Gephi's timeline can play it.

    >>> import tempfile, pathlib
    >>> g = nx.Graph(); g.add_node("a", label="A", type="PER", mentions=1, x=1.0, y=2.0)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "g.gexf"
    >>> write_gexf(g, path)
    >>> nx.read_gexf(path).nodes["a"]["viz"]["position"]
    {'x': 1.0, 'y': 2.0, 'z': 0.0}
    """
    with atomic_write(path, "wb") as file:
        write_gexf_to(graph, file, attachments=attachments, tables=tables)
