"""Merge resolved mentions into corpus-wide entities.

Two mentions are the same entity when their resolved names fold to the same key
(case, accents, hyphens and spacing ignored). An entity's label is its most frequent
name, its type the majority of its mentions' labels, its id a slug of both. A name the
corpus only ever gives as a capitalised common word opening a sentence ("Avoine",
"Libéré", see `pipeline.lexicon`) makes no entity.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.aliasing import dominant, is_titled
from pipeline.cleaning import FUNCTION_WORDS, PARTICLES, fold
from pipeline.extract import DocRecord, RecordMention
from pipeline.known_names import is_country, is_first_name, is_male_first_name

TYPE_ORDER = ("PER", "ORG", "LOC", "MISC")
# How many of the model's votes one context cue ("M. X", "la société X") is worth.
CUE_WEIGHT = 5
# A lone name joins the one full person name it begins or ends when at least this share of
# its type votes say PER.
PARTIAL_PERSON_SHARE = 0.25
_CAPITALISED_ARTICLE = re.compile(r"\A(?:le|la|les|l) (?=\S)")
_LEADING_ARTICLE = re.compile(r"\A(?:les?|la|l')\s*(?=\S)", re.IGNORECASE)


@dataclass
class Entity:
    id: str
    label: str
    type: str
    mentions: int
    documents: int
    aliases: list[str]  # every surface form, most frequent first
    type_votes: dict[str, int] = field(default_factory=dict)


@dataclass
class EntityTable:
    """The corpus's entities, and the way from a mention's name to its entity."""

    entities: dict[str, Entity]  # by id
    key_to_id: dict[str, str]
    standalone: set[str] = field(default_factory=set)  # see `standalone`

    def id_of(self, name: str) -> str | None:
        """The id of the entity a name belongs to."""
        return self.key_to_id.get(fold(name))

    def entity_of(self, mention: RecordMention) -> str | None:
        """The id of a mention's entity (None for a mention that makes none)."""
        own = fold(mention.own)
        return self.key_to_id.get(own if own in self.standalone else fold(mention.name))

    def __len__(self) -> int:
        return len(self.entities)


def slugify(text: str) -> str:
    """ASCII, lower-case, dash-separated form of a name.

    >>> slugify("États-Unis d'Amérique")
    'etats-unis-d-amerique'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _vote(votes: Counter[str]) -> str:
    """The majority label; ties go to the first in TYPE_ORDER."""
    return max(votes, key=lambda t: (votes[t], -TYPE_ORDER.index(t) if t in TYPE_ORDER else -99))


def _preferred(names: Counter[str]) -> str:
    """Most frequent name; on a tie, the one with more accents and capitals, then A-Z."""
    def rank(name: str):
        return (names[name], sum(not c.isascii() for c in name), sum(c.isupper() for c in name))
    best = max(rank(name) for name in names)
    return min(name for name in names if rank(name) == best)


def merge_article_variants(keys: Iterable[str]) -> dict[str, str]:
    """Map "La Chine" to "Chine" when both exist; "Le Monde" alone stays "Le Monde".

    >>> merge_article_variants(["la chine", "chine", "le monde"])
    {'la chine': 'chine'}
    """
    keys = set(keys)
    return {key: _CAPITALISED_ARTICLE.sub("", key) for key in keys
            if _CAPITALISED_ARTICLE.match(key) and _CAPITALISED_ARTICLE.sub("", key) in keys}


# Administrative units named "canton de Vaud" as often as "Vaud".
_ADMINISTRATIVE = re.compile(r"\A(?:canton|departement|region|province|ville|commune|comte)"
                             r" (?:de la |de l |du |des |de |d )")


def merge_administrative_units(votes: dict[str, Counter[str]]) -> dict[str, str]:
    """Map "canton de Vaud" to "Vaud" when the corpus also names the place alone.

    >>> loc = Counter({"LOC": 1})
    >>> merge_administrative_units({"canton de vaud": loc, "vaud": loc,
    ...                             "departement du nord": loc})
    {'canton de vaud': 'vaud'}
    """
    merged = {}
    for key in votes:
        match = _ADMINISTRATIVE.match(key)
        place = key[match.end():] if match else ""
        if place in votes and _vote(votes[place]) == "LOC":
            merged[key] = place
    return merged


def is_full_name(written: str) -> bool:
    """Capitalised words (particles aside), no title: "Emma Bovary", "Charles de Gaulle";
    not "Emma interrompît Charles" (a mis-cut mention) nor "Mme Bovary".

    >>> is_full_name("Charles de Gaulle"), is_full_name("Emma interrompît Charles")
    (True, False)
    """
    words = written.split()
    return not is_titled(written) and all(
        w[0].isupper() or w.lower() in PARTICLES or w.lower().startswith("d'") for w in words)


def merge_partial_names(votes: dict[str, Counter[str]],
                        names: dict[str, Counter[str]] | None = None) -> dict[str, str]:
    """Map a one-word person name to the one longer person name in the corpus that starts
    or ends with it ("Emma" -> "Emma Bovary"); leave it when there are several
    ("Bovary": Emma or Charles?). A surname that also names a woman ("Mme Bovary") is a
    family's: it goes to the one man of the family, if the corpus gives his full name
    ("Charles Bovary", see `pipeline.known_names`). Keys are folded names, `votes` their
    type votes, `names` how they are written (a longer name must be a full name, see
    `is_full_name`).

    >>> per = Counter({"PER": 1})
    >>> merge_partial_names({"emma": per, "emma bovary": per, "charles bovary": per,
    ...                      "bovary": per})
    {'emma': 'emma bovary'}
    >>> merge_partial_names({"de gaulle": per, "charles de gaulle": per, "f honegger": per,
    ...                      "fritz honegger": per, "e honegger": per})
    {'de gaulle': 'charles de gaulle', 'f honegger': 'fritz honegger'}
    >>> merge_partial_names({"bovary": per, "mme bovary": per, "emma bovary": per,
    ...                      "charles bovary": per, "walter": per, "mme walter": per,
    ...                      "suzanne walter": per})
    {'bovary': 'charles bovary'}
    """
    def is_person(key: str) -> bool:
        return _vote(votes[key]) == "PER"

    by_word: dict[str, set[str]] = defaultdict(set)
    for key in votes:
        words = key.split()
        written = names[key].most_common(1)[0][0] if names and names.get(key) else key.title()
        if len(words) > 1 and is_person(key) and is_full_name(written):
            by_word[words[0]].add(key)
            by_word[words[-1]].add(key)
    # "Walter" next to "Mme Walter" is M. Walter, not "Suzanne Walter": a surname that
    # names a married woman only goes to a man's full name ("Charles Bovary"), and only
    # starts one if it is a first name too ("Mme Charles", "Charles Bovary"). "Mlle"
    # would not do: it comes before first names, "Mlle Eugénie".
    families = {key.split(" ", 1)[1] for key in votes
                if key.startswith("mme ") and " " not in key.split(" ", 1)[1]}

    def candidates(key: str) -> list[str]:
        """The full names that `key` may be short for."""
        words = key.split()
        fulls = by_word.get(words[-1], ())
        if len(words) == 2 and words[0] in PARTICLES:  # "de Gaulle": "Charles de Gaulle"
            return [full for full in fulls if full.endswith(f" {key}")]
        if len(words) == 2 and len(words[0]) == 1:  # "F. Honegger": "Fritz Honegger"
            return [full for full in fulls if full.endswith(f" {words[1]}")
                    and full.startswith(words[0]) and len(full.split()[0]) > 1]
        if key in families:  # "Bovary": "Charles Bovary"; "Charles": "Charles Bovary"
            return [full for full in fulls
                    if full.endswith(f" {key}") and is_male_first_name(full.split()[0])
                    or full.startswith(f"{key} ") and is_first_name(key)]
        return list(fulls)

    def is_short_name(key: str) -> bool:
        """One word, or a particle or an initial and one word ("de gaulle", "f honegger")."""
        words = key.split()
        return len(words) == 1 or len(words) == 2 and (words[0] in PARTICLES
                                                       or len(words[0]) == 1)

    def may_be_person(key: str) -> bool:
        # The model often calls a character's first name a place ("Eugénie"); a quarter of
        # its votes is enough, which "Paris" or "Florence" the cities never get.
        return votes[key]["PER"] >= PARTIAL_PERSON_SHARE * sum(votes[key].values())

    merged = {}
    for key in votes:
        # When several full names fit, the one mentioned far more often than the others
        # ("Macron": Emmanuel, not Brigitte).
        full = dominant(candidates(key), votes) \
            if is_short_name(key) and may_be_person(key) else None
        if full:
            merged[key] = full
    return merged


def merge_abbreviations(votes: dict[str, Counter[str]],
                        names: dict[str, Counter[str]]) -> dict[str, str]:
    """Map a place written as a two- or three-letter abbreviation ("Esp", "It") to the
    one-word place name of the corpus it begins, when one is mentioned far more often than
    any other (see `aliasing.dominant`). Where the layout marks it as a place, as results
    do ("Olano (Esp)"), the one country it begins comes first ("Be": "Belgique", not
    "Berne"; see `pipeline.known_names`). A word is no abbreviation of a longer name it
    starts: "Rio" of "Rio Tinto", "Sud" of "Sud-Amérique".

    >>> loc, cued = Counter({"LOC": 1}), Counter({"LOC": 6})
    >>> merge_abbreviations({"esp": loc, "espagne": loc, "it": loc, "be": cued, "berne": loc,
    ...                      "belgique": loc, "rio": loc, "rio tinto": loc},
    ...                     {"esp": Counter(["Esp"]), "it": Counter(["It"]), "be": Counter(["Be"]),
    ...                      "rio": Counter(["Rio"])})
    {'esp': 'espagne', 'be': 'belgique'}
    """
    places = [key for key in votes
              if len(key) > 3 and " " not in key and _vote(votes[key]) == "LOC"]
    merged = {}
    for key, written in names.items():
        name = written.most_common(1)[0][0] if written else ""
        if 2 <= len(name) <= 3 and name.isalpha() and name.istitle() \
                and _vote(votes[key]) == "LOC":
            begun = [p for p in places if p.startswith(key)]
            # Only where the layout says "place" ("Olano (Esp)", a context cue: more votes
            # than mentions), not "Schulthess et Co." the model took for one.
            cued = votes[key]["LOC"] > written.total()
            countries = [p for p in begun if is_country(p)] if cued else []
            place = countries[0] if len(countries) == 1 else dominant(begun, votes)
            if place:
                merged[key] = place
    return merged


def initials(key: str) -> str:
    """The initials of a folded name's words, function words aside.

    >>> initials("organisation des nations unies"), initials("etats unis")
    ('onu', 'eu')
    """
    return "".join(word[0] for word in key.split() if word not in FUNCTION_WORDS)


def merge_acronyms(votes: dict[str, Counter[str]], names: dict[str, Counter[str]],
                   documents: dict[str, set[str]]) -> dict[str, str]:
    """Map an acronym ("PCC", "ONU") to the organisation or place whose initials it
    spells ("Parti communiste chinois", "Organisation des Nations unies") and that some
    document names with it, as articles do when they define one: "SPD" in a corpus with
    "Saint-Paul-lès-Durance" but no article naming both stays apart. When several
    fit, the one mentioned far more often than the others wins (see `aliasing.dominant`).

    >>> org = Counter({"ORG": 1})
    >>> merge_acronyms({"pcc": org, "parti communiste chinois": org, "onu": org,
    ...                 "organisation des nations unies": org},
    ...                {"pcc": Counter(["PCC"]), "onu": Counter(["ONU"])},
    ...                {"pcc": {"a1", "a2"}, "parti communiste chinois": {"a1"},
    ...                 "onu": {"a3"}, "organisation des nations unies": {"a4"}})
    {'pcc': 'parti communiste chinois'}
    """
    by_initials: dict[str, list[str]] = defaultdict(list)
    for key in votes:
        if len(key.split()) > 1 and _vote(votes[key]) != "PER":
            by_initials[initials(key)].append(key)
    merged = {}
    for key, written in names.items():
        name = written.most_common(1)[0][0] if written else ""
        if 2 <= len(name) <= 6 and name.isalpha() and name.isupper():
            full = dominant(by_initials.get(key, ()), votes)
            if full and documents[key] & documents[full]:
                merged[key] = full
    return merged


@dataclass
class _Group:
    """The mentions sharing one (own name, resolved name) pair of folded keys."""

    names: Counter[str] = field(default_factory=Counter)  # resolved names as written
    own_names: Counter[str] = field(default_factory=Counter)  # own names as written
    surfaces: Counter[str] = field(default_factory=Counter)
    votes: Counter[str] = field(default_factory=Counter)
    documents: set[str] = field(default_factory=set)
    mentions: int = 0
    named: bool = False  # met at least once where a capital means a name


def standalone(alone: dict[str, set[str]], resolved: dict[str, set[str]]) -> set[str]:
    """Short names that are names in their own right: documents use them without the full
    name at least as often as with it. In a novel "Grandet" is the father even in a
    chapter that names "Eugénie Grandet"; in the news "Musk" nearly always follows
    "Elon Musk" in the same article.

    >>> standalone({"grandet": {"c1", "c2", "c3"}, "musk": {"a9"}},
    ...            {"grandet": {"c4", "c5"}, "musk": {"a1", "a2"}})
    {'grandet'}
    """
    return {key for key, documents in resolved.items()
            if len(alone.get(key, ())) >= len(documents)}


def build_entities(records: Iterable[DocRecord]) -> EntityTable:
    """Group the mentions of all records into entities (one pass over the records).

    >>> from pipeline.extract import RecordMention as M
    >>> record = DocRecord("d1", None, None, None, "", 0, 5, [
    ...     M(0, 9, "Elon Musk", "PER", "Elon Musk", 0), M(20, 24, "Musk", "PER", "Elon Musk", 1),
    ...     M(30, 38, "La Chine", "LOC", "La Chine", 1), M(50, 55, "Chine", "LOC", "Chine", 2)])
    >>> table = build_entities([record])
    >>> sorted((e.id, e.label, e.mentions) for e in table.entities.values())
    [('chine-loc', 'Chine', 2), ('elon-musk-per', 'Elon Musk', 2)]
    >>> table.entities["chine-loc"].aliases
    ['Chine', 'La Chine']
    """
    groups: dict[tuple[str, str], _Group] = defaultdict(_Group)
    alone: dict[str, set[str]] = defaultdict(set)  # short name -> documents, unresolved
    resolved: dict[str, set[str]] = defaultdict(set)  # short name -> documents, resolved
    for record in records:
        for mention in record.mentions:
            own = fold(mention.own)
            key = fold(mention.name)
            group = groups[(own, key)]
            group.names[mention.name] += 1
            if own:
                group.own_names[mention.own] += 1
                resolved[own].add(record.id)
            else:
                alone[key].add(record.id)
            group.surfaces[" ".join(mention.text.split())] += 1
            group.mentions += 1
            group.votes[mention.label] += 1
            if mention.cue:  # "M. Homais", "la société X": context outweighs the model
                group.votes[mention.cue] += CUE_WEIGHT
            group.documents.add(record.id)
            group.named = group.named or not mention.common

    # Each group joins its own name when that is a name in its own right, else the full
    # name its documents resolved it to.
    trusted = standalone(alone, resolved)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    surfaces: dict[str, Counter[str]] = defaultdict(Counter)
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    documents: dict[str, set[str]] = defaultdict(set)
    counts: Counter[str] = Counter()
    named: set[str] = set()
    for (own, key), group in groups.items():
        if own in trusted:
            key = own
            names[key].update(group.own_names)
        else:
            names[key].update(group.names)
        surfaces[key].update(group.surfaces)
        votes[key].update(group.votes)
        documents[key] |= group.documents
        counts[key] += group.mentions
        if group.named:
            named.add(key)

    # "La Chine" is "Chine". "Esp" is "Espagne", "PCC" the "Parti communiste chinois" and
    # "Emma" is "Emma Bovary": their names then only count as aliases, so the label stays
    # the full name.
    redirect = merge_article_variants(names)
    aliases = {old: new for old, new in [*merge_abbreviations(votes, names).items(),
                                         *merge_acronyms(votes, names, documents).items(),
                                         *merge_administrative_units(votes).items()]
               if old not in redirect and new not in redirect}
    partial = {old: new for old, new in merge_partial_names(votes, names).items()
               if old not in redirect and new not in redirect and old not in aliases}
    aliases.update(partial)
    # One step only: no name joins one that itself joins another.
    aliases = {old: new for old, new in aliases.items() if new not in aliases}
    for old, new in [*redirect.items(), *aliases.items()]:
        for name, count in names.pop(old).items():
            if old in redirect:
                names[new][_LEADING_ARTICLE.sub("", name)] += count
        surfaces[new].update(surfaces.pop(old))
        if old in partial:  # part of a person's full name: that person, whatever the model said
            votes[new]["PER"] += sum(votes.pop(old).values())
        else:
            votes[new].update(votes.pop(old))
        documents[new] |= documents.pop(old)
        counts[new] += counts.pop(old)
        if old in named:
            named.add(new)
    redirect.update(aliases)

    entities: dict[str, Entity] = {}
    key_to_id: dict[str, str] = {}
    for key in sorted(names):
        if key not in named:  # only ever a capitalised common word opening a sentence
            continue
        label = _preferred(names[key])
        entity_type = _vote(votes[key])
        base = slugify(f"{label} {entity_type}") or f"entity-{len(entities)}"
        entity_id, n = base, 1
        while entity_id in entities:
            n += 1
            entity_id = f"{base}-{n}"
        entities[entity_id] = Entity(
            id=entity_id, label=label, type=entity_type,
            mentions=counts[key], documents=len(documents[key]),
            aliases=[surface for surface, _ in surfaces[key].most_common()],
            type_votes=dict(votes[key]),
        )
        key_to_id[key] = entity_id
    for old, new in redirect.items():
        if new in key_to_id:
            key_to_id[old] = key_to_id[new]
    return EntityTable(entities=entities, key_to_id=key_to_id, standalone=trusted)
