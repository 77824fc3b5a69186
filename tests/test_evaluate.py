"""Evaluation definitions and the threshold gate, on hand-made gold and predictions."""
from __future__ import annotations

import pytest

from govie.errors import GovieError
from govie.evaluate import (Prediction, check_thresholds, evaluate_predictions, metric_at,
                            predict_with_rules, reliability)

TEXT = "地区生产总值增长5.5%左右，城镇调查失业率控制在5%以内。"


def _ref(sub):
    s = TEXT.index(sub)
    return {"start": s, "end": s + len(sub), "text": sub}


def _rec(ind, val, number, year=2025, area="economy", score=None):
    r = {"indicator": _ref(ind) if ind else None, "value": _ref(val), "time": None, "domain": None,
         "number": number, "unit": "%", "qualifier": "about", "change": "growth", "kind": "target",
         "year": year, "year_start": None, "policy_area": area}
    if score is not None:
        r["score"] = score
    return r


GOLD = [{"id": "g", "year": 2025, "level": "province", "text": TEXT,
         "spans": [{"start": _ref(s)["start"], "end": _ref(s)["end"], "label": l} for s, l in
                   [("地区生产总值", "INDICATOR"), ("5.5%左右", "VALUE"), ("城镇调查失业率", "INDICATOR"),
                    ("5%以内", "VALUE")]],
         "records": [_rec("地区生产总值", "5.5%左右", 5.5), _rec("城镇调查失业率", "5%以内", 5, area="social")]}]


def test_record_needs_value_indicator_number_year_and_area():
    pred = Prediction("g", [(s["start"], s["end"], s["label"]) for s in GOLD[0]["spans"]],
                      [_rec("地区生产总值", "5.5%左右", 5.5, score=0.9),
                       _rec("城镇调查失业率", "5%以内", 5, area="economy", score=0.8)])  # wrong area
    rep = evaluate_predictions(GOLD, [pred])
    assert rep["spans"]["strict"]["micro"]["f1"] == 1.0
    assert rep["records"]["correct"] == 1 and rep["records"]["f1"] == pytest.approx(0.5)
    assert rep["relations"]["indicator"]["f1"] == 1.0
    assert rep["fields"]["policy_area"] == pytest.approx(0.5)
    assert rep["area_confusion"] == {"social->economy": 1}
    assert rep["worst_documents"][0]["doc"] == "g"
    assert [b["n"] for b in rep["reliability"]["bins"]] == [1, 1]


def test_thresholds_gate():
    pred = Prediction("g", [], [])
    rep = evaluate_predictions(GOLD, [pred])
    assert metric_at(rep, "records.f1") == 0.0
    assert check_thresholds(rep, {"records.f1": 0.5}) == ["records.f1 = 0.0000 < 0.5000"]
    assert check_thresholds(rep, {"records.f1": 0.0}) == []
    with pytest.raises(GovieError, match="does not have"):
        metric_at(rep, "spans.strict.NOPE.f1")


def test_rule_baseline_runs_on_gold_rows():
    rep = evaluate_predictions(GOLD, predict_with_rules(GOLD))
    assert rep["spans"]["strict"]["VALUE"]["f1"] == 1.0


def test_reliability_bins_and_ece():
    rel = reliability([(0.95, True), (0.95, True), (0.35, False), (0.35, True)])
    assert [b["n"] for b in rel["bins"]] == [2, 2]
    assert rel["ece"] == pytest.approx((2 * 0.15 + 2 * 0.05) / 4)
