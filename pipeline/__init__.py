"""Text to entities: reading, extraction (spaCy NER and our rules), merging into
corpus-wide entities, and the orchestration of a whole build.

The Python API: `build` runs the whole job, `load` reopens a finished one; every error
a user can cause is an `EntityGraphError`.

    pipeline/
      run.py, outputs.py, cache.py, engines.py   orchestration: stages, outputs, cache, workers
      settings.py, errors.py, result.py, cli.py   what the user sets, sees and gets back
      reading.py                                  files and JSONL lines to documents
      extraction/   model loading, spaCy components, typography, per-document records
      rules/        what makes a mention: cleaning, cues, places, teams, curation,
                    in-document consistency and aliases, and the French word lists
      merging/      corpus-wide entities: ordered merge rules, each merge recorded
      evaluation/   scores against gold annotations (`entity-graph eval`)
"""

from entity_graph.pipeline.errors import EntityGraphError, SettingsError, UnknownEntity
from entity_graph.pipeline.result import Result, load
from entity_graph.pipeline.run import build
from entity_graph.pipeline.settings import Settings

__all__ = ["EntityGraphError", "Result", "Settings", "SettingsError", "UnknownEntity", "build",
           "load"]
