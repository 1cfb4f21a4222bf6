"""The interactive page: pyvis's bundled vis-network draws it, our template builds it.

pyvis 0.3.2's own template loads Bootstrap and tom-select from CDNs whatever
`cdn_resources` says, its HTML tooltips render article text as markup, and its
`add_edge` compares each new link with every earlier one. So pyvis only provides the
vis-network build; the data is made here and the page comes from
`templates/graph.html.j2`, where:

* every script and style is inline, and no URL of any kind is left in the file;
* the graph travels as JSON inside `<script type="application/json">`, with `<`, `>`,
  `&` and `/` escaped, and the page only ever puts it in the DOM with `textContent`.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from importlib.util import find_spec
from pathlib import Path

import jinja2
import networkx as nx
import orjson

from entity_graph.graph.atomic import atomic_write
from entity_graph.graph.cooccurrence import Attachments
from entity_graph.graph.layout import SPACING, drawn_graph, strongest_nodes
from entity_graph.graph.style import COMMUNITY_COLOURS, TYPE_NAMES, type_colour


def _package_folder(name: str) -> Path:
    """The folder of an installed package, found without importing it (pyvis imports
    IPython: a tenth of a second at every run, for a page that needs two of its files)."""
    spec = find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"no package named {name!r}", name=name)
    return Path(next(iter(spec.submodule_search_locations)))


_VIS_DIR = _package_folder("pyvis") / "templates" / "lib" / "vis-9.1.2"


def _no_urls(code: str) -> str:
    """Make "scheme://" unrecognisable as a URL without changing what the code means:
    in JS and CSS strings, comments and regexes, "\\/" is the same as "/"."""
    return code.replace("://", ":\\/\\/")


def safe_json(data: object) -> str:
    """JSON that can sit inside a <script> element: no "</script>", no "<!--", no URL.

    >>> safe_json({"t": "</script><b>"})
    '{"t":"\\\\u003c\\\\/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = orjson.dumps(data).decode()
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("/", "\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _spells(attachments: Attachments, a: str, b: str | None = None) -> list[list[str]]:
    return [[start, end] for start, end in attachments.spells_of(a, b)]


def node_data(graph: nx.Graph, attachments: Attachments | None = None) -> list[dict]:
    """What the page knows of each node: names (with the search keys folded by Python's
    own `fold`, so the page matches exactly what the pipeline merged), counts, measures,
    community, position and, for a dated corpus, when it was seen.

    >>> g = nx.Graph(); g.add_node("oe", label="Œuvre", aliases="Œuvre | l'Œuvre", mentions=2)
    >>> [(n["label"], n["aliases"], n["keys"]) for n in node_data(g)]
    [('Œuvre', ["l'Œuvre"], ['oeuvre', 'l oeuvre'])]
    """
    # Imported here: the pipeline package imports this module when it loads.
    from entity_graph.pipeline.extraction.normalize import fold

    attachments = attachments or Attachments()
    nodes = []
    for node, data in graph.nodes(data=True):
        entity_type = str(data.get("type", ""))
        label = str(data.get("label", node))
        aliases = [a for a in str(data.get("aliases", "")).split(" | ") if a and a != label]
        mentions, documents = int(data.get("mentions", 0)), int(data.get("documents", 0))
        nodes.append({
            "id": str(node), "label": label, "type": entity_type, "aliases": aliases,
            "keys": list(dict.fromkeys(fold(name) for name in [label, *aliases])),
            "mentions": mentions, "documents": documents,
            "pagerank": float(data.get("pagerank", 0.0)),
            "betweenness": float(data.get("betweenness", 0.0)),
            "community": int(data.get("community", -1)),
            "x": float(data.get("x", 0.0)), "y": float(data.get("y", 0.0)),
            "spells": _spells(attachments, node),
            "title": f"{label}\n{TYPE_NAMES.get(entity_type, entity_type)}"
                     f" · {_plural(mentions, 'mention')} · {_plural(documents, 'document')}",
        })
    return nodes


def edge_data(graph: nx.Graph, attachments: Attachments | None = None) -> list[dict]:
    """What the page knows of each link: counts, weight, association measures, the
    evidence sentences kept (`evidence`, which the page holds apart), for a dated
    corpus, when it was seen, and, for a link with relations, `relations` and
    `predicates`."""
    attachments = attachments or Attachments()
    edges = []
    for index, (a, b, data) in enumerate(graph.edges(data=True)):
        weight = data.get("weight", 1)
        stated = attachments.relations_of(a, b)
        predicates = list(dict.fromkeys(predicate for _, predicate, *_ in stated))
        said = f"\n{', '.join(predicates[:3])}" if predicates else ""
        edge = {
            "id": index, "from": str(a), "to": str(b), "weight": weight,
            "count": data.get("count", weight), "documents": data.get("documents", 0),
            "pmi": data.get("pmi", ""), "npmi": data.get("npmi", ""),
            "jaccard": data.get("jaccard", ""),
            # [doc, date, sentence] and, with a relation, its predicate
            "evidence": [list(e if e[3:4] != ("",) else e[:3])
                         for e in attachments.evidence_of(a, b)],
            "spells": _spells(attachments, a, b),
            "title": f"{graph.nodes[a].get('label', a)} — {graph.nodes[b].get('label', b)}: "
                     f"{weight}{said}",
        }
        if stated:  # only then: 50,000 links would carry 1.5 MB of empty lists
            # (source id, predicate, target id, directed, sentences) each
            edge["relations"] = [list(item) for item in stated]
            edge["predicates"] = predicates
        edges.append(edge)
    return edges


def community_legend(nodes: list[dict], *, limit: int = len(COMMUNITY_COLOURS)) -> list[dict]:
    """The `limit` biggest communities among `nodes`, each named after its most
    mentioned member and given a colour; smaller ones are drawn in grey.

    >>> nodes = [{"community": 0, "label": "A", "mentions": 3},
    ...          {"community": 0, "label": "B", "mentions": 5},
    ...          {"community": 1, "label": "C", "mentions": 1}]
    >>> [(c["community"], c["name"], c["size"]) for c in community_legend(nodes)]
    [(0, 'B', 2), (1, 'C', 1)]
    """
    members: dict[int, list[dict]] = {}
    for node in nodes:
        members.setdefault(node["community"], []).append(node)
    biggest = sorted(members.items(), key=lambda item: (-len(item[1]), item[0]))[:limit]
    return [{"community": community, "size": len(group), "colour": COMMUNITY_COLOURS[rank],
             "name": max(group, key=lambda n: (n["mentions"], n["label"]))["label"]}
            for rank, (community, group) in enumerate(biggest)]


def render_html(graph: nx.Graph, *, attachments: Attachments | None = None,
                title: str = "Entity graph", corpus: dict | None = None,
                max_nodes: int = 2000) -> str:
    """The whole page as a string. `attachments` give the links' evidence sentences and
    dates; `corpus` holds counts shown in the header (documents, words). Only the
    `max_nodes` most mentioned entities are drawn.

    >>> html = render_html(nx.Graph())
    >>> "://" in html
    False
    """
    total_nodes, total_edges = graph.number_of_nodes(), graph.number_of_edges()
    shown = drawn_graph(graph, strongest_nodes(graph, max_nodes)) \
        if total_nodes > max_nodes else graph
    nodes, edges = node_data(shown, attachments), edge_data(shown, attachments)
    evidence = [edge.pop("evidence") for edge in edges]
    types = sorted({n["type"] for n in nodes}, key=lambda t: (t not in TYPE_NAMES, t))
    payload = {
        "nodes": nodes,
        "edges": edges,
        "types": [{"type": t, "name": TYPE_NAMES.get(t, t), "colour": type_colour(t)}
                  for t in types],
        "communities": community_legend(nodes),
        # Predicates by the links that have them, most first, for the relation filter.
        "predicates": [[p, n] for p, n in Counter(
            p for edge in edges for p in edge.get("predicates", [])).most_common()],
        "summary": {
            **(corpus or {}),
            "entities_total": total_nodes, "edges_total": total_edges,
            "entities_shown": len(nodes), "edges_shown": len(edges),
            "window": str(graph.graph.get("window", "sentence")),
            "weight": str(graph.graph.get("weight", "count")),
            "built": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        },
    }
    page = _template().render(title=title, vis_js=_vis("vis-network.min.js"),
                              vis_css=_vis("vis-network.css"), data_json=safe_json(payload),
                              evidence_json=safe_json(evidence), spacing=SPACING)
    # Defence in depth: the template and its libraries are checked once (`_vis`,
    # `_template`); the data cannot hold "://" (`safe_json` escapes every "/").
    if _URL.search(title):
        raise RuntimeError(f"graph.html would reference the network: {title!r}")
    return page


_URL = re.compile(r"\b(?:https?|ftp|wss?):\/\/")


@cache
def _template() -> jinja2.Template:
    folder = files("entity_graph.graph") / "templates"
    source = (folder / "graph.html.j2").read_text(encoding="utf-8")
    if _URL.search(source):
        raise RuntimeError("the page template references the network")
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)),
                                     autoescape=True)
    return environment.get_template("graph.html.j2")


@cache
def _vis(name: str) -> str:
    """A file of pyvis's vis-network bundle, with nothing left that reads as a URL."""
    code = _no_urls((_VIS_DIR / name).read_text(encoding="utf-8"))
    leftover = _URL.search(code)
    if leftover:
        raise RuntimeError(f"graph.html would reference the network: {leftover.group(0)}")
    return code


def write_html(graph: nx.Graph, path: str | Path, **options) -> None:
    """Write the interactive page as UTF-8 (see `render_html` for the options).

    >>> import tempfile, pathlib
    >>> write_html(nx.path_graph(2), pathlib.Path(tempfile.mkdtemp()) / "graph.html")
    """
    page = render_html(graph, **options)
    with atomic_write(path) as file:
        file.write(page)
