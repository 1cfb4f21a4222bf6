"""What a build would read, file by file, without running any NLP (`entity-graph
inspect`): the format, documents, words and dates found, and how many problems."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from entity_graph.pipeline.formats.delimited import Columns
from entity_graph.pipeline.reading import corpus_files, earlier_copy, file_documents

log = logging.getLogger("entity_graph")


@dataclass
class FileReport:
    """What one corpus file holds."""

    path: str
    formats: set[str] = field(default_factory=set)
    documents: int = 0
    words: int = 0
    dated: int = 0
    first_date: str = ""
    last_date: str = ""
    duplicates: int = 0
    problems: int = 0


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextmanager
def _counting_warnings() -> Iterator[_Counter]:
    counter = _Counter()
    log.addHandler(counter)
    try:
        yield counter
    finally:
        log.removeHandler(counter)


def inspect_corpus(paths: Iterable[str | Path], columns: Columns | None = None,
                   ) -> list[FileReport]:
    """One report per corpus file under `paths`, in reading order (the warnings are
    logged as a build logs them, and counted).

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("date 2023-06\\nElon Musk en Chine.", encoding="utf-8")
    >>> [(r.documents, r.words, r.first_date) for r in inspect_corpus([folder])]
    [(1, 4, '2023-06')]
    """
    reports = []
    exported: dict[str, str] = {}
    for file, root in corpus_files(paths):
        report = FileReport(str(file))
        dates = []
        with _counting_warnings() as counter:
            for document in file_documents(file, root, columns):
                if earlier_copy(document, exported):
                    report.duplicates += 1
                    continue
                report.formats.add(document.format)
                report.documents += 1
                report.words += len(document.text.split())
                if document.date:
                    dates.append(document.date)
        report.problems = counter.count
        report.dated = len(dates)
        report.first_date, report.last_date = (min(dates), max(dates)) if dates else ("", "")
        reports.append(report)
    return reports


def format_reports(reports: list[FileReport]) -> str:
    """The reports as a table, with a total line."""
    rows = [("file", "format", "documents", "words", "dated", "dates", "duplicates",
             "problems")]
    for r in reports:
        rows.append((r.path, ",".join(sorted(r.formats)) or "-", f"{r.documents:,}",
                     f"{r.words:,}", f"{r.dated:,}",
                     f"{r.first_date} to {r.last_date}" if r.dated else "-",
                     f"{r.duplicates:,}", f"{r.problems:,}"))
    dates = [d for r in reports for d in (r.first_date, r.last_date) if d]
    rows.append((f"total ({len(reports)} files)", "", f"{sum(r.documents for r in reports):,}",
                 f"{sum(r.words for r in reports):,}", f"{sum(r.dated for r in reports):,}",
                 f"{min(dates)} to {max(dates)}" if dates else "-",
                 f"{sum(r.duplicates for r in reports):,}",
                 f"{sum(r.problems for r in reports):,}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                               for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
                     .rstrip() for row in rows)
