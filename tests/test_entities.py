"""In-document aliasing and corpus-wide entity merging."""

from pipeline.aliasing import Mention, alias_in_document
from pipeline.entities import build_entities, slugify
from pipeline.extract import DocRecord, RecordMention


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
