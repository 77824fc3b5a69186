"""Gold documents in the guideline's §5 JSON Lines format, as plain dataclasses.

A gold file holds one JSON object per line. Corpus reports are never copied into the
project: such a document leaves ``text`` out and carries ``text_sha256`` instead, and
:func:`attach_text` reads the text back from ``<corpus>/<id>.txt`` and proves by the hash
that the offsets still point into the text they were made on. Texts the team writes
itself may stay inline.

Reading is two-staged on purpose: :func:`schema_problems` checks a raw JSON object for
the fields and JSON types this module needs to build dataclasses, so that the validator
can list every such slip with its position instead of stopping at a ``KeyError``; the
meaning of the values (labels, offsets, links) is checked by
:mod:`govie.annotation.validate`.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Union

from govie import config
from govie.errors import AnnotationError, OutputError
from govie.io import atomic_writer

PathLike = Union[str, "os.PathLike[str]"]

#: Record fields that name a span, and the label that span must carry.
LINK_LABELS: dict[str, str] = {
    "indicator": "INDICATOR", "value": "VALUE", "time": "TIME", "domain": "DOMAIN",
}
#: Record attributes other than the span links, in the order of the guideline's §5.
ATTRIBUTES: tuple[str, ...] = (
    "number", "unit", "qualifier", "low", "high", "change",
    "year", "year_start", "policy_area", "kind",
)
RECORD_FIELDS: tuple[str, ...] = tuple(LINK_LABELS) + ATTRIBUTES

# JSON type names as a person reads them in a message.
_INT, _NUMBER, _STR, _LIST = "an integer", "a number", "a string", "a list"

#: Field tables: name -> (required, JSON type, may be null). One table per object kind
#: keeps the "required fields and types" rule in data instead of an if-chain.
DOC_FIELDS: dict[str, tuple[bool, str, bool]] = {
    "id": (True, _STR, False),
    "year": (True, _INT, False),
    "level": (True, _STR, False),
    "annotator": (False, _STR, True),
    "source": (False, _STR, True),
    "text": (False, _STR, True),
    "text_sha256": (False, _STR, True),
    "spans": (True, _LIST, False),
    "records": (True, _LIST, False),
}
SPAN_FIELDS: dict[str, tuple[bool, str, bool]] = {
    "id": (True, _STR, False),
    "start": (True, _INT, False),
    "end": (True, _INT, False),
    "label": (True, _STR, False),
}
RECORD_FIELD_TYPES: dict[str, tuple[bool, str, bool]] = {
    "indicator": (False, _STR, True),
    "value": (True, _STR, False),
    "time": (False, _STR, True),
    "domain": (False, _STR, True),
    "number": (True, _NUMBER, True),
    "unit": (True, _STR, False),
    "qualifier": (True, _STR, False),
    "low": (False, _NUMBER, True),
    "high": (False, _NUMBER, True),
    "change": (True, _STR, False),
    "year": (True, _INT, False),
    "year_start": (False, _INT, True),
    "policy_area": (True, _STR, False),
    "kind": (True, _STR, False),
}


@dataclass
class GoldSpan:
    """A labelled stretch ``[start, end)`` of the document text, named by ``id``."""

    id: str
    start: int
    end: int
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "start": self.start, "end": self.end, "label": self.label}


@dataclass
class GoldRecord:
    """One gold record (§2): span ids for the links plus the normalised attributes.

    Every field may be ``None`` so that half-finished records coming back from an
    annotation tool can still be held and *reported* by the validator.
    """

    indicator: Optional[str] = None
    value: Optional[str] = None
    time: Optional[str] = None
    domain: Optional[str] = None
    number: Optional[float] = None
    unit: Optional[str] = None
    qualifier: Optional[str] = None
    low: Optional[float] = None
    high: Optional[float] = None
    change: Optional[str] = None
    year: Optional[int] = None
    year_start: Optional[int] = None
    policy_area: Optional[str] = None
    kind: Optional[str] = None

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in RECORD_FIELDS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "GoldRecord":
        return cls(**{name: data.get(name) for name in RECORD_FIELDS})

    def attributes(self) -> dict[str, Any]:
        """The non-link fields, as converters store them next to a VALUE region."""
        return {name: getattr(self, name) for name in ATTRIBUTES}


@dataclass
class GoldDoc:
    """One annotated report: spans, records, and either the text or its sha256.

    ``origin`` (``file:line``) says where the document was read from; it is left out of
    equality so that a document read back from a converter compares equal to the
    original.
    """

    id: str
    year: int
    level: str
    spans: list[GoldSpan] = field(default_factory=list)
    records: list[GoldRecord] = field(default_factory=list)
    text: Optional[str] = None
    text_sha256: Optional[str] = None
    annotator: Optional[str] = None
    source: Optional[str] = None
    origin: Optional[str] = field(default=None, compare=False, repr=False)

    def to_dict(self, include_text: Optional[bool] = None) -> dict[str, Any]:
        """The §5 JSON object. By default the text is written only when no sha256 stands
        for it, so a corpus text attached for work is never saved into the project."""
        if include_text is None:
            include_text = self.text_sha256 is None
        out: dict[str, Any] = {"id": self.id, "year": self.year, "level": self.level}
        if self.annotator is not None:
            out["annotator"] = self.annotator
        if self.source is not None:
            out["source"] = self.source
        if include_text and self.text is not None:
            out["text"] = self.text
        if self.text_sha256 is not None:
            out["text_sha256"] = self.text_sha256
        out["spans"] = [span.to_dict() for span in self.spans]
        out["records"] = [record.to_dict() for record in self.records]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], origin: Optional[str] = None) -> "GoldDoc":
        """Build from a JSON object that :func:`schema_problems` found no fault with."""
        return cls(
            id=data["id"],
            year=data["year"],
            level=data["level"],
            spans=[GoldSpan(s["id"], s["start"], s["end"], s["label"]) for s in data["spans"]],
            records=[GoldRecord.from_dict(r) for r in data["records"]],
            text=data.get("text"),
            text_sha256=data.get("text_sha256"),
            annotator=data.get("annotator"),
            source=data.get("source"),
            origin=origin,
        )

    def span_map(self) -> dict[str, GoldSpan]:
        """Span id -> span (the first one, should an id be used twice)."""
        out: dict[str, GoldSpan] = {}
        for span in self.spans:
            out.setdefault(span.id, span)
        return out

    @property
    def where(self) -> str:
        """``file:line`` for messages, or a placeholder for documents built in memory."""
        return self.origin or "<memory>"


# --------------------------------------------------------------------------- checking


def json_type(value: Any) -> str:
    """The JSON name of a value's type, for messages (``true`` is a boolean, not 1)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return _INT
    if isinstance(value, float):
        return _NUMBER
    if isinstance(value, str):
        return _STR
    if isinstance(value, list):
        return _LIST
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _has_type(value: Any, kind: str) -> bool:
    if isinstance(value, bool):
        return False
    if kind == _INT:
        return isinstance(value, int)
    if kind == _NUMBER:
        return isinstance(value, (int, float)) and math.isfinite(value)
    if kind == _STR:
        return isinstance(value, str)
    return isinstance(value, list)


def _field_problems(obj: Any, table: dict[str, tuple[bool, str, bool]], where: str,
                    ) -> list[tuple[str, str]]:
    if not isinstance(obj, dict):
        return [(where, f"must be a JSON object, got {json_type(obj)}")]
    problems: list[tuple[str, str]] = []
    for name in obj:
        if name not in table:
            problems.append((where, f"unknown field {name!r} (known: {', '.join(table)})"))
    for name, (required, kind, nullable) in table.items():
        if name not in obj:
            if required:
                problems.append((f"{where}.{name}" if where != "document" else name,
                                 "missing field"))
            continue
        value = obj[name]
        if value is None and nullable:
            continue
        if not _has_type(value, kind):
            shown = f"{json_type(value)} ({value!r})" if value is not None else "null"
            problems.append((f"{where}.{name}" if where != "document" else name,
                             f"must be {kind}{' or null' if nullable else ''}, got {shown}"))
    return problems


def schema_problems(data: Any) -> list[tuple[str, str]]:
    """(where, message) for every missing field, unknown field or wrong JSON type."""
    problems = _field_problems(data, DOC_FIELDS, "document")
    if not isinstance(data, dict):
        return problems
    for key, table in (("spans", SPAN_FIELDS), ("records", RECORD_FIELD_TYPES)):
        items = data.get(key)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            problems.extend(_field_problems(item, table, f"{key}[{i}]"))
    return problems


def doc_id_of(data: Any) -> str:
    """The document id for messages, or ``?`` when the object has none."""
    if isinstance(data, dict) and isinstance(data.get("id"), str) and data["id"]:
        return data["id"]
    return "?"


# ---------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class JsonLine:
    """One non-blank line of a JSON Lines file: the parsed object, or why it is not one."""

    file: Path
    line: int
    data: Any = None
    error: Optional[str] = None

    @property
    def origin(self) -> str:
        return f"{self.file}:{self.line}"


def jsonl_files(path: PathLike) -> list[Path]:
    """A ``.jsonl`` file itself, or every ``*.jsonl`` under a folder (recursive, sorted)."""
    path = Path(path)
    if path.is_dir():
        return sorted(p for p in path.rglob("*.jsonl") if p.is_file())
    if path.is_file():
        return [path]
    raise AnnotationError(f"{path}: no such file or folder")


def iter_jsonl(path: PathLike) -> Iterator[JsonLine]:
    """Every non-blank line of every gold file under ``path``; bad lines carry ``error``.

    Lines are decoded one by one (UTF-8, a leading BOM tolerated) so that a broken byte
    or bracket is reported at its own line and the remaining lines are still read.
    """
    for file in jsonl_files(path):
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise AnnotationError(f"{file}: cannot read: {exc.strerror or exc}") from None
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        for number, chunk in enumerate(raw.split(b"\n"), start=1):
            try:
                line = chunk.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield JsonLine(file, number, error=f"column {exc.start + 1}: not UTF-8 text")
                continue
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield JsonLine(file, number, error=f"column {exc.colno}: not valid JSON: {exc.msg}")
                continue
            yield JsonLine(file, number, data=data)


def load_docs(path: PathLike) -> list[GoldDoc]:
    """Read gold documents from a ``.jsonl`` file or a folder of them (recursive).

    Raises :class:`AnnotationError` naming ``file:line`` at the first line that is not
    JSON or lacks a field or type the format needs; semantic checks are left to
    :func:`govie.annotation.validate.validate_docs`.
    """
    docs: list[GoldDoc] = []
    for entry in iter_jsonl(path):
        if entry.error is not None:
            raise AnnotationError(f"{entry.origin}: {entry.error}")
        problems = schema_problems(entry.data)
        if problems:
            where, message = problems[0]
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise AnnotationError(
                f"{entry.origin}: {doc_id_of(entry.data)}: {where}: {message}{more}")
        docs.append(GoldDoc.from_dict(entry.data, origin=entry.origin))
    return docs


# ------------------------------------------------------------------------------- text


def sha256_text(text: str) -> str:
    """Hex sha256 of the text's UTF-8 bytes: how gold files name a corpus text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def corpus_path(doc_id: str, corpus_dir: Optional[PathLike] = None) -> Path:
    """Where the corpus keeps a document's text: ``<corpus>/<doc_id>.txt``."""
    return Path(corpus_dir if corpus_dir is not None else config.DEFAULT_CORPUS_DIR) / f"{doc_id}.txt"


def read_corpus_text(doc_id: str, corpus_dir: Optional[PathLike] = None) -> Optional[str]:
    """The corpus text of ``doc_id`` exactly as stored (no newline translation), or None.

    Bytes are decoded directly rather than through text-mode ``open`` because universal
    newlines would turn ``\\r\\n`` into ``\\n`` and shift every offset after it.
    """
    path = corpus_path(doc_id, corpus_dir)
    if "/" in doc_id or "\\" in doc_id or not path.is_file():
        return None
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AnnotationError(f"{path}: byte {exc.start}: not UTF-8 text") from None
    except OSError as exc:
        raise AnnotationError(f"{path}: cannot read: {exc.strerror or exc}") from None


def attach_text(doc: GoldDoc, corpus_dir: Optional[PathLike] = None) -> GoldDoc:
    """A copy of ``doc`` with ``text`` set, read from the corpus and checked by sha256.

    The input is left untouched. An inline text is checked against ``text_sha256`` when
    both are present.
    """
    if doc.text is not None:
        if doc.text_sha256 is not None and sha256_text(doc.text) != doc.text_sha256:
            raise AnnotationError(
                f"{doc.where}: {doc.id}: text_sha256: does not match the inline text")
        return doc
    path = corpus_path(doc.id, corpus_dir)
    if doc.text_sha256 is None:
        raise AnnotationError(
            f"{doc.where}: {doc.id}: text_sha256: missing, and the document has no inline text")
    text = read_corpus_text(doc.id, corpus_dir)
    if text is None:
        raise AnnotationError(
            f"{doc.where}: {doc.id}: text: {path} not found (give the corpus folder with --corpus)")
    actual = sha256_text(text)
    if actual != doc.text_sha256:
        raise AnnotationError(
            f"{doc.where}: {doc.id}: text_sha256: {doc.text_sha256[:12]}… does not match "
            f"{path} ({actual[:12]}…); the file changed after annotation")
    return replace(doc, text=text)


def to_standoff(doc: GoldDoc, corpus_dir: Optional[PathLike] = None) -> GoldDoc:
    """A copy of an imported document (text inline) fit to save into the project.

    If the corpus holds a text under the document's id, the text must be that text; it
    is then replaced by its sha256 (``source: corpus``). Otherwise the text stays inline,
    as texts written by the team may.
    """
    if doc.text is None:
        return doc
    corpus_text = read_corpus_text(doc.id, corpus_dir)
    if corpus_text is None:
        if doc.source == "corpus" or doc.text_sha256 is not None:
            raise AnnotationError(
                f"{doc.where}: {doc.id}: text: a corpus document, but {corpus_path(doc.id, corpus_dir)} "
                "is not there (give the corpus folder with --corpus)")
        return doc
    if corpus_text != doc.text:
        raise AnnotationError(
            f"{doc.where}: {doc.id}: text: differs from {corpus_path(doc.id, corpus_dir)}; "
            "offsets made on another text cannot be stored against the corpus")
    return replace(doc, text=None, text_sha256=sha256_text(corpus_text), source="corpus")


def export_header(doc: GoldDoc, text: str) -> dict[str, Any]:
    """The document-level fields every tool export carries (text plus metadata)."""
    out: dict[str, Any] = {"text": text, "doc_id": doc.id, "year": doc.year, "level": doc.level}
    for name in ("annotator", "source", "text_sha256"):
        if getattr(doc, name) is not None:
            out[name] = getattr(doc, name)
    return out


def check_exportable(doc: GoldDoc) -> str:
    """The document text, or :class:`AnnotationError` if a converter would lose anything.

    Converters hang record attributes on the VALUE span and rebuild links from
    relations, so every link must resolve and a VALUE may carry at most one record.
    """
    prefix = f"{doc.where}: {doc.id}"
    if doc.text is None:
        raise AnnotationError(f"{prefix}: text: not attached (give the corpus folder with --corpus)")
    seen: dict[tuple[int, int, str], str] = {}
    ids: set[str] = set()
    for i, span in enumerate(doc.spans):
        if not (0 <= span.start < span.end <= len(doc.text)):
            raise AnnotationError(
                f"{prefix}: spans[{i}] {span.id} [{span.start}:{span.end}]: "
                f"outside the text (length {len(doc.text)})")
        key = (span.start, span.end, span.label)
        if span.id in ids or key in seen:
            raise AnnotationError(f"{prefix}: spans[{i}] {span.id}: duplicate span id or span")
        ids.add(span.id)
        seen[key] = span.id
    spans = doc.span_map()
    valued: set[str] = set()
    for i, record in enumerate(doc.records):
        for name in LINK_LABELS:
            target = getattr(record, name)
            if target is not None and target not in spans:
                raise AnnotationError(
                    f"{prefix}: records[{i}].{name}: unknown span id {target!r}")
        if record.value is None or spans[record.value].label != "VALUE":
            raise AnnotationError(f"{prefix}: records[{i}].value: must name a VALUE span")
        if record.value in valued:
            raise AnnotationError(
                f"{prefix}: records[{i}].value: second record for VALUE span {record.value}")
        valued.add(record.value)
    return doc.text


# ---------------------------------------------------------------------------- writing


def write_atomic(path: PathLike, data: Union[str, bytes]) -> None:
    """Write a file so that readers see the old or the new content, never half of it.

    Delegates to :func:`govie.io.atomic_writer` (bytes, so the DocBin converter can use
    it too) after creating the folder: import targets are often new folders.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create folder {path.parent} ({exc.strerror or exc})") from None
    with atomic_writer(path, binary=True) as handle:
        handle.write(payload)


def dumps_doc(doc: GoldDoc) -> str:
    """One JSON line (no trailing newline), non-ASCII kept readable."""
    return json.dumps(doc.to_dict(), ensure_ascii=False)


def save_doc(doc: GoldDoc, path: PathLike) -> None:
    """Write one document as a one-line ``.jsonl`` file, atomically."""
    write_atomic(path, dumps_doc(doc) + "\n")


def save_docs(docs: Iterable[GoldDoc], path: PathLike) -> None:
    """Write documents as lines of one ``.jsonl`` file, atomically."""
    write_atomic(path, "".join(dumps_doc(doc) + "\n" for doc in docs))
