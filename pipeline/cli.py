"""`entity-graph` command line."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from tqdm.contrib.logging import logging_redirect_tqdm

from graph.atomic import atomic_write
from graph.cooccurrence import WEIGHTS, parse_window
from pipeline.build import Settings, build, cache_path
from pipeline.cache import MentionCache
from pipeline.curation import CurationError
from pipeline.reading import InputError, check_paths
from pipeline.settings import DEFAULT_MODEL, ModelError

KNOWN_TYPES = ("PER", "ORG", "LOC", "MISC")


class _OneLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname.lower()}: {record.getMessage()}"


def _types(value: str) -> tuple[str, ...]:
    types = tuple(t.strip().upper() for t in value.split(",") if t.strip())
    unknown = [t for t in types if t not in KNOWN_TYPES]
    if unknown or not types:
        raise argparse.ArgumentTypeError(
            f"unknown type(s) {', '.join(unknown) or value!r}; choose from {','.join(KNOWN_TYPES)}")
    return types


def _positive(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return number


def _window(value: str) -> str | int:
    try:
        return parse_window(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _number(value: str) -> float:
    number = float(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return number


def _alpha(value: str) -> float:
    number = float(value)
    if not 0 < number <= 1:
        raise argparse.ArgumentTypeError(f"{value} is not in (0, 1]")
    return number


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="entity-graph",
        description="Turn French articles into a graph of the people, organisations and "
                    "places they mention.")
    commands = main.add_subparsers(dest="command", required=True)

    build_cmd = commands.add_parser(
        "build", help="extract entities from articles and write the graph",
        description="Read .txt/.md files (folders are searched recursively) and .jsonl files "
                    "(one {\"text\": ...} per line), then write graph.html, graph.graphml, "
                    "graph.gexf, graph.json and CSV tables into --out.")
    build_cmd.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    build_cmd.add_argument("--out", default="output", metavar="DIR",
                           help="output folder (default: %(default)s)")
    build_cmd.add_argument("--model", default=DEFAULT_MODEL,
                           help="installed spaCy pipeline (default: %(default)s)")
    build_cmd.add_argument("--types", type=_types, default=("PER", "ORG", "LOC"),
                           help="entity types to keep, comma-separated (default: PER,ORG,LOC; "
                                "add MISC to keep it)")
    curation = build_cmd.add_mutually_exclusive_group()
    curation.add_argument("--curation", metavar="FILE",
                          help="curation file (entities, ignore, types); default: "
                               "curation.yml in the corpus folder, when there is one")
    curation.add_argument("--no-curation", action="store_true",
                          help="ignore the corpus folder's curation file")
    graph = build_cmd.add_argument_group("graph")
    graph.add_argument("--window", type=_window, default="sentence",
                       metavar="sentence|paragraph|document|N",
                       help="entities are linked when they occur in the same sentence, "
                            "paragraph or document, or at most N tokens apart "
                            "(default: %(default)s)")
    graph.add_argument("--weight", choices=WEIGHTS, default="count",
                       help="the measure Gephi and the page use as link weight: windows "
                            "shared, documents shared, pmi, npmi or jaccard (default: "
                            "%(default)s)")
    graph.add_argument("--evidence", type=_positive, default=3, metavar="K",
                       help="example sentences kept per link (default: %(default)s)")
    prune = build_cmd.add_argument_group("pruning (applied in this order)")
    prune.add_argument("--min-mentions", type=_positive, default=1, metavar="N",
                       help="drop entities mentioned fewer than N times")
    prune.add_argument("--top", type=_positive, metavar="N",
                       help="keep only the N most mentioned entities")
    prune.add_argument("--min-weight", type=_number, metavar="W",
                       help="drop links whose weight is below W")
    prune.add_argument("--backbone", type=_alpha, metavar="ALPHA",
                       help="keep only the links the disparity filter finds significant at "
                            "level ALPHA (e.g. 0.05) for either of their ends")
    build_cmd.add_argument("--html-max-nodes", type=_positive, default=500, metavar="N",
                           help="entities drawn in graph.html, most mentioned first; the "
                                "GraphML/GEXF keep all (default: %(default)s)")
    run = build_cmd.add_argument_group("running")
    run.add_argument("--workers", type=_positive, metavar="N",
                     help="processes running the NLP (default: one per available core)")
    run.add_argument("--engine", choices=("local", "dask"), default="local",
                     help="run the NLP here or on a Dask cluster (needs the dask extra; "
                          "default: %(default)s)")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="Dask scheduler to use, e.g. tcp://10.0.0.5:8786 (default: a "
                          "local cluster of --workers processes)")
    run.add_argument("--no-cache", action="store_true",
                     help="extract every document again and keep nothing for next time "
                          "(the cache lives in the output folder)")
    build_cmd.add_argument("--batch-size", type=_positive, default=32, help=argparse.SUPPRESS)
    build_cmd.add_argument("-q", "--quiet", action="store_true",
                           help="no progress bar and no warnings, only errors and the summary")

    cache_cmd = commands.add_parser(
        "cache", help="manage the mention cache of an output folder",
        description="Builds keep what the NLP found in each document in a cache file in the "
                    "output folder, so that the next build only processes new or changed "
                    "documents.")
    cache_cmd.add_argument("action", choices=("clear", "info"))
    cache_cmd.add_argument("--out", default="output", metavar="DIR",
                           help="output folder (default: %(default)s)")

    eval_cmd = commands.add_parser(
        "eval", help="score extraction and merging against gold-annotated JSONL",
        description="Run the build pipeline on each gold JSONL file (one corpus per file) and "
                    "compare with its \"entities\": strict and fuzzy mention precision/recall/F1 "
                    "per type, and B-cubed entity merging over mentions with a gold \"qid\".")
    eval_cmd.add_argument("paths", nargs="+", metavar="GOLD.jsonl")
    eval_cmd.add_argument("--json", metavar="FILE", help="also write the scores as JSON")
    eval_cmd.add_argument("--model", default=DEFAULT_MODEL,
                          help="installed spaCy pipeline (default: %(default)s)")
    eval_cmd.add_argument("--types", type=_types, default=("PER", "ORG", "LOC"),
                          help="entity types to score (default: PER,ORG,LOC)")
    eval_cmd.add_argument("--baseline", action="store_true",
                          help="also score the model's bare NER output, mentions grouped by "
                               "lower-cased text, for comparison")
    eval_cmd.add_argument("--skip-unannotated", action="store_true",
                          help="leave out documents that have no gold mention of the scored "
                               "types (unannotated articles)")
    eval_cmd.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    return main


def _eval(args: argparse.Namespace) -> int:
    from pipeline.evaluate import evaluate, format_table
    from pipeline.nlp import load_nlp

    check_paths(args.paths)
    nlp = load_nlp(args.model, labels=args.types)
    progress = not args.quiet and sys.stderr.isatty()
    results = []
    for path in args.paths:
        results += evaluate([path], nlp, types=args.types, progress=progress,
                            skip_unannotated=args.skip_unannotated)
        if args.baseline:
            results += evaluate([path], nlp, types=args.types, raw=True,
                                skip_unannotated=args.skip_unannotated)
    print(format_table(results))
    if args.json:
        with atomic_write(args.json) as file:
            json.dump(results, file, indent=1)
    return 0


@contextmanager
def _warnings_to_stderr(quiet: bool) -> Iterator[None]:
    """Print the `entity_graph` logger's warnings as "warning: file:line: problem" lines,
    above the progress bar, for the duration of one command."""
    logger = logging.getLogger("entity_graph")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLine())
    saved = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.ERROR if quiet else logging.INFO)
    logger.propagate = False
    try:
        with logging_redirect_tqdm(loggers=[logger]):
            yield
    finally:
        logger.removeHandler(handler)
        logger.level, logger.propagate = saved


def _cache(args: argparse.Namespace) -> int:
    path = cache_path(args.out)
    files = [p for p in path.parent.glob(path.name + "*") if p.is_file()]
    if args.action == "info":
        if not path.is_file():
            print(f"no cache in {args.out}/")
            return 0
        cache = MentionCache(path)
        size = sum(p.stat().st_size for p in files)
        print(f"{path}: {len(cache):,} documents, {size / 1e6:.1f} MB")
        cache.close()
        return 0
    for file in files:
        file.unlink()
    print(f"removed {path}" if files else f"no cache in {args.out}/")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "cache":
        return _cache(args)
    if args.command == "eval":
        try:
            with _warnings_to_stderr(args.quiet):
                return _eval(args)
        except (InputError, ModelError) as error:
            print(f"entity-graph: error: {error}", file=sys.stderr)
            return 2
    settings = Settings(model=args.model, types=args.types,
                        curation="" if args.no_curation else args.curation,
                        workers=args.workers or None, engine=args.engine,
                        scheduler=args.scheduler, cache=not args.no_cache,
                        batch_size=args.batch_size or 32, window=args.window,
                        weight=args.weight, evidence=args.evidence,
                        min_mentions=args.min_mentions, top=args.top,
                        min_weight=args.min_weight, backbone=args.backbone,
                        html_max_nodes=args.html_max_nodes,
                        progress=not args.quiet and sys.stderr.isatty())
    try:
        with _warnings_to_stderr(args.quiet):
            result = build(args.paths, args.out, settings)
    except (InputError, ModelError, CurationError, ImportError) as error:
        print(f"entity-graph: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("entity-graph: interrupted; outputs left as they were, the documents already "
              "extracted are cached for the next run", file=sys.stderr)
        return 130
    except OSError as error:
        print(f"entity-graph: error: {error.filename or ''}: {error.strerror or error}",
              file=sys.stderr)
        return 1
    for line in result.pruning:
        print(line)
    print(result.summary())
    print(f"wrote {len(result.outputs)} files to {args.out}/ (open {args.out}/graph.html)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
