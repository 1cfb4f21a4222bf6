"""The interactive page: pyvis builds the vis-network data, our template renders it.

pyvis 0.3.2's own template loads Bootstrap and tom-select from CDNs whatever
`cdn_resources` says, and its HTML tooltips render article text as markup. So pyvis is
used for what it does well (node and edge data in vis-network's format, the bundled
vis-network build) and the page comes from `templates/graph.html.j2`, where:

* every script and style is inline, and no URL of any kind is left in the file;
* the graph travels as JSON inside `<script type="application/json">`, with `<`, `>`,
  `&` and `/` escaped, and the page only ever puts it in the DOM with `textContent`.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import jinja2
import networkx as nx
import pyvis
from pyvis.network import Network

from entity_graph.graph.atomic import atomic_write
from entity_graph.graph.cooccurrence import Attachments
from entity_graph.graph.style import TYPE_NAMES, node_size, type_colour

_VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"


def _no_urls(code: str) -> str:
    """Make "scheme://" unrecognisable as a URL without changing what the code means:
    in JS and CSS strings, comments and regexes, "\\/" is the same as "/"."""
    return code.replace("://", ":\\/\\/")


def safe_json(data: object) -> str:
    """JSON that can sit inside a <script> element: no "</script>", no "<!--", no URL.

    >>> safe_json({"t": "</script><b>"})
    '{"t":"\\\\u003c\\\\/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("/", "\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def strongest_nodes(graph: nx.Graph, limit: int) -> list:
    """The `limit` most mentioned nodes (ties by degree, then label).

    >>> g = nx.Graph(); g.add_node("a", mentions=1); g.add_node("b", mentions=5)
    >>> strongest_nodes(g, 1)
    ['b']
    """
    order = sorted(graph, key=lambda n: (-graph.nodes[n].get("mentions", 0), -graph.degree(n),
                                         str(graph.nodes[n].get("label", n))))
    return order[:limit]


def network_data(graph: nx.Graph, attachments: Attachments | None = None,
                 ) -> tuple[list[dict], list[dict]]:
    """vis-network nodes and edges for `graph`, built with pyvis; each edge carries its
    evidence from `attachments`."""
    attachments = attachments or Attachments()
    net = Network(directed=False)
    most = max((d.get("mentions", 1) for _, d in graph.nodes(data=True)), default=1)
    for node, data in graph.nodes(data=True):
        entity_type = str(data.get("type", ""))
        aliases = [a for a in str(data.get("aliases", "")).split(" | ") if a]
        label = str(data.get("label", node))
        net.add_node(
            str(node), label=label, shape="dot",
            title=f"{label}\n{TYPE_NAMES.get(entity_type, entity_type)}"
                  f" · {data.get('mentions', 0)} mentions"
                  + (f"\nAlso: {', '.join(a for a in aliases if a != label)}"
                     if len(aliases) > 1 else ""),
            color=type_colour(entity_type), size=node_size(int(data.get("mentions", 1)),
                                                           most=most),
            x=data.get("x", 0.0), y=data.get("y", 0.0), type=entity_type, aliases=aliases,
            mentions=int(data.get("mentions", 0)), documents=int(data.get("documents", 0)),
        )
    nodes, *_ = net.get_network_data()
    # Links in the shape pyvis gives an undirected edge (its options, "from" and "to"),
    # made here: pyvis's `add_edge` compares each new link with every earlier one, which
    # takes minutes on a dense graph.
    edges = []
    for index, (a, b, data) in enumerate(graph.edges(data=True)):
        edges.append({
            "value": data.get("weight", 1), "weight": data.get("weight", 1),
            "count": data.get("count", data.get("weight", 1)),
            "documents": data.get("documents", 0), "pmi": data.get("pmi", ""),
            "npmi": data.get("npmi", ""), "jaccard": data.get("jaccard", ""),
            "title": f"{graph.nodes[a].get('label', a)} — {graph.nodes[b].get('label', b)}: "
                     f"{data.get('weight', 1)}",
            "evidence": [list(e) for e in attachments.evidence_of(a, b)],
            "from": str(a), "to": str(b), "id": index,
        })
    return nodes, edges


def render_html(graph: nx.Graph, *, attachments: Attachments | None = None,
                title: str = "Entity graph", corpus: dict | None = None,
                max_nodes: int = 500) -> str:
    """The whole page as a string. `attachments` give the links' evidence sentences;
    `corpus` holds counts shown in the header (documents, words). Only the `max_nodes`
    most mentioned entities are drawn.

    >>> html = render_html(nx.Graph())
    >>> "://" in html
    False
    """
    total_nodes, total_edges = graph.number_of_nodes(), graph.number_of_edges()
    shown = graph.subgraph(strongest_nodes(graph, max_nodes)) if total_nodes > max_nodes else graph
    nodes, edges = network_data(shown, attachments)
    types = sorted({n["type"] for n in nodes}, key=lambda t: (t not in TYPE_NAMES, t))
    payload = {
        "nodes": nodes,
        "edges": edges,
        "types": [{"type": t, "name": TYPE_NAMES.get(t, t), "colour": type_colour(t)}
                  for t in types],
        "summary": {
            **(corpus or {}),
            "entities_total": total_nodes, "edges_total": total_edges,
            "entities_shown": len(nodes), "edges_shown": len(edges),
            "window": str(graph.graph.get("window", "sentence")),
            "weight": str(graph.graph.get("weight", "count")),
            "built": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        },
    }
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(files("entity_graph.graph") / "templates")),
        autoescape=True,
    )
    page = environment.get_template("graph.html.j2").render(
        title=title,
        vis_js=_no_urls((_VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")),
        vis_css=_no_urls((_VIS_DIR / "vis-network.css").read_text(encoding="utf-8")),
        data_json=safe_json(payload),
    )
    # Defence in depth: the template and its libraries must not reference the network.
    leftover = re.search(r"\b(?:https?|ftp|wss?):\/\/", page)
    if leftover:
        raise RuntimeError(f"graph.html would reference the network: {leftover.group(0)}")
    return page


def write_html(graph: nx.Graph, path: str | Path, **options) -> None:
    """Write the interactive page as UTF-8 (see `render_html` for the options).

    >>> import tempfile, pathlib
    >>> write_html(nx.path_graph(2), pathlib.Path(tempfile.mkdtemp()) / "graph.html")
    """
    page = render_html(graph, **options)
    with atomic_write(path) as file:
        file.write(page)
