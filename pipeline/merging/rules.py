"""Corpus-level merge rules: which names of the corpus are other names of the same entity.

Every rule has one signature: it reads what the corpus says about each folded name
(`NameStats`: how it is written, its type votes, the documents naming it) and returns
the merges it proposes, {name: name it joins}. `MERGE_RULES` lists them in order of
precedence: a name claimed by an earlier rule is not offered to a later one
(`plan_merges`). Every merge remembers the rule that made it, so that
`entity-graph explain` can say why two names are one entity.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from entity_graph.pipeline.rules.document_aliases import dominant, is_titled
from entity_graph.pipeline.rules.french import ADMINISTRATIVE_UNITS, FUNCTION_WORDS, PARTICLES
from entity_graph.pipeline.rules.known_names import is_country, is_first_name, is_male_first_name

TYPE_ORDER = ("PER", "ORG", "LOC", "MISC")
# A lone name joins the one full person name it begins or ends when at least this share of
# its type votes say PER.
PARTIAL_PERSON_SHARE = 0.25
_CAPITALISED_ARTICLE = re.compile(r"\A(?:le|la|les|l) (?=\S)")
_ADMINISTRATIVE = re.compile(rf"\A(?:{'|'.join(ADMINISTRATIVE_UNITS)})"
                             r" (?:de la |de l |du |des |de |d )")


@dataclass
class NameStats:
    """What the corpus says about one folded name (or, once merged, about an entity)."""

    names: Counter[str] = field(default_factory=Counter)  # the name as written
    surfaces: Counter[str] = field(default_factory=Counter)  # the mentions' own text
    votes: Counter[str] = field(default_factory=Counter)  # type votes (see CUE_WEIGHT)
    documents: set[str] = field(default_factory=set)
    mentions: int = 0
    named: bool = False  # met at least once where a capital means a name

    def add(self, other: NameStats) -> None:
        """Take in everything `other` counted."""
        self.names.update(other.names)
        self.surfaces.update(other.surfaces)
        self.votes.update(other.votes)
        self.documents |= other.documents
        self.mentions += other.mentions
        self.named = self.named or other.named


Corpus = Mapping[str, NameStats]


def names_of(types: Mapping[str, str | Counter[str]], *,
             written: Mapping[str, str] | None = None,
             documents: Mapping[str, Iterable[str]] | None = None) -> dict[str, NameStats]:
    """A small corpus for examples and tests: folded name → its type (or type votes), how
    it is written (default: title case) and the documents naming it.

    >>> names_of({"chine": "LOC"})["chine"].names
    Counter({'Chine': 1})
    """
    corpus = {}
    for key, votes in types.items():
        corpus[key] = NameStats(
            names=Counter([(written or {}).get(key, key.title())]),
            votes=Counter({votes: 1}) if isinstance(votes, str) else Counter(votes),
            documents=set((documents or {}).get(key, ())), mentions=1, named=True)
    return corpus


def vote(votes: Counter[str]) -> str:
    """The majority label; ties go to the first in TYPE_ORDER.

    >>> vote(Counter({"LOC": 2, "PER": 2, "ORG": 1}))
    'PER'
    """
    return max(votes, key=lambda t: (votes[t], -TYPE_ORDER.index(t) if t in TYPE_ORDER else -99))


def _written(stats: NameStats) -> str:
    return stats.names.most_common(1)[0][0] if stats.names else ""


def _votes(corpus: Corpus) -> dict[str, Counter[str]]:
    return {key: stats.votes for key, stats in corpus.items()}


def merge_article_variants(corpus: Corpus) -> dict[str, str]:
    """Map "La Chine" to "Chine" when both exist; "Le Monde" alone stays "Le Monde".

    >>> merge_article_variants(names_of({"la chine": "LOC", "chine": "LOC", "le monde": "ORG"}))
    {'la chine': 'chine'}
    """
    return {key: _CAPITALISED_ARTICLE.sub("", key) for key in sorted(corpus)
            if _CAPITALISED_ARTICLE.match(key) and _CAPITALISED_ARTICLE.sub("", key) in corpus}


def merge_administrative_units(corpus: Corpus) -> dict[str, str]:
    """Map "canton de Vaud" to "Vaud" when the corpus also names the place alone.

    >>> merge_administrative_units(names_of({"canton de vaud": "LOC", "vaud": "LOC",
    ...                                      "departement du nord": "LOC"}))
    {'canton de vaud': 'vaud'}
    """
    merged = {}
    for key in corpus:
        match = _ADMINISTRATIVE.match(key)
        place = key[match.end():] if match else ""
        if place in corpus and vote(corpus[place].votes) == "LOC":
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


def _is_short_name(key: str) -> bool:
    """One word, or a particle or an initial and one word ("de gaulle", "f honegger")."""
    words = key.split()
    return len(words) == 1 or len(words) == 2 and (words[0] in PARTICLES or len(words[0]) == 1)


def _full_names_by_word(corpus: Corpus) -> dict[str, set[str]]:
    """The full person names of the corpus, by their first and by their last word."""
    by_word: dict[str, set[str]] = defaultdict(set)
    for key, stats in corpus.items():
        words = key.split()
        if len(words) > 1 and vote(stats.votes) == "PER" and is_full_name(_written(stats)):
            by_word[words[0]].add(key)
            by_word[words[-1]].add(key)
    return by_word


def _families(corpus: Corpus) -> set[str]:
    """Surnames that name a married woman: "Mme Walter" makes "walter" a family's name.
    ("Mlle" would not do: it comes before first names, "Mlle Eugénie".)"""
    return {key.split(" ", 1)[1] for key in corpus
            if key.startswith("mme ") and " " not in key.split(" ", 1)[1]}


def _full_name_candidates(key: str, by_word: Mapping[str, set[str]],
                          families: set[str]) -> list[str]:
    """The full names that the short name `key` may stand for."""
    words = key.split()
    fulls = by_word.get(words[-1], set())
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


def merge_partial_names(corpus: Corpus) -> dict[str, str]:
    """Map a one-word person name to the one longer person name in the corpus that starts
    or ends with it ("Emma" -> "Emma Bovary"); leave it when there are several
    ("Bovary": Emma or Charles?), unless one is mentioned far more often than the others
    ("Macron": Emmanuel, not Brigitte; see `dominant`). A surname that also names a woman
    ("Mme Bovary") is a family's: it goes to the one man of the family, if the corpus
    gives his full name ("Charles Bovary", see `pipeline.rules.known_names`). A longer
    name must be a full name (see `is_full_name`).

    >>> per = "PER"
    >>> merge_partial_names(names_of({"emma": per, "emma bovary": per, "charles bovary": per,
    ...                               "bovary": per}))
    {'emma': 'emma bovary'}
    >>> merge_partial_names(names_of({"de gaulle": per, "charles de gaulle": per,
    ...     "f honegger": per, "fritz honegger": per, "e honegger": per}))
    {'de gaulle': 'charles de gaulle', 'f honegger': 'fritz honegger'}
    >>> merge_partial_names(names_of({"bovary": per, "mme bovary": per, "emma bovary": per,
    ...     "charles bovary": per, "walter": per, "mme walter": per, "suzanne walter": per}))
    {'bovary': 'charles bovary'}
    """
    by_word, families, votes = _full_names_by_word(corpus), _families(corpus), _votes(corpus)

    def may_be_person(key: str) -> bool:
        # The model often calls a character's first name a place ("Eugénie"); a quarter of
        # its votes is enough, which "Paris" or "Florence" the cities never get.
        return votes[key]["PER"] >= PARTIAL_PERSON_SHARE * votes[key].total()

    merged = {}
    for key in corpus:
        if _is_short_name(key) and may_be_person(key):
            full = dominant(_full_name_candidates(key, by_word, families), votes)
            if full:
                merged[key] = full
    return merged


def merge_abbreviations(corpus: Corpus) -> dict[str, str]:
    """Map a place written as a two- or three-letter abbreviation ("Esp", "It") where the
    layout marks it as one, as results do ("Olano (Esp)": a context cue), to the one
    country it begins ("Be": "Belgique", not "Berne"; see `pipeline.rules.known_names`),
    else to the one-word place name of the corpus it begins when one is mentioned far more
    often than any other (see `dominant`). Without that evidence a short name is a name of
    its own: "Lot" (the département) is no abbreviation of "Lötschberg", nor "Pau" of
    "Paulet". A word is no abbreviation of a longer name it starts either: "Rio" of "Rio
    Tinto".

    >>> corpus = names_of({"esp": Counter({"LOC": 6}), "espagne": "LOC", "it": "LOC",
    ...                    "berne": "LOC", "be": Counter({"LOC": 6}), "belgique": "LOC",
    ...                    "lot": "LOC", "lotschberg": Counter({"LOC": 9}), "rio": "LOC",
    ...                    "rio tinto": "LOC"}, written={"it": "It", "be": "Be", "lot": "Lot"})
    >>> merge_abbreviations(corpus)
    {'esp': 'espagne', 'be': 'belgique'}
    """
    votes = _votes(corpus)
    places = [key for key in corpus
              if len(key) > 3 and " " not in key and vote(votes[key]) == "LOC"]
    merged = {}
    for key, stats in corpus.items():
        name = _written(stats)
        if 2 <= len(name) <= 3 and name.isalpha() and name.istitle() \
                and vote(votes[key]) == "LOC":
            begun = [p for p in places if p.startswith(key)]
            # Only where the layout says "place" ("Olano (Esp)", a context cue: more votes
            # than mentions), not "Schulthess et Co." the model took for one.
            cued = votes[key]["LOC"] > stats.names.total()
            countries = [p for p in begun if is_country(p)] if cued else []
            place = countries[0] if len(countries) == 1 else (
                dominant(begun, votes) if cued else None)
            if place:
                merged[key] = place
    return merged


def initials(key: str) -> str:
    """The initials of a folded name's words, function words aside.

    >>> initials("organisation des nations unies"), initials("etats unis")
    ('onu', 'eu')
    """
    return "".join(word[0] for word in key.split() if word not in FUNCTION_WORDS)


def merge_acronyms(corpus: Corpus) -> dict[str, str]:
    """Map an acronym ("PCC", "ONU") to the organisation or place whose initials it
    spells ("Parti communiste chinois", "Organisation des Nations unies") and that some
    document names with it, as articles do when they define one: "SPD" in a corpus with
    "Saint-Paul-lès-Durance" but no article naming both stays apart. When several
    fit, the one mentioned far more often than the others wins (see `dominant`).

    >>> merge_acronyms(names_of(
    ...     {"pcc": "ORG", "parti communiste chinois": "ORG", "onu": "ORG",
    ...      "organisation des nations unies": "ORG"}, written={"pcc": "PCC", "onu": "ONU"},
    ...     documents={"pcc": {"a1", "a2"}, "parti communiste chinois": {"a1"},
    ...                "onu": {"a3"}, "organisation des nations unies": {"a4"}}))
    {'pcc': 'parti communiste chinois'}
    """
    votes = _votes(corpus)
    by_initials: dict[str, list[str]] = defaultdict(list)
    for key in corpus:
        if len(key.split()) > 1 and vote(votes[key]) != "PER":
            by_initials[initials(key)].append(key)
    merged = {}
    for key, stats in corpus.items():
        name = _written(stats)
        if 2 <= len(name) <= 6 and name.isalpha() and name.isupper():
            full = dominant(by_initials.get(key, ()), votes)
            if full and stats.documents & corpus[full].documents:
                merged[key] = full
    return merged


@dataclass(frozen=True)
class MergeRule:
    """A corpus-level merge rule: its name, what it finds, and how the merged name counts."""

    name: str
    find: Callable[[Corpus], dict[str, str]]
    why: str  # how `explain` says it
    # The names joining lose their leading article ("La Chine" is written "Chine").
    drop_article: bool = False
    # The mentions joining are the person's, whatever the model said of them.
    person: bool = False


# In order of precedence: a name one rule merges is not offered to the next.
MERGE_RULES: tuple[MergeRule, ...] = (
    MergeRule("article", merge_article_variants, "the same name without its leading article",
              drop_article=True),
    MergeRule("abbreviation", merge_abbreviations, "an abbreviation of the place it begins"),
    MergeRule("acronym", merge_acronyms,
              "the initials of a name given in the same article"),
    MergeRule("administrative-unit", merge_administrative_units,
              "the place this administrative unit is named after"),
    MergeRule("partial-name", merge_partial_names,
              "a first name or surname of the one full name that fits", person=True),
)


@dataclass(frozen=True)
class Merge:
    """One name joining another, and the rule that said so."""

    old: str
    new: str
    rule: MergeRule


def plan_merges(corpus: Corpus, rules: Iterable[MergeRule] = MERGE_RULES) -> dict[str, Merge]:
    """Every merge the rules agree on, by the name that goes. Each rule reads the corpus
    as it is before any merge; a name taken by an earlier rule, as the name that goes or
    the one it joins, is not offered to a later rule; and merges go one step only (no
    name joins one that itself joins another), but for article variants: "La Chine" is
    "Chine" written with its article, so it goes wherever "Chine" goes.

    >>> plan = plan_merges(names_of({"la chine": "LOC", "chine": "LOC", "emma": "PER",
    ...                              "emma bovary": "PER"}))
    >>> sorted((m.old, m.new, m.rule.name) for m in plan.values())
    [('emma', 'emma bovary', 'partial-name'), ('la chine', 'chine', 'article')]
    """
    merges: dict[str, Merge] = {}
    for rule in rules:
        for old, new in rule.find(corpus).items():
            if old not in merges and new not in merges:
                merges[old] = Merge(old, new, rule)
    return {old: merge for old, merge in merges.items()
            if merge.rule.drop_article or merge.new not in merges}


def merge_chain(key: str, merges: Mapping[str, Merge]) -> list[Merge]:
    """The merges that take `key` to the name it ends up in, in order (at most an article
    variant's merge, then its bare name's; see `plan_merges`).

    >>> article, partial = MERGE_RULES[0], MERGE_RULES[-1]
    >>> chain = merge_chain("la levaque", {"la levaque": Merge("la levaque", "levaque", article),
    ...                     "levaque": Merge("levaque", "philomene levaque", partial)})
    >>> [merge.new for merge in chain]
    ['levaque', 'philomene levaque']
    """
    chain: list[Merge] = []
    while key in merges and len(chain) <= len(merges):  # bounded, whatever the merges
        chain.append(merges[key])
        key = merges[key].new
    return chain
