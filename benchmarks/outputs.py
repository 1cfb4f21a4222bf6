"""How long each output file takes to write, on a real graph.

    python benchmarks/outputs.py                      # ../shared/data/dev/*.jsonl, sentence window
    python benchmarks/outputs.py --window document    # the same corpus, ~15x more links

The corpus is built once (its NLP cached in benchmarks/.outputs-cache/, git-ignored, so a
second run starts at once); then every writer of `write_outputs` is timed on its own, in
the order the build runs them, each file's size printed with its time; then the output
stage of real builds (`entity-graph build`, a process each, as a user runs it: the three
graph files in a forked process while the build writes the page and the tables), `--runs`
times into a new folder holding a copy of the cache (every table written, as in a first
build) and `--runs` times again into that folder with another weight (a re-run: the
tables that depend only on the documents are kept), the medians printed. Targets (issue
"Exports that Gephi itself imports"): all outputs of the dev corpus in 1.5 s with the
sentence window, 12 s with the document window. Every link is kept (`--max-links 0`):
the writers are timed on the whole graph, not on the default cap of a dense window.
"""

from __future__ import annotations

import argparse
import gc
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = sorted((HERE.parent.parent / "shared" / "data" / "dev").glob("*.jsonl"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--window", default="sentence",
                        choices=["sentence", "paragraph", "document"])
    parser.add_argument("--runs", type=int, default=3, help="runs of the whole stage")
    args = parser.parse_args()
    if not args.files:
        sys.exit("no corpus: ../shared/data/dev/*.jsonl is missing; give JSONL files")

    from entity_graph.graph.export import write_gexf, write_graphml, write_json
    from entity_graph.graph.html import write_html
    from entity_graph.graph.tables import (
        write_aliases_csv,
        write_edges_csv,
        write_entities_csv,
        write_evidence_csv,
        write_mentions_csv,
    )
    from entity_graph.pipeline.run import build
    from entity_graph.pipeline.settings import Settings

    cache = HERE / ".outputs-cache"
    started = time.perf_counter()
    result = build(args.files, cache, window=args.window, progress=False, max_links=0)
    print(f"build ({args.window} window): {result.graph.number_of_nodes():,} entities, "
          f"{result.graph.number_of_edges():,} links, {time.perf_counter() - started:.1f} s "
          f"(outputs included)")
    out = cache / "timed"
    out.mkdir(exist_ok=True)
    graph, attachments, table = result.graph, result.attachments, result.table
    corpus = {"documents": result.documents, "words": result.words}
    writers = {
        "graph.html": lambda p: write_html(graph, p, attachments=attachments, corpus=corpus,
                                           max_nodes=Settings().html_max_nodes),
        "graph.graphml": lambda p: write_graphml(graph, p),
        "graph.gexf": lambda p: write_gexf(graph, p, attachments=attachments),
        "graph.json": lambda p: write_json(graph, p, attachments=attachments),
        "entities.csv": lambda p: write_entities_csv(graph, p),
        "edges.csv": lambda p: write_edges_csv(graph, p),
        "evidence.csv": lambda p: write_evidence_csv(graph, attachments, p),
        "aliases.csv": lambda p: write_aliases_csv(table, p),
        "mentions.csv": lambda p: write_mentions_csv(result.records(), table, p),
    }
    gc.freeze()  # as `write_outputs` does: the collector leaves the built graph alone
    total = 0.0
    for name, write in writers.items():
        started = time.perf_counter()
        write(out / name)
        seconds = time.perf_counter() - started
        total += seconds
        size = (out / name).stat().st_size / 1e6
        print(f"  {name:<14} {seconds:6.2f} s  {size:8.1f} MB", flush=True)
    print(f"  {'all outputs':<14} {total:6.2f} s  (one after the other)")
    gc.unfreeze()
    first, again = [], []
    for run in range(args.runs):
        folder = out / f"stage{run}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for cached in cache.glob(".entity-graph-cache.sqlite*"):
            shutil.copy(cached, folder)
        first.append(_output_stage(args.files, folder, args.window, "count"))
        again.append(_output_stage(args.files, folder, args.window,
                                   "npmi" if run % 2 == 0 else "count"))
        shutil.rmtree(folder)  # a copy of the cache and every output: hundreds of MB
    for name, stages in (("first build", first), ("re-run", again)):
        for label, times in (("output stage", [outputs for _, outputs in stages]),
                             ("analytics + outputs", [sum(pair) for pair in stages])):
            print(f"  {label}, {name:<11} {statistics.median(times):5.2f} s  (median of "
                  f"{args.runs}: {', '.join(f'{t:.2f}' for t in times)})")


def _output_stage(files: list[Path], out: Path, window: str, weight: str,
                  ) -> tuple[float, float]:
    """The analytics and outputs stages' seconds, as `entity-graph build` reports them
    (from 100,000 links, the link tables are written during the analytics: see
    `outputs.links_started`)."""
    done = subprocess.run([sys.executable, "-m", "entity_graph.pipeline", "build", *map(str, files),
                           "--out", str(out), "--window", window, "--weight", weight,
                           "--max-links", "0"],
                          capture_output=True, text=True, check=True)
    return tuple(float(re.search(rf"{stage} (\d+\.\d+) s", done.stderr).group(1))
                 for stage in ("analytics", "outputs"))  # type: ignore[return-value]

if __name__ == "__main__":
    main()
