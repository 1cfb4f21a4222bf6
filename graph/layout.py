"""Node positions computed once in Python, so viewers need no physics simulation and the
page, Gephi and the notebook all show the same picture.

The layout shows structure the way a reader looks for it:

* each community (Louvain) is laid out on its own, as a disc whose area grows with its
  size, and the discs are arranged by the links between communities, then pushed apart
  until none overlap, so communities are visibly apart;
* isolated entities and small components (fewer than `SET_ASIDE_BELOW` entities) are
  set aside on a grid under the main drawing, biggest first, instead of being scattered
  through it;
* when the page draws only the `core` most mentioned entities, the layout is made for
  them, so the page is a full picture rather than a sparse sample of a bigger one; every
  other entity is placed around its strongest drawn neighbour (or on the grid).

Everything runs in igraph (C) with a seeded generator on nodes taken in sorted order:
the same graph gives the same positions, whatever the order it was built in.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

if TYPE_CHECKING:
    import igraph

    from entity_graph.graph.attributes import LinkTables

SET_ASIDE_BELOW = 4
# Distance between neighbouring entities, in the units of node sizes (`style.node_size`
# gives 8 to 48): Gephi opens the file with room for the labels.
SPACING = 60.0
_GAP = 0.5  # margin between community discs, in SPACING units


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """igraph draws from one global generator: seed it for a call, then give it back.
    (igraph is imported where it is used, here and in `analytics`, not when the package
    loads: the command line imports it first, without matplotlib; see
    `cli.import_igraph_without_matplotlib`.)"""
    import igraph

    igraph.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        igraph.set_random_number_generator(random)


def strongest_nodes(graph: nx.Graph, limit: int) -> list:
    """The `limit` most mentioned nodes (ties by degree, then label): those the page draws.

    >>> g = nx.Graph(); g.add_node("a", mentions=1); g.add_node("b", mentions=5)
    >>> strongest_nodes(g, 1)
    ['b']
    """
    degree = dict(graph.degree())
    order = sorted(graph.nodes(data=True), key=lambda item: (
        -item[1].get("mentions", 0), -degree[item[0]], str(item[1].get("label", item[0]))))
    return [node for node, _ in order[:limit]]


def drawn_graph(graph: nx.Graph, nodes: list) -> nx.Graph:
    """The graph of `nodes` and the links between them, found by looking only at their
    own links (networkx's subgraph view filters every neighbour through Python calls:
    seconds for the hubs of a document-window graph).

    >>> sorted(drawn_graph(nx.path_graph(4), [0, 1, 3]).edges)
    [(0, 1)]
    """
    position = {node: number for number, node in enumerate(nodes)}
    drawn = nx.Graph(**graph.graph)
    drawn.add_nodes_from((node, graph.nodes[node]) for node in nodes)
    drawn.add_edges_from((a, b, data) for a in nodes for b, data in graph.adj[a].items()
                         if position.get(b, -1) > position[a])
    return drawn


def add_layout(graph: nx.Graph, *, seed: int = 42, communities: dict | None = None,
               core: int | None = None, links: LinkTables | None = None) -> nx.Graph:
    """Store `x`, `y` node attributes (see the module's docstring). `communities` maps
    each node to its community; by default the `community` node attribute, or Louvain's.
    `core`: lay out for the page that draws only that many of the most mentioned nodes.
    `links`: the graph's `attributes.link_tables`, when already made (see `_anchors`).

    >>> g = add_layout(nx.path_graph(3))
    >>> sorted(g.nodes[0])
    ['x', 'y']
    """
    positions = community_layout(graph, seed=seed, communities=communities, core=core,
                                 links=links)
    for node, (x, y) in positions.items():
        graph.nodes[node]["x"] = round(x, 2)
        graph.nodes[node]["y"] = round(y, 2)
    return graph


def community_layout(graph: nx.Graph, *, seed: int = 42, communities: dict | None = None,
                     core: int | None = None, links: LinkTables | None = None,
                     ) -> dict[Hashable, tuple[float, float]]:
    """Positions of every node: communities apart, small components set aside (`core`,
    `links`: see `add_layout`).

    >>> g = nx.union(nx.complete_graph(["a", "b", "c", "d"]), nx.complete_graph(["x", "y"]))
    >>> positions = community_layout(g)
    >>> max(positions[n][1] for n in "abcd") < positions["x"][1]   # the pair sits below
    True
    """
    if graph.number_of_nodes() == 0:
        return {}
    if core is not None and graph.number_of_nodes() > core:
        drawn = drawn_graph(graph, strongest_nodes(graph, core))
        positions = community_layout(drawn, seed=seed, communities=communities)
        return _around_anchors(graph, positions, links=links)
    main: list = []
    loose: list[list] = []
    for component in nx.connected_components(graph):
        members = sorted(component, key=str)
        if len(members) >= SET_ASIDE_BELOW:
            main.extend(members)
        else:
            loose.append(members)
    if communities is None:
        communities = _communities(graph.subgraph(main), seed=seed)
    positions = _arranged_communities(graph, _grouped(main, communities), seed=seed)
    positions.update(_grid_below(graph, loose, positions))
    return positions


def _communities(graph: nx.Graph, *, seed: int) -> dict:
    if all("community" in data for _, data in graph.nodes(data=True)):
        return dict(graph.nodes(data="community"))
    from entity_graph.graph.analytics import communities  # analytics imports this module

    return communities(graph, seed=seed)


def _grouped(nodes: Iterable, communities: dict) -> list[list]:
    """Members of each community, biggest community first, members in sorted order."""
    groups: dict = defaultdict(list)
    for node in nodes:
        groups[communities.get(node, -1)].append(node)
    return sorted(groups.values(), key=lambda members: (-len(members), str(members[0])))


def _igraph(graph: nx.Graph, nodes: list) -> igraph.Graph:
    """`nodes`' subgraph in igraph, vertices in the given order, edges sorted, weights
    damped (log) so that one heavy link does not pull its two ends onto one point."""
    import igraph

    position = {node: i for i, node in enumerate(nodes)}
    # Each link once, from its end placed first (not a subgraph view: it filters every
    # neighbour through Python calls).
    edges = sorted((i, j, math.log1p(float(data.get("weight", 1))))
                   for i, a in enumerate(nodes) for b, data in graph.adj[a].items()
                   if (j := position.get(b, -1)) > i)
    converted = igraph.Graph(n=len(nodes), edges=[(a, b) for a, b, _ in edges])
    converted.es["weight"] = [max(w, 1e-3) for _, _, w in edges]
    return converted


def _unit_disc(points: np.ndarray) -> np.ndarray:
    """Points centred on 0, scaled so that the farthest is at distance 1."""
    centred = points - points.mean(axis=0)
    farthest = float(np.sqrt((centred ** 2).sum(axis=1)).max())
    return centred / farthest if farthest > 0 else centred


def _even_disc(points: np.ndarray) -> np.ndarray:
    """Points moved along their radius so that they fill the unit disc evenly, keeping
    their directions and their order from the centre: a force layout packs a dense core
    tight and flings loosely linked members far out, leaving no room for labels.

    >>> _even_disc(np.array([[0.0, 0.0], [0.1, 0.0], [0.0, 5.0], [-9.0, 0.0]])).round(2)
    array([[ 0.  ,  0.  ],
           [ 0.61,  0.  ],
           [ 0.  ,  0.79],
           [-0.94,  0.  ]])
    """
    centred = points - np.median(points, axis=0)
    radius = np.sqrt((centred ** 2).sum(axis=1))
    order = np.argsort(radius, kind="stable")
    wanted = np.empty_like(radius)
    wanted[order] = np.sqrt((np.arange(len(points)) + 0.5) / len(points))
    wanted[order[0]] = 0.0 if radius[order[0]] == 0 else wanted[order[0]]
    safe = np.where(radius > 0, radius, 1.0)
    return centred * (wanted / safe)[:, None]


def _disc_layout(whole: igraph.Graph, members: range, *, seed: int) -> np.ndarray:
    """Positions of one community's members in the unit disc (Fruchterman–Reingold)."""
    if len(members) == 1:
        return np.zeros((1, 2))
    if len(members) == 2:
        return np.array([[-1.0, 0.0], [1.0, 0.0]])
    community = whole.induced_subgraph(members, implementation="create_from_scratch")
    with seeded(seed):
        layout = community.layout_fruchterman_reingold(weights="weight", niter=300)
    return _even_disc(np.array(layout.coords, dtype=float))


def _arranged_communities(graph: nx.Graph, groups: list[list], *, seed: int,
                          ) -> dict[Hashable, tuple[float, float]]:
    """Each community's disc, placed by a layout of the graph of communities."""
    if not groups:
        return {}
    nodes = [node for members in groups for node in members]
    whole = _igraph(graph, nodes)
    sizes = np.array([len(members) for members in groups])
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    radii = SPACING * 0.6 * np.sqrt(sizes)
    centres = _community_centres(whole, np.repeat(np.arange(len(groups)), sizes), radii,
                                 seed=seed)
    positions = {}
    for start, size, radius, centre in zip(first, sizes, radii, centres, strict=True):
        disc = _disc_layout(whole, range(int(start), int(start + size)), seed=seed)
        for node, point in zip(nodes[start:start + size], disc, strict=True):
            positions[node] = (float(centre[0] + radius * point[0]),
                               float(centre[1] + radius * point[1]))
    return positions


def _community_centres(whole: igraph.Graph, group_of: np.ndarray, radii: np.ndarray, *,
                       seed: int) -> np.ndarray:
    """Centres of the community discs: communities with many links between them close,
    no two discs overlapping."""
    import igraph

    if len(radii) == 1:
        return np.zeros((1, 2))
    ends = np.array(whole.get_edgelist(), dtype=int).reshape(-1, 2)
    weights = np.expm1(np.array(whole.es["weight"], dtype=float))  # undo the damping
    a, b = group_of[ends[:, 0]], group_of[ends[:, 1]]
    across = a != b
    pairs = np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1)[across]
    links, where = np.unique(pairs, axis=0, return_inverse=True)
    totals = np.bincount(where.ravel(), weights=weights[across], minlength=len(links))
    meta = igraph.Graph(n=len(radii), edges=[tuple(map(int, pair)) for pair in links])
    meta.es["weight"] = np.log1p(totals).tolist()
    with seeded(seed):
        layout = meta.layout_fruchterman_reingold(weights="weight" if len(links) else None)
    centres = _unit_disc(np.array(layout.coords, dtype=float))
    # Spread to the radius of a disc holding all community discs, then remove overlaps.
    centres *= 0.8 * math.sqrt(float((radii ** 2).sum()))
    return _without_overlaps(centres, radii + _GAP * SPACING / 2)


def _without_overlaps(centres: np.ndarray, radii: np.ndarray, *,
                      rounds: int = 300) -> np.ndarray:
    """Push overlapping discs apart along the line joining them until none overlap (or
    `rounds` passes), the bigger disc moving less.

    >>> _without_overlaps(np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([1.0, 1.0])).round(2)
    array([[-0.5,  0. ],
           [ 1.5,  0. ]])
    """
    centres = centres.copy()
    needed = radii[:, None] + radii[None, :]
    share = radii[None, :] / needed  # how much of an overlap disc i takes on
    jitter = np.random.default_rng(0)
    for _ in range(rounds):
        offsets = centres[:, None, :] - centres[None, :, :]
        distance = np.sqrt((offsets ** 2).sum(axis=2))
        overlap = needed - distance
        np.fill_diagonal(overlap, 0.0)
        if overlap.max() <= 1e-9:
            break
        coincident = (distance < 1e-9) & (overlap > 0)
        np.fill_diagonal(coincident, False)
        if coincident.any():  # two discs on one point: no direction to push along
            centres += jitter.normal(scale=1e-3, size=centres.shape) * radii[:, None]
            continue
        safe = np.where(distance > 0, distance, 1.0)
        push = np.clip(overlap, 0.0, None) * share / safe
        centres += (offsets * push[:, :, None]).sum(axis=1)
    return centres


def _around_anchors(graph: nx.Graph, positions: dict[Hashable, tuple[float, float]], *,
                    links: LinkTables | None = None) -> dict[Hashable, tuple[float, float]]:
    """`positions` completed: each other node in a sunflower spiral around its heaviest
    positioned neighbour (`links`: see `add_layout`), or, with none, on the grid under
    the drawing.

    >>> g = nx.Graph([("hub", "a"), ("hub", "b")]); g.add_node("alone")
    >>> placed = _around_anchors(g, {"hub": (0.0, 0.0)})
    >>> [round(placed[n][0]) for n in ("hub", "a", "b")], placed["alone"][1] > 0
    ([0, -31, 5], True)
    """
    anchors = _anchors(graph, positions, links)
    placed = dict(positions)
    satellites: dict = defaultdict(int)
    unanchored = []
    for node in sorted((n for n in graph if n not in positions), key=str):
        anchor = anchors.get(node, _NONE)
        if anchor is _NONE:
            unanchored.append(node)
            continue
        satellites[anchor] += 1
        turn = satellites[anchor]
        angle = turn * math.pi * (3 - math.sqrt(5))  # the golden angle: no two on a line
        distance = SPACING * 0.5 * math.sqrt(turn + 1)
        x, y = positions[anchor]
        placed[node] = (x + distance * math.cos(angle), y + distance * math.sin(angle))
    placed.update(_grid_below(graph, [[node] for node in unanchored], placed))
    return placed


_NONE = object()  # no anchor (a node may be None)


def _anchors(graph: nx.Graph, positions: dict, links: LinkTables | None) -> dict:
    """The heaviest positioned neighbour of each node not positioned that has one (ties:
    the greatest id as text), found in one pass over the links (with `links`, in numpy)."""
    if links is None:
        best: dict = {}  # node: ((weight, anchor's id as text), anchor)
        for a, b, data in graph.edges(data=True):
            a_placed, b_placed = a in positions, b in positions
            if a_placed != b_placed:
                node, anchor = (b, a) if a_placed else (a, b)
                candidate = (data.get("weight", 1), str(anchor))
                if node not in best or candidate > best[node][0]:
                    best[node] = (candidate, anchor)
        return {node: anchor for node, (_, anchor) in best.items()}
    nodes = sorted(graph, key=str)  # numbered in the order of their ids as text
    ends = links.ends({node: number for number, node in enumerate(nodes)})
    placed = np.array([node in positions for node in nodes], dtype=bool)
    a_placed, b_placed = placed[ends[:, 0]], placed[ends[:, 1]]
    one_side = a_placed != b_placed
    if not one_side.any():
        return {}
    node = np.where(a_placed, ends[:, 1], ends[:, 0])[one_side]
    anchor = np.where(a_placed, ends[:, 0], ends[:, 1])[one_side]
    weight = np.array(links.weights(), dtype=float)[one_side]
    order = np.lexsort((anchor, weight, node))  # by node, then weight, then anchor's text
    node, anchor = node[order], anchor[order]
    last = np.append(node[1:] != node[:-1], True)  # each node's heaviest, greatest anchor
    return {nodes[n]: nodes[a] for n, a in zip(node[last].tolist(), anchor[last].tolist(),
                                              strict=True)}


def _grid_below(graph: nx.Graph, components: list[list],
                positions: dict[Hashable, tuple[float, float]],
                ) -> dict[Hashable, tuple[float, float]]:
    """Small components on a grid under the main drawing (y grows downwards on the page),
    biggest and most mentioned first, the members of a component side by side."""
    if not components:
        return {}
    mentions = dict(graph.nodes(data="mentions", default=0))

    def weight(members: list) -> tuple:
        return (-len(members), -max(mentions[n] for n in members), str(members[0]))

    ordered = [node for members in sorted(components, key=weight)
               for node in sorted(members, key=lambda n: (-mentions[n], str(n)))]
    if positions:
        xs = [x for x, _ in positions.values()]
        left, width = min(xs), max(max(xs) - min(xs), SPACING)
        top = max(y for _, y in positions.values()) + 2 * SPACING
    else:
        width = SPACING * math.ceil(math.sqrt(len(ordered)))
        left, top = -width / 2, 0.0
    columns = max(1, int(width // SPACING) + 1)
    return {node: (left + SPACING * (index % columns), top + SPACING * (index // columns))
            for index, node in enumerate(ordered)}
