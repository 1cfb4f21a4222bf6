"""Gephi-ready GraphML and GEXF, and node-link JSON.

GraphML and GEXF carry typed attributes only (int, float, string): lists become
strings, None becomes "", so Gephi shows a proper column for each attribute.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from entity_graph.graph.atomic import atomic_write
from entity_graph.graph.cooccurrence import Attachments, format_evidence, link
from entity_graph.graph.style import node_size, rgb, type_colour

# networkx's GEXF writer uses these names for its own purposes.
_RESERVED = {"pid": "parent_id", "start": "start_attr", "end": "end_attr", "spells": "spells_attr"}


def _plain(value: object) -> int | float | str:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | str):
        return value
    if value is None:
        return ""
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    if isinstance(value, list | tuple) and value and all(
            isinstance(v, tuple) and len(v) == 3 for v in value):
        return format_evidence(list(value))
    if isinstance(value, list | tuple | set):
        return " | ".join(map(str, value))
    return json.dumps(value, ensure_ascii=False, default=str)


def plain_graph(graph: nx.Graph) -> nx.Graph:
    """A copy of `graph` whose attributes are all int, float or str, plus the colour
    (`r`, `g`, `b`) and `size` of each node.

    >>> g = nx.Graph(); g.add_node("a", type="PER", mentions=2, aliases=["A", "B"])
    >>> plain_graph(g).nodes["a"]["aliases"], plain_graph(g).nodes["a"]["r"]
    ('A | B', 78)
    """
    def attributes(data: dict) -> dict:
        return {_RESERVED.get(k, k): _plain(v) for k, v in data.items()}

    plain = nx.Graph(**attributes(graph.graph))
    most = max((d.get("mentions", 1) for _, d in graph.nodes(data=True)), default=1)
    for node, data in graph.nodes(data=True):
        r, g, b = rgb(type_colour(str(data.get("type", ""))))
        plain.add_node(str(node), **attributes(data), r=r, g=g, b=b,
                       size=node_size(int(data.get("mentions", 1)), most=most))
    for a, b, data in graph.edges(data=True):
        plain.add_edge(str(a), str(b), **attributes(data))
    return plain


def write_graphml(graph: nx.Graph, path: str | Path) -> None:
    """Write GraphML with typed attributes; Gephi takes `label` as the node label.

    >>> import tempfile, pathlib
    >>> g = nx.Graph(); g.add_edge("a", "b", weight=2)
    >>> write_graphml(g, pathlib.Path(tempfile.mkdtemp()) / "g.graphml")
    """
    with atomic_write(path, "wb") as file:
        nx.write_graphml(plain_graph(graph), file, encoding="utf-8")


def write_gexf(graph: nx.Graph, path: str | Path, *,
               attachments: Attachments | None = None) -> None:
    """Write GEXF 1.2 with Gephi's viz attributes (colour, size, position). With the
    `attachments` of a dated corpus, nodes and links get their `spells`: the graph is
    dynamic, so Gephi's timeline can play it.

    >>> import tempfile, pathlib
    >>> g = nx.Graph(); g.add_node("a", label="A", type="PER", mentions=1, x=1.0, y=2.0)
    >>> write_gexf(g, pathlib.Path(tempfile.mkdtemp()) / "g.gexf")
    """
    plain = plain_graph(graph)
    for _, data in plain.nodes(data=True):
        data["viz"] = {"color": {"r": data["r"], "g": data["g"], "b": data["b"], "a": 1.0},
                       "size": data["size"]}
        if "x" in data and "y" in data:
            data["viz"]["position"] = {"x": data["x"], "y": data["y"], "z": 0.0}
    spells = attachments.spells if attachments else {}
    for node in graph:
        if spells.get(node):
            plain.nodes[str(node)]["spells"] = list(spells[node])
    for a, b in graph.edges:
        if spells.get(link(a, b)):
            plain.edges[str(a), str(b)]["spells"] = list(spells[link(a, b)])
    with atomic_write(path, "wb") as file:
        nx.write_gexf(plain, file, encoding="utf-8", version="1.2draft")


def _with_lists(data: dict[str, Any], evidence: list | None, spells: list | None,
                ) -> dict[str, Any]:
    """Node or link data with the attachments' lists: evidence in place of its string,
    spells after `last_seen`."""
    shaped = {}
    for key, value in data.items():
        shaped[key] = [list(e) for e in evidence] if key == "evidence" and evidence is not None \
            else value
        if key == "last_seen" and spells is not None:
            shaped["spells"] = [list(s) for s in spells]
    return shaped


def write_json(graph: nx.Graph, path: str | Path, *,
               attachments: Attachments | None = None) -> None:
    """Write node-link JSON (for web use). With `attachments`, evidence is a list of
    [document id, date, sentence] and dated nodes and links get their `spells`.

    >>> import tempfile, pathlib
    >>> write_json(nx.path_graph(2), pathlib.Path(tempfile.mkdtemp()) / "g.json")
    """
    data = nx.node_link_data(graph, edges="edges")
    if attachments is not None:
        data["nodes"] = [_with_lists(node, None, attachments.spells.get(node["id"]))
                         for node in data["nodes"]]
        data["edges"] = [_with_lists(edge, attachments.evidence.get(link(edge["source"],
                                                                         edge["target"]), []),
                                     attachments.spells.get(link(edge["source"], edge["target"])))
                         for edge in data["edges"]]
    with atomic_write(path) as file:
        json.dump(data, file, ensure_ascii=False, indent=1, default=str)
