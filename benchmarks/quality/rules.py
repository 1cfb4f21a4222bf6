"""Check a rule change on every gold file in seconds, not minutes.

`entity-graph eval` runs the model on every file each time (about 5 minutes for all of
`../shared/data/`). The rules only read the model's entities and sentence starts, so this
script keeps them per file and model (spaCy `DocBin`s in `benchmarks/quality/.ner-cache/`,
git-ignored, about 10 MB a model) and re-runs only our components and the merging on them:
the same pipeline as `eval`, the same figures, in about 25 seconds.

    python benchmarks/quality/rules.py                      # all dev files and novels
    python benchmarks/quality/rules.py --model fr_core_news_md
    python benchmarks/quality/rules.py --without entity_graph_alias_mentions

Each file's mention F1 is printed next to the reference run's (`--reference`, by default
the checked-in `eval-<model>.json`), a drop of more than 0.002 marked "!": the do-no-harm
rule. `--without COMPONENT` leaves one of our components out, to see what it does.
A change to the model's own output (the model, its version) needs `--refresh`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from spacy.tokens import DocBin

from entity_graph.pipeline.evaluation.evaluate import (
    HARM,
    entity_predictions,
    read_gold,
    read_reference,
    score_documents,
)
from entity_graph.pipeline.extraction.model import load_nlp
from entity_graph.pipeline.extraction.normalize import normalize_typography
from entity_graph.pipeline.extraction.records import to_extraction, to_record

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent.parent / "shared" / "data"
DEFAULT_FILES = sorted(DATA.glob("dev/*.jsonl")) + sorted(DATA.glob("novels/*.jsonl"))
TYPES = ("PER", "ORG", "LOC")
MODEL_PIPES = ("ner", "sentencizer", "tok2vec")  # what the cache holds the output of


def model_docs(nlp, model: str, path: Path, gold, *, refresh: bool = False) -> list:
    """The model's own Docs (entities, sentence starts) of each gold document, cached."""
    cache = HERE / ".ner-cache" / model / f"{path.stem}.spacy"
    if cache.exists() and not refresh:
        return list(DocBin().from_disk(cache).get_docs(nlp.vocab))
    with nlp.select_pipes(enable=[name for name in nlp.pipe_names if name in MODEL_PIPES]):
        docs = list(nlp.pipe(normalize_typography(g.document.text) for g in gold))
    cache.parent.mkdir(parents=True, exist_ok=True)
    DocBin(docs=docs).to_disk(cache)
    return docs


def score_file(nlp, model: str, path: Path, *, without: set[str], refresh: bool) -> dict:
    """`eval`'s scores for one file, our components re-run on the cached model output."""
    gold = list(read_gold(path, TYPES))
    components = [(name, pipe) for name, pipe in nlp.pipeline
                  if name not in MODEL_PIPES and name not in without]
    records = []
    for gold_doc, doc in zip(gold, model_docs(nlp, model, path, gold, refresh=refresh),
                             strict=True):
        for _, pipe in components:
            doc = pipe(doc)
        records.append(to_record(gold_doc.document, to_extraction(doc, gold_doc.document.text)))
    return {"file": str(path), "system": "entity-graph",
            **score_documents(gold, entity_predictions(records), types=TYPES)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT_FILES)
    parser.add_argument("--model", default="fr_core_news_sm")
    parser.add_argument("--reference", type=Path,
                        help="saved `entity-graph eval --json` run (default: the checked-in "
                             "benchmarks/quality/eval-MODEL.json)")
    parser.add_argument("--without", action="append", default=[], metavar="COMPONENT",
                        help="leave one of our spaCy components out")
    parser.add_argument("--refresh", action="store_true", help="re-run the model")
    args = parser.parse_args()
    if not args.files:
        sys.exit("no gold files: ../shared/data/ is missing; give JSONL files")
    nlp = load_nlp(args.model, labels=TYPES)
    unknown = set(args.without) - set(nlp.pipe_names)
    if unknown:
        sys.exit(f"no component {', '.join(sorted(unknown))}; ours: {', '.join(nlp.pipe_names)}")
    reference_path = args.reference or HERE / f"eval-{args.model}.json"
    reference = read_reference(reference_path) if reference_path.exists() else {}
    print(f"{'file':<30} {'fuzzy F1':>8} {'ref':>7} {'change':>8}   B-cubed")
    for path in args.files:
        result = score_file(nlp, args.model, path, without=set(args.without),
                            refresh=args.refresh)
        f1 = result["fuzzy"]["ALL"]["f1"]
        before = reference.get((path.name, "entity-graph"))
        old = before["fuzzy"]["ALL"]["f1"] if before else None
        change = f"{f1 - old:>+8.4f}" if old is not None else f"{'–':>8}"
        mark = " !" if old is not None and f1 - old < -HARM else "  "
        b = result["bcubed"]
        shown = f"{old:>7.4f}" if old is not None else f"{'–':>7}"
        print(f"{path.stem:<30} {f1:>8.4f} {shown} {change}{mark}"
              f" {b['f1'] if b['mentions'] else '–'}", flush=True)


if __name__ == "__main__":
    main()
