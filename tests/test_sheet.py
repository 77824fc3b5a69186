"""Review sheets and the rule-based pre-annotator, on report-shaped text written for the tests."""
from __future__ import annotations

import json

import pytest

from govie.annotation.preannotate import preannotate
from govie.annotation.sheet import read_sheet, write_sheet
from govie.annotation.validate import validate_docs
from govie.annotation.schema import GoldDoc
from govie.errors import AnnotationError

TEXT = ("2025年政府工作报告\n一、2024年工作回顾\n全市地区生产总值增长5.2%，城镇新增就业3.1万人。\n"
        "二、2025年目标任务\n主要预期目标是：地区生产总值增长5.5%左右，城镇调查失业率控制在5%以内；"
        "力争到2027年高标准农田达到600万亩以上。\n工业增加值、服务业增加值分别增长6%、7%。\n")


@pytest.fixture()
def draft():
    return preannotate(TEXT, doc_id="own", year=2025, level="city")


def _records(doc):
    spans = {s["id"]: s for s in doc["spans"]}
    text = lambda sid: TEXT[spans[sid]["start"]:spans[sid]["end"]] if sid else None
    return {text(r["value"]): (text(r["indicator"]), text(r["time"]), r["change"], r["kind"], r["year"],
                               r["policy_area"]) for r in doc["records"]}


def test_preannotate_drafts_the_worked_example(draft):
    recs = _records(draft)
    assert recs["5.5%左右"] == ("地区生产总值", None, "growth", "target", 2025, "economy")
    assert recs["5%以内"][:1] == ("城镇调查失业率",) and recs["5%以内"][2:] == ("level", "target", 2025, "social")
    assert recs["600万亩以上"] == ("高标准农田", "2027年", "level", "target", 2027, "rural")
    assert recs["5.2%"][3:5] == ("actual", 2024)          # review section -> report year - 1
    assert recs["6%"][0] == "工业增加值" and recs["7%"][0] == "服务业增加值"   # 分别 pairs by order


def test_sheet_round_trip_is_lossless(draft):
    sheet = write_sheet(TEXT, draft)
    back = read_sheet(sheet, TEXT, doc_id="own", year=2025, level="city")
    assert _records(back) == _records(draft)
    assert validate_docs([GoldDoc.from_dict({**back, "text": TEXT})]) == []


def test_sheet_edits_resolve_occurrences_and_overrides(draft):
    sheet = write_sheet(TEXT, draft)
    line = next(l for l in sheet.splitlines() if l.startswith("R 5%以内"))
    edited = sheet.replace(line, "R 5%以内 | 城镇调查失业率 | - | - | level | target | 2025 | social | number=5 qualifier=at_most")
    back = read_sheet(edited, TEXT, doc_id="own", year=2025, level="city")
    assert _records(back)["5%以内"][0] == "城镇调查失业率"


@pytest.mark.parametrize("bad,message", [
    ("R 9.9% | - | - | - | level | target | 2025 | economy", "not in the sentence"),
    ("R 5.5%左右 | 地区生产总值增长5.5% | - | - | growth | target | 2025 | economy", "overlaps"),
    ("R 5.5%左右 | 地区生产总值 | - | - | growth | target | 2025 | economy | colour=red", "override"),
    ("R 5.5%左右 | 地区生产总值 | - | - | growth | planned | 2025 | economy", "kind"),
])
def test_sheet_errors_name_the_line(draft, bad, message):
    sheet = write_sheet(TEXT, draft)
    line = next(l for l in sheet.splitlines() if l.startswith("R 5.5%左右"))
    lines = sheet.splitlines()
    lineno = lines.index(line) + 1
    with pytest.raises(AnnotationError, match=message) as err:
        read_sheet(sheet.replace(line, bad), TEXT, doc_id="own", year=2025, level="city", source="s.sheet")
    assert f"s.sheet:{lineno}" in str(err.value)


REPEAT = "2025年政府工作报告\n一、2024年工作回顾\n完善公园管理办法，年内新增公园12个。\n"


def test_a_repeated_word_needs_its_occurrence_and_the_sheet_writes_it():
    start, end = REPEAT.index("完善"), REPEAT.index("。") + 1
    sheet = (f"== S {start} {end} [review] 2024年工作回顾\n"
             "R 12个 | 公园 | - | - | increment | actual | 2024 | urban\n")
    with pytest.raises(AnnotationError, match=r"occurs 2 times.*nearest the VALUE is 公园@2") as err:
        read_sheet(sheet, REPEAT, doc_id="own", year=2025, level="city", source="r.sheet")
    assert "r.sheet:2" in str(err.value)
    back = read_sheet(sheet.replace("| 公园 |", "| 公园@2 |"), REPEAT, doc_id="own", year=2025, level="city")
    spans = {sp["id"]: sp for sp in back["spans"]}
    indicator = spans[back["records"][0]["indicator"]]
    assert REPEAT[indicator["start"]:indicator["end"]] == "公园" and indicator["start"] == REPEAT.index("公园12")
    # written back, the reference carries its occurrence, so the round trip holds
    again = write_sheet(REPEAT, back)
    assert "R 12个 | 公园@2 |" in again
    assert read_sheet(again, REPEAT, doc_id="own", year=2025, level="city")["records"] == back["records"]


# ---------------------------------------------------------------- model drafts
def _analysis():
    """What a model could have found in TEXT: two records, one with a TIME; their areas rest
    on the indicators, so neither gets a DOMAIN link."""
    from govie.document import parse_document
    from govie.pipeline import Analysis
    from govie.quantities import parse_quantity
    from govie.records import PolicyArea, Record, Span, Value

    def span(sub, label, after=0):
        start = TEXT.index(sub, after)
        return Span(start, start + len(sub), label, sub)

    plan = TEXT.index("二、")
    gdp, gdp_value = span("地区生产总值", "INDICATOR", plan), span("5.5%左右", "VALUE")
    farm, farm_value, farm_time = span("高标准农田", "INDICATOR"), span("600万亩以上", "VALUE"), span("2027年", "TIME")
    records = [
        Record(Value(gdp_value, parse_quantity(gdp_value.text)), gdp, year=2025,
               policy_area=PolicyArea("economy", gdp), change="growth", kind="target"),
        Record(Value(farm_value, parse_quantity(farm_value.text)), farm, time=farm_time, year=2027,
               policy_area=PolicyArea("rural", farm), change="level", kind="target"),
    ]
    document = parse_document(TEXT, doc_id="own", year=2025)
    return Analysis(document, [gdp, gdp_value, farm_time, farm, farm_value], records)


def test_model_draft_becomes_a_valid_sheet_that_reads_back():
    from govie.annotation.modeldraft import analysis_to_gold

    doc = analysis_to_gold(_analysis(), doc_id="own", year=2025, level="city")
    assert doc["annotator"] == "model-draft"
    assert _records(doc) == {"5.5%左右": ("地区生产总值", None, "growth", "target", 2025, "economy"),
                             "600万亩以上": ("高标准农田", "2027年", "level", "target", 2027, "rural")}
    back = read_sheet(write_sheet(TEXT, doc), TEXT, doc_id="own", year=2025, level="city")
    assert _records(back) == _records(doc)
    assert validate_docs([GoldDoc.from_dict({**back, "text": TEXT})]) == []


def test_workflow_draft_with_a_model(tmp_path):
    """``govie annotations draft --model`` writes a sheet from the model's records."""
    from govie.annotation.workflow import draft
    from tiny_models import make_tiny_ner

    corpus = tmp_path / "reports"
    corpus.mkdir()
    (corpus / "own.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "MANIFEST.tsv").write_text("file\tyear\tlevel\nreports/own.txt\t2025\tcity\n", encoding="utf-8")
    model = make_tiny_ner(tmp_path / "tiny", [TEXT])
    doc = draft("own", tmp_path / "own.sheet", corpus, model=model, draft_json=tmp_path / "own.draft.jsonl")
    assert doc["annotator"] == "model-draft"
    back = read_sheet((tmp_path / "own.sheet").read_text(encoding="utf-8"), TEXT, doc_id="own",
                      year=2025, level="city")
    assert len(back["records"]) == len(doc["records"])
    # the kept draft is a stand-off file that agreement reads against the corrected one
    from govie.annotation.agreement import agreement
    from govie.annotation.workflow import apply

    saved = json.loads((tmp_path / "own.draft.jsonl").read_text(encoding="utf-8"))
    assert "text" not in saved and saved["text_sha256"] and saved["annotator"] == "model-draft"
    gold = apply(tmp_path / "own.sheet", "own", corpus, out=tmp_path / "own.jsonl")
    report = agreement(str(tmp_path / "own.draft.jsonl"), str(gold), corpus)
    assert report["documents"] == ["own"]
    if doc["records"]:
        assert report["records"]["f1"] == 1.0


def test_a_span_in_another_sentence_is_written_by_offset_and_reads_back(draft):
    """An INDICATOR the model linked in a neighbouring sentence is written ``text@at<offset>``:
    a bare reference would name (or silently take) the words in the value's own sentence."""
    spans = {s["id"]: s for s in draft["spans"]}
    earlier = TEXT.index("地区生产总值")                     # in the review sentence
    target = next(r for r in draft["records"] if TEXT[spans[r["value"]]["start"]:spans[r["value"]]["end"]] == "5.5%左右")
    draft["spans"].append({"id": "far", "start": earlier, "end": earlier + 6, "label": "INDICATOR"})
    target["indicator"] = "far"
    sheet = write_sheet(TEXT, draft)
    assert f"R 5.5%左右 | 地区生产总值@at{earlier} |" in sheet
    back = read_sheet(sheet, TEXT, doc_id="own", year=2025, level="city")
    back_spans = {s["id"]: s for s in back["spans"]}
    record = next(r for r in back["records"] if TEXT[back_spans[r["value"]]["start"]:back_spans[r["value"]]["end"]] == "5.5%左右")
    assert back_spans[record["indicator"]]["start"] == earlier


def test_an_offset_reference_to_other_words_is_refused(draft):
    sheet = write_sheet(TEXT, draft)
    line = next(l for l in sheet.splitlines() if l.startswith("R 5.5%左右"))
    edited = sheet.replace(line, "R 5.5%左右 | 地区生产总值@at3 | - | - | growth | target | 2025 | economy")
    with pytest.raises(AnnotationError, match=r"sheet:\d+: '地区生产总值' is not at offset 3"):
        read_sheet(edited, TEXT, doc_id="own", year=2025, level="city")
