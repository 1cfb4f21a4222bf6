"""Text to entities: reading, normalisation, spaCy NER, mention cleaning and merging."""

from pipeline.build import Result, Settings, build

__all__ = ["Result", "Settings", "build"]
