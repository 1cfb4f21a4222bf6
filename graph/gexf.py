"""GEXF 1.3 that Gephi's own importer reads without a warning, written as a stream.

Colour, size and position are `viz` elements only (no duplicate `r`/`g`/`b`/`x`/`y`/
`size` columns); every other attribute is declared once with its type. With the spells
of a dated corpus the graph is dynamic: a day-dated spell covers that day and a
month-dated one the month (the last day included), so Gephi's timeline shows them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import IO

import networkx as nx

from entity_graph.graph.atomic import atomic_write
from entity_graph.graph.attributes import (
    ABSENT,
    VIZ,
    Kind,
    batches,
    cells,
    column_kinds,
    columns,
    corpus_description,
    node_visuals,
    number,
    xml_attribute,
    xml_attribute_text,
    xml_text,
)
from entity_graph.graph.cooccurrence import Attachments, link

_HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" '
           'version="1.3">\n')


@cache  # a corpus has few distinct dates, and every dated node and link has spells
def spell_end(last_day: str) -> str:
    """The end of a spell whose last day is `last_day`: the next day, so that the spell
    covers the whole of its last day (Gephi reads [day, day] as an instant).

    >>> spell_end("2023-06-30"), spell_end("1818-05-22")
    ('2023-07-01', '1818-05-23')
    """
    return (date.fromisoformat(last_day) + timedelta(days=1)).isoformat()


def _attributes(kinds: Mapping[str, Kind], domain: str) -> Iterator[str]:
    yield f'<attributes class="{domain}" mode="static">\n'
    for name, kind in kinds.items():
        quoted = xml_attribute(name)
        yield f'<attribute id={quoted} title={quoted} type="{kind}"/>\n'
    yield "</attributes>\n"


def _attvalues(table: Mapping[str, list], kinds: Mapping[str, Kind], rows: slice) -> list[str]:
    """The `<attvalues>` element of each of the `rows` of a table (see `columns`)."""
    parts = [cells(table[name][rows], kind, f'<attvalue for={xml_attribute(name)} value="',
                   '"/>', escape=xml_attribute_text) for name, kind in kinds.items()]
    if not parts:
        return [""] * (rows.stop - rows.start)
    return [f"<attvalues>{joined}</attvalues>" if joined else ""
            for joined in map("".join, zip(*parts, strict=True))]


def _spells(spells: Iterable[tuple[str, str]] | None) -> str:
    if not spells:
        return ""
    return "<spells>" + "".join(f'<spell start="{start}" end="{spell_end(end)}"/>'
                                for start, end in spells) + "</spells>"


def write_gexf_to(graph: nx.Graph, file: IO[str], *,
                  attachments: Attachments | None = None) -> None:
    """Stream `graph` as GEXF 1.3 into a text file, a batch of nodes or links at a time."""
    spells = attachments.spells if attachments else {}
    dated = any(spells.values())
    nodes = list(graph.nodes(data=True))
    quoted = {node: xml_attribute(str(node)) for node, _ in nodes}
    visuals = node_visuals(graph)
    node_table = columns([d for _, d in nodes])
    node_kinds = {name: kind for name, kind in column_kinds(node_table).items()
                  if name not in (*VIZ, "label")}
    edges = list(graph.edges(data=True))
    edge_table = columns([d for _, _, d in edges])
    edge_kinds = {name: kind for name, kind in column_kinds(edge_table).items()
                  if name != "weight"}
    file.write(_HEADER)
    file.write(f"<meta><creator>entity-graph</creator>"
               f"<description>{xml_text(corpus_description(graph))}</description></meta>\n")
    mode = 'mode="dynamic" timeformat="date"' if dated else 'mode="static"'
    file.write(f'<graph defaultedgetype="undirected" {mode}>\n')
    file.writelines(_attributes(node_kinds, "node"))
    file.writelines(_attributes(edge_kinds, "edge"))
    file.write("<nodes>\n")
    for rows in batches(len(nodes)):
        values = _attvalues(node_table, node_kinds, rows)
        lines = []
        for (node, data), attvalues in zip(nodes[rows], values, strict=True):
            look = visuals[str(node)]
            position = (f'<viz:position x="{number(float(data["x"]))}" '
                        f'y="{number(float(data["y"]))}" z="0.0"/>'
                        if "x" in data and "y" in data else "")
            lines.append(
                f"<node id={quoted[node]} label={xml_attribute(str(data.get('label', node)))}>"
                f"{attvalues}{_spells(spells.get(node))}"
                f'<viz:color r="{look["r"]}" g="{look["g"]}" b="{look["b"]}" a="1.0"/>'
                f'<viz:size value="{number(float(look["size"]))}"/>{position}</node>\n')
        file.write("".join(lines))
    file.write("</nodes>\n<edges>\n")
    weights = edge_table.get("weight")
    for rows in batches(len(edges)):
        values = _attvalues(edge_table, edge_kinds, rows)
        weight_attributes = ([f' weight="{number(float(w))}"' if w is not ABSENT and w is not None
                              else "" for w in weights[rows]] if weights
                             else [""] * (rows.stop - rows.start))
        file.write("".join(
            f'<edge id="{index}" source={quoted[a]} target={quoted[b]}{weight}>'
            f"{attvalues}{_spells(spells.get(link(a, b)))}</edge>\n"
            for index, (a, b, _), weight, attvalues in zip(
                range(rows.start, rows.stop), edges[rows], weight_attributes, values,
                strict=True)))
    file.write("</edges>\n</graph>\n</gexf>\n")


def write_gexf(graph: nx.Graph, path: str | Path, *,
               attachments: Attachments | None = None) -> None:
    """Write GEXF 1.3, atomically, with Gephi's viz attributes (colour, size, position).
    With the `attachments` of a dated corpus, nodes and links get their `spells`: the
    graph is dynamic, so Gephi's timeline can play it.

    >>> import tempfile, pathlib
    >>> g = nx.Graph(); g.add_node("a", label="A", type="PER", mentions=1, x=1.0, y=2.0)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "g.gexf"
    >>> write_gexf(g, path)
    >>> nx.read_gexf(path).nodes["a"]["viz"]["position"]
    {'x': 1.0, 'y': 2.0, 'z': 0.0}
    """
    with atomic_write(path) as file:
        write_gexf_to(graph, file, attachments=attachments)
