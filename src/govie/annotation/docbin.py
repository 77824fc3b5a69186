"""spaCy ``DocBin`` <-> gold documents, for training spaCy pipelines on the gold data.

Each document becomes a spaCy ``Doc`` with **one token per character**
(``Doc(vocab, words=list(text), spaces=[False] * len(text))``). A Chinese tokenizer
would merge characters, and a gold span whose edge falls inside a token could not be
represented and would be lost; with character tokens every offset is a token boundary.
Spans go to ``doc.spans["govie"]`` (label = gold label, ``span.id_`` = gold span id) and,
when they do not overlap, to ``doc.ents`` as well, so spaCy's NER trainer can read them.
The record dicts (§5 form, span ids) are kept in ``doc.user_data["govie_records"]`` and
the document fields in ``doc.user_data["govie_doc"]``; the DocBin is written with
``store_user_data=True``.

spaCy is imported inside the functions so that the rest of ``govie annotations`` starts
without it.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from govie import config
from govie.annotation.schema import (
    GoldDoc, GoldRecord, GoldSpan, PathLike, check_exportable, write_atomic,
)
from govie.errors import AnnotationError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

DOC_KEY = "govie_doc"
RECORDS_KEY = "govie_records"


def doc_to_spacy(doc: GoldDoc, vocab: "Vocab") -> "Doc":
    """A character-tokenised spaCy ``Doc`` carrying every span and record of ``doc``."""
    from spacy.tokens import Doc, Span

    text = check_exportable(doc)
    sdoc = Doc(vocab, words=list(text), spaces=[False] * len(text))
    spans = [Span(sdoc, s.start, s.end, label=s.label, span_id=s.id) for s in doc.spans]
    sdoc.spans[config.DOCBIN_SPANS_KEY] = spans
    ordered = sorted(spans, key=lambda span: span.start)
    if all(a.end <= b.start for a, b in zip(ordered, ordered[1:])):
        sdoc.set_ents(ordered)
    sdoc.user_data[DOC_KEY] = {
        "id": doc.id, "year": doc.year, "level": doc.level, "annotator": doc.annotator,
        "source": doc.source, "text_sha256": doc.text_sha256,
    }
    sdoc.user_data[RECORDS_KEY] = [record.to_dict() for record in doc.records]
    return sdoc


def export_docs(docs: Sequence[GoldDoc], path: PathLike) -> None:
    """Write ``docs`` (texts attached) as one ``.spacy`` DocBin file."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    vocab = Vocab()
    binder = DocBin(store_user_data=True)
    for doc in docs:
        binder.add(doc_to_spacy(doc, vocab))
    write_atomic(path, binder.to_bytes())


def _plain(value: Any) -> Any:
    """msgpack hands lists back as tuples; make them lists again for equality and JSON."""
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def spacy_to_doc(sdoc: "Doc", where: str) -> GoldDoc:
    """A gold document (text inline) from a ``Doc`` written by :func:`doc_to_spacy`."""
    meta = sdoc.user_data.get(DOC_KEY)
    if not isinstance(meta, dict) or not isinstance(meta.get("id"), str):
        raise AnnotationError(f"{where}: no {DOC_KEY} data (was this DocBin written by govie?)")
    group = sdoc.spans[config.DOCBIN_SPANS_KEY] if config.DOCBIN_SPANS_KEY in sdoc.spans else sdoc.ents
    spans, taken = [], {span.id_ for span in group if span.id_}
    counter = 0
    for span in group:
        span_id = span.id_
        if not span_id:
            counter += 1
            while f"s{counter}" in taken:
                counter += 1
            span_id = f"s{counter}"
            taken.add(span_id)
        spans.append(GoldSpan(span_id, span.start_char, span.end_char, span.label_))
    records = [GoldRecord.from_dict(item) for item in _plain(sdoc.user_data.get(RECORDS_KEY, []))]
    return GoldDoc(id=meta["id"], year=meta.get("year"), level=meta.get("level"),  # type: ignore[arg-type]
                   spans=spans, records=records, text=sdoc.text,
                   text_sha256=meta.get("text_sha256"), annotator=meta.get("annotator"),
                   source=meta.get("source"))


def import_docs(path: PathLike) -> list[GoldDoc]:
    """Gold documents (text inline) from a ``.spacy`` DocBin written by :func:`export_docs`."""
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    path = Path(path)
    try:
        binder = DocBin(store_user_data=True).from_bytes(path.read_bytes())
    except OSError as exc:
        raise AnnotationError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise AnnotationError(f"{path}: not a spaCy DocBin file ({exc})") from None
    docs = []
    for i, sdoc in enumerate(binder.get_docs(Vocab())):
        doc = spacy_to_doc(sdoc, f"{path}: doc {i}")
        doc.origin = f"{path}: doc {i}"
        docs.append(doc)
    return docs
