"""govie.batch through ``govie extract``: resume, batching across files, failures, Parquet, workers.

No model: ``govie.load`` is replaced by ``batch_fakes.load`` (a module-level function, so
the ``--workers`` tests can send it to spawned worker processes).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import batch_fakes
import govie
from govie import batch, cli, config
from govie.export import CSV_COLUMNS

MANIFEST = config.BATCH_MANIFEST_NAME
FAILURES = config.BATCH_FAILURES_NAME

TEXTS = {
    "a_2024": "地区生产总值增长5%，工业增加值增长6%。\n",
    "b_2024": "社会消费品零售总额增长4.5%。\n",
    "c_2024": "居民收入增长3%。\n",
    "d_2024": "今年没有数字。\n",
}


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> list[batch_fakes.FakeExtractor]:
    """Patch ``govie.load``; the list holds every extractor loaded in this process."""
    loaded: list[batch_fakes.FakeExtractor] = []

    def load(path: Any = None, **kwargs: Any) -> batch_fakes.FakeExtractor:
        loaded.append(batch_fakes.load(path, **kwargs))
        return loaded[-1]

    monkeypatch.setattr(govie, "load", load)
    return loaded


def make_reports(folder: Path, texts: dict[str, Any] = TEXTS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for stem, text in texts.items():
        path = folder / f"{stem}.txt"
        path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text, encoding="utf-8")
    return folder


def outputs(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def manifest(folder: Path) -> dict[str, dict[str, Any]]:
    lines = (folder / MANIFEST).read_text(encoding="utf-8").splitlines()
    return {e["output"]: e for e in map(json.loads, lines)}


def summary_line(err: str) -> str:
    return next(line for line in err.splitlines() if line.startswith("govie: extract "))


def extract(*args: str) -> int:
    return cli.main(["extract", *args])


# -- resume -------------------------------------------------------------------------------


def test_resume_skips_done_files_and_redoes_changed_ones(
    fake: list, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, out = make_reports(tmp_path / "in"), tmp_path / "out"
    assert extract(str(src), "-o", str(out)) == 0
    assert outputs(out) == ["a_2024.jsonl", "b_2024.jsonl", "c_2024.jsonl", "d_2024.jsonl"]
    assert "4 files: 4 done, 0 skipped (already done), 0 failed; 4 records written" in capsys.readouterr().err
    entry = manifest(out)["a_2024.jsonl"]
    assert entry["input"] == str((src / "a_2024.txt").resolve()) and entry["records"] == 2
    assert entry["size"] == (src / "a_2024.txt").stat().st_size and entry["mtime"] > 0
    assert len(entry["sha256"]) == 64 and entry["output_bytes"] == (out / "a_2024.jsonl").stat().st_size
    assert manifest(out)["d_2024.jsonl"]["records"] == 0
    assert (out / "d_2024.jsonl").read_text(encoding="utf-8") == ""

    # Nothing changed: nothing is read by a model, nothing is loaded.
    assert extract(str(src), "-o", str(out)) == 0
    assert "0 done, 4 skipped (already done)" in capsys.readouterr().err
    assert len(fake) == 1

    # b edited, a only touched (same bytes), c's output deleted: b and c are redone.
    (src / "b_2024.txt").write_text("社会消费品零售总额增长9%。\n", encoding="utf-8")
    os.utime(src / "a_2024.txt", (1, 1))
    (out / "c_2024.jsonl").unlink()
    assert extract(str(src), "-o", str(out)) == 0
    assert "2 done, 2 skipped (already done), 0 failed" in capsys.readouterr().err
    assert fake[-1].calls == [["b_2024", "c_2024"]]
    assert json.loads((out / "b_2024.jsonl").read_text(encoding="utf-8"))["value"]["number"] == 9.0
    assert manifest(out)["b_2024.jsonl"]["sha256"] == batch.fingerprint(src / "b_2024.txt").sha256
    assert len((out / MANIFEST).read_text(encoding="utf-8").splitlines()) == 4  # compacted: one per output

    # A torn manifest line (power cut mid-append) is ignored, not fatal.
    with open(out / MANIFEST, "a", encoding="utf-8") as fh:
        fh.write('{"output": "a_2024.js')
    assert extract(str(src), "-o", str(out)) == 0
    assert "0 done, 4 skipped" in capsys.readouterr().err
    assert len((out / MANIFEST).read_text(encoding="utf-8").splitlines()) == 4

    assert extract(str(src), "-o", str(out), "--no-resume") == 0
    assert "4 done, 0 skipped" in capsys.readouterr().err


def test_output_with_wrong_size_or_format_is_redone(fake: list, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    src, out = make_reports(tmp_path / "in"), tmp_path / "out"
    assert extract(str(src), "-o", str(out)) == 0
    (out / "a_2024.jsonl").write_text("{}\n", encoding="utf-8")  # hand-edited / truncated
    assert extract(str(src), "-o", str(out)) == 0
    assert "1 done, 3 skipped" in capsys.readouterr().err
    assert extract(str(src), "-o", str(out), "--format", "csv") == 0  # a csv is a new output
    assert "4 done, 0 skipped" in capsys.readouterr().err
    assert len(outputs(out)) == 8


# -- batching across files ------------------------------------------------------------------


def test_texts_of_several_files_share_one_model_call(fake: list, tmp_path: Path) -> None:
    src = make_reports(tmp_path / "in")
    assert extract(str(src), "-o", str(tmp_path / "o1"), "--files-per-batch", "3") == 0
    assert fake[-1].calls == [["a_2024", "b_2024", "c_2024"], ["d_2024"]]
    assert extract(str(src), "-o", str(tmp_path / "o2")) == 0  # default: up to BATCH_FILES_PER_BATCH
    assert fake[-1].calls == [["a_2024", "b_2024", "c_2024", "d_2024"]]


def test_make_chunks_gives_every_worker_work() -> None:
    files = [(i, Path(f"{i}.txt")) for i in range(10)]
    assert [len(c) for c in batch.make_chunks(files, 8, 1)] == [8, 2]
    assert [len(c) for c in batch.make_chunks(files, 8, 2)] == [5, 5]
    assert [len(c) for c in batch.make_chunks(files, 3, 2)] == [3, 3, 3, 1]
    assert [i for c in batch.make_chunks(files, 4, 3) for i, _ in c] == list(range(10))
    assert batch.make_chunks([], 8, 2) == []


def test_in_order_restores_input_order() -> None:
    results = [batch.FileResult(i, Path(f"{i}.txt")) for i in (2, 0, 3, 1)]
    assert [r.index for r in batch.in_order(results)] == [0, 1, 2, 3]


# -- failures ---------------------------------------------------------------------------------


def test_bad_files_are_reported_and_the_others_written(
    fake: list, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = {**TEXTS, "e_binary": b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "f_empty": b"",
             "g_breaks": f"财政收入增长2%。{batch_fakes.BREAKS_MODEL}\n"}
    src, out = make_reports(tmp_path / "in", texts), tmp_path / "out"
    assert extract(str(src), str(tmp_path / "missing"), "-o", str(out)) == 1
    # the model error broke the shared call; every text was then retried alone
    assert outputs(out) == ["a_2024.jsonl", "b_2024.jsonl", "c_2024.jsonl", "d_2024.jsonl"]
    err = capsys.readouterr().err
    assert "8 files: 4 done, 0 skipped (already done), 4 failed; 4 records written" in summary_line(err)
    errors = [line for line in err.splitlines() if line.startswith("govie: error: ")]
    assert len(errors) == 4
    assert errors[0] == f"govie: error: {tmp_path / 'missing'}: no such file or folder"
    assert any(f"e_binary.txt: binary file, not text (NUL byte at byte" in e for e in errors)
    assert any(f"{src / 'f_empty.txt'}: file is empty" in e for e in errors)
    assert any("g_breaks.txt: model error: RuntimeError: index out of range" in e for e in errors)
    rows = [line.split("\t") for line in (out / FAILURES).read_text(encoding="utf-8").splitlines()]
    assert rows[0] == ["input", "reason"] and len(rows) == 5
    assert [str(src / "f_empty.txt"), "file is empty"] in rows
    assert set(manifest(out)) == {"a_2024.jsonl", "b_2024.jsonl", "c_2024.jsonl", "d_2024.jsonl"}

    # failed inputs are retried; once none fails, the stale failure list goes
    for name in ("e_binary.txt", "f_empty.txt", "g_breaks.txt"):
        (src / name).write_text("外贸增长1%。", encoding="utf-8")
    assert extract(str(src), "-o", str(out)) == 0
    assert "3 done, 4 skipped (already done), 0 failed" in capsys.readouterr().err
    assert not (out / FAILURES).exists()


def test_run_returns_the_summary(fake: list, tmp_path: Path) -> None:
    src = make_reports(tmp_path / "in", {**TEXTS, "e_empty": b""})
    files, failures = batch.collect_inputs([str(src)])
    options = batch.BatchOptions(folder=tmp_path / "out", files_per_batch=2)
    summary = batch.run(files, options, failures=failures, progress=False)
    assert (summary.total, summary.done, summary.skipped, summary.failed, summary.records) == (5, 4, 0, 1, 4)
    assert summary.exit_status == 1 and summary.failures_file == tmp_path / "out" / FAILURES
    assert summary.failures[0].reason == "file is empty"
    again = batch.run(files, options, progress=False)
    assert (again.done, again.skipped, again.failed) == (0, 4, 1)


def test_interrupt_keeps_finished_files_and_a_consistent_manifest(
    fake: list, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = dict(TEXTS, c_2024=f"居民收入增长3%。{batch_fakes.INTERRUPTS}")
    src, out = make_reports(tmp_path / "in", texts), tmp_path / "out"
    assert extract(str(src), "-o", str(out), "--files-per-batch", "1") == 130
    assert outputs(out) == ["a_2024.jsonl", "b_2024.jsonl"]
    assert set(manifest(out)) == {"a_2024.jsonl", "b_2024.jsonl"}
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == []
    line = summary_line(capsys.readouterr().err)
    assert line.startswith("govie: extract interrupted: 4 files: 2 done") and "2 not finished" in line

    (src / "c_2024.txt").write_text(TEXTS["c_2024"], encoding="utf-8")
    assert extract(str(src), "-o", str(out)) == 0
    assert "2 done, 2 skipped (already done)" in capsys.readouterr().err
    assert fake[-1].calls == [["c_2024", "d_2024"]]


# -- formats ----------------------------------------------------------------------------------


def test_parquet_per_file_and_one_file_round_trip(fake: list, tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    src, out = make_reports(tmp_path / "in"), tmp_path / "out"
    assert extract(str(src), "-o", str(out), "--format", "parquet", "--year", "2024") == 0
    assert outputs(out) == [f"{s}.parquet" for s in TEXTS]
    a = pd.read_parquet(out / "a_2024.parquet")
    assert list(a.columns) == list(CSV_COLUMNS)
    assert a["value_number"].tolist() == [5.0, 6.0] and a["indicator_text"].tolist() == ["地区生产总值", "工业增加值"]
    assert a["doc"].tolist() == ["a_2024"] * 2 and a["year"].tolist() == [2024, 2024]
    text = (src / "a_2024.txt").read_text(encoding="utf-8")
    assert [text[s:e] for s, e in zip(a["value_start"], a["value_end"])] == ["5%", "6%"]
    empty = pd.read_parquet(out / "d_2024.parquet")
    assert len(empty) == 0 and list(empty.columns) == list(CSV_COLUMNS)
    folder = pd.read_parquet(out)  # the hidden manifest is not read as data
    assert len(folder) == 4

    one = tmp_path / "all.parquet"  # format from the suffix
    assert extract(str(src), "-o", str(one), "--year", "2024") == 0
    table = pd.read_parquet(one)
    assert table["doc"].tolist() == ["a_2024", "a_2024", "b_2024", "c_2024"]
    jsonl = tmp_path / "all.jsonl"
    assert extract(str(src), "-o", str(jsonl), "--year", "2024") == 0
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    expected = govie.to_dataframe(records)
    assert table.astype(object).where(table.notna(), None).values.tolist() == \
        expected.astype(object).where(expected.notna(), None).values.tolist()


def test_parquet_without_pyarrow_is_one_clear_line(
    fake: list, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "pyarrow", None)
    src = make_reports(tmp_path / "in")
    assert extract(str(src), "-o", str(tmp_path / "out"), "--format", "parquet") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs the pyarrow package" in err
    assert fake == [] and not (tmp_path / "out").exists()


def test_parquet_to_stdout_is_refused(fake: list, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = make_reports(tmp_path / "in")
    assert extract(str(src), "--format", "parquet") == 2
    assert "give -o FILE or -o DIR" in capsys.readouterr().err and fake == []


def test_to_dataframe_has_the_csv_columns() -> None:
    pytest.importorskip("pandas")
    records = batch_fakes.records_of("地区生产总值增长5%，财政收入增长2%。", 2024)
    frame = govie.to_dataframe(records)
    assert list(frame.columns) == list(CSV_COLUMNS) and len(frame) == 2
    assert frame["value_number"].tolist() == [5.0, 2.0] and frame["policy_area_label"].tolist() == ["economy"] * 2
    assert list(govie.to_dataframe([r.to_dict() for r in records]).columns) == list(CSV_COLUMNS)
    assert list(govie.to_dataframe([]).columns) == list(CSV_COLUMNS)


# -- workers ----------------------------------------------------------------------------------


def test_two_workers_give_the_same_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = {f"r{i}_2024": f"指标{'一二三四五六'[i]}增长{i}%。\n" for i in range(6)}
    src = make_reports(tmp_path / "in", texts)
    log = tmp_path / "loads"
    log.mkdir()
    monkeypatch.setenv(batch_fakes.LOG_ENV, str(log))
    monkeypatch.setattr(govie, "load", batch_fakes.load)
    assert extract(str(src), "-o", str(tmp_path / "one"), "--files-per-batch", "1") == 0
    assert extract(str(src), "-o", str(tmp_path / "two"), "--files-per-batch", "1", "--workers", "2") == 0
    assert outputs(tmp_path / "two") == [f"{s}.jsonl" for s in texts]
    for name in outputs(tmp_path / "one"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert set(manifest(tmp_path / "two")) == set(outputs(tmp_path / "two"))
    pids = {int(p.name) for p in log.iterdir()}
    assert len(pids) == 3 and os.getpid() in pids  # one in-process load, one per worker
    capsys.readouterr()

    # a stream keeps input order whichever worker finishes first
    assert extract(str(src), "--workers", "2", "--files-per-batch", "1") == 0
    docs = [json.loads(line)["doc"] for line in capsys.readouterr().out.splitlines()]
    assert docs == list(texts)


def test_a_crashed_worker_fails_only_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = {f"r{i}_2024": f"指标{'一二三四'[i]}增长{i}%。\n" for i in range(4)}
    texts["r1_2024"] += batch_fakes.CRASHES_WORKER
    src, out = make_reports(tmp_path / "in", texts), tmp_path / "out"
    monkeypatch.setenv(batch_fakes.PARENT_ENV, str(os.getpid()))
    monkeypatch.setattr(govie, "load", batch_fakes.load_crashing)
    monkeypatch.setattr(config, "BATCH_CHUNKS_IN_FLIGHT_PER_WORKER", 1)
    assert extract(str(src), "-o", str(out), "--files-per-batch", "1", "--workers", "2") == 1
    err = capsys.readouterr().err
    assert "r1_2024.txt: the worker process died on this file" in err
    assert "4 files: 3 done, 0 skipped (already done), 1 failed" in summary_line(err)
    # whatever was in flight with it was retried alone by a fresh pool
    assert outputs(out) == ["r0_2024.jsonl", "r2_2024.jsonl", "r3_2024.jsonl"]
    assert set(manifest(out)) == set(outputs(out))


def test_worker_load_error_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(govie, "load", batch_fakes.load_broken)
    src = make_reports(tmp_path / "in")
    assert extract(str(src), "-o", str(tmp_path / "out"), "--workers", "2", "--model", "m") == 2
    assert capsys.readouterr().err == "govie: error: m: not a govie NER model (no govie_ner.json)\n"


def test_workers_need_an_importable_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(govie, "load", lambda path=None, **kw: batch_fakes.FakeExtractor())
    src = make_reports(tmp_path / "in")
    assert extract(str(src), "-o", str(tmp_path / "out"), "--workers", "2") == 2
    assert "cannot be sent to worker processes" in capsys.readouterr().err
