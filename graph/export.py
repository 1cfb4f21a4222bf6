"""The graph's files: GraphML and GEXF for Gephi (see `graphml` and `gexf`, streaming
writers), node-link JSON for the web, and `plain_graph`, the graph as those files type it.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import orjson

from entity_graph.graph.atomic import atomic_write
from entity_graph.graph.attributes import GraphTables, batches, node_visuals, plain_value
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


def write_json(graph: nx.Graph, path: str | Path, *,
               attachments: Attachments | None = None,
               tables: GraphTables | None = None) -> None:
    """Write node-link JSON (the shape of networkx's `node_link_data`, for web use),
    streamed a batch of nodes or links at a time. With `attachments`, evidence is a list of
    [document id, date, sentence] and dated nodes and links get their `spells`.
    `tables`: the graph's (`graph_tables`), when already made.

    >>> import json, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "g.json"
    >>> write_json(nx.path_graph(2), path)
    >>> nx.node_link_graph(json.loads(path.read_text()), edges="edges").number_of_edges()
    1
    """
    spells = attachments.spells if attachments else {}
    with atomic_write(path, "wb", encoding=None) as file:
        file.write(b'{"directed":false,"multigraph":false,"graph":' + _dumps(graph.graph)
                   + b',"nodes":[')
        # One orjson call per batch of items, its brackets left out: a batch is the most
        # the writer holds at once.
        nodes = tables.nodes if tables else list(graph.nodes(data=True))
        for rows in batches(len(nodes)):
            items = [{**data, "spells": spells[node], "id": node} if node in spells
                     else {**data, "id": node} for node, data in nodes[rows]]
            file.write((b"," if rows.start else b"") + _dumps(items)[1:-1])
        file.write(b'],"edges":[')
        edges = tables.edges if tables else list(graph.edges(data=True))
        evidence = attachments.evidence if attachments else None
        for rows in batches(len(edges)):
            items = []
            for a, b, data in edges[rows]:
                key = link(a, b)
                item = {**data, "source": a, "target": b}
                if evidence is not None:  # the list in place of the text
                    item["evidence"] = evidence.get(key, [])
                if key in spells:
                    item["spells"] = spells[key]
                items.append(item)
            file.write((b"," if rows.start else b"") + _dumps(items)[1:-1])
        file.write(b"]}")


def _dumps(value: object) -> bytes:
    """Compact UTF-8 JSON (orjson: about eight times the standard encoder's speed);
    numpy scalars as numbers, anything else unusual as its text."""
    return orjson.dumps(value, default=str, option=orjson.OPT_SERIALIZE_NUMPY)
