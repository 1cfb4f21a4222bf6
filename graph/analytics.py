"""Node measures an analyst expects to find in Gephi's data table."""

from __future__ import annotations

import networkx as nx

from graph.layout import add_layout

# Exact betweenness costs one breadth-first search per node, O(n·m) in all; above
# EXACT_BETWEENNESS_UP_TO nodes it is estimated from a fixed-seed sample of source nodes,
# as many as BETWEENNESS_BUDGET edge visits allow (at least MIN_SAMPLES).
EXACT_BETWEENNESS_UP_TO = 2000
BETWEENNESS_BUDGET = 2_000_000
MIN_SAMPLES = 20


def betweenness_samples(nodes: int, edges: int) -> int | None:
    """How many source nodes estimate betweenness (None: all of them, exact).

    >>> betweenness_samples(500, 2000), betweenness_samples(15000, 25000)
    (None, 80)
    """
    if nodes <= EXACT_BETWEENNESS_UP_TO:
        return None
    return min(nodes, max(MIN_SAMPLES, BETWEENNESS_BUDGET // max(edges, 1)))


def communities(graph: nx.Graph, *, seed: int = 42) -> dict:
    """Louvain communities, numbered from 0 by decreasing size (ties: smallest member),
    so the same graph always gives the same numbers.

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y")])
    >>> communities(g)
    {'a': 0, 'b': 0, 'c': 0, 'x': 1, 'y': 1}
    """
    found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    ordered = sorted(found, key=lambda c: (-len(c), min(map(str, c))))
    return {node: number for number, members in enumerate(ordered)
            for node in sorted(members, key=str)}


def annotate(graph: nx.Graph, *, seed: int = 42, layout: bool = True) -> nx.Graph:
    """Store `degree`, `weighted_degree`, `pagerank`, `betweenness` (normalised, over
    unweighted shortest paths; estimated from a sample of sources on large graphs, see
    `betweenness_samples`), `community` and, with `layout`, `x`/`y` on every node.
    Everything random has a fixed seed: the same graph gives the same numbers.

    >>> g = annotate(nx.Graph([("a", "b", {"weight": 2}), ("b", "c", {"weight": 1})]))
    >>> g.nodes["b"]["degree"], g.nodes["b"]["weighted_degree"], g.nodes["b"]["betweenness"]
    (2, 3, 1.0)
    """
    if graph.number_of_nodes() == 0:
        return graph
    n = graph.number_of_nodes()
    sample = betweenness_samples(n, graph.number_of_edges())
    measures = {
        "degree": dict(graph.degree()),
        "weighted_degree": dict(graph.degree(weight="weight")),
        "pagerank": nx.pagerank(graph, weight="weight") if graph.size(weight="weight") > 0
        else dict.fromkeys(graph, 1 / n),
        "betweenness": nx.betweenness_centrality(graph, k=sample, seed=seed),
        "community": communities(graph, seed=seed),
    }
    for name, values in measures.items():
        for node, value in values.items():
            graph.nodes[node][name] = round(value, 6) if isinstance(value, float) else value
    if layout:
        add_layout(graph, seed=seed)
    return graph
