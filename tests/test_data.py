"""``govie.data``: gold folder + split file -> DatasetDict, and every refusal it makes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from govie.annotation.schema import GoldDoc, GoldRecord, GoldSpan, save_doc, sha256_text
from govie.data import FEATURES, load_annotations, read_splits
from govie.errors import AnnotationError

DOC_ID = "testcity_2025"
# Sentences written for this test, not taken from any report.
TEXT = "今年全市地区生产总值增长6%—6.5%。教育方面，新建中小学校12所。"


def make_doc(**changes) -> GoldDoc:
    def span(span_id: str, piece: str, label: str) -> GoldSpan:
        start = TEXT.index(piece)
        return GoldSpan(span_id, start, start + len(piece), label)

    spans = [span("s1", "今年", "TIME"), span("s2", "地区生产总值", "INDICATOR"),
             span("s3", "6%—6.5%", "VALUE"), span("s4", "教育", "DOMAIN"),
             span("s5", "中小学校", "INDICATOR"), span("s6", "12所", "VALUE")]
    records = [
        GoldRecord(indicator="s2", value="s3", time="s1", number=6, unit="%", qualifier="range",
                   low=6, high=6.5, change="growth", year=2025, policy_area="economy", kind="target"),
        GoldRecord(indicator="s5", value="s6", domain="s4", number=12, unit="所", qualifier="exact",
                   change="increment", year=2025, policy_area="social", kind="target"),
    ]
    fields = dict(id=DOC_ID, year=2025, level="city", spans=spans, records=records, text=TEXT,
                  annotator="tester")
    fields.update(changes)
    return GoldDoc(**fields)

COLUMNS = ["id", "year", "level", "text", "spans", "records"]


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    """annotations/ with three documents (one stand-off against a corpus) and a split file."""
    root = tmp_path / "annotations"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / f"{DOC_ID}.txt").write_bytes(TEXT.encode("utf-8"))
    save_doc(make_doc(text=None, text_sha256=sha256_text(TEXT), source="corpus"),
             root / "gold" / f"{DOC_ID}.jsonl")
    save_doc(make_doc(id="team_a_2025"), root / "gold" / "team_a_2025.jsonl")
    save_doc(make_doc(id="team_b_2025", annotator=None), root / "gold" / "team_b_2025.jsonl")
    (root / "splits.tsv").write_text(
        "# which document trains, tunes, tests\ndoc_id\tsplit\n"
        f"{DOC_ID}\ttrain\nteam_a_2025\ttrain  # inline note\n\nteam_b_2025\ttest\n",
        encoding="utf-8")
    return root, corpus


def test_load_annotations_builds_the_splits(tree: tuple[Path, Path]) -> None:
    root, corpus = tree
    data = load_annotations(root, corpus=corpus)
    assert list(data) == ["train", "dev", "test"]
    assert [len(data[name]) for name in data] == [2, 0, 1]
    for name in data:
        assert data[name].column_names == COLUMNS
        assert data[name].features == FEATURES
    assert data["train"]["id"] == ["team_a_2025", DOC_ID]  # sorted by id within a split
    row = data["train"][1]
    assert row["id"] == DOC_ID and row["text"] == TEXT and row["year"] == 2025
    assert row["spans"][2] == {"start": 12, "end": 19, "label": "VALUE"}
    first, second = row["records"][0], row["records"][1]
    assert first["value"] == {"start": 12, "end": 19, "text": "6%—6.5%"}
    assert first["indicator"]["text"] == "地区生产总值" and first["domain"] is None
    assert (first["qualifier"], first["low"], first["high"]) == ("range", 6.0, 6.5)
    assert second["time"] is None and second["domain"]["text"] == "教育"
    assert data["test"][0]["id"] == "team_b_2025"


def test_invalid_gold_is_refused_with_positions(tree: tuple[Path, Path]) -> None:
    root, corpus = tree
    path = root / "gold" / "team_a_2025.jsonl"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["records"][0]["change"] = "up"
    path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(AnnotationError) as caught:
        load_annotations(root, corpus=corpus)
    assert f"{path}:1: team_a_2025: records[0].change: 'up' is not one of" in str(caught.value)


def test_broken_json_names_file_and_line(tree: tuple[Path, Path]) -> None:
    root, corpus = tree
    path = root / "gold" / "team_a_2025.jsonl"
    path.write_text('{"id": "team_a_2025",\n', encoding="utf-8")
    with pytest.raises(AnnotationError, match=rf"^{path}:1: column \d+: not valid JSON"):
        load_annotations(root, corpus=corpus)


def test_corpus_sha_mismatch_is_refused(tree: tuple[Path, Path]) -> None:
    root, corpus = tree
    (corpus / f"{DOC_ID}.txt").write_bytes((TEXT + "补充。").encode("utf-8"))
    with pytest.raises(AnnotationError, match=rf"{DOC_ID}: text_sha256: .* does not match"):
        load_annotations(root, corpus=corpus)


def test_gold_and_split_file_must_agree(tree: tuple[Path, Path]) -> None:
    root, corpus = tree
    save_doc(make_doc(id="stray_2025"), root / "gold" / "stray_2025.jsonl")
    with pytest.raises(AnnotationError, match="gold documents not in any split: stray_2025$"):
        load_annotations(root, corpus=corpus)
    (root / "gold" / "stray_2025.jsonl").unlink()
    with (root / "splits.tsv").open("a", encoding="utf-8") as handle:
        handle.write("ghost_2025\tdev\n")
    with pytest.raises(AnnotationError, match="listed but no gold file .*: ghost_2025$"):
        load_annotations(root, corpus=corpus)


def test_explicit_split_file_and_missing_gold_folder(tree: tuple[Path, Path], tmp_path: Path) -> None:
    root, corpus = tree
    other = tmp_path / "other.tsv"
    other.write_text(f"{DOC_ID}\tdev\nteam_a_2025\tdev\nteam_b_2025\tdev\n", encoding="utf-8")
    assert [len(part) for part in load_annotations(root, corpus, splits=other).values()] == [0, 3, 0]
    with pytest.raises(AnnotationError, match="no gold folder"):
        load_annotations(tmp_path / "nowhere")


@pytest.mark.parametrize("content,message", [
    ("a_2025\tvalidation\n", r":1: a_2025: split 'validation' is not one of train, dev, test"),
    ("a_2025\ttrain\n# x\na_2025\ttest\n", r":3: a_2025: already listed at line 1"),
    ("a_2025 train extra\n", r":1: expected doc_id<TAB>split, got 3 columns"),
])
def test_read_splits_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "splits.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AnnotationError, match=f"^{path}{message}$"):
        read_splits(path)


def test_read_splits_ok_and_missing(tmp_path: Path) -> None:
    path = tmp_path / "splits.tsv"
    path.write_text("# header comment\na_2025\ttrain\nb_2025\tdev\n", encoding="utf-8")
    assert read_splits(path) == {"a_2025": "train", "b_2025": "dev"}
    with pytest.raises(AnnotationError, match="split file not found"):
        read_splits(tmp_path / "none.tsv")
