"""Every rule a gold document must keep, each reported with its file and position.

The validator never stops at the first fault: it returns a list of :class:`Problem` so
an annotator can fix a file in one pass. The rules come from the guideline
(../shared/ANNOTATION.md §1, §2, §5) and are kept as a table of small check functions,
run in order over each document; a document whose JSON types are wrong is not checked
further, because the later rules would only repeat the same fault in other words.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional, Sequence, Union

from govie import config
from govie.annotation.schema import (
    LINK_LABELS, GoldDoc, GoldSpan, PathLike, corpus_path, doc_id_of, iter_jsonl,
    read_corpus_text, schema_problems, sha256_text,
)

Finding = tuple[str, str]  # (where, message)


@dataclass(frozen=True)
class Problem:
    """One fault: ``file`` (``path:line``), document id, position in the document, message."""

    file: str
    doc_id: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.doc_id}: {self.where}: {self.message}"


@dataclass
class _Context:
    """What the checks share about one document: its text, once found, and the corpus."""

    doc: GoldDoc
    corpus_dir: Optional[PathLike]
    text: Optional[str] = None


def _span_where(i: int, span: GoldSpan) -> str:
    return f"spans[{i}] {span.id} [{span.start}:{span.end}]"


def _year_ok(year: Optional[int]) -> bool:
    return year is not None and config.YEAR_MIN <= year <= config.YEAR_MAX


# ------------------------------------------------------------------------------ checks


def check_document(ctx: _Context) -> Iterator[Finding]:
    """Document-level fields: id usable as a file name, year, level, source."""
    doc = ctx.doc
    if not doc.id.strip() or any(ch in doc.id for ch in "/\\") or doc.id != doc.id.strip():
        yield "id", f"{doc.id!r} cannot name a file (empty, slash or surrounding spaces)"
    if not _year_ok(doc.year):
        yield "year", f"{doc.year} is outside {config.YEAR_MIN}..{config.YEAR_MAX}"
    if doc.level not in config.LEVELS:
        yield "level", f"{doc.level!r} is not one of {', '.join(config.LEVELS)}"
    if doc.source is not None and doc.source != "corpus":
        yield "source", f"{doc.source!r} is not 'corpus' (leave it out for inline texts)"


def check_text(ctx: _Context) -> Iterator[Finding]:
    """Find the text the offsets refer to and prove it is the annotated one by sha256."""
    doc = ctx.doc
    if doc.text is not None:
        if doc.text_sha256 is not None and sha256_text(doc.text) != doc.text_sha256:
            yield "text_sha256", "does not match the inline text"
            return
        ctx.text = doc.text
        return
    if doc.text_sha256 is None:
        yield "text_sha256", "missing: a document needs its text inline or the sha256 of its corpus text"
        return
    path = corpus_path(doc.id, ctx.corpus_dir)
    text = read_corpus_text(doc.id, ctx.corpus_dir)
    if text is None:
        yield "text", f"{path} not found, so offsets cannot be checked (give the corpus folder with --corpus)"
        return
    actual = sha256_text(text)
    if actual != doc.text_sha256:
        yield "text_sha256", (f"{doc.text_sha256[:12]}… does not match {path} ({actual[:12]}…); "
                              "the text changed after annotation")
        return
    ctx.text = text


def check_spans(ctx: _Context) -> Iterator[Finding]:
    """Labels, unique ids, offsets inside the text, trimmed span text, no overlap."""
    seen: dict[str, int] = {}
    text = ctx.text
    placed: list[tuple[int, GoldSpan]] = []
    for i, span in enumerate(ctx.doc.spans):
        where = _span_where(i, span)
        if span.id in seen:
            yield where, f"span id {span.id!r} already used by spans[{seen[span.id]}]"
        else:
            seen[span.id] = i
        if span.label not in config.SPAN_LABELS:
            yield where, f"label {span.label!r} is not one of {', '.join(config.SPAN_LABELS)}"
        if span.start < 0 or span.start >= span.end:
            yield where, "offsets must satisfy 0 <= start < end"
            continue
        if text is None:
            placed.append((i, span))
            continue
        if span.end > len(text):
            yield where, f"end is past the end of the text (length {len(text)})"
            continue
        covered = text[span.start:span.end]
        if covered.strip() == "":
            yield where, "span covers only whitespace"
        elif covered != covered.strip():
            yield where, f"span text {covered!r} starts or ends with whitespace"
        placed.append((i, span))
    placed.sort(key=lambda item: (item[1].start, item[1].end))
    reach: Optional[tuple[int, GoldSpan]] = None
    for i, span in placed:
        if reach is not None and span.start < reach[1].end:
            other = reach[1]
            yield _span_where(i, span), (f"overlaps spans[{reach[0]}] {other.id} "
                                         f"[{other.start}:{other.end}]; spans must be flat")
        if reach is None or span.end > reach[1].end:
            reach = (i, span)


def check_links(ctx: _Context) -> Iterator[Finding]:
    """Record links name existing spans of the right label; one record per VALUE span."""
    spans = ctx.doc.span_map()
    owner: dict[str, int] = {}
    for i, record in enumerate(ctx.doc.records):
        for name, label in LINK_LABELS.items():
            target = getattr(record, name)
            if target is None:
                continue
            span = spans.get(target)
            if span is None:
                yield f"records[{i}].{name}", f"unknown span id {target!r}"
            elif span.label != label:
                yield f"records[{i}].{name}", (f"{target} is labelled {span.label}; "
                                               f"{name} must name a span labelled {label}")
        if record.value in owner:
            yield f"records[{i}].value", (f"second record for VALUE span {record.value} "
                                          f"(first is records[{owner[record.value]}])")
        elif record.value is not None:
            owner[record.value] = i
    for i, span in enumerate(ctx.doc.spans):
        if span.label == "VALUE" and span.id not in owner:
            inside = ctx.text is not None and 0 <= span.start < span.end <= len(ctx.text)
            shown = f" {ctx.text[span.start:span.end]!r}" if inside else ""
            yield _span_where(i, span), f"VALUE span{shown} has no record"


#: Closed value sets of record attributes (guideline §2, §3), checked by one loop.
ENUMS: dict[str, tuple[str, ...]] = {
    "qualifier": config.QUALIFIERS,
    "change": config.CHANGES,
    "kind": config.KINDS,
    "policy_area": config.POLICY_AREAS,
}


def check_attributes(ctx: _Context) -> Iterator[Finding]:
    """Enums, number against low/high, and years of each record."""
    for i, record in enumerate(ctx.doc.records):
        for name, allowed in ENUMS.items():
            value = getattr(record, name)
            if value not in allowed:
                yield f"records[{i}].{name}", f"{value!r} is not one of {', '.join(allowed)}"
        low, high, number = record.low, record.high, record.number
        if record.qualifier == "range" and (low is None or high is None):
            yield f"records[{i}].low", "a range needs both low and high"
        if low is not None and high is not None and low > high:
            yield f"records[{i}].low", f"low {low} is greater than high {high}"
        if number is None and record.qualifier != "range":
            yield f"records[{i}].number", "null; only a range may leave number empty"
        if number is not None and low is not None and number < low:
            yield f"records[{i}].number", f"{number} is below low {low}"
        if number is not None and high is not None and number > high:
            yield f"records[{i}].number", f"{number} is above high {high}"
        if not _year_ok(record.year):
            yield f"records[{i}].year", f"{record.year} is outside {config.YEAR_MIN}..{config.YEAR_MAX}"
        if record.year_start is not None:
            if not _year_ok(record.year_start):
                yield f"records[{i}].year_start", (f"{record.year_start} is outside "
                                                   f"{config.YEAR_MIN}..{config.YEAR_MAX}")
            elif record.year is not None and record.year_start > record.year:
                yield f"records[{i}].year_start", f"{record.year_start} is after year {record.year}"


#: The checks, in the order their findings are listed. ``check_text`` comes first
#: because the span checks need the text it finds.
CHECKS: tuple[Callable[[_Context], Iterator[Finding]], ...] = (
    check_document, check_text, check_spans, check_links, check_attributes,
)


# -------------------------------------------------------------------------------- entry


def validate_doc(doc: GoldDoc, corpus_dir: Optional[PathLike] = None) -> list[Problem]:
    """Problems of one document already held in memory (its JSON types are checked too)."""
    findings = schema_problems(doc.to_dict(include_text=True))
    if not findings:
        ctx = _Context(doc, corpus_dir)
        for check in CHECKS:
            findings.extend(check(ctx))
    return [Problem(doc.where, doc.id if isinstance(doc.id, str) else "?", where, message)
            for where, message in findings]


@dataclass
class Report:
    """What a validation run saw: counts for the summary line, and the problems."""

    documents: int = 0
    spans: int = 0
    records: int = 0
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.documents} documents, {self.spans} spans, {self.records} records, "
                f"{len(self.problems)} problems")


def _count(data: object, key: str) -> int:
    items = data.get(key) if isinstance(data, dict) else None
    return len(items) if isinstance(items, list) else 0


def _from_path(path: PathLike, corpus_dir: Optional[PathLike]
               ) -> Iterator[tuple[Optional[GoldDoc], object, list[Problem]]]:
    for entry in iter_jsonl(path):
        if entry.error is not None:
            where, _, message = entry.error.partition(": ")
            yield None, None, [Problem(entry.origin, "?", where, message)]
            continue
        findings = schema_problems(entry.data)
        if findings:
            doc_id = doc_id_of(entry.data)
            yield None, entry.data, [Problem(entry.origin, doc_id, w, m) for w, m in findings]
            continue
        doc = GoldDoc.from_dict(entry.data, origin=entry.origin)
        problems = validate_doc(doc, corpus_dir)
        if doc.source == "corpus" and "text" in entry.data:
            problems.insert(0, Problem(entry.origin, doc.id, "text",
                                       "a corpus text must not be copied into an annotation file; "
                                       "keep only text_sha256"))
        yield doc, entry.data, problems


def check(docs_or_path: Union[PathLike, Iterable[GoldDoc]],
          corpus_dir: Optional[PathLike] = None) -> Report:
    """Validate and count; :func:`validate_docs` is this without the counts."""
    if isinstance(docs_or_path, (str, os.PathLike)):
        triples: Iterable[tuple[Optional[GoldDoc], object, list[Problem]]] = _from_path(
            docs_or_path, corpus_dir)
    else:
        triples = ((doc, doc.to_dict(include_text=False), validate_doc(doc, corpus_dir))
                   for doc in docs_or_path)
    report = Report()
    # An id is unique within one folder: the same report may be annotated again in another
    # folder (annotations/double/ holds second annotations for the agreement study).
    first_seen: dict[tuple[str, str], str] = {}
    for doc, data, found in triples:
        report.documents += 1
        report.spans += _count(data, "spans")
        report.records += _count(data, "records")
        report.problems.extend(found)
        if doc is None or not isinstance(doc.id, str):
            continue
        key = (os.path.dirname(doc.where.rsplit(":", 1)[0]), doc.id)
        if key in first_seen:
            report.problems.append(Problem(doc.where, doc.id, "id",
                                           f"document id already used at {first_seen[key]}"))
        else:
            first_seen[key] = doc.where
    return report


def validate_docs(docs_or_path: Union[PathLike, Iterable[GoldDoc]],
                  corpus_dir: Optional[PathLike] = None) -> list[Problem]:
    """Every problem of a gold file, a folder of them, or documents already loaded.

    ``corpus_dir`` (default ``config.DEFAULT_CORPUS_DIR``) is where documents that carry
    only ``text_sha256`` find their text. Broken JSON lines become problems too, so a
    folder is always checked to the end.
    """
    return check(docs_or_path, corpus_dir).problems


def summarize(problems: Sequence[Problem], limit: int = config.MAX_PROBLEMS_SHOWN) -> str:
    """The first ``limit`` problems, one per line, and how many more were left out."""
    lines = [str(problem) for problem in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"... and {len(problems) - limit} more (run `govie annotations validate`)")
    return "\n".join(lines)


__all__ = ["Problem", "Report", "check", "validate_doc", "validate_docs", "summarize", "CHECKS", "ENUMS"]
