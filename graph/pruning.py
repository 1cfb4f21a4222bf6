"""Cut a co-occurrence graph down to what is worth reading.

Each function returns a new graph and leaves its input alone. The edge filters also drop
the entities they leave without any link (entities that had no link to begin with stay).
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx


def keep_mentioned(graph: nx.Graph, min_mentions: int) -> nx.Graph:
    """Entities mentioned at least `min_mentions` times, with the links between them.

    >>> g = nx.Graph(); g.add_node("a", mentions=3); g.add_node("b", mentions=1)
    >>> list(keep_mentioned(g, 2))
    ['a']
    """
    return graph.subgraph(n for n, d in graph.nodes(data=True)
                          if d.get("mentions", 0) >= min_mentions).copy()


def top_entities(graph: nx.Graph, n: int) -> nx.Graph:
    """The `n` most mentioned entities (ties: more links first, then id), with the links
    between them.

    >>> g = nx.Graph(); g.add_nodes_from([("a", {"mentions": 1}), ("b", {"mentions": 5})])
    >>> list(top_entities(g, 1))
    ['b']
    """
    order = sorted(graph, key=lambda v: (-graph.nodes[v].get("mentions", 0), -graph.degree(v),
                                         str(v)))
    return graph.subgraph(order[:n]).copy()


def _without_stranded(before: nx.Graph, after: nx.Graph) -> nx.Graph:
    after.remove_nodes_from([v for v in list(after) if after.degree(v) == 0
                             and before.degree(v) > 0])
    return after


def _with_links(graph: nx.Graph, links: Iterable[tuple]) -> nx.Graph:
    """A new graph with `graph`'s attributes and nodes, and only `links` (built from the
    links kept rather than by copying the graph and removing the others: most of a
    big graph's links are the ones a filter drops)."""
    kept = graph.__class__()
    kept.graph.update(graph.graph)
    kept.add_nodes_from(graph.nodes(data=True))
    kept.add_edges_from(links)
    return kept


def drop_weak_links(graph: nx.Graph, min_weight: float) -> nx.Graph:
    """Links whose `weight` is at least `min_weight`.

    >>> g = nx.Graph([("a", "b", {"weight": 1}), ("b", "c", {"weight": 3})])
    >>> sorted(drop_weak_links(g, 2).edges)
    [('b', 'c')]
    """
    return _without_stranded(graph, _with_links(graph, (
        (a, b, data) for a, b, data in graph.edges(data=True)
        if data.get("weight", 1) >= min_weight)))


def least_count(counts: Iterable[int], max_links: int) -> int:
    """The smallest c such that at most `max_links` of the links, counted `counts` times,
    are counted at least c times (1 when there are no more than `max_links` links).

    >>> least_count([1, 2, 3, 1], 3), least_count([1, 2, 3, 1], 1), least_count([5, 5], 2)
    (2, 3, 1)
    """
    ordered = sorted(counts, reverse=True)
    # ordered[max_links]: the highest count some link of which must go.
    return ordered[max_links] + 1 if len(ordered) > max_links else 1


def cap_links(graph: nx.Graph, max_links: int) -> tuple[nx.Graph, int]:
    """At most `max_links` links: those counted (`count`, the windows their ends share) at
    least c times, c = `least_count` of their counts; and c. Links of the same count stay
    or go together, so the cut never depends on the order of the links.

    >>> g = nx.Graph([("a", "b", {"count": 1}), ("b", "c", {"count": 2}),
    ...               ("c", "d", {"count": 3}), ("d", "e", {"count": 1})])
    >>> capped, least = cap_links(g, 3)
    >>> sorted(capped.edges), least
    ([('b', 'c'), ('c', 'd')], 2)
    """
    least = least_count((count for *_, count in graph.edges(data="count", default=1)),
                        max_links)
    if least == 1:
        return graph, 1
    return _without_stranded(graph, _with_links(graph, (
        (a, b, data) for a, b, data in graph.edges(data=True)
        if data.get("count", 1) >= least))), least


def disparity(graph: nx.Graph) -> dict[tuple, float]:
    """The disparity filter's p-value of every edge (Serrano, Boguñá & Vespignani 2009):
    for an edge carrying the share p of node i's strength, with i of degree k, the
    chance that a uniformly random split of the strength gives it that much is
    (1 - p) ** (k - 1). An edge's value is the smaller one of its two endpoints.
    Nodes of degree 1 give 1: they have nothing to compare with.

    >>> g = nx.Graph([("c", "x", {"weight": 8}), ("c", "y", {"weight": 1}),
    ...               ("c", "z", {"weight": 1})])
    >>> round(disparity(g)["c", "x"], 4)   # (1 - 8/10) ** 2
    0.04
    """
    strength = dict(graph.degree(weight="weight"))
    degree = dict(graph.degree())

    def one_side(node, w: float) -> float:
        k = degree[node]
        if k < 2 or strength[node] <= 0:
            return 1.0
        return (1.0 - w / strength[node]) ** (k - 1)

    return {(a, b): min(one_side(a, w), one_side(b, w))
            for a, b, w in graph.edges(data="weight", default=1)}


def backbone(graph: nx.Graph, alpha: float) -> nx.Graph:
    """The disparity-filter backbone: keep a link when it is significant at level `alpha`
    for either of its ends. Kept links get their p-value as `disparity`.

    >>> g = nx.Graph([("c", "x", {"weight": 8}), ("c", "y", {"weight": 1}),
    ...               ("c", "z", {"weight": 1})])
    >>> sorted(backbone(g, 0.05).edges)
    [('c', 'x')]
    """
    if not 0 < alpha <= 1:
        raise ValueError(f"the backbone's alpha must be in (0, 1], not {alpha}")
    p_values = disparity(graph)
    return _without_stranded(graph, _with_links(graph, (
        (a, b, {**data, "disparity": round(p_value, 6)}) for a, b, data in graph.edges(data=True)
        if (p_value := p_values[a, b]) < alpha)))
