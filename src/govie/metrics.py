"""Span metrics as small pure functions over plain lists (in the manner of seqeval).

Two matching modes, named explicitly because they answer different questions:

* ``strict``: a prediction counts only with the same label and exactly the same offsets,
  which is what a research record needs (``5.5%`` is not ``5.5%左右``).
* ``overlap``: same label and at least one shared character; each gold span is matched at
  most once (and each prediction too). It shows how much of the strict gap is boundary
  disagreement rather than missed or invented spans.

Spans may be ``(start, end, label)`` tuples, ``govie.records.Span`` objects or dicts with
``start``/``end``/``label``.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Mapping, Sequence

from govie import config
from govie.errors import InputError

MICRO = "micro"
MODES = ("strict", "overlap")

SpanTuple = tuple[int, int, str]


@dataclass(frozen=True)
class Score:
    """Precision, recall, F1 and support (number of gold spans) for one label or overall."""

    precision: float
    recall: float
    f1: float
    support: int
    predicted: int = 0
    correct: int = 0

    @classmethod
    def from_counts(cls, correct: int, predicted: int, support: int) -> "Score":
        p = correct / predicted if predicted else 0.0
        r = correct / support if support else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return cls(p, r, f, support, predicted, correct)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def as_span_tuple(span: Any) -> SpanTuple:
    """One span in any accepted shape -> ``(start, end, label)``."""
    if isinstance(span, Mapping):
        return int(span["start"]), int(span["end"]), str(span["label"])
    if hasattr(span, "start") and hasattr(span, "label"):
        return int(span.start), int(span.end), str(span.label)
    start, end, label = span
    return int(start), int(end), str(label)


def _strict_matches(gold: list[SpanTuple], pred: list[SpanTuple]) -> Counter:
    """Correct predictions per label: exact multiset intersection."""
    common = Counter(gold) & Counter(pred)
    out: Counter = Counter()
    for (_, _, label), n in common.items():
        out[label] += n
    return out


def _overlap_matches(gold: list[SpanTuple], pred: list[SpanTuple]) -> Counter:
    """Correct predictions per label: one-to-one matching of overlapping same-label spans.

    Left-to-right greedy matching (each prediction takes the leftmost free gold span it
    overlaps) is a maximum matching for flat spans, which interval order guarantees.
    """
    out: Counter = Counter()
    used = [False] * len(gold)
    gold_order = sorted(range(len(gold)), key=lambda i: (gold[i][0], gold[i][1]))
    for ps, pe, plabel in sorted(pred):
        for gi in gold_order:
            gs, ge, glabel = gold[gi]
            if not used[gi] and glabel == plabel and gs < pe and ps < ge:
                used[gi] = True
                out[plabel] += 1
                break
    return out


_MATCHERS = {"strict": _strict_matches, "overlap": _overlap_matches}


def _label_order(labels: Iterable[str]) -> list[str]:
    """Guideline labels first in guideline order, any others alphabetically after them."""
    labels = set(labels)
    known = [lab for lab in config.SPAN_LABELS if lab in labels]
    return known + sorted(labels - set(known))


def span_scores(gold: Sequence[Sequence[Any]], pred: Sequence[Sequence[Any]],
                mode: str = "strict") -> dict[str, Score]:
    """Per-label and ``"micro"`` scores; ``gold[i]`` and ``pred[i]`` are the spans of document i."""
    if mode not in _MATCHERS:
        raise InputError(f"unknown span matching mode {mode!r}; choose one of {', '.join(MODES)}")
    if len(gold) != len(pred):
        raise InputError(f"gold has {len(gold)} documents but the predictions have {len(pred)}")
    support: Counter = Counter()
    predicted: Counter = Counter()
    correct: Counter = Counter()
    for gold_doc, pred_doc in zip(gold, pred):
        g = [as_span_tuple(s) for s in gold_doc]
        p = [as_span_tuple(s) for s in pred_doc]
        support.update(label for _, _, label in g)
        predicted.update(label for _, _, label in p)
        correct.update(_MATCHERS[mode](g, p))
    scores = {label: Score.from_counts(correct[label], predicted[label], support[label])
              for label in _label_order(list(support) + list(predicted))}
    scores[MICRO] = Score.from_counts(sum(correct.values()), sum(predicted.values()),
                                      sum(support.values()))
    return scores


def scores_to_dict(scores: Mapping[str, Score]) -> dict[str, dict[str, Any]]:
    """JSON-ready form of :func:`span_scores` output."""
    return {label: score.to_dict() for label, score in scores.items()}


def _get(score: Any, field: str) -> float:
    return float(score[field] if isinstance(score, Mapping) else getattr(score, field))


def format_table(scores_by_system: Mapping[str, Mapping[str, Any]], *, digits: int = 1) -> str:
    """Side-by-side plain-text table: one row per label, P/R/F1 (in %) per system.

    Values may be :class:`Score` objects or their dict form (as read back from JSON).
    """
    systems = list(scores_by_system)
    if not systems:
        return ""
    labels = _label_order(lab for s in systems for lab in scores_by_system[s] if lab != MICRO)
    if any(MICRO in scores_by_system[s] for s in systems):
        labels.append(MICRO)
    cell = digits + 4
    group = 3 * cell + 2
    label_w = max(len("label"), *(len(lab) for lab in labels)) if labels else len("label")
    head1 = f"{'':<{label_w}}  {'':>7}" + "".join(f" | {name[:group]:^{group}}" for name in systems)
    head2 = f"{'label':<{label_w}}  {'support':>7}" + "".join(
        f" | {'P':>{cell}} {'R':>{cell}} {'F1':>{cell}}" for _ in systems)
    lines = [head1, head2, "-" * len(head2)]
    for lab in labels:
        support = next((int(_get(scores_by_system[s][lab], "support")) for s in systems
                        if lab in scores_by_system[s]), 0)
        row = f"{lab:<{label_w}}  {support:>7}"
        for s in systems:
            sc = scores_by_system[s].get(lab)
            if sc is None:
                row += f" | {'-':>{cell}} {'-':>{cell}} {'-':>{cell}}"
            else:
                row += "".join(f"{' |' if i == 0 else ''} {100 * _get(sc, f):>{cell}.{digits}f}"
                               for i, f in enumerate(("precision", "recall", "f1")))
        lines.append(row)
    return "\n".join(lines)
