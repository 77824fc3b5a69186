"""The reading copy (govie.layout): layouts undone, offsets carried back, usual text unchanged."""
from __future__ import annotations

import pytest

from govie.data import row_in_reading
from govie.layout import read

PARAGRAPHS = [
    "一、过去一年工作回顾",
    "　　这一年本市总体平稳，全市生产总值涨了5.2%，总量到了1,250亿元，城里多了3.1万个岗位，"
    "人均收入上升6%，修好乡间道路320公里，整治良田12万亩，翻新旧楼院落86个，事情一件件办成。",
    "二、今年主要目标",
    "　　本年度我们打算这样做：全市生产总值涨5.5%上下，失业比例压在5%以内，"
    "物价涨幅不过3%，每单位产出耗能少2.5%，稻麦收成保住600万吨以上，让百姓日子更好过。",
]
CLEAN = "\n".join(PARAGRAPHS) + "\n"


def _wrapped(text: str, width: int) -> str:
    """``text`` with a line break after every ``width`` characters of a line."""
    lines = []
    for line in text.split("\n"):
        lines.extend([line[i:i + width] for i in range(0, len(line), width)] or [""])
    return "\n".join(lines)


def test_a_report_in_the_usual_layout_reads_as_itself():
    reading = read(CLEAN)
    assert reading.is_identity and reading.text == CLEAN
    assert reading.to_original(3, 9) == (3, 9) and reading.to_reading(3, 9) == (3, 9)


def test_hard_wraps_are_joined_and_spans_across_a_wrap_map_back_whole():
    wrapped = _wrapped(CLEAN, 16)
    assert wrapped.count("\n") > CLEAN.count("\n") + 8
    reading = read(wrapped)
    assert reading.text == CLEAN
    start = CLEAN.index("1,250亿元")
    s, e = reading.to_original(start, start + len("1,250亿元"))
    assert wrapped[s:e].replace("\n", "") == "1,250亿元"
    assert reading.to_reading(s, e) == (start, start + len("1,250亿元"))


def test_a_windows_file_reads_with_plain_line_breaks_and_maps_back():
    windows = _wrapped(CLEAN, 16).replace("\n", "\r\n")
    reading = read(windows)
    assert reading.text == CLEAN
    start = CLEAN.index("二、")
    s, _ = reading.to_original(start, start + 2)
    assert windows[s:s + 2] == "二、" and windows[s - 2:s] == "\r\n"


@pytest.mark.parametrize("page_line", ["- 7 -", "— 7 —", "第7页", "7"])
def test_page_number_lines_of_a_pdf_are_dropped_and_the_paragraph_joined(page_line):
    lines = _wrapped(CLEAN, 16).split("\n")
    paged = "\n".join(lines[:4] + [page_line] + lines[4:])
    assert read(paged).text == CLEAN


def test_short_lines_keep_their_breaks():
    lines = ["（一）着力扩大内需", "全年新开工重点项目120个。", "（二）加快产业升级"] * 4
    text = "\n".join(lines)
    assert read(text).text == text


def test_a_full_line_before_an_indent_or_a_heading_ends_its_paragraph():
    wrapped = _wrapped(CLEAN, 16)
    first_line_end = wrapped.index("\n", wrapped.index("过去一年"))
    # the break after a full line, before an indented line and before a heading, stays
    indented = wrapped[:first_line_end + 1] + "　　" + wrapped[first_line_end + 1:]
    assert "\n　　" in read(indented).text
    heading = wrapped[:first_line_end + 1] + "（二）统筹发展\n" + wrapped[first_line_end + 1:]
    assert "\n（二）统筹发展" in read(heading).text


@pytest.mark.parametrize("typed, reads", [
    ("2024 年", "2024年"),
    ("增长 5 %", "增长5%"),
    ("达到 1 200万人", "达到1200万人"),
    ("生产 总值", "生产总值"),
    ("2024 2025", "2024 2025"),
    ("目标。  今年", "目标。  今年"),
])
def test_layout_spaces_next_to_numbers_are_dropped(typed, reads):
    assert read(typed).text == reads


@pytest.mark.parametrize("typed, reads", [
    ("增长5%,达到1,200亿元.", "增长5%，达到1,200亿元。"),
    ("增长3.5%;城镇:8:30开放", "增长3.5%；城镇：8:30开放"),
    ("完成(初步)统计.今年增长5.", "完成（初步）统计。今年增长5。"),
    ("1.加快发展\n2.深化改革", "1.加快发展\n2.深化改革"),
    ("一,总体要求", "一、总体要求"),
    ('培育"雏鹰企业"50家', "培育“雏鹰企业”50家"),
    ("甲﹑乙､丙", "甲、乙、丙"),
    ("Ｒ＆Ｄ投入增长１２．５％，（三）", "R＆D投入增长12.5%，（三）"),
])
def test_ascii_and_full_width_forms_read_as_the_usual_ones(typed, reads):
    reading = read(typed)
    assert reading.text == reads and len(reading.origin) == len(reads)


def test_a_gold_row_is_carried_into_the_reading():
    text = "2024 年，全市生产总值涨了 5.2 %。\n"
    indicator, value = text.index("全市生产总值"), text.index("5.2 %")
    row = {"id": "own", "year": 2025, "text": text,
           "spans": [{"start": indicator, "end": indicator + 6, "label": "INDICATOR"},
                     {"start": value, "end": value + 5, "label": "VALUE"}],
           "records": [{"indicator": {"start": indicator, "end": indicator + 6, "text": "全市生产总值"},
                        "value": {"start": value, "end": value + 5, "text": "5.2 %"},
                        "time": None, "domain": None, "change": "growth"}]}
    moved = row_in_reading(row)
    assert moved["text"] == "2024年，全市生产总值涨了5.2%。\n"
    assert [moved["text"][s["start"]:s["end"]] for s in moved["spans"]] == ["全市生产总值", "5.2%"]
    assert moved["records"][0]["value"]["text"] == "5.2%" and moved["records"][0]["change"] == "growth"
    assert row["text"] == text  # the input row is not changed
    usual = {**row, "text": "全市生产总值增长5%。", "spans": [], "records": []}
    assert row_in_reading(usual) is usual


def test_the_rule_drafts_read_the_copy_and_index_the_original():
    from govie.annotation.preannotate import preannotate

    typed = CLEAN.replace("涨了", "涨了 ").replace("\n", "\r\n")
    clean, noisy = preannotate(CLEAN, doc_id="own", year=2025), preannotate(typed, doc_id="own", year=2025)
    assert [s["label"] for s in noisy["spans"]] == [s["label"] for s in clean["spans"]]
    for a, b in zip(clean["spans"], noisy["spans"]):
        assert typed[b["start"]:b["end"]].replace(" ", "") == CLEAN[a["start"]:a["end"]]
    assert noisy["records"] == clean["records"]
