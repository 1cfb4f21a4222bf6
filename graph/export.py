"""Gephi-ready GraphML and GEXF, and node-link JSON.

GraphML and GEXF carry typed attributes only (int, float, string): lists become
strings, None becomes "", so Gephi shows a proper column for each attribute.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from graph.atomic import atomic_write
from graph.style import node_size, rgb, type_colour

# networkx's GEXF writer uses these names for its own purposes.
_RESERVED = {"pid": "parent_id", "start": "start_attr", "end": "end_attr"}
# Timeline intervals become GEXF <spells>; GraphML has no such thing (it gets first_seen
# and last_seen columns instead).
_GEXF_ONLY = {"spells"}


def format_evidence(evidence: list) -> str:
    """Evidence tuples as one readable string, one sentence a line.

    >>> format_evidence([("a.txt", "2023-06", "Musk en Chine.")])
    'a.txt (2023-06): Musk en Chine.'
    """
    return "\n".join(f"{doc} ({date}): {text}" if date else f"{doc}: {text}"
                     for doc, date, text in evidence)


def _plain(value: object) -> int | float | str:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | str):
        return value
    if value is None:
        return ""
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    if isinstance(value, list | tuple) and all(isinstance(v, tuple) for v in value):
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
        return {_RESERVED.get(k, k): _plain(v) for k, v in data.items() if k not in _GEXF_ONLY}

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


def write_gexf(graph: nx.Graph, path: str | Path) -> None:
    """Write GEXF 1.2 with Gephi's viz attributes (colour, size, position). When nodes
    and edges carry `spells` (from document dates) the graph is dynamic, so Gephi's
    timeline can play it.

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
    for node, spells in graph.nodes(data="spells"):
        if spells:
            plain.nodes[str(node)]["spells"] = list(spells)
    for a, b, spells in graph.edges(data="spells"):
        if spells:
            plain.edges[str(a), str(b)]["spells"] = list(spells)
    with atomic_write(path, "wb") as file:
        nx.write_gexf(plain, file, encoding="utf-8", version="1.2draft")


def write_json(graph: nx.Graph, path: str | Path) -> None:
    """Write node-link JSON (for web use); lists stay lists.

    >>> import tempfile, pathlib
    >>> write_json(nx.path_graph(2), pathlib.Path(tempfile.mkdtemp()) / "g.json")
    """
    data = nx.node_link_data(graph, edges="edges")
    with atomic_write(path) as file:
        json.dump(data, file, ensure_ascii=False, indent=1, default=str)
