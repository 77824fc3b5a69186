"""Record assembly: links + document structure -> ``Record`` objects (the research data).

The NER model and the linker decide *which* spans belong together; this module adds what
follows from rules of the guideline: the parsed quantity, the change type from the words
between indicator and value, the resolved year, the kind and the policy area with its
evidence span. Keeping it separate means a better linker changes nothing here.
"""
from __future__ import annotations

from typing import Optional

from govie.attributes import change_from_context, policy_area_for, value_kind, value_year
from govie.document import Document
from govie.quantities import parse_quantity
from govie.records import Record, Value
from govie.relations.links import Link
from govie.times import resolve_time


def assemble(document: Document, links: list[Link], *, doc_id: Optional[str] = None,
             value_scores: Optional[dict[tuple[int, int], float]] = None) -> list[Record]:
    """One Record per link, in text order."""
    text = document.text
    records = []
    for link in sorted(links, key=lambda l: l.value.start):
        sentence = document.sentence_at(link.value.start)
        section_type = document.section_type_at(link.value.start)
        between_start = link.indicator.end if link.indicator and link.indicator.end <= link.value.start \
            else (sentence.start if sentence else max(0, link.value.start - 8))
        change = link.change or change_from_context(text[between_start:link.value.start],
                                                    link.indicator.text if link.indicator else "")
        time = (link.time.start, link.time.end, *resolve_time(link.time.text, document.year)) if link.time else None
        year, year_start = value_year(document, link.value.start, section_type, time, change)
        kind = value_kind(document, link.value.start, section_type, year, link.kind)
        score = link.score * (value_scores or {}).get((link.value.start, link.value.end), 1.0)
        records.append(Record(
            value=Value(link.value, parse_quantity(link.value.text)),
            indicator=link.indicator, time=link.time, year=year, year_start=year_start,
            policy_area=policy_area_for(document, link.value.start, link.domain, link.indicator, link.area), change=change, kind=kind, score=score, doc=doc_id,
        ))
    return records
