"""Graph attributes as the file formats want them: plain values, one declared kind per
attribute, text that XML 1.0 can hold, and the visual attributes Gephi reads.

GraphML and GEXF declare each attribute once, with a type, before the first node; a
streaming writer therefore takes the attributes a column at a time (`columns`), finds
each one's kind (`column_kinds`), then writes batches of nodes and links, converting the
values on the way (`cells`).
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import networkx as nx

from entity_graph.graph.cooccurrence import format_evidence
from entity_graph.graph.style import node_size, rgb, type_colour

# What XML 1.0 cannot hold: C0 controls but tab, line feed and carriage return, lone
# surrogates, and the non-characters U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

Kind = str  # "long", "double" or "string"
# Visual attributes: GraphML carries them as data Gephi reads as colour, size and
# position; GEXF as its `viz` elements.
VIZ = ("x", "y", "r", "g", "b", "size")


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


def number(value: float) -> str:
    """A float as XML Schema writes a double.

    >>> number(0.5), number(float("nan")), number(float("-inf"))
    ('0.5', 'NaN', '-INF')
    """
    if value != value:
        return "NaN"
    return ("INF" if value > 0 else "-INF") if value in (_INF, -_INF) else repr(value)


_INF = float("inf")


def formatter(kind: Kind) -> Callable[[object], str]:
    """How to write a value of an attribute of `kind`, unescaped: the writers escape
    strings themselves (element text and attribute values differ).

    >>> formatter("long")(True), formatter("double")(2), formatter("string")(["a", "b"])
    ('1', '2.0', 'a | b')
    """
    if kind == "long":
        return lambda value: str(int(plain_value(value)))
    if kind == "double":
        return lambda value: number(float(plain_value(value)))
    return lambda value: value if type(value) is str else str(plain_value(value))


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
    names = dict.fromkeys(itertools.chain.from_iterable(items))
    return {name: [item.get(name, ABSENT) for item in items] for name in names}


def text_of(kind: Kind, escape: Callable[[str], str] | None = None) -> Callable[[object], str]:
    """How to write a value of an attribute of `kind` (as `formatter`, plain values taken
    the short way), escaped with `escape` when it is a string attribute.

    >>> text_of("double")(0.5), text_of("long")(True), text_of("string", xml_text)("a<b")
    ('0.5', '1', 'a&lt;b')
    """
    slow = formatter(kind)
    done = escape or (lambda text: text)

    def text(value: Any) -> str:
        if kind == "long" and type(value) is int:
            return str(value)
        if kind == "double" and type(value) is float and value - value == 0:
            return repr(value)  # `v - v == 0` leaves NaN and infinities to `number`
        if kind == "string":
            return done(value if type(value) is str else slow(value))
        return slow(value)

    return text


def cells(values: Sequence[Any], kind: Kind, before: str, after: str, *,
          escape: Callable[[str], str] | None = None) -> list[str]:
    """`before + value as text + after` for each value, "" for `ABSENT` ones; string
    values go through `escape`. This is the writers' hot loop: when a column holds only
    ints, finite floats or strings, the conversion is a built-in.

    >>> cells([2, ABSENT], "long", "<n>", "</n>")
    ['<n>2</n>', '']
    """
    types = set(map(type, values))
    absent = _Absent in types
    types.discard(_Absent)
    text: Callable[[Any], str]
    if types == {int}:
        text = str
    elif types == {float} and all(map(math.isfinite, (v for v in values if v is not ABSENT))):
        text = repr
    elif types == {str} and kind == "string":
        text = escape or str
    else:
        text = text_of(kind, escape if kind == "string" else None)
    if not absent:
        return [before + text(value) + after for value in values]
    return [before + text(value) + after if value is not ABSENT else "" for value in values]


def batches(length: int, size: int = 20_000) -> Iterator[slice]:
    """Slices of `size` over `length` items: the writers turn one batch of columns into
    text at a time, which bounds the memory a big graph needs.

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
    visuals = {}
    for node, data in graph.nodes(data=True):
        r, g, b = rgb(type_colour(str(data.get("type", ""))))
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
