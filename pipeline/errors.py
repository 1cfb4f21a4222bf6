"""Every error a user can cause, under one base class.

The command line prints an `EntityGraphError` as one line and exits with code 2; any
other exception is a bug and keeps its traceback. API users catch `EntityGraphError`.
"""

from __future__ import annotations


class EntityGraphError(Exception):
    """A problem with what the user asked for or gave: the message says what and where."""


class SettingsError(EntityGraphError, ValueError):
    """A setting out of its allowed values; raised before any work starts."""


class InputError(EntityGraphError):
    """A problem with the input as a whole (not one file): the run cannot start."""


class ModelError(EntityGraphError):
    """The spaCy model cannot be loaded or has no NER."""


class CurationError(EntityGraphError):
    """A curation file that cannot be used; the message names the file and line."""


class MissingDependency(EntityGraphError, ImportError):
    """An optional feature whose extra is not installed; the message says what to install."""


class CacheError(EntityGraphError):
    """The mention cache file cannot be used (corrupt, or not a cache): a build replaces
    it. A cache that cannot be opened or written for want of space or permission is an
    `OutputError` instead, and stays as it is."""


class OutputError(EntityGraphError):
    """An output file or the cache cannot be written (disk full, no permission...)."""


class UnknownEntity(EntityGraphError, KeyError):
    """No entity has this name; the message suggests the closest ones."""

    def __str__(self) -> str:
        return str(self.args[0])
