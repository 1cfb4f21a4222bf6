"""The main job: read a corpus, extract entities, build the graph, write every output.

A build runs in two stages. Extraction streams every document whose text is not yet in
the mention cache through the NLP (in this process, a process pool or on Dask) and
stores what it found, batch by batch. The graph stage then streams the records of the
corpus, in corpus order, out of the cache: the same corpus and settings always give the
same outputs, whether the cache was cold, warm, or left by an interrupted run.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
from tqdm import tqdm

from graph.analytics import annotate
from graph.cooccurrence import cooccurrence_graph
from graph.export import write_gexf, write_graphml, write_json
from graph.html import write_html
from graph.pruning import backbone, drop_weak_links, keep_mentioned, top_entities
from graph.tables import (
    write_edges_csv,
    write_entities_csv,
    write_evidence_csv,
    write_mentions_csv,
)
from pipeline.cache import CACHE_NAME, MentionCache, document_key, fingerprint
from pipeline.curation import find_curation, load_curation
from pipeline.engines import (
    ModelSpec,
    available_cores,
    batched,
    run_in_pool,
    run_in_process,
    run_on_dask,
)
from pipeline.entities import build_entities
from pipeline.extract import DocRecord, to_record
from pipeline.reading import Document, check_paths, read_documents
from pipeline.result import Result
from pipeline.settings import Settings

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger("entity_graph")

OUTPUT_FILES = ("graph.html", "graph.graphml", "graph.gexf", "graph.json", "entities.csv",
                "edges.csv", "evidence.csv", "mentions.csv")


@dataclass(frozen=True)
class Indexed:
    """A document of the corpus without its text, and the cache key of that text."""

    document: Document
    key: str


@contextmanager
def _warnings_off() -> Iterator[None]:
    """Silence reading warnings while re-reading files already reported on."""
    saved = log.disabled
    log.disabled = True
    try:
        yield
    finally:
        log.disabled = saved


def index_corpus(paths: list[Path], fingerprint: str) -> list[Indexed]:
    """Read the corpus once: every document's metadata and the cache key of its text."""
    return [Indexed(replace(document, text=""), document_key(document.text, fingerprint))
            for document in read_documents(paths)]


def records_of(index: list[Indexed], cache: MentionCache) -> Iterator[DocRecord]:
    """The records of the indexed documents, in order, read from the cache."""
    for item in index:
        extraction = cache.get(item.key)
        if extraction is None:  # its file changed while we were reading it
            log.warning("%s: changed during the run, skipped", item.document.path)
            continue
        yield to_record(item.document, extraction)


def extract_missing(paths: list[Path], index: list[Indexed], cache: MentionCache,
                    spec: ModelSpec, fingerprint: str, settings: Settings, *,
                    nlp: Language | None = None) -> int:
    """Run the NLP on every document whose key is not in the cache, storing the results
    batch by batch; return how many documents of the corpus that concerned (a text met
    twice is extracted once)."""
    missing = cache.missing(item.key for item in index)
    if not missing:
        return 0

    def texts() -> Iterator[tuple[str, str]]:
        sent: set[str] = set()
        with _warnings_off():
            for document in read_documents(paths):
                key = document_key(document.text, fingerprint)
                if key in missing and key not in sent:
                    sent.add(key)
                    yield key, document.text

    batches = batched(texts(), settings.batch_size)
    workers = min(settings.workers or available_cores(),
                  math.ceil(len(missing) / settings.batch_size))
    if settings.engine == "dask":
        results = run_on_dask(spec, batches, settings.scheduler, workers=max(workers, 1))
    elif nlp is not None or workers <= 1:
        results = run_in_process(nlp or spec.load(), batches, settings.batch_size)
    else:
        results = run_in_pool(spec, batches, workers)
    with tqdm(total=len(missing), desc="documents", unit="doc", leave=False,
              dynamic_ncols=True, disable=not settings.progress) as progress:
        for batch in results:
            cache.put_many(batch)
            progress.update(len(batch))
    return sum(1 for item in index if item.key in missing)


def write_outputs(result: Result, out_dir: str | Path, settings: Settings | None = None,
                  ) -> dict[str, Path]:
    """Write every output file into `out_dir`; each one atomically."""
    settings = settings or Settings()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    outputs = {name: out / name for name in OUTPUT_FILES}
    graph = result.graph
    corpus = {"documents": result.documents, "words": result.words}
    # networkx's GEXF writer is the slowest output: on a large graph a forked process
    # writes it (the graph is shared, not copied) while this one writes the others.
    with _writing_aside(write_gexf, graph, outputs["graph.gexf"]):
        write_html(graph, outputs["graph.html"], corpus=corpus,
                   max_nodes=settings.html_max_nodes)
        write_graphml(graph, outputs["graph.graphml"])
        write_json(graph, outputs["graph.json"])
    write_entities_csv(graph, outputs["entities.csv"])
    write_edges_csv(graph, outputs["edges.csv"])
    write_evidence_csv(graph, outputs["evidence.csv"])
    if result.records is not None and result.table is not None:
        write_mentions_csv(result.records(), result.table, outputs["mentions.csv"])
    return outputs


# Graphs smaller than this are written in one process: forking costs more than it saves.
FORK_OUTPUTS_FROM = 2000
_aside: tuple = ()


def _write_aside() -> None:
    writer, graph, path = _aside
    writer(graph, path)


@contextmanager
def _writing_aside(writer, graph: nx.Graph, path: Path) -> Iterator[None]:
    """Run `writer(graph, path)` in a forked process during the `with` block (in this
    process when the graph is small or fork is unavailable); errors come back here."""
    global _aside
    if graph.number_of_nodes() < FORK_OUTPUTS_FROM or \
            "fork" not in multiprocessing.get_all_start_methods():
        writer(graph, path)
        yield
        return
    _aside = (writer, graph, path)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        written = pool.submit(_write_aside)
        _aside = ()
        yield
        written.result()


def cache_path(out_dir: str | Path) -> Path:
    """Where a build into `out_dir` keeps its mention cache."""
    return Path(out_dir) / CACHE_NAME


def open_cache(out_dir: str | Path | None, settings: Settings) -> MentionCache:
    """The output folder's cache, or a throw-away one (no output folder, or `cache=False`).
    An unreadable cache file is replaced, with a warning: it only ever saves time."""
    if not (out_dir and settings.cache):
        return MentionCache(None)
    path = cache_path(out_dir)
    try:
        return MentionCache(path)
    except Exception as error:  # sqlite3.DatabaseError and friends
        log.warning("%s: unreadable cache (%s), starting a new one", path, error)
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
        return MentionCache(path)


def build(paths: Iterable[str | Path], out_dir: str | Path | None = None,
          settings: Settings | None = None, *, nlp: Language | None = None,
          **options) -> Result:
    """Run the whole job; `options` override fields of `settings` (see `Settings`).
    With `out_dir=None` nothing is written and the cache is a temporary file.

    >>> result = build(["corpus"], window="paragraph")      # doctest: +SKIP
    >>> result.graph.nodes["elon-musk-per"]["label"]         # doctest: +SKIP
    'Elon Musk'
    """
    settings = replace(settings or Settings(), **options)
    started = time.perf_counter()
    timings: dict[str, float] = {}

    @contextmanager
    def stage(name: str) -> Iterator[None]:
        begun = time.perf_counter()
        yield
        timings[name] = time.perf_counter() - begun

    paths = check_paths(paths)
    curation_file = (find_curation(paths) if settings.curation is None
                     else settings.curation or None)
    if curation_file:
        load_curation(curation_file)  # a bad file stops the run here, before any work
        log.info("using curation file %s", curation_file)
    spec = ModelSpec(settings.model, tuple(settings.types),
                     str(curation_file) if curation_file else None, settings.batch_size)
    key_prefix = fingerprint(settings.model, settings.types, curation_file)
    cache = open_cache(out_dir, settings)

    with stage("read"):
        index = index_corpus(paths, key_prefix)
    with stage("extract"):
        extracted = extract_missing(paths, index, cache, spec, key_prefix, settings, nlp=nlp)
        if out_dir and settings.cache:
            cache.keep_only(item.key for item in index)

    counts = {"words": 0}

    def counted(records: Iterator[DocRecord]) -> Iterator[DocRecord]:
        for record in records:
            counts["words"] += record.words
            yield record

    with stage("entities"):
        table = build_entities(counted(records_of(index, cache)))
        counts["mentions"] = sum(entity.mentions for entity in table.entities.values())
    with stage("graph"):
        graph = cooccurrence_graph(records_of(index, cache), table, window=settings.window,
                                   weight=settings.weight, evidence=settings.evidence)
        graph, pruning = prune(graph, settings)
    with stage("analytics"):
        annotate(graph, seed=settings.seed)
    graph.graph.update(documents=len(index), words=counts["words"],
                       mentions=counts["mentions"])
    result = Result(graph=graph, documents=len(index), words=counts["words"],
                    mention_count=counts["mentions"], extracted=extracted, pruning=pruning,
                    table=table, records=lambda: records_of(index, cache),
                    out_dir=Path(out_dir) if out_dir else None, timings=timings)
    if out_dir:
        with stage("outputs"):
            result.outputs = write_outputs(result, out_dir, settings)
    result.seconds = time.perf_counter() - started
    log.info("time per stage: %s", ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    return result


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
