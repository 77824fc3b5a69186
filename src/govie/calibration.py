"""Record-score calibration: Platt scaling of the raw record score on dev records.

The raw score (value-span confidence × indicator-link × area probability) ranks records
well but is over-confident about *record* correctness, which also depends on exact
indicator boundaries, the number and the year. A two-parameter logistic map
``p = sigmoid(a · logit(raw) + b)``, fit on the dev split end to end, turns it into the
probability that the record is right; the reliability table in the model card checks it
on the test split.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

_EPS = 1e-6


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def platt_fit(scores: Sequence[float], correct: Sequence[bool], *, steps: int = 200) -> tuple[float, float]:
    """(a, b) maximising the likelihood of ``correct`` given ``scores`` (Newton's method)."""
    x = _logit(np.asarray(scores, dtype=np.float64))
    y = np.asarray(correct, dtype=np.float64)
    if len(x) == 0 or y.min() == y.max():
        return 1.0, 0.0  # nothing to learn from: identity
    a, b = 1.0, 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(a * x + b)))
        g = np.array([np.sum((p - y) * x), np.sum(p - y)])
        w = p * (1 - p)
        h = np.array([[np.sum(w * x * x), np.sum(w * x)], [np.sum(w * x), np.sum(w)]]) + 1e-9 * np.eye(2)
        step = np.linalg.solve(h, g)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-8:
            break
    return float(a), float(b)


def platt_apply(score: float, a: float, b: float) -> float:
    x = math.log(min(max(score, _EPS), 1 - _EPS) / (1 - min(max(score, _EPS), 1 - _EPS)))
    return 1 / (1 + math.exp(-(a * x + b)))
