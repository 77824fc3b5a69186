"""Windows over long texts: plan, then merge per-character scores and decode per region.

A report has ~20k characters, the encoder sees ``config.NER_WINDOW_CHARS`` (126) at a time. Two rules keep spans whole:

* Packing: consecutive regions (sentences) are packed into one window while they fit, so
  a sentence is normally seen in one piece with its neighbours as context.
* Splitting: a region longer than a window is covered by overlapping windows (stride
  ``config.NER_WINDOW_STRIDE``). Each character takes its scores from the window in which
  it lies farthest from an *artificial* edge (a cut inside the region; a region boundary is
  a real edge and costs nothing). Decoding then runs once per region over the merged
  scores with the constrained Viterbi, so a span can neither be cut at a window edge nor
  be reported twice by two overlapping windows.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from govie import config
from govie.errors import InputError
from govie.ner.decode import constrained_viterbi, tags_to_spans

Region = tuple[int, int]


@dataclass(frozen=True)
class Window:
    """Characters ``[start, end)`` fed to the model in one pass.

    ``cut_left``/``cut_right`` say whether that edge cuts through a region (the model has
    no context beyond it) or falls on a region boundary.
    """

    start: int
    end: int
    cut_left: bool = False
    cut_right: bool = False

    def __len__(self) -> int:
        return self.end - self.start

    def edge_distance(self) -> np.ndarray:
        """Per character: distance to the nearest artificial edge (large when there is none)."""
        idx = np.arange(len(self))
        far = np.full(len(self), np.iinfo(np.int64).max // 4, dtype=np.int64)
        left = idx if self.cut_left else far
        right = (len(self) - 1 - idx) if self.cut_right else far
        return np.minimum(left, right)


@dataclass(frozen=True)
class WindowPlan:
    """The checked regions of one text and the windows covering them."""

    length: int
    regions: tuple[Region, ...]
    windows: tuple[Window, ...]


def normalize_regions(length: int, regions: Optional[Sequence[Region]] = None) -> tuple[Region, ...]:
    """Sorted, non-empty, non-overlapping regions inside ``[0, length)``; default the whole text."""
    if regions is None:
        return ((0, length),) if length else ()
    out = sorted((int(s), int(e)) for s, e in regions)
    checked: list[Region] = []
    for s, e in out:
        if s < 0 or e > length or s > e:
            raise InputError(f"region ({s}, {e}) lies outside the text of {length} characters")
        if s == e:
            continue
        if checked and s < checked[-1][1]:
            raise InputError(f"regions {checked[-1]} and ({s}, {e}) overlap")
        checked.append((s, e))
    return tuple(checked)


def _split_region(s: int, e: int, window: int, stride: int) -> list[Window]:
    """Overlapping windows over one long region; the last one is aligned to the region end."""
    starts = list(range(s, e - window, stride)) + [e - window]
    return [Window(a, a + window, cut_left=a > s, cut_right=a + window < e) for a in starts]


def plan_windows(length: int, regions: Optional[Sequence[Region]] = None, *,
                 window: int = config.NER_WINDOW_CHARS,
                 stride: int = config.NER_WINDOW_STRIDE) -> WindowPlan:
    """Pack regions into windows of at most ``window`` characters; split longer regions."""
    if window < 1 or not 0 < stride <= window:
        raise ValueError(f"need 0 < stride <= window, got window={window}, stride={stride}")
    checked = normalize_regions(length, regions)
    windows: list[Window] = []
    group: Optional[list[int]] = None          # [start, end] of the window being packed
    for s, e in checked:
        if e - s > window:
            if group:
                windows.append(Window(group[0], group[1]))
                group = None
            windows.extend(_split_region(s, e, window, stride))
        elif group and e - group[0] <= window:
            group[1] = e
        else:
            if group:
                windows.append(Window(group[0], group[1]))
            group = [s, e]
    if group:
        windows.append(Window(group[0], group[1]))
    return WindowPlan(length, checked, tuple(windows))


def merge_scores(plan: WindowPlan, window_scores: Sequence[np.ndarray]) -> np.ndarray:
    """``[length, T]`` scores: each character from the window where it is farthest from a cut.

    Characters outside every region stay ``nan`` (they are never decoded).
    """
    if len(window_scores) != len(plan.windows):
        raise ValueError(f"{len(plan.windows)} windows but {len(window_scores)} score arrays")
    if not plan.windows:
        return np.zeros((plan.length, 0), dtype=np.float32)
    num_tags = np.asarray(window_scores[0]).shape[-1]
    merged = np.full((plan.length, num_tags), np.nan, dtype=np.float32)
    best = np.full(plan.length, -1, dtype=np.int64)
    for win, scores in zip(plan.windows, window_scores):
        scores = np.asarray(scores, dtype=np.float32)
        if scores.shape != (len(win), num_tags):
            raise ValueError(f"window {win.start}-{win.end}: scores of shape {scores.shape}, "
                             f"expected {(len(win), num_tags)}")
        dist = win.edge_distance()
        better = dist > best[win.start:win.end]
        idx = np.nonzero(better)[0]
        merged[win.start + idx] = scores[idx]
        best[win.start + idx] = dist[idx]
    return merged


def decode_merged(merged: np.ndarray, regions: Sequence[Region], tags: Sequence[str],
                  mid_word: Optional[np.ndarray] = None) -> list[tuple[int, int, str, float]]:
    """Decode merged log-probabilities region by region: ``(start, end, label, confidence)``.

    The confidence of a span is the mean probability of the tags on the decoded path.
    ``mid_word`` (per character of the text, :meth:`govie.segmenter.Segmenter.mid_word`)
    switches on the decoder's word-boundary prior (``config.NER_WORD_BOUNDARY_PENALTY``).
    """
    spans: list[tuple[int, int, str, float]] = []
    for s, e in regions:
        path = constrained_viterbi(merged[s:e], tags,
                                   mid_word=None if mid_word is None else mid_word[s:e],
                                   word_penalty=config.NER_WORD_BOUNDARY_PENALTY,
                                   word_labels=config.NER_WORD_BOUNDARY_LABELS)
        for a, b, label in tags_to_spans(path, tags):
            conf = float(np.exp(merged[s + np.arange(a, b), np.asarray(path[a:b])]).mean())
            spans.append((s + a, s + b, label, conf))
    return spans


def decode_plan(plan: WindowPlan, window_scores: Sequence[np.ndarray],
                tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Merge window scores and decode every region: ``[(start, end, label)]`` in text offsets."""
    merged = merge_scores(plan, window_scores)
    return [(s, e, label) for s, e, label, _ in decode_merged(merged, plan.regions, tags)]


def scaled_stride(window: int) -> int:
    """The stride for a window of ``window`` characters at the configured overlap ratio
    (the configured stride for the configured window; the tagger shortens its window for
    encoders with a smaller limit, ``benchmarks/ner_window.py`` tries longer ones)."""
    return max(1, window * config.NER_WINDOW_STRIDE // config.NER_WINDOW_CHARS)
