"""GraphML that Gephi's own importer reads without a warning, written as a stream.

Every key's id is its attribute's name (`id="label"`, `id="mentions"`; a link attribute
whose name a node attribute already uses gets `id="edge_<name>"`): importers that map
keys by id, as Gephi 0.9.2 does for the node label, cannot confuse them. Corpus facts go
in the file's `<desc>`, since Gephi rejects graph-level keys. Colour, size and position
are node data named `r`, `g`, `b`, `size`, `x`, `y`, which Gephi reads as such.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

import networkx as nx
import polars as pl

from entity_graph.graph.atomic import atomic_write
from entity_graph.graph.attributes import (
    GraphTables,
    Kind,
    cells,
    column_kinds,
    columns,
    corpus_description,
    graph_tables,
    write_rows,
    xml_attribute,
    xml_text,
    xml_text_expression,
)

_HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
           'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
_NOT_ID = re.compile(r"[^\w.-]")
# Column names of the ids in the writers' tables: no attribute can be called that.
_ID, _SOURCE, _TARGET = "\x00id", "\x00source", "\x00target"


def _key_ids(names: list[str], taken: set[str], prefix: str) -> dict[str, str]:
    ids = {}
    for name in names:
        key = _NOT_ID.sub("_", name) or "_"
        ids[name] = f"{prefix}{key}" if key in taken else key
    return ids


def _keys(kinds: Mapping[str, Kind], ids: Mapping[str, str], domain: str) -> Iterator[str]:
    for name, kind in kinds.items():
        yield (f'<key id="{ids[name]}" for="{domain}" attr.name={xml_attribute(name)} '
               f'attr.type="{kind}"/>\n')


def _data(kinds: Mapping[str, Kind], ids: Mapping[str, str]) -> list[pl.Expr]:
    """The `<data>` elements of a row's attributes, one expression per attribute."""
    return [cells(name, kind, f'<data key="{ids[name]}">', "</data>")
            for name, kind in kinds.items()]


def write_graphml_to(graph: nx.Graph, file: IO[bytes], *,
                     tables: GraphTables | None = None) -> None:
    """Stream `graph` as GraphML (UTF-8) into a binary file, a batch of nodes or links at
    a time (`tables`: the graph's, when already made)."""
    tables = tables or graph_tables(graph)
    nodes = [str(node) for node, _ in tables.nodes]
    visual_table = columns([tables.visuals[node] for node in nodes])
    node_kinds, visual_kinds = tables.node_kinds, column_kinds(visual_table)
    edge_kinds = tables.edge_kinds
    node_ids = _key_ids(list({**node_kinds, **visual_kinds}), set(), "")
    edge_ids = _key_ids(list(edge_kinds), set(node_ids.values()), "edge_")
    file.write("".join([
        _HEADER, f"<desc>{xml_text(corpus_description(graph))}</desc>\n",
        *_keys({**node_kinds, **visual_kinds}, node_ids, "node"),
        *_keys(edge_kinds, edge_ids, "edge"), '<graph edgedefault="undirected">\n',
    ]).encode())
    # Visual columns that are also node attributes (the layout's x, y) are written once.
    visual_kinds = {name: kind for name, kind in visual_kinds.items() if name not in node_kinds}
    node_line = pl.concat_str([
        pl.lit('<node id="'), xml_text_expression(pl.col(_ID), attribute=True), pl.lit('">'),
        *_data(node_kinds, node_ids), *_data(visual_kinds, node_ids), pl.lit("</node>\n")])
    write_rows(file, {_ID: nodes, **tables.node_table, **visual_table},
               {_ID: "string", **node_kinds, **visual_kinds}, node_line)
    edges = tables.edges
    edge_line = pl.concat_str([
        pl.lit('<edge source="'), xml_text_expression(pl.col(_SOURCE), attribute=True),
        pl.lit('" target="'), xml_text_expression(pl.col(_TARGET), attribute=True),
        pl.lit('">'), *_data(edge_kinds, edge_ids), pl.lit("</edge>\n")])
    write_rows(file, {_SOURCE: [str(a) for a, _, _ in edges],
                      _TARGET: [str(b) for _, b, _ in edges], **tables.edge_table},
               {_SOURCE: "string", _TARGET: "string", **edge_kinds}, edge_line)
    file.write(b"</graph>\n</graphml>\n")


def write_graphml(graph: nx.Graph, path: str | Path, *,
                  tables: GraphTables | None = None) -> None:
    """Write GraphML with typed attributes, atomically; Gephi takes `label` as the node
    label and `r`, `g`, `b`, `size`, `x`, `y` as its colour, size and position.

    >>> import tempfile, pathlib
    >>> g = nx.Graph(weight="count"); g.add_edge("a", "b", weight=2)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "g.graphml"
    >>> write_graphml(g, path)
    >>> nx.read_graphml(path).edges["a", "b"]["weight"]
    2
    """
    with atomic_write(path, "wb") as file:
        write_graphml_to(graph, file, tables=tables)
