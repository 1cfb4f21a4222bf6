"""How a build grows with the corpus: the dev corpus and the novels at 1x, 2x and 4x.

    python benchmarks/scaling.py                  # 1x, 2x, 4x (about 10 minutes)
    python benchmarks/scaling.py --scales 1 2     # fewer

Copy k of a document gets the id "ID~k" and its names changed the same way throughout
the copy (every capitalised word of four letters or more gets the copy's ending: "Macron"
becomes "Macronov" in copy 1, "Macronski" in copy 2…), so that the set of entities grows
with the corpus as it does in a real one, instead of the same entities being met again.
Each scale is built cold, in a process of its own (so its peak RSS is its own), with 2
workers; the build's time per stage, the entities and links of its graph and the peak RSS
are printed, then the ratios to 1x. Every link is kept (`--max-links 0`, unless told
otherwise), so that the graph side grows with the corpus instead of stopping at the
default cap of 100,000 links.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from speed import peak_rss_mb, prepare_corpus

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
DEFAULT_CORPUS = sorted((DATA / "dev").glob("*.jsonl")) + sorted((DATA / "novels").glob("*.jsonl"))
ENDINGS = ["", "ov", "ski", "elli", "ez", "sen", "ini", "berg"]
_NAME = re.compile(r"\b[A-ZÀ-Þ][a-zß-ÿ]{3,}\b")


def renamed(text: str, copy: int) -> str:
    """`text` with every capitalised word of 4+ letters given copy `copy`'s ending.

    >>> renamed("Emmanuel Macron à Paris.", 1)
    'Emmanuelov Macronov à Parisov.'
    """
    ending = ENDINGS[copy % len(ENDINGS)]
    return _NAME.sub(lambda m: m.group(0) + ending, text) if ending else text


def measure(corpus: list[Path], out: Path, workers: int, max_links: int) -> dict:
    """One cold build, in this process."""
    from entity_graph.pipeline.run import build

    started = time.perf_counter()
    result = build(corpus, out, workers=workers, progress=False, max_links=max_links)
    seconds = time.perf_counter() - started
    return {"words": result.words, "seconds": seconds, "rss_mb": max(peak_rss_mb()),
            "entities": result.graph.number_of_nodes(), "links": result.graph.number_of_edges(),
            "stages": {k: round(v, 1) for k, v in result.timings.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-links", type=int, default=0,
                        help="the builds' --max-links (default: 0, every link)")
    parser.add_argument("--measure", type=Path, nargs="+", help=argparse.SUPPRESS)  # internal
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.out, args.workers, args.max_links)))
        return
    if not args.files:
        sys.exit("no corpus: ../shared/data is missing; give JSONL files")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for scale in args.scales:
            corpus = prepare_corpus(args.files, scale, Path(folder), change=renamed)
            done = subprocess.run(
                [sys.executable, __file__, "--measure", *map(str, corpus), "--out",
                 str(Path(folder) / f"out-{scale}"), "--workers", str(args.workers),
                 "--max-links", str(args.max_links)],
                capture_output=True, text=True, check=False)
            if done.returncode != 0:
                sys.exit(f"{scale}x failed:\n{done.stderr}")
            row = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append((scale, row))
            stages = ", ".join(f"{k} {v} s" for k, v in row["stages"].items())
            print(f"{scale}x  {row['words']:>10,} words  {row['seconds']:7.1f} s  "
                  f"{row['words'] / row['seconds']:8,.0f} words/s  {row['entities']:>8,} entities"
                  f"  {row['links']:>9,} links  peak RSS {row['rss_mb']:,.0f} MB\n    {stages}",
                  flush=True)
    base_scale, base = rows[0]
    for scale, row in rows[1:]:
        graph_side = sum(v for k, v in row["stages"].items() if k != "extract")
        base_graph_side = sum(v for k, v in base["stages"].items() if k != "extract")
        print(f"{scale}x / {base_scale}x: time {row['seconds'] / base['seconds']:.2f} "
              f"(graph side {graph_side / base_graph_side:.2f}), links "
              f"{row['links'] / base['links']:.2f}, peak RSS {row['rss_mb'] / base['rss_mb']:.2f}")


if __name__ == "__main__":
    main()
