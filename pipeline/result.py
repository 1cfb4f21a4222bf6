"""A finished build, to explore from Python: the graph, tables as DataFrames, and
name-based lookups (accents, case and hyphens ignored).

pandas is needed for the DataFrames only (`pip install -e '.[explore]'`).
"""

from __future__ import annotations

import csv
import difflib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import networkx as nx

from entity_graph.graph.attributes import format_evidence
from entity_graph.graph.cooccurrence import Attachments, link
from entity_graph.graph.tables import (
    MENTION_COLUMNS,
    RELATION_COLUMNS,
    mention_rows,
    raw_value,
    relation_rows,
)
from entity_graph.pipeline.errors import InputError, MissingDependency, UnknownEntity
from entity_graph.pipeline.extraction.normalize import fold

if TYPE_CHECKING:
    import pandas as pd

    from entity_graph.pipeline.extraction.records import DocRecord
    from entity_graph.pipeline.merging.entities import EntityTable
    from entity_graph.pipeline.run import Indexed


class Evidence(NamedTuple):
    doc_id: str
    date: str
    sentence: str
    predicate: str = ""  # what the sentence says links the two (with relations)


class AliasRow(NamedTuple):
    """How an alias joined its entity: a row of aliases.csv (see `AliasOrigin`)."""

    entity_id: str
    label: str
    alias: str
    mentions: int
    rules: str  # the rules, in order, " > "-joined; "same-name" for the entity's own name
    via: str  # the names joined, in order, " > "-joined


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as error:
        raise MissingDependency("DataFrames need pandas: pip install -e '.[explore]'") \
            from error
    return pandas


@dataclass
class Result:
    """What a build produced. `graph` is the NetworkX graph (node ids are slugs such as
    "elon-musk-per"), whose attributes are all int, float or str (networkx's writers take
    it as it is); `attachments` hold its lists (evidence, spells). Everything else is
    derived from them, or from the build's records."""

    graph: nx.Graph
    attachments: Attachments = field(default_factory=Attachments)
    documents: int = 0
    words: int = 0
    mention_count: int = 0
    extracted: int = 0  # documents that went through the NLP in this run
    seconds: float = 0.0
    outputs: dict[str, Path] = field(default_factory=dict)
    pruning: list[str] = field(default_factory=list)  # what each pruning step removed
    table: EntityTable | None = None  # the full entity table (before pruning)
    # Streams the build's records; None for a result loaded from files.
    records: Callable[[], Iterator[DocRecord]] | None = None
    out_dir: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)  # seconds per build stage
    index: list[Indexed] = field(default_factory=list)  # the corpus's documents, in order
    # The hash of the documents and merging code (see `derived`): the tables that depend
    # on nothing else are kept as they are when it has not changed ("" for never).
    documents_key: str = ""
    # Pruned, makes the table of every pair counted, in the graph or not, a column at a
    # time (`cooccurrence.pair_table`): pairs.csv and pairs.parquet. None unpruned.
    pairs: Callable[[], dict[str, list]] | None = None

    def summary(self) -> str:
        """The one line printed at the end of a build."""
        rate = self.words / self.seconds if self.seconds > 0 else 0.0
        entities = len(self.table) if self.table is not None else self.graph.number_of_nodes()
        return (f"{self.documents:,} documents ({self.documents - self.extracted:,} from the "
                f"cache), {self.words:,} words, {self.mention_count:,} mentions, "
                f"{entities:,} entities ({self.graph.number_of_nodes():,} in the graph), "
                f"{self.graph.number_of_edges():,} links in {self.seconds:.1f} s "
                f"({rate:,.0f} words/s)")

    # Names -----------------------------------------------------------------------------

    def find(self, name: str) -> str:
        """The id of the entity called `name` (its label, one of its aliases, or its id),
        ignoring accents, case and hyphens; raises `UnknownEntity` with suggestions.

        >>> g = nx.Graph(); g.add_node("etats-unis-loc", label="États-Unis", aliases="USA")
        >>> Result(g).find("etats unis"), Result(g).find("usa")
        ('etats-unis-loc', 'etats-unis-loc')
        """
        if name in self.graph:
            return name
        names = self._names()
        key = fold(name)
        if key in names:
            return names[key]
        close = difflib.get_close_matches(key, list(names), n=5, cutoff=0.6)
        suggestions = list(dict.fromkeys(
            f"{self.graph.nodes[names[c]].get('label', names[c])} ({names[c]})" for c in close))
        hint = f"; closest: {', '.join(suggestions)}" if suggestions else ""
        raise UnknownEntity(f"no entity named {name!r}{hint}")

    def _names(self) -> dict[str, str]:
        """Folded label or alias → node id; labels win over aliases, then more mentions."""
        names: dict[str, str] = {}
        nodes = sorted(self.graph.nodes(data=True),
                       key=lambda item: -item[1].get("mentions", 0))
        for node, data in nodes:
            names.setdefault(fold(str(data.get("label", node))), node)
        for node, data in nodes:
            for alias in str(data.get("aliases", "")).split(" | "):
                if alias:
                    names.setdefault(fold(alias), node)
        return names

    # Questions about entities -----------------------------------------------------------

    def evidence(self, a: str, b: str) -> list[Evidence]:
        """The example sentences kept for the link between two entities ([] when they
        are not linked).

        >>> attachments = Attachments(evidence={("a", "b"): [("d1", "", "A et B.", "voir")]})
        >>> Result(nx.Graph([("a", "b")]), attachments).evidence("b", "a")
        [Evidence(doc_id='d1', date='', sentence='A et B.', predicate='voir')]
        """
        a, b = self.find(a), self.find(b)
        if not self.graph.has_edge(a, b):
            return []
        return [Evidence(*item) for item in self.attachments.evidence_of(a, b)]

    def neighbours(self, name: str, k: int = 10) -> list[tuple[str, str, float]]:
        """The `k` entities most strongly linked to `name`, as (id, label, weight),
        heaviest first.

        >>> g = nx.Graph([("a", "b", {"weight": 1}), ("a", "c", {"weight": 5})])
        >>> Result(g).neighbours("a", 1)
        [('c', 'c', 5)]
        """
        node = self.find(name)
        links = sorted(self.graph[node].items(),
                       key=lambda item: (-item[1].get("weight", 0), str(item[0])))
        return [(other, self.graph.nodes[other].get("label", other), data.get("weight", 0))
                for other, data in links[:k]]

    def ego_graph(self, name: str, radius: int = 1) -> nx.Graph:
        """The entity, everything within `radius` links of it, and the links between them.

        >>> Result(nx.path_graph(["a", "b", "c", "d"])).ego_graph("a", 2).number_of_nodes()
        3
        """
        return nx.ego_graph(self.graph, self.find(name), radius=radius)

    # Why names are one entity -------------------------------------------------------------

    def aliases(self) -> list[AliasRow]:
        """Every way an alias joined its entity, most mentions first: from the build's
        entity table, or from aliases.csv for a loaded result."""
        if self.table is not None:
            return [AliasRow(o.entity_id, self.table.entities[o.entity_id].label, o.alias,
                             o.mentions, o.rules, " > ".join(name for _, name in o.steps))
                    for o in self.table.origins]
        path = (self.out_dir or Path()) / "aliases.csv"
        try:
            with open(path, encoding="utf-8", newline="") as file:
                return [AliasRow(**{**{k: raw_value(v) for k, v in row.items()},  # type: ignore[arg-type]
                                    "mentions": int(row["mentions"])})
                        for row in csv.DictReader(file)]
        except (OSError, KeyError, TypeError, ValueError) as error:
            raise InputError(f"{path}: cannot read the aliases ({error})") from None

    def explain(self, name: str) -> list[AliasRow]:
        """Why each surface form of the entity called `name` belongs to it: one row per
        way an alias joined (the rules in order, and the names joined on the way).

        >>> result = load("output")                          # doctest: +SKIP
        >>> [(row.alias, row.rules) for row in result.explain("Musk")]  # doctest: +SKIP
        [('Elon Musk', 'same-name'), ('Musk', 'in-document')]
        """
        rows = self.aliases()
        try:
            entity_id = self.find(name)
        except UnknownEntity:  # pruned from the graph, or only an alias
            key = fold(name)
            ids = [row.entity_id for row in rows if key in (fold(row.alias), fold(row.label))
                   or name == row.entity_id]
            if not ids:
                raise
            entity_id = ids[0]
        return [row for row in rows if row.entity_id == entity_id]

    # Tables -----------------------------------------------------------------------------

    @property
    def entities(self) -> pd.DataFrame:
        """One row per entity in the graph, most mentioned first, indexed by id."""
        pandas = _pandas()
        rows = [{"id": node, **data} for node, data in self.graph.nodes(data=True)]
        frame = pandas.DataFrame(rows)
        if frame.empty:
            return frame
        return frame.set_index("id").sort_values(["mentions", "label"], ascending=[False, True])

    @property
    def edges(self) -> pd.DataFrame:
        """One row per link, heaviest first, with both labels; evidence as a list."""
        pandas = _pandas()
        rows = [{"source": a, "target": b, "source_label": self.graph.nodes[a].get("label", a),
                 "target_label": self.graph.nodes[b].get("label", b),
                 **data, "evidence": self.attachments.evidence_of(a, b)}
                for a, b, data in self.graph.edges(data=True)]
        frame = pandas.DataFrame(rows)
        if frame.empty:
            return frame
        return frame.sort_values(["weight", "source", "target"],
                                 ascending=[False, True, True], ignore_index=True)

    @property
    def mentions(self) -> pd.DataFrame:
        """One row per mention: doc_id, date, start, end, text, label, entity_id (entities
        pruned from the graph keep their id). Read from the build's records, or from
        mentions.csv for a loaded result."""
        pandas = _pandas()
        if self.records is not None and self.table is not None:
            return pandas.DataFrame(list(mention_rows(self.records(), self.table)),
                                    columns=MENTION_COLUMNS)
        if self.out_dir is None:
            raise ValueError("this result has no records and no output folder")
        frame = pandas.read_csv(self.out_dir / "mentions.csv", keep_default_na=False,
                                dtype={"doc_id": str, "date": str, "text": str})
        for column in ("doc_id", "text"):  # undo the spreadsheet safety (see graph.tables)
            frame[column] = frame[column].map(raw_value)
        return frame

    @property
    def relations(self) -> pd.DataFrame:
        """The triples: one row per relation a sentence states between two entities
        (built with relations), in corpus order: source, predicate, target (entity ids),
        their labels, directed, negated (booleans), doc_id, date, start and end of the
        sentence, sentence. Read from the build's records, or from relations.csv for a
        loaded result; empty when the build had no relations.

        >>> result = build("corpus", relations=True)          # doctest: +SKIP
        >>> result.relations[["source_label", "predicate", "target_label"]]  # doctest: +SKIP
        """
        pandas = _pandas()
        frame = pandas.DataFrame(list(self._relation_rows()), columns=RELATION_COLUMNS)
        return frame.astype({"directed": bool, "negated": bool, "start": int, "end": int})

    def relation_graph(self) -> nx.MultiDiGraph:
        """The triples as a directed multigraph: one edge per relation a sentence states,
        from subject to object, with its `predicate`, `negated`, `doc_id`, `date` and
        `sentence`; two entities that did something together get an edge each way
        (`directed` False). Nodes carry `label`.

        >>> result = build("corpus", relations=True)          # doctest: +SKIP
        >>> list(result.relation_graph().edges(data="predicate"))  # doctest: +SKIP
        [('elon-musk-per', 'tesla-org', 'pdg de')]
        """
        graph = nx.MultiDiGraph()
        for row in self._relation_rows():
            graph.add_node(row["source"], label=row["source_label"])
            graph.add_node(row["target"], label=row["target_label"])
            data = {k: row[k] for k in ("predicate", "directed", "negated", "doc_id", "date",
                                        "sentence")}
            graph.add_edge(row["source"], row["target"], **data)
            if not row["directed"]:
                graph.add_edge(row["target"], row["source"], **data)
        return graph

    def _relation_rows(self) -> Iterator[dict]:
        """The rows of relations.csv (`directed`, `negated` as booleans, offsets as ints),
        from the build's records or from the file; none without relations."""
        if self.records is not None and self.table is not None:
            rows: Iterable[dict] = relation_rows(self.records(), self.table)
        elif self.out_dir is not None and (self.out_dir / "relations.csv").is_file():
            with open(self.out_dir / "relations.csv", encoding="utf-8", newline="") as file:
                rows = [{k: raw_value(v) for k, v in row.items()}
                        for row in csv.DictReader(file)]
        else:
            rows = []
        for row in rows:
            yield {**row, "directed": row["directed"] == "true",
                   "negated": row["negated"] == "true",
                   "start": int(row["start"]), "end": int(row["end"])}


def _attachments_from_json(graph: nx.Graph) -> Attachments:
    """Take the lists of a graph read from graph.json out of its attributes, as a build
    keeps them (evidence stays on the links as a string, as a build gives it)."""
    attachments = Attachments()
    for node, attributes in graph.nodes(data=True):
        if "spells" in attributes:
            attachments.spells[node] = [tuple(s) for s in attributes.pop("spells")]
    for a, b, attributes in graph.edges(data=True):
        evidence = [(str(e[0]), str(e[1]), str(e[2]), str(e[3]) if len(e) > 3 else "")
                    for e in attributes.get("evidence", [])]
        attachments.evidence[link(a, b)] = evidence
        attributes["evidence"] = format_evidence(evidence)
        if "spells" in attributes:
            attachments.spells[link(a, b)] = [tuple(s) for s in attributes.pop("spells")]
    return attachments


def load(out_dir: str | Path) -> Result:
    """Reopen a finished build from its output folder (graph.json, mentions.csv,
    aliases.csv); raises `InputError` when the folder holds no build.

    >>> result = load("output")                              # doctest: +SKIP
    >>> result.neighbours("musk", 3)                         # doctest: +SKIP
    """
    out = Path(out_dir)
    path = out / "graph.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        graph = nx.node_link_graph(data, edges="edges")
    except FileNotFoundError:
        raise InputError(f"{path}: no graph.json; run `entity-graph build` first") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read ({error})") from None
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise InputError(f"{path}: not a graph written by entity-graph ({error})") from None
    attachments = _attachments_from_json(graph)
    stats = graph.graph
    return Result(graph=graph, attachments=attachments, documents=stats.get("documents", 0),
                  words=stats.get("words", 0), mention_count=stats.get("mentions", 0),
                  out_dir=out, outputs={p.name: p for p in out.iterdir() if p.is_file()
                                        and not p.name.startswith(".")})
