"""What a build derives from the cached extractions, kept for the next build: the entity
table (merging), the pair counts of each window, and which document tables were written
under which key. A build that changes only the graph settings re-reads the table instead
of merging again, and the counts instead of counting again.

Each is one JSON file next to the mention cache (so `entity-graph cache clear` removes
it), holding the key it was made under: a hash of everything it depends on (the
extraction fingerprint, each document's cache key and metadata, the code that made it).
A file with another key, unreadable or damaged, is simply recomputed: it is data (no
pickle), never code.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from entity_graph.graph.atomic import atomic_write
from entity_graph.graph.cooccurrence import Counts, PairCounts, Said
from entity_graph.pipeline.cache import CACHE_NAME
from entity_graph.pipeline.merging.entities import AliasOrigin, Entity, EntityTable

log = logging.getLogger("entity_graph")

_HERE = Path(__file__).parent
MERGING_SOURCES = sorted((_HERE / "merging").rglob("*.py"))
TABLE_SOURCES = [_HERE.parent / "graph" / "tables.py"]  # the kept tables' writer
COUNT_SOURCES = [_HERE.parent / "graph" / "cooccurrence.py"]  # what counts the pairs


def derived_path(out_dir: str | Path | None, name: str) -> Path:
    """Where a build into `out_dir` keeps what it derived: beside the mention cache,
    named after it, so that clearing the cache clears them too."""
    return Path(out_dir or ".") / f"{CACHE_NAME}.{name}.json"


def derived_key(*parts: object, sources: Iterable[Path] = ()) -> str:
    """One hash of `parts` (strings, numbers, or iterables of them) and of the code in
    `sources`.

    >>> derived_key("a", ["b", "c"]) == derived_key("a", ["b", "c"]) != derived_key("a", ["b"])
    True
    """
    digest = hashlib.sha256()
    for part in parts:
        items: Iterable[object] = part if isinstance(part, Iterable) and not isinstance(
            part, str) else [part]
        for item in items:
            digest.update(str(item).encode("utf-8", "surrogatepass") + b"\0")
        digest.update(b"\1")
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def load(path: Path, key: str) -> Any | None:
    """The value stored at `path` under `key`, or None."""
    try:
        stored = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    return stored.get("value")


def save(path: Path, key: str, value: Any) -> None:
    """Store `value` under `key`; a failure only costs the next build the recomputation."""
    try:
        with atomic_write(path, "wb", encoding=None) as file:
            file.write(orjson.dumps({"key": key, "value": value}))
    except OSError as error:
        log.warning("%s: cannot keep it for the next build (%s)", path,
                    error.strerror or error)


def table_data(table: EntityTable) -> dict:
    return {"entities": [[e.id, e.label, e.type, e.mentions, e.documents, e.aliases,
                          e.type_votes] for e in table.entities.values()],
            "key_to_id": table.key_to_id, "standalone": sorted(table.standalone),
            "origins": [[o.entity_id, o.alias, o.mentions, o.steps] for o in table.origins]}


def table_from(data: dict) -> EntityTable:
    """The entity table `table_data` stored.

    >>> table = EntityTable({"a-per": Entity("a-per", "A", "PER", 2, 1, ["A"], {"PER": 2})},
    ...                     {"a": "a-per"}, {"a"}, [AliasOrigin("a-per", "A", 2, (("r", "B"),))])
    >>> table_from(orjson.loads(orjson.dumps(table_data(table)))) == table
    True
    """
    return EntityTable(
        entities={row[0]: Entity(*row) for row in data["entities"]},
        key_to_id=data["key_to_id"], standalone=set(data["standalone"]),
        origins=[AliasOrigin(entity_id, alias, mentions, tuple(map(tuple, steps)))
                 for entity_id, alias, mentions, steps in data["origins"]])


def counts_data(counts: Counts, evidence: int) -> dict:
    """`counts` as plain data (lists, not sets), with the `evidence` they were counted
    with: a later build asking for fewer examples per pair takes the first ones. Each
    example sentence is stored once (`sentences`) and referred to by its number: in a
    document window one sentence is the example of many pairs."""
    sentences: dict[str, int] = {}

    def example(document: str, date: str, sentence: str, predicate: str) -> list:
        return [document, date, sentences.setdefault(sentence, len(sentences)), predicate]

    pairs = [[a, b, pair.count, sorted(pair.documents), sorted(pair.dates),
              [example(*item) for item in pair.evidence]]
             for (a, b), pair in counts.pairs.items()]
    return {"evidence": evidence, "contexts": counts.contexts,
            "occurrences": counts.occurrences,
            "documents": {entity: sorted(found) for entity, found in counts.documents.items()},
            "dates": {entity: sorted(found) for entity, found in counts.dates.items()},
            "sentences": list(sentences), "pairs": pairs,
            "relations": [[a, b, [[*said, count] for said, count in stated.items()]]
                          for (a, b), stated in counts.relations.items()]}


def counts_from(data: dict, evidence: int) -> Counts | None:
    """The counts `counts_data` stored, with at most `evidence` examples per pair; None
    when they were counted with fewer.

    >>> counts = Counts(2, Counter(a=1, b=1), {"a": {0}, "b": {0}}, {"a": set(), "b": set()})
    >>> counts.pairs[("a", "b")] = PairCounts(1, {0}, set(), [("d", "", "S", ""),
    ...                                                       ("d", "", "T", "")])
    >>> counts.relations[("a", "b")][Said("a", "voir", "b")] = 1
    >>> stored = orjson.loads(orjson.dumps(counts_data(counts, 2)))
    >>> again = counts_from(stored, 2)
    >>> (again.contexts, again.occurrences, again.pairs, again.relations) == (
    ...     counts.contexts, counts.occurrences, counts.pairs, counts.relations)
    True
    >>> counts_from(stored, 1).pairs[("a", "b")].evidence, counts_from(stored, 3)
    ([('d', '', 'S', '')], None)
    """
    if data["evidence"] < evidence:
        return None
    counts = Counts(contexts=data["contexts"], occurrences=Counter(data["occurrences"]))
    for entity, found in data["documents"].items():
        counts.documents[entity] = set(found)
    for entity, found in data["dates"].items():
        counts.dates[entity] = set(found)
    sentences = data["sentences"]
    for a, b, count, documents, dates, examples in data["pairs"]:
        counts.pairs[(a, b)] = PairCounts(count, set(documents), set(dates), [
            (document, date, sentences[number], predicate)
            for document, date, number, predicate in examples[:evidence]])
    for a, b, stated in data["relations"]:
        counts.relations[(a, b)] = Counter({Said(*said): count for *said, count in stated})
    return counts
