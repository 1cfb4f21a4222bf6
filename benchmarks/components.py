"""What each of this project's spaCy components costs, next to the model's own work.

    python benchmarks/components.py                 # every 4th document of the dev corpus
    python benchmarks/components.py --every 1 --rounds 5

The build's pipeline (`ModelSpec(...).load()`, as a worker loads it) runs the tokenizer
and the NER over the sample once, timed; then the components that follow (spaCy's
sentencizer, then this project's) run over those documents, each timed, `--rounds`
times. Each round starts as a new worker: the pipeline loaded again (its components'
caches empty), Python's cache of compiled patterns emptied, the documents fresh from
the NER. Times are CPU seconds of this process (`time.process_time`); the machine's
other work can only slow a round down, so the fastest round is what the code costs
(the median is printed beside it).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = sorted((HERE.parent.parent / "shared" / "data" / "dev").glob("*.jsonl"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--every", type=int, default=4, help="take every Nth document")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not args.files:
        sys.exit("no corpus: ../shared/data/dev/*.jsonl is missing; give JSONL files")

    from spacy.tokens import Doc

    from entity_graph.pipeline.engines import ModelSpec
    from entity_graph.pipeline.extraction.doc_arrays import tokenized
    from entity_graph.pipeline.settings import Settings

    texts = [json.loads(line)["text"] for file in args.files
             for line in file.open(encoding="utf-8") if line.strip()][::args.every]
    settings = Settings()
    spec = ModelSpec(settings.model, tuple(settings.types), batch_size=settings.batch_size)
    nlp = spec.load()
    started = time.process_time()
    with nlp.select_pipes(enable=["ner"]):  # what the speed benchmark's ceiling runs
        found = [doc.to_bytes() for doc in nlp.pipe(
            (tokenized(nlp, text) for text in texts), batch_size=settings.batch_size)]
    model_seconds = time.process_time() - started
    words = sum(len(text.split()) for text in texts)
    print(f"{len(found):,} documents, {words:,} words: tokenizer and NER {model_seconds:.2f} s")

    components = [name for name in nlp.pipe_names if name != "ner"]
    rounds: list[dict[str, float]] = []
    for _ in range(args.rounds):
        # As in a new worker: the components' caches empty, and Python's cache of
        # compiled patterns too (it would hold each document's own, met once in a build).
        nlp = spec.load()
        re.purge()
        docs = [Doc(nlp.vocab).from_bytes(data) for data in found]
        seconds = {}
        for name in components:
            component = nlp.get_pipe(name)
            started = time.process_time()
            docs = [component(doc) for doc in docs]
            seconds[name] = time.process_time() - started
        rounds.append(seconds)
    for name in components:
        times = [r[name] for r in rounds]
        print(f"  {name:<36} {min(times):6.3f} s  (median {statistics.median(times):.3f} s)")
    totals = [sum(r.values()) for r in rounds]
    print(f"  {'all components':<36} {min(totals):6.3f} s  (median "
          f"{statistics.median(totals):.3f} s): {min(totals) / model_seconds:.1%} of the "
          f"tokenizer and NER's time")


if __name__ == "__main__":
    main()
