"""Write every output file of a build, each one atomically."""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from entity_graph.graph.attributes import LinkTables, graph_tables, link_tables
from entity_graph.graph.cooccurrence import Attachments
from entity_graph.graph.export import write_gexf, write_graphml, write_json
from entity_graph.graph.html import write_html
from entity_graph.graph.tables import (
    heaviest_first,
    pair_frame,
    write_aliases_csv,
    write_documents_csv,
    write_edges_csv,
    write_entities_csv,
    write_evidence_csv,
    write_mentions_csv,
    write_pairs_csv,
    write_pairs_parquet,
    write_relations_csv,
)
from entity_graph.pipeline import derived
from entity_graph.pipeline.derived import derived_path
from entity_graph.pipeline.errors import OutputError
from entity_graph.pipeline.processes import die_with_parent
from entity_graph.pipeline.settings import Settings

if TYPE_CHECKING:
    from entity_graph.pipeline.result import Result

OUTPUT_FILES = ("graph.html", "graph.graphml", "graph.gexf", "graph.json", "entities.csv",
                "edges.csv", "evidence.csv", "mentions.csv", "aliases.csv", "documents.csv",
                "relations.csv", "pairs.csv", "pairs.parquet")
# The tables of every pair counted, written when pruning left some out of the graph.
PAIR_TABLES = ("pairs.csv", "pairs.parquet")
# The tables made from the graph's links alone: a build starts them before the analytics.
LINK_TABLES = ("edges.csv", "evidence.csv")
# The tables that depend on the documents only, not on the graph settings (relations.csv
# only with relations).
DOCUMENT_TABLES = ("aliases.csv", "mentions.csv", "documents.csv", "relations.csv")
# Graphs smaller than this are written in one process: forking costs more than it saves.
FORK_OUTPUTS_FROM = 2000
# Links from which their tables are written during the analytics (`links_started`). The
# fork slows the analytics (the two processes share the graph's memory pages until one
# writes to them, which then costs a copy), so it only pays when the link tables are big:
# on the dev corpus, the outputs and analytics of the sentence window's 35,000 links took
# as long either way, those of the document window's 432,000 links 1.5-2 s less.
EARLY_LINKS_FROM = 100_000


@dataclass
class EarlyLinks:
    """What `links_started` hands to `write_outputs`: the graph's links a column at a
    time and, when some tables (`started`: `LINK_TABLES`, `PAIR_TABLES`) are being
    written in a forked process, a function that waits for it (raising its failure as
    an `OutputError`)."""

    links: LinkTables
    wait: Callable[[], None] | None = None
    started: tuple[str, ...] = ()


@contextmanager
def links_started(graph: nx.Graph, attachments: Attachments, out_dir: str | Path, *,
                  links: LinkTables | None = None,
                  pairs: Callable[[], dict[str, list]] | None = None) -> Iterator[EarlyLinks]:
    """Start writing the tables that the analytics change no cell of in a forked
    process, while the `with` block runs the analytics in this one and then
    `write_outputs(..., early=...)`: on two cores, the analytics no longer leave one
    idle. Those are the tables of the links alone (`LINK_TABLES`), from
    `EARLY_LINKS_FROM` links, and the table of every pair (`PAIR_TABLES`, when pruning
    made one: `pairs`, see `Result.pairs`). Where there are none, or no fork can be
    made, nothing starts: `write_outputs` writes them with the rest. If the block fails,
    the process is stopped and what it staged removed. `links`: the graph's
    `link_tables`, when already made (`cooccurrence.graph_and_links`)."""
    out = Path(out_dir)
    _prepare(out)
    links = links if links is not None else link_tables(graph)
    many_links = graph.number_of_edges() >= EARLY_LINKS_FROM
    started = (*(LINK_TABLES if many_links else ()), *(PAIR_TABLES if pairs is not None else ()))
    if not started or _FORK is None or polars_started() \
            or (many_links and not _can_fork(graph)):
        yield EarlyLinks(links)
        return

    def write_started() -> None:
        if pairs is not None:
            _write_pair_tables(out, pairs)
        if many_links:
            order = heaviest_first(links)
            _write(out, "evidence.csv", lambda path: write_evidence_csv(
                graph, attachments, path, tables=links, order=order))
            _write(out, "edges.csv", lambda path: write_edges_csv(
                graph, path, tables=links, order=order))

    writer = _Forked(write_started)
    try:
        yield EarlyLinks(links, writer.wait, started)
    except BaseException:
        writer.stop()
        remove_leftovers(out)
        raise
    writer.wait()  # normally `write_outputs` has: then this returns at once


def _write_pair_tables(out: Path, pairs: Callable[[], dict[str, list]]) -> None:
    """`pairs.csv` and `pairs.parquet`, from one frame of the table `pairs` makes."""
    frame = pair_frame(pairs())
    _write(out, "pairs.csv", lambda path: write_pairs_csv(frame, path))
    _write(out, "pairs.parquet", lambda path: write_pairs_parquet(frame, path))


def write_outputs(result: Result, out_dir: str | Path, settings: Settings | None = None, *,
                  early: EarlyLinks | None = None) -> dict[str, Path]:
    """Write every output file into `out_dir` as one unit: each is written under a
    temporary name first, and only when all are complete are they renamed into place, so
    a failure (disk full, no permission, an interruption) leaves the previous outputs as
    they were, and no reader sees a mix of two runs but for the instant of the renames.
    An OS error becomes an `OutputError` naming the file. Call it holding the folder's
    lock (`pipeline.lock`): it first removes what an earlier, killed run left behind
    (unless `early`, the link tables started by `links_started`, which did that)."""
    settings = settings or Settings()
    out = Path(out_dir)
    outputs = {name: out / name for name in OUTPUT_FILES}
    staged = {name: _staged(out, name) for name in OUTPUT_FILES}
    graph, attachments = result.graph, result.attachments
    corpus = {"documents": result.documents, "words": result.words}
    # The tables that depend only on the documents, written by an earlier build of the
    # same documents with the same code, are kept: a re-run that only changes the graph
    # does not rewrite them.
    stored = (derived.load(derived_path(out, "outputs"), result.documents_key)
              if result.documents_key else None)
    tables = [name for name in DOCUMENT_TABLES
              if name != "relations.csv" or settings.relations]
    kept = {name for name in tables
            if isinstance(stored, list) and name in stored and outputs[name].is_file()}

    def write(name: str, writer: Callable[[Path], None]) -> None:
        _write(out, name, writer)

    if early is None:
        _prepare(out)
    wait_for_early = early.wait if early else None  # the early tables' forked writer
    # The graph, tables and records are millions of long-lived objects: frozen, the
    # garbage collector stops walking them again and again while the writers allocate
    # (a third of the writing time otherwise), and a forked writer shares their memory
    # pages instead of copying them.
    gc.freeze()
    try:
        # The graph's nodes and links a column at a time, read once for every file.
        columns = graph_tables(graph, links=early.links if early else None)

        @cache  # in each process that needs it
        def order() -> list[int]:
            return heaviest_first(columns)

        # The files made from the graph alone, the slowest first. On a large graph a
        # forked process (sharing the graph, not copying it) and this one take them from
        # this list, each the next one not yet taken, until none is left: on two cores,
        # about half the time.
        graph_jobs: list[Callable[[], None]] = [
            lambda: write("graph.gexf", lambda path: write_gexf(
                graph, path, attachments=attachments, tables=columns)),
            lambda: write("graph.graphml", lambda path: write_graphml(
                graph, path, tables=columns)),
            lambda: write("graph.json", lambda path: write_json(
                graph, path, attachments=attachments, tables=columns)),
            lambda: write("graph.html", lambda path: write_html(
                graph, path, attachments=attachments, corpus=corpus,
                max_nodes=settings.html_max_nodes)),
            lambda: write("entities.csv", lambda path: write_entities_csv(
                graph, path, tables=columns)),
        ]
        started = early.started if early else ()
        if result.pairs is not None and "pairs.csv" not in started:
            pairs = result.pairs
            graph_jobs.insert(0, lambda: _write_pair_tables(out, pairs))  # often the slowest
        if "edges.csv" not in started:  # not started early: written here
            graph_jobs[-1:-1] = [
                lambda: write("evidence.csv", lambda path: write_evidence_csv(
                    graph, attachments, path, tables=columns, order=order())),
                lambda: write("edges.csv", lambda path: write_edges_csv(
                    graph, path, tables=columns, order=order())),
            ]
        with _sharing_jobs(graph_jobs, graph) as remaining_jobs:
            # The tables read from the records (the cache, which a forked process must
            # not touch), then whatever is left of the list.
            if result.table is not None and not set(tables) <= kept:
                table = result.table
                write("aliases.csv", lambda path: write_aliases_csv(table, path))
                if result.records is not None:
                    records = result.records
                    write("mentions.csv",
                          lambda path: write_mentions_csv(records(), table, path))
                    extracted = {item.document.id: item.document.text for item in result.index
                                 if item.document.extracted}
                    write("documents.csv", lambda path: write_documents_csv(
                        records(), table, extracted, path))
                    if settings.relations:
                        write("relations.csv",
                              lambda path: write_relations_csv(records(), table, path))
            for job in remaining_jobs():
                job()
        if wait_for_early is not None:
            wait_for_early()
        written = [name for name in OUTPUT_FILES if staged[name].exists()]
        for name in written:
            os.replace(staged[name], outputs[name])
        # An earlier build's, which this graph no longer matches.
        stale = [*([] if settings.relations else ["relations.csv"]),
                 *(PAIR_TABLES if result.pairs is None else [])]
        for name in stale:
            outputs[name].unlink(missing_ok=True)
        if result.documents_key:
            derived.save(derived_path(out, "outputs"), result.documents_key,
                         [name for name in tables if outputs[name].is_file()])
    except OSError as error:  # the forked writer's failure, or a rename
        raise OutputError(f"{error.filename or out}: cannot write "
                          f"({error.strerror or error})") from error
    finally:
        gc.unfreeze()
        remove_leftovers(out)  # staged files not renamed, a stopped writer's temporary ones
    return {name: outputs[name] for name in OUTPUT_FILES if name in written or name in kept}


def _staged(out: Path, name: str) -> Path:
    """Where output `name` is written before all are renamed into place."""
    return out / f".{name}.new"


def _write(out: Path, name: str, writer: Callable[[Path], None]) -> None:
    """Write output `name` to its staged path; an OS error becomes an `OutputError`."""
    try:
        writer(_staged(out, name))
    except OSError as error:  # a full disk raises with no file name: give it
        raise OutputError(f"{out / name}: cannot write ({error.strerror or error})") from error


def _prepare(out: Path) -> None:
    """Make the output folder, without what an earlier, killed run left in it."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out)
    except OSError as error:
        raise OutputError(f"{out}: cannot write there ({error.strerror or error})") from error


def remove_leftovers(out: Path) -> list[Path]:
    """Delete the temporary files of outputs that an interrupted or killed run left in
    `out` (staged outputs, half-written files); return them.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> for name in (".graph.html.new", "..graph.json.new.x1.tmp", "notes.txt"):
    ...     _ = (folder / name).write_text("")
    >>> sorted(p.name for p in remove_leftovers(folder))
    ['..graph.json.new.x1.tmp', '.graph.html.new']
    """
    removed = []
    for name in OUTPUT_FILES:
        for pattern in (f".{name}.*", f"..{name}.*"):
            for path in out.glob(pattern):
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


@contextmanager
def _sharing_jobs(jobs: list[Callable[[], None]], graph: nx.Graph,
                  ) -> Iterator[Callable[[], Iterator[Callable[[], None]]]]:
    """Give the `with` block a function that yields the `jobs` not yet taken, each to be
    run by the taker; meanwhile a forked process takes and runs jobs from the same list
    (in this process alone when the graph is small, fork is unavailable, or polars'
    threads run here already: see `_can_fork`). Each job runs once. A fork shares the
    graph without pickling it; a failure there is raised here."""
    if not _can_fork(graph) or _FORK is None:
        yield lambda: iter(list(jobs))
        return
    taken = _FORK.Value("i", 0)  # how many jobs were taken, in shared memory

    def remaining() -> Iterator[Callable[[], None]]:
        while True:
            with taken.get_lock():
                number = taken.value
                taken.value += 1
            if number >= len(jobs):
                return
            yield jobs[number]

    def run_remaining() -> None:
        for job in remaining():
            job()

    writer = _Forked(run_remaining)
    try:
        yield remaining
    except BaseException:
        writer.stop()
        raise
    writer.wait()


def _can_fork(graph: nx.Graph) -> bool:
    """Whether outputs of `graph` may be written in a forked process: not for a small
    graph (forking costs more than it saves), nor where fork is unavailable or polars'
    threads run here already (see `polars_started`)."""
    return graph.number_of_nodes() >= FORK_OUTPUTS_FROM and _FORK is not None \
        and not polars_started()


_FORK = multiprocessing.get_context("fork") \
    if "fork" in multiprocessing.get_all_start_methods() else None


class _Forked:
    """A forked process running `write` (it shares this one's graph and tables without
    pickling them), whose failure `wait` raises here."""

    def __init__(self, write: Callable[[], None]) -> None:
        assert _FORK is not None  # see `_can_fork`
        self._reader, writer = _FORK.Pipe(duplex=False)
        self._process = _FORK.Process(target=_report_to, args=(writer, write, os.getpid()),
                                      daemon=True)
        self._process.start()
        writer.close()
        self._failure: str | None = None

    def wait(self) -> None:
        """Wait for the process to end; raise its failure, if any, as an `OutputError`
        (at each call: the caller that waited first may not have raised it)."""
        if self._failure is None:
            try:
                self._failure = self._reader.recv()
            except EOFError:
                self._failure = "the writer process died"
            self._process.join()
        if self._failure:
            raise OutputError(self._failure)

    def stop(self) -> None:
        """End the process now, if it still runs (the build failed meanwhile)."""
        if self._failure is None:
            self._process.kill()
            self._process.join()
            self._failure = ""


def polars_started() -> bool:
    """Whether polars' thread pool runs in this process (its threads are named
    "polars-0", "polars-1"…; True where that cannot be told). A forked process must then
    not use polars, which writes the XML files and the tables: the pool's threads are not
    copied by fork, and its first task would wait for them for ever. In a build run from
    the command line the pool starts only with the first table, after the fork; a second
    build in one process (a notebook, a script) writes its outputs in one process."""
    try:
        tasks = Path("/proc/self/task")
        names = [(task / "comm").read_text(encoding="utf-8").strip() for task in tasks.iterdir()]
    except OSError:
        return True
    return any(_POLARS_THREAD.fullmatch(name) for name in names)


_POLARS_THREAD = re.compile(r"polars-\d+")


def _report_to(pipe: multiprocessing.connection.Connection, write: Callable[[], None],
               parent: int) -> None:
    """In the forked process: write, then send "" on success or the error's message."""
    try:
        die_with_parent(parent)
        write()
        pipe.send("")
    except BaseException as error:  # anything at all must reach the parent
        pipe.send(str(error) if isinstance(error, OutputError)
                  else f"outputs: cannot write ({type(error).__name__}: {error})")
    finally:
        pipe.close()
        os._exit(0)  # no atexit handlers or finalizers inherited from the parent
