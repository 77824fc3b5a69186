"""A rule linker: ties each VALUE span to spans by position in clause and sentence.

It is the transparent baseline the trained relation classifier is measured against, and
the fallback when no relation model is shipped. Its rules, in order:

1. ``分别`` coordination: ``A、B分别增长8%、10%`` pairs the i-th INDICATOR before ``分别``
   with the i-th VALUE after it;
2. otherwise the nearest INDICATOR before the value in the same clause; values joined only
   by ``、`` share it (``高速公路4条、133公里``);
3. else the nearest INDICATOR after the value in the clause (``建成10个以上…样板``);
4. else the nearest INDICATOR earlier in the sentence.

TIME: the nearest TIME before the value in its clause, else earlier in the sentence.
DOMAIN: the nearest DOMAIN in the sentence. Scores encode how direct the evidence was.
"""
from __future__ import annotations

from typing import Optional, Sequence

from govie.document import Document
from govie.records import Span
from govie.relations.links import Link

#: Confidence of each indicator rule (used as the link score).
RULE_SCORES: dict[str, float] = {"respectively": 0.9, "clause_before": 0.9, "clause_after": 0.7,
                                 "sentence_before": 0.5, "none": 0.3}


def _nearest_before(spans: Sequence[Span], pos: int, lo: int) -> Optional[Span]:
    cands = [s for s in spans if lo <= s.start and s.end <= pos]
    return max(cands, key=lambda s: s.end) if cands else None


class RuleLinker:
    """Position rules over NER spans; see the module docstring."""

    def link(self, document: Document, spans: Sequence[Span], hidden: Optional[object] = None) -> list[Link]:
        by_label: dict[str, list[Span]] = {}
        for sp in sorted(spans, key=lambda s: s.start):
            by_label.setdefault(sp.label, []).append(sp)
        values = by_label.get("VALUE", [])
        text = document.text
        links: list[Link] = []
        for sentence in document.sentences:
            s_values = [v for v in values if sentence.start <= v.start < sentence.end]
            if not s_values:
                continue
            inside = lambda label: [s for s in by_label.get(label, [])
                                    if sentence.start <= s.start and s.end <= sentence.end]
            indicators, times, domains = inside("INDICATOR"), inside("TIME"), inside("DOMAIN")
            paired = self._respectively(text, sentence.start, sentence.end, indicators, s_values)
            for v in s_values:
                c_start, c_end = next(((a, b) for a, b in sentence.clauses if a <= v.start < b),
                                      (sentence.start, sentence.end))
                rule, ind = "none", None
                if v in paired:
                    rule, ind = "respectively", paired[v]
                else:
                    before = _nearest_before(indicators, v.start, c_start)
                    after = next((s for s in indicators if v.end <= s.start < c_end), None)
                    earlier = _nearest_before(indicators, v.start, sentence.start)
                    for name, cand in (("clause_before", before), ("clause_after", after),
                                       ("sentence_before", earlier)):
                        if cand is not None:
                            rule, ind = name, cand
                            break
                time = _nearest_before(times, v.start, c_start) or _nearest_before(times, v.start, sentence.start)
                domain = min(domains, key=lambda d: abs(d.start - v.start)) if domains else None
                links.append(Link(v, ind, time, domain, RULE_SCORES[rule]))
        return links

    @staticmethod
    def _respectively(text: str, start: int, end: int, indicators: list[Span],
                      values: list[Span]) -> dict[Span, Span]:
        """Pairs for ``A、B分别…8%、10%``: indicators before 分别, values after it, by order."""
        out: dict[Span, Span] = {}
        pos = start
        while True:
            pos = text.find("分别", pos, end)
            if pos < 0:
                return out
            before = [i for i in indicators if i.end <= pos and pos - i.end <= 30]
            after = [v for v in values if v.start >= pos and v.start - pos <= 40]
            n = min(len(before), len(after))
            if n >= 2:
                for ind, val in zip(before[-n:], after[:n]):
                    out[val] = ind
            pos += 2
