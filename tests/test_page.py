"""graph.html in a real browser: Debian's Chromium driven by Playwright, network blocked."""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path

import networkx as nx
import pytest

from entity_graph.graph.cooccurrence import Attachments, link
from entity_graph.graph.html import write_html
from entity_graph.graph.layout import add_layout
from entity_graph.pipeline.extraction.normalize import fold
from entity_graph.pipeline.run import Settings, build

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM) and not os.environ.get("CI"):
        pytest.skip("browser tests need Debian's Chromium: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"])
        yield browser
        browser.close()


class Page:
    """A page opened from a file with every non-file request blocked and recorded."""

    def __init__(self, browser, path):
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.requests, self.failed, self.errors, self.dialogs = [], [], [], []
        self.page.route("**/*", self._route)
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("body[data-ready=true]", timeout=15000)

    def _route(self, route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def js(self, code):
        return self.page.evaluate(code)

    def close(self):
        self.context.close()


@pytest.fixture
def seed_page(browser, seed_build):
    page = Page(browser, seed_build.outputs["graph.html"])
    yield page
    page.close()


def test_page_loads_offline_without_errors(seed_page):
    assert seed_page.requests == [] and seed_page.failed == []
    assert seed_page.errors == []
    assert seed_page.js("entityGraph.nodes.length") == seed_page.js(
        "JSON.parse(document.getElementById('graph-data').textContent).nodes.length")
    assert "2 documents" in seed_page.page.inner_text("#summary")


def test_search_focuses_the_entity_by_alias_without_accents(seed_page):
    seed_page.page.fill("#search", "etats unis")
    seed_page.page.keyboard.press("Enter")
    assert seed_page.js("entityGraph.network.getSelectedNodes()") == ["etats-unis-loc"]
    assert seed_page.page.inner_text("#panel h2") == "États-Unis"
    seed_page.page.fill("#search", "musk")
    seed_page.page.keyboard.press("Enter")
    assert seed_page.js("entityGraph.network.getSelectedNodes()") == ["elon-musk-per"]


def test_type_filter_hides_nodes_and_their_edges(seed_page):
    before = seed_page.js("entityGraph.edgeView.length")
    seed_page.page.uncheck("input[data-type=LOC]")
    shown = seed_page.js("entityGraph.nodeView.getIds()")
    assert "chine-loc" not in shown and "elon-musk-per" in shown
    edges = seed_page.js("entityGraph.edgeView.get()")
    assert len(edges) < before
    assert all(e["from"] != "chine-loc" and e["to"] != "chine-loc" for e in edges)


def test_min_weight_slider_hides_light_edges(seed_page):
    seed_page.page.locator("#min-weight").fill("5")
    weights = seed_page.js("entityGraph.edgeView.get().map(e => e.weight)")
    assert weights and min(weights) >= 5


def test_clicking_an_edge_shows_its_evidence(seed_page):
    page = seed_page.page
    # Click a point of the heaviest link that no node covers.
    point = seed_page.js("""(() => {
        const net = entityGraph.network;
        net.fit({animation: false});
        const p = net.getPositions(["elon-musk-per", "chine-loc"]);
        const a = net.canvasToDOM(p["elon-musk-per"]), b = net.canvasToDOM(p["chine-loc"]);
        const box = document.getElementById("network").getBoundingClientRect();
        for (let t = 0.5; t > 0.05; t -= 0.05) for (const u of [t, 1 - t]) {
            const at = {x: a.x + u * (b.x - a.x), y: a.y + u * (b.y - a.y)};
            const edge = entityGraph.edges.get(net.getEdgeAt(at));
            if (net.getNodeAt(at) === undefined && edge
                && [edge.from, edge.to].sort().join() === "chine-loc,elon-musk-per")
                return {x: box.left + at.x, y: box.top + at.y};
        }
        return null;
    })()""")
    assert point is not None
    page.mouse.click(point["x"], point["y"])
    panel = page.inner_text("#panel")
    assert "Elon Musk" in panel and "Chine" in panel and "Evidence" in panel
    marks = page.eval_on_selector_all("#panel mark", "ms => ms.map(m => m.textContent)")
    assert {"Chine"} <= set(marks) and ({"Musk", "Elon Musk"} & set(marks))


XSS = [
    "<script>alert('s')</script>",
    "<img src=x onerror=alert('i')>",
    "</script><script>alert('c')</script>",
    "\" onmouseover=\"alert('q')\" '",
    "<svg/onload=alert('v')>",
]


def test_hostile_text_stays_inert_in_names_and_evidence(browser, nlp, tmp_path):
    # Through the pipeline: markup in the articles ends up in evidence sentences.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, payload in enumerate(XSS):
        (corpus / f"{i}.txt").write_text(
            f"Elon Musk {payload} a rencontré Emmanuel Macron à Paris {payload}.",
            encoding="utf-8")
    result = build([corpus], tmp_path / "out", Settings(progress=False), nlp=nlp)
    assert any(payload in example[2] for sentences in result.attachments.evidence.values()
               for example in sentences for payload in XSS)
    # Directly: markup in names and aliases too.
    graph = result.graph.copy()
    attachments = result.attachments
    for i, payload in enumerate(XSS):
        graph.add_node(f"x{i}", label=f"Name {payload}", type="PER", mentions=3,
                       documents=1, aliases=f"{payload} | alias{i}")
        graph.add_edge(f"x{i}", "elon-musk-per", weight=2, documents=1)
        attachments.evidence[link(f"x{i}", "elon-musk-per")] = [
            ("d", "2020", f"Name {payload} et Elon Musk.", f"voir {payload}")]
        # Predicates come from the articles' words too: the link panel, the links'
        # tooltips and the relation filter's list show them.
        attachments.relations[link(f"x{i}", "elon-musk-per")] = [
            (f"x{i}", f"voir {payload}", "elon-musk-per", True, 1)]
    add_layout(graph)
    path = tmp_path / "xss.html"
    write_html(graph, path, attachments=attachments)

    page = Page(browser, path)
    try:
        page.page.fill("#search", "alias0")
        page.page.keyboard.press("Enter")
        page.page.wait_for_timeout(100)
        for i in range(len(XSS)):  # open every hostile node and link in the panel
            page.js(f"""entityGraph.network.selectNodes(["x{i}"]);""")
            page.page.evaluate(
                f"""entityGraph.network.body.emitter.emit("click",
                    {{nodes: ["x{i}"], edges: [], event: {{}}, pointer: {{}}}})""")
            panel = page.page.inner_text("#panel")
            assert f"Name {XSS[i]}" in panel
            edge = page.js(f"""entityGraph.edges.get()
                               .find(e => e.from === "x{i}" || e.to === "x{i}").id""")
            page.page.evaluate(
                f"""entityGraph.network.body.emitter.emit("click",
                    {{nodes: [], edges: [{edge}], event: {{}}, pointer: {{}}}})""")
            panel = page.page.inner_text("#panel")
            assert XSS[i] in panel and f"voir {XSS[i]}" in panel
        # The hostile names also reach the top-entities list, the colour key (communities
        # are named after a member) and the labels drawn on the canvas.
        page.page.select_option("#rank-by", "links")
        page.page.select_option("#colour-by", "community")
        page.page.click("#show-isolated")
        page.js("entityGraph.network.fit({animation: false})")
        page.page.wait_for_timeout(100)
        shown = page.page.inner_text("#top") + page.page.inner_text("#colour-key")
        assert any(payload in shown for payload in XSS)
        options = page.js("[...document.querySelectorAll('#relation-list option')]"
                          ".map(o => o.value)")
        assert {f"voir {payload}" for payload in XSS} <= set(options)
        page.page.fill("#relation", "voir <svg")
        page.page.wait_for_timeout(100)
        assert page.js("entityGraph.edgeView.getIds().length") == 1
        assert any(label["text"].startswith("Name <") for label in page.js("entityGraph.labels()"))
        page.page.mouse.move(10, 10)
        page.page.wait_for_timeout(200)
        assert page.dialogs == []
        assert page.js("document.querySelectorAll('img, svg, iframe').length") == 0
        assert page.js("document.scripts.length") == 4
        assert page.errors == [] and page.requests == []
    finally:
        page.close()


def test_large_graph_is_capped_and_says_so(browser, tmp_path):
    graph = nx.gnm_random_graph(300, 900, seed=1)
    for node in graph:
        graph.nodes[node].update(label=f"E{node}", type="ORG", mentions=node + 1,
                                 documents=1, aliases="")
    for a, b in graph.edges:
        graph.edges[a, b].update(weight=1, documents=1)
    add_layout(graph)
    path = tmp_path / "big.html"
    write_html(graph, path, max_nodes=100)
    page = Page(browser, path)
    try:
        assert page.js("entityGraph.nodes.length") == 100
        notice = page.page.inner_text("#notice")
        assert "100 most mentioned" in notice and "--html-max-nodes 300" in notice
        assert "300" in page.page.inner_text("#summary")
        assert page.js("entityGraph.network.physics.options.enabled") is False
    finally:
        page.close()


def test_float_weights_get_a_fine_slider_and_the_edge_panel_shows_measures(browser, tmp_path):
    graph = nx.Graph(window="paragraph", weight="npmi")
    for node, kind in [("a", "PER"), ("b", "ORG"), ("c", "LOC")]:
        graph.add_node(node, label=node.upper(), type=kind, mentions=3, documents=1, aliases="")
    graph.add_edge("a", "b", weight=0.8, count=2, documents=1, pmi=1.5, npmi=0.8, jaccard=1.0)
    graph.add_edge("b", "c", weight=0.1, count=1, documents=1, pmi=0.2, npmi=0.1, jaccard=0.5)
    add_layout(graph)
    path = tmp_path / "npmi.html"
    write_html(graph, path, attachments=Attachments(evidence={("a", "b"): [("d1", "", "A et B.")]}))
    page = Page(browser, path)
    try:
        slider = page.page.locator("#min-weight")
        assert float(slider.get_attribute("max")) == 0.8 and slider.input_value() == "0"
        assert page.js("entityGraph.edgeView.get().length") == 2
        slider.fill("0.5")
        assert page.js("entityGraph.edgeView.get().map(e => e.weight)") == [0.8]
        edge = page.js("entityGraph.edges.get().find(e => e.weight === 0.8).id")
        page.js(f"""entityGraph.network.body.emitter.emit("click",
            {{nodes: [], edges: [{edge}], event: {{}}, pointer: {{}}}})""")
        panel = page.page.inner_text("#panel")
        assert "together in 2 paragraphs" in panel and "NPMI 0.8" in panel
        assert "A et B." in panel
        assert page.errors == []
    finally:
        page.close()


# A real corpus of more than 1,000 entities: the page as a new user first sees it.
DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "dev"


@pytest.fixture(scope="session")
def dev_build(nlp, tmp_path_factory):
    files = [DEV / "hipe2020-dev-fr.jsonl", DEV / "newseye-dev-fr.jsonl"]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(f"missing: {missing}")
    result = build(files, tmp_path_factory.mktemp("dev-output"), Settings(progress=False), nlp=nlp)
    assert result.graph.number_of_nodes() >= 1000
    return result


@pytest.fixture
def dev_page(browser, dev_build):
    page = Page(browser, dev_build.outputs["graph.html"])
    yield page
    page.close()


def visible(page) -> tuple[set, list]:
    return set(page.js("entityGraph.nodeView.getIds()")), page.js("entityGraph.edgeView.get()")


def test_big_graph_shows_the_important_entities_labelled_at_first_sight(dev_page, dev_build):
    assert dev_page.js("entityGraph.nodes.length") >= 1000
    labels = dev_page.js("entityGraph.labels()")
    width, height = dev_page.js("""[document.getElementById("network").clientWidth,
                                     document.getElementById("network").clientHeight]""")
    readable = [label for label in labels if label["size"] >= 10 and label["x0"] >= 0
                and label["y0"] >= 0 and label["x1"] <= width and label["y1"] <= height]
    assert len(readable) >= 20
    for a, b in itertools.combinations(labels[:20], 2):  # no pile-up
        assert a["x1"] <= b["x0"] or b["x1"] <= a["x0"] or a["y1"] <= b["y0"] or b["y1"] <= a["y0"]
    # The most mentioned entity that is on screen is labelled, and the labels really are
    # on the canvas: dark text pixels inside each box.
    graph = dev_build.graph
    shown, _ = visible(dev_page)
    top = max(shown, key=lambda n: (graph.nodes[n]["mentions"], n))
    assert labels[0]["id"] == top and labels[0]["text"] == graph.nodes[top]["label"]
    dark = dev_page.js("""entityGraph.labels().slice(0, 20).map((l) => {
        const canvas = document.querySelector("#network canvas");
        const ratio = canvas.width / canvas.clientWidth;
        const pixels = canvas.getContext("2d").getImageData(l.x0 * ratio, l.y0 * ratio,
            (l.x1 - l.x0) * ratio, (l.y1 - l.y0) * ratio).data;
        let dark = 0;
        for (let i = 0; i < pixels.length; i += 4)
            if (Math.max(pixels[i], pixels[i + 1], pixels[i + 2]) < 90 && pixels[i + 3] > 200)
                dark++;
        return dark; })""")
    assert all(count > 20 for count in dark)
    assert dev_page.errors == [] and dev_page.requests == []


def test_zooming_in_draws_more_labels(dev_page):
    before = {label["id"] for label in dev_page.js("entityGraph.labels()")}
    dev_page.js("""entityGraph.network.moveTo({scale: entityGraph.network.getScale() * 4,
                                               animation: false})""")
    dev_page.page.wait_for_timeout(100)
    labels = dev_page.js("entityGraph.labels()")
    assert labels and all(label["size"] >= 10 for label in labels)
    # The part of the graph now in view had fewer labels before the zoom.
    in_view = dev_page.js("""(() => {
        const net = entityGraph.network, box = document.getElementById("network");
        const a = net.DOMtoCanvas({x: 0, y: 0});
        const b = net.DOMtoCanvas({x: box.clientWidth, y: box.clientHeight});
        return Object.entries(net.getPositions()).filter(([, p]) =>
            p.x >= a.x && p.x <= b.x && p.y >= a.y && p.y <= b.y).map(([id]) => id); })()""")
    assert len(labels) > 2 * len(before & set(in_view))


def test_top_entities_list_focuses_a_node_and_dims_the_rest(dev_page, dev_build):
    graph = dev_build.graph
    page = dev_page.page
    page.select_option("#rank-by", "pagerank")
    first = page.locator("#top-list button").first
    shown, _ = visible(dev_page)
    best = max(shown, key=lambda n: graph.nodes[n]["pagerank"])
    assert first.get_attribute("data-node") == best
    first.click()
    assert dev_page.js("entityGraph.network.getSelectedNodes()") == [best]
    assert page.inner_text("#panel h2") == graph.nodes[best]["label"]
    colours = dev_page.js("Object.fromEntries(entityGraph.nodes.get().map(n => [n.id, n.color]))")
    neighbours = set(graph[best]) & shown
    assert all(colours[n] != "#ececec" for n in neighbours | {best})
    assert any(colours[n] == "#ececec" for n in shown - neighbours - {best})
    assert {label["id"] for label in dev_page.js("entityGraph.labels()")} <= neighbours | {best}
    page.mouse.click(5, 400)  # the background clears the focus
    assert dev_page.js("entityGraph.state.focus") is None


def test_weight_slider_hides_entities_left_without_links(dev_page):
    nodes_before, _ = visible(dev_page)
    dev_page.page.locator("#min-weight").fill("3")
    nodes, edges = visible(dev_page)
    linked = {e["from"] for e in edges} | {e["to"] for e in edges}
    assert edges and all(e["weight"] >= 3 for e in edges)
    assert nodes == linked and len(nodes) < len(nodes_before)
    assert "without links hidden" in dev_page.page.inner_text("#status")
    dev_page.page.check("#show-isolated")
    with_isolated, _ = visible(dev_page)
    assert with_isolated > nodes and with_isolated - linked


def test_time_filter_keeps_what_was_seen_in_the_period(dev_page, dev_build):
    spells = dev_build.attachments.spells
    dates = dev_page.js("""JSON.parse(document.getElementById("graph-data").textContent)
                           .nodes.flatMap(n => n.spells.flat())""")
    dates = sorted(set(dates))
    low = next(i for i, d in enumerate(dates) if d >= "1900")
    high = max(i for i, d in enumerate(dates) if d < "1920")
    all_nodes, _ = visible(dev_page)
    dev_page.page.locator("#time-to").fill(str(high))
    dev_page.page.locator("#time-from").fill(str(low))
    assert dev_page.page.inner_text("#time") .count("19") >= 2
    nodes, edges = visible(dev_page)
    assert nodes and len(nodes) < len(all_nodes)
    start, end = dates[low], dates[high]
    seen = lambda key: any(s <= end and e >= start for s, e in spells.get(key, []))  # noqa: E731
    assert all(seen(node) for node in nodes)
    assert all(seen(tuple(sorted((e["from"], e["to"])))) for e in edges)


def test_colour_by_community_recolours_nodes_and_legend(dev_page, dev_build):
    graph = dev_build.graph
    data = dev_page.js("JSON.parse(document.getElementById('graph-data').textContent)")
    biggest = data["communities"][0]
    dev_page.page.select_option("#colour-by", "community")
    colours = dev_page.js("Object.fromEntries(entityGraph.nodes.get().map(n => [n.id, n.color]))")
    members = [n for n in colours if graph.nodes[n]["community"] == biggest["community"]]
    assert members and all(colours[n] == biggest["colour"] for n in members)
    assert biggest["name"] in dev_page.page.inner_text("#colour-key")
    dev_page.page.select_option("#colour-by", "type")
    assert "Person" in dev_page.page.inner_text("#colour-key")


def test_page_folds_names_exactly_as_python(browser, tmp_path):
    names = ["Œuvre", "l’Œuvre", "ŒUVRE", "Ærø", "Straße", "ÉTATS-UNIS", "Saint-Étienne",
             "ﬁnance", "Jean   Pierre", "Ça", "Müller", "Łódź", "İstanbul", "Ångström",
             "naïve café", "N'Djamena", "Côte d'Ivoire", "São Paulo", "Dvořák", "Ｐａｒｉｓ",
             "Jean-Marie Le\u00a0Pen", "M. Dupont_fils", "ΣΊΣΥΦΟΣ", "ǅemal"]
    graph = nx.Graph()
    graph.add_node("oe", label="Œuvre", type="ORG", mentions=2, documents=1, aliases="")
    graph.add_node("x", label="Autre", type="ORG", mentions=1, documents=1, aliases="")
    graph.add_edge("oe", "x", weight=1)
    add_layout(graph)
    write_html(graph, tmp_path / "fold.html")
    page = Page(browser, tmp_path / "fold.html")
    try:
        assert page.js(f"{json.dumps(names)}.map(entityGraph.fold)") == [fold(n) for n in names]
        for query in ("oeuvre", "œuvre", "OEUVRE"):
            page.page.fill("#search", query)
            assert page.page.inner_text("#suggestions").startswith("Œuvre")
    finally:
        page.close()


def test_panels_say_how_much_they_show(browser, tmp_path):
    graph = nx.Graph(window="sentence")
    graph.add_node("musk", label="Elon Musk", type="PER", mentions=1, documents=1,
                   aliases="Elon Musk | Musk | M. Musk")
    graph.add_node("chine", label="Chine", type="LOC", mentions=12, documents=4, aliases="Chine")
    graph.add_edge("musk", "chine", weight=11, count=11, documents=1)
    add_layout(graph)
    evidence = [("d1", "", f"Musk en Chine, phrase {i}.") for i in range(3)]
    write_html(graph, tmp_path / "words.html",
               attachments=Attachments(evidence={link("musk", "chine"): evidence}))
    page = Page(browser, tmp_path / "words.html")
    try:
        emit = """entityGraph.network.body.emitter.emit("click", {nodes: %s, edges: %s,
                  event: {}, pointer: {}})"""
        page.js(emit % ('["musk"]', "[]"))
        panel = page.page.inner_text("#panel")
        assert "1 mention · 1 document" in panel
        assert "Musk · M. Musk" in panel and "Elon Musk ·" not in panel
        page.js(emit % ("[]", "[0]"))
        panel = page.page.inner_text("#panel")
        assert "together in 11 sentences · 1 document" in panel
        assert "Evidence: 3 of 11 shown" in panel
        page.js(emit % ('["chine"]', "[]"))
        assert "Also written" not in page.page.inner_text("#panel")
    finally:
        page.close()


def test_links_show_their_relations_and_filter_by_predicate(browser, relations_nlp, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Emmanuel Macron a rencontré Olaf Scholz à Berlin. Olaf Scholz a reçu Emmanuel Macron. "
        "Angela Merkel a été reçue par Emmanuel Macron. Olaf Scholz et Angela Merkel "
        "sont à Paris.", encoding="utf-8")
    result = build([corpus], tmp_path / "out", Settings(progress=False, relations=True),
                   nlp=relations_nlp)
    page = Page(browser, result.outputs["graph.html"])
    try:
        edges = page.js("entityGraph.edges.get()")
        by_pair = {frozenset((e["from"], e["to"])): e for e in edges}
        macron, scholz = result.find("Emmanuel Macron"), result.find("Olaf Scholz")
        link = by_pair[frozenset((macron, scholz))]
        assert link["title"].splitlines()[-1] == "recevoir, rencontrer"  # the hover label
        page.js(f"""entityGraph.network.body.emitter.emit("click",
                    {{nodes: [], edges: [{link["id"]}], event: {{}}, pointer: {{}}}})""")
        panel = page.page.inner_text("#panel")
        assert "Emmanuel Macron → rencontrer → Olaf Scholz (1 sentence)" in panel
        assert "Olaf Scholz → recevoir → Emmanuel Macron (1 sentence)" in panel
        assert "a.txt · rencontrer" in panel  # each evidence sentence with its predicate
        # The filter: links whose predicates contain what is typed.
        assert page.page.is_visible("#relation-filter")
        page.page.fill("#relation", "recevoir")
        page.page.wait_for_timeout(100)
        shown = {frozenset((e["from"], e["to"])) for e in page.js("entityGraph.edgeView.get()")}
        merkel = result.find("Angela Merkel")
        assert shown == {frozenset((macron, scholz)), frozenset((macron, merkel))}
        page.page.fill("#relation", "")
        page.page.wait_for_timeout(100)
        assert page.js("entityGraph.edgeView.length") == len(edges)
        assert page.errors == [] and page.requests == []
    finally:
        page.close()


def test_relation_filter_is_hidden_without_relations(seed_page):
    assert not seed_page.page.is_visible("#relation-filter")
