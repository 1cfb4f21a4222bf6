"""graph.html in a real browser: Debian's Chromium driven by Playwright, network blocked."""

from __future__ import annotations

import os
import shutil

import networkx as nx
import pytest

from entity_graph.graph.cooccurrence import Attachments, link
from entity_graph.graph.html import write_html
from entity_graph.graph.layout import add_layout
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
    assert any(payload in sentence for sentences in result.attachments.evidence.values()
               for *_, sentence in sentences for payload in XSS)
    # Directly: markup in names and aliases too.
    graph = result.graph.copy()
    attachments = result.attachments
    for i, payload in enumerate(XSS):
        graph.add_node(f"x{i}", label=f"Name {payload}", type="PER", mentions=3,
                       documents=1, aliases=f"{payload} | alias{i}")
        graph.add_edge(f"x{i}", "elon-musk-per", weight=2, documents=1)
        attachments.evidence[link(f"x{i}", "elon-musk-per")] = [
            ("d", "2020", f"Name {payload} et Elon Musk.")]
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
            assert XSS[i] in page.page.inner_text("#panel")
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
        assert "100" in page.page.inner_text("#notice")
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
