"""spaCy components that turn the model's entities into clean, resolved mentions.

After the pipeline runs, `doc._.mentions` holds the document's `Mention`s, in order.
Each component is registered under a name prefixed `entity_graph_` (spaCy's registry is
global: a generic name could clash with another package's) and declares what it reads
and writes, so `nlp.analyze_pipes()` can check the order.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from entity_graph.pipeline.extraction.doc_arrays import doc_text, sentence_starts
from entity_graph.pipeline.extraction.mentions import Mention
from entity_graph.pipeline.extraction.normalize import fold
from entity_graph.pipeline.extraction.relations import (
    Lemma,
    SentenceRelation,
    find_relations,
    token_lemma,
)
from entity_graph.pipeline.rules.cleaning import (
    clean_span,
    context_cue,
    in_date,
    is_named_code,
    is_time_zone,
    person_title,
    starts_with_honorific,
    street_start,
    title_alone,
)
from entity_graph.pipeline.rules.consistency import drop_common_words, majority_types, propagate
from entity_graph.pipeline.rules.document_aliases import alias_in_document
from entity_graph.pipeline.rules.known_names import full_name_at_end
from entity_graph.pipeline.rules.lexicon import (
    is_apposition,
    is_common_heading,
    is_common_start,
    is_demonym,
    load_lexicon,
    name_after_demonym,
)
from entity_graph.pipeline.rules.places import bracketed_places, country_places, dateline_places
from entity_graph.pipeline.rules.teams import team_names

if not Doc.has_extension("mentions"):
    Doc.set_extension("mentions", default=None)

MENTIONS = "doc._.mentions"


@Language.factory("entity_graph_clean_mentions",
                  default_config={"labels": ["PER", "ORG", "LOC"], "lexicon": ""},
                  requires=["doc.ents"], assigns=[MENTIONS])
def make_clean_mentions(nlp: Language, name: str, labels: list[str], lexicon: str):
    """Keep entities of the wanted labels, trimmed to the name ("la Chine" -> "Chine").
    `lexicon` is a spaCy lookups folder with the lemmatizer's tables (see
    `entity_graph.pipeline.rules.lexicon`), or "" to go without."""
    wanted = frozenset(labels)
    words = load_lexicon(lexicon)

    @lru_cache(maxsize=1 << 14)  # a worker meets the same names again and again
    def cleaned(name: str, label: str) -> tuple[int, int] | None:
        # "M. Homais" tagged LOC: trim the title as for a person (it becomes one below).
        return clean_span(name, "PER" if starts_with_honorific(name) else label, words)

    def clean_mentions(doc: Doc) -> Doc:
        mentions = []
        text = doc_text(doc)
        for ent in doc.ents:
            begin = ent.start_char
            ent_text = text[begin:ent.end_char]  # `ent.text` joins its tokens again
            label = ent.label_
            person = None
            if not ent.ent_id_ and "PER" in wanted:
                person = name_after_demonym(ent_text, words)
                if person is None and label == "MISC":
                    person = full_name_at_end(ent_text)
            if person is not None:
                # "Autrichienne Sara Vilic" tagged LOC, "Flora Duffel" or "Tour de France :
                # Flora Duffel" tagged MISC: the person, without what comes before
                begin, ent_text, label = begin + person, ent_text[person:], "PER"
            if label not in wanted:
                continue
            if not ent.ent_id_ and title_alone(ent_text, text[max(0, begin - 6):begin]):
                continue  # "le Premier ministre", "proches du Président": no name
            kept = cleaned(ent_text, label)
            if ent.ent_id_:  # found by the curation file's ruler: trust it, name it
                kept = kept or (0, len(ent_text))
            elif kept is None and is_named_code(ent_text, text[max(0, begin - 6):begin]):
                kept = (0, len(ent_text))
            elif kept is None:
                continue
            start, end = begin + kept[0], begin + kept[1]
            street = None if ent.ent_id_ else street_start(text[max(0, start - 30):start])
            if street is not None and "LOC" in wanted:  # "rue Balzac" is a place
                start, label = start + street, "LOC"
            name = ent.ent_id_ or " ".join(text[start:end].split())
            before = text[max(0, start - 60):start]
            if not ent.ent_id_ and (in_date(name, before, text[end:end + 8])
                                    or is_time_zone(name, before)):
                continue
            title = person_title(before)
            cue = "" if ent.ent_id_ else context_cue(before, text[end:end + 30], name) or ""
            if title and not ent.ent_id_ and "PER" in wanted:
                # "M. Homais" is a person whatever the model says; "Mme Grandet" is not
                # "M. Grandet": a woman's title stays in her name (not in her span).
                label = "PER"
                if title != "M." and " " not in name:
                    name = f"{title} {name}"
            mentions.append(Mention(start, end, label, name, cue=cue))
        doc._.mentions = mentions
        return doc

    return clean_mentions


@Language.factory("entity_graph_layout_places", default_config={"lexicon": ""},
                  requires=[MENTIONS], assigns=[MENTIONS])
def make_layout_places(nlp: Language, name: str, lexicon: str):
    """Add the places that the layout shows ("PARIS, 15 (Havas)", "Olano (Esp)"), which
    the model mostly misses; a mention the model found there gets their LOC cue."""
    words = load_lexicon(lexicon)

    def add_layout_places(doc: Doc) -> Doc:
        mentions = list(doc._.mentions or [])
        spans = {(m.start, m.end): i for i, m in enumerate(mentions)}
        text = doc_text(doc)
        for place in dateline_places(text, words) + bracketed_places(text):
            if (place.start, place.end) in spans:
                i = spans[(place.start, place.end)]
                mentions[i] = mentions[i]._replace(cue=mentions[i].cue or "LOC")
            elif not any(m.start < place.end and place.start < m.end for m in mentions):
                mentions.append(place)
        doc._.mentions = sorted(mentions)
        return doc

    return add_layout_places


@Language.component("entity_graph_country_places", requires=["doc.ents", MENTIONS],
                    assigns=[MENTIONS])
def add_country_places(doc: Doc) -> Doc:
    """Add the countries named in full that the model left out, outside every span it
    tagged, whatever its type (`country_places`)."""
    mentions = list(doc._.mentions or [])
    taken = [(ent.start_char, ent.end_char) for ent in doc.ents] \
        + [(m.start, m.end) for m in mentions]
    doc._.mentions = sorted(mentions + country_places(doc_text(doc), taken))
    return doc


@Language.factory("entity_graph_team_names", default_config={"lexicon": ""},
                  requires=[MENTIONS], assigns=[MENTIONS])
def make_team_names(nlp: Language, name: str, lexicon: str):
    """Make each sports team named "les Flyers de Philadelphie" one ORG mention, in place
    of the pieces the model found in it."""
    words = load_lexicon(lexicon)

    def add_team_names(doc: Doc) -> Doc:
        teams = team_names(doc_text(doc), words)
        kept = [m for m in doc._.mentions or []
                if not any(t.start < m.end and m.start < t.end for t in teams)]
        doc._.mentions = sorted(kept + teams)
        return doc

    return add_team_names


@Language.component("entity_graph_consistent_mentions", requires=[MENTIONS],
                    assigns=[MENTIONS])
def consistent_mentions(doc: Doc) -> Doc:
    """Drop names the text also uses as common words, find the occurrences of recognised
    names the model missed, and give each name its majority type in the document."""
    text = doc_text(doc)
    mentions = drop_common_words(doc._.mentions or [], text)
    doc._.mentions = majority_types(propagate(mentions, text))
    return doc


@Language.factory("entity_graph_curate_mentions", default_config={"ignore": [], "types": {}},
                  requires=[MENTIONS], assigns=[MENTIONS])
def make_curate_mentions(nlp: Language, name: str, ignore: list[str], types: dict[str, str]):
    """Drop the names the curation file ignores and force the types it gives."""
    ignored = frozenset(ignore)

    def curate_mentions(doc: Doc) -> Doc:
        kept = []
        text = doc_text(doc)
        for mention in doc._.mentions or []:
            key = fold(mention.name)
            if key in ignored or fold(text[mention.start:mention.end]) in ignored:
                continue
            kept.append(mention._replace(label=types.get(key, mention.label)))
        doc._.mentions = kept
        return doc

    return curate_mentions


@Language.factory("entity_graph_mark_common_words", default_config={"lexicon": ""},
                  requires=[MENTIONS, "token.is_sent_start"], assigns=[MENTIONS])
def make_mark_common_words(nlp: Language, name: str, lexicon: str):
    """Flag each mention that is one word at the start of a sentence and also a French
    common word, a people's name taken for a place, or common words set in capitals
    (`Mention.common`); entities mentioned only that way are dropped when the corpus is
    merged. `lexicon` is a spaCy lookups folder with the lemmatizer's tables."""
    words = load_lexicon(lexicon)

    def mark_common_words(doc: Doc) -> Doc:
        text = doc_text(doc)
        starts = sentence_starts(doc)
        mentions = doc._.mentions or []
        following = [*mentions[1:], None][:len(mentions)]
        # What a person is ("le Français", "la Suissesse Anna Müller") is never a place.
        kept = [m for m, after in zip(mentions, following, strict=True)
                if not (is_demonym(m, text, words) or is_apposition(m, after, text))]
        doc._.mentions = [m._replace(common=True)
                          if is_common_start(m, text, starts, words)
                          or is_common_heading(m, text, words) else m
                          for m in kept]
        return doc

    return mark_common_words


@Language.component("entity_graph_alias_mentions", requires=[MENTIONS], assigns=[MENTIONS])
def alias_mentions(doc: Doc) -> Doc:
    """Resolve surnames to the full name given earlier or later in the same document."""
    doc._.mentions = alias_in_document(doc._.mentions or [])
    return doc


if not Doc.has_extension("relations"):
    Doc.set_extension("relations", default=None)


class FindRelations:
    """Parse only the sentences that name two entities or more, and keep in
    `doc._.relations` what links their mentions: one `SentenceRelation` per relation,
    mentions by index into `doc._.mentions`.

    The parse runs the model's own components (`steps`, disabled in the main pipeline so
    that NER-only builds never pay for them) on each such sentence as a Doc of its own,
    sentences of a whole batch of documents together."""

    def __init__(self, nlp: Language, steps: list[str], lemmatizer: str) -> None:
        self.steps = [nlp.get_pipe(step) for step in steps]
        # Lemmas of the few words a predicate uses, not of every token of every sentence
        # parsed (the lemmatizer component took longer than the parse itself).
        self.lemma: Lemma = token_lemma
        if lemmatizer in nlp.component_names:
            rule_lemmatize = nlp.get_pipe(lemmatizer).rule_lemmatize  # type: ignore[attr-defined]
            self.lemma = lambda token: rule_lemmatize(token)[0].lower()

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size):
            wanted = [(doc, number, sentence, spans) for doc in batch
                      for number, sentence, spans in sentences_to_parse(doc)]
            parsed: Iterable[Doc] = [sentence.as_doc() for _, _, sentence, _ in wanted]
            for step in self.steps:  # sentences are short: 128 a batch parse fastest
                parsed = step.pipe(parsed, batch_size=128)  # type: ignore[attr-defined]
            for doc in batch:
                doc._.relations = []
            for (doc, number, sentence, spans), parse in zip(wanted, parsed, strict=True):
                indices = list(spans)  # of the sentence's mentions in doc._.mentions
                doc._.relations.extend(
                    SentenceRelation(indices[r.subject], indices[r.object], r.predicate,
                                     number, sentence.start_char, sentence.end_char,
                                     r.negated, r.directed)
                    for r in find_relations(parse, list(spans.values()), lemma=self.lemma))
            yield from batch


def sentences_to_parse(doc: Doc) -> Iterator[tuple[int, Span, dict[int, tuple[int, int]]]]:
    """The sentences of `doc` that name two different names or more: each one's number,
    the sentence, and the token spans in it of its mentions (keyed by their index in
    `doc._.mentions`). A mention across a sentence break belongs to no sentence."""
    sentences = list(doc.sents)
    starts = [sentence.start_char for sentence in sentences]
    found: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    names: dict[int, set[str]] = defaultdict(set)
    for index, mention in enumerate(doc._.mentions or []):
        if mention.common:  # a sentence-initial common word ("Agée de 19 ans, …")
            continue
        number = max(bisect_right(starts, mention.start) - 1, 0)
        sentence = sentences[number]
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is not None and sentence.start <= span.start and span.end <= sentence.end:
            found[number][index] = (span.start - sentence.start, span.end - sentence.start)
            names[number].add(mention.name)
    for number in sorted(found):
        if len(names[number]) >= 2:
            yield number, *_trimmed(sentences[number], found[number])


def _trimmed(sentence: Span, spans: dict[int, tuple[int, int]],
             ) -> tuple[Span, dict[int, tuple[int, int]]]:
    """The sentence without the white space around it (the parser takes a line break
    for a word, even for the subject), and the spans moved to match."""
    start, end = sentence.start, sentence.end
    doc = sentence.doc
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    shift = start - sentence.start
    return doc[start:end], {index: (a - shift, b - shift) for index, (a, b) in spans.items()}


@Language.factory("entity_graph_find_relations",
                  default_config={"steps": ["tok2vec", "morphologizer", "parser"],
                                  "lemmatizer": "lemmatizer"},
                  requires=[MENTIONS, "token.is_sent_start"], assigns=["doc._.relations"])
def make_find_relations(nlp: Language, name: str, steps: list[str],
                        lemmatizer: str) -> FindRelations:
    """See `FindRelations`; `steps` are the model's components that parse, `lemmatizer`
    the one whose rules give a predicate's lemmas (a rule-based lemmatizer)."""
    return FindRelations(nlp, steps, lemmatizer)
