"""The headline benchmark: the hand-checked targets table and the selection rule.

Sentences below are written for these tests in the style of the reports; the corpus itself
is only read (never copied) by the tests marked ``needs_corpus``.
"""
from __future__ import annotations

import csv
import importlib.util
import re
import sys
from pathlib import Path

import pytest

from govie.config import DEFAULT_CORPUS_DIR, QUALIFIERS
from govie.errors import AnnotationError
from govie.quantities import parse_quantity
from govie.records import Record, Span, Value

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "headline_targets.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("headline_targets", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


ht = _load_script()
TARGETS = ht.load_targets()
needs_corpus = pytest.mark.skipif(not DEFAULT_CORPUS_DIR.is_dir(), reason="needs ../shared/corpus")


# --- the table -----------------------------------------------------------------------------

def test_one_row_per_national_report_with_its_year():
    assert len(TARGETS) == 56
    ids = [t.doc_id for t in TARGETS]
    assert len(set(ids)) == len(ids)
    for t in TARGETS:
        assert re.fullmatch(r"national_\d{4}", t.doc_id), t.doc_id
        assert t.year == int(t.doc_id[-4:])
    assert [t.year for t in TARGETS] == sorted(t.year for t in TARGETS)


def test_rows_are_complete():
    for t in TARGETS:
        assert t.note, f"{t.doc_id}: every row needs a note"
        if t.has_target:
            assert t.measure and t.number is not None and t.qualifier in QUALIFIERS, t.doc_id
        else:
            assert (t.measure, t.number, t.low, t.high, t.qualifier) == ("", None, None, None, ""), t.doc_id
    by_id = {t.doc_id: t for t in TARGETS}
    assert not by_id["national_2020"].has_target  # the 2020 report set no growth target
    assert sum(t.has_target for t in TARGETS) == 34


def test_numbers_are_what_the_parser_reads_from_value_text():
    def same(a, b):
        return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-9)

    wrong = []
    for t in (t for t in TARGETS if t.has_target):
        q = parse_quantity(t.value_text)
        if not (same(q.number, t.number) and same(q.low, t.low) and same(q.high, t.high)
                and q.qualifier == t.qualifier):
            wrong.append(f"{t.doc_id}: {t.value_text} parses to {(q.number, q.low, q.high, q.qualifier)}, "
                         f"table says {(t.number, t.low, t.high, t.qualifier)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("bad, message", [
    ("national_1999\t1999\t经济增长\t7%左右\t7\n", "columns"),
    ("national_1999\t1999\t经济增长\t7%左右\t7\t\t\troughly\tnote\n", "qualifier"),
    ("national_2020\t2020\t\t\t6\t\t\t\tnone but a number\n", "none row"),
    ("national_2020\tMMXX\t\t\t\t\t\t\tnote\n", "year"),
])
def test_malformed_tsv_is_refused_naming_file_and_line(tmp_path, bad, message):
    path = tmp_path / "t.tsv"
    path.write_text("\t".join(ht.TSV_COLUMNS) + "\n" + bad, encoding="utf-8")
    with pytest.raises(AnnotationError, match=rf"t\.tsv:2: .*{message}"):
        ht.load_targets(path)


@needs_corpus
def test_table_covers_exactly_the_corpus_national_reports():
    files = {p.stem for p in DEFAULT_CORPUS_DIR.glob("national_*.txt")}
    assert {t.doc_id for t in TARGETS} == files
    with open(DEFAULT_CORPUS_DIR.parent / "MANIFEST.tsv", encoding="utf-8", newline="") as handle:
        manifest = {row["file"][:-4]: int(row["year"]) for row in csv.DictReader(handle, delimiter="\t")}
    assert all(manifest[t.doc_id] == t.year for t in TARGETS)


@needs_corpus
def test_measure_and_value_stand_in_one_sentence_of_the_report():
    missing = []
    for t in (t for t in TARGETS if t.has_target):
        text = (DEFAULT_CORPUS_DIR / f"{t.doc_id}.txt").read_text(encoding="utf-8")
        sentences = re.findall(r"[^。；\n]+", text)
        if not any(t.measure in s and t.value_text in s[s.index(t.measure):] for s in sentences):
            missing.append(t.doc_id)
    assert not missing


@needs_corpus
def test_rules_pick_the_2019_target_from_the_real_report():
    t = next(t for t in TARGETS if t.doc_id == "national_2019")
    text = (DEFAULT_CORPUS_DIR / "national_2019.txt").read_text(encoding="utf-8")
    [row] = ht.run([t], {t.doc_id: text}, ht.rules_extract)
    assert row.correct and row.picked.value.span.text == t.value_text
    assert t.value_text in row.context and len(row.context) <= len(t.value_text) + ht.CONTEXT_CHARS


# --- the selection rule --------------------------------------------------------------------

PLAN = ("去年国内生产总值增长5.2%。今年预期目标是：国内生产总值增长5%左右，"
        "单位国内生产总值能耗降低3%左右，数字经济核心产业增加值增长10%，赤字率占国内生产总值比重4%，"
        "国内生产总值达到140万亿元；“十五五”时期经济年均增长5%左右。提出国内生产总值增长5%左右的目标，兼顾了需要和可能。")


def _record(indicator: str, value: str, *, change: str = "growth", kind: str = "target", year: int = 2026,
            text: str = "", nth: int = 0) -> Record:
    """A record over ``text`` (the ``nth`` occurrence of ``value`` after ``indicator``)."""
    if not text:
        text = indicator + value
    i = -1
    for _ in range(nth + 1):
        i = text.index(indicator, i + 1)
    v = text.index(value, i + len(indicator))
    return Record(value=Value(Span(v, v + len(value), "VALUE", value), parse_quantity(value)),
                  indicator=Span(i, i + len(indicator), "INDICATOR", indicator),
                  year=year, change=change, kind=kind)


def _distractors() -> list[Record]:
    return [
        _record("国内生产总值", "5.2%", kind="actual", year=2025, text=PLAN),
        _record("单位国内生产总值能耗", "3%左右", change="decline", text=PLAN),
        _record("数字经济核心产业增加值", "10%", text=PLAN),
        _record("赤字率占国内生产总值比重", "4%", change="level", text=PLAN),
        _record("国内生产总值", "140万亿元", change="level", text=PLAN, nth=2),
        _record("经济", "5%左右", year=2030, text=PLAN),
    ]


def test_picks_the_own_year_target_among_distractors():
    right = _record("国内生产总值", "5%左右", text=PLAN, nth=1)
    restated = _record("国内生产总值", "5%左右", text=PLAN, nth=3)
    picked = ht.select_headline([restated, *_distractors(), right], 2026)
    assert picked is right  # the main-targets list, not its later restatement


def test_none_when_only_distractors():
    assert ht.select_headline(_distractors(), 2026) is None
    assert ht.select_headline([], 2026) is None


def test_a_rate_stated_as_a_level_counts_but_other_levels_do_not():
    text = "今年经济增长速度的调控目标定为8%，城镇调查失业率控制在5.5%左右。"
    rate = _record("经济增长速度", "8%", change="level", year=1997, text=text)
    jobless = _record("城镇调查失业率", "5.5%左右", change="level", year=1997, text=text)
    assert ht.select_headline([jobless, rate], 1997) is rate
    assert ht.select_headline([rate], 1998) is None  # wrong year


@pytest.mark.parametrize("indicator, headline", [
    ("国内生产总值", True), ("国民生产总值", True), ("工农业总产值", True), ("国民收入", True),
    ("经济增长速度", True), ("今年经济增长", True), ("“国内生产总值”", True),
    ("单位国内生产总值能耗", False), ("人均国内生产总值", False), ("数字经济", False),
    ("经济结构", False), ("服务业对经济增长贡献率", False), ("财政赤字占国内生产总值比重", False),
    ("工业总产值", False), ("农业总产值", False),
])
def test_names_headline_measure(indicator, headline):
    assert ht.names_headline_measure(indicator) is headline


def test_matching_compares_numbers_bounds_and_qualifier():
    target = ht.Expected("d", 2019, "国内生产总值", "6%-6.5%", 6.25, 6.0, 6.5, "range", "n")
    none = ht.Expected("d", 2020, "", "", None, None, None, "", "n")
    assert ht.matches(_record("国内生产总值", "6%—6.5%", year=2019), target)
    assert not ht.matches(_record("国内生产总值", "6.5%", year=2019), target)
    assert not ht.matches(_record("国内生产总值", "6.25%左右", year=2019), target)
    assert not ht.matches(None, target)
    assert ht.matches(None, none) and not ht.matches(_record("国内生产总值", "6%", year=2020), none)


# --- running and printing --------------------------------------------------------------------

REPORT = ("2026年政府工作报告\n一、2025年工作回顾\n国内生产总值增长5.2%，城镇新增就业1200万人。\n"
          "二、2026年经济社会发展总体要求和主要目标\n"
          "今年预期目标：国内生产总值增长5%左右，单位国内生产总值能耗降低3%左右。\n")


def test_records_from_preannotator_feed_the_selection():
    from govie.annotation.preannotate import preannotate

    records = ht.records_from_gold(preannotate(REPORT, doc_id="own_2026", year=2026), REPORT)
    assert all(REPORT[r.value.span.start:r.value.span.end] == r.value.span.text for r in records)
    picked = ht.select_headline(records, 2026)
    assert picked is not None and picked.value.span.text == "5%左右" and picked.doc == "own_2026"


def test_table_rows_marks_and_summary():
    hit = ht.Expected("own_2026", 2026, "国内生产总值", "5%左右", 5.0, None, None, "about", "n")
    miss = ht.Expected("own_2025", 2025, "", "", None, None, None, "", "n")
    right = _record("国内生产总值", "5%左右", text=REPORT)
    stray = _record("国内生产总值", "5.2%", year=2025, text=REPORT)  # wrongly a 2025 target
    fake = {"own_2026": [right], "own_2025": [stray]}
    rows = ht.run([hit, miss], {"own_2026": REPORT, "own_2025": REPORT}, lambda text, e: fake[e.doc_id])
    assert [r.correct for r in rows] == [True, False]
    table = ht.format_table(rows).splitlines()
    assert "✓" in table[1] and "5%左右 about" in table[1] and "增长5%左右" in table[1]
    assert "✗" in table[2] and "5.2% exact" in table[2] and "none" in table[2]
    assert table[-1] == "1/2 correct (1/1 targets, 0/1 none)"


def _corpus_and_targets(tmp_path, value_text="5%左右"):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "own_2026.txt").write_text(REPORT, encoding="utf-8")
    targets = tmp_path / "targets.tsv"
    q = parse_quantity(value_text)
    targets.write_text("\t".join(ht.TSV_COLUMNS) + "\n" + "\t".join(
        ["own_2026", "2026", "国内生产总值", value_text, str(q.number), "", "", q.qualifier, "own text"]) + "\n",
        encoding="utf-8")
    return corpus, targets


def test_main_with_rules(tmp_path, capsys):
    corpus, targets = _corpus_and_targets(tmp_path)
    assert ht.main(["--rules", "--corpus", str(corpus), "--targets", str(targets)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("system: rules") and out.rstrip().endswith("1/1 correct (1/1 targets, 0/0 none)")


def test_main_reports_problems_in_one_line(tmp_path, capsys):
    corpus, targets = _corpus_and_targets(tmp_path)
    assert ht.main(["--model", str(tmp_path / "no_model"), "--corpus", str(corpus),
                    "--targets", str(targets)]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("error: ") and "no_model" in err
    (corpus / "own_2026.txt").unlink()
    assert ht.main(["--rules", "--corpus", str(corpus), "--targets", str(targets)]) == 2
    assert "own_2026.txt" in capsys.readouterr().err


def test_main_with_a_model_directory(tmp_path, capsys):
    from tiny_models import make_tiny_ner

    model = make_tiny_ner(tmp_path / "tiny", [REPORT])
    corpus, targets = _corpus_and_targets(tmp_path)
    assert ht.main(["--model", str(model), "--corpus", str(corpus), "--targets", str(targets)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"system: model {model}")
    assert re.search(r"^[01]/1 correct \([01]/1 targets, 0/0 none\)$", out, re.M)
