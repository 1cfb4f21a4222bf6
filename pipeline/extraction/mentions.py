"""The mention that the pipeline's components pass along, in `doc._.mentions`."""

from __future__ import annotations

from typing import NamedTuple


class Mention(NamedTuple):
    """A cleaned mention in a document. `name` is the name it refers to: its own text,
    or the full name it abbreviates."""

    start: int
    end: int
    label: str
    name: str
    # One sentence-initial word that French also uses as a common word ("Avoine",
    # "Libéré"): its capital proves nothing; or a demonym taken for a place ("les
    # Allemands"). See `mark_common_words`.
    common: bool = False
    # The name the mention gives itself when `name` is the full name it was resolved to
    # in its document ("Grandet" resolved to "Eugénie Grandet"); "" when not resolved.
    # The corpus has the last word (see `entities.build_entities`).
    own: str = ""
    cue: str = ""  # the type the words in front say it has (see `cleaning.context_cue`)
