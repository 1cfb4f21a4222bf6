"""GraphML that Gephi's own importer reads without a warning, written as a stream.

Every key's id is its attribute's name (`id="label"`, `id="mentions"`; a link attribute
whose name a node attribute already uses gets `id="edge_<name>"`): importers that map
keys by id, as Gephi 0.9.2 does for the node label, cannot confuse them. Corpus facts go
in the file's `<desc>`, since Gephi rejects graph-level keys. Colour, size and position
are node data named `r`, `g`, `b`, `size`, `x`, `y`, which Gephi reads as such.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO

import networkx as nx

from entity_graph.graph.atomic import atomic_write
from entity_graph.graph.attributes import (
    Kind,
    attribute_kinds,
    corpus_description,
    formatter,
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


Writers = dict[str, tuple[str, Callable[[object], str], bool]]


def _writers(kinds: Mapping[str, Kind], ids: Mapping[str, str]) -> Writers:
    """Per attribute: its opening tag, how to format a value, whether to escape it."""
    return {name: (f'<data key="{ids[name]}">', formatter(kind), kind == "string")
            for name, kind in kinds.items()}


def _data(values: Mapping[str, object], writers: Writers) -> str:
    parts = []
    for name, value in values.items():
        tag, form, escaped = writers[name]
        kind = type(value)  # plain values first: most are, and this is the hot loop
        if kind is str:
            text = xml_text(value) if escaped else value  # type: ignore[arg-type]
        elif kind is int:
            text = str(value)
        else:
            text = form(value)
            text = xml_text(text) if escaped else text
        parts.append(f"{tag}{text}</data>")
    return "".join(parts)


def write_graphml_to(graph: nx.Graph, file: IO[str]) -> None:
    """Stream `graph` as GraphML into a text file."""
    visuals = node_visuals(graph)
    node_kinds = attribute_kinds(d for _, d in graph.nodes(data=True))
    node_kinds.update(attribute_kinds(visuals.values()))
    edge_kinds = attribute_kinds(d for _, _, d in graph.edges(data=True))
    node_ids = _key_ids(list(node_kinds), set(), "")
    edge_ids = _key_ids(list(edge_kinds), set(node_ids.values()), "edge_")
    node_writers, edge_writers = _writers(node_kinds, node_ids), _writers(edge_kinds, edge_ids)
    file.write(_HEADER)
    file.write(f"<desc>{xml_text(corpus_description(graph))}</desc>\n")
    file.writelines(_keys(node_kinds, node_ids, "node"))
    file.writelines(_keys(edge_kinds, edge_ids, "edge"))
    file.write('<graph edgedefault="undirected">\n')
    for node, data in graph.nodes(data=True):
        node = str(node)
        file.write(f"<node id={xml_attribute(node)}>{_data(data, node_writers)}"
                   f"{_data(visuals[node], node_writers)}</node>\n")
    for a, b, data in graph.edges(data=True):
        file.write(f"<edge source={xml_attribute(str(a))} target={xml_attribute(str(b))}>"
                   f"{_data(data, edge_writers)}</edge>\n")
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
