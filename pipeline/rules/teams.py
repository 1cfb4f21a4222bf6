"""Sports teams named the North American way: "les Flyers de Philadelphie", "aux Lakers
de Los Angeles".

The model cuts these in two and calls the city a place ("Philadelphie" LOC), or tags
the whole as MISC; a team is one organisation. A plural nickname that is no French
word, between "les"/"des"/"aux" and "de" + a capitalised name, is the telltale sign
("les Canadiens de Montréal" or "les Amis de Jean" are French words: left alone).
"""

from __future__ import annotations

import re

from entity_graph.pipeline.extraction.mentions import Mention
from entity_graph.pipeline.rules.lexicon import Lexicon

_CAPITALISED = r"[A-ZÀ-ÖØ-Þ][\w'’-]{0,40}"  # bounded: no runaway backtracking
_TEAM = re.compile(
    rf"(?<![\w'’])(?:les|des|aux)\s+((?:{_CAPITALISED}\s+){{0,2}}{_CAPITALISED}s)\s+"
    rf"(?:de\s+(?:la\s+|l['’]\s*)?|du\s+|des\s+|d['’]\s*)"
    rf"({_CAPITALISED}(?:[\s-]{_CAPITALISED}){{0,2}})")


def team_names(text: str, words: Lexicon) -> list[Mention]:
    """The teams of a text as ORG mentions with an ORG cue.

    >>> words = Lexicon.of(forms={"canadiens": ["canadien"], "amis": ["ami"]},
    ...                    lemmas={"canadien", "ami"})
    >>> text = "Il joue pour les Lakers de Los Angeles, puis les Canadiens de Montréal."
    >>> [(m.name, m.label) for m in team_names(text, words)]
    [('Lakers de Los Angeles', 'ORG')]
    """
    found = []
    for match in _TEAM.finditer(text):
        nickname = match.group(1)
        if any(word.lower() in words for word in re.findall(r"[\w'’]+", nickname)):
            continue
        start, end = match.start(1), match.end(2)
        found.append(Mention(start, end, "ORG", " ".join(text[start:end].split()), cue="ORG"))
    return found
