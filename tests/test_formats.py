"""Corpora as users bring them: CSV/TSV tables, saved web pages and Europresse exports.

The files in tests/fixtures/formats/ were written for these tests in the shapes real
corpora come in (a scraped CSV in cp1252 with semicolons and a multi-line text, a TSV, a
saved news page with its menus, ads and comments, two overlapping Europresse exports);
their articles are made up.
"""

from __future__ import annotations

import csv
import logging
import shutil
from pathlib import Path

import pytest

from entity_graph.pipeline.cli import main
from entity_graph.pipeline.formats.dates import parse_date
from entity_graph.pipeline.formats.delimited import Columns, read_delimited_file
from entity_graph.pipeline.reading import read_documents
from entity_graph.pipeline.run import Settings, build

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "formats"


def documents(path, caplog, **columns):
    with caplog.at_level(logging.INFO, logger="entity_graph"):
        return list(read_documents([path], Columns(**columns)))


def test_csv_columns_found_from_french_headers(caplog):
    docs = documents(FIXTURES / "articles.csv", caplog)
    assert [d.title for d in docs] == ["Tesla accélère en Chine", "Sommet à Bruxelles",
                                       "Date illisible"]
    first = docs[0]
    assert first.id == "https://exemple.fr/a1" and first.source == "Le Quotidien"
    assert first.date == "2023-06-06" and docs[1].date == "2023-06-07"
    assert first.text.startswith("Elon Musk a rencontré à Pékin") and "\n" in first.text
    assert first.format == "csv" and first.offset == 0
    messages = caplog.text
    assert "articles.csv: not valid UTF-8" in messages  # cp1252, read as such
    assert "articles.csv:5: empty text, row skipped" in messages
    assert "articles.csv:6: date 'bientôt' not understood" in messages and docs[2].date is None


def test_tsv_and_named_columns(caplog):
    docs = documents(FIXTURES / "depeches.tsv", caplog)
    assert [(d.id, d.date) for d in docs] == [("afp-1", "2023-06-09"), ("afp-2", "2023-06")]
    named = documents(FIXTURES / "articles.csv", caplog, text="Titre", id="Titre")
    assert named[0].text == "Tesla accélère en Chine" and named[0].id == named[0].text


def test_csv_without_a_text_column_is_skipped_with_its_columns_listed(caplog):
    assert documents(FIXTURES / "sans-texte.csv", caplog) == []
    assert "cannot tell which column holds the text (columns: a, b, c)" in caplog.text
    assert documents(FIXTURES / "depeches.tsv", caplog, text="corps") == []
    assert "no column 'corps' (columns: id, date, text)" in caplog.text


def test_broken_rows_are_reported_and_the_rest_read(tmp_path, caplog):
    table = tmp_path / "t.csv"
    table.write_text('id,text\n1,"Emmanuel Macron à Paris."\n2\n3,"Angela Merkel à Berlin."\n'
                     '4,"jamais fermé\n', encoding="utf-8")
    docs = documents(table, caplog)
    assert [d.id for d in docs] == ["1", "3"]
    assert "t.csv:3: 1 fields, no 'text' column, row skipped" in caplog.text
    assert "t.csv:5: malformed CSV (unexpected end of data), rest of the file skipped" \
        in caplog.text


def test_a_huge_csv_is_streamed(tmp_path):
    table = tmp_path / "big.csv"
    with open(table, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["text"])
        for i in range(20_000):
            writer.writerow([f"Article {i} : Elon Musk à Shanghai. " * 3])
    reader = read_delimited_file(table)
    assert next(reader).id == "big.csv:2"  # the first row, before the file is read through
    assert sum(1 for _ in reader) == 19_999


def test_saved_page_keeps_the_article_and_drops_menus_ads_and_comments(caplog):
    [page] = documents(FIXTURES / "page.html", caplog)
    assert page.format == "html" and page.extracted
    assert page.title == "Élection à Marseille : Benoît Payan réélu"
    assert page.date == "2023-06-12" and page.source == "Le Journal du Sud"
    assert "Martine Vassal" in page.text and "Agnès Pannier-Runacher" in page.text
    for boilerplate in ("S'abonner", "Renault Clio", "Gérard Depardieu", "Mentions légales"):
        assert boilerplate not in page.text


def test_europresse_exports_give_one_document_per_article_counted_once(caplog):
    docs = documents(FIXTURES, caplog)
    exported = [d for d in docs if d.format == "europresse"]
    assert [(d.id, d.source, d.date, d.title) for d in exported] == [
        ("news·20230606·QT·a1b2c3", "Le Quotidien", "2023-06-06", "Visite d'Elon Musk en Chine"),
        ("news·20230607·GN·d4e5f6", "La Gazette du Nord (site web)", "2023-06-07",
         "Grève à la SNCF"),
        ("news·20230612·QT·g7h8i9", "Le Quotidien", "2023-06-12", "Airbus signe avec Air India"),
    ]
    assert exported[0].text.startswith("Visite d'Elon Musk en Chine\n\nElon Musk est arrivé")
    assert "europresse-2.html:article 1: same text as" in caplog.text  # the overlap
    assert "europresse-2.html:article 3: no article text, skipped" in caplog.text


@pytest.mark.parametrize(("written", "iso"), [
    ("mardi 6 juin 2023", "2023-06-06"), ("1er mars 2016", "2016-03-01"),
    ("06/06/2023", "2023-06-06"), ("June 6, 2023", "2023-06-06"), ("juin 2023", "2023-06"),
    ("2023", "2023"), ("2023-06-05T10:00:00+02:00", "2023-06-05"), ("hier", None), ("", None),
])
def test_dates_as_people_write_them(written, iso):
    assert parse_date(written) == iso


def test_inspect_reports_every_file(capsys):
    assert main(["inspect", str(FIXTURES)]) == 0
    out = capsys.readouterr().out.splitlines()
    rows = {line.split()[0].rsplit("/", 1)[-1]: line.split() for line in out[1:-1]}
    assert rows["articles.csv"][1:4] == ["csv", "3", "60"]
    assert rows["europresse-2.html"][1:3] == ["europresse", "1"]
    assert rows["sans-texte.csv"][1:3] == ["-", "0"]
    assert out[-1].split()[:5] == ["total", "(6", "files)", "9", "240"]


def test_every_format_builds_end_to_end_and_offsets_find_the_mentions(tmp_path, nlp):
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURES, corpus)
    out = corpus / "output"  # an output folder inside the corpus is never read back
    result = build([corpus], out, Settings(progress=False), nlp=nlp)
    assert result.documents == 9
    again = build([corpus], out, Settings(progress=False), nlp=nlp)
    assert again.documents == 9 and again.extracted == 0
    with open(out / "documents.csv", encoding="utf-8", newline="") as file:
        rows = {row["id"]: row for row in csv.DictReader(file)}
    assert rows["news·20230612·QT·g7h8i9"]["source"] == "Le Quotidien"
    texts = {doc_id: row["extracted_text"] for doc_id, row in rows.items()
             if row["extracted_text"]}
    assert set(texts) == {"page.html", "news·20230606·QT·a1b2c3", "news·20230607·GN·d4e5f6",
                          "news·20230612·QT·g7h8i9"}
    originals = {d.id: d.text for d in read_documents([FIXTURES])}
    with open(out / "mentions.csv", encoding="utf-8", newline="") as file:
        mentions = list(csv.DictReader(file))
    assert {m["doc_id"] for m in mentions} >= set(texts) | {"afp-1"}
    for m in mentions:  # every offset finds its mention in the text it refers to
        text = texts.get(m["doc_id"]) or originals[m["doc_id"]]
        assert text[int(m["start"]):int(m["end"])] == m["text"], m
    labels = set(result.graph.nodes[n]["label"] for n in result.graph)
    assert {"Benoît Payan", "Guillaume Faury", "Christine Lagarde"} <= labels


def test_hostile_pages_and_tables_are_warnings(tmp_path, caplog):
    (tmp_path / "deep.html").write_text(
        "<html><body>" + "<div>" * 20000 + "Elon Musk à Paris." + "</div>" * 20000
        + "</body></html>", encoding="utf-8")
    (tmp_path / "deep-export.html").write_text(
        '<html><body><article><div class="rdp__DocPublicationName">X</div>'
        '<div class="DocText clearfix">' + "<div>" * 20000 + "<p>Elon Musk à Paris.</p>"
        + "</div>" * 20000 + "</div></article></body></html>", encoding="utf-8")
    (tmp_path / "nul.csv").write_bytes(b"text\n\x00\x00abc\n")
    (tmp_path / "script.html").write_text(
        "<html><body><article><h1>Titre</h1><p>Emmanuel Macron est à Berlin pour rencontrer "
        "Olaf Scholz ce mardi matin avec ses ministres.</p><script>alert('x')</script><p>Il a "
        "ensuite rejoint Munich pour un dîner avec les industriels de l'automobile.</p>"
        "</article></body></html>", encoding="utf-8")
    docs = documents(tmp_path, caplog)
    assert [d.id for d in docs] == ["script.html"] and "alert" not in docs[0].text
    assert "nul.csv: binary file, skipped" in caplog.text
    assert "deep.html: no article text found in the page, skipped" in caplog.text
