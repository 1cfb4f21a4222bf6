"""The seed graph's GraphML and GEXF, read back by independent parsers: networkx,
python-igraph, and graphology-graphml / graphology-gexf (the parsers of Gephi Lite, run
with node). Every attribute must come back with the same name, kind and value."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import igraph
import networkx as nx
import pytest

from entity_graph.graph.attributes import VIZ
from entity_graph.graph.export import plain_graph
from entity_graph.graph.style import rgb, type_colour

READERS = Path(__file__).resolve().parent / "readers"


def same(expected, actual) -> bool:
    """Equal value, and a number stays a number, a string a string."""
    if isinstance(expected, str):
        return isinstance(actual, str) and actual == expected
    return isinstance(actual, int | float) and not isinstance(actual, bool) and \
        actual == pytest.approx(expected, rel=1e-9, abs=1e-12)


def assert_same_attributes(expected: nx.Graph, nodes: dict, edges: dict, *, renamed=()):
    """`nodes`: id -> attributes, `edges`: frozenset of ids -> attributes, as a reader
    returned them. Attribute names in `renamed` are checked by the caller."""
    assert set(nodes) == set(expected)
    for node, data in expected.nodes(data=True):
        for name, value in data.items():
            if name in renamed:
                continue
            assert name in nodes[node], (node, name)
            assert same(value, nodes[node][name]), (node, name, value, nodes[node][name])
    assert set(edges) == {frozenset(e) for e in expected.edges}
    for a, b, data in expected.edges(data=True):
        for name, value in data.items():
            assert same(value, edges[frozenset((a, b))][name]), (a, b, name)


@pytest.fixture(scope="module")
def expected(seed_build):
    return plain_graph(seed_build.graph)


@pytest.fixture(scope="module")
def node_readers():
    """Install the npm packages pinned in tests/readers/package-lock.json (once)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        if os.environ.get("CI"):
            pytest.fail("node and npm are needed for the graphology reader tests")
        pytest.skip("node/npm not installed")
    if not (READERS / "node_modules" / "graphology-gexf").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=READERS,
                       check=True, stdin=subprocess.DEVNULL)

    def read(fmt: str, path: Path) -> dict:
        out = subprocess.run(["node", str(READERS / "read_graph.js"), fmt, str(path)],
                             check=True, capture_output=True, text=True)
        return json.loads(out.stdout)
    return read


def test_seed_graph_has_every_kind_of_attribute(expected):
    node = next(iter(expected.nodes.values()))
    for name in ["label", "type", "mentions", "documents", "aliases", "degree",
                 "weighted_degree", "pagerank", "betweenness", "community", "x", "y", "r", "g",
                 "b", "size", "first_seen", "last_seen"]:
        assert name in node, name
    edge = next(iter(expected.edges.values()))
    for name in ["weight", "count", "documents", "pmi", "npmi", "jaccard", "evidence",
                 "first_seen", "last_seen"]:
        assert name in edge, name


def test_networkx_reads_graphml_and_gexf(seed_build, expected):
    back = nx.read_graphml(seed_build.outputs["graph.graphml"])
    assert_same_attributes(expected, dict(back.nodes(data=True)),
                           {frozenset((a, b)): d for a, b, d in back.edges(data=True)})
    gexf = nx.read_gexf(seed_build.outputs["graph.gexf"])
    # GEXF holds colour, size and position as `viz` only, not as columns too.
    assert_same_attributes(expected, dict(gexf.nodes(data=True)),
                           {frozenset((a, b)): d for a, b, d in gexf.edges(data=True)},
                           renamed=VIZ)
    assert gexf.graph["mode"] == "dynamic"  # the seed articles have dates
    for node, data in gexf.nodes(data=True):
        assert not set(VIZ) & set(data)
        want = expected.nodes[node]
        assert data["viz"]["color"] == {"r": want["r"], "g": want["g"], "b": want["b"], "a": 1.0}
        assert data["viz"]["position"] == {"x": want["x"], "y": want["y"], "z": 0.0}
        assert data["viz"]["size"] == want["size"]
    # June 2023, the whole month: the spell ends when July begins.
    assert gexf.nodes["chine-loc"]["spells"] == [("2023-06-01", "2023-07-01")]


def test_igraph_reads_graphml(seed_build, expected):
    back = igraph.Graph.Read_GraphML(str(seed_build.outputs["graph.graphml"]))
    nodes = {v["id"]: {k: v[k] for k in back.vs.attributes()} for v in back.vs}
    edges = {frozenset((back.vs[e.source]["id"], back.vs[e.target]["id"])): e.attributes()
             for e in back.es}
    assert_same_attributes(expected, nodes, edges)


def test_gephi_lite_parsers_read_graphml_and_gexf(seed_build, expected, node_readers):
    for fmt in ("graphml", "gexf"):
        data = node_readers(fmt, seed_build.outputs[f"graph.{fmt}"])
        nodes = {n["key"]: n["attributes"] for n in data["nodes"]}
        edges = {frozenset((e["source"], e["target"])): e["attributes"] for e in data["edges"]}
        # graphology-graphml folds Gephi's r/g/b columns into one colour; in GEXF they
        # are `viz` (graphology: color, size, x, y).
        viz = ("r", "g", "b") if fmt == "graphml" else ("r", "g", "b", "size")
        assert_same_attributes(expected, nodes, edges, renamed=viz)
        for node, attributes in nodes.items():
            r, g, b = rgb(type_colour(expected.nodes[node]["type"]))
            colour = f"#{r:02x}{g:02x}{b:02x}" if fmt == "graphml" else f"rgba({r},{g},{b},1.0)"
            assert attributes["color"] == colour, node
