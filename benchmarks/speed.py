"""How fast a build is, next to what spaCy alone can do, on a real corpus.

    python benchmarks/speed.py                  # ../shared/data/dev/*.jsonl, ~700,000 words
    python benchmarks/speed.py --repeat 5       # the same corpus 5 times (distinct copies)
    python benchmarks/speed.py --only build --workers 1
    python benchmarks/speed.py --only ceiling --only build --model fr_core_news_md
    python benchmarks/speed.py --only build --only relations   # the cost of --relations
    python benchmarks/speed.py --only ceiling --only extract --workers 1  # the components' cost
    python benchmarks/speed.py --only ceiling --only build --only rerun --rounds 4
    python benchmarks/speed.py --only rerun-document --rounds 3   # the dense window's re-run
    python benchmarks/speed.py --only rerun-document --max-links 0  # ... keeping every link

Measured in the same run, on the same machine, each in its own process (so that peak RSS
is the measure's own):

1. ceiling: `nlp.pipe` over the texts with only the NER component of the same model,
   `n_process` = --workers;
2. naive: `nlp(text)` per document with the model's full default pipeline, one process;
3. build: this project's whole `build` (read, extract, clean, merge, graph, analytics, all
   exports) from a cold cache with --workers processes; also with one worker;
4. re-run: the same build again with only a graph setting changed (--weight npmi), its
   mentions served from the cache; rerun-document: the same with `--window document`,
   after a first build of that window (which counts its pairs and keeps them);
5. relations: the cold build with `--relations` (the parser runs on the sentences that
   name two entities), in its own output folder, next to the plain cold build;
6. extract (only when asked for): this project's spaCy pipeline and records alone, as a
   build runs them (`--workers` processes), with no cache, merging, graph or output:
   what the pipeline's own components cost over the ceiling.

Words are whitespace-separated words of the texts, the same count for every measure.
Peak RSS is the largest resident size of the measured process or any one of its workers;
CPU is the user and system time of the measured process and all its workers together.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = sorted((ROOT.parent / "shared" / "data" / "dev").glob("*.jsonl"))
DEFAULT_MODEL = "fr_core_news_sm"


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its finished children (the
    measure's workers and writer processes), in seconds."""
    own, children = (resource.getrusage(who) for who in
                     (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_rss_mb() -> tuple[float, float]:
    """Peak RSS of this process and of its largest finished child, in MB (Linux: KB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def prepare_corpus(files: list[Path], repeat: int, folder: Path,
                   change: Callable[[str, int], str] = lambda text, copy: text + " " * copy,
                   ) -> list[Path]:
    """The corpus files, or `repeat` copies of every document in one JSONL file, copy k
    with the id "ID~k" and the text `change(text, k)`: by default trailing spaces, so
    that the cache cannot recognise the copies."""
    if repeat == 1:
        return files
    target = folder / f"corpus-{repeat}x.jsonl"
    with target.open("w", encoding="utf-8") as out:
        for copy in range(repeat):
            for file in files:
                for line in file.open(encoding="utf-8"):
                    if line.strip():
                        row = json.loads(line)
                        row["id"] = f"{row.get('id', '')}~{copy}"
                        row["text"] = change(row["text"], copy)
                        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return [target]


def texts_of(files: list[Path]):
    for file in files:
        for line in file.open(encoding="utf-8"):
            if line.strip():
                yield json.loads(line)["text"]


def measure(name: str, files: list[Path], workers: int, out: Path, model: str,
            max_links: int | None = None) -> dict:
    """Run one measure in this process and return its figures."""
    import spacy

    words = sum(len(text.split()) for text in texts_of(files))
    stages: dict[str, float] = {}  # the build's own time per stage
    started, cpu_before = time.perf_counter(), cpu_seconds()
    if name == "ceiling":
        meta = spacy.util.get_model_meta(spacy.util.get_package_path(model))
        # NER alone: in both French models it has its own tok2vec (listens to none).
        nlp = spacy.load(model, exclude=[p for p in meta["pipeline"] if p != "ner"])
        for _ in nlp.pipe(texts_of(files), batch_size=32, n_process=workers):
            pass
    elif name == "naive":
        nlp = spacy.load(model)
        for text in texts_of(files):
            nlp(text)
    elif name == "extract":
        from entity_graph.pipeline.engines import ModelSpec, batched, run_in_pool, run_in_process
        from entity_graph.pipeline.settings import Settings

        defaults = Settings()  # a build's own types and batches
        spec = ModelSpec(model, tuple(defaults.types), batch_size=defaults.batch_size)
        batches = batched(((str(n), text) for n, text in enumerate(texts_of(files))),
                          defaults.batch_size)
        results = run_in_process(spec.load(), batches, defaults.batch_size) if workers == 1 \
            else run_in_pool(spec, batches, workers)
        for _ in results:
            pass
    else:  # build, rerun, relations
        from entity_graph.pipeline.cli import import_igraph_without_matplotlib
        from entity_graph.pipeline.run import build

        import_igraph_without_matplotlib()  # as `entity-graph build` does

        options = {"rerun": {"weight": "npmi"}, "relations": {"relations": True},
                   "document": {"window": "document"},
                   "rerun-document": {"window": "document", "weight": "npmi"}}.get(name, {})
        if max_links is not None:
            options["max_links"] = max_links
        stages = build(files, out, workers=workers, progress=False, model=model,
                       **options).timings
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_before
    own, children = peak_rss_mb()
    return {"measure": name, "workers": workers, "words": words, "seconds": seconds,
            "words_per_s": words / seconds, "cpu_s": cpu, "rss_mb": max(own, children),
            "stages": {k: round(v, 1) for k, v in stages.items()}}


def run_child(name: str, files: list[Path], workers: int, out: Path, model: str,
              max_links: int | None = None) -> dict:
    command = [sys.executable, __file__, "--measure", name, "--workers", str(workers),
               "--out", str(out), "--model", model, *map(str, files)]
    if max_links is not None:
        command += ["--max-links", str(max_links)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT_CORPUS,
                        help="JSONL corpus files (default: ../shared/data/dev/*.jsonl)")
    parser.add_argument("--repeat", type=int, default=1, help="copies of the corpus")
    parser.add_argument("--workers", type=int, default=2, help="processes (default: 2)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run the measures this many times, one round after the "
                             "other, and print the median of each ratio (default: 1)")
    parser.add_argument("--only", choices=["ceiling", "naive", "build", "build1", "rerun",
                                           "rerun-document", "relations", "extract"],
                        action="append", help="run only these measures")
    parser.add_argument("--model", default=DEFAULT_MODEL,
                        help="spaCy pipeline (default: %(default)s)")
    parser.add_argument("--max-links", type=int,
                        help="the builds' --max-links (default: the build's own)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: one measure
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.files:
        sys.exit("no corpus: ../shared/data/dev/*.jsonl is missing; give JSONL files")

    if args.measure:
        print(json.dumps(measure(args.measure, args.files, args.workers, args.out, args.model,
                                 args.max_links)))
        return

    wanted = args.only or ["ceiling", "naive", "build", "build1", "rerun", "relations"]
    ratios: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="entity-graph-bench-") as tmp:
        files = prepare_corpus(args.files, args.repeat, Path(tmp))
        for number in range(1, args.rounds + 1):
            if args.rounds > 1:
                print(f"round {number} of {args.rounds}", flush=True)
            folder = Path(tmp) / f"round{number}"  # a cold cache for each round's build
            rows = run_round(wanted, files, folder, args.workers, args.model, args.max_links)
            shutil.rmtree(folder, ignore_errors=True)  # hundreds of MB of outputs
            for label, value in round_ratios(rows, args.workers).items():
                print(f"{label}: {value:.2f}")
                ratios.setdefault(label, []).append(value)
    if args.rounds > 1:  # the machine's speed drifts: one round's ratio says little
        print(f"medians of {args.rounds} rounds")
        for label, values in ratios.items():
            print(f"  {label}: {statistics.median(values):.2f} "
                  f"({', '.join(f'{v:.2f}' for v in values)})")


def run_round(wanted: list[str], files: list[Path], folder: Path, workers: int,
              model: str, max_links: int | None = None) -> dict[str, dict]:
    """Run the wanted measures once each, one after the other, printing each."""
    rows: dict[str, dict] = {}
    for name in wanted:
        processes = 1 if name in ("naive", "build1") else workers
        out = folder / {"build1": "out1", "relations": "out-relations"}.get(name, "out")
        measure_name = "build" if name == "build1" else name
        if name.startswith("rerun") and "build" not in rows:
            rows["build"] = run_child("build", files, processes, out, model, max_links)
        if name == "rerun-document":  # the window's first build counts its pairs
            run_child("document", files, processes, out, model, max_links)
        rows[name] = run_child(measure_name, files, processes, out, model, max_links)
        row = rows[name]
        print(f"{name:8} {row['workers']} proc  {row['words']:>10,} words  "
              f"{row['seconds']:7.1f} s  {row['words_per_s']:>8,.0f} words/s  "
              f"CPU {row['cpu_s']:5.1f} s  peak RSS {row['rss_mb']:,.0f} MB", flush=True)
        if row["stages"]:
            print("         " + ", ".join(f"{k} {v} s" for k, v in row["stages"].items()))
    return rows


def round_ratios(rows: dict[str, dict], workers: int) -> dict[str, float]:
    """The ratios between a round's measures, for those it ran."""
    speed = {name: row["words_per_s"] for name, row in rows.items()}
    pairs = {f"build / ceiling (speed, {workers} processes each)": ("build", "ceiling"),
             f"extract / ceiling (speed, {workers} processes each)": ("extract", "ceiling"),
             "build / naive (speed)": ("build", "naive"),
             f"build {workers} workers / 1 worker (speed)": ("build", "build1")}
    ratios = {label: speed[a] / speed[b] for label, (a, b) in pairs.items()
              if a in speed and b in speed}
    if "relations" in rows and "build" in rows:
        ratios["build with --relations / plain build (time)"] = (
            rows["relations"]["seconds"] / rows["build"]["seconds"])
    if "rerun" in rows and "build" in rows:
        ratios["first run / re-run from the cache (time)"] = (
            rows["build"]["seconds"] / rows["rerun"]["seconds"])
    if "rerun-document" in rows:  # not a ratio: the bound is in seconds
        ratios["document-window re-run from the cache (seconds)"] = \
            rows["rerun-document"]["seconds"]
    return ratios


if __name__ == "__main__":
    main()
