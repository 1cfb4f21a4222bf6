"""Node positions computed once in Python, so viewers need no physics simulation."""

from __future__ import annotations

import math
import random

import networkx as nx

# networkx's ForceAtlas2 costs O(n²) time and memory per iteration: the iteration count
# shrinks with the graph, and beyond MAX_SIMULATED nodes only the most mentioned are
# simulated while the others are put next to their strongest laid-out neighbour.
MAX_SIMULATED = 1000
_PAIR_BUDGET = 4e7


def _iterations(n: int) -> int:
    return max(15, min(300, int(_PAIR_BUDGET / max(n * n, 1))))


def add_layout(graph: nx.Graph, *, seed: int = 42, size: float | None = None) -> nx.Graph:
    """Store `x`, `y` node attributes from a ForceAtlas2 layout (fixed seed: same graph,
    same picture), scaled to roughly [-size, size] (by default growing with the square
    root of the node count, so that labels stay readable when the whole graph is shown).

    >>> g = add_layout(nx.path_graph(3))
    >>> sorted(g.nodes[0])
    ['x', 'y']
    """
    n = graph.number_of_nodes()
    if n == 0:
        return graph
    if n == 1:
        positions = {next(iter(graph)): (0.0, 0.0)}
    else:
        core = sorted(graph, key=lambda v: (-graph.nodes[v].get("mentions", 0), str(v)))
        core = core[:MAX_SIMULATED]
        simulated = graph.subgraph(core)
        positions = nx.forceatlas2_layout(simulated, weight="weight", seed=seed,
                                          max_iter=_iterations(len(core)), strong_gravity=True)
        positions = {v: (float(x), float(y)) for v, (x, y) in positions.items()}
        _place_the_rest(graph, positions, seed=seed)
        size = size or max(400.0, 120.0 * math.sqrt(n))
        positions = nx.rescale_layout_dict(positions, scale=size)
    for node, (x, y) in positions.items():
        graph.nodes[node]["x"] = round(float(x), 2)
        graph.nodes[node]["y"] = round(float(y), 2)
    return graph


def _place_the_rest(graph: nx.Graph, positions: dict, *, seed: int) -> None:
    """Put each node without a position near its heaviest positioned neighbour, or on an
    outer ring when it has none."""
    rng = random.Random(seed)
    spread = max((math.hypot(x, y) for x, y in positions.values()), default=1.0) or 1.0
    rest = [v for v in graph if v not in positions]
    for index, node in enumerate(rest):
        placed = [(data.get("weight", 1), other) for other, data in graph[node].items()
                  if other in positions]
        if placed:
            _, anchor = max(placed, key=lambda pair: (pair[0], str(pair[1])))
            x, y = positions[anchor]
            angle = rng.uniform(0, 2 * math.pi)
            positions[node] = (x + 0.05 * spread * math.cos(angle),
                               y + 0.05 * spread * math.sin(angle))
        else:
            angle = 2 * math.pi * index / max(len(rest), 1)
            positions[node] = (1.2 * spread * math.cos(angle), 1.2 * spread * math.sin(angle))
