"""Annotating a corpus report end to end: draft -> edit the sheet -> apply -> validate.

``draft``  runs the rule-based pre-annotator (or, with ``--model``, a trained model) on a
           corpus report and writes a review sheet;
``apply``  reads the edited sheet and writes the stand-off gold file
           ``annotations/gold/<doc_id>.jsonl`` (no report text, only ``text_sha256``).
Both are exposed as ``govie annotations draft|apply``; ``python -m govie.annotation.workflow``
offers the same for annotators working before the package is installed.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any, Optional

from govie.annotation.preannotate import preannotate
from govie.annotation.sheet import read_sheet, write_sheet
from govie.annotation.schema import sha256_text
from govie.config import DEFAULT_ANNOTATIONS_DIR, DEFAULT_CORPUS_DIR
from govie.errors import GovieError
from govie.io import atomic_write_text

DEFAULT_CORPUS = Path(DEFAULT_CORPUS_DIR)
DEFAULT_GOLD = Path(DEFAULT_ANNOTATIONS_DIR) / "gold"


def _manifest(corpus: Path) -> dict[str, dict[str, str]]:
    path = corpus.parent / "MANIFEST.tsv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {Path(row["file"]).stem: row for row in csv.DictReader(fh, delimiter="\t")}


def corpus_doc(doc_id: str, corpus: Path = DEFAULT_CORPUS) -> tuple[str, Optional[int], Optional[str]]:
    """(text, year, level) of a corpus report, year/level from MANIFEST.tsv when present."""
    path = corpus / f"{doc_id}.txt"
    if not path.exists():
        raise GovieError(f"{path}: no such corpus report")
    text = path.read_text(encoding="utf-8")
    row = _manifest(corpus).get(doc_id, {})
    year = int(row["year"]) if row.get("year") else None
    return text, year, row.get("level")


def _stand_off(doc: dict[str, Any], text: str, annotator: str) -> dict[str, Any]:
    """``doc`` as a stand-off gold file names its report: no text, its sha256 instead."""
    return {**doc, "text_sha256": sha256_text(text), "annotator": annotator, "source": "corpus"}


def draft(doc_id: str, out: Path, corpus: Path = DEFAULT_CORPUS,
          model: Optional[Path] = None, draft_json: Optional[Path] = None) -> dict[str, Any]:
    """Write the review sheet of a corpus report, drafted by the rules or, with ``model``
    (a trained govie model directory), by that model. ``draft_json``: also keep the draft
    itself as a stand-off gold-format file, so that ``govie annotations agree DRAFT GOLD``
    can later measure how much the annotator changed."""
    text, year, level = corpus_doc(doc_id, corpus)
    if model is None:
        doc = preannotate(text, doc_id=doc_id, year=year, level=level)
    else:
        from govie.annotation.modeldraft import analysis_to_gold
        from govie.pipeline import Extractor

        analysis = Extractor.load(model).analyze(text, year=year, doc_id=doc_id)
        doc = analysis_to_gold(analysis, doc_id=doc_id, year=year, level=level)
    atomic_write_text(out, write_sheet(text, doc))
    if draft_json is not None:
        source = "model-draft" if model is not None else "rule-draft"
        atomic_write_text(draft_json, json.dumps(_stand_off(doc, text, source), ensure_ascii=False) + "\n")
    return doc


def apply(sheet_path: Path, doc_id: str, corpus: Path = DEFAULT_CORPUS,
          gold_dir: Path = DEFAULT_GOLD, annotator: str = "unknown", out: Optional[Path] = None) -> Path:
    text, year, level = corpus_doc(doc_id, corpus)
    doc = read_sheet(sheet_path.read_text(encoding="utf-8"), text, doc_id=doc_id, year=year,
                     level=level, source=str(sheet_path))
    target = out or gold_dir / f"{doc_id}.jsonl"
    atomic_write_text(target, json.dumps(_stand_off(doc, text, annotator), ensure_ascii=False) + "\n")
    return target


def cmd_draft(args: argparse.Namespace) -> int:
    doc = draft(args.doc_id, args.out, args.corpus, args.model, args.draft_json)
    print(f"{args.out}: {len(doc['records'])} draft records")
    return 0


def cmd_apply(args: argparse.Namespace) -> int:
    path = apply(args.sheet, args.doc_id, args.corpus, annotator=args.annotator, out=args.out)
    print(f"wrote {path}")
    return 0


def add_commands(commands) -> None:
    """Add ``draft`` and ``apply`` to a sub-parser set (``govie annotations`` and ``__main__``)."""
    d = commands.add_parser("draft", help="pre-annotate a corpus report into a review sheet")
    d.add_argument("doc_id")
    d.add_argument("--out", type=Path, required=True)
    d.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    d.add_argument("--model", type=Path, default=None,
                   help="draft with this trained govie model instead of the rules "
                        "(review every record: a model draft anchors the annotator)")
    d.add_argument("--draft-json", type=Path, default=None,
                   help="also write the draft as a stand-off gold-format file, for "
                        "'govie annotations agree DRAFT GOLD' after correction")
    d.set_defaults(func=cmd_draft)
    a = commands.add_parser("apply", help="turn an edited sheet into annotations/gold/<doc_id>.jsonl")
    a.add_argument("sheet", type=Path)
    a.add_argument("doc_id")
    a.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    a.add_argument("--annotator", default="unknown")
    a.add_argument("--out", type=Path, default=None)
    a.set_defaults(func=cmd_apply)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m govie.annotation.workflow")
    add_commands(parser.add_subparsers(dest="cmd", required=True))
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except GovieError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
