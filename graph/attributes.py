"""Graph attributes as the file formats want them: plain values, one declared kind per
attribute, text that XML 1.0 can hold, and the visual attributes Gephi reads.

GraphML and GEXF declare each attribute once, with a type, before the first node; a
streaming writer therefore takes the attributes a column at a time (`columns`), finds
each one's kind (`column_kinds`), then writes batches of nodes and links, converting the
values a column at a time with polars (`typed_frame`, `cells`).
"""

from __future__ import annotations

import itertools
import json
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

import networkx as nx
import numpy as np
import polars as pl

from entity_graph.graph.style import node_size, rgb, type_colour

# What XML 1.0 cannot hold: C0 controls but tab, line feed and carriage return, lone
# surrogates, and the non-characters U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

Kind = str  # "long", "double" or "string"
# Document id, date ("" when undated), sentence, and the predicate that links the two
# entities in it ("" when none was found, or relations were not extracted).
Evidence = tuple[str, str, str, str]
# Visual attributes: GraphML carries them as data Gephi reads as colour, size and
# position; GEXF as its `viz` elements.
VIZ = ("x", "y", "r", "g", "b", "size")


def format_evidence(evidence: Iterable[Evidence]) -> str:
    """A link's evidence as one readable string, one sentence a line: its `evidence`
    attribute, which every writer can take.

    >>> format_evidence([("a.txt", "2023-06", "Musk en Chine.", "")])
    'a.txt (2023-06): Musk en Chine.'
    """
    return "\n".join(f"{e[0]} ({e[1]}): {e[2]}" if e[1] else f"{e[0]}: {e[2]}"
                      for e in evidence)


def xml_text(text: str) -> str:
    """`text` as XML element content: markup escaped, what XML cannot hold dropped.

    >>> xml_text("<b>Léon & Cie</b>\\x1b")
    '&lt;b&gt;Léon &amp; Cie&lt;/b&gt;'
    """
    if not text.isprintable():  # the rare text with a control character: look closer
        text = _NOT_XML.sub("", text)
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def xml_attribute(text: str) -> str:
    """`text` as a quoted XML attribute value (line breaks kept as character references).

    >>> xml_attribute('Le "Monde"\\n')
    '"Le &quot;Monde&quot;&#10;"'
    """
    return f'"{xml_attribute_text(text)}"'


def xml_attribute_text(text: str) -> str:
    """`text` escaped for a double-quoted XML attribute value, without the quotes."""
    printable = text.isprintable()
    if not printable:
        text = _NOT_XML.sub("", text)
    if "&" in text or "<" in text or ">" in text or '"' in text:
        text = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace('"', "&quot;"))
    if not printable:
        text = text.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    return text


def plain_value(value: object) -> int | float | str:
    """An attribute value as int, float or str: what GraphML and GEXF can type.

    >>> plain_value(True), plain_value(None), plain_value(["A", "B"]), plain_value(2.5)
    (1, '', 'A | B', 2.5)
    """
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float | str):
        return value
    if value is None:
        return ""
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    if isinstance(value, list | tuple) and value and all(
            isinstance(v, tuple) and len(v) == 3 for v in value):
        return format_evidence(list(value))
    if isinstance(value, list | tuple | set):
        return " | ".join(map(str, value))
    return json.dumps(value, ensure_ascii=False, default=str)


_KINDS = {int: "long", bool: "long", float: "double", str: "string"}


def column_kinds(table: Mapping[str, Sequence[object]]) -> dict[str, Kind]:
    """The kind of each column of a table (see `columns`): the one kind that holds all
    its values (an int among floats makes a double; anything among numbers, a string).

    >>> column_kinds(columns([{"a": 1, "b": "x"}, {"a": 2.5, "c": None}]))
    {'a': 'double', 'b': 'string', 'c': 'string'}
    """
    return {name: column_kind(values) for name, values in table.items()}


def column_kind(values: Iterable[object]) -> Kind:
    """The one kind that holds every value of a column (`ABSENT` ones left out)."""
    types = set(map(type, values))
    types.discard(_Absent)
    found = {_KINDS.get(t) or _kind(t) for t in types}
    return found.pop() if len(found) == 1 else (
        "double" if found == {"long", "double"} else "string")


class _Absent:
    """Stands for a value an item does not have."""


ABSENT = _Absent()


def columns(items: Sequence[Mapping[str, object]]) -> dict[str, list[Any]]:
    """The items' attributes a column at a time, in the order first met, `ABSENT` where
    an item has no value: the writers work on columns, which keeps the per-value Python
    work to one expression.

    >>> table = columns([{"a": 1}, {"b": 2}])
    >>> table["a"][0], table["a"][1] is ABSENT, list(table)
    (1, True, ['a', 'b'])
    """
    names = list(dict.fromkeys(itertools.chain.from_iterable(items)))
    if len(names) > 1:
        try:  # items that all have every attribute (the usual case): read in C
            rows = list(map(operator.itemgetter(*names), items))
        except KeyError:
            pass
        else:
            return {name: list(values)
                    for name, values in zip(names, zip(*rows, strict=True), strict=True)}
    return {name: [item.get(name, ABSENT) for item in items] for name in names}


_DTYPES = {"long": pl.Int64, "double": pl.Float64, "string": pl.String}
# Values polars converts itself to a column of each kind (ints to doubles, too).
_PLAIN_TYPES: dict[Kind, set[type]] = {"long": {int}, "double": {float, int}, "string": {str}}


def typed_column(name: str, values: Sequence[Any], kind: Kind) -> pl.Series:
    """A column of a table (see `columns`) as a polars column of its `kind`, null where
    a value is `ABSENT`; values that are not plain (bools, numpy scalars, lists) are
    made plain first (`plain_value`).

    >>> typed_column("n", [1, ABSENT, True], "long").to_list()
    [1, None, 1]
    """
    types = set(map(type, values))
    absent = _Absent in types
    types.discard(_Absent)
    if not types <= _PLAIN_TYPES[kind]:
        convert: Callable[[Any], Any] = {"long": lambda v: int(plain_value(v)),
                                         "double": lambda v: float(plain_value(v)),
                                         "string": lambda v: str(plain_value(v))}[kind]
        values = [None if value is ABSENT else convert(value) for value in values]
    elif absent:
        values = [None if value is ABSENT else value for value in values]
    try:
        return pl.Series(name, values, dtype=_DTYPES[kind], strict=False)
    except (UnicodeEncodeError, pl.exceptions.ComputeError):  # a lone surrogate
        return pl.Series(name, [None if v is None else _NOT_XML.sub("", v) for v in values],
                         dtype=pl.String)


def typed_frame(table: Mapping[str, Sequence[Any]], kinds: Mapping[str, Kind]) -> pl.DataFrame:
    """The columns of `table` named in `kinds`, each a polars column of its kind."""
    return pl.DataFrame([typed_column(name, table[name], kind) for name, kind in kinds.items()])


# What `xml_text` and `xml_attribute_text` replace, character by character: what XML 1.0
# cannot hold (`_NOT_XML`; polars' strings are UTF-8, so no lone surrogate reaches them)
# by nothing, markup by its entity, and, in an attribute value, quotes and line breaks by
# references. One pass over the text finds them all (Aho-Corasick), where a pass per
# character and a regular expression took twice the time.
_NOT_XML_CHARACTERS = dict.fromkeys(
    [chr(c) for c in range(0x20) if c not in (0x9, 0xA, 0xD)] + ["\ufffe", "\uffff"], "")
_XML_TEXT = {**_NOT_XML_CHARACTERS, "&": "&amp;", "<": "&lt;", ">": "&gt;"}
_XML_ATTRIBUTE = {**_XML_TEXT, '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def xml_text_expression(text: pl.Expr, *, attribute: bool = False) -> pl.Expr:
    """`xml_text` (or, for an `attribute` value, `xml_attribute_text`) on a column of text.

    >>> frame = pl.DataFrame({"t": ['<b>"Léon" & Cie\\n\\x1b']})
    >>> frame.select(xml_text_expression(pl.col("t"), attribute=True)).item()
    '&lt;b&gt;&quot;Léon&quot; &amp; Cie&#10;'
    """
    replacements = _XML_ATTRIBUTE if attribute else _XML_TEXT
    return text.str.replace_many(list(replacements), list(replacements.values()))


def value_text(name: str, kind: Kind, *, attribute: bool = False) -> pl.Expr:
    """The values of column `name` (of `kind`) as XML writes them: integers as they are,
    doubles as XML Schema writes them ("INF", "-INF", "NaN"), text escaped
    (`xml_text_expression`).

    >>> frame = pl.DataFrame({"d": [0.5, float("nan"), float("-inf")]})
    >>> frame.select(value_text("d", "double")).to_series().to_list()
    ['0.5', 'NaN', '-INF']
    """
    column = pl.col(name)
    if kind == "string":
        return xml_text_expression(column, attribute=attribute)
    if kind == "double":
        column = column.cast(pl.Float64)
        return (pl.when(column.is_infinite())
                .then(pl.when(column > 0).then(pl.lit("INF")).otherwise(pl.lit("-INF")))
                .otherwise(column.cast(pl.String)))
    return column.cast(pl.String)


def cells(name: str, kind: Kind, before: str, after: str, *, attribute: bool = False,
          ) -> pl.Expr:
    """`before + value as text + after` for each value of column `name`, "" where it
    has none. This is the writers' hot loop, run a column at a time outside Python.

    >>> frame = pl.DataFrame({"n": [2, None]})
    >>> frame.select(cells("n", "long", "<n>", "</n>")).to_series().to_list()
    ['<n>2</n>', '']
    """
    return pl.concat_str([pl.lit(before), value_text(name, kind, attribute=attribute),
                          pl.lit(after)]).fill_null("")


def write_rows(file: IO[bytes], table: Mapping[str, Sequence[Any]], kinds: Mapping[str, Kind],
               line: pl.Expr) -> None:
    """Write the text of `line` for every row of `table` (see `columns`; the columns named
    in `kinds`), one after the other, as UTF-8. Each batch of rows becomes a polars frame
    of its own, so no second copy of the whole table is ever held, and the text goes to
    the file as the bytes polars made (never a Python string: it is most of a file).

    >>> import io
    >>> file = io.BytesIO()
    >>> write_rows(file, {"n": [1, 2]}, {"n": "long"}, cells("n", "long", "<n>", "</n>"))
    >>> file.getvalue()
    b'<n>1</n><n>2</n>'
    """
    length = len(next(iter(table.values()))) if table else 0
    for rows in batches(length):
        frame = typed_frame({name: table[name][rows] for name in kinds}, kinds)
        file.write(frame.select(line.str.join("").cast(pl.Binary)).item())


def batches(length: int, size: int = 5_000) -> Iterator[slice]:
    """Slices of `size` over `length` items: the writers turn one batch of columns into
    text at a time, which bounds the memory a big graph needs. Small batches are also
    faster: their buffers are reused, where big ones are new memory that the kernel
    must map page by page (the dev corpus's document-window GraphML: 1.6 s of system
    time in batches of 20,000 rows, 0.6 s in batches of 5,000).

    >>> [(b.start, b.stop) for b in batches(5, 2)]
    [(0, 2), (2, 4), (4, 5)]
    """
    for start in range(0, length, size):
        yield slice(start, min(start + size, length))


def _kind(kind: type) -> Kind:
    """The kind of values of an unusual type (numpy scalars, lists, None)."""
    if hasattr(kind, "item"):
        try:
            return _KINDS.get(type(kind().item()), "string")  # numpy scalar types
        except TypeError:
            return "string"
    return "string"


def node_visuals(graph: nx.Graph) -> dict[str, dict[str, int | float]]:
    """Colour (by type: `r`, `g`, `b`) and size (by mentions) of every node.

    >>> g = nx.Graph(); g.add_node("a", type="PER", mentions=2)
    >>> node_visuals(g)["a"]
    {'r': 78, 'g': 121, 'b': 167, 'size': 48.0}
    """
    most = max((int(d.get("mentions", 1)) for _, d in graph.nodes(data=True)), default=1)
    colours: dict[str, tuple[int, int, int]] = {}
    visuals = {}
    for node, data in graph.nodes(data=True):
        entity_type = str(data.get("type", ""))
        if entity_type not in colours:
            colours[entity_type] = rgb(type_colour(entity_type))
        r, g, b = colours[entity_type]
        visuals[str(node)] = {"r": r, "g": g, "b": b,
                              "size": node_size(int(data.get("mentions", 1)), most=most)}
    return visuals


def corpus_description(graph: nx.Graph) -> str:
    """The graph-level facts (corpus size, window, weight) as one line of text: Gephi
    takes no graph-level attribute, so the files carry them as their description.

    >>> corpus_description(nx.Graph(documents=2, words=831, window="sentence"))
    'entity-graph: documents=2; words=831; window=sentence'
    """
    facts = "; ".join(f"{name}={plain_value(value)}" for name, value in graph.graph.items())
    return f"entity-graph: {facts}" if facts else "entity-graph"  # escaped by the writers


@dataclass
class LinkTables:
    """A graph's links with their attributes a column at a time (see `columns`) and their
    kinds: all that the link tables (`edges.csv`, `evidence.csv`) read, and the bulk of
    what the XML writers read."""

    edges: list[tuple[Any, Any, dict]]
    edge_table: dict[str, list[Any]]
    edge_kinds: dict[str, Kind]

    def ends(self, number: Mapping[Any, int]) -> np.ndarray:
        """The ends of each link as the numbers `number` gives their nodes, a row per link
        (looked up in C: a Python loop took a few tenths of a second for 432,000 links).

        >>> link_tables(nx.Graph([("a", "b"), ("b", "c")])).ends({"a": 0, "b": 1, "c": 2})
        array([[0, 1],
               [1, 2]])
        """
        count = len(self.edges)
        ends = np.empty((count, 2), dtype=np.int64)
        for side in (0, 1):
            ends[:, side] = np.fromiter(
                map(number.__getitem__, map(operator.itemgetter(side), self.edges)),
                dtype=np.int64, count=count)
        return ends

    def weights(self) -> list[Any]:
        """Each link's `weight`, 1 where it has none (as networkx's
        `graph.edges(data="weight", default=1)` gives them)."""
        column = self.edge_table.get("weight")
        if column is None:
            return [1] * len(self.edges)
        return [1 if weight is ABSENT else weight for weight in column]


def link_tables(graph: nx.Graph) -> LinkTables:
    """The `LinkTables` of `graph`.

    >>> g = nx.Graph(); g.add_edge("a", "b", weight=2.5)
    >>> tables = link_tables(g)
    >>> tables.edge_table, tables.edge_kinds
    ({'weight': [2.5]}, {'weight': 'double'})
    """
    return links_from(list(graph.edges(data=True)))


def links_from(edges: list[tuple[Any, Any, dict]]) -> LinkTables:
    """The `LinkTables` of `edges`: (end, end, attributes) in a graph's order."""
    edge_table = columns([data for _, _, data in edges])
    return LinkTables(edges, edge_table, column_kinds(edge_table))


@dataclass
class GraphTables:
    """A graph's nodes and links with their attributes a column at a time (see `columns`)
    and their kinds, and each node's visuals: what every XML writer reads first, made
    once when several files are written from one graph."""

    nodes: list[tuple[Any, dict]]
    node_table: dict[str, list[Any]]
    node_kinds: dict[str, Kind]
    visuals: dict[str, dict[str, int | float]]
    edges: list[tuple[Any, Any, dict]]
    edge_table: dict[str, list[Any]]
    edge_kinds: dict[str, Kind]


def graph_tables(graph: nx.Graph, *, links: LinkTables | None = None) -> GraphTables:
    """The `GraphTables` of `graph`; `links`: its `link_tables`, when already made (the
    node attributes may have changed since, not the links).

    >>> g = nx.Graph(); g.add_edge("a", "b", weight=2.5)
    >>> tables = graph_tables(g)
    >>> tables.node_table, tables.edge_table, tables.edge_kinds
    ({}, {'weight': [2.5]}, {'weight': 'double'})
    """
    nodes = list(graph.nodes(data=True))
    node_table = columns([data for _, data in nodes])
    links = links or link_tables(graph)
    return GraphTables(nodes, node_table, column_kinds(node_table), node_visuals(graph),
                       links.edges, links.edge_table, links.edge_kinds)
