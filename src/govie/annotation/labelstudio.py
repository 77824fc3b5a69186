"""Label Studio JSON tasks <-> gold documents.

A task is ``{"data": {...}, "annotations": [{"result": [...]}]}``:

* ``data`` holds the text and the document fields: ``text``, ``doc_id``, ``year``,
  ``level`` and, when set, ``annotator``, ``source`` and ``text_sha256``.
* each span is a ``labels`` region ``{id, from_name: "label", to_name: "text",
  type: "labels", value: {start, end, text, labels: [LABEL]}}``; the region id is the
  gold span id.
* each record link is a ``relation`` item from the VALUE region to the linked region,
  labelled ``indicator``, ``time`` or ``domain``.
* the record attributes (number, unit, qualifier, low, high, change, year, year_start,
  policy_area, kind) ride on the VALUE region as ``meta: {"govie": {...}}``. Label Studio
  keeps a region's ``meta`` through import, editing and export, and one dict holds every
  attribute losslessly, whereas per-region ``choices``/``textarea`` controls would need a
  labeling config kept in step with the guideline. ``meta.text`` (the notes field Label
  Studio shows for a region) is left to the annotator.

Records therefore come back in the order of their VALUE regions. Result items of other
types (document-level choices, ratings) carry nothing govie reads and are ignored.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional, Sequence

from govie.annotation.schema import (
    ATTRIBUTES, GoldDoc, GoldRecord, GoldSpan, PathLike, check_exportable, export_header, write_atomic,
)
from govie.errors import AnnotationError

FROM_NAME = "label"
TO_NAME = "text"
META_KEY = "govie"
LINK_FIELDS = ("indicator", "time", "domain")

#: A labeling config for a Label Studio project that matches what export writes.
LABEL_CONFIG = """<View>
  <Relations>
    <Relation value="indicator"/>
    <Relation value="time"/>
    <Relation value="domain"/>
  </Relations>
  <Labels name="label" toName="text">
    <Label value="INDICATOR"/>
    <Label value="VALUE"/>
    <Label value="TIME"/>
    <Label value="DOMAIN"/>
  </Labels>
  <Text name="text" value="$text" granularity="symbol"/>
</View>
"""


def doc_to_task(doc: GoldDoc) -> dict[str, Any]:
    """One Label Studio task with a finished annotation for ``doc`` (text attached)."""
    text = check_exportable(doc)
    data = export_header(doc, text)
    records = {record.value: record for record in doc.records}
    result: list[dict[str, Any]] = []
    for span in doc.spans:
        region: dict[str, Any] = {
            "id": span.id, "from_name": FROM_NAME, "to_name": TO_NAME, "type": "labels",
            "value": {"start": span.start, "end": span.end,
                      "text": text[span.start:span.end], "labels": [span.label]},
        }
        if span.id in records:
            region["meta"] = {META_KEY: records[span.id].attributes()}
        result.append(region)
    for record in doc.records:
        for name in LINK_FIELDS:
            target = getattr(record, name)
            if target is not None:
                result.append({"from_id": record.value, "to_id": target, "type": "relation",
                               "direction": "right", "labels": [name]})
    return {"data": data, "annotations": [{"result": result}]}


def export_docs(docs: Sequence[GoldDoc], path: PathLike) -> None:
    """Write ``docs`` (texts attached) as one Label Studio JSON import file."""
    tasks = [doc_to_task(doc) for doc in docs]
    write_atomic(path, json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")


def _pick_annotation(task: dict[str, Any]) -> list[dict[str, Any]]:
    for annotation in task.get("annotations") or []:
        if isinstance(annotation, dict) and not annotation.get("was_cancelled"):
            result = annotation.get("result") or []
            if isinstance(result, list):
                return result
    return []


def _annotator(task: dict[str, Any], data: dict[str, Any]) -> Optional[str]:
    if isinstance(data.get("annotator"), str):
        return data["annotator"]
    for annotation in task.get("annotations") or []:
        who = annotation.get("completed_by") if isinstance(annotation, dict) else None
        if isinstance(who, dict) and isinstance(who.get("email"), str):
            return who["email"]
        if isinstance(who, str):
            return who
    return None


def task_to_doc(task: Any, where: str) -> GoldDoc:
    """A gold document (text inline) from one task; ``where`` names it in errors."""
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise AnnotationError(f"{where}: not a Label Studio task (no 'data' object)")
    data = task["data"]
    text = data.get("text")
    doc_id = data.get("doc_id")
    if not isinstance(text, str):
        raise AnnotationError(f"{where}: data.text: missing or not a string")
    if not isinstance(doc_id, str) or not doc_id:
        raise AnnotationError(f"{where}: data.doc_id: missing (govie needs the document id)")
    where = f"{where} ({doc_id})"
    spans: list[GoldSpan] = []
    labels: dict[str, str] = {}
    meta: dict[str, dict[str, Any]] = {}
    relations: list[dict[str, Any]] = []
    for item in _pick_annotation(task):
        kind = item.get("type") if isinstance(item, dict) else None
        if kind == "relation":
            relations.append(item)
        elif kind == "labels":
            span = _region_span(item, text, where)
            spans.append(span)
            labels[span.id] = span.label
            extra = (item.get("meta") or {}).get(META_KEY)
            if extra is not None:
                if not isinstance(extra, dict) or set(extra) - set(ATTRIBUTES):
                    raise AnnotationError(
                        f"{where}: region {span.id}: meta.{META_KEY} must hold only {', '.join(ATTRIBUTES)}")
                meta[span.id] = extra
    links: dict[str, dict[str, str]] = {}
    for item in relations:
        source, target, name = _relation(item, labels, where)
        slot = links.setdefault(source, {})
        if name in slot and slot[name] != target:
            raise AnnotationError(f"{where}: VALUE {source} has two {name} relations "
                                  f"({slot[name]}, {target}); a record has one {name}")
        slot[name] = target
    records = [
        GoldRecord(value=span.id, **links.get(span.id, {}), **meta.get(span.id, {}))
        for span in spans
        if span.label == "VALUE" and (span.id in meta or span.id in links)
    ]
    return GoldDoc(id=doc_id, year=data.get("year"), level=data.get("level"),  # type: ignore[arg-type]
                   spans=spans, records=records, text=text,
                   text_sha256=data.get("text_sha256"), annotator=_annotator(task, data),
                   source=data.get("source"))


def _region_span(item: dict[str, Any], text: str, where: str) -> GoldSpan:
    value = item.get("value") or {}
    region_id = item.get("id")
    start, end, names = value.get("start"), value.get("end"), value.get("labels")
    if not isinstance(region_id, str) or not region_id:
        raise AnnotationError(f"{where}: a labels region has no id")
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
        raise AnnotationError(f"{where}: region {region_id}: value.start/end must be integers")
    if not (isinstance(names, list) and len(names) == 1 and isinstance(names[0], str)):
        raise AnnotationError(f"{where}: region {region_id}: needs exactly one label, got {names!r}")
    shown = value.get("text")
    if shown is not None and shown != text[start:end]:
        raise AnnotationError(
            f"{where}: region {region_id} [{start}:{end}]: value.text {shown!r} is not the task "
            f"text there ({text[start:end]!r}); the offsets were made on another text")
    return GoldSpan(region_id, start, end, names[0])


def _relation(item: dict[str, Any], labels: dict[str, str], where: str) -> tuple[str, str, str]:
    """(VALUE region id, linked region id, record field) of a relation item.

    Relations drawn from the linked region to the VALUE (or with ``direction: left``)
    are turned around; an unlabelled relation takes its field from the linked label.
    """
    source, target = item.get("from_id"), item.get("to_id")
    if source not in labels or target not in labels:
        raise AnnotationError(f"{where}: relation {source} -> {target}: names a missing region")
    if item.get("direction") == "left":
        source, target = target, source
    if labels[source] != "VALUE" and labels[target] == "VALUE":
        source, target = target, source
    names = item.get("labels") or [labels[target].lower()]
    name = names[0] if len(names) == 1 else None
    if name not in LINK_FIELDS:
        raise AnnotationError(f"{where}: relation {source} -> {target}: label {names!r} "
                              f"must be one of {', '.join(LINK_FIELDS)}")
    return source, target, name


def import_docs(path: PathLike) -> list[GoldDoc]:
    """Gold documents (text inline) from a Label Studio JSON export (a list of tasks)."""
    path = Path(path)
    try:
        tasks = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise AnnotationError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise AnnotationError(f"{path}:{exc.lineno}: column {exc.colno}: not valid JSON: {exc.msg}") from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise AnnotationError(f"{path}: expected a list of Label Studio tasks")
    docs = []
    for i, task in enumerate(tasks):
        doc = task_to_doc(task, f"{path}: task {i}")
        doc.origin = f"{path}: task {i}"
        docs.append(doc)
    return docs
