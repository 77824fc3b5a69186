"""Span metrics: strict vs overlap matching, micro average, table formatting."""
from __future__ import annotations

import pytest

from govie.errors import InputError
from govie.metrics import MICRO, Score, format_table, scores_to_dict, span_scores
from govie.records import Span

GOLD = [
    [(0, 6, "INDICATOR"), (8, 14, "VALUE"), (20, 25, "TIME")],
    [(3, 7, "VALUE")],
]
PRED = [
    [(0, 6, "INDICATOR"), (8, 12, "VALUE"), (20, 25, "DOMAIN")],   # exact, boundary error, label error
    [(3, 7, "VALUE"), (30, 33, "VALUE")],                             # exact, invented
]


def test_strict_counts_per_label_and_micro():
    s = span_scores(GOLD, PRED, mode="strict")
    assert s["INDICATOR"] == Score(1.0, 1.0, 1.0, 1, 1, 1)
    assert (s["VALUE"].correct, s["VALUE"].predicted, s["VALUE"].support) == (1, 3, 2)
    assert s["VALUE"].precision == pytest.approx(1 / 3)
    assert s["VALUE"].recall == pytest.approx(0.5)
    assert s["VALUE"].f1 == pytest.approx(0.4)
    assert s["TIME"].support == 1 and s["TIME"].recall == 0.0 and s["TIME"].f1 == 0.0
    assert s["DOMAIN"].support == 0 and s["DOMAIN"].precision == 0.0
    assert (s[MICRO].correct, s[MICRO].predicted, s[MICRO].support) == (2, 5, 4)
    assert list(s)[:4] == ["INDICATOR", "VALUE", "TIME", "DOMAIN"] and list(s)[-1] == MICRO


def test_overlap_accepts_boundary_errors_but_not_label_errors():
    s = span_scores(GOLD, PRED, mode="overlap")
    assert s["VALUE"].correct == 2
    assert s["TIME"].correct == 0
    assert s[MICRO].correct == 3


def test_overlap_matches_each_gold_span_once():
    gold = [[(0, 10, "VALUE")]]
    pred = [[(0, 4, "VALUE"), (5, 10, "VALUE")]]
    s = span_scores(gold, pred, mode="overlap")
    assert s["VALUE"].correct == 1 and s["VALUE"].predicted == 2
    assert s["VALUE"].precision == 0.5 and s["VALUE"].recall == 1.0


def test_overlap_greedy_is_one_to_one_with_neighbouring_spans():
    gold = [[(0, 5, "VALUE"), (5, 10, "VALUE")]]
    pred = [[(3, 7, "VALUE"), (7, 9, "VALUE")]]
    assert span_scores(gold, pred, mode="overlap")["VALUE"].correct == 2


def test_accepts_span_objects_and_dicts():
    gold = [[Span(0, 2, "TIME", "今年")]]
    pred = [[{"start": 0, "end": 2, "label": "TIME"}]]
    assert span_scores(gold, pred)["TIME"].f1 == 1.0


def test_errors_are_for_people():
    with pytest.raises(InputError, match="2 documents but the predictions have 1"):
        span_scores([[], []], [[]])
    with pytest.raises(InputError, match="unknown span matching mode"):
        span_scores([[]], [[]], mode="fuzzy")


def test_empty_input_gives_zero_micro():
    s = span_scores([[]], [[]])
    assert list(s) == [MICRO] and s[MICRO].f1 == 0.0 and s[MICRO].support == 0


def test_format_table_side_by_side_and_from_json_dicts():
    strict = span_scores(GOLD, PRED, mode="strict")
    overlap = scores_to_dict(span_scores(GOLD, PRED, mode="overlap"))
    table = format_table({"strict": strict, "overlap": overlap})
    lines = table.splitlines()
    assert "strict" in lines[0] and "overlap" in lines[0]
    value_row = next(line for line in lines if line.startswith("VALUE"))
    assert value_row.split()[1] == "2"                    # support
    assert "33.3" in value_row and "66.7" in value_row    # strict P, overlap P
    assert lines[-1].startswith(MICRO)
    assert format_table({}) == ""


def test_format_table_marks_labels_missing_in_one_system():
    a = span_scores([[(0, 1, "TIME")]], [[(0, 1, "TIME")]])
    b = span_scores([[(0, 1, "VALUE")]], [[]])
    table = format_table({"a": a, "b": b})
    time_row = next(line for line in table.splitlines() if line.startswith("TIME"))
    assert time_row.rstrip().endswith("-")
