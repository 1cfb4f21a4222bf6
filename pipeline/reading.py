"""Read a corpus: folders, `.txt` / `.md` files and `.jsonl` files, into `Document`s.

Reading never stops on one bad file: problems are reported through the `entity_graph`
logger (one line each, naming the file and line) and the document is skipped.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from entity_graph.pipeline.errors import InputError

log = logging.getLogger("entity_graph")

TEXT_SUFFIXES = {".txt", ".md"}
JSONL_SUFFIXES = {".jsonl"}
SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES

# "date 2023-06" or "date 2023-06-01" at the very start of a text file; the rest of the
# line (often the title) stays in the text.
DATE_HEADER = re.compile(r"\A[ \t]*date[ \t]+(\d{4}-\d{2}(?:-\d{2})?)\b[ \t]*\n?", re.IGNORECASE)


@dataclass(frozen=True)
class Document:
    """One article. `offset` is where `text` starts in the decoded source file, so that
    `offset + start` finds a mention in the original file (it is 0 for JSONL)."""

    id: str
    text: str
    date: str | None = None
    title: str | None = None
    source: str | None = None
    path: str = ""
    offset: int = 0


def check_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Return the paths as `Path`s, or raise `InputError` naming the first one missing."""
    checked = []
    for path in map(Path, paths):
        if not path.exists():
            raise InputError(f"{path}: no such file or directory")
        checked.append(path)
    return checked


def corpus_files(paths: Iterable[str | Path]) -> list[tuple[Path, Path]]:
    """The files to read, as (file, root) pairs, sorted within each folder.

    Folders are searched recursively for .txt, .md and .jsonl files; hidden files and
    folders are skipped. A file named explicitly is read whatever its suffix.
    """
    found = []
    for path in check_paths(paths):
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                relative = file.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                if file.suffix.lower() in SUFFIXES and file.is_file():
                    found.append((file, path))
        else:
            found.append((path, path.parent))
    return found


def decode(data: bytes, name: str) -> str | None:
    """Decode file bytes: UTF-8 (BOM dropped), else cp1252 with a warning; None if binary."""
    if b"\x00" in data[:8192]:
        log.warning("%s: binary file, skipped", name)
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        log.warning("%s: not valid UTF-8 (byte %d), read as cp1252", name, error.start)
        return data.decode("cp1252", errors="replace")


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
    try:
        data = file.read_bytes()
    except OSError as error:
        log.warning("%s: cannot read (%s), skipped", name, error.strerror or error)
        return None
    raw = decode(data, name)
    if raw is None:
        return None
    date, offset = parse_date_header(raw)
    text = raw[offset:]
    if not text.strip():
        log.warning("%s: empty file, skipped", name)
        return None
    doc_id = file.relative_to(root).as_posix() if file != root else file.name
    return Document(id=doc_id, text=text, date=date, title=_title(text), path=name, offset=offset)


def _optional_str(value: object) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def read_jsonl_file(file: Path) -> Iterator[Document]:
    name = str(file)
    try:
        data = file.read_bytes()
    except OSError as error:
        log.warning("%s: cannot read (%s), skipped", name, error.strerror or error)
        return
    raw = decode(data, name)
    if raw is None:
        return
    for number, line in enumerate(raw.splitlines(), start=1):
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
        yield Document(
            id=_optional_str(record.get("id")) or f"{file.name}:{number}",
            text=text,
            date=_optional_str(record.get("date")),
            title=_optional_str(record.get("title")),
            source=_optional_str(record.get("source")),
            path=f"{name}:{number}",
        )


def read_documents(paths: Iterable[str | Path]) -> Iterator[Document]:
    """Yield every readable document under `paths`, with unique ids.

    Raises `InputError` up front if a path does not exist; any other problem is a
    warning and the document is skipped.
    """
    seen: dict[str, int] = {}
    for file, root in corpus_files(paths):
        if file.suffix.lower() in JSONL_SUFFIXES:
            documents: Iterable[Document] = read_jsonl_file(file)
        else:
            document = read_text_file(file, root)
            documents = [document] if document else []
        for document in documents:
            if document.id in seen:
                seen[document.id] += 1
                new_id = f"{document.id}#{seen[document.id]}"
                log.warning("%s: duplicate document id %r, renamed %r",
                            document.path, document.id, new_id)
                document = Document(**{**document.__dict__, "id": new_id})
            else:
                seen[document.id] = 1
            yield document
