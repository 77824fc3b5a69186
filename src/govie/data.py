"""Gold annotations as a ``datasets.DatasetDict`` with the team's train/dev/test split.

Layout (decided for the project)::

    annotations/gold/<doc_id>.jsonl     one gold document per file (§5 format)
    annotations/splits.tsv              doc_id<TAB>split, split in train/dev/test, # comments

The loader refuses inconsistent data instead of training on it: the gold files are
validated first, every gold document must be in exactly one split and every split entry
must have gold, so that a forgotten line in ``splits.tsv`` cannot silently move a test
document into training. Corpus texts are read from the corpus folder and checked by
sha256; span ids are resolved to ``{start, end, text}`` so that consumers never need the
id table.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

from datasets import Dataset, DatasetDict, Features, Value

from govie import config
from govie.annotation.schema import (
    ATTRIBUTES, LINK_LABELS, GoldDoc, PathLike, attach_text, load_docs,
)
from govie.annotation.validate import summarize, validate_docs
from govie.errors import AnnotationError
from govie.layout import read

_SPAN_REF = {"start": Value("int32"), "end": Value("int32"), "text": Value("string")}
_ATTRIBUTE_TYPES = {
    "number": Value("float64"), "unit": Value("string"), "qualifier": Value("string"),
    "low": Value("float64"), "high": Value("float64"), "change": Value("string"),
    "year": Value("int32"), "year_start": Value("int32"), "policy_area": Value("string"),
    "kind": Value("string"),
}

#: Column types, fixed so that an empty split still has the full schema.
FEATURES = Features({
    "id": Value("string"),
    "year": Value("int32"),
    "level": Value("string"),
    "text": Value("string"),
    "spans": [{"start": Value("int32"), "end": Value("int32"), "label": Value("string")}],
    "records": [{**{name: _SPAN_REF for name in LINK_LABELS},
                 **{name: _ATTRIBUTE_TYPES[name] for name in ATTRIBUTES}}],
})

_HEADER = ("doc_id", "split")


def read_splits(path: PathLike) -> dict[str, str]:
    """``doc_id -> split`` from a split file; blank lines, ``#`` comments and a
    ``doc_id<TAB>split`` header line are skipped."""
    path = Path(path)
    try:
        lines = path.read_bytes().decode("utf-8-sig").splitlines()
    except FileNotFoundError:
        raise AnnotationError(f"{path}: split file not found (doc_id<TAB>split per line)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AnnotationError(f"{path}: cannot read: {exc}") from None
    splits: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        fields = content.split()
        if tuple(fields) == _HEADER and not splits:
            continue
        if len(fields) != 2:
            raise AnnotationError(f"{path}:{number}: expected doc_id<TAB>split, got {len(fields)} columns")
        doc_id, split = fields
        if split not in config.SPLITS:
            raise AnnotationError(
                f"{path}:{number}: {doc_id}: split {split!r} is not one of {', '.join(config.SPLITS)}")
        if doc_id in splits:
            raise AnnotationError(
                f"{path}:{number}: {doc_id}: already listed at line {first_line[doc_id]}")
        splits[doc_id] = split
        first_line[doc_id] = number
    return splits


def _names(ids: list[str]) -> str:
    shown = ", ".join(ids[:config.MAX_PROBLEMS_SHOWN])
    more = len(ids) - config.MAX_PROBLEMS_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def doc_to_row(doc: GoldDoc) -> dict[str, Any]:
    """One dataset row of a document whose text is attached."""
    text = doc.text or ""
    spans = doc.span_map()

    def ref(span_id: Optional[str]) -> Optional[dict[str, Any]]:
        if span_id is None:
            return None
        span = spans[span_id]
        return {"start": span.start, "end": span.end, "text": text[span.start:span.end]}

    records = []
    for record in doc.records:
        row = {name: ref(getattr(record, name)) for name in LINK_LABELS}
        row.update(record.attributes())
        records.append(row)
    return {
        "id": doc.id, "year": doc.year, "level": doc.level, "text": text,
        "spans": [{"start": s.start, "end": s.end, "label": s.label} for s in doc.spans],
        "records": records,
    }


def load_annotations(path: PathLike = "annotations", corpus: Optional[PathLike] = None,
                     splits: Optional[PathLike] = None) -> DatasetDict:
    """The gold documents under ``<path>/gold`` as ``DatasetDict(train, dev, test)``.

    ``corpus`` defaults to ``config.DEFAULT_CORPUS_DIR``, ``splits`` to
    ``<path>/splits.tsv``. Raises :class:`AnnotationError` listing the first problems if
    the gold data is invalid or gold and split file disagree.
    """
    root = Path(path)
    gold = root / "gold"
    if not gold.is_dir():
        raise AnnotationError(f"{gold}: no gold folder (expected {gold}/<doc_id>.jsonl)")
    docs = load_docs(gold)
    problems = validate_docs(docs, corpus)
    if problems:
        raise AnnotationError(f"{gold}: {len(problems)} problems in the gold data:\n"
                              + summarize(problems))
    split_file = Path(splits) if splits is not None else root / "splits.tsv"
    assignment = read_splits(split_file)
    ids = {doc.id for doc in docs}
    unsplit = sorted(ids - assignment.keys())
    if unsplit:
        raise AnnotationError(f"{split_file}: gold documents not in any split: {_names(unsplit)}")
    missing = sorted(assignment.keys() - ids)
    if missing:
        raise AnnotationError(f"{split_file}: listed but no gold file in {gold}: {_names(missing)}")
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in config.SPLITS}
    for doc in sorted(docs, key=lambda d: d.id):
        rows[assignment[doc.id]].append(doc_to_row(attach_text(doc, corpus)))
    return DatasetDict({
        name: (Dataset.from_list(items, features=FEATURES) if items
               else Dataset.from_dict({column: [] for column in FEATURES}, features=FEATURES))
        for name, items in rows.items()
    })


def moved_row(row: dict[str, Any], text: str,
              move: Callable[[int, int], tuple[int, int]]) -> dict[str, Any]:
    """``row`` over a rewritten ``text``: every span and every record link re-pointed by
    ``move`` (old ``start, end`` -> new), each link's ``text`` taken from the new text."""
    def ref(old: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
        if old is None:
            return None
        start, end = move(int(old["start"]), int(old["end"]))
        return {**old, "start": start, "end": end, "text": text[start:end]}

    spans = []
    for span in row["spans"]:
        start, end = move(int(span["start"]), int(span["end"]))
        spans.append({**span, "start": start, "end": end})
    records = [{**record, **{name: ref(record.get(name)) for name in LINK_LABELS}}
               for record in row["records"]]
    return {**row, "text": text, "spans": spans, "records": records}


def row_in_reading(row: dict[str, Any]) -> dict[str, Any]:
    """A gold row carried into the reading copy of its text (:mod:`govie.layout`), so that
    trainers see the text the extractor reads; rows of reports in the usual layout come back
    as they are."""
    reading = read(row["text"])
    return row if reading.is_identity else moved_row(row, reading.text, reading.to_reading)
