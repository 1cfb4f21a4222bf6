"""spaCy components that turn the model's entities into clean, resolved mentions.

After the pipeline runs, `doc._.mentions` holds the document's `Mention`s, in order.
Each component is registered under a name prefixed `entity_graph_` (spaCy's registry is
global: a generic name could clash with another package's) and declares what it reads
and writes, so `nlp.analyze_pipes()` can check the order.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from entity_graph.pipeline.extraction.mentions import Mention
from entity_graph.pipeline.extraction.normalize import fold
from entity_graph.pipeline.rules.cleaning import (
    clean_span,
    context_cue,
    in_date,
    is_named_code,
    person_title,
    starts_with_honorific,
    street_start,
)
from entity_graph.pipeline.rules.consistency import drop_common_words, majority_types, propagate
from entity_graph.pipeline.rules.document_aliases import alias_in_document
from entity_graph.pipeline.rules.lexicon import (
    is_apposition,
    is_common_heading,
    is_common_start,
    is_demonym,
    load_lexicon,
)
from entity_graph.pipeline.rules.places import bracketed_places, dateline_places
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

    def clean_mentions(doc: Doc) -> Doc:
        mentions = []
        text = doc.text  # Doc.text joins every token: once per document, not per entity
        for ent in doc.ents:
            if ent.label_ not in wanted:
                continue
            # "M. Homais" tagged LOC: trim the title as for a person (it becomes one below).
            kept = clean_span(ent.text, "PER" if starts_with_honorific(ent.text)
                              else ent.label_, words)
            if ent.ent_id_:  # found by the curation file's ruler: trust it, name it
                kept = kept or (0, len(ent.text))
            elif kept is None and is_named_code(ent.text, text[max(0, ent.start_char - 6):
                                                               ent.start_char]):
                kept = (0, len(ent.text))
            elif kept is None:
                continue
            start, end = ent.start_char + kept[0], ent.start_char + kept[1]
            label = ent.label_
            street = None if ent.ent_id_ else street_start(text[max(0, start - 30):start])
            if street is not None and "LOC" in wanted:  # "rue Balzac" is a place
                start, label = start + street, "LOC"
            name = ent.ent_id_ or " ".join(text[start:end].split())
            before = text[max(0, start - 60):start]
            if not ent.ent_id_ and in_date(name, before, text[end:end + 8]):
                continue
            title = person_title(before)
            cue = "" if ent.ent_id_ else context_cue(before, text[end:end + 30]) or ""
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
        for place in dateline_places(doc.text, words) + bracketed_places(doc.text):
            if (place.start, place.end) in spans:
                i = spans[(place.start, place.end)]
                mentions[i] = mentions[i]._replace(cue=mentions[i].cue or "LOC")
            elif not any(m.start < place.end and place.start < m.end for m in mentions):
                mentions.append(place)
        doc._.mentions = sorted(mentions)
        return doc

    return add_layout_places


@Language.factory("entity_graph_team_names", default_config={"lexicon": ""},
                  requires=[MENTIONS], assigns=[MENTIONS])
def make_team_names(nlp: Language, name: str, lexicon: str):
    """Make each sports team named "les Flyers de Philadelphie" one ORG mention, in place
    of the pieces the model found in it."""
    words = load_lexicon(lexicon)

    def add_team_names(doc: Doc) -> Doc:
        teams = team_names(doc.text, words)
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
    text = doc.text
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
        text = doc.text
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
        text = doc.text
        starts = [sentence.start_char for sentence in doc.sents]
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
