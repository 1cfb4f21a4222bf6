"""Windows, association measures, pruning, node measures and time, on small corpora whose
answers are worked out by hand in the comments."""

import math

import networkx as nx
import pytest

from entity_graph.graph import analytics
from entity_graph.graph.analytics import annotate, communities
from entity_graph.graph.cooccurrence import Attachments, cooccurrence_graph, parse_window
from entity_graph.graph.pruning import (
    backbone,
    disparity,
    drop_weak_links,
    keep_mentioned,
    top_entities,
)
from entity_graph.pipeline.extraction.records import DocRecord, RecordMention
from entity_graph.pipeline.merging.entities import build_entities

NAMES = {"A": ("Alpha", "PER"), "B": ("Beta", "ORG"), "C": ("Gamma", "LOC"),
         "D": ("Delta", "LOC")}
A, B, C, D = "alpha-per", "beta-org", "gamma-loc", "delta-loc"


def doc(doc_id, date, mentions, *, sentences, paragraphs, tokens, texts):
    """mentions: (letter, sentence, paragraph, token)."""
    return DocRecord(
        doc_id, date, None, None, "", 0, tokens,
        [RecordMention(0, 1, NAMES[k][0], NAMES[k][1], NAMES[k][0], s, p, t)
         for k, s, p, t in mentions],
        sentences=texts, sentence_count=sentences, paragraph_count=paragraphs, tokens=tokens)


# d1: 4 sentences in 2 paragraphs, 40 tokens    d2: 2 sentences, 1 paragraph, 20 tokens
#   s0 (p0): A@0  B@5                              s0 (p0): A@0  C@3
#   s1 (p0): C@12                                  s1 (p0): B@15
#   s2 (p1): A@20
#   s3 (p1): D@35
RECORDS = [
    doc("d1", "2023-06-05", [("A", 0, 0, 0), ("B", 0, 0, 5), ("C", 1, 0, 12), ("A", 2, 1, 20),
                             ("D", 3, 1, 35)],
        sentences=4, paragraphs=2, tokens=40,
        texts={0: "Alpha et Beta.", 1: "Gamma.", 2: "Alpha encore.", 3: "Delta."}),
    doc("d2", "2023-07", [("A", 0, 0, 0), ("C", 0, 0, 3), ("B", 1, 0, 15)],
        sentences=2, paragraphs=1, tokens=20, texts={0: "Alpha avec Gamma.", 1: "Beta."}),
]


def graph(**options):
    return cooccurrence_graph(RECORDS, build_entities(RECORDS), **options)


def evidence(a, b, **options):
    """The evidence tuples of the link a-b, and its plain-string form on the graph."""
    attachments = Attachments()
    g = cooccurrence_graph(RECORDS, build_entities(RECORDS), attachments=attachments,
                           **options)
    found = attachments.evidence_of(a, b)
    assert g.edges[a, b]["evidence"] == "\n".join(f"{d} ({w}): {s}" for d, w, s, _ in found)
    return found


def edges(g, attribute="count"):
    return {frozenset((a, b)): value for a, b, value in g.edges(data=attribute)}


def test_sentence_window():
    # Sentences: d1 {A,B} {C} {A} {D}, d2 {A,C} {B}: 6 contexts; A in 3, B in 2, C in 2.
    g = graph()
    assert edges(g) == {frozenset((A, B)): 1, frozenset((A, C)): 1}
    ab = g.edges[A, B]
    assert ab["pmi"] == pytest.approx(math.log2(1 * 6 / (3 * 2)), abs=1e-4)  # = 0
    assert ab["npmi"] == 0
    assert evidence(A, B) == [("d1", "2023-06-05", "Alpha et Beta.", "")]


def test_paragraph_window():
    # Paragraphs: d1 {A,B,C} {A,D}, d2 {A,B,C}: 3 contexts; A in 3, B 2, C 2, D 1.
    g = graph(window="paragraph")
    assert edges(g) == {frozenset((A, B)): 2, frozenset((A, C)): 2, frozenset((B, C)): 2,
                        frozenset((A, D)): 1}
    bc = g.edges[B, C]
    assert bc["pmi"] == pytest.approx(math.log2(2 * 3 / (2 * 2)), abs=1e-4)  # 0.585
    assert bc["npmi"] == 1.0  # B and C are never apart
    assert g.edges[A, D]["pmi"] == 0.0
    # No sentence names both A and D: the two closest sentences are joined.
    assert evidence(A, D, window="paragraph") == [
        ("d1", "2023-06-05", "Alpha encore. … Delta.", "")]


def test_document_window_and_jaccard():
    # Documents: d1 {A,B,C,D}, d2 {A,B,C}: 2 contexts.
    g = graph(window="document")
    assert edges(g) == {frozenset(p): n for p, n in [
        ((A, B), 2), ((A, C), 2), ((B, C), 2), ((A, D), 1), ((B, D), 1), ((C, D), 1)]}
    assert g.edges[A, D]["jaccard"] == 0.5  # {d1} / {d1, d2}
    assert g.edges[A, B]["jaccard"] == 1.0
    assert g.edges[A, D]["pmi"] == pytest.approx(math.log2(1 * 2 / (2 * 1)))


def test_token_windows():
    # 5 tokens: d1 A@0-B@5; d2 A@0-C@3. 60 tokens; A mentioned 3 times, B 2, C 2.
    g = graph(window=5)
    assert edges(g) == {frozenset((A, B)): 1, frozenset((A, C)): 1}
    pmi = math.log2(1 * 60 / (3 * 2))
    assert g.edges[A, B]["pmi"] == pytest.approx(pmi, abs=1e-4)
    assert g.edges[A, B]["npmi"] == pytest.approx(pmi / -math.log2(1 / 60), abs=1e-4)
    # 10 tokens adds d1 B@5-C@12 and C@12-A@20; d2 A@0-C@3 is still the only pair there.
    g = graph(window="10")
    assert edges(g) == {frozenset((A, B)): 1, frozenset((B, C)): 1, frozenset((A, C)): 2}
    assert g.edges[A, C]["documents"] == 2
    assert evidence(B, C, window=10) == [("d1", "2023-06-05", "Alpha et Beta. … Gamma.", "")]


@pytest.mark.parametrize("weight", ["count", "documents", "pmi", "npmi", "jaccard"])
def test_weight_is_the_chosen_measure(weight):
    g = graph(window="paragraph", weight=weight)
    for _, _, data in g.edges(data=True):
        assert data["weight"] == max(data[weight], 0)
    assert g.graph["weight"] == weight


def test_bad_window_or_weight():
    with pytest.raises(ValueError, match="unknown window"):
        parse_window("chapter")
    with pytest.raises(ValueError, match="at least 1"):
        parse_window(0)
    with pytest.raises(ValueError, match="unknown weight"):
        graph(weight="cosine")


def test_first_and_last_seen_and_spells():
    attachments = Attachments()
    g = graph(window="paragraph", attachments=attachments)
    assert (g.nodes[A]["first_seen"], g.nodes[A]["last_seen"]) == ("2023-06-05", "2023-07")
    assert attachments.spells_of(A) == [("2023-06-05", "2023-06-05"),
                                        ("2023-07-01", "2023-07-31")]
    assert attachments.spells_of(D) == [("2023-06-05", "2023-06-05")]
    assert attachments.spells_of(D, A) == [("2023-06-05", "2023-06-05")]
    assert g.edges[A, D]["last_seen"] == "2023-06-05"


def test_no_dates_no_time_attributes():
    undated = [DocRecord(**{**r.__dict__, "date": None}) for r in RECORDS]
    attachments = Attachments()
    g = cooccurrence_graph(undated, build_entities(undated), attachments=attachments)
    assert "first_seen" not in g.nodes[A] and not attachments.spells


# The disparity filter on a star: c's strength is 8 + 1 + 1 = 10 over degree 3, so
# c-x has p-value (1 - 8/10)^2 = 0.04 and c-y (1 - 1/10)^2 = 0.81. x also links to p and q
# (weight 8 each): for x, c-x has (1 - 8/24)^2 = 0.444, yet it is kept through c.
STAR = nx.Graph([("c", "x", {"weight": 8}), ("c", "y", {"weight": 1}), ("c", "z", {"weight": 1}),
                 ("x", "p", {"weight": 8}), ("x", "q", {"weight": 8})])


def test_disparity_p_values():
    p = disparity(STAR)
    assert p["c", "x"] == pytest.approx(0.04)
    assert p["c", "y"] == pytest.approx(0.81)
    assert p["x", "p"] == pytest.approx((1 - 8 / 24) ** 2)  # p has degree 1: x decides


def test_backbone_keeps_edges_significant_for_either_end():
    kept = backbone(STAR, 0.05)
    assert sorted(map(sorted, kept.edges)) == [["c", "x"]]
    assert kept.edges["c", "x"]["disparity"] == pytest.approx(0.04)
    assert set(kept) == {"c", "x"}  # y, z, p, q lost their only link
    assert sorted(map(sorted, backbone(STAR, 0.5).edges)) == [["c", "x"], ["p", "x"],
                                                              ["q", "x"]]
    assert STAR.number_of_edges() == 5  # input untouched
    with pytest.raises(ValueError):
        backbone(STAR, 0)


def test_node_and_edge_filters():
    g = nx.Graph([("a", "b", {"weight": 1}), ("b", "c", {"weight": 3})])
    g.add_node("lonely")
    nx.set_node_attributes(g, {"a": 5, "b": 4, "c": 1, "lonely": 2}, "mentions")
    assert set(keep_mentioned(g, 2)) == {"a", "b", "lonely"}
    assert set(top_entities(g, 2)) == {"a", "b"}
    # a loses its only link and goes; "lonely" never had one and stays.
    assert set(drop_weak_links(g, 2)) == {"b", "c", "lonely"}


def test_annotate_path_graph():
    g = annotate(nx.Graph([("a", "b", {"weight": 2}), ("b", "c", {"weight": 1})]))
    b = g.nodes["b"]
    assert (b["degree"], b["weighted_degree"], b["betweenness"]) == (2, 3, 1.0)
    assert g.nodes["a"]["betweenness"] == 0.0
    assert sum(g.nodes[v]["pagerank"] for v in g) == pytest.approx(1.0, abs=1e-5)
    assert all(isinstance(g.nodes[v]["x"], float) for v in g)


def test_communities_are_stable_and_numbered_by_size():
    # Two triangles joined by one bridge, and a separate pair.
    g = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4), ("x", "y")])
    first = communities(g)
    assert first == communities(g.copy())
    assert {first[1], first[2], first[3]} == {first[1]} and first[1] != first[4]
    assert first["x"] == first["y"] == 2


def test_betweenness_matches_networkx():
    g = nx.barabasi_albert_graph(120, 2, seed=1)
    expected = nx.betweenness_centrality(g)
    found = analytics.betweenness(g)
    assert all(found[v] == pytest.approx(expected[v], abs=1e-12) for v in g)


def test_sampled_betweenness_is_reproducible_and_unbiased(monkeypatch):
    g = nx.barabasi_albert_graph(120, 2, seed=1)
    exact = nx.betweenness_centrality(g)
    monkeypatch.setattr(analytics, "EXACT_BETWEENNESS_UP_TO", 10)
    monkeypatch.setattr(analytics, "BETWEENNESS_SAMPLES", 120)  # every node: exact again
    assert all(analytics.betweenness(g)[v] == pytest.approx(exact[v]) for v in g)
    monkeypatch.setattr(analytics, "BETWEENNESS_SAMPLES", 40)
    one, two = analytics.betweenness(g, seed=7), analytics.betweenness(g, seed=7)
    assert one == two
    hub = max(exact, key=exact.get)
    assert one[hub] == pytest.approx(exact[hub], rel=0.5)
    assert max(one, key=one.get) in sorted(exact, key=exact.get)[-3:]


def test_pagerank_matches_networkx():
    g = nx.Graph([("a", "b", {"weight": 3}), ("b", "c", {"weight": 1}), ("c", "a", {"weight": 1}),
                  ("c", "d", {"weight": 2})])
    expected = nx.pagerank(g, weight="weight", tol=1e-12)
    found = analytics.pagerank(g)
    assert all(found[v] == pytest.approx(expected[v], abs=1e-6) for v in g)


@pytest.mark.parametrize("options", [
    dict(min_mentions=2), dict(top=2), dict(min_weight=2), dict(backbone=0.4),
    dict(min_mentions=2, top=3, min_weight=1, backbone=0.95),
    dict(max_links=3), dict(max_links=1), dict(min_mentions=2, max_links=2),
])
def test_pruning_before_the_graph_is_built_equals_pruning_the_built_graph(options):
    """The build prunes a skeleton of weights (or, the cap on links alone, the counts),
    then builds only what it kept: the same nodes, links, attributes (the backbone's
    `disparity` included) and evidence as building the whole graph and pruning it."""
    from entity_graph.graph.cooccurrence import count_cooccurrences, graph_from_counts
    from entity_graph.pipeline.run import prune, pruned_skeleton
    from entity_graph.pipeline.settings import Settings

    table = build_entities(RECORDS)
    counts = count_cooccurrences(RECORDS, table, window="document")
    settings = Settings(**options)
    whole, whole_attachments = Attachments(), Attachments()
    pruned, report = prune(graph_from_counts(counts, table, window="document",
                                             attachments=whole_attachments), settings)
    keep, early_report = pruned_skeleton(counts, table, settings)
    early = graph_from_counts(counts, table, window="document", attachments=whole, keep=keep)
    assert report == early_report and pruned.number_of_edges() < 6
    assert list(early.nodes(data=True)) == list(pruned.nodes(data=True))
    assert sorted(early.edges(data=True)) == sorted(pruned.edges(data=True))
    assert all(whole.evidence_of(a, b) == whole_attachments.evidence_of(a, b)
               for a, b in early.edges)


def test_counts_without_the_evidence_of_pruned_pairs_build_the_same_graph_and_pair_table():
    """What the Dask cluster sends back of a pruned build's counts (`full_only_if_kept`:
    the pairs left out without their evidence and relations) gives the same graph,
    evidence and table of every pair as the whole counts."""
    from entity_graph.graph.cooccurrence import count_cooccurrences, graph_from_counts, pair_table
    from entity_graph.pipeline.run import full_only_if_kept, pruned_skeleton
    from entity_graph.pipeline.settings import Settings

    table = build_entities(RECORDS)
    settings = Settings(max_links=3, window="document")
    whole = count_cooccurrences(RECORDS, table, window="document")
    reduced = full_only_if_kept(count_cooccurrences(RECORDS, table, window="document"),
                                table, settings)
    keep, _ = pruned_skeleton(whole, table, settings)
    assert keep is not None and 0 < keep.number_of_edges() < len(whole.pairs)
    assert all(bool(pair.evidence) == keep.has_edge(*key) for key, pair in reduced.pairs.items())
    assert {key: pair.count for key, pair in reduced.pairs.items()} == \
        {key: pair.count for key, pair in whole.pairs.items()}
    graphs, evidence = [], []
    for counts in (whole, reduced):
        attachments = Attachments()
        graphs.append(graph_from_counts(counts, table, window="document", keep=keep,
                                        attachments=attachments))
        evidence.append(attachments.evidence)
    assert sorted(graphs[0].edges(data=True)) == sorted(graphs[1].edges(data=True))
    assert evidence[0] == evidence[1]
    assert pair_table(whole, table, keep=keep) == pair_table(reduced, table, keep=keep)


@pytest.mark.parametrize("window", ["sentence", "document", 8])
@pytest.mark.parametrize("pruned", [False, True])
def test_the_links_made_with_the_graph_are_those_read_back_from_it(window, pruned):
    """The build hands the writers and the analytics the links as the graph builder made
    them: the same links, order, ends, attributes (a link lacking one included) and kinds
    as reading them back from the graph."""
    from entity_graph.graph.attributes import link_tables
    from entity_graph.graph.cooccurrence import (
        count_cooccurrences,
        graph_and_links,
        weighted_skeleton,
    )

    table = build_entities(RECORDS)
    counts = count_cooccurrences(list(reversed(RECORDS)), table, window=window)
    keep = None
    if pruned:
        keep = backbone(weighted_skeleton(counts, table), 0.99)
        first = next(iter(keep.edges))
        keep.edges[first]["note"] = "only this link"
    built, links = graph_and_links(counts, table, window=window, weight="npmi",
                                   relations=True, keep=keep)
    read = link_tables(built)
    assert built.number_of_edges() >= 2
    assert [(a, b) for a, b, _ in links.edges] == [(a, b) for a, b, _ in read.edges]
    assert [data for _, _, data in links.edges] == [data for _, _, data in read.edges]
    assert links.edge_table.keys() == read.edge_table.keys()
    assert all(str(found) == str(expected) for name in read.edge_table
               for found, expected in zip(links.edge_table[name], read.edge_table[name],
                                          strict=True))
    assert links.edge_kinds == read.edge_kinds
    assert {"first_seen", "predicate"} <= set(read.edge_table)
    assert not pruned or sum(data.get("note") is not None for *_, data in read.edges) == 1
    assert annotate(built.copy(), layout_core=2, links=links).nodes(data=True) == \
        annotate(built.copy(), layout_core=2).nodes(data=True)


@pytest.mark.parametrize("seed", range(5))
def test_anchors_found_from_the_links_are_those_found_in_networkx(seed):
    """The layout's search for each node's anchor, done over the link tables in numpy,
    agrees with the same search in networkx, ties of weight included (weights 1 to 3 on
    1,500 links)."""
    import random

    from entity_graph.graph.attributes import link_tables
    from entity_graph.graph.layout import _anchors

    rng = random.Random(seed)
    graph = nx.relabel_nodes(nx.gnm_random_graph(200, 1500, seed=seed),
                             lambda n: f"e{n * 7919 % 200}")
    for a, b in graph.edges:
        graph.edges[a, b]["weight"] = rng.choice([1, 2, 3, 2.5])
    links = link_tables(graph)
    core = rng.sample(sorted(graph), 20)
    positions = dict.fromkeys(core, (0.0, 0.0))
    found = _anchors(graph, positions, links)
    assert len(found) > 100 and found == _anchors(graph, positions, None)
    graph.add_nodes_from(["alone", "left out"])  # no link to a positioned node: no anchor
    assert _anchors(graph, {"alone": (0.0, 0.0)}, link_tables(graph)) == {}
