"""In-document aliasing and corpus-wide entity merging."""

from entity_graph.pipeline.extraction.mentions import Mention
from entity_graph.pipeline.extraction.records import DocRecord, RecordMention
from entity_graph.pipeline.merging.entities import build_entities, slugify
from entity_graph.pipeline.rules.document_aliases import alias_in_document


def names(mentions):
    return [(m.label, m.name) for m in mentions]


def test_surname_resolves_to_the_full_name_in_the_document():
    mentions = [Mention(0, 9, "PER", "Elon Musk"), Mention(20, 24, "PER", "Musk"),
                Mention(30, 34, "ORG", "Musk")]
    assert names(alias_in_document(mentions)) == [("PER", "Elon Musk")] * 3


def test_two_candidates_leave_the_surname_alone():
    mentions = [Mention(0, 1, "PER", "Jean Martin"), Mention(0, 1, "PER", "Paul Martin"),
                Mention(0, 1, "PER", "Martin")]
    assert names(alias_in_document(mentions))[2] == ("PER", "Martin")


def test_the_full_name_given_three_times_more_often_wins_the_surname():
    # A heading glued to the name ("Cyclisme Olano") is not a second person.
    olano = [Mention(0, 1, "PER", "Abraham Olano")] * 3
    mentions = [*olano, Mention(0, 1, "PER", "Cyclisme Olano"), Mention(0, 1, "LOC", "Olano")]
    assert names(alias_in_document(mentions))[-1] == ("PER", "Abraham Olano")
    # Twice as often is not enough.
    assert names(alias_in_document(mentions[1:]))[-1] == ("LOC", "Olano")


def test_a_surname_mistagged_as_a_place_is_aliased():
    mentions = [Mention(0, 1, "PER", "Emmanuel Macron"), Mention(0, 1, "LOC", "Macron")]
    assert names(alias_in_document(mentions))[1] == ("PER", "Emmanuel Macron")


def test_first_name_alone_is_not_a_surname():
    mentions = [Mention(0, 1, "PER", "Elon Musk"), Mention(0, 1, "PER", "Elon")]
    assert names(alias_in_document(mentions))[1] == ("PER", "Elon")


def record(doc_id, *mentions):
    return DocRecord(doc_id, None, None, None, "", 0, 10,
                     [RecordMention(0, len(name), name, label, name, sentence)
                      for name, label, sentence in mentions])


def test_entities_merge_case_accents_and_hyphens():
    table = build_entities([
        record("a", ("États-Unis", "LOC", 0), ("Etats Unis", "LOC", 0)),
        record("b", ("ÉTATS-UNIS", "LOC", 0), ("États-Unis", "LOC", 1)),
    ])
    [entity] = table.entities.values()
    assert (entity.id, entity.label, entity.mentions, entity.documents) == (
        "etats-unis-loc", "États-Unis", 4, 2)
    assert entity.aliases[0] == "États-Unis" and len(entity.aliases) == 3


def test_type_is_the_majority_vote():
    table = build_entities([record("a", ("Tesla", "PER", 0), ("Tesla", "PER", 1),
                                   ("Tesla", "ORG", 2))])
    assert [e.type for e in table.entities.values()] == ["PER"]


def test_capitalised_article_variant_merges_only_when_bare_name_exists():
    table = build_entities([record("a", ("La Chine", "LOC", 0), ("Chine", "LOC", 1),
                                   ("Le Monde", "ORG", 2))])
    assert sorted(e.label for e in table.entities.values()) == ["Chine", "Le Monde"]
    assert table.id_of("La Chine") == table.id_of("chine") == "chine-loc"


def test_ids_are_slugs_and_unique():
    assert slugify("Zeng Yuqun PER") == "zeng-yuqun-per"
    table = build_entities([record("a", ("Paris", "LOC", 0), ("Paris!", "LOC", 0))])
    assert sorted(table.entities) == ["paris-loc", "paris-loc-2"]


def mention(name, label="PER", *, own="", common=False, cue="", text=None):
    return RecordMention(0, 1, text or own or name, label, name, 0, own=own, common=common,
                         cue=cue)


def doc(doc_id, *mentions):
    return DocRecord(doc_id, None, None, None, "", 0, 10, list(mentions))


def test_a_name_standing_alone_in_the_corpus_keeps_its_own_entity():
    # "Grandet" is the father: used alone in three chapters, and only resolved to
    # "Eugénie Grandet" in the one chapter that also names her.
    records = [doc("c1", mention("Eugénie Grandet"), mention("Eugénie Grandet", own="Grandet")),
               doc("c2", mention("Grandet")), doc("c3", mention("Grandet")),
               doc("c4", mention("Grandet"), mention("Charles Grandet"))]
    table = build_entities(records)
    assert table.entity_of(records[0].mentions[1]) == "grandet-per"
    assert table.entities["grandet-per"].mentions == 4
    assert table.entities["eugenie-grandet-per"].mentions == 1


def test_a_surname_that_follows_its_full_name_joins_it():
    # News: "Musk" is resolved to "Elon Musk" in most articles; alone in one.
    records = [doc("a1", mention("Elon Musk"), mention("Elon Musk", own="Musk")),
               doc("a2", mention("Elon Musk"), mention("Elon Musk", own="Musk")),
               doc("a3", mention("Musk"))]
    table = build_entities(records)
    assert {table.entity_of(m) for r in records for m in r.mentions} == {"elon-musk-per"}


def test_a_married_title_makes_its_own_person_and_keeps_the_family_apart():
    records = [doc("c1", mention("Suzanne Walter"), mention("Walter"), mention("Walter"),
                   mention("Mme Walter", text="Walter"))]
    table = build_entities(records)
    ids = [table.entity_of(m) for m in records[0].mentions]
    assert ids == ["suzanne-walter-per", "walter-per", "walter-per", "mme-walter-per"]
    assert table.entities["mme-walter-per"].label == "Mme Walter"


def test_context_cues_outweigh_the_model_in_the_type_vote():
    records = [doc("c1", *[mention("Homais", "LOC")] * 6, mention("Homais", "PER", cue="PER"))]
    [entity] = build_entities(records).entities.values()
    assert (entity.type, entity.mentions) == ("PER", 7)


def test_names_only_ever_seen_as_sentence_initial_common_words_make_no_entity():
    records = [doc("m1", mention("Avoine", "LOC", common=True)),
               doc("m2", mention("Avoine", "LOC", common=True), mention("Paris", "LOC"))]
    table = build_entities(records)
    assert sorted(table.entities) == ["paris-loc"]
    assert table.entity_of(records[0].mentions[0]) is None
    records.append(doc("m3", mention("Avoine", "LOC")))  # once used as a name: kept
    assert "avoine-loc" in build_entities(records).entities


def test_partial_merge_needs_a_real_full_name():
    records = [doc("c1", mention("Emma interrompît Charles"), mention("Emma"),
                   mention("Emma"))]
    table = build_entities(records)
    assert table.entity_of(records[0].mentions[1]) == "emma-per"


def test_a_first_name_the_model_calls_a_place_joins_its_full_name_as_a_person():
    eugenie = [mention("Eugénie", "LOC")] * 6 + [mention("Eugénie", "PER")] * 3
    paris = [mention("Paris", "LOC")] * 9
    records = [doc("c1", mention("Eugénie Grandet"), *eugenie),
               doc("c2", mention("Paris Hilton"), *paris)]
    table = build_entities(records)
    assert table.id_of("Eugénie") == "eugenie-grandet-per"
    assert table.entities["eugenie-grandet-per"].mentions == 10
    assert table.id_of("Paris") == "paris-loc"  # no person votes: the city stays a city


def test_a_lone_name_joins_a_full_name_mentioned_far_more_than_the_others():
    records = [doc("a1", *[mention("Emmanuel Macron")] * 6, mention("Brigitte Macron"),
                   mention("Macron")),
               doc("a2", *[mention("Jean Martin")] * 2, *[mention("Paul Martin")] * 2,
                   mention("Martin"))]
    table = build_entities(records)
    assert table.id_of("Macron") == "emmanuel-macron-per"  # 6 against 1
    assert table.id_of("Martin") == "martin-per"  # 2 against 2: ambiguous, left alone


def test_an_abbreviated_country_joins_the_country_it_begins():
    # Results set abbreviated countries in brackets ("Olano (Esp)"): the layout's cue.
    records = [doc("r1", mention("Olano"), mention("Esp", "LOC", cue="LOC"),
                   mention("Esp", "LOC", cue="LOC")),
               record("r2", ("Espagne", "LOC", 0), ("Berne", "LOC", 1), ("Be", "LOC", 1))]
    table = build_entities(records)
    assert table.id_of("Esp") == table.id_of("Espagne") == "espagne-loc"
    assert table.entities["espagne-loc"].label == "Espagne"
    # "Be" without the layout's cue is no abbreviation...
    records.append(record("r3", ("Belgique", "LOC", 0)))
    assert build_entities(records).id_of("Be") == "be-loc"
    # ... with it, the one country it begins: Belgique, not Berne.
    records.append(doc("r4", mention("Tchmil"), mention("Be", "LOC", cue="LOC")))
    assert build_entities(records).id_of("Be") == "belgique-loc"


def test_a_short_place_name_is_no_abbreviation_without_the_layouts_cue():
    """"Lot" (a French département) is not "Lötschberg", however often that is named."""
    records = [record("l1", ("Lot", "LOC", 0)),
               *(record(f"s{n}", ("Lötschberg", "LOC", 0)) for n in range(6))]
    assert build_entities(records).id_of("Lot") == "lot-loc"


def test_an_acronym_joins_the_name_it_abbreviates_once_an_article_gives_both():
    records = [record("a1", ("Parti communiste chinois", "ORG", 0), ("PCC", "ORG", 0)),
               record("a2", ("PCC", "ORG", 0), ("Pékin", "LOC", 1)),
               record("a3", ("SPD", "ORG", 0)),
               record("a4", ("Saint-Paul-lès-Durance", "LOC", 0))]
    table = build_entities(records)
    assert table.id_of("PCC") == table.id_of("Parti communiste chinois")
    assert table.entities[table.id_of("PCC")].label == "Parti communiste chinois"
    assert table.entities[table.id_of("PCC")].mentions == 3
    assert table.id_of("SPD") != table.id_of("Saint-Paul-lès-Durance")  # never side by side


def test_a_family_name_goes_to_the_man_of_the_family():
    # "Mme Bovary" is a woman of the family: the bare surname is her husband, the one man
    # whose full name the corpus gives, though Emma is named as often.
    bovary = [doc("c1", *[mention("Emma Bovary")] * 2, *[mention("Charles Bovary")] * 2,
                  mention("Mme Bovary", text="Bovary"), mention("Bovary"))]
    assert build_entities(bovary).id_of("Bovary") == "charles-bovary-per"
    # The only full name is a woman's: the surname stays apart (M. Walter).
    walter = [doc("c1", mention("Suzanne Walter"), mention("Mme Walter", text="Walter"),
                  mention("Walter"))]
    assert build_entities(walter).id_of("Walter") == "walter-per"


def test_a_surname_with_its_particle_joins_the_full_name():
    records = [doc("a1", mention("Charles de Gaulle"), mention("de Gaulle")),
               doc("a2", mention("de Gaulle"), mention("de Gaulle"))]
    table = build_entities(records)
    assert table.id_of("de Gaulle") == "charles-de-gaulle-per"
    assert table.entities["charles-de-gaulle-per"].mentions == 4


def test_an_initial_and_a_surname_join_the_full_name_they_abbreviate():
    records = [doc("a1", mention("Fritz Honegger"), mention("F. Honegger"),
                   mention("E. Honegger"))]
    table = build_entities(records)
    assert table.id_of("F. Honegger") == "fritz-honegger-per"
    assert table.id_of("E. Honegger") == "e-honegger-per"  # another Honegger


def test_an_article_variant_goes_where_its_bare_name_goes():
    # "La Levaque" is "Levaque" with its article; "Levaque" joins the one full name.
    table = build_entities([record("a", ("Philomène Levaque", "PER", 0), ("Levaque", "PER", 1),
                                   ("La Levaque", "LOC", 2))])
    [entity] = table.entities.values()
    assert (entity.label, entity.type, entity.mentions) == ("Philomène Levaque", "PER", 3)
    mention = record("b", ("La Levaque", "LOC", 0)).mentions[0]
    assert table.entity_of(mention) == entity.id  # every mention counted is found again
    ways = {o.alias: (o.rules, [name for _, name in o.steps]) for o in table.origins}
    assert ways["La Levaque"] == ("article > partial-name", ["Levaque", "Philomène Levaque"])
    assert ways["Levaque"] == ("partial-name", ["Philomène Levaque"])


def test_the_merge_plan_names_the_rule_of_each_merge():
    from entity_graph.pipeline.merging.rules import names_of, plan_merges

    # "Be" abbreviates "Belgique", which the acronym rule cannot then take; and "Emma"
    # joins "Emma Bovary" but nothing joins "Emma" on the way.
    corpus = names_of({"emma": "PER", "emma bovary": "PER", "mme bovary": "PER",
                       "be": {"LOC": 6}, "belgique": "LOC"}, written={"be": "Be"})
    plan = {old: (m.new, m.rule.name) for old, m in plan_merges(corpus).items()}
    assert plan == {"be": ("belgique", "abbreviation"), "emma": ("emma bovary", "partial-name")}
