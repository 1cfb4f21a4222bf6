"""The scorer on hand-made cases with known answers."""

import json

import pytest

from entity_graph.pipeline.evaluation import scoring
from entity_graph.pipeline.evaluation.scoring import PRF, Span

GOLD = [Span(0, 9, "PER"), Span(13, 18, "LOC"), Span(30, 40, "ORG")]


def test_perfect_prediction():
    for fuzzy in (False, True):
        scores = scoring.score_spans(GOLD, GOLD, fuzzy=fuzzy)
        assert scores["ALL"].f1 == 1.0 and scores["PER"].recall == 1.0


def test_strict_needs_exact_span_and_type():
    predicted = [Span(0, 9, "PER"), Span(13, 17, "LOC"), Span(30, 40, "LOC")]
    scores = scoring.score_spans(GOLD, predicted, fuzzy=False)
    assert (scores["ALL"].precision, scores["ALL"].recall) == (1 / 3, 1 / 3)
    assert scores["LOC"] == PRF(0, 2, 0, 1)


def test_fuzzy_accepts_overlap_of_the_same_type():
    predicted = [Span(3, 9, "PER"), Span(13, 17, "LOC"), Span(30, 40, "LOC"), Span(50, 55, "PER")]
    scores = scoring.score_spans(GOLD, predicted, fuzzy=True)
    assert scores["ALL"].precision == pytest.approx(2 / 4)
    assert scores["ALL"].recall == pytest.approx(2 / 3)
    assert scores["ALL"].f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_fuzzy_counts_a_split_gold_span_once_for_recall():
    gold = [Span(0, 20, "ORG")]
    predicted = [Span(0, 8, "ORG"), Span(9, 20, "ORG")]
    scores = scoring.score_spans(gold, predicted, fuzzy=True)
    assert (scores["ALL"].precision, scores["ALL"].recall) == (1.0, 1.0)


def test_empty_prediction_scores_zero_not_error():
    scores = scoring.score_spans(GOLD, [], fuzzy=True)
    assert scores["ALL"] == PRF(0, 0, 0, 3) and scores["ALL"].f1 == 0.0


def test_scores_add_up_over_documents():
    a = scoring.score_spans(GOLD, GOLD[:1], fuzzy=False)
    b = scoring.score_spans(GOLD[:1], GOLD[:1], fuzzy=False)
    total = scoring.add_scores(a, b)
    assert total["ALL"] == PRF(2, 2, 2, 4) and total["ALL"].recall == 0.5


def test_bcubed_known_values():
    # Gold: {1,1,1} {2}; predicted: {a,a} {b,b} — item by item:
    # P = (1 + 1 + 1/2 + 1/2) / 4, R = (2/3 + 2/3 + 1/3 + 1) / 4
    p, r, f = scoring.bcubed([("a", 1), ("a", 1), ("b", 1), ("b", 2)])
    assert p == pytest.approx(0.75)
    assert r == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)
    assert f == pytest.approx(2 * p * r / (p + r))
    assert scoring.bcubed([("x", 1), ("y", 2)]) == (1.0, 1.0, 1.0)
    assert scoring.bcubed([]) == (0.0, 0.0, 0.0)


def test_best_overlap():
    assert scoring.best_overlap(Span(5, 12, "PER"), GOLD) == 0
    assert scoring.best_overlap(Span(19, 29, "PER"), GOLD) is None


def test_eval_command_on_a_small_gold_file(nlp, tmp_path, capsys):
    from entity_graph.pipeline.evaluation.evaluate import evaluate_file

    text = "Emmanuel Macron a rencontré Angela Merkel à Berlin. Macron est reparti à Paris."
    gold = [(0, 15, "PER", "Q1"), (28, 41, "PER", "Q2"), (44, 50, "LOC", "Q3"),
            (52, 58, "PER", "Q1"), (73, 78, "LOC", "Q4")]
    line = {"id": "d1", "text": text,
            "entities": [{"start": s, "end": e, "label": t, "qid": q} for s, e, t, q in gold]}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = evaluate_file(path, nlp)
    assert result["fuzzy"]["ALL"]["gold"] == 5
    assert result["fuzzy"]["ALL"]["recall"] >= 0.8
    assert result["bcubed"]["f1"] == 1.0  # "Macron" merged with "Emmanuel Macron"


def test_eval_shows_the_bare_model_and_the_change_since_a_reference(tmp_path, capsys):
    """`entity-graph eval --reference`: each file's fuzzy F1 next to the bare model's and
    its change since a saved run, a drop of more than 0.002 marked "!"."""
    from entity_graph.pipeline.cli import main

    text = "Emmanuel Macron a rencontré Angela Merkel à Berlin. Macron est reparti à Paris."
    gold = [(0, 15, "PER"), (28, 41, "PER"), (44, 50, "LOC"), (52, 58, "PER"), (73, 78, "LOC")]
    line = {"id": "d1", "text": text,
            "entities": [{"start": s, "end": e, "label": t, "qid": None} for s, e, t in gold]}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    saved = tmp_path / "eval.json"
    assert main(["eval", str(path), "-q", "--json", str(saved)]) == 0
    results = json.loads(saved.read_text(encoding="utf-8"))
    assert [r["system"] for r in results] == ["entity-graph", "raw model"]
    assert results[0]["model"] == "fr_core_news_sm"
    capsys.readouterr()

    # A reference that scored better: the change is negative and marked.
    better = [dict(r, fuzzy={k: dict(v, f1=v["f1"] + 0.01) for k, v in r["fuzzy"].items()})
              for r in results]
    reference = tmp_path / "reference.json"
    reference.write_text(json.dumps(better), encoding="utf-8")
    assert main(["eval", str(path), "-q", "--reference", str(reference)]) == 0
    table = capsys.readouterr().out
    row = next(line for line in table.splitlines() if line.strip().startswith("ALL"))
    bare = f"{results[1]['fuzzy']['ALL']['f1']:.3f}"
    assert row.split()[-3:] == [bare, "-0.0100", "!"]

    # A file that is no saved run is a one-line error.
    assert main(["eval", str(path), "-q", "--reference", str(path)]) == 2
    assert "not a saved `entity-graph eval --json` run" in capsys.readouterr().err
