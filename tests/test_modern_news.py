"""Rules for today's news, each checked on a real-shaped sentence through the whole
extraction pipeline (model, cleaning, consistency, marking), as `build` runs it.

Each rule is a kind of evidence, not a list of strings: the model's label on a span with a
lower-case head, a code after an article, a month name outside a date, a nationality
between an article and a person's name, a context cue for the type.
"""

import re
from pathlib import Path

import pytest

from entity_graph.pipeline.extraction.records import extract, to_extraction, to_record
from entity_graph.pipeline.merging.entities import build_entities
from entity_graph.pipeline.reading import Document

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def names(nlp, text):
    """(name, type) of each entity of `text`, as the graph would show them."""
    records = list(extract(nlp, [Document(id="t", text=text)]))
    table = build_entities(records)
    return {(e.label, e.type) for e in table.entities.values()}


def mention_names(nlp, text):
    record = next(extract(nlp, [Document(id="t", text=text)]))
    return [(m.name, m.label) for m in record.mentions]


def our_mentions(nlp, text, entities):
    """The mentions our components make of `text` when the model found `entities`
    ((start, end, label) each): the rules alone, whatever the model would say."""
    doc = nlp.make_doc(text)
    doc.ents = [doc.char_span(start, end, label) for start, end, label in entities]
    for name, component in nlp.pipeline:
        if name != "ner":
            doc = component(doc)
    return doc


def spans_of(text, *words, label):
    """(start, end, label) of every occurrence of each of `words` in `text`."""
    return [(m.start(), m.end(), label) for word in words
            for m in re.finditer(re.escape(word), text)]


def test_an_institution_with_a_lower_case_head_keeps_its_whole_name(nlp):
    text = ("Le porte-parole du ministère de l'Intérieur, Pierre-Henry Brandet, a confirmé "
            "le bilan mardi soir à Paris.")
    assert ("ministère de l'Intérieur", "ORG") in mention_names(nlp, text)


@pytest.mark.parametrize("text, name", [
    # The head only describes the place: the name is what follows it.
    ("L'accident a eu lieu à une sortie de l'autoroute de Vérone, où le bus a percuté "
     "un pilier.", "Vérone"),
    ("Un incendie s'est déclaré à la centrale nucléaire de Flamanville dans la nuit.",
     "Flamanville"),
])
def test_a_place_named_after_a_descriptive_head_is_the_name(nlp, text, name):
    assert name in [n for n, _ in mention_names(nlp, text)]


def test_a_road_code_after_an_article_is_a_place(nlp):
    text = ("Les contrôles ont été renforcés autour de Paris, notamment sur l'A86 et sur "
            "la RN 205 en direction de Chamonix.")
    found = [n for n, _ in mention_names(nlp, text)]
    assert "A86" in found or "RN 205" in found


def test_mars_is_a_planet_outside_a_date_and_a_month_inside_one(nlp):
    text = ("Opportunity a fêté son douzième anniversaire sur Mars le 25 janvier dernier. "
            "Les images de la planète Mars seront publiées le 15 Mars 2016.")
    found = mention_names(nlp, text)
    assert ("Mars", "LOC") in found
    assert sum(name == "Mars" for name, _ in found) < 3  # never the month of "15 Mars 2016"


def test_a_weekday_opening_a_sentence_names_nothing(nlp):
    text = "La cellule de crise a été activée. Jeudi, un homme a été arrêté à Anvers."
    found = mention_names(nlp, text)
    assert ("Anvers", "LOC") in found and not [name for name, _ in found if name == "Jeudi"]


def test_nationalities_before_a_persons_name_are_no_places(nlp):
    text = ("La Suissesse Nicola Spirig a devancé l'Américaine Sarah True et la Britannique "
            "Jodie Stimpson à l'arrivée.")
    found = names(nlp, text)
    assert not {name for name, kind in found if kind == "LOC"} & {
        "Suissesse", "Américaine", "Britannique"}
    assert any(kind == "PER" and "Spirig" in name for name, kind in found)


def test_a_company_is_typed_by_its_context_without_a_curation_file(nlp):
    text = ("Le PDG de Tesla, Elon Musk, a visité l'usine de Shanghai. D'après l'agence de "
            "presse Bloomberg, Tesla veut y doubler sa production. Musk a rencontré le maire.")
    found = names(nlp, text)
    assert ("Tesla", "ORG") in found
    assert ("Bloomberg", "ORG") in found


def test_a_name_does_not_end_with_a_function_word_of_a_quoted_english_sentence(nlp):
    text = ("« Elon Musk's private jet left Shanghai and headed to Austin, Texas », a "
            "rapporté Reuters. Musk avait atterri à Shanghai mardi.")
    labels = {name for name, _ in names(nlp, text)}
    assert not any(label.endswith(" and") for label in labels)


def test_a_place_a_person_is_from_stays_a_place(nlp):
    text = ("Monsieur Grandet de Saumur était le plus riche du pays. Toute la ville de "
            "Saumur parlait de lui, et Saumur le respectait.")
    found = mention_names(nlp, text)
    assert ("Saumur", "LOC") in found


def test_the_sample_corpus_without_its_curation_file_types_companies_right(nlp):
    """A user's own corpus has no curation file: the context alone must type Tesla and
    Bloomberg as organisations, and the quoted English tweet must not make "Shanghai and"."""
    from entity_graph.pipeline.run import build

    result = build([CORPUS], None, nlp=nlp, curation="", progress=False)
    types = {data["label"]: data["type"] for _, data in result.graph.nodes(data=True)}
    assert types["Tesla"] == "ORG" and types["Bloomberg"] == "ORG"
    assert types["Shanghai"] == "LOC"
    assert not any(label.endswith(" and") for label in types)


def test_a_country_the_model_leaves_out_is_a_place(nlp):
    # The model tags nothing in this sentence: a country's full name (Unicode CLDR's, from
    # Babel) is a place all the same.
    text = ("Le séisme a détruit plusieurs bourgs montagneux du centre de l'Italie, a "
            "indiqué la protection civile.")
    assert ("Italie", "LOC") in mention_names(nlp, text)


def test_a_country_inside_what_the_model_tagged_as_something_else_is_left_alone(nlp):
    # The model takes "champion d'Italie" as one name of another type (a title).
    text = "Il avait été champion d'Italie de water-polo en 1952."
    assert "Italie" not in [n for n, _ in mention_names(nlp, text)]


def test_a_country_stays_a_name_next_to_its_adjective_or_a_slip_of_the_pen(nlp):
    text = ("Boko Haram a attaqué un village au Nigeria, a indiqué l'armée nigériane "
            "vendredi. Des mineurs ont été tués dans le nord de la Chine. La chine est le "
            "premier producteur de charbon au monde.")
    found = mention_names(nlp, text)
    assert ("Nigeria", "LOC") in found and ("Chine", "LOC") in found


def test_a_title_used_as_a_common_noun_is_no_name(nlp):
    # With its article, a title names no one ("le Premier ministre", "du Président");
    # without one it is a name ("avec Prince", see `cleaning.title_alone`).
    text = ("Le Premier ministre, Manuel Valls, a activé la cellule de crise. La plupart de "
            "ces personnalités sont des proches du Président, à commencer par son frère.")
    found = [n for n, _ in mention_names(nlp, text)]
    assert "Manuel Valls" in found
    assert "Premier" not in found and "Président" not in found


def test_an_office_is_no_persons_name(nlp):
    # A title of a common noun ("de la République") is an office: the model tags it as a
    # person, and the title once trimmed left "de la République".
    text = ("Le président de la République, François Hollande, en déplacement à Avignon, "
            "a réagi dans la soirée.")
    found = [n for n, _ in mention_names(nlp, text)]
    assert "François Hollande" in found and "de la République" not in found


def test_a_surname_alone_after_the_full_name_is_that_person(nlp):
    # Articles name a person in full, then by the surname alone; the model misses some of
    # those. A surname counts when the full name starts with a first name or a title
    # (`consistency.surnames`).
    text = ("Le ministre Henri Lestrade est arrivé tard à Lyon. Les syndicats ont félicité "
            "Lestrade pour son discours.")
    record = next(extract(nlp, [Document(id="t", text=text)]))
    alone = [m for m in record.mentions if text[m.start:m.end] == "Lestrade"]
    assert [(m.name, m.label) for m in alone] == [("Henri Lestrade", "PER")]


def test_a_full_name_the_model_calls_misc_is_a_person(nlp):
    # The model sometimes gives a person's full name the MISC label (a name it has not
    # seen, in a headline); a first name then a capitalised word is a person's name
    # (`known_names.is_full_name`). Other MISC spans stay out.
    text = "Derrière, Flora Duffel prend la troisième place du Tour de Suisse."
    doc = nlp.make_doc(text)
    doc.ents = [doc.char_span(10, 22, "MISC"), doc.char_span(text.index("Tour"), len(text) - 1,
                                                             "MISC")]
    doc = nlp.get_pipe("entity_graph_clean_mentions")(doc)
    assert [(m.name, m.label) for m in doc._.mentions] == [("Flora Duffel", "PER")]


def test_a_nationality_glued_to_a_persons_name_is_left_out_of_it(nlp):
    # The model tags "Autrichienne Sara Vilmont" as a place and "Espagnole Carla Routin"
    # as an organisation: a demonym, then a full name, is that person
    # (`lexicon.name_after_demonym`).
    text = "L'Autrichienne Sara Vilmont a remporté l'épreuve devant l'Espagnole Carla Routin."
    found = mention_names(nlp, text)
    assert ("Sara Vilmont", "PER") in found and ("Carla Routin", "PER") in found


def test_a_compound_nationality_is_not_a_place(nlp):
    # "le Sud-Africain", tagged LOC, is a person described by where they come from: a
    # compound adjective with a demonym's ending is a demonym, as "les Allemands" is.
    text = "Le Sud-Africain a doublé le Néo-Zélandais dans la descente vers Durban."
    doc = our_mentions(nlp, text, spans_of(text, "Sud-Africain", "Néo-Zélandais", "Durban",
                                           label="LOC"))
    assert [(m.name, m.label) for m in doc._.mentions] == [("Durban", "LOC")]


def test_a_surname_after_an_office_is_a_person(nlp):
    # "le président Vasseur": the model may call a surname alone a place; the office in
    # front of it says it is a person's (a context cue, which outweighs the model's label).
    # An acronym there is a party, not a person ("le maire UDE").
    text = ("Le président Vasseur a reçu le maire UDE de la ville. Vasseur est reparti "
            "vers Lille.")
    entities = sorted(spans_of(text, "Vasseur", "Lille", label="LOC")
                      + spans_of(text, "UDE", label="ORG"))
    doc = our_mentions(nlp, text, entities)
    record = to_record(Document(id="t", text=text), to_extraction(doc, text))
    table = build_entities([record])
    assert {(e.label, e.type) for e in table.entities.values()} == {
        ("Vasseur", "PER"), ("UDE", "ORG"), ("Lille", "LOC")}


def test_a_time_zone_after_a_clock_time_is_no_organisation(nlp):
    # The model tags "UTC" in "à 14 h 30 UTC" as an organisation: a code in capitals right
    # after a clock time is a time zone (`cleaning.is_time_zone`); the same code elsewhere
    # is left to the model.
    text = "La sonde a atterri à 14 h 30 UTC, puis à 20:00 (UTC+2) selon la NASA."
    entities = [(m.start(), m.end(), "ORG") for m in re.finditer(r"UTC\+2|UTC|NASA", text)]
    doc = our_mentions(nlp, text, entities)
    assert [(m.name, m.label) for m in doc._.mentions] == [("NASA", "ORG")]


def test_a_headline_glued_to_a_persons_name_is_left_out_of_it(nlp):
    # "Tour de France 2016 : Louis Gaudemar" tagged MISC as one span: what follows the
    # last colon or line break is a full name, hence a person (`full_name_at_end`).
    text = "Tour de France 2016 : Louis Gaudemar remporte la 13e étape."
    doc = nlp.make_doc(text)
    doc.ents = [doc.char_span(0, text.index(" remporte"), "MISC")]
    doc = nlp.get_pipe("entity_graph_clean_mentions")(doc)
    assert [(m.name, m.label) for m in doc._.mentions] == [("Louis Gaudemar", "PER")]
