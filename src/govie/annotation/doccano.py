"""doccano JSONL (sequence labeling with relations) <-> gold documents.

One line per document::

    {"text": ..., "doc_id": ..., "year": ..., "level": ..., ["annotator", "source", "text_sha256"],
     "entities": [{"id": 1, "label": "VALUE", "start_offset": 4, "end_offset": 8}],
     "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "indicator"}],
     "govie_span_ids": [[4, 8, "VALUE", "s2"]],
     "govie_records": [{"start": 4, "end": 8, "number": ..., ..., "kind": ...}]}

doccano stores top-level keys it does not know as the example's metadata and writes them
back on export, but it renumbers entities and relations. So nothing govie needs is keyed
by entity id: ``govie_span_ids`` maps a span's offsets and label back to its gold id, and
``govie_records`` holds the record attributes keyed by the offsets of the VALUE span;
the links come from the relations (types ``indicator``, ``time``, ``domain``, drawn from
the VALUE entity). A VALUE entity added in doccano gets a fresh span id and a record
only once it has a relation or attributes; a record whose VALUE entity was deleted in
doccano is dropped with it. The plain sequence-labeling export (``"label": [[start,
end, LABEL], ...]``) is read as well.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from govie.annotation.schema import (
    ATTRIBUTES, GoldDoc, GoldRecord, GoldSpan, PathLike, check_exportable, export_header, write_atomic,
)
from govie.errors import AnnotationError

LINK_FIELDS = ("indicator", "time", "domain")


def doc_to_line(doc: GoldDoc) -> dict[str, Any]:
    """The doccano JSON object for ``doc`` (text attached)."""
    text = check_exportable(doc)
    out = export_header(doc, text)
    number = {span.id: n for n, span in enumerate(doc.spans, start=1)}
    spans = doc.span_map()
    out["entities"] = [{"id": number[span.id], "label": span.label,
                        "start_offset": span.start, "end_offset": span.end} for span in doc.spans]
    relations = []
    for record in doc.records:
        for name in LINK_FIELDS:
            target = getattr(record, name)
            if target is not None:
                relations.append({"id": len(relations) + 1, "from_id": number[record.value],
                                  "to_id": number[target], "type": name})
    out["relations"] = relations
    out["govie_span_ids"] = [[span.start, span.end, span.label, span.id] for span in doc.spans]
    out["govie_records"] = [
        {"start": spans[record.value].start, "end": spans[record.value].end, **record.attributes()}
        for record in doc.records
    ]
    return out


def export_docs(docs: Sequence[GoldDoc], path: PathLike) -> None:
    """Write ``docs`` (texts attached) as one doccano JSONL import file."""
    lines = [json.dumps(doc_to_line(doc), ensure_ascii=False) + "\n" for doc in docs]
    write_atomic(path, "".join(lines))


def _entities(line: dict[str, Any], where: str) -> list[tuple[Any, int, int, str]]:
    """(doccano id, start, end, label) of every entity, from either export shape."""
    if "entities" in line:
        out = []
        for item in line["entities"] or []:
            try:
                out.append((item["id"], item["start_offset"], item["end_offset"], item["label"]))
            except (KeyError, TypeError):
                raise AnnotationError(f"{where}: entity {item!r} lacks id/start_offset/end_offset/label") from None
        return out
    labels = line.get("label") or []
    if not isinstance(labels, list) or not all(isinstance(t, list) and len(t) == 3 for t in labels):
        raise AnnotationError(f"{where}: 'label' must be a list of [start, end, LABEL]")
    return [(None, start, end, label) for start, end, label in labels]


def _checked(entities: list[tuple[Any, Any, Any, Any]], where: str) -> list[tuple[Any, int, int, str]]:
    for entity_id, start, end, label in entities:
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(label, str)):
            raise AnnotationError(f"{where}: entity {entity_id}: offsets must be integers and the label a string")
    return entities


def line_to_doc(line: Any, where: str) -> GoldDoc:
    """A gold document (text inline) from one doccano line; ``where`` names it in errors."""
    if not isinstance(line, dict) or not isinstance(line.get("text"), str):
        raise AnnotationError(f"{where}: not a doccano line (no 'text' string)")
    doc_id = line.get("doc_id")
    if not isinstance(doc_id, str) or not doc_id:
        raise AnnotationError(f"{where}: doc_id: missing (govie needs the document id)")
    where = f"{where} ({doc_id})"
    try:
        known = {(s, e, label): sid for s, e, label, sid in (line.get("govie_span_ids") or [])}
    except (TypeError, ValueError):
        raise AnnotationError(f"{where}: govie_span_ids must be a list of [start, end, LABEL, id]") from None
    taken = set(known.values())
    counter = 0
    spans: list[GoldSpan] = []
    by_entity: dict[Any, GoldSpan] = {}
    for entity_id, start, end, label in _checked(_entities(line, where), where):
        span_id = known.get((start, end, label))
        if span_id is None:
            counter += 1
            while f"s{counter}" in taken:
                counter += 1
            span_id = f"s{counter}"
            taken.add(span_id)
        span = GoldSpan(span_id, start, end, label)
        spans.append(span)
        if entity_id is not None:
            by_entity[entity_id] = span
    links: dict[str, dict[str, str]] = {}
    for relation in line.get("relations") or []:
        source = by_entity.get(relation.get("from_id"))
        target = by_entity.get(relation.get("to_id"))
        name = relation.get("type")
        if source is None or target is None:
            raise AnnotationError(f"{where}: relation {relation.get('id')}: names a missing entity")
        if source.label != "VALUE" and target.label == "VALUE":
            source, target = target, source
        if name not in LINK_FIELDS:
            raise AnnotationError(f"{where}: relation {relation.get('id')}: type {name!r} "
                                  f"must be one of {', '.join(LINK_FIELDS)}")
        slot = links.setdefault(source.id, {})
        if name in slot and slot[name] != target.id:
            raise AnnotationError(f"{where}: VALUE {source.id} has two {name} relations")
        slot[name] = target.id
    values = {(span.start, span.end): span for span in spans if span.label == "VALUE"}
    records: list[GoldRecord] = []
    done: set[str] = set()
    for i, item in enumerate(line.get("govie_records") or []):
        if not isinstance(item, dict) or set(item) - {"start", "end", *ATTRIBUTES}:
            raise AnnotationError(f"{where}: govie_records[{i}]: must hold start, end and "
                                  f"{', '.join(ATTRIBUTES)} only")
        key = (item.get("start"), item.get("end"))
        span = values.get(key) if all(isinstance(n, int) for n in key) else None
        if span is None or span.id in done:
            continue  # its VALUE entity was deleted in doccano: the record goes with it
        done.add(span.id)
        attributes = {name: item.get(name) for name in ATTRIBUTES}
        records.append(GoldRecord(value=span.id, **links.get(span.id, {}), **attributes))
    for span in spans:
        if span.label == "VALUE" and span.id not in done and span.id in links:
            records.append(GoldRecord(value=span.id, **links[span.id]))
    return GoldDoc(id=doc_id, year=line.get("year"), level=line.get("level"),  # type: ignore[arg-type]
                   spans=spans, records=records, text=line["text"],
                   text_sha256=line.get("text_sha256"), annotator=line.get("annotator"),
                   source=line.get("source"))


def import_docs(path: PathLike) -> list[GoldDoc]:
    """Gold documents (text inline) from a doccano JSONL export."""
    path = Path(path)
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnnotationError(f"{path}: cannot read: {exc}") from None
    docs = []
    for number, text in enumerate(raw.split("\n"), start=1):
        if not text.strip():
            continue
        where = f"{path}:{number}"
        try:
            line = json.loads(text)
        except json.JSONDecodeError as exc:
            raise AnnotationError(f"{where}: column {exc.colno}: not valid JSON: {exc.msg}") from None
        doc = line_to_doc(line, where)
        doc.origin = where
        docs.append(doc)
    return docs
