"""BIO tag set and constrained Viterbi decoding (pure numpy).

Why a constrained Viterbi and not a CRF layer: the BIO grammar itself (``I-X`` only after
``B-X`` or ``I-X``) is all the structure the four flat span labels need. Applying it as a
hard transition mask at decode time yields well-formed span sequences at no training cost,
while the per-character scores still come straight from the encoder, which is the part we
have evidence to trust. A CRF would add learned transition weights that a few hundred gold
documents cannot estimate well; a span-enumeration model would have to score O(n·k) spans
over 20k-character reports.
"""
from __future__ import annotations

from typing import Optional, Sequence

from functools import lru_cache

import numpy as np

OUTSIDE = "O"


def bio_tags(labels: Sequence[str]) -> tuple[str, ...]:
    """``("O", "B-L1", "I-L1", "B-L2", ...)``: the tag list, ``O`` first so id 0 means "no span"."""
    tags = [OUTSIDE]
    for label in labels:
        tags += [f"B-{label}", f"I-{label}"]
    return tuple(tags)


def _split(tag: str) -> tuple[str, str]:
    """``"B-VALUE"`` -> ``("B", "VALUE")``; ``"O"`` -> ``("O", "")``."""
    if tag == OUTSIDE:
        return OUTSIDE, ""
    prefix, _, label = tag.partition("-")
    if prefix not in ("B", "I") or not label:
        raise ValueError(f"not a BIO tag: {tag!r}")
    return prefix, label


def transition_mask(tags: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """``(allowed[prev, next], start_allowed[next])`` as boolean arrays for the BIO grammar.

    Cached per tag set: the decoder asks for it once per sentence.
    """
    return _transition_mask(tuple(tags))


@lru_cache(maxsize=8)
def _transition_mask(tags: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    parts = [_split(t) for t in tags]
    n = len(tags)
    allowed = np.ones((n, n), dtype=bool)
    start = np.ones(n, dtype=bool)
    for j, (prefix, label) in enumerate(parts):
        if prefix != "I":
            continue
        start[j] = False
        for i, (prev_prefix, prev_label) in enumerate(parts):
            allowed[i, j] = prev_prefix in ("B", "I") and prev_label == label
    allowed.setflags(write=False)
    start.setflags(write=False)
    return allowed, start


def word_break_transitions(tags: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    """``breaks[prev, next]``: True where the step ``prev -> next`` starts or ends a span of
    one of ``labels`` (what the word-boundary prior charges for inside a word)."""
    return _word_break_transitions(tuple(tags), tuple(labels))


@lru_cache(maxsize=8)
def _word_break_transitions(tags: tuple[str, ...], labels: tuple[str, ...]) -> np.ndarray:
    parts = [_split(t) for t in tags]
    n = len(tags)
    breaks = np.zeros((n, n), dtype=bool)
    for i, (prev_prefix, prev_label) in enumerate(parts):
        for j, (prefix, label) in enumerate(parts):
            starts = prefix == "B" and label in labels
            ends = prev_prefix != OUTSIDE and prev_label in labels and not (prefix == "I" and label == prev_label)
            breaks[i, j] = starts or ends
    breaks.setflags(write=False)
    return breaks


def constrained_viterbi(log_probs: np.ndarray, tags: Sequence[str], *,
                        mid_word: Optional[np.ndarray] = None, word_penalty: float = 0.0,
                        word_labels: Sequence[str] = ()) -> list[int]:
    """Best tag-id sequence under the BIO mask; ``log_probs`` is ``[n, len(tags)]``.

    Scores are summed per character (log-probabilities from the model), forbidden
    transitions get ``-inf``. ``O`` is always allowed, so a valid path always exists.

    The word-boundary prior: where ``mid_word[i]`` is True (characters ``i-1`` and ``i``
    belong to one word), a step that starts or ends a ``word_labels`` span there costs
    ``word_penalty``. Why: a character tagger sometimes stops one character short of a
    word (``…产业集`` for ``…产业集群``) or runs one into the next word (``…运能提`` of
    ``提升``); a reader would never draw such a boundary, yet the model's own scores can
    barely tell the two paths apart.
    """
    scores = np.asarray(log_probs, dtype=np.float64)
    if scores.ndim != 2 or scores.shape[1] != len(tags):
        raise ValueError(f"log_probs must have shape [n, {len(tags)}], got {scores.shape}")
    n = scores.shape[0]
    if n == 0:
        return []
    allowed, start = transition_mask(tags)
    trans = np.where(allowed, 0.0, -np.inf)
    inside = None
    if mid_word is not None and word_penalty > 0 and word_labels:
        if len(mid_word) != n:
            raise ValueError(f"mid_word has {len(mid_word)} entries for {n} characters")
        inside = trans - word_penalty * word_break_transitions(tags, word_labels)
    best = np.where(start, scores[0], -np.inf)
    back = np.zeros((n, len(tags)), dtype=np.int64)
    for i in range(1, n):
        step = inside if inside is not None and mid_word[i] else trans
        cand = best[:, None] + step           # [prev, next]
        back[i] = np.argmax(cand, axis=0)
        best = cand[back[i], np.arange(len(tags))] + scores[i]
    path = [int(np.argmax(best))]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    path.reverse()
    return path


def tags_to_spans(tag_ids: Sequence[int], tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """``[(start, end, label)]`` with ``end`` exclusive.

    Tolerates invalid input the way conlleval does (an ``I-X`` that does not continue an
    ``X`` span opens a new one), so gold tag sequences from elsewhere can be read too.
    """
    spans: list[tuple[int, int, str]] = []
    cur_start, cur_label = -1, ""
    for i, tid in enumerate(tag_ids):
        prefix, label = _split(tags[int(tid)])
        continues = prefix == "I" and cur_label == label
        if cur_label and not continues:
            spans.append((cur_start, i, cur_label))
            cur_label = ""
        if prefix == "B" or (prefix == "I" and not continues):
            cur_start, cur_label = i, label
    if cur_label:
        spans.append((cur_start, len(tag_ids), cur_label))
    return spans


def is_valid_bio(tag_ids: Sequence[int], tags: Sequence[str]) -> bool:
    """True when every ``I-X`` continues an ``X`` span (what the decoder guarantees)."""
    allowed, start = transition_mask(tags)
    ids = [int(t) for t in tag_ids]
    if ids and not start[ids[0]]:
        return False
    return all(allowed[a, b] for a, b in zip(ids, ids[1:]))
