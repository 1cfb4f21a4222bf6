"""The Python API: build() with keyword settings, load(), lookups and DataFrames."""

from __future__ import annotations

import time
from pathlib import Path

import networkx as nx
import pytest

from entity_graph.pipeline import (
    EntityGraphError,
    Settings,
    SettingsError,
    UnknownEntity,
    build,
    load,
)
from entity_graph.pipeline.cli import main

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_lookups_ignore_accents_case_and_use_aliases(seed_build):
    assert seed_build.find("Elon Musk") == "elon-musk-per"
    assert seed_build.find("MUSK") == "elon-musk-per"  # an alias
    assert seed_build.find("etats unis") == "etats-unis-loc"
    assert seed_build.find("chine-loc") == "chine-loc"


def test_unknown_name_suggests_the_closest(seed_build):
    with pytest.raises(UnknownEntity) as error:
        seed_build.find("Elon Muks")
    message = str(error.value)
    assert message.startswith("no entity named 'Elon Muks'; closest: Elon Musk (elon-musk-per)")
    with pytest.raises(KeyError):  # still a KeyError for code that expects one
        seed_build.neighbours("zzzz qqqq")


def test_evidence_neighbours_and_ego_graph(seed_build):
    sentences = seed_build.evidence("Musk", "la Chine")
    assert sentences and all("Chine" in e.sentence for e in sentences)
    assert sentences == seed_build.evidence("Chine", "Elon Musk")
    assert seed_build.evidence("Musk", "Musk") == []
    neighbours = seed_build.neighbours("Elon Musk", 3)
    assert neighbours[0][1] == "Chine" and len(neighbours) == 3
    assert [w for *_, w in neighbours] == sorted((w for *_, w in neighbours), reverse=True)
    ego = seed_build.ego_graph("Elon Musk")
    assert set(ego) == {"elon-musk-per", *seed_build.graph["elon-musk-per"]}


def test_dataframes(seed_build):
    entities = seed_build.entities
    assert entities.index[0] == "chine-loc" and entities.loc["elon-musk-per", "type"] == "PER"
    assert {"pagerank", "community", "degree"} <= set(entities.columns)
    edges = seed_build.edges
    assert {edges.loc[0, "source_label"], edges.loc[0, "target_label"]} == {"Elon Musk", "Chine"}
    mentions = seed_build.mentions
    assert len(mentions) == seed_build.mention_count
    assert set(mentions["date"]) == {"", "2023-06"}


def test_load_gives_the_same_result_back(seed_build):
    loaded = load(seed_build.out_dir)
    assert nx.utils.graphs_equal(loaded.graph, seed_build.graph)
    assert loaded.graph.edges["elon-musk-per", "chine-loc"] == \
        seed_build.graph.edges["elon-musk-per", "chine-loc"]
    assert (loaded.documents, loaded.words) == (seed_build.documents, seed_build.words)
    assert loaded.evidence("musk", "chine") == seed_build.evidence("musk", "chine")
    assert loaded.mentions.equals(seed_build.mentions)


def test_load_errors_are_clear(tmp_path):
    with pytest.raises(EntityGraphError, match="no graph.json"):
        load(tmp_path)
    (tmp_path / "graph.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(EntityGraphError, match="not a graph written by entity-graph"):
        load(tmp_path)


def test_build_takes_settings_as_keywords(nlp):
    result = build([CORPUS], nlp=nlp, curation="", window="document", weight="jaccard",
                   progress=False)
    assert result.out_dir is None and not result.outputs
    assert result.graph.graph["window"] == "document"
    assert all(0 < w <= 1 for *_, w in result.graph.edges(data="weight"))
    with pytest.raises(SettingsError, match="unknown setting 'windw'"):
        build([CORPUS], nlp=nlp, windw="document")


@pytest.mark.parametrize(("options", "message"), [
    ({"weight": "bogus"}, "weight: 'bogus' is not one of count, documents, pmi, npmi, jaccard"),
    ({"types": ("FOO",)}, "types: FOO: choose among PER, ORG, LOC, MISC"),
    ({"types": ()}, "types: none given"),
    ({"window": "chapter"}, "window: unknown window 'chapter'"),
    ({"backbone": 1.5}, r"backbone: 1.5 is not in \(0, 1\]"),
    ({"min_mentions": -2}, "min_mentions: -2 is not a whole number"),
    ({"max_links": 2.5}, "max_links: 2.5 is not a whole number of at least 0"),
    ({"engine": "spark"}, "engine: 'spark' is not one of local, dask"),
    ({"workers": 0}, "workers: 0 is not a whole number of at least 1"),
])
def test_bad_settings_fail_at_once_before_any_work(options, message, tmp_path):
    started = time.perf_counter()
    with pytest.raises(SettingsError, match=message):
        build(CORPUS, tmp_path / "out", **options)
    with pytest.raises(SettingsError, match=message):
        Settings(**options)
    assert time.perf_counter() - started < 0.5
    assert not (tmp_path / "out").exists()


def test_settings_errors_are_value_errors_and_entity_graph_errors():
    with pytest.raises(ValueError):
        Settings(weight="bogus")
    with pytest.raises(EntityGraphError):
        Settings(weight="bogus")


def test_build_takes_a_single_path(nlp):
    one = build("corpus" if Path("corpus").is_dir() else str(CORPUS), nlp=nlp, progress=False)
    assert one.documents == 2 and "elon-musk-per" in one.graph


def test_networkx_writers_take_the_graph_as_it_is(seed_build, tmp_path):
    nx.write_graphml(seed_build.graph, tmp_path / "g.graphml")
    nx.write_gexf(seed_build.graph, tmp_path / "g.gexf")
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert back.number_of_edges() == seed_build.graph.number_of_edges()
    assert "Musk" in back.edges["elon-musk-per", "chine-loc"]["evidence"]
    assert nx.read_gexf(tmp_path / "g.gexf").number_of_nodes() == len(seed_build.graph)


def test_explain_says_which_rule_joined_each_name(seed_build):
    rows = seed_build.explain("Musk")
    ways = {(row.alias, row.rules, row.via) for row in rows}
    assert ("Musk", "in-document", "Elon Musk") in ways
    assert ("Elon Musk", "same-name", "") in ways
    assert {row.entity_id for row in rows} == {"elon-musk-per"}
    assert sum(row.mentions for row in rows) == seed_build.graph.nodes["elon-musk-per"]["mentions"]
    [article] = seed_build.explain("Chine")[1:]
    assert (article.alias, article.rules) == ("La Chine", "article")
    # The same answers from the files of the build.
    assert load(seed_build.out_dir).explain("musk") == rows


def test_explain_command(seed_build, capsys):
    assert main(["explain", "Musk", "--out", str(seed_build.out_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Elon Musk (elon-musk-per): ")
    assert "'Musk': " in out and "in-document ← Elon Musk" in out
    assert "in-document: short for the full name given in the same article" in out
    assert main(["explain", "Nobody Here", "--out", str(seed_build.out_dir)]) == 2
