"""govie.io: encoding detection, refusals with the file named, atomic writes."""
from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

import pytest

from govie import config
from govie.errors import InputError, OutputError
from govie.io import atomic_write_text, atomic_writer, iter_input_files, read_text

SENTENCE = "2025年地区生产总值增长5.5%左右，新增就业12万人。\r\n二、重点工作\n"
CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "reports"


@pytest.mark.parametrize(
    "bom, codec",
    [
        (b"", "utf-8"),
        (codecs.BOM_UTF8, "utf-8"),
        (b"", "gb18030"),
        (b"", "gbk"),
        (b"", "utf-16-le"),
        (b"", "utf-16-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_encodings_decode_to_the_same_text(tmp_path: Path, bom: bytes, codec: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(bom + SENTENCE.encode(codec))
    text = read_text(path)
    assert text == SENTENCE  # BOM gone, \r\n kept: offsets index exactly this
    assert "\ufeff" not in text


def test_utf16_with_few_ascii_characters(tmp_path: Path) -> None:
    text = "过去一年全省粮食产量达到六百万吨以上。\n"
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode("utf-16-le"))
    assert read_text(path) == text


def test_utf16_be_without_bom_and_mostly_cjk(tmp_path: Path) -> None:
    text = "一年来，全市一般公共预算收入一千亿元。"
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode("utf-16-be"))
    assert read_text(path) == text


def test_nuls_on_one_parity_but_not_text_refused(tmp_path: Path) -> None:
    path = tmp_path / "numbers.txt"
    path.write_bytes(b"".join(n.to_bytes(2, "little") for n in range(1, 200)))
    assert "binary" in _refusal(path)


def test_str_path_accepted(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("今年目标。", encoding="utf-8")
    assert read_text(str(path)) == "今年目标。"


def _refusal(path: Path) -> str:
    with pytest.raises(InputError) as info:
        read_text(path)
    message = str(info.value)
    assert str(path) in message and "\n" not in message
    return message


def test_empty_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert "empty" in _refusal(path)


def test_bom_only_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8)
    assert "empty" in _refusal(path)


def test_binary_file_refused_with_position(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    message = _refusal(path)
    assert "binary" in message and "byte 8" in message


def test_stray_nul_in_utf8_refused(tmp_path: Path) -> None:
    path = tmp_path / "nul.txt"
    data = "地区生产总值增长五个百分点".encode("utf-8")
    path.write_bytes(data + b"\x00" + data)
    message = _refusal(path)
    assert f"byte {len(data)}" in message


def test_undecodable_bytes_refused_with_position(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes("今年".encode("utf-8") + b"\xff\xfe\xfd")
    message = _refusal(path)
    assert "UTF-8" in message and "byte 6" in message


def test_too_large_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config, "MAX_INPUT_BYTES", 10)
    path = tmp_path / "big.txt"
    path.write_text("地区生产总值增长", encoding="utf-8")  # 24 bytes
    message = _refusal(path)
    assert "24 bytes" in message and "10" in message


def test_missing_file_refused(tmp_path: Path) -> None:
    assert "no such file" in _refusal(tmp_path / "nope.txt")


def test_directory_refused(tmp_path: Path) -> None:
    assert "folder" in _refusal(tmp_path)


def test_iter_input_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "b" / "c.TXT").write_text("x", encoding="utf-8")
    (tmp_path / "b" / "notes.md").write_text("x", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "d.txt").write_text("x", encoding="utf-8")
    found = iter_input_files([tmp_path])
    assert found == [tmp_path / "a.txt", tmp_path / "b" / "c.TXT"]
    # an explicitly named file counts whatever its suffix; duplicates are dropped
    both = iter_input_files([tmp_path / "b" / "notes.md", tmp_path, tmp_path / "a.txt"])
    assert both == [tmp_path / "b" / "notes.md", tmp_path / "a.txt", tmp_path / "b" / "c.TXT"]
    assert iter_input_files([tmp_path], suffixes=(".md",)) == [tmp_path / "b" / "notes.md"]


def test_iter_input_files_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing.txt: no such file"):
        iter_input_files([tmp_path / "missing.txt"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="empty: folder holds no .txt files"):
        iter_input_files([tmp_path / "empty"])


def test_atomic_write_replaces_and_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    atomic_write_text(path, "一\n")
    assert path.read_bytes() == "一\n".encode("utf-8")
    mode = stat.S_IMODE(path.stat().st_mode)
    assert mode & 0o044, "a new output must not be private (mkstemp's 0600)"
    os.chmod(path, 0o640)
    atomic_write_text(path, "二\r\n")
    assert path.read_bytes() == "二\r\n".encode("utf-8")  # no newline translation
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_atomic_write_keeps_old_file_on_failure(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_writer(path) as fh:
            fh.write("partial")
            raise RuntimeError("boom")
    assert path.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # temp removed


def test_atomic_write_binary(tmp_path: Path) -> None:
    path = tmp_path / "out.bin"
    with atomic_writer(path, binary=True) as fh:
        fh.write(b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"


def test_atomic_write_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        atomic_write_text(tmp_path / "no" / "out.txt", "x")


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared corpus not present")
def test_corpus_reports_read_exactly() -> None:
    files = sorted(CORPUS.glob("*.txt"))
    assert len(files) > 100
    for path in files:
        assert read_text(path) == path.read_bytes().decode("utf-8-sig"), path.name
