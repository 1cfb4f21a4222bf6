"""`--relations`: what links two entities, said with the verb of the sentence.

One real French sentence per syntactic pattern (the model's own parse, no mock), then the
option end to end: the CLI, the API's DataFrame, relations.csv, the exports, the page."""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pytest

from entity_graph.pipeline import build, load
from entity_graph.pipeline.errors import SettingsError
from entity_graph.pipeline.settings import Settings

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def triples(nlp, sentence: str) -> set[tuple]:
    """(subject, predicate, object, directed, negated) for each relation found."""
    from entity_graph.pipeline.extraction.records import extract_texts

    (extraction,) = extract_texts(nlp, [sentence])
    names = [mention.name for mention in extraction.mentions]
    return {(names[r.subject], r.predicate, names[r.object], r.directed, r.negated)
            for r in extraction.relations}


@pytest.mark.parametrize(("sentence", "expected"), [
    # subject - verb - object
    ("Elon Musk a rencontré Qin Gang à Pékin.",
     {("Elon Musk", "rencontrer", "Qin Gang", True, False),
      ("Elon Musk", "rencontrer à", "Pékin", True, False)}),
    # verb + preposition, and a reflexive verb with its pronoun
    ("Jean Castex succède à Édouard Philippe.",
     {("Jean Castex", "succéder à", "Édouard Philippe", True, False)}),
    ("Donald Trump a parlé avec Xi Jinping.",
     {("Donald Trump", "parler avec", "Xi Jinping", True, False)}),
    ("Joe Biden s'est rendu au Japon.",  # "au" is "à le"
     {("Joe Biden", "se rendre à", "Japon", True, False)}),
    # passive with an agent: turned active
    ("Angela Merkel a été reçue par Emmanuel Macron.",
     {("Emmanuel Macron", "recevoir", "Angela Merkel", True, False)}),
    ("Google a été condamné par la Commission européenne.",
     {("Commission européenne", "condamner", "Google", True, False)}),
    # negation, kept in the predicate
    ("Emmanuel Macron n'a pas rencontré Vladimir Poutine.",
     {("Emmanuel Macron", "ne pas rencontrer", "Vladimir Poutine", True, True)}),
    ("Nicolas Sarkozy n'a jamais dirigé l'UMP.",
     {("Nicolas Sarkozy", "ne jamais diriger", "UMP", True, True)}),
    # coordination: two subjects did it together; two objects each get it
    ("La France et l'Allemagne ont signé un accord.",
     {("France", "signer", "Allemagne", False, False)}),
    ("Angela Merkel et François Hollande ont reçu Vladimir Poutine.",
     {("Angela Merkel", "recevoir", "Vladimir Poutine", True, False),
      ("François Hollande", "recevoir", "Vladimir Poutine", True, False),
      ("Angela Merkel", "recevoir", "François Hollande", False, False)}),
    ("Emmanuel Macron a rencontré Joe Biden et Olaf Scholz.",
     {("Emmanuel Macron", "rencontrer", "Joe Biden", True, False),
      ("Emmanuel Macron", "rencontrer", "Olaf Scholz", True, False)}),
    # a coordinated verb without a subject shares the first one's
    ("Emmanuel Macron a rencontré Joe Biden et a salué Olaf Scholz.",
     {("Emmanuel Macron", "rencontrer", "Joe Biden", True, False),
      ("Emmanuel Macron", "saluer", "Olaf Scholz", True, False)}),
    # what two did together keeps the verb that completes it
    ("Angela Merkel et Emmanuel Macron ont décidé de soutenir l'Ukraine.",
     {("Angela Merkel", "décider de soutenir", "Ukraine", True, False),
      ("Emmanuel Macron", "décider de soutenir", "Ukraine", True, False),
      ("Angela Merkel", "décider de soutenir", "Emmanuel Macron", False, False)}),
    # each on their own is not together
    ("Sébastien Fraysse et Arnaux Guilloux prennent respectivement la deuxième et la "
     "troisième place.", set()),
    # a relative "qui" stands for its noun
    ("Emmanuel Macron, qui a rencontré Joe Biden, s'est entretenu avec Olaf Scholz.",
     {("Emmanuel Macron", "rencontrer", "Joe Biden", True, False),
      ("Emmanuel Macron", "s'entretenir avec", "Olaf Scholz", True, False)}),
    # a verb completing another keeps both
    ("Marine Le Pen veut rencontrer Giorgia Meloni.",
     {("Marine Le Pen", "vouloir rencontrer", "Giorgia Meloni", True, False)}),
    # what someone is: apposition, either order, and after "être"
    ("Carlos Tavares, patron de Stellantis, a annoncé un plan.",
     {("Carlos Tavares", "patron de", "Stellantis", True, False)}),
    ("Le patron de Renault, Luca de Meo, a quitté Paris.",
     {("Luca de Meo", "patron de", "Renault", True, False)}),
    ("Emmanuel Macron est le président de la France.",
     {("Emmanuel Macron", "être président de", "France", True, False)}),
])
def test_each_pattern_on_a_real_sentence(relations_nlp, sentence, expected):
    assert triples(relations_nlp, sentence) == expected


@pytest.mark.parametrize(("sentence", "not_expected"), [
    # a source is no party to what is said
    ("Selon Le Monde, Emmanuel Macron a rencontré Olaf Scholz.", "Le Monde"),
    # a verb outside a quotation says nothing of the names inside it
    ("Thierry Breton a déclaré que « Ursula von der Leyen soutient Olaf Scholz ».",
     "Thierry Breton"),
    # a name before a colon labels the line
    ("France : Emmanuel Macron reçoit Olaf Scholz.", "France"),
    # "l'accord de Paris" is no object
    ("La Chine a ratifié l'accord de Paris.", "Paris"),
    # two names before a singular verb are no joint subjects: an apposition to another
    ("Une voiture pilotée par deux Chinois, Guo Meiling et Min Liao, avait quitté la piste.",
     "Guo Meiling"),
    # who militarises is the accused, not the accuser
    ("Les États-Unis ont accusé la Chine de militariser la mer de Chine méridionale.",
     "mer de Chine méridionale"),
])
def test_what_the_syntax_does_not_say_is_not_said(relations_nlp, sentence, not_expected):
    found = triples(relations_nlp, sentence)
    assert not any(not_expected in (subject, target) for subject, _, target, *_ in found), found


def test_only_sentences_naming_two_entities_are_parsed(relations_nlp):
    from entity_graph.pipeline.extraction.components import sentences_to_parse

    doc = relations_nlp("Il pleut. Emmanuel Macron est à Paris. Macron dort.\n\n"
                        "Olaf Scholz a rencontré Emmanuel Macron.")
    parsed = [sentence.text for _, sentence, _ in sentences_to_parse(doc)]
    assert parsed == ["Emmanuel Macron est à Paris.", "Olaf Scholz a rencontré Emmanuel Macron."]
    # The NER-only steps never run the parser: the dependency labels stay unset.
    assert not doc.has_annotation("DEP")


@pytest.fixture(scope="module")
def relations_build(tmp_path_factory, relations_nlp):
    out = tmp_path_factory.mktemp("relations")
    corpus = tmp_path_factory.mktemp("relations-corpus")
    (corpus / "a.txt").write_text(
        "date 2024-03-05\n"
        "Emmanuel Macron a rencontré Olaf Scholz à Berlin. Olaf Scholz a reçu Emmanuel Macron.\n\n"
        "Emmanuel Macron n'a pas rencontré Vladimir Poutine.", encoding="utf-8")
    (corpus / "b.jsonl").write_text(
        '{"id": "b1", "date": "2024-03-06", "text": "Angela Merkel a été reçue par '
        'Emmanuel Macron. Emmanuel Macron a rencontré Olaf Scholz."}\n', encoding="utf-8")
    result = build([corpus], out, Settings(progress=False, relations=True), nlp=relations_nlp)
    return corpus, out, result


def test_links_carry_their_relations(relations_build):
    _, _, result = relations_build
    graph = result.graph
    macron, scholz = result.find("Emmanuel Macron"), result.find("Olaf Scholz")
    link = graph.edges[macron, scholz]
    assert link["predicate"] == "rencontrer" and link["relation_count"] == 3
    assert link["relations"].splitlines() == [
        "Emmanuel Macron → rencontrer → Olaf Scholz (2)",
        "Olaf Scholz → recevoir → Emmanuel Macron (1)"]
    # Links without a relation have the attributes too, empty: every link has every column.
    berlin = graph.edges[macron, result.find("Berlin")]
    assert berlin["predicate"] == "rencontrer à"
    assert all({"predicate", "relations", "relation_count"} <= set(d)
               for _, _, d in graph.edges(data=True))
    # Each evidence sentence keeps its predicate.
    assert ("b1", "2024-03-06", "Emmanuel Macron a rencontré Olaf Scholz.", "rencontrer") \
        in result.evidence("Emmanuel Macron", "Olaf Scholz")
    assert result.attachments.relations_of(scholz, macron)[0] == (
        macron, "rencontrer", scholz, True, 2)


def test_relations_table_and_dataframe(relations_build):
    corpus, out, result = relations_build
    with open(out / "relations.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(r["source_label"], r["predicate"], r["target_label"], r["negated"]) for r in rows] == [
        ("Emmanuel Macron", "rencontrer", "Olaf Scholz", "false"),
        ("Emmanuel Macron", "rencontrer à", "Berlin", "false"),
        ("Olaf Scholz", "recevoir", "Emmanuel Macron", "false"),
        ("Emmanuel Macron", "ne pas rencontrer", "Vladimir Poutine", "true"),
        ("Emmanuel Macron", "recevoir", "Angela Merkel", "false"),
        ("Emmanuel Macron", "rencontrer", "Olaf Scholz", "false")]
    # The offsets find the sentence again in the source: the file for a .txt (its date
    # line included), the text field for JSONL.
    source = (corpus / "a.txt").read_text(encoding="utf-8")
    for row in rows[:4]:
        assert source[int(row["start"]):int(row["end"])].strip() == row["sentence"]
    assert {r["doc_id"] for r in rows} == {"a.txt", "b1"}
    frame = result.relations
    assert list(frame["predicate"]) == [r["predicate"] for r in rows]
    assert frame["negated"].dtype == bool and frame["negated"].sum() == 1
    again = load(out).relations
    assert again.to_dict("records") == frame.to_dict("records")


def test_exports_type_the_top_predicate(relations_build):
    _, out, result = relations_build
    for reader in (nx.read_graphml, nx.read_gexf):
        graph = reader(out / ("graph.graphml" if reader is nx.read_graphml else "graph.gexf"))
        predicates = nx.get_edge_attributes(graph, "predicate")
        assert set(predicates.values()) >= {"rencontrer", "recevoir", "ne pas rencontrer"}
        assert all(isinstance(v, int) for v in nx.get_edge_attributes(
            graph, "relation_count").values())
    graphml = (out / "graph.graphml").read_text(encoding="utf-8")
    assert '<key id="predicate" for="edge" attr.name="predicate" attr.type="string"' in graphml
    with open(out / "edges.csv", encoding="utf-8", newline="") as file:
        header = next(csv.reader(file))
    assert header[-4:] == ["predicate", "relation_count", "relations", "evidence"]


def test_relations_and_plain_builds_share_an_output_folder(relations_build, relations_nlp,
                                                           nlp, tmp_path):
    corpus, _, _ = relations_build
    out = tmp_path / "out"
    build([corpus], out, Settings(progress=False), nlp=nlp)
    plain = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert "relations.csv" not in plain
    result = build([corpus], out, Settings(progress=False, relations=True), nlp=relations_nlp)
    assert result.extracted == 2  # other extraction, other cache key: parsed now
    assert (out / "relations.csv").is_file()
    again = build([corpus], out, Settings(progress=False, relations=True), nlp=relations_nlp)
    assert again.extracted == 0
    assert (out / "relations.csv").read_bytes() == result.outputs["relations.csv"].read_bytes()
    build([corpus], out, Settings(progress=False), nlp=nlp)
    assert not (out / "relations.csv").exists()  # no stale triples beside a plain graph
    with pytest.raises(SettingsError, match="relations"):
        build([corpus], out, Settings(progress=False, relations=True), nlp=nlp)


def test_cli_builds_the_sample_corpus_with_relations(tmp_path, capsys):
    from entity_graph.pipeline.cli import main

    assert main(["build", str(CORPUS), "--out", str(tmp_path), "--relations", "-q"]) == 0
    assert "wrote 11 files" in capsys.readouterr().out
    with open(tmp_path / "relations.csv", encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    # "Le PDG de Tesla, Elon Musk, a encore une fois fait l'éloge de la Chine."
    assert ("Elon Musk", "pdg de", "Tesla") in {
        (r["source_label"], r["predicate"], r["target_label"]) for r in rows}


def test_counts_of_parts_merge_with_their_relations(relations_build):
    """The Dask engine counts parts of the corpus and merges them: relations included."""
    from entity_graph.graph.cooccurrence import count_cooccurrences, merge_counts

    _, _, result = relations_build
    records = list(result.records()) * 2
    whole = count_cooccurrences(records, result.table, evidence=2)
    merged = count_cooccurrences(records[:1], result.table, evidence=2)
    for i in range(1, len(records)):
        merged = merge_counts(merged, count_cooccurrences(
            records[i:i + 1], result.table, evidence=2, start=i), evidence=2)
    assert merged == whole and sum(map(len, whole.relations.values())) == 5  # distinct


def test_relations_of_a_long_decomposed_text_point_into_the_original(relations_nlp):
    """A text longer than the model's limit goes through in pieces, and a text in NFD
    (accents as combining marks) is composed first: the relations' mentions and sentence
    offsets still refer to the text as given."""
    import unicodedata

    from entity_graph.pipeline.extraction.records import extract_texts

    paragraph = "Emmanuel Macron a rencontré Olaf Scholz à Berlin. Il pleut sur la ville.\n\n"
    text = unicodedata.normalize("NFD", "Édouard Philippe succède à Jean Castex.\n\n"
                                 + paragraph * 4)
    saved = relations_nlp.max_length
    relations_nlp.max_length = 200
    try:
        (extraction,) = extract_texts(relations_nlp, [text])
    finally:
        relations_nlp.max_length = saved
    found = [(extraction.mentions[r.subject].name, r.predicate,
              extraction.mentions[r.object].name, r.sentence) for r in extraction.relations]
    assert found[0] == ("Édouard Philippe", "succéder à", "Jean Castex", 0)
    assert [f[:3] for f in found[1:]].count(("Emmanuel Macron", "rencontrer", "Olaf Scholz")) == 4
    for relation in extraction.relations:
        sentence = text[relation.start:relation.end]
        assert sentence.strip().endswith(".") and "\n" not in sentence.strip()
        for index in (relation.subject, relation.object):
            mention = extraction.mentions[index]
            assert relation.start <= mention.start < mention.end <= relation.end
    numbers = sorted({r.sentence for r in extraction.relations})
    assert numbers == sorted(set(numbers)) and len(numbers) == 5  # one per sentence, in order


def test_relation_graph_is_a_directed_multigraph_of_the_triples(relations_build):
    _, out, result = relations_build
    graph = result.relation_graph()
    macron, scholz = result.find("Emmanuel Macron"), result.find("Olaf Scholz")
    assert isinstance(graph, nx.MultiDiGraph)
    assert sorted(d["predicate"] for d in graph[macron][scholz].values()) == [
        "rencontrer", "rencontrer"]  # said in two documents
    assert [d["predicate"] for d in graph[scholz][macron].values()] == ["recevoir"]
    assert graph.nodes[macron]["label"] == "Emmanuel Macron"
    negated = [d for _, _, d in graph.edges(data=True) if d["negated"]]
    assert [d["predicate"] for d in negated] == ["ne pas rencontrer"]
    again = load(out).relation_graph()
    assert sorted(again.edges(data="predicate")) == sorted(graph.edges(data="predicate"))
