"""Hostile input that must never stop a run (the fault-injection findings): control
characters, lone surrogates, raw line separators inside JSON strings, impossible dates.
Each case goes through the command line, as a user would run it; the run exits 0, names
the problem in a one-line warning, keeps every valid document, and writes readable files.
"""

from __future__ import annotations

import csv
import json

import networkx as nx
import pytest
from lxml import etree

from entity_graph.pipeline.cli import main

ARTICLE = ("Emmanuel Macron a rencontré Angela Merkel à Berlin. Macron a ensuite parlé avec "
           "Olaf Scholz de la situation en Ukraine.")


def build(tmp_path, capsys, files: dict[str, str]) -> tuple[int, str, set[str]]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code = main(["build", str(corpus), "--out", str(out)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for name in ("graph.graphml", "graph.gexf"):
        etree.parse(str(out / name))  # well-formed XML, or this raises
    nx.read_graphml(out / "graph.graphml")
    nx.read_gexf(out / "graph.gexf")
    json.loads((out / "graph.json").read_text(encoding="utf-8"))
    with open(out / "mentions.csv", encoding="utf-8", newline="") as file:
        documents = {row["doc_id"] for row in csv.DictReader(file)}
    return code, err, documents


def line(**fields) -> str:
    return json.dumps(fields, ensure_ascii=True) + "\n"


def test_control_characters_and_non_characters_in_articles(tmp_path, capsys):
    files = {"a.jsonl": line(id="nul", text=f"Alerte\u0000 : {ARTICLE}")
                        + line(id="esc", text=f"{ARTICLE} \u001b[31m Fin\ufffe\uffff."),
             "b.txt": f"date 2023-06\nTitre\x01\n\n{ARTICLE}\x0c"}
    code, _, documents = build(tmp_path, capsys, files)
    assert code == 0
    assert documents == {"nul", "esc", "b.txt"}


def test_a_lone_surrogate_is_replaced_not_fatal(tmp_path, capsys):
    code, err, documents = build(tmp_path, capsys, {
        "a.jsonl": line(id="s\ud800", title="T\udfff", text=f"{ARTICLE} \ud800 Fin.")
                   + line(id="ok", text=ARTICLE)})
    assert code == 0
    assert documents == {"s\ufffd", "ok"}
    assert "a.jsonl:1: lone surrogate" in err


def test_raw_line_separators_inside_json_strings_keep_the_document(tmp_path, capsys):
    text = f"Première ligne\u2028{ARTICLE}\u2029Suite\u0085 et fin."
    raw = (json.dumps({"id": "sep", "text": text}, ensure_ascii=False) + "\n"
           + json.dumps({"id": "next", "text": ARTICLE}) + "\n" + "{broken\n")
    code, err, documents = build(tmp_path, capsys, {"a.jsonl": raw})
    assert code == 0
    assert documents == {"sep", "next"}
    # The broken line is named by its real number: the separators did not shift it.
    assert "a.jsonl:3: invalid JSON" in err


def test_impossible_dates_leave_the_document_undated(tmp_path, capsys):
    files = {"a.jsonl": line(id="m13", date="2023-13", text=ARTICLE)
                        + line(id="feb30", date="2023-02-30", text=ARTICLE)
                        + line(id="fine", date="2023-06-05", text=ARTICLE),
             "b.txt": f"date 2023-13-45\n{ARTICLE}"}
    code, err, documents = build(tmp_path, capsys, files)
    assert code == 0
    assert documents == {"m13", "feb30", "fine", "b.txt"}
    assert "a.jsonl:1: date '2023-13' is no calendar date" in err
    assert "a.jsonl:2: date '2023-02-30' is no calendar date" in err
    with open(tmp_path / "out" / "mentions.csv", encoding="utf-8", newline="") as file:
        dates = {row["doc_id"]: row["date"] for row in csv.DictReader(file)}
    assert dates == {"m13": "", "feb30": "", "fine": "2023-06-05", "b.txt": ""}
    spells = nx.read_gexf(tmp_path / "out" / "graph.gexf").nodes["berlin-loc"]["spells"]
    assert spells == [("2023-06-05", "2023-06-06")]  # only the real date, a whole day


def test_a_cache_with_a_damaged_page_is_replaced(tmp_path, capsys):
    """A page damaged behind an intact header used to fail every later build."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(60):  # enough entries for the cache to span many pages
        (corpus / f"{number}.txt").write_text(f"{ARTICLE} Numéro {number}.", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(corpus), "--out", str(out), "-q"]) == 0
    cache = next(out.glob(".entity-graph-cache.sqlite"))
    with open(cache, "r+b") as file:  # keep the 100-byte header and page 1, wreck page 2
        file.seek(4096 + 8)
        file.write(b"\xff" * 2000)
    capsys.readouterr()
    assert main(["cache", "info", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a usable cache" in err
    assert main(["build", str(corpus), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "unreadable cache" in err and "Traceback" not in err
    assert main(["cache", "info", "--out", str(out)]) == 0
    assert "60 documents" in capsys.readouterr().out


def test_awkward_files_and_folders_are_warned_about_not_fatal(tmp_path, capsys):
    """UTF-16 text is read; a renamed duplicate id never takes a real one; broken links,
    FIFOs and unreadable folders are one-line warnings, never a hang or a traceback."""
    import os

    corpus = tmp_path / "corpus"
    (corpus / "locked").mkdir(parents=True)
    (corpus / "windows.txt").write_bytes(b"\xff\xfe" + ARTICLE.encode("utf-16-le"))
    (corpus / "ids.jsonl").write_text(line(id="doc1", text=ARTICLE) + line(id="doc1", text=ARTICLE)
                                      + line(id="doc1#2", text=ARTICLE), encoding="utf-8")
    (corpus / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "locked" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    os.chmod(corpus / "locked", 0)
    try:
        out = tmp_path / "out"
        code = main(["build", str(corpus), str(corpus / "pipe.txt"), "--out", str(out)])
        err = capsys.readouterr().err
    finally:
        os.chmod(corpus / "locked", 0o755)
    assert code == 0 and "Traceback" not in err
    with open(out / "mentions.csv", encoding="utf-8", newline="") as file:
        documents = {row["doc_id"] for row in csv.DictReader(file)}
    assert {"windows.txt", "doc1", "doc1#2"} <= documents
    assert len({d for d in documents if d.startswith("doc1")}) == 3  # none lost to a clash
    assert "gone.txt: broken symbolic link, skipped" in err
    assert "pipe.txt: not a regular file, skipped" in err
    if os.geteuid() != 0:  # root reads any folder
        assert "locked: cannot read the folder" in err


def test_a_curation_file_nested_thousands_deep_is_one_line(tmp_path, capsys):
    curation = tmp_path / "curation.yml"
    curation.write_text("entities: " + "[" * 5000 + "]" * 5000, encoding="utf-8")
    corpus = tmp_path / "a.txt"
    corpus.write_text(ARTICLE, encoding="utf-8")
    code = main(["build", str(corpus), "--out", str(tmp_path / "out"), "--curation",
                 str(curation)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "nested too deeply" in err


def test_a_text_longer_than_spacy_takes_is_cut_not_refused(nlp, tmp_path):
    """spaCy refuses texts over `nlp.max_length` (1,000,000 characters; E088): such a
    document is cut at paragraph breaks and every mention keeps its offset in the whole
    text. (The limit is lowered here so that the test stays fast.)"""
    from entity_graph.pipeline.run import build

    paragraphs = [f"Paragraphe {n}. {ARTICLE}" for n in range(40)]
    text = "\n\n".join(paragraphs)
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    saved = nlp.max_length
    nlp.max_length = 1_000
    try:
        result = build([tmp_path / "long.txt"], tmp_path / "out", nlp=nlp, progress=False)
    finally:
        nlp.max_length = saved
    assert len(text) > 5 * 1_000
    with open(result.outputs["mentions.csv"], encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    for row in rows:
        assert text[int(row["start"]):int(row["end"])] == row["text"]
    merkel = [row for row in rows if row["text"] == "Angela Merkel"]
    assert len(merkel) == text.count("Angela Merkel") == 40
    assert {row["start"] for row in merkel} == {
        str(i) for i in range(len(text)) if text.startswith("Angela Merkel", i)}


def test_a_second_build_into_the_same_folder_is_refused_while_one_runs(tmp_path, capsys):
    from entity_graph.pipeline.lock import output_lock

    corpus = tmp_path / "a.txt"
    corpus.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    with output_lock(out):  # as a running build holds it
        code = main(["build", str(corpus), "--out", str(out), "-q"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "another build is writing" in err
    assert not (out / "graph.html").exists()
    assert main(["build", str(corpus), "--out", str(out), "-q"]) == 0  # free again


_FAILING_BUILD = """
import errno, sys
from entity_graph.pipeline import outputs
from entity_graph.pipeline.cli import main
corpus, out, writer = sys.argv[1:4]
# The small graph is written as a large one is: in forked processes.
outputs.FORK_OUTPUTS_FROM = outputs.EARLY_LINKS_FROM = 0


def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


setattr(outputs, writer, disk_full)
sys.exit(main(["build", corpus, "--out", out, "-q"]))
"""


@pytest.mark.parametrize("writer, name, forked", [
    ("write_edges_csv", "edges.csv", False),
    # In the forked processes (so in a fresh Python process, whose polars threads have not
    # started: see `outputs.polars_started`): the one that writes the graph files aside,
    # and the one that writes the link tables during the analytics.
    ("write_gexf", "graph.gexf", True),
    ("write_edges_csv", "edges.csv", True),
])
def test_a_failed_output_stage_leaves_the_previous_outputs_whole(tmp_path, capsys, monkeypatch,
                                                                writer, name, forked):
    """Disk full while writing one file: the error names that file, and every output of
    the previous run is still there, unchanged (none replaced, no temporary file left)."""
    import errno
    import subprocess
    import sys

    from entity_graph.pipeline import outputs

    corpus = tmp_path / "a.txt"
    corpus.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(corpus), "--out", str(out), "-q"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (out / ".graph.html.new").write_text("left by a killed run", encoding="utf-8")
    corpus.write_text(ARTICLE + " Puis Joe Biden est arrivé à Paris.", encoding="utf-8")
    if forked:
        done = subprocess.run([sys.executable, "-c", _FAILING_BUILD, str(corpus), str(out),
                               writer], capture_output=True, text=True, timeout=240)
        code, err = done.returncode, done.stderr
    else:
        def disk_full(*args, **kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(outputs, writer, disk_full)
        capsys.readouterr()
        code, err = main(["build", str(corpus), "--out", str(out), "-q"]), \
            capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1, err
    assert f"{out / name}: cannot write (No space left on device)" in err
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    outputs_before = {k: v for k, v in before.items() if not k.startswith(".")}
    assert {k: v for k, v in after.items() if not k.startswith(".")} == outputs_before
    assert not [name for name in after if name.endswith((".new", ".tmp"))]


_INTERRUPTED_ANALYTICS = """
import multiprocessing, sys
import entity_graph.pipeline.run as run
from entity_graph.pipeline import outputs
from entity_graph.pipeline.cli import main
corpus, out = sys.argv[1:3]
outputs.FORK_OUTPUTS_FROM = outputs.EARLY_LINKS_FROM = 0  # as for a large graph


def interrupted(*args, **kwargs):
    raise KeyboardInterrupt


run.annotate = interrupted
code = main(["build", corpus, "--out", out, "-q"])
print(code, len(multiprocessing.active_children()))
"""


def test_an_interruption_during_the_analytics_stops_the_link_tables_writer(tmp_path):
    """Ctrl-C while the link tables are written beside the analytics (a forked process,
    see `outputs.links_started`): the build ends with its one-line message, that process
    is gone, and the previous outputs are whole, with nothing half-written left."""
    import subprocess
    import sys

    corpus = tmp_path / "a.txt"
    corpus.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(corpus), "--out", str(out), "-q"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    corpus.write_text(ARTICLE + " Puis Joe Biden est arrivé à Paris.", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", _INTERRUPTED_ANALYTICS, str(corpus), str(out)],
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["130", "0"]
    assert "interrupted; outputs left as they were" in done.stderr
    after = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    assert after == before
    assert not [p.name for p in out.iterdir() if p.name.endswith((".new", ".tmp"))]


def _is_worker(process) -> bool:
    """A live child that is not multiprocessing's resource tracker. Short-lived children
    (a zombie not yet reaped, one already gone) are not workers: psutil raises on them."""
    import psutil

    try:
        return "resource_tracker" not in " ".join(process.cmdline())
    except psutil.Error:
        return False


@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGTERM"])
def test_worker_processes_end_when_the_build_is_killed(tmp_path, signal_name):
    """kill -9 (or a plain kill) of a build: its NLP workers go with it, at once (not a
    minute later, holding 320 MB each)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(line(id=str(n), text=f"{ARTICLE * 5} Numéro {n}.")
                              for n in range(2000)), encoding="utf-8")  # distinct texts
    build = subprocess.Popen([sys.executable, "-m", "entity_graph.pipeline", "build",
                              str(corpus), "--out", str(tmp_path / "out"), "--workers", "2",
                              "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        workers: list[psutil.Process] = []
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.5)
            workers = [p for p in psutil.Process(build.pid).children(recursive=True)
                       if _is_worker(p)]
        assert len(workers) >= 2, "the build never started its workers"
        os.kill(build.pid, getattr(signal, signal_name))
        build.wait()
        gone, alive = psutil.wait_procs(workers, timeout=10)
        assert not alive, [p.pid for p in alive]
    finally:
        if build.poll() is None:
            build.kill()


def test_no_csv_cell_becomes_a_formula_in_a_real_spreadsheet(tmp_path, capsys):
    """CSV injection: ids and sentences that begin with "=", "+", "-", "@" are written so
    that LibreOffice (Debian's, headless) imports every CSV without a single formula; the
    raw values come back with `raw_value`, and a line of dialogue stays as written."""
    import os
    import shutil
    import subprocess
    import zipfile

    from entity_graph.graph.tables import raw_value

    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is needed for the spreadsheet test")
        pytest.skip("LibreOffice not installed")
    hostile = ['=HYPERLINK("http://x","y")', "+5+5", "-2+3", "@SUM(1)", "=1+1", "'=1+1"]
    rows = [line(id=doc_id, text=f'=HYPERLINK("http://x","y") {ARTICLE}')
            for doc_id in hostile]
    rows.append(line(id="dialogue", text="- Bonjour, dit Emmanuel Macron à Angela Merkel."))
    code, _, documents = build(tmp_path, capsys, {"a.jsonl": "".join(rows)})
    assert code == 0
    assert {raw_value(d) for d in documents} == {*hostile, "dialogue"}
    out = tmp_path / "out"
    with open(out / "evidence.csv", encoding="utf-8", newline="") as file:
        sentences = {row["sentence"] for row in csv.DictReader(file)}
    assert "- Bonjour, dit Emmanuel Macron à Angela Merkel." in sentences
    tables = sorted(out.glob("*.csv"))
    converted = tmp_path / "ods"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
                    "--headless", "--convert-to", "ods", "--outdir", str(converted),
                    *map(str, tables)], check=True, capture_output=True, timeout=180)
    for table in tables:
        with zipfile.ZipFile(converted / f"{table.stem}.ods") as ods:
            content = ods.read("content.xml").decode("utf-8")
        assert "table:formula" not in content, table.name
        assert "HYPERLINK" in content or table.name in ("entities.csv", "aliases.csv")


def test_decomposed_accents_are_composed_for_the_model_offsets_kept(tmp_path, capsys):
    """NFD text ("E" + combining acute), as some Mac and PDF tools write it: the model
    sees NFC, so "Émile Durand" is one person and "Orléans" a place; offsets still slice
    the file as written; no alias is listed twice in two forms."""
    import unicodedata

    text = unicodedata.normalize(
        "NFD", "Émile Durand est arrivé à Orléans. Émile Durand a rencontré Hélène Müller "
               "à Orléans, puis Émile Durand est reparti.")
    code, _, _ = build(tmp_path, capsys, {"a.txt": f"date 2023-06\n{text}"})
    assert code == 0
    out = tmp_path / "out"
    with open(out / "entities.csv", encoding="utf-8", newline="") as file:
        entities = {row["label"]: row for row in csv.DictReader(file)}
    assert entities["Émile Durand"]["type"] == "PER"
    assert entities["Orléans"]["type"] == "LOC"
    assert entities["Émile Durand"]["aliases"] == "Émile Durand"
    source = (tmp_path / "corpus" / "a.txt").read_text(encoding="utf-8")
    with open(out / "mentions.csv", encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            written = source[int(row["start"]):int(row["end"])]
            assert unicodedata.normalize("NFC", written) == row["text"]


def test_a_full_disk_never_deletes_a_valid_cache(tmp_path, capsys, monkeypatch):
    """With no space left, opening the cache fails: that is a one-line error naming the
    cache, and the cache, which is fine, stays (it used to be taken for corrupt)."""
    import sqlite3

    from entity_graph.pipeline import cache as cache_module

    corpus = tmp_path / "a.txt"
    corpus.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(corpus), "--out", str(out), "-q"]) == 0
    saved = (out / ".entity-graph-cache.sqlite").read_bytes()

    class FullDisk:
        def __init__(self, *args, **kwargs):
            pass

        def execute(self, *args):
            raise sqlite3.OperationalError("database or disk is full")

        def close(self):
            pass

    monkeypatch.setattr(cache_module.sqlite3, "connect", FullDisk)
    capsys.readouterr()
    assert main(["build", str(corpus), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "database or disk is full" in err
    assert ".entity-graph-cache.sqlite" in err
    assert (out / ".entity-graph-cache.sqlite").read_bytes() == saved


def test_a_second_build_in_one_process_with_the_forked_writer_finishes(
        tmp_path, build_with_forked_writer):
    """polars (which writes the XML files and the tables) is not fork-safe once its
    threads have started: a second build in one process (a notebook, a script) must
    finish all the same, writing its outputs in one process."""
    corpus = tmp_path / "a.txt"
    corpus.write_text(ARTICLE, encoding="utf-8")
    assert build_with_forked_writer(corpus, tmp_path / "out", builds=2) == "fork\nno fork\n"
    for n in range(2):
        assert (tmp_path / f"out{n}" / "graph.json").stat().st_size > 0
        assert (tmp_path / f"out{n}" / "graph.graphml").stat().st_size > 0
