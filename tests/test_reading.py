import json
import logging

import pytest

from entity_graph.pipeline.reading import (
    InputError,
    corpus_files,
    parse_date_header,
    read_documents,
)


def read(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="entity_graph"):
        return list(read_documents([tmp_path]))


def test_date_header_month_and_day():
    assert parse_date_header("date 2023-06 Le patron") == ("2023-06", 13)
    assert parse_date_header("date 2023-06-01\nTexte") == ("2023-06-01", 16)
    assert parse_date_header(" date 2023-06 Le") == ("2023-06", 14)


def test_no_date_header():
    assert parse_date_header("La date 2023-06 arrive") == (None, 0)
    assert parse_date_header("date de sortie") == (None, 0)


def test_text_file_with_header_keeps_offset(tmp_path, caplog):
    (tmp_path / "a.txt").write_text("date 2023-06-02\nElon Musk en Chine.", encoding="utf-8")
    [doc] = read(tmp_path, caplog)
    assert doc.date == "2023-06-02"
    assert doc.text == "Elon Musk en Chine."
    original = (tmp_path / "a.txt").read_text(encoding="utf-8")
    assert original[doc.offset:doc.offset + 9] == "Elon Musk"


def test_folder_is_recursive_sorted_and_skips_hidden(tmp_path, caplog):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.md").write_text("Texte Z", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Texte A", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("caché", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("x,y", encoding="utf-8")
    assert [d.id for d in read(tmp_path, caplog)] == ["a.txt", "b/z.md"]


def test_bom_is_dropped(tmp_path, caplog):
    (tmp_path / "a.txt").write_bytes("\ufeffParis".encode())
    [doc] = read(tmp_path, caplog)
    assert doc.text == "Paris"
    assert not caplog.records


def test_cp1252_file_is_read_with_a_warning(tmp_path, caplog):
    (tmp_path / "a.txt").write_bytes("Le président est à Genève.".encode("cp1252"))
    [doc] = read(tmp_path, caplog)
    assert doc.text == "Le président est à Genève."
    [warning] = caplog.records
    assert "a.txt" in warning.getMessage() and "cp1252" in warning.getMessage()


def test_empty_and_binary_files_are_skipped_with_one_warning_each(tmp_path, caplog):
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x00\x00\x00IHDR")
    (tmp_path / "good.txt").write_text("Paris", encoding="utf-8")
    docs = read(tmp_path, caplog)
    assert [d.id for d in docs] == ["good.txt"]
    messages = sorted(r.getMessage() for r in caplog.records)
    assert len(messages) == 2
    assert "binary.txt: binary" in messages[0] and "empty.txt: empty" in messages[1]


def test_jsonl_fields_and_bad_lines(tmp_path, caplog):
    lines = [
        json.dumps({"id": "x1", "text": "Paris", "date": "2020-01-01", "source": "S",
                    "title": "T", "entities": []}),
        "{not json",
        json.dumps({"id": "x2"}),
        json.dumps(["a list"]),
        "",
        json.dumps({"text": "Lyon"}),
    ]
    (tmp_path / "docs.jsonl").write_text("\n".join(lines), encoding="utf-8")
    docs = read(tmp_path, caplog)
    assert [(d.id, d.text, d.date, d.source, d.title) for d in docs] == [
        ("x1", "Paris", "2020-01-01", "S", "T"),
        ("docs.jsonl:6", "Lyon", None, None, None),
    ]
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3
    assert [m.split(":")[1] for m in messages] == ["2", "3", "4"]


def test_duplicate_ids_are_made_unique(tmp_path, caplog):
    line = json.dumps({"id": "same", "text": "Paris"})
    (tmp_path / "a.jsonl").write_text(line + "\n" + line, encoding="utf-8")
    assert [d.id for d in read(tmp_path, caplog)] == ["same", "same#2"]
    assert "duplicate" in caplog.records[0].getMessage()


def test_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="nope: no such file"):
        corpus_files([tmp_path / "nope"])
