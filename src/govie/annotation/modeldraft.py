"""Model-assisted drafts: turn what a trained model extracts into a gold-format draft.

The rule pre-annotator (:mod:`govie.annotation.preannotate`) gets about a third of the
records right; a trained model gets most of them right, so correcting its draft costs an
annotator far fewer edits. The price is anchoring: an annotator who corrects a model's draft
tends to keep what the model did, so a model-drafted file must be reviewed record by record
(the annotations README says which files were drafted this way).
"""
from __future__ import annotations

from typing import Any, Optional

from govie.config import DEFAULT_AREA
from govie.pipeline import Analysis


def analysis_to_gold(analysis: Analysis, *, doc_id: str, year: Optional[int],
                     level: Optional[str], annotator: str = "model-draft") -> dict[str, Any]:
    """The records of ``analysis`` as a gold-format document (guideline §5, no text).

    A record's DOMAIN is the evidence of its policy area when that evidence is a DOMAIN span
    the tagger found; spans no record uses are left out, as in gold files.
    """
    spans: dict[tuple[int, int, str], str] = {}

    def span_id(start: int, end: int, label: str) -> str:
        return spans.setdefault((start, end, label), f"s{len(spans) + 1}")

    domains = {(s.start, s.end) for s in analysis.spans if s.label == "DOMAIN"}
    records: list[dict[str, Any]] = []
    for record in sorted(analysis.records, key=lambda r: r.value.span.start):
        value, quantity = record.value.span, record.value.quantity
        evidence = record.policy_area.evidence if record.policy_area else None
        domain = evidence if evidence is not None and (evidence.start, evidence.end) in domains else None
        records.append({
            "indicator": span_id(record.indicator.start, record.indicator.end, "INDICATOR")
            if record.indicator else None,
            "value": span_id(value.start, value.end, "VALUE"),
            "time": span_id(record.time.start, record.time.end, "TIME") if record.time else None,
            "domain": span_id(domain.start, domain.end, "DOMAIN") if domain else None,
            "number": quantity.number, "unit": quantity.unit, "qualifier": quantity.qualifier,
            "low": quantity.low, "high": quantity.high,
            "change": record.change, "kind": record.kind,
            "year": record.year, "year_start": record.year_start,
            "policy_area": record.policy_area.label if record.policy_area else DEFAULT_AREA,
        })
    span_list = [{"id": sid, "start": s, "end": e, "label": label}
                 for (s, e, label), sid in spans.items()]
    return {"id": doc_id, "year": year, "level": level, "spans": span_list,
            "records": records, "annotator": annotator}
