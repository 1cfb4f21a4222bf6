"""`entity-graph eval`: run the build pipeline on gold-annotated JSONL and score it.

Each gold file is treated as its own corpus, exactly as `entity-graph build FILE` would
treat it: same reading, extraction, cleaning and merging. A predicted mention's type is
its entity's type, i.e. what the graph shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from tqdm import tqdm

from entity_graph.pipeline.evaluation.scoring import (
    PRF,
    Span,
    add_scores,
    bcubed,
    best_overlap,
    score_spans,
)
from entity_graph.pipeline.extraction.records import extract
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
        "file": str(path), "system": "raw model" if raw else "entity-graph",
        "documents": len(gold), "skipped_unannotated": skipped,
        "words": sum(len(g.document.text.split()) for g in gold),
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


def format_table(results: list[dict]) -> str:
    """The scores as a plain-text table: one block per file, one row per type."""
    lines = []
    header = (f"{'file / type':<32} {'strict P':>8} {'R':>6} {'F1':>6}   "
              f"{'fuzzy P':>8} {'R':>6} {'F1':>6}   {'gold':>6}")
    for result in results:
        skipped = (f", {result['skipped_unannotated']} without gold left out"
                   if result.get("skipped_unannotated") else "")
        lines += ["", f"{Path(result['file']).name}  [{result['system']}]  "
                      f"({result['documents']} documents{skipped}, {result['words']:,} words)",
                  header]
        for key in result["fuzzy"]:
            s, f = result["strict"][key], result["fuzzy"][key]
            lines.append(f"  {key:<30} {s['precision']:>8.3f} {s['recall']:>6.3f} {s['f1']:>6.3f}"
                         f"   {f['precision']:>8.3f} {f['recall']:>6.3f} {f['f1']:>6.3f}"
                         f"   {f['gold']:>6}")
        b = result["bcubed"]
        if b["mentions"]:
            lines.append(f"  merging B-cubed P {b['precision']:.3f}  R {b['recall']:.3f}  "
                         f"F1 {b['f1']:.3f}  over {b['mentions']} mentions with a gold id")
    return "\n".join(lines[1:])
