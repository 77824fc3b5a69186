"""Rule-based pre-annotator: drafts spans and records for human annotators (bootstrapping).

This is **not** the model ``extract`` runs: it exists to (1) draft gold annotations that a
person then corrects, (2) produce silver data, and (3) be the baseline the NER model is
compared against in evaluation tables. Its rules are deliberately simple and explicit:

* VALUE and TIME spans come from the pattern scanners in :mod:`govie.quantities` and
  :mod:`govie.times`;
* the INDICATOR of a value is the phrase between the previous clause/value boundary and the
  value, with leading scope/time words and trailing verbs stripped; if nothing is left, the
  noun phrase right after the value (``建成10个以上…样板``);
* ``分别`` pairs coordinated indicators with values by order; values joined only by ``、``
  share the previous indicator (``高速公路4条、133公里``);
* DOMAIN spans come from a short domain lexicon; the policy area from the DOMAIN, else the
  innermost heading, else the indicator (keyword table in :mod:`govie.areas`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

from govie.attributes import CHANGE_VERBS, VERB_PATTERN as _VERB_RE, policy_area_for, value_kind, value_year
from govie.config import DEFAULT_AREA
from govie.document import Sentence, parse_document
from govie.layout import read
from govie.quantities import QuantityMatch, find_quantities
from govie.records import Span
from govie.times import TimeMatch, find_times

#: Adverbs and particles that sit between the indicator and the value, stripped from the
#: end of an indicator candidate (after the verb).
_TRAILING_JUNK = re.compile(
    rf"(?:(?:比上年|比去年|较上年|同比|年均|平均|分别|均|都|累计|持续|稳定|预计|将|要|力争|"
    rf"实际|名义|再|又|只|仅|已|共|约|达到了|了|的|在|之|，|、|：|\s)+$)"
)
_TRAILING_VERB = re.compile(rf"(?:{_VERB_RE})$")
#: Scope and framing words stripped from the start of an indicator candidate.
_LEADING_JUNK = re.compile(
    r"^(?:[\s，、：；（）()“”]|其中|主要预期目标是|主要目标是|预期目标是|全年|全省|全市|全区|"
    r"全县|我省|我市|我区|本市|本省|力争|确保|预计|争取|实现|完成|累计|共|年均|今年|去年|"
    r"上年|明年|以上|以下|和|及|与|并|同时|此外|另外|一是|二是|三是|四是|五是|六是|其|比上年|"
    r"比去年|较上年|同比|分别|达到|达|为|超过|占|由|从|把|将|要|在|上|下|增长|到)+"
)
#: Domain phrases worth a DOMAIN span (short, responsible policy domains; guideline §1).
DOMAIN_PHRASES: tuple[str, ...] = (
    "乡村振兴", "数字经济", "生态环境", "教育", "医疗卫生", "安全生产", "科技创新", "对外开放",
    "民生", "社会保障", "文化旅游", "生态文明", "环境保护", "就业", "农业农村", "城市建设",
    "交通运输", "招商引资", "营商环境", "基础设施", "财政", "金融", "外贸", "脱贫攻坚",
    "扶贫", "养老", "卫生健康", "防灾减灾", "应急管理", "污染防治", "节能减排", "文化",
    "体育", "旅游", "水利", "住房保障", "社会事业", "改革开放", "国企改革", "城乡建设",
)
_DOMAIN_RE = re.compile("|".join(sorted(map(re.escape, DOMAIN_PHRASES), key=len, reverse=True)))
MAX_INDICATOR_CHARS = 24
MIN_INDICATOR_CHARS = 2


@dataclass
class _Draft:
    value: QuantityMatch
    indicator: Optional[tuple[int, int]] = None
    time: Optional[TimeMatch] = None
    domain: Optional[tuple[int, int]] = None
    change: str = "level"
    extra: dict[str, Any] = field(default_factory=dict)


def _strip_indicator(text: str, start: int, end: int) -> tuple[int, int, str]:
    """Trim ``text[start:end]`` to the indicator phrase; return (start, end, trailing verb)."""
    verb = ""
    for _ in range(4):
        seg = text[start:end]
        m = _TRAILING_JUNK.search(seg)
        if m and m.start() < len(seg):
            end = start + m.start()
            continue
        m = _TRAILING_VERB.search(seg)
        if m and m.start() > 0:
            verb = verb or m.group(0)
            end = start + m.start()
            continue
        break
    m = _LEADING_JUNK.match(text[start:end])
    if m:
        start += m.end()
    return start, end, verb


def _after_phrase(text: str, start: int, limit: int) -> Optional[tuple[int, int]]:
    """The noun phrase after a value (``10个以上省级美丽城镇样板``) up to a separator."""
    m = re.match(r"^(?:的)?([^，。；：、,;:（）()和及与0-9０-９]{2,16})", text[start:limit])
    if not m:
        return None
    s, e = start + m.start(1), start + m.end(1)
    return s, e


def _draft_sentence(text: str, sentence: Sentence, values: list[QuantityMatch],
                    times: list[TimeMatch]) -> list[_Draft]:
    """Drafts for the values of one sentence, clause by clause (``govie.document`` clauses)."""
    s_start = sentence.start
    drafts: list[_Draft] = []
    for c_start, c_end in sentence.clauses:
        in_clause = [v for v in values if c_start <= v.start < c_end]
        if not in_clause:
            continue
        cursor = c_start
        pending_split: list[tuple[int, int]] = []
        previous: Optional[_Draft] = None
        for v in in_clause:
            draft = _Draft(v)
            between = text[cursor:v.start]
            blocked = [t for t in times if cursor <= t.start and t.end <= v.start]
            if blocked:  # a time expression before the value starts the indicator after it
                cursor = max(cursor, blocked[-1].end)
                between = text[cursor:v.start]
            if pending_split:
                draft.indicator = pending_split.pop(0)
                draft.change = previous.change if previous else "level"
            elif previous is not None and re.fullmatch(r"\s*[、和及]\s*", between):
                draft.indicator = previous.indicator
                draft.change = previous.change
            else:
                i_start, i_end, verb = _strip_indicator(text, cursor, v.start)
                draft.change = CHANGE_VERBS.get(verb, "level")
                head = re.match(rf"^(?:{_VERB_RE})", text[i_start:i_end])
                if head and CHANGE_VERBS[head.group(0)] == "increment" and draft.change == "level":
                    draft.change = "increment"
                phrase = text[i_start:i_end]
                if re.fullmatch(rf"(?:{_VERB_RE})+", phrase):  # only a verb: the noun follows
                    draft.change = CHANGE_VERBS.get(re.match(_VERB_RE, phrase).group(0), draft.change)
                    i_end = i_start
                if "分别" in between and ("、" in phrase or "和" in phrase):
                    parts = [m.span() for m in re.finditer(r"[^、和及]+", phrase)]
                    pending_split = [(i_start + a, i_start + b) for a, b in parts]
                    draft.indicator = pending_split.pop(0)
                elif MIN_INDICATOR_CHARS <= i_end - i_start <= MAX_INDICATOR_CHARS:
                    draft.indicator = (i_start, i_end)
                else:
                    after = _after_phrase(text, v.end, c_end)
                    draft.indicator = after
                    if i_end - i_start < MIN_INDICATOR_CHARS and verb == "" and head is None:
                        lead = re.search(rf"(?:{_VERB_RE})$", text[cursor:v.start])
                        if lead:
                            draft.change = CHANGE_VERBS[lead.group(0)]
            clause_times = [t for t in times if c_start <= t.start < v.start]
            sentence_times = [t for t in times if s_start <= t.start < v.start]
            draft.time = (clause_times or sentence_times or [None])[-1]
            drafts.append(draft)
            previous = draft
            cursor = v.end
    return drafts


def preannotate(text: str, *, doc_id: str, year: Optional[int] = None,
                level: Optional[str] = None) -> dict[str, Any]:
    """Draft a gold-format document (guideline §5, ``text`` omitted) for ``text``.

    The rules read the same copy as the extractor (:mod:`govie.layout`); every span of the
    draft is mapped back, so its offsets index ``text``."""
    reading = read(text)
    drafted = _draft_document(reading.text, doc_id=doc_id, year=year, level=level)
    if not reading.is_identity:
        for span in drafted["spans"]:
            span["start"], span["end"] = reading.to_original(span["start"], span["end"])
    return drafted


def _draft_document(text: str, *, doc_id: str, year: Optional[int],
                    level: Optional[str]) -> dict[str, Any]:
    """:func:`preannotate` on text already in the reading layout."""
    doc = parse_document(text, doc_id=doc_id, year=year)
    report_year = doc.year
    values = [v for v in find_quantities(text) if v.quantity.unit != "年"]
    times_all = find_times(text, report_year)
    times = [t for t in times_all if not any(v.start < t.end and t.start < v.end for v in values)]
    spans: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []

    def add_span(start: int, end: int, label: str) -> Optional[str]:
        if start >= end or any(s < end and start < e for s, e in taken if (s, e) != (start, end)):
            existing = next((sp for sp in spans if sp["start"] == start and sp["end"] == end
                             and sp["label"] == label), None)
            return existing["id"] if existing else None
        existing = next((sp for sp in spans if sp["start"] == start and sp["end"] == end), None)
        if existing:
            return existing["id"] if existing["label"] == label else None
        sid = f"s{len(spans) + 1}"
        spans.append({"id": sid, "start": start, "end": end, "label": label})
        taken.append((start, end))
        return sid

    for v in values:
        add_span(v.start, v.end, "VALUE")
    for sent in doc.sentences:
        s_values = [v for v in values if sent.start <= v.start < sent.end]
        if not s_values:
            continue
        s_times = [t for t in times if sent.start <= t.start < sent.end]
        sentence_text = text[sent.start:sent.end]
        section_type = doc.section_type_at(sent.start)
        domain_m = next((m for m in _DOMAIN_RE.finditer(sentence_text)), None)
        for draft in _draft_sentence(text, sent, s_values, s_times):
            vid = next(sp["id"] for sp in spans if sp["start"] == draft.value.start and sp["label"] == "VALUE")
            ind_id = add_span(*draft.indicator, "INDICATOR") if draft.indicator else None
            time_id = add_span(draft.time.start, draft.time.end, "TIME") if draft.time else None
            dom_id = None
            if domain_m is not None:
                dom_id = add_span(sent.start + domain_m.start(), sent.start + domain_m.end(), "DOMAIN")
            ind_span = Span(*draft.indicator, "INDICATOR", text[draft.indicator[0]:draft.indicator[1]]) \
                if ind_id else None
            dom_span = Span(sent.start + domain_m.start(), sent.start + domain_m.end(), "DOMAIN",
                            domain_m.group(0)) if dom_id else None
            area = policy_area_for(doc, draft.value.start, dom_span, ind_span).label
            time = (draft.time.start, draft.time.end, draft.time.year, draft.time.year_start) if draft.time else None
            year_, year_start = value_year(doc, draft.value.start, section_type, time, draft.change)
            q = draft.value.quantity
            records.append({
                "indicator": ind_id, "value": vid, "time": time_id, "domain": dom_id,
                "number": q.number, "unit": q.unit, "qualifier": q.qualifier, "low": q.low,
                "high": q.high, "change": draft.change, "year": year_, "year_start": year_start,
                "policy_area": area, "kind": value_kind(doc, draft.value.start, section_type, year_),
            })
    # values outside any sentence (should not happen) still need a record
    recorded = {r["value"] for r in records}
    for sp in spans:
        if sp["label"] == "VALUE" and sp["id"] not in recorded:
            q = next(v.quantity for v in values if v.start == sp["start"])
            records.append({"indicator": None, "value": sp["id"], "time": None, "domain": None,
                            "number": q.number, "unit": q.unit, "qualifier": q.qualifier,
                            "low": q.low, "high": q.high, "change": "level", "year": report_year,
                            "year_start": None, "policy_area": DEFAULT_AREA, "kind": "actual"})
    used = {r[k] for r in records for k in ("indicator", "time", "domain", "value") if r[k]}
    spans = [sp for sp in spans if sp["id"] in used]
    return {"id": doc_id, "year": report_year, "level": level, "spans": spans, "records": records,
            "annotator": "preannotate"}
