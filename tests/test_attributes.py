"""Year resolution from TIME, section type and the words before a value (guideline §2, R21, R22)."""
from __future__ import annotations

import pytest

from govie.attributes import is_comparison_base, resolve_year
from govie.document import parse_document
from govie.times import plan_period_of


@pytest.mark.parametrize("year, period", [(1953, (1953, 1957)), (1964, (1963, 1965)), (1966, (1966, 1970)),
                                          (1982, (1981, 1985)), (1986, (1986, 1990)), (2025, (2021, 2025)),
                                          (2026, (2026, 2030))])
def test_plan_period_of_a_year(year, period):
    assert plan_period_of(year) == period


@pytest.mark.parametrize("time, section, before, expected", [
    ((2027, None), "plan", "到", (2027, None)),                       # an explicit TIME wins
    ((None, None), "plan", "地区生产总值增长", (2026, None)),          # plan: the report year
    ((None, None), "review", "地区生产总值增长", (2025, None)),        # review: the year before
    ((None, None), "five_year_review", "年均增长", (2025, 2021)),      # five-year review: its five years
    ((None, None), "plan", "全省地区生产总值年均增长", (2030, 2026)),   # R21: the plan period
    ((None, None), "plan", "研发经费投入年均分别增长", (2030, 2026)),
    ((None, None), "plan", "两年平均每年递增", (2026, 2025)),          # an average over the last two years
    ((None, None), "plan", "增长速度由原定平均每年百分之六调高到", (2030, 2026)),  # 平均每年 needs no verb
    ((None, None), "plan", "职工年平均工资达到", (2026, None)),         # an average wage is no rate
    ((None, None), "plan", "国民收入比今年增长", (2027, None)),         # R22: a late-year report's next year
    ((None, None), "plan", "比２０２６年预计增长", (2027, None)),       # full-width digits
    ((None, None), "plan", "比2020年下降", (2026, None)),              # an earlier base: the plan year
])
def test_resolve_year(time, section, before, expected):
    assert resolve_year(*time, section, 2026, before=before) == expected


def test_comparison_base_time_and_clause_before():
    text = "明年国民收入比今年增长4%左右，工业增长5%。"
    value = text.index("4%")
    assert is_comparison_base(text, (text.index("今年"), text.index("今年") + 2), value)
    assert not is_comparison_base(text, (text.index("明年"), text.index("明年") + 2), value)
    base_amount = "产值比1980年的7159亿元增长一倍"
    assert not is_comparison_base(base_amount, (3, 8), base_amount.index("7159"))
    doc = parse_document(text, year=1981)
    assert doc.clause_before(text.index("4%")) == "明年国民收入比今年增长"
    assert doc.clause_before(text.index("5%")) == "工业增长"


def test_five_year_plan_sections_take_their_period():
    assert resolve_year(None, None, "five_year_plan", 2026, period=(2026, 2030)) == (2030, 2026)
    assert resolve_year(None, None, "five_year_plan", 1982) == (1985, 1981)
    assert resolve_year(2027, None, "five_year_plan", 2026, period=(2026, 2030)) == (2027, None)
