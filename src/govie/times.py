"""Time expressions -> (year, year_start), relative to the report year.

Guideline §2: an explicit TIME wins (``到2035年`` -> 2035; ``“十四五”时期`` -> year 2025,
year_start 2021); ``今年`` is the report year, ``去年`` the year before; ``过去五年`` the five
years before the report. Fixed relative words live in one table (:data:`RELATIVE_YEARS`)
so adding ``后年`` is a one-line change; counted spans have one pattern each way: back from
last year (``两年来``, ``近三年``, ``过去的五年``, ``连续9年``) and on from the report year
(``今后三年``, ``未来五年``). A bare ``五年``/``五年内``/``这五年`` means the five years the section
is about, which only the section knows (:data:`SECTION_FIVE_YEARS`, read by
``attributes.value_year``).

:func:`find_times` (TIME span candidates) serves the rule-based pre-annotator only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from govie.normalize import normalize
from govie.quantities import CN_DIGITS, parse_chinese_number, parse_number

#: Relative year words -> (offset of year, offset of year_start or None) from the report year.
RELATIVE_YEARS: dict[str, tuple[int, Optional[int]]] = {
    "今年": (0, None), "本年": (0, None),
    "去年": (-1, None), "上年": (-1, None), "上一年": (-1, None),
    "前年": (-2, None), "明年": (1, None), "后年": (2, None),
    "今明两年": (1, 0),
    "三年": (2, 0), "五年": (4, 0),
}
#: Words that count from the year a review reports on rather than from the report year: in a
#: review of 1990 read in 1991, ``由上年的3.3%上升到4.1%`` starts in 1989 (the statistics'
#: "previous year"), as the gold files code all 18 such TIMEs in review parts; ``去年`` stays the
#: speaker's last year (all 77 gold ones: report year - 1). Applied by ``attributes.value_year``.
REVIEWED_YEAR_RELATIVE: dict[str, int] = {"上年": -1, "上一年": -1}


def five_year_plan(n: int) -> tuple[int, int]:
    """Five-year plan n -> (start, end): 1st 1953–57, 2nd 1958–62, then from 1966 every 5 years."""
    start = 1953 + 5 * (n - 1) if n <= 2 else 1966 + 5 * (n - 3)
    return start, start + 4


#: 1963–1965, between the second and the third plan, were years of adjustment.
ADJUSTMENT_YEARS: tuple[int, int] = (1963, 1965)


def plan_period_of(year: int) -> tuple[int, int]:
    """First and last year of the five-year plan period that holds ``year``."""
    if ADJUSTMENT_YEARS[0] <= year <= ADJUSTMENT_YEARS[1]:
        return ADJUSTMENT_YEARS
    n = (year - 1953) // 5 + 1 if year < ADJUSTMENT_YEARS[0] else (year - 1966) // 5 + 3
    return five_year_plan(max(n, 1))


_PLAN_NUMERALS = "一二三四五六七八九十"
_YEAR_AR = r"(?:19|20)\d{2}"
_YEAR_CN = r"[一二〇零○三四五六七八九]{4}"
#: A calendar year in Arabic or Chinese digits (``2025``, ``１９８２`` after normalising, ``一九八二``).
YEAR_DIGITS = rf"(?:{_YEAR_AR}|{_YEAR_CN})"
_YEAR_SUFFIX = r"(?:年底前|年前|年底|年末|年初|年内|年以前|年)"
#: A five-year plan by its short name (``“十四五”``) or its ordinal (``第一个五年计划``: without the
#: ordinal form, the ``五年`` inside it read as "the next five years" from the report year).
_PLAN = (rf"[“\"]?(?:(?P<plan>[{_PLAN_NUMERALS}]{{1,3}})五|第(?P<ordinal>[{_PLAN_NUMERALS}]{{1,3}})个五年(?:计划|规划)?)"
         rf"[”\"]?(?P<plansuffix>时期|期间|期末|末|规划期)?")
_RELATIVE = "|".join(sorted(map(re.escape, RELATIVE_YEARS), key=len, reverse=True))
_COUNT = r"[一二两三四五六七八九十\d]{1,2}"
#: N years back from last year (``两年来``, ``近三年``, ``过去的五年``, ``连续9年``).
_PAST_N = rf"(?:过去的?|近|最近)(?P<past>{_COUNT})年(?:来|以来)?|(?P<past_since>{_COUNT})年(?:来|以来)|连续(?P<running>{_COUNT})年"
#: N years on from the report year (``今后三年``, ``未来五年``).
_COMING_N = rf"(?:今后|未来)(?P<coming>{_COUNT})年"

TIME_PATTERN = re.compile(
    rf"(?P<range>(?P<y1>{YEAR_DIGITS})(?:年)?[-至到](?P<y2>{YEAR_DIGITS}){_YEAR_SUFFIX})"
    rf"|(?P<year>(?P<ydig>{YEAR_DIGITS}){_YEAR_SUFFIX})"
    rf"|(?P<planexpr>{_PLAN})"
    rf"|(?P<pastn>{_PAST_N})|(?P<comingn>{_COMING_N})"
    rf"|(?P<rel>{_RELATIVE})"
)

#: The counted years on from the report year, as a lead names them (``今后五年，``).
COMING_YEARS = re.compile(_COMING_N)

#: A TIME that is only "five years" (``五年``, ``五年内``, ``这五年``, ``五年间``): the years the
#: section is about, the last five in a review and the plan period in a plan (gold: national
#: 1982 and 1986, zhejiang_2026). :func:`resolve_time` reads it forward, as ``今后五年``.
SECTION_FIVE_YEARS = re.compile(r"(?:这个?)?五年(?:内|间|中|里)?")


@dataclass(frozen=True)
class TimeMatch:
    start: int
    end: int
    text: str
    year: Optional[int]
    year_start: Optional[int]


def _digits_year(digits: str) -> Optional[int]:
    """``2025`` or ``一九八二`` -> the year."""
    return int(digits) if digits.isdigit() else _cn_year(digits)


def _cn_year(s: str) -> Optional[int]:
    s = s.replace("○", "〇")
    if all(c in CN_DIGITS for c in s):
        return int("".join(str(CN_DIGITS[c]) for c in s))
    return None


def resolve_time(text: str, report_year: Optional[int]) -> tuple[Optional[int], Optional[int]]:
    """Resolve one TIME span's text to (year, year_start). Unknown -> (None, None)."""
    s = normalize(text).text.strip()
    m = TIME_PATTERN.search(s)
    if m is None:
        return None, None
    if m.group("range"):
        return _digits_year(m.group("y2")), _digits_year(m.group("y1"))
    if m.group("year"):
        return _digits_year(m.group("ydig")), None
    if m.group("planexpr"):
        n = parse_chinese_number(m.group("plan") or m.group("ordinal"))
        if n is None:
            return None, None
        start, end = five_year_plan(int(n))
        # ``十四五末`` is the plan's last year; ``“十四五”时期`` the whole plan
        return (end, None) if m.group("plansuffix") in ("末", "期末") else (end, start)
    if report_year is not None and (m.group("pastn") or m.group("comingn")):
        count = parse_number(m.group("past") or m.group("past_since") or m.group("running") or m.group("coming"))
        if not count:
            return None, None
        n = int(count)
        if m.group("comingn"):
            return report_year + n - 1, (report_year if n > 1 else None)
        return report_year - 1, (report_year - n if n > 1 else None)
    if m.group("rel") and report_year is not None:
        y, ys = RELATIVE_YEARS[m.group("rel")]
        return report_year + y, (report_year + ys if ys is not None else None)
    return None, None


def find_times(text: str, report_year: Optional[int] = None) -> list[TimeMatch]:
    """TIME span candidates (guideline §1: ``到2035年`` -> span ``2035年``), original offsets."""
    norm = normalize(text)
    out = []
    for m in TIME_PATTERN.finditer(norm.text):
        start, end = m.span()
        # 2025年1月14日 is a date; keep only the year part as TIME (already the match).
        if m.group("ydig") and start > 0 and norm.text[start - 1].isdigit():
            continue
        if re.search(r"(?:比|较|同比|于)$", norm.text[max(0, start - 2):start]):
            continue  # 比上年增长: the baseline of a comparison, not when the value holds
        if m.group("rel") in ("三年", "五年") and not re.search(r"(?:今后|未来|近|用)$", norm.text[max(0, start - 2):start]):
            continue  # bare 三年 is usually part of a name (三年行动) or a duration value
        if m.group("plan") and len(m.group("plan")) == 1 and m.group(0) == m.group("plan") + "五":
            continue  # bare 二五/三五 without quotes or 时期 is rarely a plan name
        year, year_start = resolve_time(text[start:end], report_year)
        out.append(TimeMatch(start, end, text[start:end], year, year_start))
    return out
