"""Text to entities: reading, normalisation, spaCy NER, mention cleaning and merging.

The Python API: `build` runs the whole job, `load` reopens a finished one.
"""

from pipeline.build import build
from pipeline.result import Result, UnknownEntity, load
from pipeline.settings import Settings

__all__ = ["Result", "Settings", "UnknownEntity", "build", "load"]
