"""End to end on the seed corpus, bad input, and the command line."""

import csv
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from entity_graph.pipeline.cli import main
from entity_graph.pipeline.run import Settings, build

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def labels(graph):
    return {data["label"]: data["type"] for _, data in graph.nodes(data=True)}


def test_seed_graph_has_the_expected_entities(seed_build):
    found = labels(seed_build.graph)
    for label, entity_type in [("Elon Musk", "PER"), ("Chine", "LOC"), ("Shanghai", "LOC"),
                               ("États-Unis", "LOC")]:
        assert found.get(label) == entity_type, label
    for junk in ["Musk", "la Chine", "La Chine", "C’", "n’", "S’", "C'", "n'", "S'",
                 "Elon Musk'"]:
        assert junk not in found, junk


def test_heaviest_edge_is_musk_china(seed_build):
    graph = seed_build.graph
    a, b, _ = max(graph.edges(data=True), key=lambda e: e[2]["weight"])
    assert {graph.nodes[a]["label"], graph.nodes[b]["label"]} == {"Elon Musk", "Chine"}


def test_all_outputs_are_written(seed_build):
    assert sorted(path.name for path in seed_build.outputs.values()) == sorted([
        "graph.html", "graph.graphml", "graph.gexf", "graph.json", "entities.csv",
        "edges.csv", "evidence.csv", "mentions.csv", "aliases.csv", "documents.csv"])
    leftovers = [p for p in seed_build.outputs["graph.html"].parent.iterdir()
                 if p.name.endswith(".tmp")]
    assert not leftovers


def test_graphml_reloads_with_typed_attributes(seed_build):
    graph = nx.read_graphml(seed_build.outputs["graph.graphml"])
    for _, data in graph.nodes(data=True):
        assert isinstance(data["label"], str) and isinstance(data["type"], str)
        assert isinstance(data["mentions"], int) and isinstance(data["documents"], int)
        assert isinstance(data["aliases"], str)
    for _, _, data in graph.edges(data=True):
        assert isinstance(data["weight"], int) and isinstance(data["documents"], int)
    assert graph.number_of_nodes() == seed_build.graph.number_of_nodes()


def test_html_works_offline(seed_build):
    html = seed_build.outputs["graph.html"].read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html
    assert "Elon Musk" in html


def test_mention_offsets_point_into_the_original_files(seed_build):
    with open(seed_build.outputs["mentions.csv"], encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert rows and set(rows[0]) == {"doc_id", "date", "start", "end", "text", "label",
                                     "entity_id"}
    ids = {e.id for e in seed_build.table.entities.values()}
    originals = {}
    for row in rows:
        path = CORPUS / row["doc_id"]
        if path not in originals:
            originals[path] = path.read_bytes().decode("utf-8-sig")
        assert originals[path][int(row["start"]):int(row["end"])] == row["text"]
        assert row["entity_id"] in ids


def test_entities_csv_columns(seed_build):
    with open(seed_build.outputs["entities.csv"], encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == ["id", "label", "type", "mentions", "documents", "aliases",
                             "degree", "weighted_degree", "pagerank", "betweenness",
                             "community", "first_seen", "last_seen", "x", "y"]
    musk = next(r for r in rows if r["label"] == "Elon Musk")
    assert musk["id"] == "elon-musk-per" and "Musk" in musk["aliases"].split(" | ")
    assert int(musk["degree"]) == seed_build.graph.degree("elon-musk-per") > 0


def test_edges_csv_carries_measures_and_evidence(seed_build):
    with open(seed_build.outputs["edges.csv"], encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    top = rows[0]
    assert {top["source_label"], top["target_label"]} == {"Elon Musk", "Chine"}
    assert int(top["weight"]) == int(top["count"]) >= int(rows[-1]["weight"])
    assert float(top["npmi"]) <= 1 and 0 < float(top["jaccard"]) <= 1
    assert "Musk" in top["evidence"] and "Chine" in top["evidence"]


def test_pruning_from_the_command_line(tmp_path, capsys):
    code = main(["build", str(CORPUS), "--out", str(tmp_path), "-q", "--window", "paragraph",
                 "--weight", "npmi", "--top", "10", "--min-weight", "0.2", "--backbone", "0.3"])
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("--top 10: removed ")
    assert lines[1].startswith("--min-weight 0.2: removed ")
    assert lines[2].startswith("--backbone 0.3: removed ")
    graph = nx.read_graphml(tmp_path / "graph.graphml")
    assert graph.number_of_nodes() <= 10
    weights = [w for _, _, w in graph.edges(data="weight")]
    assert weights and all(0.2 <= w <= 1 for w in weights)
    assert all(0 < p < 0.3 for _, _, p in graph.edges(data="disparity"))


def test_a_graph_with_too_many_links_keeps_those_counted_most(tmp_path, capsys):
    """Over --max-links, the graph keeps the links counted at least c times, c the
    smallest count that leaves no more than the cap (links of one count are never split),
    says so, and every pair stays in pairs.csv; --max-links 0 keeps every link."""
    common = ["build", str(CORPUS), "-q", "--window", "paragraph"]
    assert main([*common, "--out", str(tmp_path / "whole"), "--max-links", "0"]) == 0
    assert main([*common, "--out", str(tmp_path / "capped"), "--max-links", "20"]) == 0
    report = capsys.readouterr().out.splitlines()
    whole = nx.read_graphml(tmp_path / "whole" / "graph.graphml")
    capped = nx.read_graphml(tmp_path / "capped" / "graph.graphml")
    counts = sorted((count for *_, count in whole.edges(data="count")), reverse=True)
    least = counts[20] + 1
    assert counts.count(1) > 20 >= sum(count >= least for count in counts) > 0
    assert sorted(capped.edges) == sorted((a, b) for a, b, count
                                          in whole.edges(data="count") if count >= least)
    assert set(capped) == {end for edge in capped.edges for end in edge}
    assert any(line.startswith(f"--max-links 20: kept the links counted at least {least} "
                               f"times; removed ") for line in report)
    with open(tmp_path / "capped" / "pairs.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == whole.number_of_edges()
    assert sum(row["in_graph"] == "true" for row in rows) == capped.number_of_edges()


def test_pruned_links_stay_in_the_table_of_every_pair(tmp_path, nlp):
    """Pruning shapes the graph, not what was counted: pairs.csv and pairs.parquet hold
    every pair, with the measures the unpruned graph gives its links, heaviest first, and
    `in_graph` marks those the pruned graph kept. A build without pruning removes an
    earlier build's pair tables, which no longer match its graph."""
    import polars as pl

    from entity_graph.graph.cooccurrence import PAIR_COLUMNS, link

    options = dict(nlp=nlp, curation="", progress=False, window="paragraph", weight="npmi")
    whole = build([CORPUS], tmp_path / "whole", **options)
    pruned = build([CORPUS], tmp_path / "out", **options, min_weight=0.3)
    assert 0 < pruned.graph.number_of_edges() < whole.graph.number_of_edges()
    assert not (tmp_path / "whole" / "pairs.csv").exists()
    with open(tmp_path / "out" / "pairs.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == list(PAIR_COLUMNS)
    assert {(row["source"], row["target"]) for row in rows} == \
        {link(a, b) for a, b in whole.graph.edges} and len(rows) == whole.graph.number_of_edges()
    assert {(row["source"], row["target"]) for row in rows if row["in_graph"] == "true"} == \
        {link(a, b) for a, b in pruned.graph.edges}
    assert {row["in_graph"] for row in rows} == {"true", "false"}
    for row in rows:
        data = whole.graph.edges[row["source"], row["target"]]
        for name in ("weight", "count", "documents", "pmi", "npmi", "jaccard"):
            assert float(row[name]) == data[name], (row, name)
        assert row["source_label"] == whole.graph.nodes[row["source"]]["label"]
    weights = [float(row["weight"]) for row in rows]
    assert weights == sorted(weights, reverse=True)

    typed = pl.read_parquet(tmp_path / "out" / "pairs.parquet")
    assert typed.columns == list(PAIR_COLUMNS) and typed.schema["in_graph"] == pl.Boolean
    assert typed["source"].to_list() == [row["source"] for row in rows]
    assert typed["count"].to_list() == [int(row["count"]) for row in rows]
    assert typed["in_graph"].to_list() == [row["in_graph"] == "true" for row in rows]

    build([CORPUS], tmp_path / "out", **options)
    assert not any((tmp_path / "out" / name).exists() for name in ("pairs.csv", "pairs.parquet"))


def exit_code(argv):
    """`main`'s exit code, whether argparse or our own checks refused the command."""
    try:
        return main(argv)
    except SystemExit as exit_info:
        return exit_info.code


def test_bad_graph_options_are_one_line_errors(capsys, tmp_path):
    for options in (["--window", "chapter"], ["--weight", "cosine"], ["--backbone", "2"],
                    ["--top", "-1"], ["--workers", "0"], ["--max-links", "-5"]):
        assert exit_code(["build", str(CORPUS), "--out", str(tmp_path), *options]) == 2
        err = capsys.readouterr().err
        assert "error:" in err and "Traceback" not in err, options
    assert not list(tmp_path.iterdir())  # refused before any work


def test_dated_document(seed_build):
    dated = [r for r in seed_build.records() if r.date]
    assert [(r.id, r.date) for r in dated] == [("003_1668fedf1e0dcc4b.txt", "2023-06")]


def test_bad_input_is_reported_and_skipped(nlp, tmp_path, caplog):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "image.txt").write_bytes(b"GIF89a\x00\x01\x00\x00\xff\xff")
    (corpus / "ancien.txt").write_bytes(
        "Emmanuel Macron est arrivé à Genève avec Angela Merkel.".encode("cp1252"))
    (corpus / "good.txt").write_text("Elon Musk a rencontré Xi Jinping à Pékin.",
                                     encoding="utf-8")
    (corpus / "lines.jsonl").write_text(
        '{"id": "j1", "text": "Olaf Scholz est à Berlin."}\n{broken\n'
        '{"id": "j2", "text": "Giorgia Meloni visite Rome."}\n', encoding="utf-8")
    with caplog.at_level("WARNING", logger="entity_graph"):
        result = build([corpus], tmp_path / "out", Settings(progress=False), nlp=nlp)
    assert sorted(r.id for r in result.records()) == ["ancien.txt", "good.txt", "j1", "j2"]
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 4, warnings
    assert any("empty.txt" in w for w in warnings)
    assert any("image.txt" in w and "binary" in w for w in warnings)
    assert any("ancien.txt" in w and "cp1252" in w for w in warnings)
    assert any("lines.jsonl:2" in w for w in warnings)
    assert "Genève" in labels(result.graph)


def test_missing_path_exits_2_with_one_line(tmp_path, capsys):
    assert main(["build", str(tmp_path / "nope"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_unknown_type_is_rejected(capsys):
    assert exit_code(["build", "corpus", "--types", "PER,FOO"]) == 2
    err = capsys.readouterr().err
    assert "FOO" in err and "PER, ORG, LOC, MISC" in err


@pytest.mark.parametrize("command", [["entity-graph"],
                                     [sys.executable, "-m", "entity_graph.pipeline"]])
def test_console_commands_exist(command):
    done = subprocess.run([*command, "build", "--help"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "--out" in done.stdout


def test_installed_as_one_namespace_nothing_generic_at_the_top(tmp_path):
    """From another folder, `pipeline` and `graph` are not this project's."""
    code = ("import importlib.util as u, entity_graph.pipeline, entity_graph.graph; "
            "print(u.find_spec('pipeline'), u.find_spec('graph'))")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None", "None"]



def test_a_reader_that_goes_away_gets_no_traceback(tmp_path):
    """`entity-graph build ... | head -0`: the files are written, and the program ends
    with status 1 and no traceback when it cannot print its summary."""
    process = subprocess.Popen(["entity-graph", "build", str(CORPUS), "--out", str(tmp_path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdout.close()  # before the build prints anything
    err = process.stderr.read()
    assert process.wait(timeout=240) == 1
    assert "Traceback" not in err and "Error" not in err, err
    assert (tmp_path / "graph.html").is_file()


def test_the_command_line_imports_no_plotting_library(tmp_path):
    """igraph imports matplotlib's pyplot when it can (half a second per run): the command
    line, which plots nothing, imports igraph without it, and the package loads neither
    igraph nor pyvis (which imports IPython) until they are used. matplotlib itself stays
    importable afterwards."""
    pytest.importorskip("matplotlib")  # installed by the `explore` extra, as in a test run
    code = ("import sys, entity_graph.pipeline as p; "
            "print(sorted(m for m in ('igraph', 'pyvis', 'IPython') if m in sys.modules)); "
            "from entity_graph.pipeline.cli import main; "
            f"main(['cache', 'info', '--out', {str(tmp_path)!r}]); "
            "print('igraph' in sys.modules, 'matplotlib' in sys.modules); "
            "import matplotlib; print(matplotlib.__name__)")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "[]"
    assert lines[-2:] == ["True False", "matplotlib"]

@pytest.mark.parametrize("window", ["sentence", "document", 5])
def test_counts_of_parts_merge_into_the_counts_of_the_whole(seed_build, window):
    """What the Dask engine relies on: counting consecutive parts and merging them gives
    the same counts, evidence included, as counting everything at once."""
    from entity_graph.graph.cooccurrence import count_cooccurrences, merge_counts

    records = list(seed_build.records()) * 3  # repeated documents: evidence to deduplicate
    whole = count_cooccurrences(records, seed_build.table, window=window, evidence=2)
    parts = [count_cooccurrences(records[i:i + 1], seed_build.table, window=window,
                                 evidence=2, start=i) for i in range(len(records))]
    merged = parts[0]
    for part in parts[1:]:
        merged = merge_counts(merged, part, evidence=2)
    assert merged == whole and len(whole.pairs) > 10
