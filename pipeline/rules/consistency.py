"""Make a document's mentions agree with each other.

The model decides token by token, so the same name can be an entity in one sentence and
missed in the next, or a place here and a person there. Within one article a name means
one thing: these rules use the whole document to fix what one sentence got wrong.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from entity_graph.pipeline.extraction.mentions import Mention
from entity_graph.pipeline.extraction.normalize import fold
from entity_graph.pipeline.rules.cleaning import context_cue, person_title, starts_with_honorific
from entity_graph.pipeline.rules.french import FUNCTION_WORDS
from entity_graph.pipeline.rules.known_names import is_country, is_first_name

_LOWERCASE_WORD = re.compile(r"(?<![\w'])[a-zà-öø-ÿœæ][\w-]*")
_AFTER_EN = re.compile(r"\b[Ee]n\s+([A-ZÀ-ÖØ-Þ][\w-]*)")


def _variants(word: str) -> set[str]:
    """Inflected forms to look for: "suisses" -> suisse, suisses, ...; "autrichiens" ->
    autrichien, autrichienne, ..."""
    stems = {word, word.removesuffix("s"), word.removesuffix("es")}
    forms = set()
    for stem in stems:
        forms |= {stem, stem + "s", stem + "e", stem + "es", stem + "ne", stem + "nes"}
    return forms


def is_common_word(name: str, lowercase_words: set[str]) -> bool:
    """True when a one-word name is also used in lower case in the text, so it is a
    common noun or adjective ("les Suisses" next to "les autorités suisses", "l'Etat"
    next to "un état"), not a name.

    >>> is_common_word("Suisses", {"autorites", "suisse"}), is_common_word("Genève", {"suisse"})
    (True, False)
    """
    words = fold(name).split()
    return len(words) == 1 and not name.isupper() and bool(_variants(words[0]) & lowercase_words)


def drop_common_words(mentions: Sequence[Mention], text: str) -> list[Mention]:
    """Remove one-word places and organisations that the text also uses in lower case,
    unless they are countries: a country's name (`known_names.is_country`), or a place
    the text also puts after "en" ("en Valais" next to "les vins valaisans"). A country
    stays a name next to its adjective ("le Nigeria", "l'armée nigériane") or a slip of
    the pen ("la chine est le premier producteur").

    >>> text = "Les Suisses votent. Les autorités suisses et la Suisse. La chine aussi."
    >>> [m.name for m in drop_common_words([Mention(0, 11, "LOC", "Suisses"),
    ...                                     Mention(44, 50, "LOC", "Suisse")], text)]
    ['Suisse']
    """
    lowercase_words = {fold(w) for w in set(_LOWERCASE_WORD.findall(text))}
    after_en = set(_AFTER_EN.findall(text))
    return [m for m in mentions
            if m.label == "PER" or m.name in after_en or is_country(m.name)
            or not is_common_word(m.name, lowercase_words)]


def surnames(mentions: Iterable[Mention], *, min_length: int = 4) -> set[str]:
    """The surnames of the persons the document names in full: the last word of a
    person's name whose first word is a first name or a title ("Charles Vernadet",
    "Mme Lestrade"). Written alone later in the article ("Vernadet"), they are that person.

    >>> sorted(surnames([Mention(0, 1, "PER", "Charles Vernadet"),
    ...                  Mention(2, 3, "PER", "Mme Lestrade"), Mention(4, 5, "PER", "Le Journal"),
    ...                  Mention(6, 7, "LOC", "Jean Jaurès"), Mention(8, 9, "PER", "Jean Roy")]))
    ['Lestrade', 'Vernadet']
    """
    found = set()
    for mention in mentions:
        words = mention.name.split()
        if mention.label != "PER" or len(words) < 2:
            continue
        last = words[-1]
        if len(last) >= min_length and last[0].isupper() and not last.isupper() \
                and (is_first_name(words[0]) or starts_with_honorific(mention.name)):
            found.add(last)
    return found


def propagate(mentions: Sequence[Mention], text: str, *, min_length: int = 3) -> list[Mention]:
    """Add the occurrences of already-recognised names that the model missed elsewhere
    in the document (exact text, whole words only), and of the surnames of the persons
    it names in full (`surnames`), with their context cue ("le PDG de Tesla": ORG),
    which counts in the entity's type as the model's own mentions' do.

    >>> text = "Berne a voté. Le canton de Berne aussi."
    >>> [(m.start, m.name) for m in propagate([Mention(0, 5, "LOC", "Berne")], text)]
    [(0, 'Berne'), (27, 'Berne')]
    >>> text = "Yann Kerlan est venu. Selon Kerlan, tout va bien. Madame Kerlan approuve."
    >>> [(m.name, m.label) for m in propagate([Mention(0, 11, "PER", "Yann Kerlan")], text)]
    [('Yann Kerlan', 'PER'), ('Kerlan', 'PER'), ('Mme Kerlan', 'PER')]
    """
    names = {m.name: m.label for m in mentions
             if len(m.name) >= min_length and fold(m.name) not in FUNCTION_WORDS}
    for surname in surnames(mentions):
        names.setdefault(surname, "PER")
    if not names:
        return sorted(mentions)
    # The matches do not overlap each other: only the model's mentions can be in the way.
    # A match overlaps one of them when one of those starting before its end ends after
    # its start: the latest end among the spans sorted by start says it.
    spans = sorted((m.start, m.end) for m in mentions)
    starts = [s for s, _ in spans]
    latest_ends = list(itertools.accumulate((e for _, e in spans), max))
    found = list(mentions)
    for start, end in _whole_word_matches(names, text):
        before_end = bisect_left(starts, end)
        if not before_end or latest_ends[before_end - 1] <= start:
            name = text[start:end]
            before = text[max(0, start - 60):start]
            label, title = names[name], person_title(before)
            if title and label == "PER" and title != "M." and " " not in name:
                name = f"{title} {name}"  # "Madame Kerlan" is not "Yann Kerlan"
            cue = context_cue(before, text[end:end + 30], text[start:end]) or ""
            found.append(Mention(start, end, label, name, cue=cue))
    return sorted(found)


def _whole_word_matches(names: Iterable[str], text: str) -> list[tuple[int, int]]:
    """Where the names occur in `text` as whole words (no letter, digit, "_" or "'" just
    before or after), as one regular expression of alternatives, longest first, would
    find them: leftmost first, at each place the longest name, then on after its end (so
    "Berne" does not take the start of "Berne-Ouest"). Found with `str.find`: each
    document has its own names, and compiling an expression of them took more time than
    the search.

    >>> _whole_word_matches(["Berne", "Berne-Ouest"], "Berne-Ouest, Berne, Bernex")
    [(0, 11), (13, 18)]
    """
    found = []
    for rank, name in enumerate(sorted(names, key=lambda n: (-len(n), n))):
        start = text.find(name)
        while start != -1:
            end = start + len(name)
            if (start == 0 or not _in_word(text[start - 1])) \
                    and (end == len(text) or not _in_word(text[end])):
                found.append((start, rank, end))
            start = text.find(name, start + 1)
    matches, free_from = [], 0
    for start, _, end in sorted(found):
        if start >= free_from:
            matches.append((start, end))
            free_from = end
    return matches


def _in_word(character: str) -> bool:
    """What `\\w` or an apostrophe matches in a regular expression."""
    return character.isalnum() or character in "_'"


def majority_types(mentions: Sequence[Mention]) -> list[Mention]:
    """Give every mention of a name the type most of its mentions have in the document
    (a tie keeps each mention's own type).

    >>> ms = [Mention(0, 1, "LOC", "Berne"), Mention(5, 6, "LOC", "Berne"),
    ...       Mention(9, 10, "PER", "Berne")]
    >>> [m.label for m in majority_types(ms)]
    ['LOC', 'LOC', 'LOC']
    """
    keys = [fold(mention.name) for mention in mentions]
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for key, mention in zip(keys, mentions, strict=True):
        votes[key][mention.label] += 1
    winners: dict[str, str] = {}
    for key, counter in votes.items():
        ranked = counter.most_common(2)
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            winners[key] = ranked[0][0]
    return [mention._replace(label=winners[key]) if key in winners else mention
            for key, mention in zip(keys, mentions, strict=True)]
