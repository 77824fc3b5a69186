"""Time expressions -> (year, year_start) on a table of cases written for these tests."""
import pytest

from govie.times import find_times, five_year_plan, resolve_time

CASES = [
    ("2025年", 2025, None), ("２０２５年", 2025, None), ("一九七八年", 1978, None),
    ("今年", 2025, None), ("去年", 2024, None), ("明年", 2026, None),
    ("“十四五”时期", 2025, 2021), ("十五五", 2030, 2026),
    # a plan by its ordinal is that plan, not "five years" on from the report year
    ("第一个五年计划期间", 1957, 1953), ("第六个五年计划", 1985, 1981), ("第一个五年计划期末", 1957, None),
    # a plan's end is its last year only (gold: “十四五”末, “十三五”末)
    ("十四五末", 2025, None), ("“十三五”期末", 2020, None),
    ("2027年底前", 2027, None), ("2021—2025年", 2025, 2021), ("一九七九年到一九八一年", 1981, 1979),
    # counted back from last year, whatever the count and its wording
    ("过去五年", 2024, 2020), ("过去的五年", 2024, 2020), ("五年来", 2024, 2020), ("两年来", 2024, 2023),
    ("近三年", 2024, 2022), ("近三年来", 2024, 2022), ("连续9年", 2024, 2016), ("十年来", 2024, 2015),
    ("一年来", 2024, None), ("过去一年", 2024, None),
    # counted on from the report year
    ("今后三年", 2027, 2025), ("未来五年", 2029, 2025), ("今明两年", 2026, 2025),
    ("2025年以来", 2025, None),
]


@pytest.mark.parametrize("text,year,year_start", CASES)
def test_resolve_time(text, year, year_start):
    assert resolve_time(text, 2025) == (year, year_start)


def test_plans():
    assert five_year_plan(1) == (1953, 1957)
    assert five_year_plan(6) == (1981, 1985)
    assert five_year_plan(14) == (2021, 2025)


def test_find_times_spans_exclude_prepositions_and_baselines():
    text = "力争到2027年高标准农田达到600万亩，比上年增长5%，今年增长5%左右。"
    found = find_times(text, 2025)
    assert [t.text for t in found] == ["2027年", "今年"]
    assert all(text[t.start:t.end] == t.text for t in found)
