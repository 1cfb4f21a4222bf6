"""How often a relation that `--relations` extracts is right: a hand-judged random sample.

    python benchmarks/quality/relations.py draw     # build winer-dev with --relations, draw
                                                    # 200 triples (seed 2026) to judge
    python benchmarks/quality/relations.py score    # precision of the judged sample

`draw` builds `../shared/data/dev/winer-dev-fr.jsonl` (Wikinews 2016–2017, the dev file
closest to today's news) with `--relations` and writes a random sample of its
relations.csv rows (`random.Random(seed).sample`) to `relations-sample.csv`, with an
empty `right` column. A person then reads each sentence and writes 1 or 0 in `right`
(and, if useful, a word of why in `note`), following the rule below; `score` counts.
Drawing again with the same seed, model and code gives the same rows, so a judged file
stays valid until the extraction changes; then draw again: the rows already judged in
the old sample keep their marks, and only the new ones are left to judge.

The judging rule. A triple (source, predicate, target) is right when a careful reader of
the sentence alone would say that it states this: the source does (or is, for "patron
de", "être président de") what the predicate says, to, with or at the target, in that
direction (for an undirected "—" triple: the two did it together, not each on their
own: "prennent la deuxième et la troisième place" is wrong); a negated predicate
("ne pas rencontrer") is right when the sentence denies it. It is wrong when the sentence
does not say it: a wrong subject or object (the parse attached a name to the wrong verb),
a reversed direction, a predicate that misreads the verb, or a name that is not the
entity meant (a mention cut short, "Paris" for "Paris Saint-Germain"). The entity's
label may be imperfect ("Mario Mola" found as "Mola"): what is judged is the relation
between the things the mentions name.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent.parent / "shared" / "data"
CORPUS = DATA / "dev" / "winer-dev-fr.jsonl"
SAMPLE = HERE / "relations-sample.csv"
COLUMNS = ["n", "doc_id", "source_label", "predicate", "target_label", "directed",
           "sentence", "right", "note"]


def draw(size: int, seed: int, corpus: Path, sample: Path) -> None:
    from entity_graph.graph.tables import raw_value
    from entity_graph.pipeline import build

    with tempfile.TemporaryDirectory(prefix="entity-graph-relations-") as out:
        result = build([corpus], out, relations=True, progress=False)
        with open(Path(out) / "relations.csv", encoding="utf-8", newline="") as file:
            rows = list(csv.DictReader(file))
    print(f"{result.summary()}\n{len(rows):,} relations stated")
    chosen = random.Random(seed).sample(rows, min(size, len(rows)))
    judged = _judged(sample)
    left = 0
    with open(sample, "w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, COLUMNS)
        writer.writeheader()
        for n, row in enumerate(chosen, start=1):
            fields = {k: raw_value(row[k]) for k in COLUMNS[1:7]}
            right, note = judged.get(_key(fields), ("", ""))
            left += right == ""
            writer.writerow({"n": n, **fields, "right": right, "note": note})
    print(f"wrote {len(chosen)} rows to {sample}, {left} to judge: fill in `right` "
          "(1 or 0), then `score`")


def _key(row: dict) -> tuple[str, ...]:
    return tuple(row[k] for k in ("source_label", "predicate", "target_label", "directed",
                                  "sentence"))


def _judged(sample: Path) -> dict[tuple[str, ...], tuple[str, str]]:
    """The marks of an earlier sample, by triple and sentence."""
    if not sample.is_file():
        return {}
    with open(sample, encoding="utf-8", newline="") as file:
        return {_key(row): (row["right"], row["note"]) for row in csv.DictReader(file)
                if row["right"] in ("0", "1")}


def score(sample: Path) -> None:
    with open(sample, encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    judged = [row for row in rows if row["right"] in ("0", "1")]
    if not judged:
        sys.exit(f"{sample}: no row judged yet (`right` is 1 or 0)")
    right = sum(row["right"] == "1" for row in judged)
    print(f"{len(judged)} of {len(rows)} triples judged: {right} right, "
          f"precision {right / len(judged):.3f}")
    by_kind: dict[str, list[int]] = {}
    for row in judged:
        kind = ("negated" if row["predicate"].startswith("ne ") else
                "together" if row["directed"] == "false" else
                "with a preposition" if " " in row["predicate"] else "direct")
        by_kind.setdefault(kind, []).append(row["right"] == "1")
    for kind, marks in sorted(by_kind.items()):
        print(f"  {kind:20} {sum(marks):4} / {len(marks):<4} {sum(marks) / len(marks):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["draw", "score"])
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    args = parser.parse_args()
    if args.command == "draw":
        if not args.corpus.is_file():
            sys.exit(f"{args.corpus}: missing (see ../shared/data/README.md)")
        draw(args.size, args.seed, args.corpus, args.sample)
    else:
        score(args.sample)


if __name__ == "__main__":
    main()
