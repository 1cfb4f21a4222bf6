"""Node positions computed once in Python, so viewers need no physics simulation."""

from __future__ import annotations

import networkx as nx


def add_layout(graph: nx.Graph, *, seed: int = 42, size: float = 1000.0) -> nx.Graph:
    """Store `x`, `y` node attributes from a ForceAtlas2 layout (fixed seed: same graph,
    same picture), scaled to roughly [-size, size].

    >>> g = add_layout(nx.path_graph(3))
    >>> sorted(g.nodes[0])
    ['x', 'y']
    """
    if graph.number_of_nodes() == 0:
        return graph
    if graph.number_of_nodes() == 1:
        positions = {next(iter(graph)): (0.0, 0.0)}
    else:
        positions = nx.forceatlas2_layout(graph, weight="weight", seed=seed, max_iter=300,
                                          strong_gravity=True)
        positions = nx.rescale_layout_dict(positions, scale=size)
    for node, (x, y) in positions.items():
        graph.nodes[node]["x"] = round(float(x), 2)
        graph.nodes[node]["y"] = round(float(y), 2)
    return graph
