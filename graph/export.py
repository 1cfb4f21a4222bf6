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
        # Compact: with `indent`, the json module falls back to its pure-Python encoder.
        json.dump(data, file, ensure_ascii=False, separators=(",", ":"), default=str)
