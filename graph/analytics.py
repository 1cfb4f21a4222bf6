"""Node measures an analyst expects to find in Gephi's data table.

The graph algorithms run in igraph (C) rather than pure Python: on a 15,000-entity graph
betweenness and communities take a tenth of a second instead of many seconds.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from entity_graph.graph.layout import add_layout, seeded

if TYPE_CHECKING:  # imported where it is used: see `layout.seeded`
    import igraph

    from entity_graph.graph.attributes import LinkTables

# Exact betweenness costs one breadth-first search per node; above this many nodes it is
# estimated from BETWEENNESS_SAMPLES source nodes drawn with the fixed seed, fewer on a
# dense graph: as many as BETWEENNESS_BUDGET link visits allow (each search visits every
# link twice), but never fewer than MIN_BETWEENNESS_SAMPLES.
EXACT_BETWEENNESS_UP_TO = 2000
BETWEENNESS_SAMPLES = 500
MIN_BETWEENNESS_SAMPLES = 100
BETWEENNESS_BUDGET = 100_000_000


Converted = tuple["igraph.Graph", list]  # `to_igraph`'s result, which each measure may share


def to_igraph(graph: nx.Graph, *, links: LinkTables | None = None) -> Converted:
    """The graph in igraph, with `weight` as edge weights (1 where a link has none); and
    the node of each vertex. Vertices and edges are in sorted order, so that results
    drawn with a seed do not depend on the order the graph was built in. `links`: the
    graph's `attributes.link_tables`, when already made (read from them, not from
    networkx's links: a second per 400,000 links).

    >>> g, nodes = to_igraph(nx.Graph([("b", "a", {"weight": 2})]))
    >>> g.vcount(), g.get_edgelist(), g.es["weight"], nodes
    (2, [(0, 1)], [2], ['a', 'b'])
    """
    import igraph

    nodes = sorted(graph, key=str)
    position = {node: i for i, node in enumerate(nodes)}
    if links is None:
        edges = list(graph.edges(data="weight", default=1))
        weights = [w for _, _, w in edges]
        ends = np.array([(position[a], position[b]) for a, b, _ in edges],
                        dtype=np.int64).reshape(-1, 2)
    else:
        ends, weights = links.ends(position), links.weights()
    low, high = ends.min(axis=1), ends.max(axis=1)
    order = np.lexsort((high, low))  # sorted by low end, then high end, outside Python
    converted = igraph.Graph(n=len(nodes), edges=list(zip(low[order].tolist(),
                                                          high[order].tolist(), strict=True)))
    converted.es["weight"] = [weights[i] for i in order.tolist()]
    return converted, nodes


def betweenness(graph: nx.Graph, *, seed: int = 42, converted: Converted | None = None) -> dict:
    """Normalised betweenness over unweighted shortest paths (as networkx and Gephi
    define it); estimated from random sources on large graphs (`betweenness_samples`).

    >>> betweenness(nx.path_graph(["a", "b", "c"]))
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    g, nodes = converted or to_igraph(graph)
    n = len(nodes)
    if n <= 2:
        return dict.fromkeys(nodes, 0.0)
    if n <= EXACT_BETWEENNESS_UP_TO:
        values = g.betweenness(directed=False)
        scale = 2 / ((n - 1) * (n - 2))
    else:
        # Sum over sampled sources s of s's dependencies, scaled up by n / k: an unbiased
        # estimate (Brandes & Pich 2007). igraph counts each path once, networkx twice.
        samples = betweenness_samples(g.ecount())
        sources = random.Random(seed).sample(range(n), samples)
        values = g.betweenness(directed=False, sources=sources)
        scale = 2 * n / samples / ((n - 1) * (n - 2))
    return {node: value * scale for node, value in zip(nodes, values, strict=True)}


def betweenness_samples(links: int) -> int:
    """How many sources estimate betweenness on a graph of more than
    `EXACT_BETWEENNESS_UP_TO` nodes with `links` links (see `BETWEENNESS_BUDGET`): the
    sentence window's graph of the dev corpus gets 500, its document window's 115.

    >>> betweenness_samples(35_000), betweenness_samples(432_000), betweenness_samples(10**7)
    (500, 115, 100)
    """
    affordable = BETWEENNESS_BUDGET // (2 * max(links, 1))
    return min(BETWEENNESS_SAMPLES, max(MIN_BETWEENNESS_SAMPLES, affordable))


def communities(graph: nx.Graph, *, seed: int = 42, converted: Converted | None = None) -> dict:
    """Louvain communities (weighted), numbered from 0 by decreasing size (ties:
    smallest member), so the same graph always gives the same numbers.

    >>> g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y")])
    >>> communities(g)
    {'a': 0, 'b': 0, 'c': 0, 'x': 1, 'y': 1}
    """
    g, nodes = converted or to_igraph(graph)
    if not nodes:
        return {}
    weighted = any(w > 0 for w in g.es["weight"])
    with seeded(seed):
        found = g.community_multilevel(weights="weight" if weighted else None)
    groups = [[nodes[i] for i in members] for members in found]
    ordered = sorted(groups, key=lambda c: (-len(c), min(map(str, c))))
    return {node: number for number, members in enumerate(ordered)
            for node in sorted(members, key=str)}


def pagerank(graph: nx.Graph, *, converted: Converted | None = None) -> dict:
    """Weighted PageRank (damping 0.85); uniform when no link has a positive weight.

    >>> {node: round(value, 3) for node, value in pagerank(nx.path_graph(3)).items()}
    {0: 0.257, 1: 0.486, 2: 0.257}
    """
    g, nodes = converted or to_igraph(graph)
    weighted = g.ecount() > 0 and any(w > 0 for w in g.es["weight"])
    values = g.pagerank(weights="weight" if weighted else None, directed=False)
    return dict(zip(nodes, values, strict=True))


def weighted_degrees(converted: Converted) -> list[int | float]:
    """The sum of the weights of each vertex's links (`to_igraph`'s order), as networkx's
    `degree(weight="weight")` gives it, computed in igraph: whole numbers when every
    weight is one.

    >>> weighted_degrees(to_igraph(nx.Graph([("a", "b", {"weight": 2}), ("b", "c")])))
    [2, 3, 1]
    """
    g, _ = converted
    strengths = g.strength(weights="weight") if g.ecount() else [0] * g.vcount()
    if all(type(weight) is int for weight in g.es["weight"]):
        return [round(strength) for strength in strengths]
    return strengths


def annotate(graph: nx.Graph, *, seed: int = 42, layout: bool = True,
             layout_core: int | None = None, links: LinkTables | None = None) -> nx.Graph:
    """Store `degree`, `weighted_degree`, `pagerank`, `betweenness`, `community` and,
    with `layout`, `x`/`y` (see `layout.add_layout`, made for a page drawing the
    `layout_core` most mentioned nodes) on every node. Everything random has a fixed
    seed: the same graph gives the same numbers. `links`: see `to_igraph`.

    >>> g = annotate(nx.Graph([("a", "b", {"weight": 2}), ("b", "c", {"weight": 1})]))
    >>> g.nodes["b"]["degree"], g.nodes["b"]["weighted_degree"], g.nodes["b"]["betweenness"]
    (2, 3, 1.0)
    """
    if graph.number_of_nodes() == 0:
        return graph
    converted = to_igraph(graph, links=links)  # once for every measure
    g, nodes = converted
    measures = {
        "degree": dict(zip(nodes, g.degree(), strict=True)),
        "weighted_degree": dict(zip(nodes, weighted_degrees(converted), strict=True)),
        "pagerank": pagerank(graph, converted=converted),
        "betweenness": betweenness(graph, seed=seed, converted=converted),
        "community": communities(graph, seed=seed, converted=converted),
    }
    for node, data in graph.nodes(data=True):
        for name, values in measures.items():
            value = values[node]
            data[name] = round(value, 6) if isinstance(value, float) else value
    if layout:
        add_layout(graph, seed=seed, communities=measures["community"], core=layout_core,
                   links=links)
    return graph
