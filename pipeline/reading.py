"""Read a corpus into `Document`s: folders, `.txt` / `.md` files, `.jsonl` files, and
through `formats/` CSV/TSV tables, saved web pages and Europresse exports.

Reading never stops on one bad file: problems are reported through the `entity_graph`
logger (one line each, naming the file and line) and the document is skipped.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from entity_graph.pipeline.errors import InputError

if TYPE_CHECKING:
    from entity_graph.pipeline.formats.delimited import Columns

log = logging.getLogger("entity_graph")

TEXT_SUFFIXES = {".txt", ".md"}
JSONL_SUFFIXES = {".jsonl"}
TABLE_SUFFIXES = {".csv", ".tsv"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | TABLE_SUFFIXES | HTML_SUFFIXES
# A folder holding one of these is a build's output folder (its graph.html and CSV
# tables are no articles): never read as corpus.
OUTPUT_MARKERS = (".entity-graph.lock", ".entity-graph-cache.sqlite")

# "date 2023-06" or "date 2023-06-01" at the very start of a text file; the rest of the
# line (often the title) stays in the text.
DATE_HEADER = re.compile(r"\A[ \t]*date[ \t]+(\d{4}-\d{2}(?:-\d{2})?)\b[ \t]*\n?", re.IGNORECASE)


@dataclass(frozen=True)
class Document:
    """One article. `offset` is where `text` starts in the decoded source file, so that
    `offset + start` finds a mention in the original file (it is 0 for JSONL and CSV,
    whose offsets count from the start of the text field). `format` says where the text
    came from: "text", "jsonl", "csv", or "html" and "europresse", whose text was
    extracted from markup and is in no file of the corpus."""

    id: str
    text: str
    date: str | None = None
    title: str | None = None
    source: str | None = None
    path: str = ""
    offset: int = 0
    format: str = "text"

    @property
    def extracted(self) -> bool:
        """Whether the text was extracted from markup (kept in `documents.csv`)."""
        return self.format in ("html", "europresse")


def check_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Return the paths as `Path`s, or raise `InputError` naming the first one missing."""
    checked = []
    for path in map(Path, paths):
        if not path.exists():
            raise InputError(f"{path}: no such file or directory")
        checked.append(path)
    return checked


def _folder_files(folder: Path) -> Iterator[Path]:
    """The corpus files under `folder`, sorted; what cannot be read there (a folder
    without permission, a broken symbolic link) is a warning. Symbolic links to folders
    are not followed (a link to a parent would loop)."""
    def unreadable(error: OSError) -> None:
        log.warning("%s: cannot read the folder (%s), skipped", error.filename,
                    error.strerror or error)

    found = []
    for top, folders, files in os.walk(folder, onerror=unreadable):
        if any(marker in files for marker in OUTPUT_MARKERS):
            log.info("%s: an entity-graph output folder, not read as corpus", top)
            folders[:] = []
            continue
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in files:
            file = Path(top, name)
            if name.startswith(".") or file.suffix.lower() not in SUFFIXES:
                continue
            if file.is_file():
                found.append(file)
            elif file.is_symlink():
                log.warning("%s: broken symbolic link, skipped", file)
            else:
                log.warning("%s: not a regular file, skipped", file)
    return iter(sorted(found))


def corpus_files(paths: Iterable[str | Path]) -> list[tuple[Path, Path]]:
    """The files to read, as (file, root) pairs, sorted within each folder.

    Folders are searched recursively for .txt, .md, .jsonl, .csv, .tsv, .html and .htm
    files; hidden files and folders, and the output folders of builds, are skipped. A
    file named explicitly is read whatever its suffix; a path that is no regular file (a
    FIFO, a device) is a warning, never a read that waits forever.
    """
    found = []
    for path in check_paths(paths):
        if path.is_dir():
            found += [(file, path) for file in _folder_files(path)]
        elif path.is_file():
            found.append((path, path.parent))
        else:
            log.warning("%s: not a regular file, skipped", path)
    return found


def decode(data: bytes, name: str) -> str | None:
    """Decode file bytes: UTF-16 with a byte-order mark, UTF-8 (BOM dropped), else cp1252
    with a warning; None if binary."""
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):  # Windows' "Unicode" text: UTF-16 with its mark
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                log.warning("%s: not valid UTF-16 despite its byte-order mark, skipped", name)
                return None
    if b"\x00" in data[:8192]:
        log.warning("%s: binary file, skipped", name)
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        log.warning("%s: not valid UTF-8 (byte %d), read as cp1252", name, error.start)
        return data.decode("cp1252", errors="replace")


def read_decoded(file: Path) -> str | None:
    """A file's text (see `decode`), or None with a warning when it cannot be read."""
    try:
        data = file.read_bytes()
    except OSError as error:
        log.warning("%s: cannot read (%s), skipped", file, error.strerror or error)
        return None
    return decode(data, str(file))


_DATE_SHAPE = re.compile(r"\A(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def calendar_date(value: str | None) -> str | None:
    """`value` when it is a real calendar date written YYYY, YYYY-MM or YYYY-MM-DD, else
    None ("NA", "2023-13", "2023-02-30").

    >>> calendar_date("2023-06"), calendar_date("2024-02-29"), calendar_date("2023-02-30")
    ('2023-06', '2024-02-29', None)
    >>> calendar_date("2023-13"), calendar_date("0000"), calendar_date("NA")
    (None, None, None)
    """
    match = _DATE_SHAPE.match(value or "")
    if not match:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        datetime.date(year, month, day)
    except ValueError:
        return None
    return value


def _checked_date(value: str | None, where: str) -> str | None:
    """The date, or None with a warning when it has a date's shape but is no real date."""
    date = calendar_date(value)
    if value and date is None and re.match(r"\A\d{4}-\d", value):
        log.warning("%s: date %r is no calendar date, document left undated", where, value)
    return date


def no_lone_surrogates(value: str, where: str) -> str:
    """`value` with each lone surrogate (valid in JSON, "\\ud800", but no character)
    replaced by U+FFFD: one for one, so offsets stay right."""
    if not _LONE_SURROGATE.search(value):
        return value
    log.warning("%s: lone surrogate in the text, replaced by U+FFFD", where)
    return _LONE_SURROGATE.sub("\ufffd", value)


def parse_date_header(text: str) -> tuple[str | None, int]:
    """Return (date, length of the header) for a text starting with `date YYYY-MM[-DD]`.

    >>> parse_date_header("date 2023-06 Le patron de Tesla...")
    ('2023-06', 13)
    >>> parse_date_header("Le patron de Tesla...")
    (None, 0)
    """
    match = DATE_HEADER.match(text)
    if not match:
        return None, 0
    return match.group(1), match.end()


def _title(text: str) -> str | None:
    first_line, _, rest = text.strip().partition("\n")
    first_line = first_line.strip()
    if rest.strip() and 0 < len(first_line) <= 200:
        return first_line
    return None


def read_text_file(file: Path, root: Path) -> Document | None:
    name = str(file)
    raw = read_decoded(file)
    if raw is None:
        return None
    date, offset = parse_date_header(raw)
    date = _checked_date(date, name)
    text = raw[offset:]
    if not text.strip():
        log.warning("%s: empty file, skipped", name)
        return None
    doc_id = file.relative_to(root).as_posix() if file != root else file.name
    return Document(id=doc_id, text=text, date=date, title=_title(text), path=name,
                    offset=offset)


def _optional_str(value: object) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def read_jsonl_file(file: Path) -> Iterator[Document]:
    name = str(file)
    raw = read_decoded(file)
    if raw is None:
        return
    # Lines end at "\n" only: `str.splitlines` also splits at U+2028, U+2029 and U+0085,
    # which JSON strings may hold raw.
    for number, line in enumerate(raw.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            log.warning("%s:%d: invalid JSON (%s), line skipped", name, number, error.msg)
            continue
        if not isinstance(record, dict):
            log.warning("%s:%d: not a JSON object, line skipped", name, number)
            continue
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            log.warning("%s:%d: no \"text\" field (or empty), line skipped", name, number)
            continue
        where = f"{name}:{number}"
        fields = {key: _optional_str(record.get(key)) for key in ("id", "title", "source")}
        fields = {key: value and no_lone_surrogates(value, where) for key, value in fields.items()}
        yield Document(
            id=fields["id"] or f"{file.name}:{number}",
            text=no_lone_surrogates(text, where),
            date=_checked_date(_optional_str(record.get("date")), where),
            title=fields["title"],
            source=fields["source"],
            path=where,
            format="jsonl",
        )


def _html_documents(file: Path, root: Path) -> Iterator[Document]:
    """The articles of a saved page (one) or of a Europresse export (many)."""
    from entity_graph.pipeline.formats.europresse import is_europresse, read_europresse
    from entity_graph.pipeline.formats.web import read_web_page

    html = read_decoded(file)
    if html is None:
        return
    if is_europresse(html):
        yield from read_europresse(file, html)
    else:
        page = read_web_page(file, root, html)
        if page is not None:
            yield page


def file_documents(file: Path, root: Path, columns: Columns | None = None, *,
                   markup: bool = True) -> Iterator[Document]:
    """The documents of one corpus file, read the way its suffix says (`markup=False`
    skips web pages and exports, whose extraction is the slow part of reading)."""
    suffix = file.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl_file(file)
    elif suffix in TABLE_SUFFIXES:
        from entity_graph.pipeline.formats.delimited import read_delimited_file

        yield from read_delimited_file(file, columns)
    elif suffix in HTML_SUFFIXES:
        if markup:
            yield from _html_documents(file, root)
    else:
        document = read_text_file(file, root)
        if document:
            yield document


def earlier_copy(document: Document, exported: dict[str, str]) -> str | None:
    """For an article of a Europresse export, where an earlier one with the same text
    (spaces and case aside) was read, as overlapping exports repeat articles; else None,
    and the article is remembered in `exported`."""
    if document.format != "europresse":
        return None
    key = hashlib.sha1(" ".join(document.text.split()).casefold().encode("utf-8")).hexdigest()
    if key in exported:
        return exported[key]
    exported[key] = document.path
    return None


def read_documents(paths: Iterable[str | Path], columns: Columns | None = None, *,
                   markup: bool = True) -> Iterator[Document]:
    """Yield every readable document under `paths`, with unique ids; CSV/TSV columns as
    `columns` says (or found from the header). An article of a Europresse export whose
    text an earlier one already had (overlapping exports) is counted once.

    Raises `InputError` up front if a path does not exist; any other problem is a
    warning and the document is skipped.
    """
    seen: dict[str, int] = {}
    exported: dict[str, str] = {}
    for file, root in corpus_files(paths):
        for document in file_documents(file, root, columns, markup=markup):
            earlier = earlier_copy(document, exported)
            if earlier:
                log.info("%s: same text as %s, counted once", document.path, earlier)
                continue
            if document.id in seen:
                # The first free "id#n": a renamed id never takes one the corpus uses,
                # and one the corpus uses later is renamed in its turn.
                number = seen[document.id] + 1
                while f"{document.id}#{number}" in seen:
                    number += 1
                seen[document.id] = number
                new_id = f"{document.id}#{number}"
                log.warning("%s: duplicate document id %r, renamed %r",
                            document.path, document.id, new_id)
                document = replace(document, id=new_id)
            seen[document.id] = seen.get(document.id, 1)
            yield document
