"""govie.document: report year, headings, section types, sentences and clauses.

All texts are short report-shaped snippets written for these tests.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from govie import config
from govie.document import Document, detect_report_year, heading_section_type, parse_document

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"

REPORT = (
    "2025年某省政府工作报告\n"
    "——2025年1月14日在某省第十四届人民代表大会第三次会议上\n"
    "各位代表：\n"
    "现在，我代表省人民政府报告工作。\n"
    "一、2024年工作回顾\n"
    "过去一年，地区生产总值增长5.5%。\n"
    "（一）产业升级。工业增加值增长6%，新增企业3000家。\n"
    "二、2025年目标任务和重点工作\n"
    "主要预期目标：全市生产总值增长5%左右；城镇调查失业率控制在5.5%以内。\n"
    "（一）扩大内需\n"
    "1.促进消费：社会消费品零售总额增长5%。\n"
    "（1）汽车消费。新增充电桩2万个。\n"
    "三、加强政府自身建设\n"
    "严格控制一般性支出。\n"
)


def at(doc: Document, needle: str) -> int:
    return doc.text.index(needle)


# --- report year -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, year",
    [
        ("2025年某市政府工作报告\n各位代表：\n", 2025),
        ("某省2026年政府工作报告\n各位代表：\n", 2026),
        ("2006年政 府 工 作 报 告\n各位代表：\n", 2006),
        ("二〇二五年政府工作报告\n各位代表：\n", 2025),
        ("政府工作报告\n——2024年1月20日在某市第五届人民代表大会第三次会议上\n", 2024),
        ("政府工作报告\n——一九七八年二月二十六日在第五届全国人民代表大会第一次会议上\n", 1978),
        ("政府工作报告\n——二〇二六年一月二十七日在某省十四届人民代表大会第四次会议上\n", 2026),
        ("政府工作报告\n——１９９０年３月２１日在第七届全国人大第三次会议上\n", 1990),
        ("政府工作报告\n——1 9 9 8 年3 月6 日在第九届全国人大第一次会议上\n", 1998),
        ("各位代表：\n2019年3月5日，某地启动了一个项目。\n", None),
        ("各位代表：\n今年要继续努力。\n", None),
    ],
)
def test_report_year_from_title_or_meeting_line(text: str, year: int | None) -> None:
    assert detect_report_year(text) == year
    assert parse_document(text).year == year


def test_year_argument_wins() -> None:
    assert parse_document(REPORT, year=2030).year == 2030
    assert parse_document(REPORT).year == 2025


def test_title_far_down_is_ignored() -> None:
    text = "各位代表：\n" + "我们继续努力。" * (config.DOC_HEAD_CHARS // 7 + 1) + "\n2025年某市政府工作报告\n"
    assert detect_report_year(text) is None


def test_year_from_this_year_heading_paragraph_when_no_title() -> None:
    text = (
        "各位代表：\n一、过去五年工作回顾\n五年来成就显著。\n"
        "二、今年经济社会发展的总体要求\n2013年是开局之年。\n增长7.5%左右。\n"
    )
    doc = parse_document(text)
    assert doc.year == 2013
    assert doc.section_type_at(at(doc, "7.5%")) == "plan"
    # a "20xx年是" paragraph under a review heading says nothing about the report year
    assert parse_document("各位代表：\n一、过去五年工作回顾\n2012年是关键之年。\n").year is None


def test_year_from_first_review_or_plan_heading_when_no_title() -> None:
    review_first = "各位代表：\n一、2023年工作回顾\n粮食增产。\n二、今后工作\n"
    assert parse_document(review_first).year == 2024
    plan_first = "各位代表：\n一、关于过去\n二、2024年重点工作\n"
    assert parse_document(plan_first).year == 2024


# --- headings ------------------------------------------------------------------------


def test_heading_levels_and_text() -> None:
    doc = parse_document(REPORT)
    got = [(h.level, h.text) for h in doc.headings]
    assert got == [
        (1, "2024年工作回顾"),
        (2, "产业升级"),
        (1, "2025年目标任务和重点工作"),
        (2, "扩大内需"),
        (3, "促进消费"),
        (4, "汽车消费"),
        (1, "加强政府自身建设"),
    ]
    for h in doc.headings:
        assert doc.text[h.start:h.end] == h.text


@pytest.mark.parametrize(
    "line, level, text",
    [
        ("十二、加强政府自身建设", 1, "加强政府自身建设"),
        ("(三)稳定就业", 2, "稳定就业"),
        ("２．推进改革", 3, "推进改革"),
        ("3、扩大开放", 3, "扩大开放"),
        ("(2)农村公路", 4, "农村公路"),
        ("\u3000\u3000（五）推进乡村全面振兴，城乡融合发展。粮食稳产。", 2, "推进乡村全面振兴，城乡融合发展"),
        ("1.“两新”：设备更新和消费品以旧换新。", 3, "“两新”"),
    ],
)
def test_heading_markers(line: str, level: int, text: str) -> None:
    doc = parse_document("各位代表：\n" + line + "\n正文。\n")
    assert [(h.level, h.text) for h in doc.headings] == [(level, text)]


def test_crlf_text_keeps_offsets() -> None:
    text = "2025年某市政府工作报告\r\n一、2024年工作回顾\r\n增长6%。\r\n"
    doc = parse_document(text)
    assert [h.text for h in doc.headings] == ["2024年工作回顾"]
    assert [text[s.start:s.end] for s in doc.sentences][-1] == "增长6%。"
    assert doc.section_type_at(at(doc, "6%")) == "review"


def test_not_headings() -> None:
    text = (
        "一、2024年工作回顾\n"
        "2.5%的增长来之不易。\n"          # a decimal, not "2."
        "2025年工作安排\n"                # unnumbered, in a report that numbers its parts
        "发展新质生产力\n"                # short, but names no section
        "主要内容是：一、调整价格。\n"      # enumeration inside a sentence
    )
    doc = parse_document(text)
    assert [h.text for h in doc.headings] == ["2024年工作回顾"]


@pytest.mark.parametrize(
    "line, text",
    [
        ("一、2003年政府工作情况2003年，市政府团结带领全市人民。", "2003年政府工作情况"),
        ("一、2005年工作回顾过去的一年，我们攻坚克难。", "2005年工作回顾"),
        ("二、2002年工作的总体要求和目标任务今年形势不容乐观。", "2002年工作的总体要求和目标任务"),
        ("三、2026年重点工作安排今年是开局之年。", "2026年重点工作安排"),
        ("一、“十四五”时期和2025年工作回顾“十四五”时期，我市发展不平凡。", "“十四五”时期和2025年工作回顾"),
        ("一、过去五年工作回顾刚刚过去的2016年，我们迎难而上。", "过去五年工作回顾"),
        ("一、工作回顾各位代表，过去一年极不平凡。", "工作回顾"),
        ("一、回顾过去五年", "回顾过去五年"),  # the noun opens the heading: nothing runs on
        ("（二）2024年工作回顾和2025年工作安排", "2024年工作回顾和2025年工作安排"),
    ],
)
def test_heading_run_into_its_first_sentence_is_cut(line: str, text: str) -> None:
    doc = parse_document("2026年某市政府工作报告\n" + line + "\n")
    assert [h.text for h in doc.headings] == [text]


def test_long_heading_is_capped() -> None:
    body = "统" * (config.HEADING_MAX_CHARS + 10)
    doc = parse_document("一、" + body + "\n")
    assert doc.headings[0].text == body[: config.HEADING_MAX_CHARS]


def test_heading_after_inline_paragraph_break() -> None:
    text = "现在，我代表政府报告工作。\u3000\u00a0\u00a0一、过去五年工作回顾\n五年来成就显著。"
    doc = parse_document(text)
    assert [(h.level, h.text, h.section_type) for h in doc.headings] == [(1, "过去五年工作回顾", "five_year_review")]


def test_unnumbered_headings_in_a_report_without_numbered_parts() -> None:
    text = (
        "2025年某省政府工作报告\n各位代表：\n"
        "2024年工作回顾\n全省生产总值增长6%。\n"
        "2025年工作安排\n生产总值增长5%左右。\n"
    )
    doc = parse_document(text)
    assert [(h.text, h.section_type) for h in doc.headings] == [("2024年工作回顾", "review"), ("2025年工作安排", "plan")]
    assert doc.section_type_at(at(doc, "6%")) == "review"
    assert doc.section_type_at(at(doc, "5%左右")) == "plan"


# --- section types -----------------------------------------------------------------


def test_section_types_and_inheritance() -> None:
    doc = parse_document(REPORT)
    assert doc.section_type_at(at(doc, "我代表")) == "review"  # before the first heading
    assert doc.section_type_at(at(doc, "5.5%。")) == "review"
    assert doc.section_type_at(at(doc, "6%")) == "review"  # （一） inherits its parent
    assert doc.section_type_at(at(doc, "5%左右")) == "plan"
    assert doc.section_type_at(at(doc, "2万个")) == "plan"  # level 4 inherits through 3 and 2
    assert doc.section_type_at(at(doc, "一般性支出")) == "plan"  # untyped top level continues
    assert doc.sections[0].heading is None and doc.sections[0].section_type == "review"
    assert {s.section_type for s in doc.sections} <= set(config.SECTION_TYPES)


def test_heading_keywords_override_parent() -> None:
    text = (
        "2026年某省政府工作报告\n"
        "一、“十四五”时期发展成就\n五年来生产总值年均增长6%。\n"
        "（一）2025年主要工作成效\n生产总值增长5.2%。\n"
        "（二）产业发展\n产业投资增长8%。\n"
        "二、“十五五”时期主要目标任务\n到2030年研发投入强度达到3%。\n"
        "三、2026年重点工作\n生产总值增长5%左右。\n"
    )
    doc = parse_document(text)
    assert doc.section_type_at(at(doc, "6%")) == "five_year_review"
    assert doc.section_type_at(at(doc, "5.2%")) == "review"  # its own year: the past year
    assert doc.section_type_at(at(doc, "8%")) == "five_year_review"  # back to the parent's
    assert doc.section_type_at(at(doc, "3%")) == "five_year_plan"  # a plan on the coming period (R23)
    assert doc.sections[-2].section_type == "plan"
    assert doc.section_type_at(at(doc, "5%左右")) == "plan"


@pytest.mark.parametrize(
    "heading, report_year, kind",
    [
        ("2024年工作回顾", 2025, "review"),
        ("过去一年工作回顾", None, "review"),
        ("去年工作回顾", None, "review"),
        ("关于2024年的工作", 2025, "review"),
        ("关于2025年的工作", 2025, "plan"),
        ("过去五年工作回顾", None, "five_year_review"),
        ("“十三五”时期成就和“十四五”时期主要目标任务", None, "five_year_review"),
        ("“十四五”时期和2025年工作回顾", 2026, "review"),  # period + previous year: last year's part
        ("“十四五”时期和2025年工作回顾", None, "five_year_review"),  # no report year to compare
        ("“十四五”时期（2021—2025年）工作回顾", 2026, "five_year_review"),  # a range end is not "last year"
        ("“十四五”时期工作回顾", 2026, "five_year_review"),
        ("五年来的主要工作", 2026, "five_year_review"),
        ("2025年和“十四五”时期工作回顾", 2026, "review"),
        ("2000年政府工作的主要任务", 2003, "plan"),  # plan words beat a (mistyped) past year
        ("2024年主要目标任务完成情况", 2025, "review"),  # ... but not a review word
        ("2024年工作回顾和2025年目标", 2025, "review"),  # ... nor a heading naming two years
        ("2024年主要工作", 2025, "review"),  # a weak plan word loses to the year
        ("关于今年的工作", None, "plan"),
        ("做好明年经济工作", None, "plan"),
        ("“十五五”时期主要目标任务", 2026, "plan"),
        ("对今年政府工作的建议", None, "plan"),
        ("2025年发展的总体要求和政策取向", 2025, "plan"),
        ("名词解释", None, "other"),
        ("加强政府自身建设", 2025, None),
        # a plan named as a period, the head noun saying what the part reports
        ("第三个五年计划期间和一九七零年的主要成就", 1971, "review"),
        ("第三个五年计划期间和一九七零年的主要成就", 1975, "five_year_review"),
    ],
)
def test_heading_section_type_table(heading: str, report_year: int | None, kind: str | None) -> None:
    assert heading_section_type(heading, report_year) == kind


@pytest.mark.parametrize(
    "heading, plan_words, kind",
    [
        ("深化落实中央赋予的战略定位和使命任务", True, "plan"),
        ("深化落实中央赋予的战略定位和使命任务", False, None),
        ("正确处理改革中目标和步骤之间的关系", True, None),  # inside the heading: a topic
        ("加强政府自身建设", True, None),
    ],
)
def test_bare_plan_words_end_a_top_level_heading(heading: str, plan_words: bool, kind: str | None) -> None:
    assert heading_section_type(heading, 2025, plan_words=plan_words) == kind


def test_bare_plan_words_only_after_the_first_top_level_part() -> None:
    text = (
        "2025年某市政府工作报告\n"
        "一、当前形势和基本任务\n全市生产总值增长6%。\n"
        "（一）圆满完成重大活动保障任务\n接待游客100万人次。\n"
        "二、深化改革的主要任务\n新增市场主体2万户。\n"
    )
    doc = parse_document(text)
    assert doc.section_type_at(at(doc, "6%")) == "review"  # a report's first part reviews
    assert doc.section_type_at(at(doc, "100万")) == "review"  # sub-heading: what last year served
    assert doc.section_type_at(at(doc, "2万户")) == "plan"


def test_review_heading_that_ends_on_the_plan_hands_it_on() -> None:
    text = (
        "1994年政府工作报告\n"
        "一、1993年国内工作的回顾和1994年工作的基本方针\n粮食增产3%。\n"
        "二、保持经济持续快速发展\n经济增长9%左右。\n"
        "三、积极促进祖国统一\n两岸贸易增长10%。\n"
    )
    doc = parse_document(text)
    assert doc.section_type_at(at(doc, "3%")) == "review"
    assert doc.section_type_at(at(doc, "9%")) == "plan"
    assert doc.section_type_at(at(doc, "10%")) == "plan"


# --- turns: the plan begins without a heading that names it -------------------------


def test_paragraph_opening_on_the_plan_year_ends_the_review() -> None:
    text = (
        "2000年政府工作报告\n"
        "一、1999年国内工作回顾\n国内生产总值增长7.1%。\n"
        "各位代表！\n"
        "2000年是世纪之交的一年。经济增长预期目标7%左右。\n"
        "二、坚持扩大内需\n国债投资1000亿元。\n"
        "三、关于外交工作\n我们将继续努力。\n"
    )
    doc = parse_document(text)
    assert doc.section_type_at(at(doc, "7.1%")) == "review"
    assert doc.section_type_at(at(doc, "7%左右")) == "plan"
    assert doc.section_type_at(at(doc, "1000亿元")) == "plan"
    assert doc.section_type_at(at(doc, "继续努力")) == "plan"
    turn = doc.section_at(at(doc, "7%左右"))
    assert turn.heading is None and turn.parent is None and text[turn.start:].startswith("2000年是")
    assert [h.text for h in doc.headings] == ["1999年国内工作回顾", "坚持扩大内需", "关于外交工作"]


def test_lead_paragraph_on_the_plan_year_types_an_untyped_part() -> None:
    text = (
        "2025年某省政府工作报告\n"
        "一、牢记嘱托，全省建设取得新成效\n生产总值增长5.5%。\n"
        "二、牢记使命，奋勇争先\n我们有基础、有条件。\n"
        "今年发展的主要预期目标：生产总值增长5%左右。\n"
        "（一）坚持创新\n研发投入增长8%。\n"
        "三、牢记人民至上\n一般性支出压减5%。\n"
    )
    doc = parse_document(text)
    assert doc.section_type_at(at(doc, "5.5%")) == "review"
    assert doc.section_type_at(at(doc, "有基础")) == "plan"  # the whole part, from its heading
    assert doc.section_type_at(at(doc, "5%左右")) == "plan"
    assert doc.section_type_at(at(doc, "8%")) == "plan"
    assert doc.section_type_at(at(doc, "压减5%")) == "plan"
    assert [h.text for h in doc.headings_above(at(doc, "8%"))] == ["牢记使命，奋勇争先", "坚持创新"]


def test_unnumbered_plan_title_in_a_numbered_report_turns() -> None:
    text = (
        "2026年某区政府工作报告\n"
        "“十四五”时期发展成就和2025年工作回顾\n生产总值增长5.4%。\n"
        "“十五五”时期主要目标和2026年重点工作\n生产总值增长5%左右。\n"
        "一、铸牢共同体意识\n创建示范单位65个。\n"
    )
    doc = parse_document(text)
    assert [h.text for h in doc.headings] == ["铸牢共同体意识"]  # the numbered outline stays
    assert doc.section_type_at(at(doc, "5.4%")) == "review"
    assert doc.section_type_at(at(doc, "5%左右")) == "plan"
    assert doc.section_type_at(at(doc, "65个")) == "plan"


@pytest.mark.parametrize(
    "paragraph",
    [
        "今年1月7日，某县发生6.8级地震。",  # a date, not the plan
        "今年以来，面对突发疫情，我们迅速行动。",
        "今年国民经济计划的执行情况是比较好的。",  # a report read late in the year
        "今年我国许多地方遭到水旱灾害。",
        "2023年是极不平凡的一年。",  # an earlier year
        "“十三五”时期是极不平凡的五年。",  # an earlier five-year period
    ],
)
def test_paragraphs_that_do_not_turn(paragraph: str) -> None:
    text = "2024年某市政府工作报告\n一、2023年工作回顾\n增长6%。\n" + paragraph + "\n收入增长4%。\n"
    doc = parse_document(text)
    assert doc.section_type_at(at(doc, "4%")) == "review"
    assert len(doc.sections) == 2


@pytest.mark.parametrize(
    "paragraph",
    [
        "今年我国将恢复行使主权。",
        "各位代表！2024年是关键之年。",
        "2024年，我们将庆祝建国75周年。",
        "“十五五”时期是关键时期。",  # starts after the report year... (2024 report: 2026–2030)
        "今后五年是关键性五年。",
    ],
)
def test_paragraphs_that_turn(paragraph: str) -> None:
    text = "2024年某市政府工作报告\n一、2023年工作回顾\n增长6%。\n" + paragraph + "\n收入增长4%。\n"
    doc = parse_document(text)
    assert doc.section_type_at(at(doc, "6%")) == "review"
    assert doc.section_type_at(at(doc, "4%")) == "plan"


def test_turn_in_a_plan_part_changes_nothing() -> None:
    doc = parse_document(REPORT.replace("主要预期目标是", "今年主要预期目标是"))
    assert [s.heading is None for s in doc.sections].count(True) == 1  # only the preamble
    assert [h.text for h in doc.headings_above(at(doc, "2万个"))][0] == "2025年目标任务和重点工作"


def test_glossary_is_other_and_not_inherited() -> None:
    text = (
        "2025年某省政府工作报告\n"
        "一、2024年工作回顾\n增长6%。\n"
        "二、2025年工作安排\n增长5%左右。\n"
        "名词解释\n"
        "1.五项重点工作：五个方面的任务。\n"
        "一、稳定和扩大就业\n新增就业10万人。\n"
    )
    doc = parse_document(text)
    assert doc.section_type_at(at(doc, "五个方面")) == "other"  # its entry's words do not count
    assert doc.section_type_at(at(doc, "10万人")) == "plan"  # the plan list after it


def test_headings_above_outermost_first() -> None:
    doc = parse_document(REPORT)
    assert [h.text for h in doc.headings_above(at(doc, "2万个"))] == [
        "2025年目标任务和重点工作", "扩大内需", "促进消费", "汽车消费",
    ]
    assert doc.headings_above(at(doc, "我代表")) == []
    section = doc.section_at(at(doc, "2万个"))
    assert section.heading is not None and section.heading.text == "汽车消费"
    assert doc.sections[section.parent].heading.text == "促进消费"


def test_offsets_out_of_range() -> None:
    doc = parse_document(REPORT)
    with pytest.raises(ValueError):
        doc.section_at(len(REPORT) + 1)
    with pytest.raises(ValueError):
        doc.sentence_at(-1)


# --- sentences and clauses -----------------------------------------------------------


def test_sentences_and_clauses_slice_the_text() -> None:
    text = "  地区生产总值增长5%左右，城镇调查失业率控制在5.5%以内；\r\n粮食、棉花分别增产3%、2%。他说：“要实干。”\n\n出口1,000亿元,增长3%"
    doc = parse_document(text)
    sentences = [text[s.start:s.end] for s in doc.sentences]
    assert sentences == [
        "地区生产总值增长5%左右，城镇调查失业率控制在5.5%以内；",
        "粮食、棉花分别增产3%、2%。",
        "他说：“要实干。”",
        "出口1,000亿元,增长3%",
    ]
    clauses = [[text[a:b] for a, b in s.clauses] for s in doc.sentences]
    assert clauses == [
        ["地区生产总值增长5%左右", "城镇调查失业率控制在5.5%以内"],
        ["粮食、棉花分别增产3%、2%"],  # 、 joins coordinated items
        ["他说", "“要实干"],
        ["出口1,000亿元", "增长3%"],  # a comma between digits is part of the number
    ]
    for s in doc.sentences:
        assert s.start < s.end and not text[s.start].isspace() and not text[s.end - 1].isspace()
        for a, b in s.clauses:
            assert s.start <= a < b <= s.end


def test_sentence_lookup() -> None:
    text = "第一句话。 第二句话，有两个分句。\n第三句。"
    doc = parse_document(text)
    second = doc.sentence_at(at(doc, "有两个"))
    assert text[second.start:second.end] == "第二句话，有两个分句。"
    gap = text.index(" ")
    assert text[doc.sentence_at(gap).start:doc.sentence_at(gap).end] == "第一句话。"
    assert [text[s.start:s.end] for s in doc.sentences_in(at(doc, "分句"), at(doc, "第三") + 1)] == [
        "第二句话，有两个分句。", "第三句。",
    ]
    assert len(doc.sentences_in(0, 0)) == 1


def test_empty_text() -> None:
    doc = parse_document("")
    assert doc.sentences == () and doc.headings == () and doc.year is None
    assert doc.section_type_at(0) == "review"
    with pytest.raises(ValueError):
        doc.sentence_at(0)


def test_doc_id_kept() -> None:
    assert parse_document("正文。", doc_id="x_2025").doc_id == "x_2025"


@pytest.mark.skipif(not (CORPUS / "MANIFEST.tsv").is_file(), reason="../shared corpus not present")
def test_corpus_years_and_offsets() -> None:
    import csv

    from govie.io import read_text

    rows = list(csv.DictReader((CORPUS / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t"))
    wrong, missing = [], 0
    for row in rows:
        text = read_text(CORPUS / "reports" / row["file"])
        doc = parse_document(text, doc_id=row["file"])
        if doc.year is None:
            missing += 1
        elif doc.year != int(row["year"]):
            wrong.append((row["file"], doc.year))
        for h in doc.headings:
            assert text[h.start:h.end] == h.text
        assert all(text[s.start:s.end].strip() == text[s.start:s.end] for s in doc.sentences)
    assert wrong == []
    assert missing == 0, missing


#: Reports whose work plan is named by no heading (a turn paragraph, a review heading
#: that ends on the plan, or bare plan words): each must end in plan parts.
PLAN_WITHOUT_PLAN_HEADING = (
    "national_1992", "national_1993", "national_1994", "national_1995", "national_1997",
    "national_1999", "national_2000", "national_2002", "national_2006", "fujian_2025", "fujian_2026",
    "neimenggu_2026",
)


@pytest.mark.skipif(not (CORPUS / "MANIFEST.tsv").is_file(), reason="../shared corpus not present")
@pytest.mark.parametrize("doc_id", PLAN_WITHOUT_PLAN_HEADING)
def test_corpus_reports_turn_to_their_plan(doc_id: str) -> None:
    from govie.io import read_text

    doc = parse_document(read_text(CORPUS / "reports" / f"{doc_id}.txt"), doc_id=doc_id)
    top = [s for s in doc.sections if s.parent is None and s.section_type != "other"]
    assert top[0].section_type == "review" and top[-1].section_type == "plan"
    size = {kind: sum(s.end - s.start for s in top if s.section_type == kind) for kind in ("review", "plan")}
    assert size["plan"] > 0.5 * sum(s.end - s.start for s in top), doc_id
    assert size["review"] > 0.1 * sum(s.end - s.start for s in top), doc_id  # the review stays


@pytest.mark.skipif(not (CORPUS / "MANIFEST.tsv").is_file(), reason="../shared corpus not present")
def test_corpus_headings_do_not_run_on_and_period_plus_last_year_is_review() -> None:
    import csv

    from govie.document import _RUN_ON_NEXT, _RUN_ON_NOUN
    from govie.io import read_text

    rows = list(csv.DictReader((CORPUS / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t"))
    for row in rows:
        if not row["file"].startswith(("zhumadian_", "guangdong_")):
            continue
        doc = parse_document(read_text(CORPUS / "reports" / row["file"]))
        for h in doc.headings:
            for noun in _RUN_ON_NOUN.finditer(h.text):
                assert noun.start() == 0 or not _RUN_ON_NEXT.match(h.text, noun.end()), (row["file"], h.start)
        assert "five_year_review" not in {s.section_type for s in doc.sections if s.parent is None
                                          and s.heading is not None and str(doc.year - 1) in s.heading.text}



@pytest.mark.parametrize("plan_part, looked_back, planned, plan_words", [
    ("今年的工作要突出重点。过去一年，我们的工作取得了成绩。地区生产总值增长5.2%。今年，地区生产总值增长5%左右。",
     "5.2%", "5%左右", "突出重点"),
    ("要继续扩大投资。两年来，我们发行了专项债券。已建成公路120公里。今年，新建公路80公里。",   # counted years back
     "120公里", "80公里", "扩大投资"),
])
def test_look_back_inside_a_plan_part_is_review(plan_part: str, looked_back: str, planned: str,
                                                plan_words: str) -> None:
    text = "一、2024年工作回顾\n去年，地区生产总值增长5%。\n二、2025年工作安排\n" + plan_part + "\n"
    doc = parse_document(text, year=2025)
    assert doc.section_type_at(text.index(looked_back)) == "review"
    assert doc.section_type_at(text.index(planned)) == "plan"
    assert doc.section_type_at(text.index(plan_words)) == "plan"


def test_review_of_the_ended_period_inside_the_next_plan_is_a_five_year_review() -> None:
    text = ("一、2025年工作回顾\n地区生产总值增长5%。\n"
            "二、关于“十五五”规划纲要的说明\n“十四五”时期，全市经受住了考验。这五年，研发人员增加3万人。\n"
            "“十五五”时期，研发人员增加5万人。\n")
    doc = parse_document(text, year=2026)
    assert doc.section_type_at(text.index("3万人")) == "five_year_review"
    assert doc.section_type_at(text.index("5万人")) == "five_year_plan"


def test_plan_parts_on_a_coming_period() -> None:
    text = ("一、2025年工作回顾\n地区生产总值增长5%。\n"
            "二、“十五五”时期的主要目标任务\n全省地区生产总值增长5%以上。\n"
            "三、2026年重点工作\n“十五五”时期，要实现下列目标：\n一是研发经费投入增长7%。\n二是城镇化率提高2个百分点。\n"
            "今年，地区生产总值增长5%左右。\n")
    doc = parse_document(text, year=2026)
    for value in ("5%以上", "7%", "2个百分点"):
        assert doc.section_type_at(text.index(value)) == "five_year_plan", value
        assert doc.plan_period_at(text.index(value)) == (2026, 2030)
    assert doc.section_type_at(text.index("5%左右")) == "plan"
    assert doc.plan_period_at(text.index("5%左右")) is None
    assert doc.section_type_at(text.index("5%。")) == "review"


def test_a_heading_on_the_opening_of_a_period_plans_the_report_year() -> None:
    text = ("一、2025年工作回顾\n地区生产总值增长5%。\n"
            "二、奋力推动“十五五”开好局、起好步\n今年生产总值预期增长5%左右。\n")
    doc = parse_document(text, year=2026)
    assert doc.section_type_at(text.index("5%左右")) == "plan"
    assert doc.plan_period_at(text.index("5%左右")) is None


def test_a_sentence_opening_on_a_coming_period_types_the_rest_of_its_paragraph() -> None:
    text = ("一、1982年的工作\n今年工农业总产值增长4%。根据上述安排，第六个五年计划期间，继续调整结构。"
            "在这个期间，工农业总产值增长21.7%。\n明年的计划要求增长5%。\n")
    doc = parse_document(text, year=1982)
    assert doc.section_type_at(text.index("4%")) == "plan"
    assert doc.section_type_at(text.index("21.7%")) == "five_year_plan"
    assert doc.plan_period_at(text.index("21.7%")) == (1981, 1985)
    assert doc.section_type_at(text.index("5%")) == "plan"


def test_the_next_five_years_start_in_the_report_year() -> None:
    # a term report read in a year that is no plan start: 今后五年 is 2012-2016, as its TIME
    # reads, not the plan period 2011-2015 that holds 2012; a named plan keeps its own years
    text = ("一、过去五年工作回顾\n全市生产总值年均增长10%。\n"
            "二、今后五年的目标任务\n今后五年，要实现下列目标：\n一是城镇化率达到45%以上。\n"
            "“十二五”时期，全市生产总值年均增长9%。\n")
    doc = parse_document(text, year=2012)
    assert doc.section_type_at(text.index("45%")) == "five_year_plan"
    assert doc.plan_period_at(text.index("45%")) == (2012, 2016)
    assert doc.plan_period_at(text.index("9%")) == (2011, 2015)


_FIVE_YEAR_PART_CASES = [
    # 五年来， opens the part, a topic paragraph continues it, the last year's paragraph ends it;
    # the plan's 五年来的经验 draws lessons and stays plan
    ("2026年某省政府工作报告\n"
     "一、“十四五”时期及2025年工作回顾\n"
     "五年来，某省经济总量跨上新台阶，总量年均增长5.6%。\n"
     "创新动能持续增强，研发投入强度达到2.5%。\n"
     "2025年，某省经济总量增长5.3%。\n"
     "二、2026年工作安排\n"
     "五年来的经验表明，必须坚持稳中求进。今年经济总量增长5%左右。\n"),
    # a verdict on the period just ended opens it, 刚刚过去的2025年 closes it
    ("2026年某省政府工作报告\n"
     "一、“十四五”时期及2025年工作回顾\n"
     "“十四五”时期是某省发展极不平凡的五年。经济总量年均增长5.6%。\n"
     "创新动能持续增强，研发投入强度达到2.5%。\n"
     "刚刚过去的2025年，经济总量增长5.3%。\n"
     "二、2026年工作安排\n经济总量增长5%左右。\n"),
    # a sentence that only closes the period may stand before the lead
    ("2026年某省政府工作报告\n"
     "一、2025年工作回顾\n"
     "2025年，经济总量增长5.3%。\n"
     "各位代表！全年任务完成，“十四五”收官。五年来，经济总量年均增长5.6%。\n"
     "研发投入强度达到2.5%。\n"
     "二、2026年工作安排\n经济总量增长5%左右。\n"),
]


@pytest.mark.parametrize("text", _FIVE_YEAR_PART_CASES)
def test_the_five_year_part_of_a_combined_review_is_a_five_year_review(text: str) -> None:
    """Inside an annual review, the paragraphs on the five years (from their lead to the
    paragraph opening on the last year) are a five-year review (R11); the paragraph on the
    last year is the annual review; the plan is untouched."""
    doc = parse_document(text)
    expected = {"5.6%": "five_year_review", "2.5%": "five_year_review", "5.3%": "review", "5%左右": "plan"}
    assert {value: doc.section_type_at(at(doc, value)) for value in expected} == expected


def test_a_five_year_part_ends_with_its_top_level_part() -> None:
    text = (
        "2026年某省政府工作报告\n"
        "一、“十四五”时期及2025年工作回顾\n"
        "这五年，城镇新增就业累计达到300万人。\n"
        "二、政府自身建设\n"
        "压减一般性支出10%。\n"
    )
    doc = parse_document(text)
    assert doc.section_type_at(at(doc, "300万人")) == "five_year_review"
    assert doc.section_type_at(at(doc, "10%")) == "review"


def test_list_items_announced_by_an_outline_paragraph_plan_the_period() -> None:
    """An outline paragraph that names the period's main targets and announces its points
    (``…概述几个方面。``) carries the plan period over the ``——`` items after it."""
    text = (
        "2026年某省政府工作报告\n"
        "一、2025年工作回顾\n产值增长5%。\n"
        "二、“十五五”目标任务与2026年工作\n"
        "省政府编制了规划纲要草案，纲要提出了今后的主要目标，这里概述几个方面。\n"
        "——扩大内需。城镇化率提高到70%。\n"
        "——改善民生。人均预期寿命提高1岁。\n"
        "今年是关键之年。产值增长5%左右。\n"
    )
    doc = parse_document(text)
    assert doc.plan_period_at(at(doc, "70%")) == (2026, 2030)
    assert doc.plan_period_at(at(doc, "1岁")) == (2026, 2030)
    assert doc.plan_period_at(at(doc, "5%左右")) is None
