"""The Python API: build() with keyword settings, load(), lookups and DataFrames."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from pipeline import UnknownEntity, build, load

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
    with pytest.raises(FileNotFoundError, match="no graph.json"):
        load(tmp_path)
    (tmp_path / "graph.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not a graph written by entity-graph"):
        load(tmp_path)


def test_build_takes_settings_as_keywords(nlp):
    result = build([CORPUS], nlp=nlp, curation="", window="document", weight="jaccard",
                   progress=False)
    assert result.out_dir is None and not result.outputs
    assert result.graph.graph["window"] == "document"
    assert all(0 < w <= 1 for *_, w in result.graph.edges(data="weight"))
    with pytest.raises(TypeError):
        build([CORPUS], nlp=nlp, windw="document")
