"""Record attributes read from context: change, year, kind and policy area.

Shared by the record assembler (model output) and the rule-based pre-annotator, so both
resolve a value's year and kind by the same rules (guideline §2, project refinements R2/R7).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional

from govie.areas import area_of
from govie.config import DEFAULT_AREA
from govie.normalize import normalize
from govie.quantities import parse_number
from govie.times import (REVIEWED_YEAR_RELATIVE, SECTION_FIVE_YEARS, YEAR_DIGITS, find_times, plan_period_of,
                         resolve_time)
from govie.records import PolicyArea, Span

if TYPE_CHECKING:  # pragma: no cover
    from govie.document import Document

#: Verbs (and verb+preposition) directly before a value -> change. Longest match first.
CHANGE_VERBS: dict[str, str] = {
    "增长": "growth", "增加": "growth", "提高": "growth", "上升": "growth", "扩大": "growth",
    "上涨": "growth", "提升": "growth", "多增": "growth", "增": "growth",
    "下降": "decline", "降低": "decline", "减少": "decline", "缩小": "decline", "回落": "decline",
    "压减": "decline", "压降": "decline", "削减": "decline", "缩短": "decline", "降": "decline",
    "提高到": "level", "提升到": "level", "增加到": "level", "增长到": "level", "增至": "level",
    "提高至": "level", "下降到": "level", "降低到": "level", "降到": "level", "降至": "level",
    "缩短到": "level", "压缩到": "level", "压缩至": "level",
    "达到": "level", "达": "level", "为": "level", "是": "level", "控制在": "level",
    "保持在": "level", "稳定在": "level", "控制": "level", "保持": "level", "超过": "level", "突破": "level", "实现": "level",
    "总量": "level", "规模": "level", "累计": "level", "共": "level", "总计": "level",
    "新增": "increment", "新建": "increment", "新开工": "increment", "建成": "increment",
    "完成": "increment", "开工": "increment", "改造": "increment", "培育": "increment",
    "引进": "increment", "建设": "increment", "新改建": "increment", "新培育": "increment",
    "认定": "increment", "打造": "increment", "创建": "increment", "实施": "increment",
    "落地": "increment", "招引": "increment", "签约": "increment", "发放": "increment",
    "帮助": "increment", "解决": "increment", "安置": "increment", "整治": "increment",
    "修复": "increment", "治理": "increment", "改建": "increment", "新开通": "increment",
    "新设": "increment", "新登记": "increment", "开通": "increment", "建立": "increment",
}
VERB_PATTERN = "|".join(sorted(map(re.escape, CHANGE_VERBS), key=len, reverse=True))
_VERB_AT_END = re.compile(rf"(?:{VERB_PATTERN})(?:了|到|至|在)?(?:[^，。；：、]{{0,3}})$")
_VERB_AT_START = re.compile(rf"^(?:{VERB_PATTERN})")

#: Sentence cues for targets (guideline §2 kind, refinement R7).
TARGET_CUES: tuple[str, ...] = ("力争", "确保", "目标", "预期", "争取", "计划", "努力", "拟", "将要",
                                "要实现", "要达到", "以上的目标")


def change_from_context(before: str, indicator: str = "") -> str:
    """Change type from the words between the indicator and the value (and the indicator's head)."""
    tail = before[-8:]
    best: Optional[str] = None
    for m in re.finditer(VERB_PATTERN, tail):
        best = m.group(0)
    if best is not None:
        return CHANGE_VERBS[best]
    head = _VERB_AT_START.match(indicator)
    if head and CHANGE_VERBS[head.group(0)] == "increment":
        return "increment"
    return "level"


#: A rate over several years before the value (``年均增长5%``, ``平均每年递增百分之四``,
#: ``由原定平均每年百分之六调高到…``); ``年平均工资`` is no such rate, hence the verb after
#: ``年均``/``年平均``. Refinement R21.
AVERAGE_ANNUAL = re.compile(r"平均每年|每年平均|(?:年均|年平均|平均年)(?:分别)?"
                            r"(?:增长|增速|提高|提升|递增|下降|降低|新增|增加|减少|增幅)")
#: ``两年平均每年递增``: an average over the N years ending in the report year, not the plan period.
YEARS_AVERAGED = re.compile(r"(?P<n>[两二三四五六七八九十]|\d{1,2})年(?:来)?(?:平均|年均)")
_FROM_TO = (r"(?:提高|提升|降低|下降|增加|增长|减少|上升|扩大|缩小|调高|调低|调整|缩短|压缩|压减|整合|简并|精简|合并"
            r"|发展|拓展|回落|增|减|降|升|改)(?:到|至|为)")
#: The verb of a from-to change right before its end value (``提高到``, ``降至``, ``改为``).
FROM_TO_VERB = re.compile(_FROM_TO + "$")
#: A value that starts a from-to change (``比例从75%提高到100%``: 75%): 从/由 right before it
#: and the change's verb after it in the same clause. Refinement R26.
_CHANGE_START_AFTER = re.compile(r"[^，。；：]{1,16}?" + _FROM_TO)
#: The base of a comparison before the value (``比今年增长4%``, ``比1980年预计增长5.5%``), or the
#: start of a from-to change the value ends (``由今年预计的3%提高到4%``). Refinement R22.
COMPARISON_BASE = re.compile(rf"(?P<word>比|[由从])(?P<base>今年|本年|{YEAR_DIGITS}年)")
#: A sentence opening on two years compared (``1986年同1978年相比，产值由300亿元增加到
#: 900亿元；收入由…``): each from-to change after it starts in the base year (R26), also past
#: ``；``. Read back over at most ``_FRAME_REACH`` characters, never across ``。``.
PERIOD_COMPARISON = re.compile(rf"(?P<end>{YEAR_DIGITS})年?[同与和跟](?P<base>{YEAR_DIGITS})年?(?:相比|比较)[^。！？\n]*$")
_FRAME_REACH = 400
#: Words between a base TIME and a value that is the base amount itself (``比1980年的7159亿元``,
#: ``由今年预计的3%``): that value holds in the base year.
_BASE_AMOUNT = re.compile(r"(?:预计)?的?")
#: What follows a TIME that something is a multiple of (``是“十三五”时期的1.3倍``): the base of
#: the multiple, for the multiple and for the amounts it compares alike.
_MULTIPLE_OF = re.compile(r"的(?:[\d.．０-９]+|[一二两三四五六七八九十点]+)多?倍")


def is_comparison_base(text: str, time: tuple[int, int], value_start: int) -> bool:
    """A TIME right after 比 (``比2020年下降13.5%``), or after 由/从 of a from-to change the
    value ends (``由2025年的X提高到Y``: Y), or one that something is a multiple of (``是“十三五”末的
    1.2倍``), is the base, not the time the value holds (R22) — unless the value is the base
    amount itself (``比1980年的7159亿元增长…``: 7159亿元 holds in 1980)."""
    start, end = time
    if _MULTIPLE_OF.match(text, end):
        return True
    between = text[end:value_start]
    if _BASE_AMOUNT.fullmatch(between):
        return False
    lead = text[max(0, start - 1):start]
    return lead == "比" or (lead in ("由", "从") and bool(FROM_TO_VERB.search(between))
                            and not re.search(r"[，。；]", between))


def _comparison_base(before: str, report_year: int) -> Optional[int]:
    """The base year of the last comparison in ``before`` (the clause up to the value), if any."""
    found = None
    text = normalize(before).text
    ends_a_change = bool(FROM_TO_VERB.search(text))
    for m in COMPARISON_BASE.finditer(text):
        if m.group("word") != "比" and not ends_a_change:
            continue  # 由今年起…, 由今年预计的3%: no from-to change ends in this value
        found = resolve_time(m.group("base"), report_year)[0]
    return found


def resolve_year(time_year: Optional[int], time_year_start: Optional[int], section_type: str,
                 report_year: Optional[int], before: str = "",
                 period: Optional[tuple[int, int]] = None) -> tuple[Optional[int], Optional[int]]:
    """An explicit TIME wins; else the words before the value, then the section decide.

    ``before`` is the clause text up to the value. In a work-plan section an average-annual
    rate (``年均增长``) spans the five-year plan period of the report year (R21), and a value
    compared with the report year or a later one (``比今年增长4%``: reports read late in the
    year, 1954–1987) is for the year after that base (R22). Otherwise plan -> report year,
    review -> report year − 1, a glossary (``other``) -> report year, five-year review -> its
    five years, a plan part on a coming five-year period -> that ``period`` (first, last year; R23; default: the plan period
    holding the report year).
    """
    if time_year is not None:
        return time_year, time_year_start
    if report_year is None:
        return None, None
    if section_type == "five_year_plan":
        first, last = period or plan_period_of(report_year)
        return last, first
    if section_type == "plan":
        if AVERAGE_ANNUAL.search(before):
            years = YEARS_AVERAGED.search(normalize(before).text)
            if years:
                return report_year, report_year - int(parse_number(years.group("n"))) + 1
            start, end = plan_period_of(report_year)
            return end, start
        base = _comparison_base(before, report_year)
        if base is not None and base >= report_year:
            return base + 1, None
        return report_year, None
    if section_type == "five_year_review":
        return report_year - 1, report_year - 5
    if section_type == "other":
        # a glossary (``名词解释``) explains the report's programmes: their figures are the
        # report year's (gold: 26 of 26 such values without TIME, in 4 reports)
        return report_year, None
    return report_year - 1, None


#: Words right before a TIME or a value that make it the starting point of a change
#: (``从2020年的60%``, ``从75%提高到``); ``find_times`` already leaves out bases after 比/较.
_START_LEADS = ("从", "由")


def _time_before(document: "Document", value_start: int) -> Optional[tuple[int, int, Optional[int], Optional[int]]]:
    """The last TIME before the value in its sentence that is no base or starting point, as
    ``(start, end, year, year_start)``: ``总产值在1957年达到X，比1952年的Y增长60%`` -- 60% is
    1957's, once 1952 is set aside as the base. None when the sentence names no other time."""
    sentence = document.sentence_at(value_start)
    found = [(sentence.start + t.start, sentence.start + t.end, t.year, t.year_start)
             for t in find_times(document.text[sentence.start:value_start], document.year) if t.year is not None]
    text = document.text
    found = [t for t in found if text[max(0, t[0] - 1):t[0]] not in _START_LEADS and not _MULTIPLE_OF.match(text, t[1])]
    return found[-1] if found else None


#: How a bare ``五年``/``这五年`` TIME reads in each section type: the five years a review looks
#: back on, the plan period a plan looks ahead to (``times.SECTION_FIVE_YEARS``).
_FIVE_YEARS_OF_SECTION: dict[str, str] = {
    "review": "five_year_review", "five_year_review": "five_year_review",
    "plan": "five_year_plan", "five_year_plan": "five_year_plan",
}


#: 从/由 and what may stand between it and the first value of a from-to change: a per-head or
#: per-period word (``从每人每月2295元``, ``由人均600元``, ``从月销售额3万元``), and for the next
#: values of a list the values before them (``分别从每人每月300元、400元提高到``).
_LEADS = "".join(_START_LEADS)
_START_BEFORE = re.compile(rf"[{_LEADS}](?:[^，。；：、{_LEADS}\d]{{0,6}}|[^，。；：{_LEADS}]{{0,30}}、)$")


def starts_a_change(text: str, value_start: int, before: str) -> bool:
    """Whether the value at ``value_start`` is where a from-to change starts (``从75%提高到``)."""
    return bool(_START_BEFORE.search(before)) and bool(_CHANGE_START_AFTER.match(text, value_start))


#: Words before a value in a five-year review that make a level a total over the period
#: (``累计接待游客``, ``年均新增``), not the period's end point (R11).
PERIOD_TOTAL = re.compile(r"累计|累积|年均|年平均|平均每年|[五5]年|共计|总计|合计")


def value_year(document: "Document", value_start: int, section_type: str,
               time: Optional[tuple[int, int, Optional[int], Optional[int]]] = None,
               change: Optional[str] = None) -> tuple[Optional[int], Optional[int]]:
    """The year (and first year) of the value at ``value_start``, given its linked TIME as
    ``(start, end, year, year_start)``: a TIME that is a comparison base is set aside (R22) for
    the last other TIME before the value in its sentence, if any; a bare ``五年`` takes the five
    years of the section; then :func:`resolve_year` reads the clause before the value and the
    plan period there. The start of a from-to change with no
    TIME of its own holds the year before the years the section covers (R26: ``从75%提高到100%``
    in a 2026 plan: 2025; in a five-year review of 2021–2025: 2020), or the base year of a
    ``1986年同1978年相比`` sentence. In a five-year review a ``level`` with no TIME and no
    ``PERIOD_TOTAL`` word is the period's end point (R11: ``粮食产量达到…`` takes the end year
    alone); measured on train and dev gold, year_start right 87.3% -> 93.5% in review parts.
    One call for the record assembler and the pre-annotator."""
    if time is not None and is_comparison_base(document.text, (time[0], time[1]), value_start):
        time = _time_before(document, value_start)
    from_reviewed = REVIEWED_YEAR_RELATIVE.get(document.text[time[0]:time[1]]) if time is not None else None
    if from_reviewed is not None and document.year is not None and section_type == "review":
        time = (time[0], time[1], document.year - 1 + from_reviewed, None)
    before, period = document.clause_before(value_start), document.plan_period_at(value_start)
    if time is not None and document.year is not None and section_type in _FIVE_YEARS_OF_SECTION \
            and SECTION_FIVE_YEARS.fullmatch(document.text[time[0]:time[1]]):
        year, first = resolve_year(None, None, _FIVE_YEARS_OF_SECTION[section_type], document.year, period=period)
        time = (time[0], time[1], year, first)
    if time is None and document.year is not None and starts_a_change(document.text, value_start, before):
        frame = PERIOD_COMPARISON.search(normalize(document.text[max(0, value_start - _FRAME_REACH):value_start]).text)
        if frame:
            return resolve_time(frame.group("base") + "年", document.year)[0], None
        start_type = "five_year_review" if section_type == "review" \
            and document.under_combined_review(value_start) else section_type
        year, first = resolve_year(None, None, start_type, document.year, period=period)
        return (first or year) - 1, None
    year, first = resolve_year(time[2] if time else None, time[3] if time else None, section_type,
                               document.year, before=before, period=period)
    if (section_type == "five_year_review" and change == "level" and time is None
            and not PERIOD_TOTAL.search(before)):
        return year, None
    return year, first


#: Words directly before a value that say what kind of figure it is, whatever the section
#: (refinement R24): a plan figure restated in a review (``去年计划为三百万吨``) is a
#: target; an estimate of the current year quoted as a starting point (``由今年预计的3%提高到4%``)
#: is an outcome. Matched at the end of the clause before the value.
KIND_CUES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"计划为$"), "target"),
    (re.compile(r"预计的$"), "actual"),
)


def kind_from_cue(before: str) -> Optional[str]:
    """The kind a cue word right before the value fixes (:data:`KIND_CUES`), else None."""
    return next((kind for cue, kind in KIND_CUES if cue.search(before)), None)


def resolve_kind(sentence: str, section_type: str, year: Optional[int], report_year: Optional[int]) -> str:
    """``target`` for planned values, ``actual`` for achieved ones (the rules' reading of R7)."""
    if year is not None and report_year is not None:
        if year < report_year:
            return "actual"
        if year > report_year:
            return "target"
    if section_type in ("plan", "five_year_plan") or any(cue in sentence for cue in TARGET_CUES):
        return "target"
    return "actual"


def policy_area_for(document: "Document", value_start: int, domain: Optional[Span],
                    indicator: Optional[Span], label: Optional[str] = None) -> PolicyArea:
    """The policy area and its evidence span.

    Without ``label`` the keyword rules decide. The guideline's order is a DOMAIN in the
    sentence, else the innermost heading. Headings in reports are often generic
    (``（三）着力扩大内需``) and name no area while the indicator itself does (``城镇调查失业率``
    is social wherever it stands), so the indicator's words are tried before the headings,
    which are read innermost first (refinement R9).

    With ``label`` (the relation model's choice) only the evidence is looked up: the first
    of DOMAIN, indicator and headings (innermost first) whose words name that area, else the
    innermost heading the value stands under.
    """
    headings = [Span(h.start, h.end, "HEADING", h.text) for h in reversed(document.headings_above(value_start))]
    evidence = [s for s in (domain, indicator) if s is not None] + headings
    if label is not None:
        named = next((s for s in evidence if area_of(s.text) == label), None)
        return PolicyArea(label, named or (headings[0] if headings else None))
    if domain is not None and area_of(domain.text):
        return PolicyArea(area_of(domain.text), domain)
    for span in evidence[1 if domain is not None else 0:]:
        if area_of(span.text):
            return PolicyArea(area_of(span.text), span)
    return PolicyArea(DEFAULT_AREA, None)


def value_kind(document: "Document", value_start: int, section_type: str, year: Optional[int],
               predicted: Optional[str] = None) -> str:
    """The kind of the value at ``value_start``: a cue word right before it decides (R24),
    then its year: before the report year it is an outcome, after it a target (the gold set
    codes 5,058 of 5,065 past values actual and 312 of 312 later ones target; the exceptions
    are restated plans, which R24's cue covers); for the report year itself the relation
    model's ``predicted`` kind, else the rules (:func:`resolve_kind`). One call for the
    record assembler and the pre-annotator."""
    cued = kind_from_cue(document.clause_before(value_start))
    if cued is not None:
        return cued
    if year is not None and document.year is not None and year != document.year:
        return "actual" if year < document.year else "target"
    if predicted is not None:
        return predicted
    sentence = document.sentence_at(value_start)
    return resolve_kind(document.text[sentence.start:sentence.end], section_type, year, document.year)
