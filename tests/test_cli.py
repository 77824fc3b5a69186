"""govie.cli / govie.cli_extract / govie.export, with a fake extractor (no model)."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

import pytest

import govie
from govie import cli
from govie.errors import ModelError
from govie.export import CSV_COLUMNS, flatten, record_to_row
from govie.records import PolicyArea, Quantity, Record, Span, Value

SRC = Path(__file__).resolve().parents[1] / "src"


class FakeExtractor:
    """One record per text: the first number with its unit, the phrase before it."""

    def __init__(self) -> None:
        self.calls: list[Optional[int]] = []
        self.batch_sizes: list[int] = []

    def extract_many(self, texts: list[str], *, batch_size: int = 16, years: Any = None,
                     doc_ids: Any = None) -> list[list[Record]]:
        self.batch_sizes.append(batch_size)
        years = years or [None] * len(texts)
        return [self.extract(t, year=y) for t, y in zip(texts, years)]

    def extract(self, text: str, *, year: Optional[int] = None, doc_id: Optional[str] = None) -> list[Record]:
        self.calls.append(year)
        m = re.search(r"([\u4e00-\u9fff]+?)增长(\d+(?:\.\d+)?)(%)", text)
        if m is None:
            return []
        value = Value(Span(m.start(2), m.end(3), "VALUE", m.group(2) + m.group(3)),
                      Quantity(float(m.group(2)), "%", "exact"))
        indicator = Span(m.start(1), m.end(1), "INDICATOR", m.group(1))
        area = PolicyArea("economy", Span(m.start(1), m.end(1), "DOMAIN", m.group(1)))
        return [Record(value=value, indicator=indicator, year=year, policy_area=area, change="growth")]


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeExtractor:
    extractor = FakeExtractor()
    loads: list[Any] = []

    def load(path: Any = None, **kwargs: Any) -> FakeExtractor:
        loads.append((path, kwargs))
        return extractor

    monkeypatch.setattr(govie, "load", load)
    extractor.loads = loads  # type: ignore[attr-defined]
    return extractor


def outputs(folder: Path) -> list[str]:
    """Output files of a folder, without govie's hidden manifest and failure list."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_2025.txt").write_text("地区生产总值增长5%。\n", encoding="utf-8")
    (folder / "b_2025.txt").write_bytes("工业增加值增长7.5%。\r\n".encode("gb18030"))
    return folder


def test_extract_jsonl_to_stdout(fake: FakeExtractor, reports: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = reports / "a_2025.txt"
    assert cli.main(["extract", str(path), "--year", "2025"]) == 0
    out = capsys.readouterr().out
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 1
    rec = records[0]
    assert rec["doc"] == "a_2025" and rec["year"] == 2025 and rec["change"] == "growth"
    text = path.read_text(encoding="utf-8")
    assert text[rec["value"]["start"]:rec["value"]["end"]] == rec["value"]["text"] == "5%"
    assert "地区生产总值" in out  # UTF-8 kept, not \\u escapes
    assert fake.calls == [2025]


def test_extract_folder_csv_to_stdout(fake: FakeExtractor, reports: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["extract", str(reports), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["doc"] for r in rows] == ["a_2025", "b_2025"]  # sorted, one header
    assert rows[1]["value_number"] == "7.5" and rows[1]["value_unit"] == "%"
    assert rows[1]["indicator_text"] == "工业增加值" and rows[1]["policy_area_label"] == "economy"
    assert rows[1]["time_text"] == "" and rows[1]["year"] == ""
    assert len(fake.loads) == 1  # loaded once for all files


def test_extract_to_one_file_concatenates(fake: FakeExtractor, reports: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    assert cli.main(["extract", str(reports / "a_2025.txt"), str(reports / "b_2025.txt"), "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",") == list(CSV_COLUMNS)  # format from the suffix
    assert len(lines) == 3


def test_extract_one_input_to_named_file(fake: FakeExtractor, reports: Path, tmp_path: Path) -> None:
    out = tmp_path / "result"
    assert cli.main(["extract", str(reports / "a_2025.txt"), "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["doc"] == "a_2025"


def test_extract_to_folder_with_a_bad_file(
    fake: FakeExtractor, reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (reports / "c_bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    out = tmp_path / "out"
    status = cli.main(["extract", str(reports), "-o", str(out), "--batch-size", "4"])
    assert status == 1
    assert outputs(out) == ["a_2025.jsonl", "b_2025.jsonl"]
    assert json.loads((out / "b_2025.jsonl").read_text(encoding="utf-8"))["value"]["number"] == 7.5
    err = capsys.readouterr().err.strip().splitlines()
    assert "3 files: 2 done, 0 skipped (already done), 1 failed" in err[0]
    errors = [line for line in err if line.startswith("govie: error:")]
    assert len(errors) == 1 and "c_bad.txt: binary file" in errors[0]
    assert fake.loads == [(None, {})]
    # --batch-size reaches the model; both readable files share one extract_many call
    assert fake.batch_sizes == [4]


def test_extract_existing_folder_single_input_csv(fake: FakeExtractor, reports: Path, tmp_path: Path) -> None:
    out = tmp_path / "existing"
    out.mkdir()
    assert cli.main(["extract", str(reports / "b_2025.txt"), "-o", str(out), "--format", "csv"]) == 0
    assert (out / "b_2025.csv").read_text(encoding="utf-8").startswith("doc,indicator_text,")


def test_trailing_slash_means_folder(fake: FakeExtractor, reports: Path, tmp_path: Path) -> None:
    out = tmp_path / "new"
    assert cli.main(["extract", str(reports / "a_2025.txt"), "-o", f"{out}/"]) == 0
    assert outputs(out) == ["a_2025.jsonl"]


def test_missing_path_reported_others_continue(
    fake: FakeExtractor, reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = cli.main(["extract", str(tmp_path / "nope.txt"), str(reports / "a_2025.txt")])
    captured = capsys.readouterr()
    assert status == 1
    assert "nope.txt" in captured.err and len(captured.out.splitlines()) == 1


def test_no_inputs_at_all(fake: FakeExtractor, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["extract", str(tmp_path / "nope.txt")]) == 2
    assert "no input files" in capsys.readouterr().err
    assert fake.loads == []  # no model load for nothing


def test_model_error_is_one_line(monkeypatch: pytest.MonkeyPatch, reports: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def load(path: Any = None, **kwargs: Any) -> None:
        raise ModelError("models/x: no model.safetensors here")

    monkeypatch.setattr(govie, "load", load)
    assert cli.main(["extract", str(reports)]) == 2
    err = capsys.readouterr().err
    assert err == "govie: error: models/x: no model.safetensors here\n"


def test_interrupt_keeps_old_output(monkeypatch: pytest.MonkeyPatch, reports: Path, tmp_path: Path) -> None:
    class Interrupted(FakeExtractor):
        def extract(self, text: str, *, year: Optional[int] = None, doc_id: Optional[str] = None) -> list[Record]:
            if "工业" in text:
                raise KeyboardInterrupt
            return super().extract(text, year=year)

    monkeypatch.setattr(govie, "load", lambda path=None, **kw: Interrupted())
    out = tmp_path / "all.jsonl"
    out.write_text("old\n", encoding="utf-8")
    assert cli.main(["extract", str(reports), "-o", str(out)]) == 130
    assert out.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_same_stem_in_folder_mode_refused(fake: FakeExtractor, reports: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    (reports / "sub").mkdir()
    (reports / "sub" / "a_2025.txt").write_text("增长1%。", encoding="utf-8")
    assert cli.main(["extract", str(reports), "-o", str(tmp_path / "out")]) == 2
    assert "a_2025" in capsys.readouterr().err


def test_unavailable_command_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(cli.COMMANDS, "bogus", "govie.no_such_module:register")
    assert cli.main(["bogus"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("govie: error: the 'bogus' command is not available") and err.count("\n") == 1


def test_usage_errors_and_no_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    assert cli.main(["extract"]) == 2  # PATH is required
    assert cli.main(["extract", "x.txt", "--batch-size", "0"]) == 2
    assert "usage: govie" in capsys.readouterr().err


def test_help_does_not_import_torch() -> None:
    code = (
        "import sys\n"
        "from govie.cli import main\n"
        "assert main(['--help']) == 0\n"
        "assert main(['extract', '--help']) == 0\n"
        "assert main(['--version']) == 0\n"
        "heavy = [m for m in ('torch', 'transformers', 'datasets', 'spacy') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stdout
    for name in cli.COMMANDS:
        assert name in done.stdout  # every subcommand listed in --help
    assert "--batch-size" in done.stdout and f"govie {govie.__version__}" in done.stdout


# --- export ----------------------------------------------------------------------------


def full_record() -> Record:
    return Record(
        value=Value(Span(5, 9, "VALUE", "5%左右"), Quantity(5.0, "%", "about", 5.0, 5.0)),
        indicator=Span(0, 5, "INDICATOR", "地区生产总值"),
        time=Span(10, 15, "TIME", "2025年"),
        year=2025, year_start=None,
        policy_area=PolicyArea("economy", Span(0, 5, "DOMAIN", "地区生产总值")),
        change="growth", kind="target", score=0.9, doc="x",
    )


def test_csv_columns_cover_the_record_contract() -> None:
    data = full_record().to_dict()
    assert set(flatten(data)) == set(CSV_COLUMNS), "Record.to_dict changed: update export.CSV_COLUMNS"
    row = record_to_row(data)
    assert list(row) == list(CSV_COLUMNS)
    assert row["value_number"] == 5.0 and row["value_qualifier"] == "about"
    assert row["time_text"] == "2025年" and row["policy_area_label"] == "economy" and row["score"] == 0.9


def test_record_to_row_with_missing_parts() -> None:
    data = full_record().to_dict()
    data["indicator"] = None
    data["policy_area"] = None
    row = record_to_row(data)
    assert row["indicator_text"] is None and row["policy_area_label"] is None
    assert row["value_text"] == "5%左右"
