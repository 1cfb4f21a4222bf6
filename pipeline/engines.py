"""Where the NLP runs: in this process, in a pool of local processes, or on a Dask cluster
(which can also count the pairs, `count_on_dask`).

Every engine takes batches of (key, text) and gives back batches of (key, Extraction),
in the order given, each batch whole. Each worker process loads the model once.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from entity_graph.graph.cooccurrence import Counts, Window, count_cooccurrences, merge_counts
from entity_graph.pipeline.errors import MissingDependency
from entity_graph.pipeline.extraction.records import Extraction, extract_texts
from entity_graph.pipeline.processes import die_with_parent
from entity_graph.pipeline.rules.curation import load_curation

if TYPE_CHECKING:
    from dask.distributed import Client
    from spacy.language import Language

    from entity_graph.pipeline.extraction.records import DocRecord
    from entity_graph.pipeline.merging.entities import EntityTable

Batch = list[tuple[str, str]]
Results = list[tuple[str, Extraction]]


@dataclass(frozen=True)
class ModelSpec:
    """How to load the pipeline, in a form that can travel to another process."""

    model: str
    types: tuple[str, ...]
    curation_file: str | None = None
    batch_size: int = 32
    relations: bool = False

    def load(self) -> Language:
        from entity_graph.pipeline.extraction.model import (
            load_nlp,  # spaCy is imported only when the NLP runs
        )

        curation = load_curation(self.curation_file) if self.curation_file else None
        return load_nlp(self.model, labels=self.types, curation=curation,
                        relations=self.relations)


def available_cores() -> int:
    """Cores this process may use (not the machine's, under a CPU affinity mask)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def extract_batch(nlp: Language, batch: Batch, batch_size: int = 32) -> Results:
    """Extract one batch with a loaded pipeline."""
    texts = (text for _, text in batch)
    return [(key, extraction) for (key, _), extraction
            in zip(batch, extract_texts(nlp, texts, batch_size=batch_size), strict=True)]


# One pipeline per worker process, loaded by the pool's initializer or on first use.
_worker_nlp: dict[ModelSpec, Language] = {}


def worker_extract(spec: ModelSpec, batch: Batch) -> Results:
    """Extract a batch in a worker process, loading the model there the first time."""
    if spec not in _worker_nlp:
        _worker_nlp[spec] = spec.load()
    return extract_batch(_worker_nlp[spec], batch, spec.batch_size)


def _load_in_worker(spec: ModelSpec, parent: int) -> None:
    die_with_parent(parent)  # a killed build takes its workers with it
    _worker_nlp[spec] = spec.load()


def run_in_process(nlp: Language, batches: Iterable[Batch], batch_size: int = 32,
                   ) -> Iterator[Results]:
    for batch in batches:
        yield extract_batch(nlp, batch, batch_size)


def run_in_pool(spec: ModelSpec, batches: Iterable[Batch], workers: int) -> Iterator[Results]:
    """A pool of `workers` processes, at most two batches each in flight, so that memory
    stays flat however large the corpus."""
    with ProcessPoolExecutor(max_workers=workers, initializer=_load_in_worker,
                             initargs=(spec, os.getpid())) as pool:
        pending: deque[Future] = deque()
        try:
            for batch in batches:
                pending.append(pool.submit(worker_extract, spec, batch))
                if len(pending) >= 2 * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


@contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[Client]:
    """A client of the cluster at `scheduler`, or of a LocalCluster of `workers`
    processes started for the build and stopped with it."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as error:
        raise MissingDependency("the dask engine needs the dask extra: "
                                "pip install -e '.[dask]'") from error
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_on_dask(spec: ModelSpec, batches: Iterable[Batch], client: Client,
                ) -> Iterator[Results]:
    """Batches go to the cluster; each worker loads the model once and sends back
    compact extractions."""
    pending: deque = deque()
    limit = 2 * max(len(client.scheduler_info()["workers"]), 1)
    for batch in batches:
        pending.append(client.submit(worker_extract, spec, batch, pure=False))
        if len(pending) >= limit:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def count_on_dask(records: Iterable[DocRecord], table: EntityTable, client: Client, *,
                  window: Window, evidence: int, batch_size: int = 200,
                  reduce: Callable[[Counts, EntityTable], Counts] | None = None) -> Counts:
    """`count_cooccurrences` on the cluster: each batch of records is counted by a
    worker, the partial counts are merged there, pairwise, in corpus order (so that the
    evidence kept is the same as counted here), and only the merged counts come back,
    passed first through `reduce` on the cluster, when given (the build's drops the
    evidence of the pairs its pruning leaves out of the graph)."""
    shared = client.scatter(table, broadcast=True)
    partials = []
    start = 0
    iterator = iter(records)
    while batch := list(itertools.islice(iterator, batch_size)):  # records stream through
        partials.append(client.submit(count_cooccurrences, batch, shared, window=window,
                                      evidence=evidence, start=start, pure=False))
        start += len(batch)
    if not partials:
        return Counts()
    while len(partials) > 1:  # neighbours merged: the order of the corpus is kept
        merged = [client.submit(merge_counts, a, b, evidence=evidence, pure=False)
                  for a, b in zip(partials[::2], partials[1::2], strict=False)]
        partials = merged + ([partials[-1]] if len(partials) % 2 else [])
    if reduce is not None:
        return client.submit(reduce, partials[0], shared, pure=False).result()
    return partials[0].result()


def batched(items: Iterable[tuple[str, str]], size: int) -> Iterator[Batch]:
    batch: Batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
