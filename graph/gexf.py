"""GEXF 1.3 that Gephi's own importer reads without a warning, written as a stream.

Colour, size and position are `viz` elements only (no duplicate `r`/`g`/`b`/`x`/`y`/
`size` columns); every other attribute is declared once with its type. With the spells
of a dated corpus the graph is dynamic: a day-dated spell covers that day and a
month-dated one the month (the last day included), so Gephi's timeline shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import IO

import networkx as nx

from entity_graph.graph.atomic import atomic_write
from entity_graph.graph.attributes import (
    VIZ,
    Kind,
    attribute_kinds,
    corpus_description,
    formatter,
    node_visuals,
    number,
    xml_attribute,
    xml_text,
)
from entity_graph.graph.cooccurrence import Attachments, link

_HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" '
           'version="1.3">\n')


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


Writers = dict[str, tuple[str, Callable[[object], str]]]


def _writers(kinds: Mapping[str, Kind]) -> Writers:
    return {name: (f"<attvalue for={xml_attribute(name)} value=", formatter(kind))
            for name, kind in kinds.items()}


def _attvalues(data: Mapping[str, object], writers: Writers) -> str:
    parts = []
    for name, value in data.items():
        writer = writers.get(name)
        if writer is None:
            continue
        kind = type(value)  # plain values first: most are, and this is the hot loop
        text = (xml_attribute(value) if kind is str  # type: ignore[arg-type]
                else f'"{value}"' if kind is int else xml_attribute(writer[1](value)))
        parts.append(f"{writer[0]}{text}/>")
    return f"<attvalues>{''.join(parts)}</attvalues>" if parts else ""


def _spells(spells: Iterable[tuple[str, str]] | None) -> str:
    if not spells:
        return ""
    return "<spells>" + "".join(f'<spell start="{start}" end="{spell_end(end)}"/>'
                                for start, end in spells) + "</spells>"


def write_gexf_to(graph: nx.Graph, file: IO[str], *,
                  attachments: Attachments | None = None) -> None:
    """Stream `graph` as GEXF 1.3 into a text file."""
    spells = attachments.spells if attachments else {}
    dated = any(spells.values())
    visuals = node_visuals(graph)
    node_kinds = {name: kind for name, kind in attribute_kinds(
        d for _, d in graph.nodes(data=True)).items() if name not in (*VIZ, "label")}
    node_writers = _writers(node_kinds)
    edge_kinds = {name: kind for name, kind in attribute_kinds(
        d for _, _, d in graph.edges(data=True)).items() if name != "weight"}
    edge_writers = _writers(edge_kinds)
    file.write(_HEADER)
    file.write(f"<meta><creator>entity-graph</creator>"
               f"<description>{xml_text(corpus_description(graph))}</description></meta>\n")
    mode = 'mode="dynamic" timeformat="date"' if dated else 'mode="static"'
    file.write(f'<graph defaultedgetype="undirected" {mode}>\n')
    file.writelines(_attributes(node_kinds, "node"))
    file.writelines(_attributes(edge_kinds, "edge"))
    file.write("<nodes>\n")
    for node, data in graph.nodes(data=True):
        look = visuals[str(node)]
        position = (f'<viz:position x="{number(float(data["x"]))}" '
                    f'y="{number(float(data["y"]))}" z="0.0"/>'
                    if "x" in data and "y" in data else "")
        file.write(f"<node id={xml_attribute(str(node))} "
                   f"label={xml_attribute(str(data.get('label', node)))}>"
                   f"{_attvalues(data, node_writers)}{_spells(spells.get(node))}"
                   f'<viz:color r="{look["r"]}" g="{look["g"]}" b="{look["b"]}" a="1.0"/>'
                   f'<viz:size value="{number(float(look["size"]))}"/>{position}</node>\n')
    file.write("</nodes>\n<edges>\n")
    for index, (a, b, data) in enumerate(graph.edges(data=True)):
        weight = data.get("weight")
        weight_attribute = f' weight="{number(float(weight))}"' if weight is not None else ""
        file.write(f'<edge id="{index}" source={xml_attribute(str(a))} '
                   f"target={xml_attribute(str(b))}{weight_attribute}>"
                   f"{_attvalues(data, edge_writers)}{_spells(spells.get(link(a, b)))}</edge>\n")
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
