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
    "主要预期目标是：地区生产总值增长5%左右；城镇调查失业率控制在5.5%以内。\n"
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
        ("政府工作报告\n——１９９０年３月２０日在第七届全国人民代表大会第三次会议上\n", 1990),
        ("政府工作报告\n——1 9 9 8 年3 月5 日在第九届全国人民代表大会第一次会议上\n", 1998),
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
        ("1.“两新”：大规模设备更新和消费品以旧换新。", 3, "“两新”"),
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
    assert doc.section_type_at(at(doc, "3%")) == "plan"
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
        ("“十三五”时期发展成就和“十四五”时期主要目标任务", None, "five_year_review"),
        ("“十四五”时期和2025年工作回顾", 2026, "five_year_review"),
        ("2025年和“十四五”时期工作回顾", 2026, "review"),
        ("“十五五”时期主要目标任务", 2026, "plan"),
        ("对今年政府工作的建议", None, "plan"),
        ("2025年经济社会发展总体要求和政策取向", 2025, "plan"),
        ("名词解释", None, "other"),
        ("加强政府自身建设", 2025, None),
    ],
)
def test_heading_section_type_table(heading: str, report_year: int | None, kind: str | None) -> None:
    assert heading_section_type(heading, report_year) == kind


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
    assert missing <= 3, missing  # a few national reports open with no title or dated line
