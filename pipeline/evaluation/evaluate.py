"""`entity-graph eval`: run the build pipeline on gold-annotated JSONL and score it.

Each gold file is treated as its own corpus, exactly as `entity-graph build FILE` would
treat it: same reading, extraction, cleaning and merging. A predicted mention's type is
its entity's type, i.e. what the graph shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from tqdm import tqdm

from entity_graph.pipeline.errors import InputError
from entity_graph.pipeline.evaluation.scoring import (
    PRF,
    Span,
    add_scores,
    bcubed,
    best_overlap,
    score_spans,
)
from entity_graph.pipeline.extraction.records import DocRecord, extract
from entity_graph.pipeline.merging.entities import build_entities
from entity_graph.pipeline.reading import Document, check_paths, read_jsonl_file


@dataclass
class GoldDocument:
    document: Document
    spans: list[Span]
    qids: list[str | None]  # one per span


def read_gold(path: Path, types: tuple[str, ...]) -> Iterator[GoldDocument]:
    """Documents with their gold spans of the wanted types (others, e.g. MISC, dropped)."""
    documents = {d.path: d for d in read_jsonl_file(path)}
    with open(path, encoding="utf-8-sig") as file:
        for number, line in enumerate(file, start=1):
            document = documents.get(f"{path}:{number}")
            if document is None:
                continue
            entities = [e for e in json.loads(line).get("entities", []) if e["label"] in types]
            yield GoldDocument(document, [Span(e["start"], e["end"], e["label"])
                                          for e in entities], [e.get("qid") for e in entities])


def predictions(gold: list[GoldDocument], nlp: Language, *, progress: bool = False,
                ) -> Iterator[tuple[list[Span], list[str]]]:
    """This project's output for each gold document: typed spans and their entity ids."""
    records = list(tqdm(extract(nlp, (g.document for g in gold)), total=len(gold),
                        desc="documents", unit="doc", disable=not progress, leave=False))
    return entity_predictions(records)


def entity_predictions(records: list[DocRecord]) -> Iterator[tuple[list[Span], list[str]]]:
    """The records merged into entities, as each record's typed spans and entity ids."""
    table = build_entities(records)
    for record in records:
        resolved = table.resolve(record.mentions)
        yield ([Span(m.start, m.end, table.entities[entity_id].type) for entity_id, m in resolved],
               [entity_id for entity_id, _ in resolved])


def raw_predictions(gold: list[GoldDocument], nlp: Language, *,
                    types: tuple[str, ...] = ("PER", "ORG", "LOC"),
                    ) -> Iterator[tuple[list[Span], list[str]]]:
    """The baseline: the model's NER alone, mentions grouped by lower-cased text."""
    with nlp.select_pipes(enable=["ner"]):
        for doc in nlp.pipe(g.document.text for g in gold):
            ents = [e for e in doc.ents if e.label_ in types]
            yield ([Span(e.start_char, e.end_char, e.label_) for e in ents],
                   [e.text.lower() for e in ents])


def evaluate_file(path: Path, nlp: Language, *, types: tuple[str, ...] = ("PER", "ORG", "LOC"),
                  raw: bool = False, progress: bool = False,
                  skip_unannotated: bool = False) -> dict:
    """Strict and fuzzy mention scores per type, and B-cubed merging scores, for one file.
    With `raw`, score the model's bare NER output instead (the baseline). With
    `skip_unannotated`, leave out documents without a single gold mention of `types`
    (some gold files hold whole articles nobody annotated)."""
    gold = list(read_gold(path, types))
    skipped = 0
    if skip_unannotated:
        kept = [g for g in gold if g.spans]
        skipped, gold = len(gold) - len(kept), kept
    predicted_docs = (raw_predictions(gold, nlp, types=types) if raw
                      else predictions(gold, nlp, progress=progress))
    return {
        "file": str(path), "system": "raw model" if raw else "entity-graph",
        "model": f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}",
        "documents": len(gold), "skipped_unannotated": skipped,
        "words": sum(len(g.document.text.split()) for g in gold),
        **score_documents(gold, predicted_docs, types=types),
    }


def score_documents(gold: list[GoldDocument],
                    predicted_docs: Iterable[tuple[list[Span], list[str]]], *,
                    types: tuple[str, ...] = ("PER", "ORG", "LOC")) -> dict:
    """Strict and fuzzy scores per type and B-cubed merging scores of the predicted
    (spans, entity ids) of each gold document."""
    strict: dict[str, PRF] = {}
    fuzzy: dict[str, PRF] = {}
    pairs = []
    for gold_doc, (predicted, entity_ids) in zip(gold, predicted_docs, strict=True):
        strict = add_scores(strict, score_spans(gold_doc.spans, predicted, fuzzy=False,
                                                types=types))
        fuzzy = add_scores(fuzzy, score_spans(gold_doc.spans, predicted, fuzzy=True,
                                              types=types))
        # Merging is judged on each predicted mention that overlaps a gold mention with
        # an id, whatever the types.
        for span, entity_id in zip(predicted, entity_ids, strict=True):
            g = best_overlap(span, gold_doc.spans)
            if g is not None and gold_doc.qids[g]:
                pairs.append((entity_id, gold_doc.qids[g]))
    precision, recall, f1 = bcubed(pairs)
    return {
        "strict": {k: v.as_dict() for k, v in strict.items()},
        "fuzzy": {k: v.as_dict() for k, v in fuzzy.items()},
        "bcubed": {"precision": round(precision, 4), "recall": round(recall, 4),
                   "f1": round(f1, 4), "mentions": len(pairs)},
    }


def evaluate(paths: list[str | Path], nlp: Language, *,
             types: tuple[str, ...] = ("PER", "ORG", "LOC"), raw: bool = False,
             progress: bool = False, skip_unannotated: bool = False) -> list[dict]:
    """Evaluate every gold file; raises `InputError` if one does not exist."""
    return [evaluate_file(path, nlp, types=types, raw=raw, progress=progress,
                          skip_unannotated=skip_unannotated)
            for path in check_paths(paths)]


# A change that lowers a file's mention F1 by more than this is flagged (the do-no-harm
# rule: a rule that costs this much on any dev file is reworked or dropped).
HARM = 0.002


def _key(result: dict) -> tuple[str, str]:
    return Path(result["file"]).name, result["system"]


def read_reference(path: str | Path) -> dict[tuple[str, str], dict]:
    """A saved `--json` run, by (file name, system), for `format_table`'s change column.
    Raises `InputError` when the file cannot be read as one."""
    try:
        results = json.loads(Path(path).read_text(encoding="utf-8"))
        return {_key(result): result for result in results}
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise InputError(f"{path}: not a saved `entity-graph eval --json` run ({error})"
                         ) from error


def _f1(result: dict | None, key: str) -> float | None:
    return result["fuzzy"][key]["f1"] if result and key in result["fuzzy"] else None


def _cell(value: float | None, *, signed: bool = False) -> str:
    if value is None:
        return f"{'–':>7}"
    return f"{value:>+7.4f}" if signed else f"{value:>7.3f}"


def format_table(results: list[dict], reference: dict[tuple[str, str], dict] | None = None,
                 ) -> str:
    """The scores as a plain-text table: one block per file, one row per type, with the
    bare model's fuzzy F1 ("bare", when it was scored) and the change in fuzzy F1 since
    the `reference` run ("Δ ref"); a change below -HARM is marked "!"."""
    bare = {Path(r["file"]).name: r for r in results if r["system"] == "raw model"}
    lines = []
    header = (f"{'file / type':<32} {'strict P':>8} {'R':>6} {'F1':>6}   "
              f"{'fuzzy P':>8} {'R':>6} {'F1':>6}   {'gold':>6} {'bare':>7} {'Δ ref':>7}")
    summary = []
    for result in results:
        if result["system"] == "raw model" and Path(result["file"]).name in bare \
                and any(_key(r) == (Path(result["file"]).name, "entity-graph") for r in results):
            continue  # shown as the "bare" column of the pipeline's block
        skipped = (f", {result['skipped_unannotated']} without gold left out"
                   if result.get("skipped_unannotated") else "")
        name = Path(result["file"]).name
        lines += ["", f"{name}  [{result['system']}, {result.get('model', '?')}]  "
                      f"({result['documents']} documents{skipped}, {result['words']:,} words)",
                  header]
        baseline = bare.get(name) if result["system"] != "raw model" else None
        before = reference.get(_key(result)) if reference else None
        for key in result["fuzzy"]:
            s, f = result["strict"][key], result["fuzzy"][key]
            old = _f1(before, key)
            change = f["f1"] - old if old is not None else None
            mark = " !" if change is not None and change < -HARM else ""
            lines.append(f"  {key:<30} {s['precision']:>8.3f} {s['recall']:>6.3f} {s['f1']:>6.3f}"
                         f"   {f['precision']:>8.3f} {f['recall']:>6.3f} {f['f1']:>6.3f}"
                         f"   {f['gold']:>6} {_cell(_f1(baseline, key))} "
                         f"{_cell(change, signed=True)}{mark}")
            if key == "ALL":
                summary.append(f"  {name:<30} {f['f1']:>6.3f} {_cell(_f1(baseline, key))} "
                               f"{_cell(change, signed=True)}{mark}")
        b = result["bcubed"]
        if b["mentions"]:
            old_b = before["bcubed"]["f1"] if before and before["bcubed"]["mentions"] else None
            change_b = f"  (Δ ref {b['f1'] - old_b:+.4f})" if old_b is not None else ""
            bare_b = (f"  [bare {baseline['bcubed']['f1']:.3f}]"
                      if baseline and baseline["bcubed"]["mentions"] else "")
            lines.append(f"  merging B-cubed P {b['precision']:.3f}  R {b['recall']:.3f}  "
                         f"F1 {b['f1']:.3f}  over {b['mentions']} mentions with a gold id"
                         f"{bare_b}{change_b}")
    if len(summary) > 1:
        lines += ["", f"{'fuzzy F1, all types':<32} {'F1':>6} {'bare':>7} {'Δ ref':>7}",
                  *summary]
    return "\n".join(lines[1:])
