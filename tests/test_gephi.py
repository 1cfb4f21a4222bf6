"""GraphML and GEXF as Gephi itself imports them: gephi-toolkit 0.9.2 (the library inside
Gephi, shipped in the `forceatlas2-python` wheel) run through JPype on the machine's Java,
in a process of its own (`gephi_import.py`). Nothing here ships with the product: test
extras and Debian's `default-jre-headless` only (`.ci/run` installs it).

Checked: an import report with no SEVERE or WARNING issue, node and link counts equal to
the CSVs, labels that are the entity names, each attribute once with its type, colours,
sizes and positions from the files, and time intervals for dated entities.
"""

from __future__ import annotations

import csv
import importlib.util
import itertools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from entity_graph.graph.gexf import write_gexf
from entity_graph.graph.graphml import write_graphml
from entity_graph.graph.style import rgb, type_colour

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
IMPORTER = Path(__file__).resolve().parent / "gephi_import.py"
# Gephi's column types for the kinds the writers declare.
JAVA_TYPES = {int: {"Long", "Integer"}, float: {"Double", "Float"}, str: {"String"}}


@pytest.fixture(scope="session")
def gephi():
    """A function that imports files with Gephi's importer (in a process of its own, see
    `gephi_import.py`) and returns, per file, what Gephi saw."""
    sys.path.insert(0, str(IMPORTER.parent))
    from gephi_import import toolkit_jar

    missing = [what for what, ok in [("java", shutil.which("java")), ("JPype1",
               importlib.util.find_spec("jpype")), ("gephi-toolkit (forceatlas2-python)",
                                                    toolkit_jar())] if not ok]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"Gephi import tests need {', '.join(missing)}")
        pytest.skip(f"{', '.join(missing)} not installed")

    def import_files(*paths: Path) -> list[dict]:
        done = subprocess.run([sys.executable, str(IMPORTER), *map(str, paths)],
                              capture_output=True, text=True, check=False, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    return import_files


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def assert_imported_cleanly(seen: dict, graph: nx.Graph, entities_csv: Path, edges_csv: Path,
                            *, fmt: str) -> None:
    assert not [i for i in seen["issues"] if i[0] in ("SEVERE", "WARNING", "CRITICAL")], \
        seen["issues"]
    entities = rows(entities_csv)
    assert len(seen["nodes"]) == len(entities) == graph.number_of_nodes()
    assert seen["edges"] == len(rows(edges_csv)) == graph.number_of_edges()
    # Every attribute arrives once, with its type; visual ones are no columns.
    titles = seen["node_column_titles"]
    assert len(titles) == len(set(titles)), titles
    for name in ("x", "y", "r", "g", "b", "size"):
        assert name not in seen["node_columns"], (fmt, name)
    most = max(d["mentions"] for _, d in graph.nodes(data=True))
    for node, data in graph.nodes(data=True):
        got = seen["nodes"][node]
        assert got["label"] == data["label"]
        assert tuple(got["colour"]) == rgb(type_colour(data["type"]))
        assert got["x"] == pytest.approx(data["x"], abs=1e-3)
        assert got["y"] == pytest.approx(data["y"], abs=1e-3)
        assert got["size"] > 0 and (data["mentions"] < most or got["size"] == 48.0)
        for name, value in data.items():
            if name in ("label", "x", "y"):
                continue
            kind = type(value) if isinstance(value, int | float | str) else str
            assert seen["node_columns"][name] in JAVA_TYPES[kind], (fmt, name)
            if isinstance(value, str):  # Gephi keeps an empty value as none
                assert (got["values"][name] or "") == value, (fmt, node, name)
            else:
                assert float(got["values"][name]) == pytest.approx(value), (fmt, node, name)
    # Link attributes: each a column of its kind; the weight is Gephi's own, not a copy.
    for _, _, data in graph.edges(data=True):
        for name, value in data.items():
            if name != "weight":
                kind = type(value) if isinstance(value, int | float | str) else str
                assert seen["edge_columns"][name] in JAVA_TYPES[kind], (fmt, name)
    assert "weight" not in seen["edge_columns"]


def test_gephi_imports_the_sample_corpus_without_an_issue(gephi, seed_build):
    outputs = seed_build.outputs
    graphml, gexf = gephi(outputs["graph.graphml"], outputs["graph.gexf"])
    for fmt, seen in (("graphml", graphml), ("gexf", gexf)):
        assert_imported_cleanly(seen, seed_build.graph, outputs["entities.csv"],
                                outputs["edges.csv"], fmt=fmt)
    # The seed articles are dated (June 2023): GEXF makes every entity live that month.
    june = gexf["nodes"]["chine-loc"]["intervals"]
    assert len(june) == 1
    start, end = june[0]
    assert (end - start) / 86_400_000 == 30  # 1 to 30 June, the 30th included


def test_gephi_takes_labels_from_the_label_key_whatever_else_the_graph_holds(gephi, tmp_path):
    """Gephi 0.9.2 takes the key whose id is "d3" as the node label: with networkx's ids a
    graph without graph-level attributes got its counts as labels. Named ids end that."""
    graphs, paths = [], []
    for number_of_attributes, graph_attributes in enumerate(
            ({}, {"window": "sentence"}, {"window": "sentence", "weight": "count"})):
        graph = nx.Graph(**graph_attributes)
        for number, name in enumerate(["Elon Musk", "Chine", "Tesla", "Shanghai"]):
            graph.add_node(f"n{number}", label=name, type="PER", mentions=number + 1,
                           documents=11, aliases=name, x=float(number), y=1.0)
        graph.add_edge("n0", "n1", weight=3, documents=2)
        for fmt, write in (("graphml", write_graphml), ("gexf", write_gexf)):
            path = tmp_path / f"g{number_of_attributes}.{fmt}"
            write(graph, path)
            graphs.append(graph)
            paths.append(path)
    for graph, seen in zip(graphs, gephi(*paths), strict=True):
        assert not [i for i in seen["issues"] if i[0] in ("SEVERE", "WARNING")]
        assert {n: d["label"] for n, d in seen["nodes"].items()} == {
            n: d["label"] for n, d in graph.nodes(data=True)}


def test_control_characters_never_reach_the_files(gephi, tmp_path):
    """A control character, U+FFFE or a lone surrogate in an article is dropped, not
    written: both files stay well-formed and Gephi reads them."""
    graph = nx.Graph(window="sentence")
    graph.add_node("a", label="Lé\x00on\x1b", type="PER", mentions=1, aliases="x\ufffe\ud800y",
                   x=0.0, y=0.0)
    graph.add_node("b", label="Paris", type="LOC", mentions=2, aliases="Paris", x=1.0, y=1.0)
    graph.add_edge("a", "b", weight=1, evidence="« Léon\x0c à Paris »")
    paths = []
    for fmt, write in (("graphml", write_graphml), ("gexf", write_gexf)):
        path = tmp_path / f"g.{fmt}"
        write(graph, path)
        back = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
        assert back.nodes["a"]["label"] == "Léon"
        assert back.nodes["a"]["aliases"] == "xy"
        paths.append(path)
    assert [seen["nodes"]["a"]["label"] for seen in gephi(*paths)] == ["Léon", "Léon"]


def test_gephi_imports_a_larger_dated_build(gephi, relations_nlp, tmp_path):
    """A real dated corpus (Wikinews 2016–2017): hundreds of entities and day-dated spells,
    built with relations (the links' predicates are typed string columns)."""
    source = SHARED_DATA / "dev" / "winer-dev-fr.jsonl"
    if not source.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{source} is missing")
        pytest.skip(f"{source} is missing")
    from entity_graph.pipeline.run import build

    sample = tmp_path / "winer-sample.jsonl"
    with open(source, encoding="utf-8") as file:
        sample.write_text("".join(itertools.islice(file, 80)), encoding="utf-8")
    result = build([sample], tmp_path / "out", nlp=relations_nlp, progress=False,
                   relations=True)
    outputs = result.outputs
    assert result.graph.number_of_nodes() > 200
    assert any(d["predicate"] for _, _, d in result.graph.edges(data=True))
    graphml, gexf = gephi(outputs["graph.graphml"], outputs["graph.gexf"])
    for fmt, seen in (("graphml", graphml), ("gexf", gexf)):
        assert_imported_cleanly(seen, result.graph, outputs["entities.csv"],
                                outputs["edges.csv"], fmt=fmt)
    spells = [i for n in gexf["nodes"].values() for i in n["intervals"]]
    assert spells and all(end > start for start, end in spells)  # no zero-length day
    days = {(end - start) / 86_400_000 for start, end in spells}
    assert 1 in days  # an entity seen on one day lives that whole day
