"""`entity-graph` command line.

Every user error (an `EntityGraphError`: a bad option, a missing path, a model that
cannot be loaded, an unwritable output...) is one line on stderr and exit code 2; any
other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import NoReturn

from tqdm.contrib.logging import logging_redirect_tqdm

from entity_graph.graph.atomic import atomic_write
from entity_graph.graph.cooccurrence import WEIGHTS
from entity_graph.pipeline.cache import MentionCache
from entity_graph.pipeline.errors import EntityGraphError, OutputError
from entity_graph.pipeline.inspection import format_reports, inspect_corpus
from entity_graph.pipeline.merging.entities import FIRST_STEPS
from entity_graph.pipeline.merging.rules import MERGE_RULES
from entity_graph.pipeline.reading import check_paths
from entity_graph.pipeline.result import AliasRow, load
from entity_graph.pipeline.run import build, cache_path
from entity_graph.pipeline.settings import DEFAULT_MODEL, ENTITY_TYPES, Settings


class _OneLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname.lower()}: {record.getMessage()}"


def _types(value: str) -> tuple[str, ...]:
    """Comma-separated types; `Settings` says which are allowed."""
    return tuple(t.strip() for t in value.split(","))


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="entity-graph",
        description="Turn French articles into a graph of the people, organisations and "
                    "places they mention.")
    commands = main.add_subparsers(dest="command", required=True)
    for add in (_add_build, _add_inspect, _add_cache, _add_eval, _add_explain):
        add(commands)
    return main


Commands = argparse._SubParsersAction


def _add_build(commands: Commands) -> None:
    build_cmd = commands.add_parser(
        "build", help="extract entities from articles and write the graph",
        description="Read .txt/.md files (folders are searched recursively), .jsonl files "
                    "(one {\"text\": ...} per line), CSV/TSV tables (one article per row), "
                    "saved web pages and Europresse HTML exports, then write graph.html, "
                    "graph.graphml, graph.gexf, graph.json and CSV tables into --out.")
    build_cmd.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    build_cmd.add_argument("--out", default="output", metavar="DIR",
                           help="output folder (default: %(default)s)")
    _add_columns(build_cmd)
    build_cmd.add_argument("--model", default=DEFAULT_MODEL,
                           help="installed spaCy pipeline (default: %(default)s)")
    build_cmd.add_argument("--types", type=_types, default=("PER", "ORG", "LOC"),
                           help=f"entity types to keep, comma-separated, among "
                                f"{','.join(ENTITY_TYPES)} (default: PER,ORG,LOC)")
    curation = build_cmd.add_mutually_exclusive_group()
    curation.add_argument("--curation", metavar="FILE",
                          help="curation file (entities, ignore, types); default: "
                               "curation.yml in the corpus folder, when there is one")
    curation.add_argument("--no-curation", action="store_true",
                          help="ignore the corpus folder's curation file")
    graph = build_cmd.add_argument_group("graph")
    graph.add_argument("--window", default="sentence",
                       metavar="sentence|paragraph|document|N",
                       help="entities are linked when they occur in the same sentence, "
                            "paragraph or document, or at most N tokens apart "
                            "(default: %(default)s)")
    graph.add_argument("--weight", choices=WEIGHTS, default="count",
                       help="the measure Gephi and the page use as link weight: windows "
                            "shared, documents shared, pmi, npmi or jaccard (default: "
                            "%(default)s)")
    graph.add_argument("--evidence", type=int, default=3, metavar="K",
                       help="example sentences kept per link (default: %(default)s)")
    graph.add_argument("--relations", action="store_true",
                       help="also say how linked entities are related, with the verb of "
                            "the sentence (\"Musk -rencontrer-> Qin Gang\"): parses the "
                            "sentences that name two entities; writes relations.csv")
    prune = build_cmd.add_argument_group(
        "pruning (applied in this order; every pair counted, pruned or not, goes to "
        "pairs.csv and pairs.parquet)")
    prune.add_argument("--min-mentions", type=int, default=1, metavar="N",
                       help="drop entities mentioned fewer than N times")
    prune.add_argument("--top", type=int, metavar="N",
                       help="keep only the N most mentioned entities")
    prune.add_argument("--min-weight", type=float, metavar="W",
                       help="drop links whose weight is below W")
    prune.add_argument("--backbone", type=float, metavar="ALPHA",
                       help="keep only the links the disparity filter finds significant at "
                            "level ALPHA (e.g. 0.05) for either of their ends")
    prune.add_argument("--max-links", type=int, default=Settings.max_links, metavar="N",
                       help="when more than N links remain, keep only the links counted "
                            "at least c times, c the smallest number that leaves at most N "
                            "(0 keeps every link; default: %(default)s)")
    build_cmd.add_argument("--html-max-nodes", type=int, default=Settings.html_max_nodes,
                           metavar="N",
                           help="entities drawn in graph.html, most mentioned first; the "
                                "GraphML/GEXF keep all (default: %(default)s)")
    run = build_cmd.add_argument_group("running")
    run.add_argument("--workers", type=int, metavar="N",
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
    build_cmd.add_argument("--batch-size", type=int, default=32, help=argparse.SUPPRESS)
    build_cmd.add_argument("-q", "--quiet", action="store_true",
                           help="no progress bar and no warnings, only errors and the summary")


def _add_columns(command: argparse.ArgumentParser) -> None:
    columns = command.add_argument_group(
        "CSV/TSV columns", "header names of the columns holding each field; by default "
        "found among common names (text, texte, content, contenu, body, article…)")
    for field in ("text", "id", "date", "title", "source"):
        columns.add_argument(f"--{field}-column", metavar="NAME")


def _column_settings(args: argparse.Namespace) -> Settings:
    """Settings holding only the CSV/TSV column names given on the command line."""
    return Settings(text_column=args.text_column, id_column=args.id_column,
                    date_column=args.date_column, title_column=args.title_column,
                    source_column=args.source_column)


def _add_inspect(commands: Commands) -> None:
    inspect_cmd = commands.add_parser(
        "inspect", help="list what a build would read, without running the NLP",
        description="Read the corpus as `build` would and report, per file, its format, "
                    "the documents, words and dates found, and every problem met.")
    inspect_cmd.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    _add_columns(inspect_cmd)


def _add_cache(commands: Commands) -> None:
    cache_cmd = commands.add_parser(
        "cache", help="manage the mention cache of an output folder",
        description="Builds keep what the NLP found in each document in a cache file in the "
                    "output folder, so that the next build only processes new or changed "
                    "documents.")
    cache_cmd.add_argument("action", choices=("clear", "info"))
    cache_cmd.add_argument("--out", default="output", metavar="DIR",
                           help="output folder (default: %(default)s)")


def _add_eval(commands: Commands) -> None:
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
    eval_cmd.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True,
                          help="also score the model's bare NER output, mentions grouped by "
                               "lower-cased text, for comparison (default: on)")
    eval_cmd.add_argument("--reference", metavar="FILE",
                          help="a saved --json run: show each fuzzy F1's change since then, "
                               "and mark a drop of more than 0.002 with '!'")
    eval_cmd.add_argument("--skip-unannotated", action="store_true",
                          help="leave out documents that have no gold mention of the scored "
                               "types (unannotated articles)")
    eval_cmd.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def _add_explain(commands: Commands) -> None:
    explain_cmd = commands.add_parser(
        "explain", help="say why each name of an entity belongs to it",
        description="Read a finished build (--out) and list, for the entity called NAME, "
                    "every surface form it was given and the rules that joined it, in order. "
                    "Rules: " + "; ".join(f"{name}: {why}" for name, why in _rules()))
    explain_cmd.add_argument("name", metavar="NAME", help="the entity's name or one alias")
    explain_cmd.add_argument("--out", default="output", metavar="DIR",
                             help="output folder of the build (default: %(default)s)")


def _eval(args: argparse.Namespace) -> int:
    from entity_graph.pipeline.evaluation.evaluate import evaluate, format_table, read_reference
    from entity_graph.pipeline.extraction.model import load_nlp

    check_paths(args.paths)
    reference = read_reference(args.reference) if args.reference else None
    args.types = Settings(types=args.types).types  # checked as a build checks them
    nlp = load_nlp(args.model, labels=args.types)
    progress = not args.quiet and sys.stderr.isatty()
    results = []
    for path in args.paths:
        results += evaluate([path], nlp, types=args.types, progress=progress,
                            skip_unannotated=args.skip_unannotated)
        if args.baseline:
            results += evaluate([path], nlp, types=args.types, raw=True,
                                skip_unannotated=args.skip_unannotated)
    print(format_table(results, reference))
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
        with MentionCache(path) as cache:
            size = sum(p.stat().st_size for p in files)
            print(f"{path}: {len(cache):,} documents, {size / 1e6:.1f} MB")
        return 0
    for file in files:
        try:
            file.unlink()
        except OSError as error:
            raise OutputError(f"{file}: cannot remove ({error.strerror or error})") from error
    print(f"removed {path}" if files else f"no cache in {args.out}/")
    return 0


def _build(args: argparse.Namespace) -> int:
    settings = replace(_column_settings(args), model=args.model, types=args.types,
                       curation="" if args.no_curation else args.curation,
                       workers=args.workers, engine=args.engine, scheduler=args.scheduler,
                       cache=not args.no_cache, batch_size=args.batch_size,
                       window=args.window, weight=args.weight, evidence=args.evidence,
                       relations=args.relations, min_mentions=args.min_mentions, top=args.top,
                       min_weight=args.min_weight, backbone=args.backbone,
                       max_links=args.max_links,
                       html_max_nodes=args.html_max_nodes,
                       progress=not args.quiet and sys.stderr.isatty())
    result = build(args.paths, args.out, settings)
    if _kept_until_exit is not None:
        _kept_until_exit.append(result)
    for line in result.pruning:
        print(line)
    print(result.summary())
    print(f"wrote {len(result.outputs)} files to {args.out}/ (open {args.out}/graph.html)")
    return 0


def _rules() -> list[tuple[str, str]]:
    """Every way a name can join an entity, in order: (rule name, what it means)."""
    return [*FIRST_STEPS.items(), *((rule.name, rule.why) for rule in MERGE_RULES)]


def format_explanation(rows: list[AliasRow]) -> str:
    """The lines `entity-graph explain` prints for one entity's alias rows."""
    first = rows[0]
    meanings = dict(_rules())
    lines = [f"{first.label} ({first.entity_id}): {sum(r.mentions for r in rows):,} mentions"]
    for row in rows:
        joined = f" ← {row.via}" if row.via else ""
        lines.append(f"  {row.alias!r}: {row.mentions:,} mention{'s' * (row.mentions != 1)}, "
                     f"{row.rules}{joined}")
    used = dict.fromkeys(rule for row in rows for rule in row.rules.split(" > "))
    lines += ["", *(f"  {rule}: {meanings.get(rule, '')}" for rule in used)]
    return "\n".join(lines)


def _explain(args: argparse.Namespace) -> int:
    print(format_explanation(load(args.out).explain(args.name)))
    return 0


def _inspect(args: argparse.Namespace) -> int:
    columns = _column_settings(args).columns
    print(format_reports(inspect_corpus(check_paths(args.paths), columns)))
    return 0


COMMANDS = {"build": _build, "inspect": _inspect, "cache": _cache, "eval": _eval,
            "explain": _explain}


def import_igraph_without_matplotlib() -> None:
    """Import igraph as this program needs it. igraph imports matplotlib's pyplot, when
    installed (with `.[explore]`), for its plotting: half a second at every start, for a
    program that plots nothing. So it imports igraph with matplotlib hidden, unless either
    is loaded already; in a notebook, igraph is imported as usual (`layout.seeded`)."""
    if "igraph" in sys.modules or "matplotlib" in sys.modules:
        return
    sys.modules["matplotlib"] = None  # type: ignore[assignment]  # `import` raises ImportError
    try:
        import igraph  # noqa: F401
    finally:
        del sys.modules["matplotlib"]


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    import_igraph_without_matplotlib()
    try:
        with _warnings_to_stderr(getattr(args, "quiet", False)):
            return COMMANDS[args.command](args)
    except EntityGraphError as error:
        print(f"entity-graph: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("entity-graph: interrupted; outputs left as they were, the documents already "
              "extracted are cached for the next run", file=sys.stderr)
        return 130


# What the command made, when it runs as the program (`run`): kept until the process
# ends, so that nothing frees it one object at a time first.
_kept_until_exit: list[object] | None = None


def run() -> NoReturn:
    """The `entity-graph` program: `main`, then the end of the process, at once. A build
    leaves millions of objects (graph, tables, counts) that Python would free one by one
    before it exits, for nothing: the files are written and closed (on the dev corpus, 0.9 s
    after a sentence-window build, 3.6 s after a document-window one). So the program
    flushes what it printed and logged and ends without that (`os._exit`). Called as a
    function (tests, scripts), `main` returns as usual."""
    global _kept_until_exit
    _kept_until_exit = []
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # the reader of the output went away (`| head`); no traceback
        code = 1
    logging.shutdown()
    try:
        sys.stderr.flush()
    except OSError:
        pass
    os._exit(code)


if __name__ == "__main__":
    run()
