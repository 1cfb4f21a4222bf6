"""The main job: read a corpus, extract entities, build the graph, write every output.

A build runs in two stages. Extraction streams every document whose text is not yet in
the mention cache through the NLP (in this process, a process pool or on Dask) and
stores what it found, batch by batch. The graph stage then streams the records of the
corpus, in corpus order, out of the cache: the same corpus and settings always give the
same outputs, whether the cache was cold, warm, or left by an interrupted run.
"""

from __future__ import annotations

import gc
import itertools
import logging
import math
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
from tqdm import tqdm

from entity_graph.graph.analytics import annotate
from entity_graph.graph.attributes import LinkTables
from entity_graph.graph.cooccurrence import (
    Attachments,
    Counts,
    count_cooccurrences,
    graph_and_links,
    pair_table,
    weighted_skeleton,
)
from entity_graph.graph.pruning import (
    backbone,
    cap_links,
    drop_weak_links,
    keep_mentioned,
    least_count,
    top_entities,
)
from entity_graph.pipeline import derived
from entity_graph.pipeline.cache import CACHE_NAME, MentionCache, document_key, fingerprint
from entity_graph.pipeline.derived import derived_key, derived_path
from entity_graph.pipeline.engines import (
    ModelSpec,
    available_cores,
    batched,
    count_on_dask,
    dask_client,
    run_in_pool,
    run_in_process,
    run_on_dask,
)
from entity_graph.pipeline.errors import CacheError, OutputError, SettingsError
from entity_graph.pipeline.extraction.records import DocRecord, to_record
from entity_graph.pipeline.formats.delimited import Columns
from entity_graph.pipeline.lock import output_lock
from entity_graph.pipeline.merging.entities import EntityTable, build_entities
from entity_graph.pipeline.outputs import links_started, write_outputs
from entity_graph.pipeline.reading import Document, check_paths, read_documents
from entity_graph.pipeline.result import Result
from entity_graph.pipeline.rules.curation import find_curation, load_curation
from entity_graph.pipeline.settings import SETTING_NAMES, Settings

if TYPE_CHECKING:
    from dask.distributed import Client
    from spacy.language import Language

log = logging.getLogger("entity_graph")


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


def index_corpus(paths: list[Path], fingerprint: str, columns: Columns | None = None,
                 ) -> list[Indexed]:
    """Read the corpus once: every document's metadata and the cache key of its text.
    Texts are dropped (they stay in their files) but for those extracted from web pages
    and exports, which no file holds and whose extraction is slow: those are kept for the
    NLP and for `documents.csv`."""
    return [Indexed(document if document.extracted else replace(document, text=""),
                    document_key(document.text, fingerprint))
            for document in read_documents(paths, columns)]


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
                    nlp: Language | None = None, client: Client | None = None) -> int:
    """Run the NLP on every document whose key is not in the cache, storing the results
    batch by batch; return how many documents of the corpus that concerned (a text met
    twice is extracted once). With a Dask `client`, the NLP runs on its cluster."""
    missing = cache.missing(item.key for item in index)
    if not missing:
        return 0
    if nlp is not None and settings.relations != ("entity_graph_find_relations" in nlp.pipe_names):
        raise SettingsError("relations: the pipeline given as `nlp` was loaded "
                            f"{'without' if settings.relations else 'with'} them; load it "
                            f"with load_nlp(relations={settings.relations})")
    if nlp is None:  # a model that cannot load fails here, not in a worker process
        from entity_graph.pipeline.extraction.model import check_model  # imports spaCy

        check_model(settings.model)

    def texts() -> Iterator[tuple[str, str]]:
        sent: set[str] = set()
        kept = (item.document for item in index if item.document.extracted)
        with _warnings_off():
            for document in itertools.chain(
                    kept, read_documents(paths, settings.columns, markup=False)):
                key = document_key(document.text, fingerprint)
                if key in missing and key not in sent:
                    sent.add(key)
                    yield key, document.text

    batches = batched(texts(), settings.batch_size)
    workers = min(settings.workers or available_cores(),
                  math.ceil(len(missing) / settings.batch_size))
    if client is not None:
        results = run_on_dask(spec, batches, client)
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
    except CacheError as error:
        log.warning("%s: unreadable cache (%s), starting a new one", path, error)
    try:
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
        return MentionCache(path)
    except (OSError, CacheError) as error:
        raise OutputError(f"{path}: cannot create the cache ({error})") from error


def _settings(settings: Settings | None, options: dict[str, Any]) -> Settings:
    unknown = sorted(set(options) - SETTING_NAMES)
    if unknown:
        raise SettingsError(f"unknown setting {unknown[0]!r}; the settings are "
                            f"{', '.join(sorted(SETTING_NAMES))}")
    return replace(settings or Settings(), **options)


def _as_paths(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    """One path or several, checked to exist."""
    return check_paths([paths] if isinstance(paths, str | Path) else paths)


def build(paths: str | Path | Iterable[str | Path], out_dir: str | Path | None = None,
          settings: Settings | None = None, *, nlp: Language | None = None,
          **options: Any) -> Result:
    """Run the whole job on one path or several; `options` override fields of `settings`
    (see `Settings`), and a bad one fails at once, before any work. With `out_dir=None`
    nothing is written and the cache is a temporary file.

    >>> result = build("corpus", window="paragraph")        # doctest: +SKIP
    >>> result.graph.nodes["elon-musk-per"]["label"]         # doctest: +SKIP
    'Elon Musk'
    """
    settings = _settings(settings, options)
    started = time.perf_counter()
    checked = _as_paths(paths)
    curation_file = (find_curation(checked) if settings.curation is None
                     else settings.curation or None)
    if curation_file:
        load_curation(curation_file)  # a bad file stops the run here, before any work
        log.info("using curation file %s", curation_file)
    spec = ModelSpec(settings.model, tuple(settings.types),
                     str(curation_file) if curation_file else None, settings.batch_size,
                     settings.relations)
    key_prefix = fingerprint(settings.model, settings.types, curation_file,
                             relations=settings.relations)
    persistent = bool(out_dir and settings.cache)
    with output_lock(out_dir) if out_dir else nullcontext():
        cache = open_cache(out_dir, settings)
        try:
            result = _run(checked, cache, spec, key_prefix, settings, nlp=nlp, out_dir=out_dir)
        finally:
            if persistent:
                cache.close()
    if persistent and out_dir:
        path = cache_path(out_dir)
        result.records = lambda: _reopened_records(result.index, path)
    result.seconds = time.perf_counter() - started
    log.info("time per stage: %s",
             ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items()))
    return result


def _reopened_records(index: list[Indexed], path: Path) -> Iterator[DocRecord]:
    """The records of a finished build, read from its cache file (opened for the read)."""
    with MentionCache(path) as cache:
        yield from records_of(index, cache)


def _run(paths: list[Path], cache: MentionCache, spec: ModelSpec, key_prefix: str,
         settings: Settings, *, nlp: Language | None, out_dir: str | Path | None) -> Result:
    """The build's stages, timed: read, extract, entities, graph, analytics, outputs."""
    timings: dict[str, float] = {}

    @contextmanager
    def stage(name: str) -> Iterator[None]:  # a stage may run in several parts
        begun = time.perf_counter()
        yield
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - begun

    with stage("read"):
        index = index_corpus(paths, key_prefix, settings.columns)
    # With the Dask engine, one cluster for the build: the NLP, then the pair counting.
    with ExitStack() as cluster:
        client = cluster.enter_context(dask_client(
            settings.scheduler, settings.workers or available_cores())) \
            if settings.engine == "dask" else None
        with stage("extract"):
            extracted = extract_missing(paths, index, cache, spec, key_prefix, settings,
                                        nlp=nlp, client=client)
            if out_dir and settings.cache:
                cache.keep_only(item.key for item in index)
        keep = bool(out_dir and settings.cache)
        documents_key = derived_key(
            key_prefix, ((i.key, d.id, d.date, d.title, d.source, d.path, d.offset)
                         for i in index for d in [i.document]),
            sources=[*derived.MERGING_SOURCES, *derived.TABLE_SOURCES])
        with collector_paused():
            table, words, attachments, graph, links, pruning, pairs = _entities_and_graph(
                index, cache, settings, documents_key if keep else None,
                out_dir, client, stage)
    with collector_paused(), ExitStack() as started:
        early = None
        timings["analytics"] = 0.0  # listed before the outputs, which start first
        if out_dir:  # the tables the analytics leave alone start now, beside them
            with stage("outputs"):
                early = started.enter_context(
                    links_started(graph, attachments, out_dir, links=links, pairs=pairs))
        with stage("analytics"):
            annotate(graph, seed=settings.seed, layout_core=settings.html_max_nodes,
                     links=links)
        result = _result(graph, attachments, table, index, words=words, extracted=extracted,
                         pruning=pruning, records=lambda: records_of(index, cache),
                         out_dir=out_dir, pairs=pairs)
        result.documents_key = documents_key if keep else ""
        result.timings = timings
        if out_dir:
            with stage("outputs"):
                result.outputs = write_outputs(result, out_dir, settings, early=early)
    return result


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector. The graph side makes millions of
    long-lived objects (counts, graph, columns) and next to no reference cycles, and the
    collector would walk all of them again and again while they are made: on the dev
    corpus with the document window, reading the kept pair counts took 3.6 s with it and
    0.9 s without. (Extraction keeps it: spaCy's objects may form cycles.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What was made meanwhile is all in the youngest generation, which the first
        # collection afterwards would walk whole (0.7 s after a document-window graph of
        # the dev corpus). Frozen and unfrozen, it moves to the oldest generation at no
        # cost, to be walked only when Python's thresholds next call for a full collection.
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


def _entities_and_graph(index: list[Indexed], cache: MentionCache, settings: Settings,
                        documents_key: str | None, out_dir: str | Path | None,
                        client: Client | None,
                        stage: Callable[[str], Any],
                        ) -> tuple[EntityTable, int, Attachments, nx.Graph, LinkTables, list[str],
                                   Callable[[], dict[str, list]] | None]:
    """The entities and graph stages: the entity table and the pair counts (kept in
    `out_dir` under `documents_key`, when given, for the next build), the words counted,
    and the pruned graph with its attachments and its links a column at a time (pairs
    counted on the Dask cluster of `client`, if any); pruned, what makes the table of
    every pair counted (`pair_table`)."""
    words = [0]

    def counted(records: Iterator[DocRecord]) -> Iterator[DocRecord]:
        for record in records:
            words[0] += record.words
            yield record

    # The entity table depends only on the documents and the code: kept beside the cache,
    # it spares a re-run that changes how the graph is counted, weighted, pruned or drawn
    # the merging.
    kept_table = derived_path(out_dir, "entities")
    with stage("entities"):
        stored = derived.load(kept_table, documents_key) if documents_key else None
        if stored is not None:
            table, words[0] = derived.table_from(stored["table"]), stored["words"]
        else:
            table = build_entities(counted(records_of(index, cache)))
            if documents_key:
                derived.save(kept_table, documents_key,
                             {"table": derived.table_data(table), "words": words[0]})
    with stage("graph"):
        attachments = Attachments()
        # The pair counts of each window depend on the documents and the counting code
        # only: kept like the entity table (a file per window), they spare a re-run that
        # changes the weight, the pruning, the page or asks for fewer examples the pass
        # over the records (on the dev corpus, document window: seconds).
        counts_key = derived_key(documents_key, str(settings.window),
                                 sources=derived.COUNT_SOURCES) if documents_key else ""
        kept_counts = derived_path(out_dir, f"counts-{settings.window}")
        stored = derived.load(kept_counts, counts_key) if counts_key else None
        counts = derived.counts_from(stored, settings.evidence) if stored else None
        fresh = counts is None
        if counts is None and client is not None:
            # Pruned on the cluster: the pairs left out of the graph come back without
            # their evidence and relations, the bulk of the counts.
            counts = count_on_dask(records_of(index, cache), table, client,
                                   window=settings.window, evidence=settings.evidence,
                                   batch_size=settings.batch_size,
                                   reduce=partial(full_only_if_kept, settings=settings))
        elif counts is None:
            counts = count_cooccurrences(records_of(index, cache), table,
                                         window=settings.window, evidence=settings.evidence)
        # Pruned before the graph is built: a skeleton of weights is pruned, and only
        # what it keeps gets its evidence, dates and relations.
        keep, pruning = pruned_skeleton(counts, table, settings)
        if fresh and counts_key and (client is None or keep is None):  # kept whole only
            derived.save(kept_counts, counts_key, derived.counts_data(counts, settings.evidence))
        graph, links = graph_and_links(counts, table, window=settings.window,
                                       weight=settings.weight, attachments=attachments,
                                       relations=settings.relations, keep=keep)
        # Pruned, the graph leaves pairs out; they stay in a table of every pair, made
        # when it is written (by a writer process beside the others, when there is one).
        pairs = (lambda: pair_table(counts, table, weight=settings.weight, keep=keep)) \
            if keep is not None else None
    return table, words[0], attachments, graph, links, pruning, pairs


def _result(graph: nx.Graph, attachments: Attachments, table: EntityTable,
            index: list[Indexed], *, words: int, extracted: int, pruning: list[str],
            records: Callable[[], Iterator[DocRecord]], out_dir: str | Path | None,
            pairs: Callable[[], dict[str, list]] | None = None) -> Result:
    mentions = sum(entity.mentions for entity in table.entities.values())
    graph.graph.update(documents=len(index), words=words, mentions=mentions)
    return Result(graph=graph, attachments=attachments, documents=len(index), words=words,
                  mention_count=mentions, extracted=extracted, pruning=pruning, table=table,
                  records=records, index=index, out_dir=Path(out_dir) if out_dir else None,
                  pairs=pairs)


def pruning_steps(settings: Settings) -> list[tuple[str, Callable[[nx.Graph], nx.Graph]]]:
    """The settings' pruning steps in order (entities first, then links), each with the
    option that asked for it."""
    steps: list[tuple[str, Callable[[nx.Graph], nx.Graph]]] = []
    least, top, min_weight, alpha = (settings.min_mentions, settings.top, settings.min_weight,
                                     settings.backbone)
    if least > 1:
        steps.append((f"--min-mentions {least}", lambda g: keep_mentioned(g, least)))
    if top is not None:
        steps.append((f"--top {top}", lambda g: top_entities(g, top)))
    if min_weight is not None:
        steps.append((f"--min-weight {min_weight:g}", lambda g: drop_weak_links(g, min_weight)))
    if alpha is not None:
        steps.append((f"--backbone {alpha:g}", lambda g: backbone(g, alpha)))
    return steps


def prune(graph: nx.Graph, settings: Settings) -> tuple[nx.Graph, list[str]]:
    """Apply the settings' pruning steps (`pruning_steps`), then cap the links at
    `settings.max_links` (see `cap_links`), and say what each one removed."""
    report = []
    for name, step in pruning_steps(settings):
        pruned = step(graph)
        report.append(f"{name}: {_removed(_size(graph), _size(pruned))}")
        graph = pruned
    if settings.max_links and graph.number_of_edges() > settings.max_links:
        capped, least = cap_links(graph, settings.max_links)
        report.append(_capped(settings.max_links, least, _removed(_size(graph), _size(capped))))
        graph = capped
    return graph, report


def pruned_skeleton(counts: Counts, table: EntityTable, settings: Settings,
                    ) -> tuple[nx.Graph | None, list[str]]:
    """The `weighted_skeleton` of `counts` as `prune` leaves it, and its report; (None, [])
    when nothing is pruned. The cap alone (the default on a dense graph) is applied to the
    counts, so the links it drops never enter the skeleton."""
    if pruning_steps(settings):
        return prune(weighted_skeleton(counts, table, weight=settings.weight), settings)
    most = settings.max_links
    if not most or len(counts.pairs) <= most:
        return None, []
    least = least_count((pair.count for pair in counts.pairs.values()), most)
    keep = weighted_skeleton(counts, table, weight=settings.weight, least_count=least)
    whole = (len(table.entities), len(counts.pairs))
    return keep, [_capped(most, least, _removed(whole, _size(keep)))]


def full_only_if_kept(counts: Counts, table: EntityTable, settings: Settings) -> Counts:
    """`counts`, the pairs `pruned_skeleton` leaves out of the graph without their
    evidence and relations: what a pruned build needs of them is their numbers (for the
    pruning and the table of every pair). Run on the Dask cluster, before the counts come
    back."""
    keep, _ = pruned_skeleton(counts, table, settings)
    if keep is not None:
        for key, pair in counts.pairs.items():
            if not keep.has_edge(*key):
                pair.evidence = []
                counts.relations.pop(key, None)
    return counts


def _size(graph: nx.Graph) -> tuple[int, int]:
    return graph.number_of_nodes(), graph.number_of_edges()


def _removed(before: tuple[int, int], after: tuple[int, int]) -> str:
    """What pruning removed, from the (entities, links) before and after."""
    return (f"removed {before[0] - after[0]:,} of {before[0]:,} entities and "
            f"{before[1] - after[1]:,} of {before[1]:,} links")


def _capped(max_links: int, least: int, removed: str) -> str:
    return (f"--max-links {max_links}: kept the links counted at least {least} times; "
            f"{removed} (--max-links 0 keeps them all)")
