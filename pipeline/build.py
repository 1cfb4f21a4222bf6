"""The main job: read a corpus, extract entities, build the graph, write every output."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
from spacy.language import Language
from tqdm import tqdm

from graph.analytics import annotate
from graph.cooccurrence import Window, cooccurrence_graph
from graph.export import write_gexf, write_graphml, write_json
from graph.html import write_html
from graph.pruning import backbone, drop_weak_links, keep_mentioned, top_entities
from graph.tables import (
    write_edges_csv,
    write_entities_csv,
    write_evidence_csv,
    write_mentions_csv,
)
from pipeline.curation import find_curation, load_curation
from pipeline.entities import EntityTable, build_entities
from pipeline.extract import DocRecord, extract
from pipeline.nlp import DEFAULT_MODEL, load_nlp
from pipeline.reading import check_paths, read_documents

log = logging.getLogger("entity_graph")


@dataclass(frozen=True)
class Settings:
    """Everything a build can be told, in one place."""

    model: str = DEFAULT_MODEL
    types: tuple[str, ...] = ("PER", "ORG", "LOC")
    # A curation file; None looks for corpus/curation.yml next to the input, "" means none.
    curation: str | None = None
    batch_size: int = 32
    # Graph: what "together" means, which measure is the weight, what is pruned.
    window: Window = "sentence"
    weight: str = "count"
    evidence: int = 3
    min_mentions: int = 1
    top: int | None = None
    min_weight: float | None = None
    backbone: float | None = None
    seed: int = 42
    html_max_nodes: int = 500
    progress: bool = True


@dataclass
class Result:
    """What a build produced."""

    graph: nx.Graph
    entities: EntityTable
    records: list[DocRecord]
    seconds: float
    outputs: dict[str, Path] = field(default_factory=dict)
    pruning: list[str] = field(default_factory=list)  # what each pruning step removed

    @property
    def documents(self) -> int:
        return len(self.records)

    @property
    def words(self) -> int:
        return sum(record.words for record in self.records)

    @property
    def mentions(self) -> int:
        return sum(len(record.mentions) for record in self.records)

    def summary(self) -> str:
        """The one line printed at the end of a build."""
        rate = self.words / self.seconds if self.seconds > 0 else 0.0
        return (f"{self.documents:,} documents, {self.words:,} words, {self.mentions:,} mentions, "
                f"{len(self.entities):,} entities ({self.graph.number_of_nodes():,} in the graph), "
                f"{self.graph.number_of_edges():,} links in {self.seconds:.1f} s "
                f"({rate:,.0f} words/s)")


def extract_corpus(paths: Iterable[str | Path], settings: Settings = Settings(), *,
                   nlp: Language | None = None) -> Iterator[DocRecord]:
    """Stream `DocRecord`s for every document under `paths`, with a progress bar.
    `nlp` defaults to `load_nlp(settings.model, labels=settings.types)`."""
    paths = check_paths(paths)
    if nlp is None:
        curation_file = (find_curation(paths) if settings.curation is None
                         else settings.curation or None)
        curation = load_curation(curation_file) if curation_file else None
        if curation_file:
            log.info("using curation file %s", curation_file)
        nlp = load_nlp(settings.model, labels=settings.types, curation=curation)
    records = extract(nlp, read_documents(paths), batch_size=settings.batch_size)
    yield from tqdm(records, desc="documents", unit="doc", disable=not settings.progress,
                    dynamic_ncols=True, leave=False)


def write_outputs(graph: nx.Graph, table: EntityTable, records: list[DocRecord],
                  out_dir: str | Path, settings: Settings = Settings()) -> dict[str, Path]:
    """Write every output file into `out_dir`; each one atomically."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    outputs = {name: out / name for name in (
        "graph.html", "graph.graphml", "graph.gexf", "graph.json",
        "entities.csv", "edges.csv", "evidence.csv", "mentions.csv")}
    corpus = {"documents": len(records), "words": sum(r.words for r in records)}
    write_html(graph, outputs["graph.html"], corpus=corpus, max_nodes=settings.html_max_nodes)
    write_graphml(graph, outputs["graph.graphml"])
    write_gexf(graph, outputs["graph.gexf"])
    write_json(graph, outputs["graph.json"])
    write_entities_csv(graph, outputs["entities.csv"])
    write_edges_csv(graph, outputs["edges.csv"])
    write_evidence_csv(graph, outputs["evidence.csv"])
    write_mentions_csv(records, table, outputs["mentions.csv"])
    return outputs


def build(paths: Iterable[str | Path], out_dir: str | Path | None = "output",
          settings: Settings = Settings(), *, nlp: Language | None = None) -> Result:
    """Run the whole job. With `out_dir=None` nothing is written.

    >>> result = build(["corpus"], out_dir=None)             # doctest: +SKIP
    >>> result.graph.nodes["elon-musk-per"]["label"]         # doctest: +SKIP
    'Elon Musk'
    """
    paths = list(paths)
    started = time.perf_counter()
    records = list(extract_corpus(paths, settings, nlp=nlp))
    table = build_entities(records)
    graph = cooccurrence_graph(records, table, window=settings.window, weight=settings.weight,
                               evidence=settings.evidence)
    graph, pruning = prune(graph, settings)
    annotate(graph, seed=settings.seed)
    outputs = write_outputs(graph, table, records, out_dir, settings) if out_dir else {}
    return Result(graph=graph, entities=table, records=records,
                  seconds=time.perf_counter() - started, outputs=outputs, pruning=pruning)


def prune(graph: nx.Graph, settings: Settings) -> tuple[nx.Graph, list[str]]:
    """Apply the settings' pruning steps in order (entities first, then links) and say
    what each one removed."""
    steps = []
    if settings.min_mentions > 1:
        steps.append((f"--min-mentions {settings.min_mentions}",
                      lambda g: keep_mentioned(g, settings.min_mentions)))
    if settings.top is not None:
        steps.append((f"--top {settings.top}", lambda g: top_entities(g, settings.top)))
    if settings.min_weight is not None:
        steps.append((f"--min-weight {settings.min_weight:g}",
                      lambda g: drop_weak_links(g, settings.min_weight)))
    if settings.backbone is not None:
        steps.append((f"--backbone {settings.backbone:g}",
                      lambda g: backbone(g, settings.backbone)))
    report = []
    for name, step in steps:
        before_nodes, before_edges = graph.number_of_nodes(), graph.number_of_edges()
        graph = step(graph)
        report.append(f"{name}: removed {before_nodes - graph.number_of_nodes():,} of "
                      f"{before_nodes:,} entities and {before_edges - graph.number_of_edges():,}"
                      f" of {before_edges:,} links")
    return graph, report
