"""The Extractor: text -> Document -> NER spans -> links -> records. Loads models once.

Flow (one direction, ARCHITECTURE.md): ``parse_document`` gives sentences, headings and
section types; only sentences that may hold a quantity go to the NER tagger (batched across
all texts of a call, by length); a linker ties each VALUE to its spans; ``assemble`` turns
links into records.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional, Sequence

from govie.assemble import assemble
from govie.calibration import platt_apply
from govie.config import DEFAULT_MODEL_DIR, EXTRACT_BATCH_SIZE, MIN_PHRASE_CHARS
from govie.document import Document, parse_document
from govie.errors import ModelError
from govie.layout import Reading, read
from govie.quantities import NUMERAL_WORDS, delimit_value, find_quantities, may_hold_value, numbers_a_session
from govie.records import Record, Span
from govie.relations.links import Linker, repair_links
from govie.relations.rules import RuleLinker


def value_regions(document: Document) -> list[tuple[int, int]]:
    """The sentences the tagger reads: those that may hold a quantity. Training the relation
    heads uses the same regions, so their encoder states match inference."""
    return [(s.start, s.end) for s in document.sentences
            if may_hold_value(document.text[s.start:s.end])]


def plausible(span: Span, text: str) -> bool:
    """Sanity rules on model spans: a VALUE must contain a number, and an INDICATOR or TIME
    of a single character is a fragment (``[积]极``) rather than a phrase, so they are dropped
    before linking. A one-character indicator is not impossible (18 of the 6,775 gold ones:
    commodities in old output lists, ``钢``, ``纱``, ``肉、蛋、奶``), but the tagger's
    one-character spans on dev and test were fragments (0 of 35 right), and keeping them cost
    dev INDICATOR F1 80.2 -> 79.2 at equal record F1. A VALUE that is a numeral word
    (:data:`govie.quantities.NUMERAL_WORDS`: ``十分`` = very) states no quantity, nor does one
    that numbers a session (``八次`` before ``全会``; ``text`` is the document the span is in)."""
    if span.label == "VALUE":
        return (may_hold_value(span.text) or "一" in span.text) and span.text not in NUMERAL_WORDS \
            and not numbers_a_session(text, span.end)
    if span.label in ("INDICATOR", "TIME"):
        return len(span.text.strip()) >= MIN_PHRASE_CHARS
    return True


def delimit_values(text: str, spans: Sequence[Span]) -> list[Span]:
    """Model spans with each VALUE's extent set by the quantity grammar
    (:func:`govie.quantities.delimit_value`: the model says *whether*, the grammar *where*).

    The grammar also wins over a neighbouring span that overlaps the new extent at one edge:
    the span gives up the overlap (``城镇新增就业不`` + ``少于28万人`` gives ``城镇新增就业`` +
    ``不少于28万人``; ``7.4万人`` + ``次干部下沉`` gives ``7.4万人次`` + ``干部下沉``), provided
    at least ``MIN_PHRASE_CHARS`` of it remain. A new extent that would swallow a span, split it,
    leave a fragment of it, or repeat a VALUE already kept is not taken: spans stay flat, and the
    model's own extent stays where the grammar cannot help.
    """
    matches = find_quantities(text)
    others = [s for s in spans if s.label != "VALUE"]
    values: list[Span] = []
    taken: set[tuple[int, int]] = set()
    for span in (s for s in spans if s.label == "VALUE"):
        extents = delimit_value(span.start, span.end, matches, text)
        yielded = _yield_overlaps(text, others, extents)
        if yielded is None:
            extents = [(span.start, span.end)]
        else:
            others = yielded
        for a, b in extents:
            if (a, b) not in taken:
                taken.add((a, b))
                values.append(Span(a, b, "VALUE", text[a:b], score=span.score))
    return sorted(others + values, key=lambda s: (s.start, s.end))


def _yield_overlaps(text: str, others: list[Span], extents: Sequence[tuple[int, int]]) -> Optional[list[Span]]:
    """``others`` with each span that overlaps one edge of an extent cut back to its own side,
    or None when some span cannot give way (it holds an extent, sits inside one, or would
    shrink below ``MIN_PHRASE_CHARS``)."""
    out = []
    for o in others:
        start, end = o.start, o.end
        for a, b in extents:
            if not (start < b and a < end):
                continue
            if a <= start and end > b:
                start = b
            elif start < a and end <= b:
                end = a
            else:
                return None
        if end - start < MIN_PHRASE_CHARS:
            return None
        out.append(o if (start, end) == (o.start, o.end) else replace(o, start=start, end=end, text=text[start:end]))
    return out


@dataclass
class Analysis:
    """Everything ``analyze`` found in one text: the document, NER spans and records.

    ``spans`` and ``records`` index the text as passed in; ``document`` is the parse of the
    reading copy (``reading.text``, :mod:`govie.layout`), which is that text unless its
    layout needed repair."""

    document: Document
    spans: list[Span]
    records: list[Record]
    reading: Optional[Reading] = None


def span_to_original(reading: Reading, span: Span) -> Span:
    """A span found in the reading copy, re-pointed at the original text."""
    if reading.is_identity:
        return span
    start, end = reading.to_original(span.start, span.end)
    return replace(span, start=start, end=end, text=reading.original[start:end])


def record_to_original(reading: Reading, record: Record) -> Record:
    """A record assembled on the reading copy, with every span re-pointed at the original
    (the parsed quantity stays: it was read from the repaired text)."""
    if reading.is_identity:
        return record
    def moved(span: Optional[Span]) -> Optional[Span]:
        return None if span is None else span_to_original(reading, span)
    area = record.policy_area
    return replace(record, value=replace(record.value, span=moved(record.value.span)),
                   indicator=moved(record.indicator), time=moved(record.time),
                   policy_area=None if area is None else replace(area, evidence=moved(area.evidence)))


class Extractor:
    """Holds a loaded tagger and linker; ``extract``/``extract_many`` reuse them."""

    def __init__(self, tagger, linker: Optional[Linker] = None) -> None:
        self.tagger = tagger
        self.linker: Linker = linker or RuleLinker()
        #: the model linker reads encoder states; the rule linker does not need them
        self.needs_hidden = not isinstance(self.linker, RuleLinker)
        #: Platt map of record scores stored with the relation heads (None: raw scores)
        model = getattr(self.linker, "model", None)
        self.record_calibration = getattr(model, "record_calibration", None)

    @classmethod
    def load(cls, path: Optional[str | Path] = None, *, device: Optional[str] = None,
             quantize: bool = False, word_prior: bool = True) -> "Extractor":
        """Load the NER model at ``path`` (default: the model shipped in ``models/``) and the
        relation heads stored beside it (the rule linker when there are none).
        ``word_prior=False`` decodes without the pkuseg word-boundary prior
        (``config.NER_WORD_BOUNDARY_PENALTY``)."""
        from govie.ner.tagger import NerTagger
        from govie.relations.linker import ModelLinker
        from govie.relations.model import RelationModel

        model_dir = Path(path) if path else DEFAULT_MODEL_DIR
        if not (model_dir / "govie_ner.json").exists():
            raise ModelError(f"{model_dir}: not a govie NER model (no govie_ner.json); "
                             "train one with 'govie train ner' or pass --model")
        linker = ModelLinker(RelationModel.load(model_dir)) if RelationModel.exists(model_dir) else None
        return cls(NerTagger.load(model_dir, device=device, quantize=quantize, word_prior=word_prior), linker)

    # -- analysis -------------------------------------------------------------------------
    def analyze_many(self, texts: Sequence[str], *, batch_size: int = EXTRACT_BATCH_SIZE,
                     years: Optional[Sequence[Optional[int]]] = None,
                     doc_ids: Optional[Sequence[Optional[str]]] = None) -> list[Analysis]:
        years = list(years) if years is not None else [None] * len(texts)
        doc_ids = list(doc_ids) if doc_ids is not None else [None] * len(texts)
        readings = [read(t) for t in texts]
        documents = [parse_document(r.text, doc_id=d, year=y) for r, y, d in zip(readings, years, doc_ids)]
        regions = [value_regions(doc) for doc in documents]
        tagged = self.tagger.analyze([r.text for r in readings], regions=regions, batch_size=batch_size,
                                     with_hidden=self.needs_hidden)
        out = []
        for reading, doc, tag, doc_id in zip(readings, documents, tagged, doc_ids):
            spans = delimit_values(doc.text, [s for s in tag.spans if plausible(s, doc.text)])
            links = repair_links(doc, spans, self.linker.link(doc, spans, tag.hidden))
            scores = {(s.start, s.end): s.score for s in spans if s.score is not None}
            records = assemble(doc, links, doc_id=doc_id, value_scores=scores)
            if self.record_calibration is not None:
                for record in records:
                    record.extra["raw_score"] = record.score
                    record.score = platt_apply(record.score, *self.record_calibration)
            out.append(Analysis(doc, [span_to_original(reading, s) for s in spans],
                                [record_to_original(reading, r) for r in records], reading))
        return out

    def analyze(self, text: str, *, year: Optional[int] = None, doc_id: Optional[str] = None) -> Analysis:
        return self.analyze_many([text], years=[year], doc_ids=[doc_id])[0]

    # -- records only -----------------------------------------------------------------------
    def extract(self, text: str, *, year: Optional[int] = None, doc_id: Optional[str] = None) -> list[Record]:
        return self.analyze(text, year=year, doc_id=doc_id).records

    def extract_many(self, texts: Sequence[str], *, batch_size: int = EXTRACT_BATCH_SIZE,
                     years: Optional[Sequence[Optional[int]]] = None,
                     doc_ids: Optional[Sequence[Optional[str]]] = None) -> list[list[Record]]:
        return [a.records for a in self.analyze_many(texts, batch_size=batch_size, years=years,
                                                     doc_ids=doc_ids)]
