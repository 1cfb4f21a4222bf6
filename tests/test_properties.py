"""Property-based tests (Hypothesis): arbitrary Unicode — control characters, lone
surrogates, combining marks, line and paragraph separators, non-characters, empty and
long strings — thrown at the readers and at whole builds. Whatever the input: no
traceback, every valid document kept, every XML file well-formed, every CSV and JSON
file readable. The budget is fixed and the examples derandomised, so CI stays fast and
repeatable."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

import networkx as nx
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from entity_graph.graph.tables import raw_value
from entity_graph.pipeline.reading import read_jsonl_file
from entity_graph.pipeline.run import build

ARTICLE = "Emmanuel Macron a rencontré Angela Merkel à Berlin."
NASTY = ["\x00", "\x01", "\x1b", "\x0b", "\x0c", "\r", "\t", "\u0085", "\u2028", "\u2029",
         "\ud800", "\udfff", "\ufffe", "\uffff", "\u0301", "\u0327", "\u200b", "\ufeff",
         "\u00a0", "=", "+", "-", "@", "<", "&", "\"", "'", "\n", "é", "Œ", "😀"]
noise = st.text(alphabet=st.one_of(st.sampled_from(NASTY), st.characters(
    codec=None, exclude_categories=())), max_size=300)
FAST = settings(max_examples=60, deadline=None, derandomize=True)
SLOW = settings(max_examples=8, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow,
                                       HealthCheck.function_scoped_fixture])


@FAST
@given(st.lists(st.one_of(noise, st.builds(lambda t: json.dumps({"text": t}), noise)),
                max_size=12))
def test_the_jsonl_reader_keeps_every_valid_line_and_never_raises(lines):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.jsonl"
        # As a file would hold them: lone surrogates cannot be UTF-8, so they are escaped.
        path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
        documents = list(read_jsonl_file(path))
    valid = 0
    for line in "\n".join(lines).split("\n"):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        valid += isinstance(record, dict) and isinstance(record.get("text"), str) \
            and bool(record["text"].strip())
    if all("\ud800" > c or c > "\udfff" for line in lines for c in line):
        assert len(documents) == valid  # (raw surrogates make the file cp1252 instead)
    for document in documents:
        assert not any("\ud800" <= c <= "\udfff" for c in document.text)


@SLOW
@given(st.lists(st.tuples(noise, noise), min_size=1, max_size=4))
def test_a_build_of_hostile_documents_keeps_them_all_and_writes_readable_files(nlp, docs):
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus.jsonl"
        rows = [json.dumps({"id": f"d{n}", "title": title, "text": f"{before} {ARTICLE}"})
                for n, (title, before) in enumerate(docs)]
        corpus.write_text("\n".join(rows) + "\n", encoding="utf-8")
        out = Path(folder) / "out"
        result = build([corpus], out, nlp=nlp, progress=False)
        for name in ("graph.graphml", "graph.gexf"):
            etree.parse(str(out / name))
        nx.read_graphml(out / "graph.graphml")
        json.loads((out / "graph.json").read_text(encoding="utf-8"))
        for table in out.glob("*.csv"):
            with open(table, encoding="utf-8", newline="") as file:
                assert list(csv.reader(file))
        with open(result.outputs["mentions.csv"], encoding="utf-8", newline="") as file:
            documents = {raw_value(row["doc_id"]) for row in csv.DictReader(file)}
        assert documents == {f"d{n}" for n in range(len(docs))}


# The writers apply these rules a column at a time with polars; the Python functions are
# the rules' definitions. Lone surrogates never reach a column (polars' text is UTF-8;
# the readers replace them).
no_surrogates = st.text(alphabet=st.one_of(st.sampled_from(NASTY), st.characters(
    codec="utf-8", exclude_categories=())), max_size=60)


@FAST
@given(st.lists(no_surrogates, max_size=40))
# Every character a rule treats apart, whatever the draws hold.
@example(texts=["".join(map(chr, range(0x20))) + "\x7f\ufffe\uffff",
                "".join(c for c in NASTY if not "\ud800" <= c <= "\udfff")])
def test_the_column_rules_equal_the_python_rules(texts):
    import polars as pl

    from entity_graph.graph.attributes import (
        xml_attribute_text,
        xml_text,
        xml_text_expression,
    )
    from entity_graph.graph.tables import _spreadsheet_safe_column, spreadsheet_safe

    frame = pl.DataFrame({"t": texts}, schema={"t": pl.String})
    element = frame.select(xml_text_expression(pl.col("t"))).to_series().to_list()
    attribute = frame.select(xml_text_expression(pl.col("t"), attribute=True)
                             ).to_series().to_list()
    safe = frame.select(_spreadsheet_safe_column("t")).to_series().to_list()
    assert element == [xml_text(text) for text in texts]
    assert attribute == [xml_attribute_text(text) for text in texts]
    assert safe == [spreadsheet_safe(text) or None for text in texts]  # "" is an empty cell


def _propagated_one_by_one(mentions, text):
    """`propagate` as first written: each match checked against every span taken so far."""
    import re

    from entity_graph.pipeline.extraction.mentions import Mention
    from entity_graph.pipeline.extraction.normalize import fold
    from entity_graph.pipeline.rules.cleaning import context_cue, person_title
    from entity_graph.pipeline.rules.consistency import surnames
    from entity_graph.pipeline.rules.french import FUNCTION_WORDS

    names = {m.name: m.label for m in mentions
             if len(m.name) >= 3 and fold(m.name) not in FUNCTION_WORDS}
    for surname in surnames(mentions):
        names.setdefault(surname, "PER")
    if not names:
        return sorted(mentions)
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    taken = [(m.start, m.end) for m in mentions]
    found = list(mentions)
    for match in re.finditer(rf"(?<![\w'])(?:{alternatives})(?![\w'])", text):
        start, end = match.span()
        if not any(start < e and s < end for s, e in taken):
            name, label = match.group(), names[match.group()]
            title = person_title(text[max(0, start - 60):start])
            if title and label == "PER" and title != "M." and " " not in name:
                name = f"{title} {name}"
            cue = context_cue(text[max(0, start - 60):start], text[end:end + 30]) or ""
            found.append(Mention(start, end, label, name, cue=cue))
            taken.append((start, end))
    return sorted(found)


WORDS = ["Berne", "Berne-Ouest", "Paris", "Musk", "Elon Musk", "le", "de", "M.", "Tesla",
         "canton", "la", "l'", "x", "Paris-Berne", "l'Europe", "Europe", "Berne_2", "Berne²",
         "Berne'", "Zürich", "Zürich-Ouest", "(Paris)", "Paris.", "Jean", "Mme"]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30),
       st.lists(st.tuples(st.booleans(), st.floats(0, 1), st.floats(0, 1),
                          st.sampled_from(["PER", "ORG", "LOC"])), max_size=8))
@example(["Berne", "Paris", "Berne"], [(True, 0, 0.2, "LOC"), (False, 6 / 17, 12 / 17, "LOC")])
@example(["Berne", "Paris", "Berne"], [(True, 0, 0.2, "LOC"), (False, 16 / 17, 1, "LOC")])
def test_names_found_again_are_those_a_check_of_every_span_finds(words, spans):
    """`propagate` finds names with `str.find` and checks a match against the model's
    mentions by bisection: here against one regular expression and a check of every
    span. The model's mentions are whole words (names to find again) or any characters
    (spans that overlap each other, nest, start or end inside a match or at its edge:
    the examples are a span that ends where a match starts, and one that starts on its
    last character)."""
    from entity_graph.pipeline.extraction.mentions import Mention
    from entity_graph.pipeline.rules.consistency import propagate

    text = " ".join(words)
    edges = sorted({0, len(text)} | {i for i, c in enumerate(text) if c == " "}
                   | {i + 1 for i, c in enumerate(text) if c == " "})
    mentions = []
    for whole_words, one, other, label in spans:
        bounds = edges if whole_words else range(len(text) + 1)
        start, end = sorted((bounds[round(one * (len(bounds) - 1))],
                             bounds[round(other * (len(bounds) - 1))]))
        if start < end:
            mentions.append(Mention(start, end, label, text[start:end]))
    assert propagate(mentions, text) == _propagated_one_by_one(mentions, text)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6, unique=True),
       st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(["", " ", "-", "'", "_", ", "])),
                max_size=30))
@example(["a-x", "x-x"], [("a-x-x-x", "")])  # "x-x" at 2 is taken by "a-x", at 4 it is not
def test_whole_words_are_found_where_one_regular_expression_finds_them(names, pieces):
    import re

    from entity_graph.pipeline.rules.consistency import _whole_word_matches

    text = "".join(word + separator for word, separator in pieces)
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    expected = [match.span() for match in
                re.finditer(rf"(?<![\w'])(?:{alternatives})(?![\w'])", text)]
    assert _whole_word_matches(names, text) == expected
