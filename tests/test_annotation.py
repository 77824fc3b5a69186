"""Gold format, validator, converters and ``govie annotations`` on a document written here.

The test document is three short sentences composed for these tests (not from any
report); offsets are computed from the text so they cannot drift from it.
"""
from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path

import pytest

from govie.annotation import cli as annotation_cli
from govie.annotation.formats import FORMATS
from govie.annotation.schema import (
    GoldDoc, GoldRecord, GoldSpan, attach_text, load_docs, save_doc, sha256_text, to_standoff,
)
from govie.annotation.validate import Problem, validate_docs
from govie.errors import AnnotationError

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DOC_ID = "testcity_2025"
TEXT = "今年全市地区生产总值增长6%—6.5%。教育方面，新建中小学校12所。到2027年，森林覆盖率达到 45%以上。"


def _span(span_id: str, piece: str, label: str) -> GoldSpan:
    start = TEXT.index(piece)
    return GoldSpan(span_id, start, start + len(piece), label)


def make_doc(**changes) -> GoldDoc:
    spans = [
        _span("s1", "今年", "TIME"), _span("s2", "地区生产总值", "INDICATOR"),
        _span("s3", "6%—6.5%", "VALUE"), _span("s4", "教育", "DOMAIN"),
        _span("s5", "中小学校", "INDICATOR"), _span("s6", "12所", "VALUE"),
        _span("s7", "2027年", "TIME"), _span("s8", "森林覆盖率", "INDICATOR"),
        _span("s9", "45%以上", "VALUE"),
    ]
    records = [
        GoldRecord(indicator="s2", value="s3", time="s1", number=6, unit="%", qualifier="range",
                   low=6, high=6.5, change="growth", year=2025, policy_area="economy", kind="target"),
        GoldRecord(indicator="s5", value="s6", time=None, domain="s4", number=12, unit="所",
                   qualifier="exact", change="increment", year=2025, policy_area="social",
                   kind="target"),
        GoldRecord(indicator="s8", value="s9", time="s7", number=45, unit="%", qualifier="at_least",
                   low=45, change="level", year=2027, policy_area="environment", kind="target"),
    ]
    fields = dict(id=DOC_ID, year=2025, level="city", spans=spans, records=records, text=TEXT,
                  annotator="tester")
    fields.update(changes)
    return GoldDoc(**fields)


def write_lines(path: Path, *objects) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(
        (obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False)) + "\n"
        for obj in objects), encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / f"{DOC_ID}.txt").write_bytes(TEXT.encode("utf-8"))
    return folder


def standoff_dict() -> dict:
    data = make_doc().to_dict()
    del data["text"]
    data["text_sha256"] = sha256_text(TEXT)
    data["source"] = "corpus"
    return data


# ---------------------------------------------------------------------------- schema


def test_valid_document_has_no_problems(tmp_path: Path, corpus: Path) -> None:
    path = write_lines(tmp_path / "gold" / f"{DOC_ID}.jsonl", make_doc().to_dict())
    assert validate_docs(path) == []
    assert validate_docs([make_doc()]) == []
    standoff = write_lines(tmp_path / "standoff.jsonl", standoff_dict())
    assert validate_docs(standoff, corpus) == []


def test_load_docs_reads_folders_recursively_and_keeps_origin(tmp_path: Path) -> None:
    write_lines(tmp_path / "gold" / "a" / f"{DOC_ID}.jsonl", make_doc().to_dict())
    write_lines(tmp_path / "gold" / "other.jsonl", make_doc(id="other_2025").to_dict())
    docs = load_docs(tmp_path / "gold")
    assert [doc.id for doc in docs] == [DOC_ID, "other_2025"]
    assert docs[0] == make_doc()
    assert docs[0].origin == f"{tmp_path / 'gold' / 'a' / (DOC_ID + '.jsonl')}:1"


def test_load_docs_names_file_and_line_of_broken_json(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "x.jsonl", make_doc().to_dict(), '{"id": "b", "year": 20')
    with pytest.raises(AnnotationError, match=rf"^{path}:2: column \d+: not valid JSON"):
        load_docs(path)
    problems = validate_docs(path)
    assert len(problems) == 1
    assert problems[0].file == f"{path}:2" and "not valid JSON" in problems[0].message
    assert str(problems[0]).startswith(f"{path}:2: ?: column ")


def test_load_docs_reports_schema_faults_with_position(tmp_path: Path) -> None:
    data = make_doc().to_dict()
    data["spans"][2]["start"] = "12"
    path = write_lines(tmp_path / "x.jsonl", data)
    with pytest.raises(AnnotationError, match=rf"^{path}:1: {DOC_ID}: spans\[2\]\.start: must be an integer"):
        load_docs(path)


def test_load_docs_missing_path() -> None:
    with pytest.raises(AnnotationError, match="no such file or folder"):
        load_docs("/nonexistent/gold")


def test_save_doc_is_atomic_and_never_writes_a_corpus_text(tmp_path: Path, corpus: Path) -> None:
    target = tmp_path / "new" / "folder" / f"{DOC_ID}.jsonl"
    save_doc(make_doc(), target)
    assert load_docs(target) == [make_doc()]
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temp file left
    standoff = GoldDoc.from_dict(standoff_dict())
    attached = attach_text(standoff, corpus)
    save_doc(attached, target)
    stored = json.loads(target.read_text(encoding="utf-8"))
    assert "text" not in stored and stored["text_sha256"] == sha256_text(TEXT)


def test_sha256_text_is_of_utf8_bytes() -> None:
    import hashlib
    assert sha256_text("增长") == hashlib.sha256("增长".encode("utf-8")).hexdigest()


def test_attach_text_checks_sha_and_copies(tmp_path: Path, corpus: Path) -> None:
    standoff = GoldDoc.from_dict(standoff_dict())
    attached = attach_text(standoff, corpus)
    assert attached.text == TEXT and standoff.text is None
    (corpus / f"{DOC_ID}.txt").write_bytes((TEXT + "。").encode("utf-8"))
    with pytest.raises(AnnotationError, match="text_sha256: .* does not match"):
        attach_text(standoff, corpus)
    with pytest.raises(AnnotationError, match="not found"):
        attach_text(standoff, tmp_path / "empty")


def test_attach_text_keeps_crlf_offsets(tmp_path: Path) -> None:
    text = "第一段。\r\n今年增长5%。"
    (tmp_path / "crlf_2025.txt").write_bytes(text.encode("utf-8"))
    doc = GoldDoc("crlf_2025", 2025, "city", text_sha256=sha256_text(text))
    assert attach_text(doc, tmp_path).text == text


def test_to_standoff(corpus: Path, tmp_path: Path) -> None:
    doc = to_standoff(make_doc(), corpus)
    assert doc.text is None and doc.text_sha256 == sha256_text(TEXT) and doc.source == "corpus"
    assert to_standoff(make_doc(), tmp_path / "elsewhere") == make_doc()  # team text stays inline
    with pytest.raises(AnnotationError, match="differs from"):
        to_standoff(make_doc(text=TEXT.replace("今年", "明年")), corpus)


# ------------------------------------------------------------------------- validator


def _records(d: dict) -> list:
    return d["records"]


CASES = [
    # (name, mutation of the JSON object, expected where, expected message part)
    ("missing field", lambda d: d.pop("level"), "level", "missing field"),
    ("missing doc year", lambda d: d.pop("year"), "year", "missing field"),
    ("wrong type", lambda d: d["spans"][2].update(start="12"), "spans[2].start", "must be an integer"),
    ("boolean offset", lambda d: d["spans"][0].update(end=True), "spans[0].end", "got a boolean"),
    ("unknown field", lambda d: d.update(anotator="x"), "document", "unknown field 'anotator'"),
    ("not a number", lambda d: _records(d)[1].update(number="12"), "records[1].number", "must be a number"),
    ("NaN number", lambda d: _records(d)[1].update(number=float("nan")), "records[1].number", "must be a number"),
    ("missing record field", lambda d: _records(d)[0].pop("kind"), "records[0].kind", "missing field"),
    ("label", lambda d: d["spans"][0].update(label="DATE"), "spans[0] s1 [0:2]", "label 'DATE'"),
    ("negative start", lambda d: d["spans"][0].update(start=-1), "spans[0] s1", "0 <= start < end"),
    ("empty span", lambda d: d["spans"][0].update(end=0), "spans[0] s1 [0:0]", "0 <= start < end"),
    ("past the end", lambda d: d["spans"][8].update(end=len(TEXT) + 3), "spans[8] s9", "past the end"),
    ("leading space", lambda d: d["spans"][8].update(start=d["spans"][8]["start"] - 1),
     "spans[8] s9", "starts or ends with whitespace"),
    ("only space", lambda d: d["spans"][8].update(start=TEXT.index(" "), end=TEXT.index(" ") + 1),
     "spans[8] s9", "only whitespace"),
    ("overlap", lambda d: d["spans"].append({"id": "s10", "start": 6, "end": 11, "label": "INDICATOR"}),
     "spans[9] s10 [6:11]", "overlaps spans[1] s2"),
    ("duplicate span id", lambda d: d["spans"][3].update(id="s1"), "spans[3] s1", "already used by spans[0]"),
    ("unknown span", lambda d: _records(d)[0].update(indicator="s99"), "records[0].indicator",
     "unknown span id 's99'"),
    ("wrong link label", lambda d: _records(d)[0].update(time="s2"), "records[0].time",
     "s2 is labelled INDICATOR"),
    ("value names a TIME", lambda d: _records(d)[0].update(value="s1"), "records[0].value", "labelled VALUE"),
    ("VALUE without record", lambda d: _records(d).pop(1), "spans[5] s6", "VALUE span '12所' has no record"),
    ("two records for a VALUE", lambda d: _records(d).append(copy.deepcopy(_records(d)[0])),
     "records[3].value", "second record for VALUE span s3"),
    ("change", lambda d: _records(d)[0].update(change="grow"), "records[0].change", "'grow' is not one of"),
    ("kind", lambda d: _records(d)[0].update(kind="plan"), "records[0].kind", "'plan' is not one of"),
    ("qualifier", lambda d: _records(d)[1].update(qualifier="approx"), "records[1].qualifier", "not one of"),
    ("policy area", lambda d: _records(d)[1].update(policy_area="education"), "records[1].policy_area",
     "not one of"),
    ("range without high", lambda d: _records(d)[0].update(high=None), "records[0].low", "both low and high"),
    ("low above high", lambda d: _records(d)[0].update(low=7), "records[0].low", "greater than high"),
    ("number below low", lambda d: _records(d)[2].update(number=40), "records[2].number", "below low 45"),
    ("number above high", lambda d: _records(d)[0].update(number=7), "records[0].number", "above high 6.5"),
    ("null number", lambda d: _records(d)[1].update(number=None), "records[1].number", "only a range"),
    ("record year", lambda d: _records(d)[0].update(year=1900), "records[0].year", "outside 1949..2100"),
    ("year_start range", lambda d: _records(d)[0].update(year_start=1800), "records[0].year_start", "outside"),
    ("year_start after year", lambda d: _records(d)[2].update(year_start=2030), "records[2].year_start",
     "after year 2027"),
    ("doc year", lambda d: d.update(year=3000), "year", "outside 1949..2100"),
    ("level", lambda d: d.update(level="county"), "level", "'county' is not one of"),
    ("source", lambda d: d.update(source="web"), "source", "not 'corpus'"),
    ("bad id", lambda d: d.update(id="a/b"), "id", "cannot name a file"),
    ("no text at all", lambda d: d.pop("text"), "text_sha256", "missing"),
    ("inline sha mismatch", lambda d: d.update(text_sha256="0" * 64), "text_sha256", "does not match the inline text"),
]


@pytest.mark.parametrize("mutate,where,message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_rule_names_file_and_position(tmp_path: Path, mutate, where: str, message: str) -> None:
    data = make_doc().to_dict()
    mutate(data)
    path = write_lines(tmp_path / "gold" / f"{DOC_ID}.jsonl", data)
    problems = validate_docs(path, tmp_path / "no-corpus")
    hits = [p for p in problems if p.where.startswith(where) and message in p.message]
    assert hits, f"expected {where}: {message} in {[str(p) for p in problems]}"
    doc_id = data["id"]
    assert str(hits[0]) == f"{path}:1: {doc_id}: {hits[0].where}: {hits[0].message}"
    assert all(p.file == f"{path}:1" for p in problems)


def test_rules_apply_to_documents_in_memory() -> None:
    doc = make_doc()
    doc.records[0].change = "grow"
    doc.spans[0].label = "DATE"
    problems = validate_docs([doc])
    assert {(p.where, p.file) for p in problems} == {
        ("records[0].change", "<memory>"), ("spans[0] s1 [0:2]", "<memory>"),
        ("records[0].time", "<memory>")}
    bad_type = make_doc(year="2025")
    assert [p.where for p in validate_docs([bad_type])] == ["year"]


def test_corpus_sha_mismatch_and_missing_corpus(tmp_path: Path, corpus: Path) -> None:
    path = write_lines(tmp_path / "x.jsonl", standoff_dict())
    (corpus / f"{DOC_ID}.txt").write_bytes(TEXT.replace("12所", "13所").encode("utf-8"))
    problems = validate_docs(path, corpus)
    assert [(p.file, p.where) for p in problems] == [(f"{path}:1", "text_sha256")]
    assert "the text changed after annotation" in problems[0].message
    problems = validate_docs(path, tmp_path / "nowhere")
    assert [p.where for p in problems] == ["text"] and "not found" in problems[0].message


def test_corpus_text_copied_inline_is_a_problem(tmp_path: Path, corpus: Path) -> None:
    data = standoff_dict()
    data["text"] = TEXT
    problems = validate_docs(write_lines(tmp_path / "x.jsonl", data), corpus)
    assert [p.where for p in problems] == ["text"] and "must not be copied" in problems[0].message


def test_duplicate_document_ids_and_non_objects(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "x.jsonl", make_doc().to_dict(), "[1, 2]", make_doc().to_dict())
    problems = validate_docs(path)
    assert [(p.file, p.where) for p in problems] == [(f"{path}:2", "document"), (f"{path}:3", "id")]
    assert "must be a JSON object" in problems[0].message
    assert f"already used at {path}:1" in problems[1].message


def test_problem_string() -> None:
    assert str(Problem("g/a.jsonl:3", "x_2025", "spans[0] s1 [0:2]", "bad")) == "g/a.jsonl:3: x_2025: spans[0] s1 [0:2]: bad"


# ------------------------------------------------------------------------ converters


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_round_trip_is_lossless(tmp_path: Path, corpus: Path, name: str) -> None:
    converter = FORMATS[name]
    for doc in (make_doc(), attach_text(GoldDoc.from_dict(standoff_dict()), corpus)):
        out = tmp_path / f"out.{name}"
        converter.export_docs([doc, make_doc(id="second_2025", annotator=None)], out)
        back = converter.import_docs(out)
        assert back == [doc, make_doc(id="second_2025", annotator=None)]


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_export_refuses_what_it_would_lose(tmp_path: Path, name: str) -> None:
    with pytest.raises(AnnotationError, match="text: not attached"):
        FORMATS[name].export_docs([make_doc(text=None, text_sha256="0" * 64)], tmp_path / "x")
    doc = make_doc()
    doc.records.append(copy.deepcopy(doc.records[0]))
    with pytest.raises(AnnotationError, match=r"records\[3\]\.value: second record"):
        FORMATS[name].export_docs([doc], tmp_path / "x")
    doc = make_doc()
    doc.records[0].indicator = "s99"
    with pytest.raises(AnnotationError, match="unknown span id 's99'"):
        FORMATS[name].export_docs([doc], tmp_path / "x")


def test_labelstudio_shape_and_tolerance(tmp_path: Path) -> None:
    from govie.annotation import labelstudio

    task = labelstudio.doc_to_task(make_doc())
    assert task["data"]["text"] == TEXT and task["data"]["doc_id"] == DOC_ID
    result = task["annotations"][0]["result"]
    value = next(r for r in result if r["id"] == "s3")
    assert value["value"] == {"start": 12, "end": 19, "text": "6%—6.5%", "labels": ["VALUE"]}
    assert value["meta"]["govie"]["qualifier"] == "range"
    relations = [r for r in result if r["type"] == "relation"]
    assert {"from_id": "s3", "to_id": "s2", "type": "relation", "direction": "right",
            "labels": ["indicator"]} in relations
    # An annotator draws a relation backwards and without a label: still the same record.
    for item in relations:
        if item["from_id"] == "s3" and item["to_id"] == "s2":
            item.update(from_id="s2", to_id="s3", labels=[])
    assert labelstudio.task_to_doc(task, "t") == make_doc()
    value["value"]["text"] = "6%"
    with pytest.raises(AnnotationError, match="offsets were made on another text"):
        labelstudio.task_to_doc(task, "t")
    path = tmp_path / "ls.json"
    path.write_text("[{", encoding="utf-8")
    with pytest.raises(AnnotationError, match=rf"^{path}:1: column \d+: not valid JSON"):
        labelstudio.import_docs(path)


def test_doccano_survives_renumbering_and_edits() -> None:
    from govie.annotation import doccano

    line = doccano.doc_to_line(make_doc())
    # doccano re-exports with its own ids: shift every entity and relation id.
    for entity in line["entities"]:
        entity["id"] += 100
    for relation in line["relations"]:
        relation.update(id=relation["id"] + 7, from_id=relation["from_id"] + 100,
                        to_id=relation["to_id"] + 100)
    line["id"] = 4242
    assert doccano.line_to_doc(line, "d") == make_doc()
    # The annotator deletes the 12所 entity (its record goes with it) and adds a TIME
    # entity of their own, which gets a fresh id and is then caught overlapping s7.
    line["entities"] = [e for e in line["entities"] if e["start_offset"] != TEXT.index("12所")]
    line["relations"] = [r for r in line["relations"] if r["from_id"] != 106]
    line["entities"].append({"id": 999, "label": "TIME", "start_offset": TEXT.index("2027"),
                             "end_offset": TEXT.index("2027") + 4})
    doc = doccano.line_to_doc(line, "d")
    assert [r.value for r in doc.records] == ["s3", "s9"]
    assert doc.spans[-1].id == "s10"
    assert [(p.where, p.message[:21]) for p in validate_docs([doc])] == [
        ("spans[5] s7 [36:41]", "overlaps spans[8] s10")]


def test_docbin_is_character_tokenised(tmp_path: Path) -> None:
    from govie.annotation import docbin
    from spacy.vocab import Vocab

    sdoc = docbin.doc_to_spacy(make_doc(), Vocab())
    assert len(sdoc) == len(TEXT) and sdoc.text == TEXT
    assert [(e.start_char, e.end_char, e.label_) for e in sdoc.ents] == [
        (s.start, s.end, s.label) for s in make_doc().spans]
    assert sdoc.spans["govie"][2].id_ == "s3"


# ------------------------------------------------------------------------------- CLI


def run_cli(*argv: str) -> int:
    from govie.cli import main

    return main(list(argv))


def test_register_adds_the_three_commands() -> None:
    parser = argparse.ArgumentParser(prog="govie")
    annotation_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["annotations", "export", "--to", "docbin", "in", "out.spacy"])
    assert (args.func, args.format, args.corpus) == (annotation_cli.cmd_export, "docbin", None)
    with pytest.raises(SystemExit):
        parser.parse_args(["annotations", "import", "--from", "docbin", "in", "out"])


def test_cli_validate(tmp_path: Path, capsys) -> None:
    good = write_lines(tmp_path / "gold" / f"{DOC_ID}.jsonl", make_doc().to_dict())
    assert run_cli("annotations", "validate", str(good.parent)) == 0
    assert capsys.readouterr().out.strip() == "1 documents, 9 spans, 3 records, 0 problems"
    data = make_doc().to_dict()
    data["records"][0]["kind"] = "plan"
    write_lines(tmp_path / "gold" / "bad.jsonl", data, "{oops")
    assert run_cli("annotations", "validate", str(tmp_path / "gold")) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1] == "3 documents, 18 spans, 6 records, 3 problems"
    bad = tmp_path / "gold" / "bad.jsonl"
    assert lines[0].startswith(f"{bad}:1: {DOC_ID}: records[0].kind: 'plan' is not one of")
    assert lines[1].startswith(f"{bad}:2: ?: column 2: not valid JSON")


def test_cli_errors_are_one_line(tmp_path: Path, capsys) -> None:
    assert run_cli("annotations", "validate", str(tmp_path / "missing")) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"govie: error: {tmp_path / 'missing'}: no such file or folder"


@pytest.mark.parametrize("name", ["labelstudio", "doccano"])
def test_cli_export_then_import_gives_back_the_gold_file(tmp_path: Path, corpus: Path, capsys,
                                                         name: str) -> None:
    gold = tmp_path / "gold" / f"{DOC_ID}.jsonl"
    save_doc(GoldDoc.from_dict(standoff_dict()), gold)
    tool_file = tmp_path / f"tool.{name}"
    assert run_cli("annotations", "export", "--to", name, str(gold), str(tool_file),
                   "--corpus", str(corpus)) == 0
    assert TEXT in tool_file.read_text(encoding="utf-8")
    out = tmp_path / "imported"
    assert run_cli("annotations", "import", "--from", name, str(tool_file), str(out),
                   "--corpus", str(corpus)) == 0
    assert (out / f"{DOC_ID}.jsonl").read_text(encoding="utf-8") == gold.read_text(encoding="utf-8")
    assert capsys.readouterr().out.strip().splitlines()[-1] == "1 documents, 9 spans, 3 records, 0 problems"


def test_cli_export_docbin_and_import_reports_problems(tmp_path: Path, corpus: Path, capsys) -> None:
    gold = write_lines(tmp_path / "gold" / f"{DOC_ID}.jsonl", standoff_dict())
    assert run_cli("annotations", "export", "--to", "docbin", str(gold), str(tmp_path / "g.spacy"),
                   "--corpus", str(corpus)) == 0
    assert FORMATS["docbin"].import_docs(tmp_path / "g.spacy")[0].text == TEXT
    from govie.annotation import labelstudio
    task = labelstudio.doc_to_task(make_doc(id="team_2025"))
    del task["annotations"][0]["result"][2]["meta"]  # attributes of 6%—6.5% lost in the tool
    (tmp_path / "ls.json").write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "one.jsonl"
    assert run_cli("annotations", "import", "--from", "labelstudio", str(tmp_path / "ls.json"),
                   str(out), "--corpus", str(corpus)) == 1
    printed = capsys.readouterr().out
    assert "ls.json: task 0: team_2025: records[0].kind: must be a string, got null" in printed
    assert json.loads(out.read_text(encoding="utf-8"))["text"] == TEXT  # team text stays inline


# ---------------------------------------------------------------------------- corpus


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared (the corpus)")
def test_standoff_against_a_real_corpus_report(tmp_path: Path) -> None:
    reports = SHARED / "corpus" / "reports"
    text = (reports / "national_2020.txt").read_bytes().decode("utf-8")
    start = text.index("2020年")
    doc = GoldDoc("national_2020", 2020, "national", spans=[GoldSpan("s1", start, start + 5, "TIME")],
                  text_sha256=sha256_text(text))
    assert validate_docs([doc], reports) == []
    assert attach_text(doc, reports).text == text


@pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared (the corpus)")
def test_repository_gold_annotations_are_valid() -> None:
    folders = [REPO / "annotations" / name for name in ("gold", "double")]
    files = [p for folder in folders if folder.is_dir() for p in folder.rglob("*.jsonl")]
    if not files:
        pytest.skip("annotations/gold has no files yet")
    problems = [p for folder in folders if folder.is_dir()
                for p in validate_docs(folder, SHARED / "corpus" / "reports")]
    assert not problems, "\n".join(str(p) for p in problems[:20])
