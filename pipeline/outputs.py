"""Write every output file of a build, each one atomically."""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from entity_graph.graph.export import write_gexf, write_graphml, write_json
from entity_graph.graph.html import write_html
from entity_graph.graph.tables import (
    write_aliases_csv,
    write_edges_csv,
    write_entities_csv,
    write_evidence_csv,
    write_mentions_csv,
)
from entity_graph.pipeline.errors import OutputError
from entity_graph.pipeline.settings import Settings

if TYPE_CHECKING:
    from entity_graph.pipeline.result import Result

OUTPUT_FILES = ("graph.html", "graph.graphml", "graph.gexf", "graph.json", "entities.csv",
                "edges.csv", "evidence.csv", "mentions.csv", "aliases.csv")
# Graphs smaller than this are written in one process: forking costs more than it saves.
FORK_OUTPUTS_FROM = 2000


def write_outputs(result: Result, out_dir: str | Path, settings: Settings | None = None,
                  ) -> dict[str, Path]:
    """Write every output file into `out_dir`, each one atomically; an OS error (disk
    full, no permission) becomes an `OutputError` naming the file."""
    settings = settings or Settings()
    out = Path(out_dir)
    outputs = {name: out / name for name in OUTPUT_FILES}
    graph, attachments = result.graph, result.attachments
    corpus = {"documents": result.documents, "words": result.words}
    try:
        out.mkdir(parents=True, exist_ok=True)
        # The GEXF writer is the slowest output: on a large graph a forked process
        # writes it (the graph is shared, not copied) while this one writes the others.
        with _writing_aside(lambda: write_gexf(graph, outputs["graph.gexf"],
                                               attachments=attachments), graph):
            write_html(graph, outputs["graph.html"], attachments=attachments, corpus=corpus,
                       max_nodes=settings.html_max_nodes)
            write_graphml(graph, outputs["graph.graphml"])
            write_json(graph, outputs["graph.json"], attachments=attachments)
        write_entities_csv(graph, outputs["entities.csv"])
        write_edges_csv(graph, outputs["edges.csv"])
        write_evidence_csv(graph, attachments, outputs["evidence.csv"])
        if result.table is not None:
            write_aliases_csv(result.table, outputs["aliases.csv"])
            if result.records is not None:
                write_mentions_csv(result.records(), result.table, outputs["mentions.csv"])
    except OSError as error:
        raise OutputError(f"{error.filename or out}: cannot write "
                          f"({error.strerror or error})") from error
    return outputs


@contextmanager
def _writing_aside(write: Callable[[], None], graph: nx.Graph) -> Iterator[None]:
    """Run `write()` in a forked process during the `with` block (in this process when the
    graph is small or fork is unavailable). A fork shares the graph without pickling it;
    a failure there is raised here."""
    if graph.number_of_nodes() < FORK_OUTPUTS_FROM or \
            "fork" not in multiprocessing.get_all_start_methods():
        write()
        yield
        return
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(target=_report_to, args=(writer, write), daemon=True)
    process.start()
    writer.close()
    try:
        yield
    finally:
        try:
            failure = reader.recv()
        except EOFError:
            failure = "the writer process died"
        process.join()
    if failure:
        raise OSError(failure)


def _report_to(pipe: multiprocessing.connection.Connection, write: Callable[[], None]) -> None:
    """In the forked process: write, then send "" on success or the error's message."""
    try:
        write()
        pipe.send("")
    except BaseException as error:  # anything at all must reach the parent
        pipe.send(f"{type(error).__name__}: {error}")
    finally:
        pipe.close()
        os._exit(0)  # no atexit handlers or finalizers inherited from the parent
