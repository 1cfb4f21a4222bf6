"""The mention cache: incremental builds, graph-only re-runs, interrupted runs, workers."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pytest

from entity_graph.pipeline.cache import MentionCache
from entity_graph.pipeline.cli import main
from entity_graph.pipeline.run import build, cache_path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED_DATA = ROOT.parent / "shared" / "data"
COMPARED = ["graph.graphml", "graph.gexf", "graph.json", "entities.csv", "edges.csv",
            "evidence.csv", "mentions.csv"]


def seed_sentences() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
    return [s.strip() + "." for s in text.replace("\n", " ").split(". ") if len(s) > 30]


def make_corpus(folder: Path, count: int, *, sentences_per_doc: int = 8) -> Path:
    """`count` distinct articles cut from the seed articles' sentences."""
    sentences = seed_sentences()
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        chosen = [sentences[(i * 3 + j) % len(sentences)] for j in range(sentences_per_doc)]
        (folder / f"a{i:03d}.txt").write_text(f"Dépêche numéro {i}. " + " ".join(chosen),
                                              encoding="utf-8")
    return folder


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in COMPARED}


def test_second_run_reads_the_cache_and_gives_the_same_outputs(tmp_path, nlp):
    corpus = make_corpus(tmp_path / "c", 6)
    first = build([corpus], tmp_path / "out", nlp=nlp, curation="", progress=False)
    before = outputs(tmp_path / "out")
    second = build([corpus], tmp_path / "out", nlp=nlp, curation="", progress=False)
    assert (first.extracted, second.extracted) == (6, 0)
    assert outputs(tmp_path / "out") == before
    assert cache_path(tmp_path / "out").is_file()


def test_graph_settings_need_no_nlp(tmp_path, nlp):
    corpus = make_corpus(tmp_path / "c", 4)
    build([corpus], tmp_path / "out", nlp=nlp, curation="", progress=False)
    again = build([corpus], tmp_path / "out", nlp=nlp, curation="", progress=False,
                  window="document", weight="npmi", top=5)
    assert again.extracted == 0 and again.graph.graph["window"] == "document"
    other_types = build([corpus], tmp_path / "out", curation="", progress=False,
                        types=("PER",))
    assert other_types.extracted == 4  # extraction settings are part of the key


def test_added_changed_and_removed_documents(tmp_path, nlp):
    corpus = make_corpus(tmp_path / "c", 5)
    run = lambda: build([corpus], tmp_path / "out", nlp=nlp, curation="", progress=False)  # noqa: E731
    run()
    (corpus / "new.txt").write_text("Angela Merkel a reçu Emmanuel Macron à Berlin.",
                                    encoding="utf-8")
    added = run()
    assert added.extracted == 1
    assert {"Angela Merkel", "Berlin"} <= {d["label"] for _, d in added.graph.nodes(data=True)}
    (corpus / "new.txt").write_text("Olaf Scholz a reçu Emmanuel Macron à Berlin.",
                                    encoding="utf-8")
    changed = run()
    labels = {d["label"] for _, d in changed.graph.nodes(data=True)}
    assert changed.extracted == 1 and "Olaf Scholz" in labels and "Angela Merkel" not in labels
    (corpus / "new.txt").unlink()
    removed = run()
    labels = {d["label"] for _, d in removed.graph.nodes(data=True)}
    assert removed.extracted == 0 and "Olaf Scholz" not in labels
    assert removed.documents == 5
    assert len(MentionCache(cache_path(tmp_path / "out"))) == 5  # stale entries dropped


def test_no_cache_and_cache_commands(tmp_path, nlp, capsys):
    corpus = make_corpus(tmp_path / "c", 3)
    build([corpus], tmp_path / "out", nlp=nlp, curation="", progress=False, cache=False)
    assert not cache_path(tmp_path / "out").exists()
    build([corpus], tmp_path / "out", nlp=nlp, curation="", progress=False)
    assert main(["cache", "info", "--out", str(tmp_path / "out")]) == 0
    assert "3 documents" in capsys.readouterr().out
    assert main(["cache", "clear", "--out", str(tmp_path / "out")]) == 0
    assert not cache_path(tmp_path / "out").exists()
    assert main(["cache", "clear", "--out", str(tmp_path / "out")]) == 0
    assert "no cache" in capsys.readouterr().out


def test_unreadable_cache_is_replaced(tmp_path, nlp, caplog):
    corpus = make_corpus(tmp_path / "c", 2)
    (tmp_path / "out").mkdir()
    cache_path(tmp_path / "out").write_bytes(b"this is not a database" * 100)
    result = build([corpus], tmp_path / "out", nlp=nlp, curation="", progress=False)
    assert result.extracted == 2
    assert any("unreadable cache" in r.getMessage() for r in caplog.records)


def cached_rows(path: Path) -> int:
    try:
        with sqlite3.connect(path) as db:
            return db.execute("SELECT COUNT(*) FROM extractions").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_killed_run_resumes_to_the_same_outputs(tmp_path, nlp):
    corpus = make_corpus(tmp_path / "c", 48, sentences_per_doc=12)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "pipeline", "build", str(corpus), "--out", str(out), "-q",
               "--no-curation", "--workers", "1", "--batch-size", "4"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while cached_rows(cache_path(out)) < 8 and process.poll() is None:
        assert time.monotonic() < deadline, "the build never started caching"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done = cached_rows(cache_path(out))
    assert 8 <= done < 48, "the run was not killed part-way"
    assert not (out / "graph.graphml").exists()

    resumed = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert resumed.returncode == 0, resumed.stderr
    assert f"({done} from the cache)" in resumed.stdout
    build([corpus], tmp_path / "clean", nlp=nlp, curation="", progress=False, cache=False)
    assert outputs(out) == outputs(tmp_path / "clean")


def test_two_workers_give_the_same_graph(tmp_path, nlp):
    corpus = make_corpus(tmp_path / "c", 24)
    build([corpus], tmp_path / "one", nlp=nlp, curation="", progress=False)
    pooled = build([corpus], tmp_path / "two", curation="", progress=False, workers=2,
                   batch_size=4)
    assert pooled.extracted == 24
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")


def test_dask_engine_matches_the_local_engine(tmp_path, relations_nlp):
    """The seed corpus and a dev file (a synthetic corpus when ../shared/data is absent)
    on a LocalCluster of two worker processes, with relations (the workers load the
    parser too; relations are counted on the cluster) and the links capped at half: the
    pairs left out come back from the cluster without their evidence and relations, and
    every output, the table of every pair included, equals the local engine's."""
    pytest.importorskip("dask.distributed")
    dev_file = SHARED_DATA / "dev" / "hipe2020-dev-fr.jsonl"
    other = dev_file if dev_file.is_file() else make_corpus(tmp_path / "c", 12)
    options = dict(curation="", progress=False, relations=True)
    whole = build([CORPUS, other], tmp_path / "local", nlp=relations_nlp, **options)
    cap = whole.graph.number_of_edges() // 2
    local = build([CORPUS, other], tmp_path / "local", nlp=relations_nlp, **options,
                  max_links=cap)
    dask = build([CORPUS, other], tmp_path / "dask", **options, engine="dask", workers=2,
                 batch_size=8, max_links=cap)
    assert dask.extracted == whole.extracted == whole.documents > 2
    assert dask.pruning == local.pruning and dask.pruning[0].startswith("--max-links")
    assert 0 < dask.graph.number_of_edges() <= cap
    relations = [(tmp_path / out / "relations.csv").read_bytes() for out in ("local", "dask")]
    assert relations[0] == relations[1] and relations[0].count(b"\n") > 5
    assert outputs(tmp_path / "local") == outputs(tmp_path / "dask")
    for name in ("pairs.csv", "pairs.parquet"):
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes()
    # Counts pruned on the cluster are not whole: they are not kept for the next build.
    assert not list((tmp_path / "dask").glob("*counts-sentence*"))
    assert list((tmp_path / "local").glob("*counts-sentence*"))


def test_outputs_written_aside_in_a_forked_process_are_the_same(tmp_path, nlp,
                                                                 build_with_forked_writer):
    """The graph files written by a forked process equal those written in one process."""
    corpus = make_corpus(tmp_path / "c", 3)
    build([corpus], tmp_path / "serial", nlp=nlp, curation="", progress=False)
    assert build_with_forked_writer(corpus, tmp_path / "forked") == "fork\n"
    assert outputs(tmp_path / "serial") == outputs(tmp_path / "forked0")


def test_pair_tables_written_during_the_analytics_are_the_same(tmp_path, nlp,
                                                               build_with_forked_writer):
    """Pruned, the table of every pair is written by a forked process while the analytics
    run (see `outputs.links_started`): the same files as written in one process."""
    corpus = make_corpus(tmp_path / "c", 4)
    pruned = dict(window="document", min_weight=2)
    build([corpus], tmp_path / "serial", nlp=nlp, curation="", progress=False, **pruned)
    assert build_with_forked_writer(corpus, tmp_path / "forked", **pruned) == "fork\n"
    for name in (*COMPARED, "pairs.csv", "pairs.parquet"):
        serial = (tmp_path / "serial" / name).read_bytes()
        assert serial == (tmp_path / "forked0" / name).read_bytes(), name
    assert b",false\r\n" in (tmp_path / "serial" / "pairs.csv").read_bytes()


def test_a_rerun_that_changes_weight_pruning_or_examples_reads_the_pair_counts(tmp_path, nlp,
                                                                             monkeypatch):
    """The pair counts of a window are kept: a re-run with another weight, pruning or
    fewer examples per link does not count again, and its outputs equal a fresh build's;
    more examples than were kept, another window or a changed document count again."""
    import entity_graph.pipeline.run as run

    corpus = make_corpus(tmp_path / "c", 6)
    settings = dict(nlp=nlp, curation="", progress=False)
    build([corpus], tmp_path / "out", **settings, evidence=3)
    counted = []
    original = run.count_cooccurrences

    def counting(*args, **kwargs):
        counted.append(kwargs["window"])
        return original(*args, **kwargs)

    monkeypatch.setattr(run, "count_cooccurrences", counting)
    changes = dict(weight="npmi", min_weight=0.1, evidence=2)
    reused = build([corpus], tmp_path / "out", **settings, **changes)
    assert counted == []
    monkeypatch.setattr(run, "count_cooccurrences", original)
    fresh = build([corpus], tmp_path / "fresh", **settings, **changes)
    assert outputs(tmp_path / "fresh") == outputs(tmp_path / "out")
    assert nx.utils.edges_equal(reused.graph.edges(data=True), fresh.graph.edges(data=True))

    monkeypatch.setattr(run, "count_cooccurrences", counting)
    build([corpus], tmp_path / "out", **settings, evidence=5)  # more than kept
    build([corpus], tmp_path / "out", **settings, window="paragraph")
    build([corpus], tmp_path / "out", **settings, evidence=4)  # 5 kept now: read
    (corpus / "a000.txt").write_text("Emmanuel Macron a reçu Angela Merkel à Paris.",
                                     encoding="utf-8")
    build([corpus], tmp_path / "out", **settings)
    assert counted == ["sentence", "paragraph", "sentence"]


def test_fingerprint_hashes_every_module_of_the_extraction_folders(tmp_path):
    from entity_graph.pipeline import cache

    root = Path(cache.__file__).parent
    on_disk = {p for folder in ("extraction", "rules") for p in (root / folder).rglob("*.py")}
    assert set(cache.source_files()) == on_disk and len(on_disk) > 10
    # A change in any of them, even a module nobody listed, changes every key.
    rule = tmp_path / "rules" / "new_rule.py"
    rule.parent.mkdir()
    rule.write_text("X = 1\n")
    sources = [*sorted(on_disk), rule]
    before = cache.fingerprint("fr_core_news_sm", ("PER",), None, sources=sources)
    assert before != cache.fingerprint("fr_core_news_sm", ("PER",), None)
    rule.write_text("X = 2\n")
    assert cache.fingerprint("fr_core_news_sm", ("PER",), None, sources=sources) != before


def test_a_graph_only_rerun_reuses_the_entity_table_and_document_tables(tmp_path, nlp,
                                                                       monkeypatch):
    import entity_graph.pipeline.run as run

    corpus = make_corpus(tmp_path / "c", 6)
    settings = dict(nlp=nlp, curation="", progress=False)
    build([corpus], tmp_path / "out", **settings, weight="npmi", top=8)
    mentions_written = (tmp_path / "out" / "mentions.csv").stat().st_mtime_ns

    def must_not_run(*args, **kwargs):
        raise AssertionError("merged again")

    with monkeypatch.context() as patch:  # a new weight, window and pruning: no merging
        patch.setattr(run, "build_entities", must_not_run)
        build([corpus], tmp_path / "out", **settings, window="paragraph")
    assert (tmp_path / "out" / "mentions.csv").stat().st_mtime_ns == mentions_written
    reused = outputs(tmp_path / "out")
    build([corpus], tmp_path / "fresh", **settings, window="paragraph")  # from scratch
    assert outputs(tmp_path / "fresh") == reused
    assert (tmp_path / "fresh" / "documents.csv").read_bytes() == \
        (tmp_path / "out" / "documents.csv").read_bytes()

    # A changed document, or a damaged file: merged again.
    entities = tmp_path / "out" / (cache_path(tmp_path / "out").name + ".entities.json")
    (corpus / "a000.txt").write_text("Emmanuel Macron a reçu Angela Merkel à Paris.",
                                     encoding="utf-8")
    changed = build([corpus], tmp_path / "out", **settings)
    assert "angela-merkel-per" in changed.graph
    assert (tmp_path / "out" / "mentions.csv").stat().st_mtime_ns != mentions_written
    entities.write_bytes(b"{damaged")
    rebuilt = build([corpus], tmp_path / "out", **settings)
    assert rebuilt.graph.number_of_nodes() == changed.graph.number_of_nodes()
    assert entities.read_bytes()[:1] == b"{" and b"damaged" not in entities.read_bytes()
    assert main(["cache", "clear", "--out", str(tmp_path / "out")]) == 0
    assert not entities.exists()
