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


#: L2 pull of (a, b) towards the identity (1, 0): keeps the fit finite when dev records are
#: (nearly) separable by score, where plain maximum likelihood runs off to infinity.
_PRIOR = 1e-2


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # overflow-free


def _nll(a: float, b: float, x: np.ndarray, y: np.ndarray) -> float:
    z = a * x + b
    # log(1 + e^z) - y z, computed stably, plus the prior
    return float(np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * _PRIOR * ((a - 1.0) ** 2 + b ** 2))


def platt_fit(scores: Sequence[float], correct: Sequence[bool], *, steps: int = 200) -> tuple[float, float]:
    """(a, b) maximising the (lightly regularised) likelihood of ``correct`` given ``scores``:
    Newton steps, halved until the objective decreases, so the fit cannot diverge."""
    x = _logit(np.asarray(scores, dtype=np.float64))
    y = np.asarray(correct, dtype=np.float64)
    if len(x) == 0 or y.min() == y.max():
        return 1.0, 0.0  # nothing to learn from: identity
    a, b = 1.0, 0.0
    current = _nll(a, b, x, y)
    for _ in range(steps):
        p = _sigmoid(a * x + b)
        g = np.array([np.sum((p - y) * x) + _PRIOR * (a - 1.0), np.sum(p - y) + _PRIOR * b])
        w = p * (1 - p)
        h = np.array([[np.sum(w * x * x), np.sum(w * x)], [np.sum(w * x), np.sum(w)]]) + _PRIOR * np.eye(2)
        step = np.linalg.solve(h, g)
        t = 1.0
        while t > 1e-6:
            na, nb = a - t * step[0], b - t * step[1]
            trial = _nll(na, nb, x, y)
            if trial <= current:
                break
            t /= 2
        else:
            break  # no step decreases the objective: converged
        converged = abs(current - trial) < 1e-10
        a, b, current = na, nb, trial
        if converged:
            break
    return float(a), float(b)


def platt_apply(score: float, a: float, b: float) -> float:
    x = math.log(min(max(score, _EPS), 1 - _EPS) / (1 - min(max(score, _EPS), 1 - _EPS)))
    return float(_sigmoid(np.float64(a * x + b)))
