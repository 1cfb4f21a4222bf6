"""Graph building and the GraphML / GEXF / JSON / HTML exports."""

import itertools
import json
import math
import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import networkx as nx

from entity_graph.graph.analytics import annotate
from entity_graph.graph.cooccurrence import Attachments, cooccurrence_graph
from entity_graph.graph.export import write_gexf, write_graphml, write_json
from entity_graph.graph.html import render_html, safe_json
from entity_graph.graph.layout import add_layout, strongest_nodes
from entity_graph.pipeline.extraction.records import DocRecord, RecordMention
from entity_graph.pipeline.merging.entities import build_entities


def record(doc_id, mentions, sentences=None, date=None):
    return DocRecord(doc_id, date, None, None, "", 0, 10,
                     [RecordMention(0, len(n), n, label, n, s) for n, label, s in mentions],
                     sentences or {})


RECORDS = [
    record("d1", [("Musk", "PER", 0), ("Chine", "LOC", 0), ("Chine", "LOC", 0),
                  ("Tesla", "ORG", 1), ("Chine", "LOC", 1), ("Musk", "PER", 2)],
           {0: "Musk en Chine, la Chine.", 1: "Tesla en Chine."}, date="2023-06"),
    record("d2", [("Musk", "PER", 0), ("Chine", "LOC", 0), ("Paris", "LOC", 3)],
           {0: "Musk quitte la Chine."}),
]


def seed_graph():
    return cooccurrence_graph(RECORDS, build_entities(RECORDS), evidence=2)


def test_weights_count_sentences_and_documents():
    g = seed_graph()
    musk_china = g.edges["musk-per", "chine-loc"]
    assert (musk_china["weight"], musk_china["documents"]) == (2, 2)
    assert g.edges["tesla-org", "chine-loc"]["weight"] == 1
    assert not g.has_edge("musk-per", "tesla-org")
    assert nx.number_of_selfloops(g) == 0
    assert g.nodes["paris-loc"]["mentions"] == 1 and g.degree("paris-loc") == 0


def test_evidence_is_kept_up_to_k():
    attachments = Attachments()
    g = cooccurrence_graph(RECORDS, build_entities(RECORDS), evidence=1,
                           attachments=attachments)
    assert attachments.evidence_of("chine-loc", "musk-per") == [
        ("d1", "2023-06", "Musk en Chine, la Chine.", "")]
    assert g.edges["musk-per", "chine-loc"]["evidence"] == "d1 (2023-06): Musk en Chine, la Chine."


def test_node_attributes():
    node = seed_graph().nodes["chine-loc"]
    assert node == {"label": "Chine", "type": "LOC", "mentions": 4, "documents": 2,
                    "aliases": "Chine", "first_seen": "2023-06", "last_seen": "2023-06"}


def test_graphml_round_trip_has_typed_attributes(tmp_path):
    g = add_layout(seed_graph())
    write_graphml(g, tmp_path / "g.graphml")
    back = nx.read_graphml(tmp_path / "g.graphml")
    node = back.nodes["musk-per"]
    assert isinstance(node["mentions"], int) and isinstance(node["x"], float)
    assert node["label"] == "Musk" and node["type"] == "PER"
    edge = back.edges["musk-per", "chine-loc"]
    assert isinstance(edge["weight"], int) and isinstance(edge["evidence"], str)
    assert "Musk en Chine" in edge["evidence"]
    text = (tmp_path / "g.graphml").read_text(encoding="utf-8")
    ids = re.findall(r'<key id="([^"]+)"', text)
    assert len(ids) == len(set(ids))


def test_gexf_has_labels_colours_and_positions(tmp_path):
    g = add_layout(seed_graph())
    write_gexf(g, tmp_path / "g.gexf")
    back = nx.read_gexf(tmp_path / "g.gexf")
    node = back.nodes["chine-loc"]
    assert node["label"] == "Chine"
    assert node["viz"]["color"]["g"] == 161 and "position" in node["viz"]


def test_json_export(tmp_path):
    write_json(seed_graph(), tmp_path / "g.json")
    data = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert {n["id"] for n in data["nodes"]} >= {"musk-per", "chine-loc"}


def test_safe_json_cannot_close_the_script_element():
    text = safe_json({"s": "</script><script>alert(1)</script><!-- https://x"})
    assert "<" not in text and "://" not in text
    assert json.loads(text)["s"].startswith("</script>")


def graph_data(html):
    return html.split('id="graph-data" type="application/json">')[1].split("</script>")[0]


def test_html_has_no_url_and_escapes_names():
    g = nx.Graph()
    g.add_node("x", label='</script><img src=x onerror="alert(1)">', type="PER", mentions=2,
               documents=1, aliases="https://evil.example")
    html = render_html(g)
    assert "://" not in html

    class Tags(HTMLParser):
        tags: list = []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

    parser = Tags()
    parser.feed(html)
    assert "img" not in parser.tags and parser.tags.count("script") == 4
    assert json.loads(graph_data(html))["nodes"][0]["label"] == g.nodes["x"]["label"]


def test_html_keeps_the_strongest_nodes():
    g = nx.Graph()
    for i in range(10):
        g.add_node(f"n{i}", label=f"N{i}", type="LOC", mentions=i, documents=1, aliases="")
    html = render_html(g, max_nodes=3)
    data = json.loads(graph_data(html))
    assert sorted(n["id"] for n in data["nodes"]) == ["n7", "n8", "n9"]
    assert data["summary"]["entities_total"] == 10


def three_communities() -> nx.Graph:
    """Three cliques of twelve joined by single links, two isolated entities and a pair."""
    graph = nx.Graph()
    for c in range(3):
        members = [f"c{c}-{i}" for i in range(12)]
        graph.add_edges_from(itertools.combinations(members, 2), weight=2)
    graph.add_edges_from([("c0-0", "c1-0"), ("c1-1", "c2-1")], weight=1)
    graph.add_nodes_from(["alone", "lonely"])
    graph.add_edge("pair-a", "pair-b", weight=1)
    for node in graph:
        graph.nodes[node].update(label=node, mentions=1)
    return graph


def test_layout_keeps_communities_apart_and_sets_loose_entities_aside():
    graph = annotate(three_communities())
    points = {n: (d["x"], d["y"]) for n, d in graph.nodes(data=True)}
    discs = []
    for c in range(3):
        members = [points[f"c{c}-{i}"] for i in range(12)]
        cx, cy = sum(x for x, _ in members) / 12, sum(y for _, y in members) / 12
        discs.append((cx, cy, max(math.dist((cx, cy), p) for p in members)))
    for (ax, ay, ar), (bx, by, br) in itertools.combinations(discs, 2):
        assert math.dist((ax, ay), (bx, by)) > ar + br  # no community reaches into another
    lowest = max(y for n, (_, y) in points.items() if n.startswith("c"))
    assert all(points[n][1] > lowest for n in ("alone", "lonely", "pair-a", "pair-b"))
    assert len({points[n] for n in graph}) == graph.number_of_nodes()


def test_layout_is_the_same_whatever_the_build_order_and_hash_seed(tmp_path):
    script = (
        "import json, networkx as nx\n"
        "from entity_graph.graph.analytics import annotate\n"
        "names = {f'entity {i}' for i in range(80)}\n"  # set order follows the hash seed
        "g = nx.Graph()\n"
        "for a in names:\n"
        "    for b in names:\n"
        "        i, j = int(a[7:]), int(b[7:])\n"
        "        if i < j and (i * j + i + j) % 13 < 2:\n"
        "            g.add_edge(a, b, weight=1 + (i + j) % 3)\n"
        "for n in g: g.nodes[n]['mentions'] = int(n[7:]) % 5 + 1\n"
        "annotate(g)\n"
        "print(json.dumps({n: [d['x'], d['y'], d['community'], d['betweenness']]\n"
        "                  for n, d in sorted(g.nodes(data=True))}))\n")
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2")]
    assert runs[0] == runs[1] and len(json.loads(runs[0])) > 60


def test_layout_for_a_capped_page_is_made_for_the_drawn_entities():
    graph = nx.barabasi_albert_graph(300, 2, seed=3)
    for node in graph:
        graph.nodes[node].update(label=f"E{node}", mentions=graph.degree(node))
    add_layout(graph, core=50)
    drawn = strongest_nodes(graph, 50)
    xs = [graph.nodes[n]["x"] for n in drawn]
    every = [graph.nodes[n]["x"] for n in graph]
    # The drawn entities fill the picture instead of being a sparse sample of it.
    assert max(xs) - min(xs) > 0.5 * (max(every) - min(every))
