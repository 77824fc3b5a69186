"""Candidates and features for the relation heads: one ``ValueContext`` per VALUE span.

For each VALUE the candidates of a link type are the spans of that label in the same
sentence (records in reports almost never cross a sentence; the gold set agrees). Each
(value, candidate) pair is described by the encoder states of both spans (mean-pooled over
their characters) and by a few position features that carry what pooling loses: distance
and direction, same clause, values/candidates in between, ``分别`` ordering, a ``、``-only
gap, and whether the rule linker would pick this candidate (so the model learns when the
transparent rule is right).
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from govie.areas import area_of
from govie.attributes import TARGET_CUES, change_from_context
from govie.config import AREA_CONTEXT_CHARS, AREA_NGRAM_BUCKETS, CHANGES, POLICY_AREAS, SECTION_TYPES
from govie.document import Document, Sentence
from govie.records import Span
from govie.relations.rules import RuleLinker
from govie.times import resolve_time

#: link type -> span label of its candidates
LINK_LABELS: dict[str, str] = {"indicator": "INDICATOR", "time": "TIME", "domain": "DOMAIN"}
PAIR_FEATURES: tuple[str, ...] = ("distance", "before", "same_clause", "values_between",
                                  "same_label_between", "respectively_between", "only_separators",
                                  "respectively_rank_match", "rule_choice", "length")
TIME_SIGNS: tuple[str, ...] = ("none", "past", "same", "future")
VALUE_FEATURES: tuple[str, ...] = (*(f"section={t}" for t in SECTION_TYPES), "target_cue",
                                   *(f"rule_change={c}" for c in CHANGES),
                                   *(f"time={t}" for t in TIME_SIGNS))
#: Keyword evidence for the area head: which area the indicator's words, the innermost
#: heading that names an area, and the whole sentence point to (each one-hot, or "none").
AREA_SOURCES: tuple[str, ...] = ("indicator", "heading", "sentence")
AREA_FEATURES: tuple[str, ...] = tuple(f"{src}={a}" for src in AREA_SOURCES for a in (*POLICY_AREAS, "none"))
_SEPARATORS = re.compile(r"^[\s、和及与，]*$")
#: Characters before a value pooled as its verb context (增长/控制在/新增 …).
CONTEXT_CHARS = 6


@dataclass
class ValueContext:
    """Everything the heads need about one VALUE span."""

    value: Span
    sentence: Sentence
    value_vec: np.ndarray                    # [H]
    context_vec: np.ndarray                  # [H] mean of the chars before the value
    value_features: np.ndarray               # [len(VALUE_FEATURES)]
    candidates: dict[str, list[Span]]        # per link type
    cand_vecs: dict[str, np.ndarray]         # [n, H]
    pair_features: dict[str, np.ndarray]     # [n, len(PAIR_FEATURES)]


#: Text fields of the area evidence and the n-gram sizes read from each. The indicator and
#: the two innermost headings carry most of the signal (R9: the indicator's meaning decides
#: when the heading is generic); sentence bigrams and the words just before the value
#: (``新增``, ``改造``) disambiguate generic indicators such as ``项目`` or ``资金``.
AREA_NGRAM_FIELDS: dict[str, tuple[int, ...]] = {
    "indicator": (1, 2, 3), "heading": (1, 2, 3), "parent_heading": (1, 2, 3),
    "sentence": (2,), "before_value": (1, 2)}


@dataclass
class AreaEvidence:
    """What the area head reads besides encoder states: keyword one-hots and n-gram ids."""

    keywords: np.ndarray   # [len(AREA_FEATURES)] float32
    ngrams: np.ndarray     # [k] int64 bucket ids (never empty: see area_evidence)


def _ngram_ids(field: str, text: str, sizes: tuple[int, ...]) -> list[int]:
    """Stable hashed n-grams (crc32, not Python's salted ``hash``: ids must match across runs)."""
    return [zlib.crc32(f"{field}|{text[i:i + n]}".encode("utf-8")) % AREA_NGRAM_BUCKETS
            for n in sizes for i in range(len(text) - n + 1)]


def area_evidence(document: Document, value: Span, indicator: Optional[Span]) -> AreaEvidence:
    """Keyword features and the hashed character n-grams of the fields in AREA_NGRAM_FIELDS."""
    sentence = document.sentence_at(value.start)
    headings = document.headings_above(value.start)
    fields = {"indicator": indicator.text if indicator is not None else "",
              "heading": headings[-1].text if headings else "",
              "parent_heading": headings[-2].text if len(headings) > 1 else "",
              "sentence": document.text[sentence.start:sentence.end],
              "before_value": document.text[max(sentence.start, value.start - AREA_CONTEXT_CHARS):value.start]}
    ids = [i for name, sizes in AREA_NGRAM_FIELDS.items() for i in _ngram_ids(name, fields[name], sizes)]
    # one fixed id marks "no text at all", so an empty bag never reaches the embedding
    ngrams = np.asarray(ids or _ngram_ids("empty", "-", (1,)), dtype=np.int64)
    return AreaEvidence(area_features(document, value, indicator), ngrams)


def area_features(document: Document, value: Span, indicator: Optional[Span]) -> np.ndarray:
    """Keyword areas of the indicator, the innermost area-naming heading and the sentence."""
    sentence = document.sentence_at(value.start)
    heading = next((area_of(h.text) for h in reversed(document.headings_above(value.start))
                    if area_of(h.text)), None)
    found = {"indicator": area_of(indicator.text) if indicator is not None else None,
             "heading": heading,
             "sentence": area_of(document.text[sentence.start:sentence.end]) if sentence else None}
    out = np.zeros(len(AREA_FEATURES), dtype=np.float32)
    for src in AREA_SOURCES:
        out[AREA_FEATURES.index(f"{src}={found[src] or 'none'}")] = 1.0
    return out


def pool(hidden: np.ndarray, start: int, end: int) -> np.ndarray:
    """Mean encoder state of the characters ``[start, end)`` (zeros for an empty range)."""
    if end <= start:
        return np.zeros(hidden.shape[1], dtype=np.float32)
    return hidden[start:end].mean(axis=0)


def _rank_match(text: str, sentence: Sentence, value: Span, cand: Span, values: list[Span],
                cands: list[Span]) -> float:
    pos = text.find("分别", cand.end, value.start)
    if pos < 0:
        return 0.0
    before = [c for c in cands if c.end <= pos and c.start >= sentence.start]
    after = [v for v in values if v.start >= pos]
    if cand not in before or value not in after:
        return 0.0
    n = min(len(before), len(after))
    return float(before[-n:].index(cand) == after[:n].index(value)) if cand in before[-n:] and value in after[:n] else 0.0


def build_contexts(document: Document, spans: Sequence[Span], hidden: np.ndarray) -> list[ValueContext]:
    """One context per VALUE, candidates from the same sentence."""
    text = document.text
    ordered = sorted(spans, key=lambda s: s.start)
    rule_links = {l.value: l for l in RuleLinker().link(document, ordered)}
    out: list[ValueContext] = []
    for sentence in document.sentences:
        inside = [s for s in ordered if sentence.start <= s.start and s.end <= sentence.end]
        values = [s for s in inside if s.label == "VALUE"]
        if not values:
            continue
        clause_of = lambda pos: next((i for i, (a, b) in enumerate(sentence.clauses) if a <= pos < b), -1)
        section_type = document.section_type_at(sentence.start)
        sentence_text = text[sentence.start:sentence.end]
        for v in values:
            rule = rule_links.get(v)
            feats_v = np.zeros(len(VALUE_FEATURES), dtype=np.float32)
            feats_v[VALUE_FEATURES.index(f"section={section_type}")] = 1.0
            feats_v[VALUE_FEATURES.index("target_cue")] = float(any(c in sentence_text for c in TARGET_CUES))
            ind = rule.indicator if rule else None
            between_start = ind.end if ind is not None and ind.end <= v.start else max(sentence.start, v.start - 8)
            rule_change = change_from_context(text[between_start:v.start], ind.text if ind else "")
            feats_v[VALUE_FEATURES.index(f"rule_change={rule_change}")] = 1.0
            sign = "none"
            if rule is not None and rule.time is not None and document.year is not None:
                year, _ = resolve_time(rule.time.text, document.year)
                if year is not None:
                    sign = "past" if year < document.year else "same" if year == document.year else "future"
            feats_v[VALUE_FEATURES.index(f"time={sign}")] = 1.0
            candidates, vecs, pairs = {}, {}, {}
            for link, label in LINK_LABELS.items():
                cands = [s for s in inside if s.label == label]
                chosen = getattr(rule, link) if rule else None
                rows = []
                for c in cands:
                    lo, hi = (c.end, v.start) if c.end <= v.start else (v.end, c.start)
                    gap = text[lo:hi] if hi > lo else ""
                    for other in values:  # values inside the gap count as separators
                        if lo <= other.start and other.end <= hi:
                            gap = gap.replace(other.text, "")
                    rows.append([
                        float(np.clip((c.start - v.start) / 50.0, -3, 3)),
                        float(c.end <= v.start),
                        float(clause_of(c.start) == clause_of(v.start)),
                        sum(lo <= o.start and o.end <= hi for o in values) / 3.0,
                        sum(lo <= o.start and o.end <= hi for o in cands) / 3.0,
                        float("分别" in text[lo:hi]),
                        float(bool(_SEPARATORS.match(gap))),
                        _rank_match(text, sentence, v, c, values, cands),
                        float(chosen is not None and chosen == c),
                        (c.end - c.start) / 10.0,
                    ])
                candidates[link] = cands
                vecs[link] = np.stack([pool(hidden, c.start, c.end) for c in cands]) if cands \
                    else np.zeros((0, hidden.shape[1]), dtype=np.float32)
                pairs[link] = np.asarray(rows, dtype=np.float32).reshape(len(cands), len(PAIR_FEATURES))
            out.append(ValueContext(v, sentence, pool(hidden, v.start, v.end),
                                    pool(hidden, max(sentence.start, v.start - CONTEXT_CHARS), v.start),
                                    feats_v, candidates, vecs, pairs))
    return out
