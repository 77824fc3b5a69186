"""The CI quality gate: the shipped model on the gold test split must meet every threshold
in ``evaluation/thresholds.json``. Raising a threshold there is how a better model is locked in.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from govie import config
from govie.evaluate import check_thresholds, run

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = ROOT / "evaluation" / "thresholds.json"
HAVE_CORPUS = Path(config.DEFAULT_CORPUS_DIR).is_dir()
HAVE_MODEL = (Path(config.DEFAULT_MODEL_DIR) / "govie_ner.json").is_file()


def test_thresholds_file_is_well_formed():
    spec = json.loads(THRESHOLDS.read_text(encoding="utf-8"))
    assert spec["split"] == "test" and spec["min"]
    assert all(0.0 <= v <= 1.0 for v in spec["min"].values())


@pytest.mark.skipif(not (HAVE_CORPUS and HAVE_MODEL), reason="needs ../shared/corpus and the shipped model")
def test_shipped_model_meets_the_thresholds_on_the_test_split():
    spec = json.loads(THRESHOLDS.read_text(encoding="utf-8"))
    reports = run(str(ROOT / "annotations"), spec["split"], systems=("model",))
    failures = check_thresholds(reports["model"], spec["min"])
    assert not failures, "below threshold: " + "; ".join(failures)
