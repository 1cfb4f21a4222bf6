"""CSV and TSV tables with one article per row, streamed row by row.

The text column (and the optional id, date, title and source columns) are named with
`Columns`, or found from the header among common names (`CANDIDATES`, compared folded:
"Texte", "full_text" and "Full text" all match). A file whose text column cannot be
told is skipped with a warning listing its columns.
"""

from __future__ import annotations

import codecs
import csv
import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO

from entity_graph.pipeline.extraction.normalize import fold
from entity_graph.pipeline.formats.dates import parse_date
from entity_graph.pipeline.reading import Document, no_lone_surrogates

log = logging.getLogger("entity_graph")

# Common header names, most specific first; the first one present wins.
CANDIDATES = {
    "text": ("text", "texte", "content", "contenu", "body", "corps", "article", "full_text",
             "article_text", "maintext"),
    "id": ("id", "identifiant", "doc_id", "document_id", "article_id", "uuid", "url",
           "link", "lien"),
    "date": ("date", "date de publication", "date_publication", "publication_date",
             "published", "pubdate", "published_at", "datetime", "created_at", "timestamp"),
    "title": ("title", "titre", "headline"),
    "source": ("source", "journal", "media", "média", "publication", "newspaper", "site",
               "sitename"),
}
_DELIMITERS = ",;\t|"


@dataclass(frozen=True)
class Columns:
    """The header names of the columns holding each field; None: found from the header."""

    text: str | None = None
    id: str | None = None
    date: str | None = None
    title: str | None = None
    source: str | None = None


class ColumnError(ValueError):
    """The header does not say where a field is."""


def find_columns(header: list[str], given: Columns) -> dict[str, int]:
    """The position of each field in `header`: the column named in `given`, else the
    first of `CANDIDATES` present. Raises `ColumnError` when the text column cannot be
    told or a named column is missing.

    >>> find_columns(["Titre", "Date", "Texte"], Columns())
    {'text': 2, 'date': 1, 'title': 0}
    >>> find_columns(["a", "b"], Columns())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    entity_graph...ColumnError: cannot tell which column holds the text (columns: a, b); ...
    """
    folded = {fold(name): position for position, name in reversed(list(enumerate(header)))}
    listed = ", ".join(header)
    found = {}
    for field in (f.name for f in fields(Columns)):
        name = getattr(given, field)
        if name is not None:
            if name in header:
                found[field] = header.index(name)
            elif fold(name) in folded:
                found[field] = folded[fold(name)]
            else:
                raise ColumnError(f"no column {name!r} (columns: {listed})")
            continue
        for candidate in CANDIDATES[field]:
            if fold(candidate) in folded:
                found[field] = folded[fold(candidate)]
                break
    if "text" not in found:
        raise ColumnError(f"cannot tell which column holds the text (columns: {listed}); "
                          "name it with --text-column")
    return found


def _encoding(file: Path, name: str) -> str | None:
    """The file's encoding: UTF-16 with its mark, UTF-8 (checked in one streamed pass),
    else cp1252 with a warning; None for a binary file."""
    with open(file, "rb") as raw:
        head = raw.read(8192)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "utf-16"
        if b"\x00" in head:
            log.warning("%s: binary file, skipped", name)
            return None
        decoder = codecs.getincrementaldecoder("utf-8")()
        chunk, read = head, 0
        try:
            while chunk:
                decoder.decode(chunk)
                read += len(chunk)
                chunk = raw.read(1 << 20)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            log.warning("%s: not valid UTF-8 (byte %d), read as cp1252", name,
                        read + error.start)
            return "cp1252"
    return "utf-8-sig"


def _delimiter(file: Path, header_line: str) -> str:
    if file.suffix.lower() == ".tsv":
        return "\t"
    return max(_DELIMITERS, key=header_line.count)  # ties: the earlier, the comma first


def read_delimited_file(file: Path, columns: Columns | None = None) -> Iterator[Document]:
    """The documents of a CSV/TSV file, one per row with a non-empty text; ids default
    to "file:line" (the line where the row starts)."""
    name = str(file)
    try:
        encoding = _encoding(file, name)
        if encoding is None:
            return
        with open(file, encoding=encoding, errors="replace", newline="") as text:
            yield from _rows(file, text, columns or Columns())
    except OSError as error:
        log.warning("%s: cannot read (%s), skipped", name, error.strerror or error)


def _rows(file: Path, text: IO[str], columns: Columns) -> Iterator[Document]:
    name = str(file)
    header_line = text.readline()
    text.seek(0)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # an article is a long field
    # strict: a stray quote is reported where it is, instead of swallowing every row
    # after it into one field.
    reader = csv.reader(text, delimiter=_delimiter(file, header_line), strict=True)
    line = 0
    try:
        header = next(reader, None)
        if not header:
            log.warning("%s: empty file, skipped", name)
            return
        try:
            found = find_columns(header, columns)
        except ColumnError as error:
            log.warning("%s: %s, skipped", name, error)
            return
        line = reader.line_num
        for row in reader:
            start, line = line + 1, reader.line_num
            where = f"{name}:{start}"
            value = {field: row[at].strip() if at < len(row) else None
                     for field, at in found.items()}
            if value["text"] is None:
                log.warning("%s: %d fields, no %r column, row skipped", where, len(row),
                            header[found["text"]])
                continue
            if not value["text"]:
                if any(cell.strip() for cell in row):
                    log.warning("%s: empty text, row skipped", where)
                continue
            date = None
            if value.get("date"):
                date = parse_date(value["date"])
                if date is None:
                    log.warning("%s: date %r not understood, row left undated", where,
                                value["date"])
            yield Document(
                id=no_lone_surrogates(value.get("id") or f"{file.name}:{start}", where),
                text=no_lone_surrogates(row[found["text"]], where), date=date,
                title=value.get("title") or None, source=value.get("source") or None,
                path=where, format="csv")
    except csv.Error as error:  # reported at the line where the broken row starts
        log.warning("%s:%d: malformed CSV (%s), rest of the file skipped", name,
                    line + 1, error)
