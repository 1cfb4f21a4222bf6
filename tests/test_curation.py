"""The curation file: parsing, clear errors, and its effect on extraction."""

import pytest

from entity_graph.pipeline.cli import main
from entity_graph.pipeline.extraction.model import load_nlp
from entity_graph.pipeline.rules.curation import CurationError, find_curation, load_curation


def write(tmp_path, text):
    path = tmp_path / "curation.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_file_is_read(tmp_path):
    curation = load_curation(write(tmp_path, """
entities:
  - name: Tesla
    type: org
    aliases: [Tesla Inc., Tesla Motors]
ignore: [Administration, Conférence mondiale]
types:
  CNBC: ORG
"""))
    [tesla] = curation.entities
    assert (tesla.name, tesla.type) == ("Tesla", "ORG")
    assert tesla.aliases == ("Tesla Inc.", "Tesla Motors")
    assert curation.ignore == {"administration", "conference mondiale"}
    assert curation.types == {"cnbc": "ORG"}
    assert len(curation.patterns()) == 3


def test_empty_file_means_no_curation(tmp_path):
    assert load_curation(write(tmp_path, "")).entities == ()


@pytest.mark.parametrize("text, line, problem", [
    ("entities:\n  - name: X\n    type: FOO\n", 3, "unknown type 'FOO'"),
    ("entities:\n  - name: X\n", 2, "needs a name and a type"),
    ("entities:\n  - name: X\n    type: PER\n    alias: [Y]\n", 2, "unknown field 'alias'"),
    ("ignore: Tesla\n", 1, "ignore must be a list"),
    ("types:\n  - Tesla\n", 2, "types must be a mapping"),
    ("colours: {}\n", 1, "unknown section 'colours'"),
    ("entities:\n  - name: [X\n", 3, "not valid YAML"),
])
def test_errors_name_the_file_and_line(tmp_path, text, line, problem):
    path = write(tmp_path, text)
    with pytest.raises(CurationError) as error:
        load_curation(path)
    assert str(error.value).startswith(f"{path}:{line}: ") and problem in str(error.value)


def test_bad_curation_file_is_one_line_exit_2(tmp_path, capsys):
    path = write(tmp_path, "entities:\n  - name: X\n    type: FOO\n")
    assert main(["build", "corpus", "--curation", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "curation.yml:3: unknown type" in err and "Traceback" not in err
    assert err.strip().count("\n") == 0


def test_curation_is_found_next_to_the_corpus(tmp_path):
    write(tmp_path, "ignore: [X]\n")
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    assert find_curation([tmp_path]) == tmp_path / "curation.yml"
    assert find_curation([tmp_path / "a.txt"]) == tmp_path / "curation.yml"


def test_curated_names_types_aliases_and_ignores_apply(tmp_path):
    curation = load_curation(write(tmp_path, """
entities:
  - name: Tesla
    type: ORG
    aliases: [Tesla Motors]
ignore: [Administration]
types:
  Bloomberg: ORG
"""))
    nlp = load_nlp(curation=curation)
    doc = nlp("Le PDG de Tesla Motors, Elon Musk, a parlé à Bloomberg. Tesla grandit. "
              "L'Administration du cyberespace de Chine a répondu.")
    found = {(doc.text[m.start:m.end], m.label, m.name) for m in doc._.mentions}
    assert ("Tesla Motors", "ORG", "Tesla") in found
    assert ("Tesla", "ORG", "Tesla") in found
    assert ("Bloomberg", "ORG", "Bloomberg") in found
    assert not any(name == "Administration" for _, _, name in found)


def test_seed_curation_makes_tesla_an_organisation(seed_build):
    types = {d["label"]: d["type"] for _, d in seed_build.graph.nodes(data=True)}
    assert types["Tesla"] == "ORG"
