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

from entity_graph.graph.atomic import atomic_write
from entity_graph.graph.attributes import (
    Kind,
    batches,
    cells,
    column_kinds,
    columns,
    corpus_description,
    node_visuals,
    xml_attribute,
    xml_text,
)

_HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
           'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
_NOT_ID = re.compile(r"[^\w.-]")


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


def _data(table: Mapping[str, list], kinds: Mapping[str, Kind], ids: Mapping[str, str],
          rows: slice) -> list[str]:
    """The `<data>` elements of the `rows` of a table of attributes (see `columns`)."""
    parts = [cells(table[name][rows], kind, f'<data key="{ids[name]}">', "</data>",
                   escape=xml_text) for name, kind in kinds.items()]
    return list(map("".join, zip(*parts, strict=True))) if parts else [""] * (
        rows.stop - rows.start)


def write_graphml_to(graph: nx.Graph, file: IO[str]) -> None:
    """Stream `graph` as GraphML into a text file, a batch of nodes or links at a time."""
    nodes = [str(node) for node in graph]
    quoted = dict(zip(graph, map(xml_attribute, nodes), strict=True))
    visuals = node_visuals(graph)
    node_table = columns([d for _, d in graph.nodes(data=True)])
    visual_table = columns([visuals[node] for node in nodes])
    edges = list(graph.edges(data=True))
    edge_table = columns([d for _, _, d in edges])
    node_kinds, visual_kinds = column_kinds(node_table), column_kinds(visual_table)
    edge_kinds = column_kinds(edge_table)
    node_ids = _key_ids(list({**node_kinds, **visual_kinds}), set(), "")
    edge_ids = _key_ids(list(edge_kinds), set(node_ids.values()), "edge_")
    file.write(_HEADER)
    file.write(f"<desc>{xml_text(corpus_description(graph))}</desc>\n")
    file.writelines(_keys({**node_kinds, **visual_kinds}, node_ids, "node"))
    file.writelines(_keys(edge_kinds, edge_ids, "edge"))
    file.write('<graph edgedefault="undirected">\n')
    ids = list(quoted.values())
    for rows in batches(len(nodes)):
        data = _data(node_table, node_kinds, node_ids, rows)
        looks = _data(visual_table, visual_kinds, node_ids, rows)
        file.write("".join(f"<node id={name}>{d}{look}</node>\n"
                           for name, d, look in zip(ids[rows], data, looks, strict=True)))
    for rows in batches(len(edges)):
        data = _data(edge_table, edge_kinds, edge_ids, rows)
        file.write("".join(f"<edge source={quoted[a]} target={quoted[b]}>{d}</edge>\n"
                           for (a, b, _), d in zip(edges[rows], data, strict=True)))
    file.write("</graph>\n</graphml>\n")


def write_graphml(graph: nx.Graph, path: str | Path) -> None:
    """Write GraphML with typed attributes, atomically; Gephi takes `label` as the node
    label and `r`, `g`, `b`, `size`, `x`, `y` as its colour, size and position.

    >>> import tempfile, pathlib
    >>> g = nx.Graph(weight="count"); g.add_edge("a", "b", weight=2)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "g.graphml"
    >>> write_graphml(g, path)
    >>> nx.read_graphml(path).edges["a", "b"]["weight"]
    2
    """
    with atomic_write(path) as file:
        write_graphml_to(graph, file)
