"""Write every output file of a build, each one atomically."""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from entity_graph.graph.attributes import graph_tables
from entity_graph.graph.export import write_gexf, write_graphml, write_json
from entity_graph.graph.html import write_html
from entity_graph.graph.tables import (
    heaviest_first,
    write_aliases_csv,
    write_documents_csv,
    write_edges_csv,
    write_entities_csv,
    write_evidence_csv,
    write_mentions_csv,
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
                "relations.csv")
# The tables that depend on the documents only, not on the graph settings (relations.csv
# only with relations).
DOCUMENT_TABLES = ("aliases.csv", "mentions.csv", "documents.csv", "relations.csv")
# Graphs smaller than this are written in one process: forking costs more than it saves.
FORK_OUTPUTS_FROM = 2000


def write_outputs(result: Result, out_dir: str | Path, settings: Settings | None = None,
                  ) -> dict[str, Path]:
    """Write every output file into `out_dir` as one unit: each is written under a
    temporary name first, and only when all are complete are they renamed into place, so
    a failure (disk full, no permission, an interruption) leaves the previous outputs as
    they were, and no reader sees a mix of two runs but for the instant of the renames.
    An OS error becomes an `OutputError` naming the file. Call it holding the folder's
    lock (`pipeline.lock`): it first removes what an earlier, killed run left behind."""
    settings = settings or Settings()
    out = Path(out_dir)
    outputs = {name: out / name for name in OUTPUT_FILES}
    staged = {name: out / f".{name}.new" for name in OUTPUT_FILES}
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
        try:
            writer(staged[name])
        except OSError as error:  # a full disk raises with no file name: give it
            raise OutputError(f"{outputs[name]}: cannot write ({error.strerror or error})"
                              ) from error

    try:
        out.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out)
    except OSError as error:
        raise OutputError(f"{out}: cannot write there ({error.strerror or error})") from error
    # The graph, tables and records are millions of long-lived objects: frozen, the
    # garbage collector stops walking them again and again while the writers allocate
    # (a third of the writing time otherwise), and a forked writer shares their memory
    # pages instead of copying them.
    gc.freeze()
    try:
        # The graph's nodes and links a column at a time, read once for every file.
        columns = graph_tables(graph)

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
            lambda: write("evidence.csv", lambda path: write_evidence_csv(
                graph, attachments, path, tables=columns, order=order())),
            lambda: write("edges.csv", lambda path: write_edges_csv(
                graph, path, tables=columns, order=order())),
            lambda: write("entities.csv", lambda path: write_entities_csv(
                graph, path, tables=columns)),
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
        written = [name for name in OUTPUT_FILES if staged[name].exists()]
        for name in written:
            os.replace(staged[name], outputs[name])
        if not settings.relations:  # an earlier build's, which this graph no longer matches
            outputs["relations.csv"].unlink(missing_ok=True)
        if result.documents_key:
            derived.save(derived_path(out, "outputs"), result.documents_key,
                         [name for name in tables if outputs[name].is_file()])
    except OSError as error:  # the forked writer's failure, or a rename
        raise OutputError(f"{error.filename or out}: cannot write "
                          f"({error.strerror or error})") from error
    finally:
        gc.unfreeze()
        for path in staged.values():
            path.unlink(missing_ok=True)
    return {name: outputs[name] for name in OUTPUT_FILES if name in written or name in kept}


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
    threads run here already: see `polars_started`). Each job runs once. A fork shares
    the graph without pickling it; a failure there is raised here."""
    if graph.number_of_nodes() < FORK_OUTPUTS_FROM or polars_started() or \
            "fork" not in multiprocessing.get_all_start_methods():
        yield lambda: iter(list(jobs))
        return
    context = multiprocessing.get_context("fork")
    taken = context.Value("i", 0)  # how many jobs were taken, in shared memory

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

    reader, writer = context.Pipe(duplex=False)
    process = context.Process(target=_report_to, args=(writer, run_remaining, os.getpid()),
                              daemon=True)
    process.start()
    writer.close()
    try:
        yield remaining
    finally:
        try:
            failure = reader.recv()
        except EOFError:
            failure = "the writer process died"
        process.join()
    if failure:
        raise OutputError(failure)


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
