"""Platt scaling of record scores."""
import numpy as np
import pytest

from govie.calibration import platt_apply, platt_fit


def test_platt_recovers_an_overconfident_score():
    rng = np.random.default_rng(0)
    raw = rng.uniform(0.3, 1.0, 4000)
    correct = rng.uniform(size=raw.size) < (raw - 0.25)   # truth is lower than the raw score
    a, b = platt_fit(raw, correct)
    for lo, hi in ((0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.0)):
        inside = (raw >= lo) & (raw < hi)
        mapped = np.mean([platt_apply(s, a, b) for s in raw[inside]])
        assert mapped == pytest.approx(correct[inside].mean(), abs=0.07)
    assert platt_apply(0.9, a, b) > platt_apply(0.5, a, b)  # monotone


def test_degenerate_input_gives_identity():
    assert platt_fit([0.5, 0.7], [True, True]) == (1.0, 0.0)
    assert platt_fit([], []) == (1.0, 0.0)
    assert platt_apply(0.7, 1.0, 0.0) == pytest.approx(0.7)


def test_separable_scores_give_a_finite_map():
    """Dev records perfectly separated by score drove plain Newton to ~1e11; the fit must stay
    finite and applying it must not overflow."""
    raw = np.r_[np.full(50, 0.2), np.full(50, 0.95)]
    correct = np.r_[np.zeros(50, bool), np.ones(50, bool)]
    a, b = platt_fit(raw, correct)
    assert np.isfinite([a, b]).all() and abs(a) < 100 and abs(b) < 100
    assert platt_apply(0.95, a, b) > 0.9 and platt_apply(0.2, a, b) < 0.1
    assert 0.0 <= platt_apply(1e-12, 1e6, -1e6) <= 1.0
