"""What the NLP found in each document, kept in one SQLite file so that re-runs skip it.

An entry's key is a hash of the document's text and of everything that shapes extraction
(the model's name and version, spaCy's version, the entity types, the curation file and
the source code of the extraction modules), so a changed text, model, setting or rule
is a miss, never a stale hit. The value is the document's `Extraction` as compressed
JSON (not pickle: an output folder must be safe to open). Each batch is committed in one
transaction, so an interrupted run leaves only whole entries and the next run resumes.
"""

from __future__ import annotations

import hashlib
import sqlite3
import zlib
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

import orjson

from entity_graph.pipeline.errors import CacheError, OutputError
from entity_graph.pipeline.extraction.records import Extraction, RecordMention
from entity_graph.pipeline.extraction.relations import SentenceRelation

CACHE_NAME = ".entity-graph-cache.sqlite"
# The folders whose code decides what a document's mentions are: every module in them,
# present or future, is part of the fingerprint (no list to keep up to date).
EXTRACTION_FOLDERS = ("extraction", "rules")


def source_files() -> list[Path]:
    """The source files of the extraction folders, in a stable order.

    >>> any(path.name == "cleaning.py" for path in source_files())
    True
    """
    here = Path(__file__).parent
    return sorted(path for folder in EXTRACTION_FOLDERS for path in (here / folder).rglob("*.py"))


def model_version(model: str) -> str:
    """The installed version of a model package, or a hash of a model folder's meta.json."""
    try:
        return metadata.version(model.replace("_", "-"))
    except metadata.PackageNotFoundError:
        meta = Path(model) / "meta.json"
        return hashlib.sha256(meta.read_bytes()).hexdigest()[:16] if meta.is_file() else "?"


def fingerprint(model: str, types: Iterable[str], curation_file: str | Path | None, *,
                sources: Iterable[Path] | None = None, relations: bool = False) -> str:
    """Everything besides the text that an extraction depends on, as one hash: the model
    and its version, spaCy's version, the types, the curation file, whether relations
    are extracted, and the code of `sources` (by default every module of the extraction
    folders)."""
    digest = hashlib.sha256()
    for part in (model, model_version(model), metadata.version("spacy"), ",".join(sorted(types))):
        digest.update(part.encode() + b"\0")
    if relations:  # without, the keys of earlier builds stay valid
        digest.update(b"relations\0")
    digest.update(Path(curation_file).read_bytes() if curation_file else b"")
    for path in source_files() if sources is None else sources:
        digest.update(f"{path.parent.name}/{path.name}".encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def document_key(text: str, fingerprint: str) -> str:
    """The cache key of one document's text under one extraction fingerprint."""
    return hashlib.sha256(f"{fingerprint}\0{text}".encode()).hexdigest()


def _encode(extraction: Extraction) -> bytes:
    data = {"words": extraction.words, "tokens": extraction.tokens,
            "sentence_count": extraction.sentence_count,
            "paragraph_count": extraction.paragraph_count,
            "mentions": [list(m) for m in extraction.mentions],
            "sentences": [[number, text] for number, text in extraction.sentences.items()],
            "relations": [list(r) for r in extraction.relations]}
    return zlib.compress(orjson.dumps(data))  # texts hold no lone surrogate (see `reading`)


def _decode(blob: bytes) -> Extraction:
    data = orjson.loads(zlib.decompress(blob))  # a build reads every entry several times
    return Extraction(words=data["words"], tokens=data["tokens"],
                      sentence_count=data["sentence_count"],
                      paragraph_count=data["paragraph_count"],
                      mentions=[RecordMention(*m) for m in data["mentions"]],
                      sentences={number: text for number, text in data["sentences"]},
                      relations=[SentenceRelation(*r) for r in data.get("relations", [])])


class MentionCache:
    """Extractions by document key, in an SQLite file (with `path=None`, a private
    temporary file that SQLite deletes when the cache is closed or garbage-collected).

    >>> cache = MentionCache(None)
    >>> cache.put_many([("k", Extraction(words=3, tokens=4))])
    >>> cache.get("k").words, cache.get("other")
    (3, None)
    """

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path else None
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(str(self.path) if self.path else "",
                                       check_same_thread=False)
        except sqlite3.Error as error:
            raise OutputError(f"{self.path}: cannot open the cache ({error})") from error
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS extractions "
                             "(key TEXT PRIMARY KEY, value BLOB NOT NULL)")
            # A damaged page behind an intact header only shows when it is read: look at
            # every page now, once, rather than fail in the middle of a build.
            (verdict,) = self._db.execute("PRAGMA quick_check(1)").fetchone()
            if verdict != "ok":
                raise sqlite3.DatabaseError(" ".join(verdict.split()))
        except sqlite3.OperationalError as error:  # a full disk, a read-only folder
            self._db.close()
            raise OutputError(f"{self.path}: cannot use the cache ({error})") from error
        except sqlite3.DatabaseError as error:  # not a database, or a damaged one
            self._db.close()
            raise CacheError(f"{self.path}: not a usable cache ({error}); "
                             "delete it or run `entity-graph cache clear`") from error

    def get(self, key: str) -> Extraction | None:
        row = self._db.execute("SELECT value FROM extractions WHERE key = ?", (key,)).fetchone()
        return _decode(row[0]) if row else None

    def missing(self, keys: Iterable[str]) -> set[str]:
        """The keys among `keys` that have no entry."""
        keys = set(keys)
        present: set[str] = set()
        ordered = sorted(keys)
        for start in range(0, len(ordered), 500):  # SQLite limits bound parameters
            chunk = ordered[start:start + 500]
            rows = self._db.execute(
                f"SELECT key FROM extractions WHERE key IN ({','.join('?' * len(chunk))})",
                chunk)
            present.update(key for (key,) in rows)
        return keys - present

    def put_many(self, items: Iterable[tuple[str, Extraction]]) -> None:
        """Store a batch in one transaction: all of it or none of it."""
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO extractions VALUES (?, ?)",
                                 ((key, _encode(extraction)) for key, extraction in items))

    def keep_only(self, keys: Iterable[str]) -> int:
        """Delete every entry not in `keys` (documents gone from the corpus, old settings);
        return how many went."""
        with self._db:
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS kept (key TEXT PRIMARY KEY)")
            self._db.execute("DELETE FROM kept")
            self._db.executemany("INSERT OR IGNORE INTO kept VALUES (?)", ((k,) for k in keys))
            removed = self._db.execute(
                "DELETE FROM extractions WHERE key NOT IN (SELECT key FROM kept)").rowcount
        return removed

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM extractions").fetchone()[0]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> MentionCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
