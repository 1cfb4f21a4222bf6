"""What links two entity mentions of a sentence, read from its dependency parse.

`find_relations` looks at one parsed sentence and the token spans of its mentions, and
returns what the syntax says about each pair, as a predicate:

- subject – verb – object: "Elon Musk a rencontré Qin Gang" gives Musk -rencontrer-> Qin Gang;
- subject – verb – preposition – object: "Jean Castex succède à Édouard Philippe" gives
  "succéder à"; a reflexive verb keeps its pronoun: "s'entretenir avec";
- passive with an agent, turned active: "Merkel a été reçue par Macron" gives
  Macron -recevoir-> Merkel;
- negation kept in the predicate: "n'a jamais dirigé" gives "ne jamais diriger";
- a verb that completes another keeps both: "veut rencontrer" gives "vouloir rencontrer";
- coordination: "X et Y ont signé un accord avec Z" gives X -signer avec-> Z and
  Y -signer avec-> Z, and X -signer- Y, undirected (they did it together: a plural
  verb, and not "respectivement" or "chacun"); "X a rencontré Y et a salué Z": the
  second verb shares the first one's subject;
- a relative subject stands for its noun: "Musk, qui a rencontré Qin Gang";
- a bare noun makes one predicate with its verb: "porter plainte contre";
- a title before a name plays the name's part: "le président russe Vladimir Poutine";
- a noun in apposition or after "être": "Carlos Tavares, patron de Stellantis" and
  "Carlos Tavares est le patron de Stellantis" give "patron de" and "être patron de".

The parse of a small model is noisy, so each pattern asks for the exact dependency
shape and finds nothing rather than guess: precision before recall. No relation crosses
a quotation mark or a bracket, none names a source ("selon Le Monde") or a heading
("France : …"), and an object more than `REACH` words from its verb is left out.
Each rule was kept for what it did on a hand-judged sample of winer-dev (see
`benchmarks/quality/relations.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

SUBJECT = "nsubj"
PASSIVE_SUBJECT = "nsubj:pass"
OBJECT = "obj"
AGENT = "obl:agent"
# Arguments that come with a preposition ("avec Xi Jinping", "à Édouard Philippe").
OBLIQUES = ("obl:arg", "obl:mod", "obl", "iobj")
# French contractions of a preposition and an article, as the tokenizer leaves them.
_PREPOSITIONS = {"au": "à", "aux": "à", "du": "de", "des": "de", "d'": "de", "d": "de"}
# Prepositions that name a source or a viewpoint ("selon X", "d'après X"), not a party to
# what the verb says.
_ATTRIBUTIONS = ("selon", "d'après", "suivant")
_REFLEXIVE = ("expl:comp", "expl:pv", "expl:pass", "expl")
# Words between a verb and the object the parse gives it, beyond which the attachment is
# more often wrong than right (a small model's parse of a long sentence).
REACH = 10
Lemma = Callable[["Token"], str]


def token_lemma(token: Token) -> str:
    """The lemma the pipeline gave `token` (when its lemmatizer ran), lower-cased."""
    return token.lemma_.lower()


class Relation(NamedTuple):
    """What the sentence says links mention `subject` to mention `object` (indices into
    the spans given to `find_relations`). Undirected when neither is the other's
    subject (two subjects of one verb)."""

    subject: int
    object: int
    predicate: str
    negated: bool = False
    directed: bool = True


class SentenceRelation(NamedTuple):
    """A `Relation` as a document keeps it: its mentions by index into the document's
    mentions, its sentence by number and by character offsets."""

    subject: int
    object: int
    predicate: str
    sentence: int
    start: int  # the sentence's first character
    end: int  # one past its last
    negated: bool = False
    directed: bool = True


def _anchor(sentence: Doc, span: tuple[int, int]) -> Token:
    """The token through which a mention hangs in the tree: the first of its tokens whose
    head lies outside it (the parse of a name is not always headed by its root)."""
    start, end = span
    for token in sentence[start:end]:
        if not start <= token.head.i < end:
            return token
    return sentence[start]  # the root of the sentence


def _coordinated_head(token: Token, owner: dict[int, int]) -> Token:
    """The first conjunct of `token` when it is coordinated with other mentions ("Y" in
    "X et Y" hangs on "X", and plays X's part)."""
    while token.dep_ == "conj" and token.head.i != token.i and token.head.i in owner:
        token = _anchor_of(token.head, owner)
    return token


def _title_of(token: Token, owner: dict[int, int]) -> Token:
    """The noun right before a name that says what it is ("le président russe Vladimir
    Poutine", "le milliardaire Elon Musk"): it plays the name's part in the sentence, the
    name hanging on it. Otherwise `token` itself."""
    head = token.head
    if (token.dep_ in ("appos", "nmod") and head.i < token.i and _role_noun(head, owner)
            and not any(child.dep_ == "case" and child.i < token.i and child.head == token
                        for child in token.children)
            and not any(t.is_punct for t in token.doc[head.i + 1:token.i])):
        return head
    return token


def _anchor_of(token: Token, owner: dict[int, int]) -> Token:
    """The anchor of the mention that holds `token`."""
    number = owner[token.i]
    start = min(i for i, n in owner.items() if n == number)
    end = max(i for i, n in owner.items() if n == number) + 1
    return _anchor(token.doc, (start, end))


def _preposition(span: tuple[int, int], sentence: Doc) -> str:
    """The preposition in front of a mention ("avec", "à"; "au" is "à"), or ""."""
    start, end = span
    for token in sentence[start:end]:
        for child in token.children:
            if child.dep_ == "case" and child.i < start:
                word = child.lower_.replace("’", "'")
                fixed = [g.lower_ for g in child.children if g.dep_ == "fixed"]  # "face à"
                return " ".join([_PREPOSITIONS.get(word, word), *fixed]).replace("' ", "'")
    return ""


def _reflexive(verb: Token, lemma: str) -> str:
    if any(child.dep_ in _REFLEXIVE and child.lower_ in ("se", "s'", "s’")
           for child in verb.children):
        return ("s'" if lemma[:1] in "aeéèêiîoôuhy" else "se ") + lemma
    return lemma


def _negation(verb: Token) -> str:
    """"ne pas", "ne jamais", "ne plus"… when the verb is negated, else ""."""
    words = [child.lower_ for child in verb.children
             if child.dep_ == "advmod" and "Neg" in child.morph.get("Polarity", [])]
    others = [word for word in words if word not in ("ne", "n'", "n’")]
    if not words:
        return ""
    return "ne " + (others[0] if others else "pas")


def _gap(verb: int, span: tuple[int, int]) -> int:
    """Words between a verb and a mention."""
    return span[0] - verb - 1 if span[0] > verb else verb - span[1]


def _support_noun(verb: Token, owner: dict[int, int]) -> str:
    """The bare noun that makes one predicate with its verb ("porter plainte", "rendre
    hommage", "avoir lieu"): a direct object right after it, without a determiner."""
    for child in verb.children:
        if (child.dep_ == OBJECT and child.pos_ == "NOUN" and child.is_alpha
                and child.i not in owner and verb.i < child.i <= verb.i + 2
                and all(t.pos_ == "ADV" for t in verb.doc[verb.i + 1:child.i])
                and not any(c.dep_ in ("det", "nummod") for c in child.children)
                and not _names_a_day(child.lower_)):
            return child.lower_
    return ""


@lru_cache(maxsize=4096)
def _names_a_day(word: str) -> bool:
    """"vendredi", "janvier": a date that the parse took for an object ("a déclaré
    vendredi à France Info"), as dateparser reads French."""
    import dateparser  # only for the rare bare noun after a verb

    return dateparser.parse(word, languages=["fr"]) is not None


def _quote_segments(sentence: Doc) -> list[int]:
    """A number per token that changes at every quotation mark: a verb outside a
    quotation says nothing about the names inside it."""
    segments, segment = [], 0
    for token in sentence:
        if token.text in ("«", "»", '"', "“", "”"):
            segment += 1
        segments.append(segment)
    return segments


def _relative_object(verb: Token) -> bool:
    """The verb of a relative clause whose pronoun is its object ("que")."""
    return any(child.dep_ == OBJECT and "Rel" in child.morph.get("PronType", [])
               for child in verb.children)


def _is_heading(sentence: Doc, span: tuple[int, int]) -> bool:
    """"France : une tempête…": a name before a colon labels what follows."""
    return span[1] < len(sentence) and sentence[span[1]].text == ":"


def _set_apart(sentence: Doc, verb: int, start: int) -> bool:
    """Punctuation between a verb and a modifier: where the modifier attaches is a guess
    ("…a gelé ses aides — le financement de la Mission en Somalie")."""
    low, high = sorted((verb, start))
    return any(token.is_punct for token in sentence[low + 1:high])


# The verbs French conjugates with "être" in the active ("il est mort", "elle est
# arrivée"): with them, "est" + participle is no passive (the grammar books' list).
_BE_VERBS = frozenset(("aller", "arriver", "descendre", "devenir", "entrer", "monter",
                       "mourir", "naître", "partir", "passer", "rentrer", "rester",
                       "retourner", "revenir", "sortir", "tomber", "venir", "décéder",
                       "apparaître", "parvenir", "survenir", "intervenir", "redevenir",
                       "repartir", "ressortir", "accourir", "advenir", "éclore"))


def _is_passive(verb: Token, lemma: Lemma) -> bool:
    """An agent, "été" ("a été reçu"), or "être" with a verb that is not conjugated
    with "être" in the active (the model labels "il est décédé" passive too)."""
    if any(child.dep_ == AGENT for child in verb.children):
        return True
    auxiliaries = [child for child in verb.children if child.dep_ == "aux:pass"]
    if any(child.lower_ == "été" for child in auxiliaries):
        return True
    passive = auxiliaries or any(child.dep_ == PASSIVE_SUBJECT for child in verb.children)
    return bool(passive) and lemma(verb) not in _BE_VERBS


class _Frame(NamedTuple):
    """A verb, with the mentions in each of its slots."""

    head: Token
    subjects: list[int]
    objects: list[tuple[int, str]]  # mention, preposition ("" for a direct object)
    agents: list[int]


def _verb_phrase(verb: Token, lemma: Lemma) -> tuple[str, Token]:
    """The verb's lemma (with its reflexive pronoun, and the verb it completes, with the
    word between: "vouloir rencontrer", "décider de se rendre"), and the token that
    carries the subject and the negation."""
    phrase = _reflexive(verb, lemma(verb))
    low, high = sorted((verb.head.i, verb.i))
    # Not when another verb stands between them: the parse hung the complement on the
    # wrong one ("s'est écrasé en tentant d'atterrir"); nor when the governing verb has
    # an object, who does what the complement says ("accuser la Chine de militariser").
    if verb.dep_ == "xcomp" and verb.head.pos_ == "VERB" and not any(
            child.dep_ in (SUBJECT, PASSIVE_SUBJECT) for child in verb.children) and not any(
            token.pos_ == "VERB" for token in verb.doc[low + 1:high]) and not any(
            child.dep_ in (OBJECT, "iobj") for child in verb.head.children):
        governor = verb.head
        marks = [child.lower_ for child in verb.children if child.dep_ == "mark"]
        words = [_reflexive(governor, lemma(governor)), *marks[:1], phrase]
        return " ".join(words).replace("' ", "'"), governor
    return phrase, verb


def _first_conjunct(verb: Token) -> Token | None:
    """The verb whose subject a coordinated verb without one shares ("a rencontré Y et
    a salué Z"), or None."""
    if verb.dep_ != "conj" or verb.head.pos_ != "VERB" or any(
            child.dep_ in (SUBJECT, PASSIVE_SUBJECT, "expl:subj") for child in verb.children):
        return None
    return verb.head


def _relative_subject(verb: Token, owner: dict[int, int]) -> int | None:
    """The mention that "qui" stands for when `verb` heads a relative clause (the
    mention comes before "qui")."""
    if verb.dep_ != "acl:relcl" or verb.head.i not in owner:
        return None
    for child in verb.children:
        if (child.dep_ == SUBJECT and "Rel" in child.morph.get("PronType", [])
                and verb.head.i < child.i):
            return owner[verb.head.i]
    return None


def _frames(sentence: Doc, spans: Sequence[tuple[int, int]], lemma: Lemma,
            ) -> Iterator[tuple[str, bool, _Frame]]:
    """Each verb with a mention in one of its slots at least: its predicate, whether it
    is negated, and its slots."""
    owner = {i: number for number, (start, end) in enumerate(spans) for i in range(start, end)}
    slots: dict[int, _Frame] = {}

    def frame(head: Token) -> _Frame:
        return slots.setdefault(head.i, _Frame(head, [], [], []))

    quotes = _quote_segments(sentence)
    for number, span in enumerate(spans):
        anchor = _anchor(sentence, span)
        role = _title_of(_coordinated_head(anchor, owner), owner)
        head, dep = role.head, role.dep_
        if (head.i in owner or head.i == role.i or head.pos_ != "VERB"
                or quotes[head.i] != quotes[span[0]] or _is_heading(sentence, span)
                or _bracket_depth(sentence, head.i, span[0])):
            continue
        preposition = _preposition(span, sentence)
        if dep in (SUBJECT, PASSIVE_SUBJECT):
            frame(head).subjects.append(number)
        elif _gap(head.i, span) > REACH:
            continue  # an object that far from its verb: the parse guessed
        elif dep == OBJECT and not preposition and not _relative_object(head):
            # "ratifier l'accord de Paris": no object; "la voiture qu'occupaient X": X
            # is the subject, after its verb
            frame(head).objects.append((number, ""))
        elif dep == AGENT:
            frame(head).agents.append(number)
        elif dep in OBLIQUES and preposition and preposition not in _ATTRIBUTIONS and (
                dep != "obl:mod" or not _set_apart(sentence, head.i, span[0])):
            frame(head).objects.append((number, preposition))
    for item in slots.values():
        _, governor = _verb_phrase(item.head, lemma)
        inherited = slots[governor.i].subjects if governor.i in slots else []
        first = _first_conjunct(item.head)
        if first is not None and first.i in slots:  # "X a rencontré Y et a salué Z"
            inherited = [*inherited, *slots[first.i].subjects]
        subject = _relative_subject(governor, owner)
        for number in [*inherited, *([] if subject is None else [subject])]:
            if number not in item.subjects:  # "X veut rencontrer Y", "X, qui a rencontré Y"
                item.subjects.append(number)
    for item in slots.values():
        predicate, governor = _verb_phrase(item.head, lemma)
        support = _support_noun(item.head, owner)
        predicate = f"{predicate} {support}" if support else predicate
        negation = _negation(governor) or _negation(item.head)
        yield (f"{negation} {predicate}" if negation else predicate), bool(negation), item


def _verb_relations(sentence: Doc, spans: Sequence[tuple[int, int]], lemma: Lemma,
                    ) -> Iterator[Relation]:
    for predicate, negated, frame in _frames(sentence, spans, lemma):
        if _is_passive(frame.head, lemma):
            # "Y a été reçu par X": X received Y. Without an agent, nothing is said of a pair.
            for agent in frame.agents:
                for patient in frame.subjects:
                    yield Relation(agent, patient, predicate, negated)
            continue
        for subject in frame.subjects:
            for number, preposition in frame.objects:
                phrase = f"{predicate} {preposition}" if preposition else predicate
                yield Relation(subject, number, phrase, negated)
        if _each_apart(frame.head) or not _plural(frame.head):
            continue
        together = _with_complement(frame.head, predicate, lemma)
        for i, first in enumerate(frame.subjects):
            for second in frame.subjects[i + 1:]:
                if _coordinated(sentence, spans, first, second):
                    yield Relation(first, second, together, negated, directed=False)


def _plural(verb: Token) -> bool:
    """Whether the finite verb (or its finite auxiliary) is plural, as two coordinated
    subjects make it: "X et Y ont signé". A singular one has another subject, the two
    names being an apposition to it ("une automobile pilotée par deux Chinois, X et Y,
    avait quitté la piste") or parts of one name."""
    finite = [t for t in [*verb.children, verb] if "Fin" in t.morph.get("VerbForm", [])
              and (t is verb or t.dep_.startswith("aux"))]
    return any("Plur" in t.morph.get("Number", []) for t in finite)


def _each_apart(verb: Token) -> bool:
    """"X et Y ont pris respectivement la 2e et la 3e place", "remportent chacun un titre":
    each did it on their own, not together."""
    near = [*verb.children, *(g for child in verb.children for g in child.children)]
    return any(token.lower_ in ("respectivement", "chacun", "chacune") for token in near)


def _with_complement(verb: Token, predicate: str, lemma: Lemma) -> str:
    """The predicate with the verb that completes it, when there is one: what two
    subjects did together is "aller chercher", not "aller"."""
    for child in verb.children:
        if child.dep_ == "xcomp" and child.pos_ == "VERB" and child.i > verb.i:
            marks = [c.lower_ for c in child.children if c.dep_ == "mark"]
            words = [predicate, *marks[:1], _reflexive(child, lemma(child))]
            return " ".join(words).replace("' ", "'")
    return predicate


def _coordinated(sentence: Doc, spans: Sequence[tuple[int, int]], first: int,
                 second: int) -> bool:
    """"X et Y", "X ou Y": the later mention is a conjunct of the other, with its
    conjunction (a list set off by commas may be an apposition: "l'Assemblée, le Sénat
    et la Chambre")."""
    (a, b) = sorted((spans[first], spans[second]))
    later = _anchor(sentence, b)
    return (later.dep_ == "conj" and a[0] <= later.head.i < a[1]
            and any(child.dep_ == "cc" for child in later.children)
            and not any(token.is_punct for token in sentence[a[1]:b[0]]))


def _role_noun(token: Token, owner: dict[int, int]) -> bool:
    """A common noun that can say what someone is ("patron", "ministre"): not a
    mention's word, and not itself after a preposition ("selon une révélation de Y")."""
    return token.pos_ == "NOUN" and token.i not in owner and not any(
        child.dep_ == "case" for child in token.children)


# What may stand between a name and the noun that says what it is ("X, le nouveau patron").
_BEFORE_ROLE = ("PUNCT", "DET", "ADJ", "ADV", "NUM")


def _only(sentence: Doc, start: int, end: int, kinds: tuple[str, ...]) -> bool:
    """Whether the tokens from `start` to `end` are all of these parts of speech."""
    return all(token.pos_ in kinds for token in sentence[start:end])


def _bracket_depth(sentence: Doc, verb: int, start: int) -> int:
    """Brackets opened minus closed between a verb and a mention: not 0 when one of them
    is in brackets and the other is not ("qui relie Uyuni ( Bolivie ) à Salta")."""
    low, high = sorted((verb, start))
    return sum((token.text == "(") - (token.text == ")") for token in sentence[low:high])


def _in_brackets(noun: Token, start: int) -> bool:
    """An opening bracket between the noun and the mention that starts at `start`."""
    low, high = sorted((noun.i, start))
    return any(token.text == "(" for token in noun.doc[low:high])


def _noun_relations(sentence: Doc, spans: Sequence[tuple[int, int]], lemma: Lemma,
                    ) -> Iterator[Relation]:
    """"X, patron de Y", "le patron de Y, X" and "X est le patron de Y". Only "de":
    "X, une victoire pour Y" says nothing of what X is to Y. A mention in brackets is
    an abbreviation or a place, not the one the noun describes."""
    owner = {i: number for number, (start, end) in enumerate(spans) for i in range(start, end)}
    anchors = [_anchor(sentence, span) for span in spans]
    for number, anchor in enumerate(anchors):
        if _is_heading(sentence, spans[number]):
            continue
        nouns = [(child, "") for child in anchor.children
                 if child.dep_ == "appos" and _role_noun(child, owner)]
        if anchor.dep_ == "appos" and _role_noun(anchor.head, owner) and not _in_brackets(
                anchor.head, spans[number][0]):
            nouns.append((anchor.head, ""))
        if anchor.dep_ == SUBJECT and anchor.head.pos_ == "NOUN" and any(
                child.dep_ == "cop" for child in anchor.head.children):
            nouns.append((anchor.head, "être "))
        for noun, copula in nouns:
            if not copula and noun.i > spans[number][0] and not _only(
                    sentence, spans[number][1], noun.i, _BEFORE_ROLE):
                continue  # "X, le patron de Y": nothing but an article, an adjective
            for child in noun.children:
                other = owner.get(child.i)
                if child.dep_ != "nmod" or other is None or other == number:
                    continue
                if not copula and noun.i < spans[number][0] and not _only(
                        sentence, spans[other][1], spans[number][0], ("PUNCT",)):
                    continue  # "le patron de Y, X": X right after Y
                preposition = _preposition(spans[other], sentence)
                if preposition == "de":
                    negation = _negation(noun) if copula else ""
                    phrase = f"{copula}{lemma(noun)} {preposition}"
                    yield Relation(number, other, f"{negation} {phrase}" if negation else phrase,
                                   bool(negation))


def find_relations(sentence: Doc, spans: Sequence[tuple[int, int]], *,
                   lemma: Lemma = token_lemma) -> list[Relation]:
    """The relations between mentions that one parsed sentence states. `spans` are the
    mentions' token spans (start, end) in `sentence`; a relation names two of them by
    index. Each pair and predicate comes once. `lemma` gives a verb's or a noun's lemma
    (by default the one the pipeline set).

    >>> import spacy                                          # doctest: +SKIP
    >>> doc = spacy.load("fr_core_news_sm")("Elon Musk a rencontré Qin Gang.")  # doctest: +SKIP
    >>> find_relations(doc, [(0, 2), (4, 6)])                 # doctest: +SKIP
    [Relation(subject=0, object=1, predicate='rencontrer', negated=False, directed=True)]
    """
    found: dict[tuple[int, int, str], Relation] = {}
    for relation in [*_verb_relations(sentence, spans, lemma),
                     *_noun_relations(sentence, spans, lemma)]:
        if relation.subject != relation.object:
            found.setdefault((relation.subject, relation.object, relation.predicate), relation)
    return list(found.values())
