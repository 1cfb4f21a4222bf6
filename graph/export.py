"""The graph's files: GraphML and GEXF for Gephi (see `graphml` and `gexf`, streaming
writers), node-link JSON for the web, and `plain_graph`, the graph as those files type it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from entity_graph.graph.atomic import atomic_write
from entity_graph.graph.attributes import node_visuals, plain_value
from entity_graph.graph.cooccurrence import Attachments, link
from entity_graph.graph.gexf import write_gexf
from entity_graph.graph.graphml import write_graphml

__all__ = ["plain_graph", "write_gexf", "write_graphml", "write_json"]


def plain_graph(graph: nx.Graph) -> nx.Graph:
    """A copy of `graph` whose attributes are all int, float or str, plus the colour
    (`r`, `g`, `b`) and `size` of each node: what the GraphML and GEXF files hold (for
    tests and for users who want the same values in Python).

    >>> g = nx.Graph(); g.add_node("a", type="PER", mentions=2, aliases=["A", "B"])
    >>> plain_graph(g).nodes["a"]["aliases"], plain_graph(g).nodes["a"]["r"]
    ('A | B', 78)
    """
    def attributes(data: dict) -> dict:
        return {k: plain_value(v) for k, v in data.items()}

    plain = nx.Graph(**attributes(graph.graph))
    visuals = node_visuals(graph)
    for node, data in graph.nodes(data=True):
        plain.add_node(str(node), **attributes(data), **visuals[str(node)])
    for a, b, data in graph.edges(data=True):
        plain.add_edge(str(a), str(b), **attributes(data))
    return plain


def _listed(data: dict[str, Any], evidence: list | None, spells: list | None,
            ) -> dict[str, Any]:
    """Node or link data with the attachments' lists: evidence in place of its string,
    spells after `last_seen`."""
    if evidence is None and spells is None:
        return data
    shaped = {}
    for key, value in data.items():
        shaped[key] = [list(e) for e in evidence] if key == "evidence" and evidence is not None \
            else value
        if key == "last_seen" and spells is not None:
            shaped["spells"] = [list(s) for s in spells]
    return shaped


def write_json(graph: nx.Graph, path: str | Path, *,
               attachments: Attachments | None = None) -> None:
    """Write node-link JSON (the shape of networkx's `node_link_data`, for web use),
    streamed one node and one link at a time. With `attachments`, evidence is a list of
    [document id, date, sentence] and dated nodes and links get their `spells`.

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "g.json"
    >>> write_json(nx.path_graph(2), path)
    >>> nx.node_link_graph(json.loads(path.read_text()), edges="edges").number_of_edges()
    1
    """
    spells = attachments.spells if attachments else {}
    # Compact, one dumps per item: the json module's C encoder (with `indent` it falls
    # back to pure Python), and no second copy of the graph.
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode
    with atomic_write(path) as file:
        file.write(f'{{"directed":false,"multigraph":false,"graph":{encode(graph.graph)},'
                   '"nodes":[')
        for index, (node, data) in enumerate(graph.nodes(data=True)):
            file.write(("," if index else "")
                       + encode({**_listed(data, None, spells.get(node)), "id": node}))
        file.write('],"edges":[')
        for index, (a, b, data) in enumerate(graph.edges(data=True)):
            key = link(a, b)
            evidence = attachments.evidence.get(key, []) if attachments else None
            file.write(("," if index else "")
                       + encode({**_listed(data, evidence, spells.get(key)),
                                 "source": a, "target": b}))
        file.write("]}")
