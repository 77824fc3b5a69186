"""Numbers in report language: find quantity expressions and parse them into ``Quantity``.

Handles Arabic and full-width digits, Chinese numerals (``一万二千``, ``两``, ``百分之七点八``),
scale words (``万 亿 万亿``), ``% ‰ 个百分点 倍``, ranges (``6%—6.5%``, ``6-6.5%``), and bound
words (``左右 以上 以内 突破 不低于`` …) as in ../shared/ANNOTATION.md §1–2.

Two entry points:

* :func:`parse_quantity` turns the text of one VALUE span into a ``Quantity``; the record
  assembler uses it on model output, so it must be robust to anything the model tags.
* :func:`find_quantities` scans a text for value expressions; the rule-based pre-annotator
  (``govie.annotation.preannotate``) uses it to draft spans. It is *not* the NER model.

All matching runs on a normalised copy (:mod:`govie.normalize`); offsets index the original.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence

from govie.normalize import NormalizedText, normalize
from govie.records import Quantity

# --- vocabulary tables --------------------------------------------------------------------

CN_DIGITS: dict[str, int] = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
                             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "幺": 1}
CN_SMALL_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
CN_BIG_UNITS: dict[str, int] = {"万": 10_000, "亿": 100_000_000}

#: Scale words written after an Arabic number; longest first so ``万亿`` beats ``万``.
SCALES: dict[str, float] = {"万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "十亿": 1e9, "亿": 1e8,
                            "千万": 1e7, "百万": 1e6, "十万": 1e5, "万": 1e4}

#: Prefix bound words -> qualifier (longest match wins).
PREFIX_BOUNDS: dict[str, str] = {
    "约": "about", "近": "about", "大约": "about", "接近": "about",
    "超": "above", "超过": "above", "突破": "above", "逾": "above", "高于": "above",
    "不低于": "at_least", "不少于": "at_least", "至少": "at_least",
    "不超过": "at_most", "不高于": "at_most", "最多": "at_most",
    "低于": "below", "不足": "below", "不到": "below",
}
#: Suffix bound words -> qualifier.
SUFFIX_BOUNDS: dict[str, str] = {
    "左右": "about", "上下": "about", "以上": "at_least", "以下": "at_most", "以内": "at_most",
    "之内": "at_most",
}
#: Words between number and unit meaning "more than" (``1000多亿元``, ``200余个``).
INNER_MORE = ("多", "余")

#: Units, longest first at match time. Deliberately explicit: a unit list is what makes a
#: number a *quantity* rather than an ordinal or a name.
UNITS: tuple[str, ...] = (
    "个百分点", "百分点", "%", "‰", "倍", "成",
    "万亿元", "亿元", "元", "美元", "亿美元", "欧元", "港元",
    "千瓦小时", "千瓦时", "兆瓦时", "吉瓦时", "度", "千瓦", "瓦", "兆瓦", "吉瓦",
    "吨标准煤", "吨标煤", "标准煤", "吨", "公斤", "千克", "斤", "克",
    "平方公里", "平方千米", "平方米", "立方米", "方", "公里", "千米", "米", "公顷", "亩", "标准箱", "标箱", "TEU", "微克/立方米",
    "人次", "亩次", "艘次", "场次", "架次", "户次", "批次", "班次", "辆次", "件次", "车次", "剂次", "户", "人", "名", "枚", "颗", "轮", "位", "岁", "天", "小时", "分钟", "周",
    "个", "家", "所", "项", "座", "条", "套", "张", "台", "辆", "艘", "架", "部", "处", "间",
    "床", "份", "场", "次", "件", "只", "头", "棵", "株", "口", "篇", "册", "批", "种", "类", "支",
    "对", "块", "片", "宗", "笔", "班", "列", "趟", "层", "栋", "幢", "级", "星", "起", "门", "GW", "MW", "kW",
    "台套", "千升", "例", "吨公里", "重量箱", "马力", "个千分点", "个工作日", "个自然日",
    "头只", "金", "银", "铜",  # medals: 8金9银6铜 are three values (the gold files' convention)
)
_UNITS_SORTED = sorted(set(UNITS), key=len, reverse=True)

_AR_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN_NUM_CHARS = "〇零一二两三四五六七八九十百千万亿点幺"
_CN_NUM = rf"[{_CN_NUM_CHARS}]+"
_UNIT_RE = "|".join(re.escape(u) for u in _UNITS_SORTED)
_SCALE_RE = "万亿|千亿|百亿|十亿|亿|千万|百万|十万|万"
_PREFIX_RE = "|".join(sorted(map(re.escape, PREFIX_BOUNDS), key=len, reverse=True))
_SUFFIX_RE = "|".join(sorted(map(re.escape, SUFFIX_BOUNDS), key=len, reverse=True))
_RANGE_SEP = r"(?:-|~|至|到)"

# One number with optional scale, "more" and unit; the unit may be omitted only when a
# scale word is present (``5000万``) or it is a percentage form.
#: What a rate is counted per, after ``/``: ``796元/月``, ``130万吨/年``, ``25万元/人``. The gold files
#: keep the denominator in the VALUE every time (79 rates in train, none cut before ``/``).
RATE_DENOMINATORS: tuple[str, ...] = ("年", "月", "日", "天", "周", "秒", "小时", "人", "户", "亩",
                                      "千瓦时", "平方米", "立方米", "吨", "公里", "辆")
_RATE_RE = "|".join(map(re.escape, sorted(RATE_DENOMINATORS, key=len, reverse=True)))
#: Units that only stand as the bracketed alternative of another unit (``35条（段）``): alone
#: ``一段`` is mostly "a stretch (of time)", never a count.
ALTERNATIVE_ONLY_UNITS: tuple[str, ...] = ("段",)
_ALTERNATIVE_UNITS = frozenset(UNITS) | frozenset(ALTERNATIVE_ONLY_UNITS)
#: A unit's alternative in brackets belongs to the unit: ``2.5万套（间）``, ``15万台（套）``,
#: ``35条（段）`` (normalised to ASCII brackets before matching). The gold files of dev and test
#: keep it in the VALUE every time (8 of 8); train did in 12 of 24 and was made consistent (stop 21).
_ALTERNATIVE_RE = r"(?:\((?:" + "|".join(re.escape(u) for u in sorted(_ALTERNATIVE_UNITS, key=len, reverse=True)) + r")\))?"
_AR_QTY = rf"{_AR_NUM}(?:多|余)?(?:{_SCALE_RE})?(?:多|余)?(?:{_UNIT_RE}){_ALTERNATIVE_RE}(?:/(?:{_RATE_RE}))?"
_AR_QTY_SCALE_ONLY = rf"{_AR_NUM}(?:多|余)?(?:{_SCALE_RE})(?:多|余)?"
_CN_PERCENT = rf"百分之{_CN_NUM}"
_CN_QTY = rf"[{_CN_NUM_CHARS}][{_CN_NUM_CHARS}多余]*(?:{_UNIT_RE}){_ALTERNATIVE_RE}"

#: A count of equal units before a capacity: ``2×30万千瓦`` (two 300 MW units) is one VALUE
#: whose number is the total, 600000 千瓦, as the gold files code all 17 of them. Only
#: capacity units: ``7×24小时`` is round-the-clock service, not 168 hours.
_COUNT_TIMES = r"\d+×"
COUNTED_CAPACITY_UNITS: tuple[str, ...] = ("千瓦", "兆瓦", "吉瓦", "MW", "GW", "kW", "吨")
_COUNTED_QTY = (rf"{_COUNT_TIMES}{_AR_NUM}(?:{_SCALE_RE})?"
                rf"(?:{'|'.join(map(re.escape, COUNTED_CAPACITY_UNITS))})")
_ONE = rf"(?:{_CN_PERCENT}|{_COUNTED_QTY}|{_AR_QTY}|{_AR_QTY_SCALE_ONLY}|{_CN_QTY})"
# Ranges: 6%-6.5%, 6-6.5%, 6%至6.5%, 百分之五到百分之六
_RANGE = rf"(?:{_AR_NUM}(?:{_UNIT_RE})?{_RANGE_SEP}{_ONE}|{_ONE}{_RANGE_SEP}{_ONE}|{_CN_PERCENT}{_RANGE_SEP}{_CN_NUM})"
VALUE_PATTERN = re.compile(
    rf"(?:(?P<prefix>{_PREFIX_RE}))?(?P<core>{_RANGE}|{_ONE})(?:[ \u3000]?(?P<suffix>{_SUFFIX_RE}))?"
)

#: Words whose last character looks like a prefix bound word (节约, 附近, 最近 …).
_PREFIX_WORD_CLASHES = frozenset({"节约", "制约", "条约", "签约", "契约", "公约", "附近", "最近",
                                  "将近", "逼近", "迫近", "邻近"})

#: A unit character that starts a longer word is not a unit: 5个人口 / 3家庭 / 2人民 / 3.0方案
#: (方 alone is cubic metres: 370亿方 of gas).
_UNIT_WORD_CONTINUATIONS: dict[str, str] = {"人": "口民员才", "家": "庭乡长", "所": "有以在", "名": "单称",
                                             "台": "阶湾",
                                             "方": "案面式向法针位阵舱", "成": "员果立绩效本功长就交型熟",
                                             "金": "融额属牌奖库币钱砖", "银": "行河幕发", "铜": "矿牌业材"}

#: Tenths after one Chinese numeral are a quantity (``六成``, ``超两成``), unlike a lone numeral
#: before other measure words (``一个中心``); ``一成`` is left out (``一成不变``).
_TENTHS_NUMERALS = "两二三四五六七八九"

#: Shares of a whole written as a ratio (``15.5∶32.1∶52.4``, ``60：40``): each part is its own
#: VALUE (unit ``''``), as the gold files code every such structure. A ratio whose parts do
#: not add up to a whole (``2.04∶1``, ``1∶3.4``) stays one value, which the model delimits.
_RATIO = re.compile(r"(?<![\d.:])\d+(?:\.\d+)?(?::\d+(?:\.\d+)?){1,3}(?![\d.:])")
_SHARE_TOTAL, _SHARE_TOLERANCE = 100.0, 1.0

#: Contexts that make a match *not* a value (guideline §1 "Not values").
_NOT_BEFORE = re.compile(r"(?:第|[A-Za-z+＋“\"])$")
#: Words after a count that make it the number of a session, not a quantity (``十二届``,
#: ``第三次会议``, ``七次、八次全会``). No gold value stands before one of them (0 in the 139
#: gold files), so a model VALUE followed by one is dropped too (:func:`numbers_a_session`).
SESSION_WORDS: tuple[str, ...] = ("届", "次会议", "全会")
_SESSION_AFTER = re.compile(rf"^(?:{'|'.join(map(re.escape, SESSION_WORDS))})")
_NOT_AFTER = re.compile(rf"^(?:[A-Za-z+＋”\"]|号|{'|'.join(map(re.escape, SESSION_WORDS))}|月|日|年)")


@dataclass(frozen=True)
class QuantityMatch:
    """A value expression found in a text: offsets into the original and its parse."""

    start: int
    end: int
    text: str
    quantity: Quantity


# --- Chinese numerals ---------------------------------------------------------------------

def parse_chinese_number(s: str) -> Optional[float]:
    """``三千一百七十八万`` -> 31780000, ``一九七八`` -> 1978, ``七点八`` -> 7.8, ``两`` -> 2."""
    if not s:
        return None
    if "点" in s:
        whole, _, frac = s.partition("点")
        int_part = parse_chinese_number(whole) if whole else 0.0
        if int_part is None or not frac or any(c not in CN_DIGITS for c in frac):
            return None
        return float(f"{int(int_part)}.{''.join(str(CN_DIGITS[c]) for c in frac)}")
    if all(c in CN_DIGITS for c in s):
        if len(s) == 1:
            return float(CN_DIGITS[s])
        return float("".join(str(CN_DIGITS[c]) for c in s))  # digit-by-digit (years, codes)
    total, section, digit = 0.0, 0.0, None
    for ch in s:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL_UNITS:
            section += (1 if digit is None else digit) * CN_SMALL_UNITS[ch]
            digit = None
        elif ch in CN_BIG_UNITS:
            big = CN_BIG_UNITS[ch]
            section += digit or 0
            if section == 0 and total == 0:
                section = 1  # a bare scale word: 万亿 = 1e12, 万 = 1e4
            digit = None
            if big == 10_000 and total and total % 100_000_000 == 0 and section == 0:
                total *= big  # 万亿
            else:
                total = (total + section) * big if big > 10_000 and total < big else total + section * big
            section = 0.0
        else:
            return None
    return total + section + (digit or 0)


def parse_number(s: str) -> Optional[float]:
    """An Arabic (``1,200.5``) or Chinese (``十二``) number, or None."""
    s = s.replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    return parse_chinese_number(s)


# --- parsing one value span ---------------------------------------------------------------

_AR_PARSE = re.compile(
    rf"^(?P<num>{_AR_NUM})(?P<more1>多|余)?(?P<scale>{_SCALE_RE})?(?P<more2>多|余)?(?P<unit>.*)$"
)
_UNIT_SET = frozenset(UNITS)
_CN_NUM_SET = frozenset(_CN_NUM_CHARS)


def _unit_value(n: float, unit: str) -> tuple[float, str]:
    """Fold scale-bearing units into the number: ``亿元`` -> ×1e8, unit ``元``."""
    if unit == "万亿元":
        return n * 1e12, "元"
    if unit in ("亿元", "亿美元"):
        return n * 1e8, unit[1:]
    return n, unit


def _parse_chinese_quantity(s: str) -> Optional[tuple[float, str, bool]]:
    """``三亿零五百三十万吨``, ``一千九百五十万千瓦``, ``五百多万吨`` -> (number, unit, more).

    The split between numeral and unit is ambiguous (``千`` starts ``千瓦``; ``万`` ends a
    numeral or scales it), so the longest known unit wins, then the longest numeral.
    """
    best: Optional[tuple[int, int, str, str]] = None
    for k in range(len(s), 0, -1):
        head, unit = s[:k], s[k:]
        if not all(c in _CN_NUM_SET or c in "多余" for c in head) or head[0] in "多余点":
            continue
        if unit and unit not in _UNIT_SET and not _unit_with_alternative(unit):
            continue
        key = (len(unit), k)
        if best is None or key > best[:2]:
            best = (len(unit), k, head, unit)
    if best is None:
        return None
    head, unit = best[2], best[3]
    more = any(c in "多余" for c in head)
    n = parse_chinese_number(head.replace("多", "").replace("余", ""))
    if n is None:
        return None
    n, unit = _unit_value(n, unit)
    return float(f"{n:.12g}"), unit, more


#: A proper fraction ``1/4``, ``1／3`` (a share of a whole): the gold files write it as a ratio
#: without unit, to six decimals (``0.333333``). Larger denominators are codes or seasons
#: (``1994/1995``), not shares.
_FRACTION = re.compile(r"^(?P<num>\d{1,2})/(?P<den>\d{1,3})$")
_FRACTION_MAX_DENOMINATOR = 100
_FRACTION_DECIMALS = 6


def _parse_fraction(s: str) -> Optional[tuple[float, str, bool]]:
    m = _FRACTION.match(s)
    if not m:
        return None
    num, den = int(m.group("num")), int(m.group("den"))
    if not 0 < num < den <= _FRACTION_MAX_DENOMINATOR:
        return None
    return round(num / den, _FRACTION_DECIMALS), "", False


_COUNTED_QTY_RE = re.compile(_COUNTED_QTY)


def _parse_one(s: str) -> Optional[tuple[float, str, bool]]:
    """Parse ``[count×]number[scale][unit]`` -> (value in unit as written, unit, had 多/余)."""
    if _COUNTED_QTY_RE.fullmatch(s):
        count, _, rest = s.partition("×")
        each = _parse_one(rest)
        if each is None:
            return None
        return float(f"{int(count) * each[0]:.12g}"), each[1], each[2]
    fraction = _parse_fraction(s)
    if fraction is not None:
        return fraction
    if s.startswith("百分之"):
        n = parse_chinese_number(s[3:])
        return (float(f"{n:.12g}"), "%", False) if n is not None else None
    m = _AR_PARSE.match(s)
    if not m:
        return _parse_chinese_quantity(s)
    n = parse_number(m.group("num"))
    if n is None:
        return None
    if m.group("scale"):
        n *= SCALES[m.group("scale")]
    n, unit = _unit_value(n, m.group("unit").strip())
    return float(f"{n:.12g}"), unit, bool(m.group("more1") or m.group("more2"))


def _split_bounds(s: str) -> tuple[str, Optional[str], Optional[str]]:
    prefix = next((p for p in sorted(PREFIX_BOUNDS, key=len, reverse=True) if s.startswith(p)), None)
    if prefix:
        s = s[len(prefix):]
    suffix = next((x for x in sorted(SUFFIX_BOUNDS, key=len, reverse=True) if s.endswith(x)), None)
    if suffix:
        s = s[: -len(suffix)]
    return s, prefix, suffix


def _split_range(core: str) -> Optional[tuple[str, str]]:
    for m in re.finditer(_RANGE_SEP, core):
        left, right = core[: m.start()], core[m.end():]
        if left and right and re.search(r"[\d〇零一二两三四五六七八九十万亿]$", left.rstrip("%‰")) and \
                _parse_one(right) is not None:
            return left, right
    return None


def parse_quantity(text: str) -> Quantity:
    """Parse the text of a VALUE span. Unparseable text gives ``number=None`` (never raises)."""
    s = normalize(text).text.strip().replace(" ", "")
    core, prefix, suffix = _split_bounds(s)
    qualifier = PREFIX_BOUNDS.get(prefix or "") or SUFFIX_BOUNDS.get(suffix or "") or "exact"
    rng = _split_range(core)
    if rng:
        right = _parse_one(rng[1])
        parsed_left = _parse_one(rng[0])
        has_scale = re.search(rf"(?:{_SCALE_RE})$", rng[0]) is not None
        left = parsed_left if parsed_left and (parsed_left[1] or has_scale) else None
        if right is None:
            return Quantity(None, "", qualifier)
        r_val, unit, _ = right
        if left is None:  # 6-6.5%: the left side borrows the right side's scale and unit
            left_num = parse_number(re.sub(r"[%‰]$", "", rng[0]))
            if left_num is None:
                return Quantity(None, unit, qualifier)
            scale_m = re.match(rf"^[^万亿]*?({_SCALE_RE})", rng[1])
            scale = SCALES[scale_m.group(1)] if scale_m else 1.0
            l_val = left_num * scale
        else:
            l_val = left[0]
        low, high = min(l_val, r_val), max(l_val, r_val)
        if not unit and left is not None:
            unit = left[1]  # 百分之八至九: the right side borrows the left side's unit
        return Quantity((low + high) / 2, unit, "range", low, high)
    one = _parse_one(core)
    if one is None:
        return Quantity(None, "", qualifier)
    number, unit, more = one
    if more and qualifier == "exact":
        qualifier = "above"
    low = high = None
    if qualifier in ("at_least", "above"):
        low = number
    elif qualifier in ("at_most", "below"):
        high = number
    return Quantity(number, unit, qualifier, low, high)


# --- scanning a text ----------------------------------------------------------------------

def _plausible(norm: str, start: int, end: int, core: str) -> bool:
    """Reject ordinals, names and codes (guideline §1 'Not values')."""
    if _NOT_BEFORE.search(norm[max(0, start - 1):start]) or _NOT_AFTER.match(norm[end:end + 4]):
        return False
    if re.fullmatch(_CN_QTY, core):
        num = re.match(_CN_NUM, core).group(0)
        # A lone 一/两/几 + measure word is usually an article ("一个中心", "两项制度").
        if len(num) == 1 and num in "一两二三四五六七八九十百千万亿零〇" \
                and not (core == num + "成" and num in _TENTHS_NUMERALS):
            return False
    return True


def numbers_a_session(text: str, end: int) -> bool:
    """Whether the number ending at ``end`` counts sessions of a meeting (``八次全会``)."""
    return _SESSION_AFTER.match(text[end:end + 4]) is not None


def find_quantities(text: str) -> list[QuantityMatch]:
    """All value expressions in ``text``, left to right, non-overlapping, original offsets."""
    norm = normalize(text)
    out: list[QuantityMatch] = []
    for m in VALUE_PATTERN.finditer(norm.text):
        start, end = m.span()
        if not _plausible(norm.text, start, end, m.group("core")):
            continue
        # a digit right before means we matched the tail of a longer token (e.g. a year)
        if start > 0 and norm.text[start - 1].isdigit():
            continue
        if re.fullmatch(r"\d{4}", m.group("core").rstrip("年")):
            continue
        prefix = m.group("prefix")
        if prefix and start > 0 and norm.text[start - 1] + prefix in _PREFIX_WORD_CLASHES:
            start += len(prefix)  # 节约10%: 约 belongs to the verb, not a bound word
        nxt = norm.text[end:end + 1]
        if nxt and nxt in _UNIT_WORD_CONTINUATIONS.get(norm.text[end - 1], ""):
            continue
        quantity = parse_quantity(text[start:end])
        if quantity.number is None:
            continue
        o_start, o_end = norm.to_original(start, end)
        out.append(QuantityMatch(o_start, o_end, text[o_start:o_end], quantity))
    shares = _share_parts(text, norm)
    if shares:
        out = sorted([m for m in out if not any(m.start < s.end and s.start < m.end for s in shares)] + shares,
                     key=lambda m: m.start)
    return out


def _share_parts(text: str, norm: NormalizedText) -> list[QuantityMatch]:
    """Each part of a ratio of shares (parts adding up to 100) as a bare-number quantity."""
    out: list[QuantityMatch] = []
    for m in _RATIO.finditer(norm.text):
        parts = list(re.finditer(r"\d+(?:\.\d+)?", m.group()))
        if abs(sum(float(p.group()) for p in parts) - _SHARE_TOTAL) > _SHARE_TOLERANCE:
            continue
        for p in parts:
            o_start, o_end = norm.to_original(m.start() + p.start(), m.start() + p.end())
            out.append(QuantityMatch(o_start, o_end, text[o_start:o_end], parse_quantity(text[o_start:o_end])))
    return out


#: ``台(套)``, ``台（套）``: a unit with its alternative in brackets (normalised to ASCII brackets).
_BRACKETED_UNIT = re.compile(r"^(?P<unit>[^()]+)\((?P<alt>[^()]+)\)$")


def _unit_with_alternative(unit: str) -> bool:
    """``套(间)``, ``条(段)``: a unit of :data:`UNITS` with its bracketed alternative."""
    bracketed = _BRACKETED_UNIT.match(unit)
    return bracketed is not None and bracketed.group("unit") in _UNIT_SET \
        and bracketed.group("alt") in _ALTERNATIVE_UNITS


def known_unit(unit: str) -> bool:
    """Whether a unit as :func:`parse_quantity` returns it is one the grammar knows: empty
    (a bare number), one of :data:`UNITS` (after an optional scale word: ``百亿元``), a rate
    ``元/人``, ``元/月``, ``人/百亿元`` (per :data:`RATE_DENOMINATORS` or a known unit) or a unit
    with a bracketed alternative ``台(套)``.

    Why: text a model span adds after the unit (``5万亿两个``, ``2家上``) parses as a strange
    unit; a known unit means the span ends where the quantity ends.
    """
    if unit == "" or unit in _UNIT_SET:
        return True
    if "/" in unit:
        amount, _, per = unit.partition("/")
        return amount != "" and known_unit(amount) and (per in RATE_DENOMINATORS or (per != "" and known_unit(per)))
    bracketed = _BRACKETED_UNIT.match(unit)
    if bracketed:
        return known_unit(bracketed.group("unit")) and (bracketed.group("alt") in _ALTERNATIVE_UNITS
                                                        or known_unit(bracketed.group("alt")))
    scaled = re.match(rf"^(?:{_SCALE_RE}|[十百千])(?P<rest>.+)$", unit)
    return scaled is not None and scaled.group("rest") in _UNIT_SET


def delimit_value(start: int, end: int, matches: Sequence[QuantityMatch], text: str) -> list[tuple[int, int]]:
    """The extent(s) of a VALUE found by a model at ``[start, end)``, delimited by the grammar.

    The model decides *whether* a number is a value (``两个市场`` is not; ``千亿级`` may be);
    the grammar knows exactly where a quantity's number, unit and bound words end. So a model
    span is replaced by the grammar's quantities (``matches``: :func:`find_quantities` over the
    same text) when it cuts one (``低于2000亿元`` for ``不低于2000亿元``, ``3`` for ``3条``) or runs
    past one into words that are no unit (``5万亿两个``, ``2金2银``). It is kept when no quantity
    overlaps it (``千亿级``) or when it covers one quantity with a unit the grammar knows
    (``58万元/人左右``, ``6.5万台(套)``).
    """
    over = [m for m in matches if m.start < end and start < m.end]
    if not over:
        return [_without_word_unit(text, start, end)]
    cuts_one = any(m.start < start or m.end > end for m in over)
    if not cuts_one and known_unit(parse_quantity(text[start:end]).unit) \
            and _without_word_unit(text, start, end) == (start, end):
        return [(start, end)]
    return [(m.start, m.end) for m in over]


def _without_word_unit(text: str, start: int, end: int) -> tuple[int, int]:
    """A span ending in a unit character that starts a longer word (``3万多家`` before ``庭``,
    ``13亿人`` before ``口``) without that character, when a number remains: the grammar's
    :data:`_UNIT_WORD_CONTINUATIONS` applied to a model's extent."""
    last, nxt = text[end - 1:end], text[end:end + 1]
    if end - start > 1 and nxt and nxt in _UNIT_WORD_CONTINUATIONS.get(last, "") \
            and parse_quantity(text[start:end - 1]).number is not None:
        return start, end - 1
    return start, end


_NUMERIC_HINT = re.compile(r"[0-9０-９二三四五六七八九十百千万亿两〇零%％‰倍]|百分之")


#: Words written with numerals that never state a quantity: adverbs (``十分重要``: very) and
#: set phrases (``千家万户``, ``千方百计``). The tagger has taken ``十分`` for a value in old
#: reports, where it is frequent; a VALUE span that is one of these is dropped.
NUMERAL_WORDS: frozenset[str] = frozenset({
    "十分", "万分", "千家万户", "千方百计", "千千万万", "万众一心", "万无一失", "三番五次",
    "四面八方", "五湖四海", "七嘴八舌", "百花齐放", "百家争鸣", "千秋万代", "一五一十", "三令五申",
})


def may_hold_value(text: str) -> bool:
    """Cheap filter: can this sentence contain a quantity at all? (digits, numerals, %).

    The NER model only reads sentences that pass, which skips a large part of every report.
    ``一`` alone is not a hint: it is mostly an article (``一批``, ``进一步``).
    """
    return _NUMERIC_HINT.search(text) is not None
