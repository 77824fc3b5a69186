"""Year and kind from TIME, section type and the words before a value (guideline §2, R21, R22, R24)."""
from __future__ import annotations

import pytest

from govie.attributes import is_comparison_base, kind_from_cue, resolve_year, value_kind
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
    ((None, None), "plan", "比二〇二六年增长", (2027, None)),           # Chinese digits
    ((None, None), "plan", "比一九八〇年增长", (2026, None)),           # an earlier base in Chinese digits
    ((None, None), "plan", "比2020年下降", (2026, None)),              # an earlier base: the plan year
    ((None, None), "plan", "粮食产量由今年预计的4亿吨增加到", (2027, None)),  # R22: a from-to change from 今年
    ((None, None), "plan", "粮食产量由今年预计的", (2026, None)),      # ... whose start holds in 今年
    ((None, None), "plan", "由今年起每年新增", (2026, None)),          # 由 without a from-to change
    ((None, None), "plan", "覆盖率从2024年的60%提高到", (2026, None)),  # an earlier start: the plan year
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
    from_to = "钢产量由今年预计的3600万吨提高到3700万吨"
    time = (from_to.index("今年"), from_to.index("今年") + 2)
    assert is_comparison_base(from_to, time, from_to.index("3700"))       # the end value: not 今年's
    assert not is_comparison_base(from_to, time, from_to.index("3600"))   # the start value is
    assert not is_comparison_base("由2026年起新增5000户", (1, 6), 9)       # no from-to change
    multiple = "收入完成800亿元，是“十三五”末的1.5倍"
    time = (multiple.index("“十三五”末"), multiple.index("的1.5"))
    assert is_comparison_base(multiple, time, multiple.index("800亿元"))  # what is compared: now
    assert is_comparison_base(multiple, time, multiple.index("1.5倍"))    # the multiple: now
    assert not is_comparison_base(base_amount.replace("1980年", "“六五”时期"), (3, 9), 10)  # 的7159亿元…一倍
    doc = parse_document(text, year=1981)
    assert doc.clause_before(text.index("4%")) == "明年国民收入比今年增长"
    assert doc.clause_before(text.index("5%")) == "工业增长"


def test_five_year_plan_sections_take_their_period():
    assert resolve_year(None, None, "five_year_plan", 2026, period=(2026, 2030)) == (2030, 2026)
    assert resolve_year(None, None, "five_year_plan", 1982) == (1985, 1981)
    assert resolve_year(2027, None, "five_year_plan", 2026, period=(2026, 2030)) == (2027, None)


@pytest.mark.parametrize("before, kind", [
    ("棉花产量一九八五年计划为", "target"),    # a plan figure, also when restated in a review
    ("钢产量由今年预计的", "actual"),         # the current year's estimate, also in a plan
    ("钢产量增长", None),                      # no cue: the model or the section decides
    ("超年度计划", None),
])
def test_kind_from_cue(before, kind):
    assert kind_from_cue(before) == kind


def test_value_kind_cue_beats_model_and_section():
    text = "一、过去一年工作回顾\n全年产值实际增长7%，年初计划为6%。\n二、今年工作安排\n产值由今年预计的7%提高到8%。\n"
    doc = parse_document(text, year=2026)
    restated, estimate, target = text.index("6%"), text.index("7%提高"), text.index("8%")
    assert doc.section_type_at(restated) == "review" and doc.section_type_at(target) == "plan"
    assert value_kind(doc, restated, "review", 2025, predicted="actual") == "target"
    assert value_kind(doc, estimate, "plan", 2026, predicted="target") == "actual"
    assert value_kind(doc, target, "plan", 2026, predicted="actual") == "actual"   # the model's call
    assert value_kind(doc, target, "plan", 2026) == "target"                       # the rules' call
    assert value_kind(doc, text.index("7%，"), "review", 2025) == "actual"


def test_the_start_of_a_from_to_change_holds_the_year_before():
    # R26: 从X提高到Y -- X is the state before the years the section covers
    from govie.attributes import value_year
    text = ("一、过去五年工作回顾\n全市研发投入强度从2.1%提高到2.8%。\n"
            "二、2026年工作安排\n将补助标准从300元提高至500元，城镇化率提高到70%。\n")
    doc = parse_document(text, year=2026)
    at = text.index
    assert doc.section_type_at(at("2.1%")) == "five_year_review"
    assert value_year(doc, at("2.1%"), "five_year_review") == (2020, None)
    assert value_year(doc, at("2.8%"), "five_year_review") == (2025, 2021)
    assert value_year(doc, at("300元"), "plan") == (2025, None)
    assert value_year(doc, at("500元"), "plan") == (2026, None)
    assert value_year(doc, at("70%"), "plan") == (2026, None)
    # a per-head word between 从 and the value, and the next values of a list, start it too
    listed = "二、2026年工作安排\n将两项补贴分别从每人每月100元、150元提高到120元、180元。\n"
    doc = parse_document(listed, year=2026)
    for value, year in (("100元", 2025), ("150元", 2025), ("120元", 2026), ("180元", 2026)):
        assert value_year(doc, listed.index(value), "plan") == (year, None), value
    # under a heading that names the five years too, a change starts before the period
    combined = ("一、2025年与“十四五”时期回顾\n全省研发人员从20万人增加到30万人。\n"
                "二、2026年工作安排\n将补助标准从300元提高至500元。\n")
    doc = parse_document(combined, year=2026)
    assert doc.under_combined_review(combined.index("20万人"))
    assert not doc.under_combined_review(combined.index("300元"))
    assert value_year(doc, combined.index("20万人"), "review") == (2020, None)
    assert value_year(doc, combined.index("300元"), "plan") == (2025, None)
    # merging and re-counting verbs end a change too (整合为, 精简至)
    merged = "一、2025年工作回顾\n全市开发区由60个整合为40个，议事机构从90个精简至50个。\n"
    doc = parse_document(merged, year=2026)
    for value, year in (("60个", 2024), ("40个", 2025), ("90个", 2024), ("50个", 2025)):
        assert value_year(doc, merged.index(value), "review") == (year, None), value
    # in a review, 上年 is the year before the one reviewed
    review = "一、2025年工作回顾\n全市研发投入强度由上年的2.1%提高到2.4%。\n"
    doc = parse_document(review, year=2026)
    t = review.index("上年")
    assert value_year(doc, review.index("2.1%"), "review", (t, t + 2, 2025, None)) == (2024, None)
    # its own TIME wins
    dated = "覆盖率从2020年的60%提高到2026年的75%。"
    doc = parse_document(dated, year=2026)
    t = dated.index("2020年")
    assert value_year(doc, dated.index("60%"), "plan", (t, t + 5, 2020, None)) == (2020, None)


def test_a_bare_five_years_takes_the_five_years_of_its_section():
    # 五年/这五年 look back in a review and ahead over the plan period in a plan
    from govie.attributes import value_year
    text = ("一、过去五年工作回顾\n这五年，全省新建学校120所。\n"
            "二、今后五年的主要任务\n五年内，新建学校200所。\n")
    doc = parse_document(text, year=2026)
    at = text.index
    review_time = (at("这五年"), at("这五年") + 3, 2030, 2026)     # as resolve_time reads it: ahead
    plan_time = (at("五年内"), at("五年内") + 3, 2030, 2026)
    assert value_year(doc, at("120所"), "five_year_review", review_time) == (2025, 2021)
    assert value_year(doc, at("200所"), "plan", plan_time) == (2030, 2026)


def test_a_two_year_comparison_dates_the_start_of_each_change():
    # 1986年同1978年相比: every from-to change in the sentence starts in 1978, also after ；
    from govie.attributes import value_year
    text = "一、过去一年的工作\n1986年同1978年相比，产值由300亿元增加到900亿元；收入由100亿元增加到250亿元。\n"
    doc = parse_document(text, year=1987)
    at = text.index
    assert value_year(doc, at("300亿元"), "review") == (1978, None)
    assert value_year(doc, at("100亿元"), "review") == (1978, None)
    assert value_year(doc, at("900亿元"), "review") == (1986, None)


@pytest.mark.parametrize("indicator, area", [
    ("农村公路", "urban"), ("“四好农村路”", "urban"), ("农村人居环境", "rural"),     # R9: roads are transport
    ("新增电力装机", "industry"), ("抽水蓄能电站", "industry"),                      # R27: capacity is supply
    ("新能源装机占比", "environment"), ("绿色电力占比", "environment"),            # R27: a share is transition
    ("国家级绿色工厂", "environment"), ("有效灌溉面积", "rural"),
    ("单位地区生产总值生产安全事故死亡率", "safety"), ("地区生产总值", "economy"),
    ("一九五五年国家决算", "economy"), ("一九五六年的国家预算", "economy"),   # budget headings of old reports
])
def test_area_keywords_follow_the_refinements(indicator, area):
    from govie.areas import area_of
    assert area_of(indicator) == area


def test_a_growth_over_a_base_year_holds_in_the_year_stated_before_it():
    from govie.attributes import value_year
    text = "一、今后的任务\n产值在1957年达到1300亿元，比1952年的800亿元增长60%。今年产值比去年增长40%。\n"
    doc = parse_document(text, year=1959)
    at = text.index
    base_1952 = (at("1952年"), at("1952年") + 5, 1952, None)
    assert value_year(doc, at("60%"), "plan", base_1952) == (1957, None)
    assert value_year(doc, at("800亿元"), "plan", base_1952) == (1952, None)   # the base amount itself
    last_year = (at("去年"), at("去年") + 2, 1958, None)
    assert value_year(doc, at("40%"), "plan", last_year) == (1959, None)      # 今年 before it


def test_the_year_decides_the_kind_before_the_model():
    text = "一、2026年工作安排\n2024年完成投资80亿元，今年力争100亿元，2027年达到120亿元。\n"
    doc = parse_document(text, year=2026)
    at = text.index
    assert value_kind(doc, at("80亿元"), "plan", 2024, "target") == "actual"
    assert value_kind(doc, at("120亿元"), "plan", 2027, "actual") == "target"
    assert value_kind(doc, at("100亿元"), "plan", 2026, "actual") == "actual"   # same year: the model


def test_no_other_base_stands_in_for_a_base():
    from govie.attributes import value_year
    text = "一、过去五年工作回顾\n人均预期寿命从2020年的80.1岁提升至81.5岁，收入是“十三五”末的1.4倍。\n"
    doc = parse_document(text, year=2026)
    at = text.index
    t2020 = (at("2020年"), at("2020年") + 5, 2020, None)
    assert value_year(doc, at("81.5岁"), "five_year_review", t2020) == (2025, 2021)
    t135 = (at("“十三五”末"), at("“十三五”末") + 6, 2020, None)
    assert value_year(doc, at("1.4倍"), "five_year_review", t135) == (2025, 2021)


def test_a_level_in_a_five_year_review_is_the_end_point_unless_it_totals_the_period():
    """R11: end-point levels take the end year alone; totals and averages over the period
    take the period; the start of a from-to change the year before it (R26)."""
    from govie.attributes import value_year

    text = ("2026年某省政府工作报告\n一、过去五年工作回顾\n粮食产量达到800亿斤，累计建成高标准农田600万亩，"
            "城镇化率从60%提高到66%。\n")
    doc = parse_document(text)
    at = text.index
    assert value_year(doc, at("800亿斤"), "five_year_review", change="level") == (2025, None)
    assert value_year(doc, at("600万亩"), "five_year_review", change="level") == (2025, 2021)
    assert value_year(doc, at("600万亩"), "five_year_review", change="increment") == (2025, 2021)
    assert value_year(doc, at("60%"), "five_year_review", change="level") == (2020, None)
    assert value_year(doc, at("800亿斤"), "review", change="level") == (2025, None)


def test_a_glossary_entry_takes_the_report_year():
    # a glossary explains the report's programmes: their figures are the report year's
    from govie.attributes import value_year
    text = "一、2025年工作回顾\n产值增长5%。\n名词解释\n1.某某工程：建设10个示范园区。\n"
    doc = parse_document(text, year=2026)
    at = text.index("10个")
    assert doc.section_type_at(at) == "other"
    assert value_year(doc, at, "other") == (2026, None)
    assert value_year(doc, text.index("5%"), "review") == (2025, None)
