"""End-to-end evaluation against gold: spans, relations, records, fields; the CI threshold gate.

Definitions (all strict on offsets, because a research record needs exact spans):

* span P/R/F1 per label, ``strict`` and ``overlap`` (:mod:`govie.metrics`);
* relation P/R/F1 per link type: a (VALUE span, INDICATOR|TIME|DOMAIN span) pair is right
  when both spans match exactly;
* record P/R/F1: a predicted record is right when its value span, indicator span, number,
  year and policy area all equal the gold record's (guideline §2; issue #5);
* field accuracy: over gold records whose VALUE was found exactly, how often each field is
  right — this separates NER misses from attribute errors;
* a confusion table of policy areas and the documents with the lowest record F1.

Systems are compared on the same documents: the shipped model (``model``) and the rule-based
pre-annotator (``rules``), which is the baseline every model must beat.
"""
from __future__ import annotations

import json
import math
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from govie import config
from govie.errors import GovieError
from govie.metrics import Score, format_table, scores_to_dict, span_scores

Row = dict[str, Any]  # one document as returned by govie.data.load_annotations
LINK_TYPES = ("indicator", "time", "domain")
FIELDS = ("indicator", "time", "number", "unit", "qualifier", "change", "kind", "year",
          "year_start", "policy_area")


@dataclass
class Prediction:
    """What one system produced for one document, in the gold row shape."""

    doc_id: str
    spans: list[tuple[int, int, str]]
    records: list[dict[str, Any]]


def _key(ref: Optional[dict[str, Any]]) -> Optional[tuple[int, int]]:
    return None if ref is None else (int(ref["start"]), int(ref["end"]))


def _same_number(a: Optional[float], b: Optional[float]) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)


def _field_equal(name: str, gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    if name in LINK_TYPES:
        return _key(gold.get(name)) == _key(pred.get(name))
    if name == "number":
        return _same_number(gold.get("number"), pred.get("number"))
    return gold.get(name) == pred.get(name)


def record_correct(gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    """The issue's definition: value, indicator, number, year and policy area all right."""
    return all(_field_equal(f, gold, pred) for f in ("indicator", "number", "year", "policy_area")) \
        and _key(gold["value"]) == _key(pred["value"])


def record_scores(gold_rows: Sequence[Row], preds: Sequence[Prediction]) -> dict[str, Any]:
    """Relation, record and field scores plus area confusion and per-document record F1."""
    rel_counts = {t: Counter() for t in LINK_TYPES}
    rec = Counter()
    field_right, field_total = Counter(), 0
    confusion: Counter = Counter()
    per_doc = []
    scored: list[tuple[float, bool]] = []
    for row, pred in zip(gold_rows, preds):
        gold_by_value = {_key(r["value"]): r for r in row["records"]}
        pred_by_value = {_key(r["value"]): r for r in pred.records}
        for t in LINK_TYPES:
            g = {(v, _key(r[t])) for v, r in gold_by_value.items() if r.get(t)}
            p = {(v, _key(r[t])) for v, r in pred_by_value.items() if r.get(t)}
            rel_counts[t].update(correct=len(g & p), predicted=len(p), support=len(g))
        correct = 0
        for v, g in gold_by_value.items():
            p = pred_by_value.get(v)
            if p is None:
                continue
            field_total += 1
            for f in FIELDS:
                field_right[f] += _field_equal(f, g, p)
            confusion[(g.get("policy_area"), p.get("policy_area"))] += 1
            correct += record_correct(g, p)
        for v, p in pred_by_value.items():
            if p.get("score") is not None:
                g = gold_by_value.get(v)
                scored.append((float(p["score"]), g is not None and record_correct(g, p)))
        rec.update(correct=correct, predicted=len(pred_by_value), support=len(gold_by_value))
        doc_score = Score.from_counts(correct, len(pred_by_value), len(gold_by_value))
        per_doc.append({"doc": row["id"], "f1": doc_score.f1, "support": len(gold_by_value)})
    return {
        "relations": {t: Score.from_counts(c["correct"], c["predicted"], c["support"]).to_dict()
                      for t, c in rel_counts.items()},
        "records": Score.from_counts(rec["correct"], rec["predicted"], rec["support"]).to_dict(),
        "fields": {f: (field_right[f] / field_total if field_total else 0.0) for f in FIELDS},
        "fields_support": field_total,
        "area_confusion": {f"{g}->{p}": n for (g, p), n in sorted(confusion.items()) if g != p},
        "worst_documents": sorted(per_doc, key=lambda d: d["f1"])[: config.EVAL_WORST_DOCS],
        "reliability": reliability(scored),
    }


def reliability(scored: Sequence[tuple[float, bool]]) -> dict[str, Any]:
    """Is ``score`` a calibrated confidence? Per score bin: records, mean score, share correct;
    plus the expected calibration error (record-weighted |accuracy - mean score|)."""
    edges = config.EVAL_RELIABILITY_BINS
    bins = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = [(s, ok) for s, ok in scored if lo <= s < hi or (hi == edges[-1] and s == hi)]
        if inside:
            mean = sum(s for s, _ in inside) / len(inside)
            acc = sum(ok for _, ok in inside) / len(inside)
            bins.append({"bin": f"{lo:.1f}-{hi:.1f}", "n": len(inside), "mean_score": mean, "accuracy": acc})
    total = sum(b["n"] for b in bins)
    ece = sum(b["n"] * abs(b["accuracy"] - b["mean_score"]) for b in bins) / total if total else 0.0
    return {"bins": bins, "ece": ece}


def evaluate_predictions(gold_rows: Sequence[Row], preds: Sequence[Prediction]) -> dict[str, Any]:
    gold_spans = [[(s["start"], s["end"], s["label"]) for s in row["spans"]] for row in gold_rows]
    pred_spans = [p.spans for p in preds]
    report = {mode: scores_to_dict(span_scores(gold_spans, pred_spans, mode)) for mode in ("strict", "overlap")}
    return {"spans": report, **record_scores(gold_rows, preds)}


# --- systems -----------------------------------------------------------------------------

def _record_dict(record) -> dict[str, Any]:
    d = record.to_dict()
    return {"value": d["value"], "indicator": d["indicator"], "time": d["time"],
            "domain": (d["policy_area"] if d["policy_area"] and record.policy_area.evidence is not None
                       and record.policy_area.evidence.label == "DOMAIN" else None),
            "number": d["value"]["number"], "unit": d["value"]["unit"],
            "qualifier": d["value"]["qualifier"], "change": d["change"], "kind": d["kind"],
            "year": d["year"], "year_start": d["year_start"],
            "policy_area": d["policy_area"]["label"] if d["policy_area"] else None, "score": d["score"]}


def predict_with_model(rows: Sequence[Row], model: Optional[str] = None, *,
                       batch_size: int = config.EXTRACT_BATCH_SIZE, use_gold_year: bool = True,
                       extractor=None) -> list[Prediction]:
    """Run the shipped (or given) model, or a ready ``extractor``, through the whole extractor."""
    from govie.pipeline import Extractor

    extractor = extractor or Extractor.load(model)
    analyses = extractor.analyze_many([r["text"] for r in rows], batch_size=batch_size,
                                      years=[r["year"] if use_gold_year else None for r in rows],
                                      doc_ids=[r["id"] for r in rows])
    return [Prediction(r["id"], [(s.start, s.end, s.label) for s in a.spans],
                       [_record_dict(rec) for rec in a.records]) for r, a in zip(rows, analyses)]


def predict_with_rules(rows: Sequence[Row], *, use_gold_year: bool = True) -> list[Prediction]:
    """The rule-based pre-annotator on the same documents (the baseline)."""
    from govie.annotation.preannotate import preannotate

    out = []
    for r in rows:
        doc = preannotate(r["text"], doc_id=r["id"], year=r["year"] if use_gold_year else None)
        spans = {s["id"]: s for s in doc["spans"]}
        ref = lambda sid: None if sid is None else {"start": spans[sid]["start"], "end": spans[sid]["end"]}
        records = [{**{k: v for k, v in rec.items() if k not in ("indicator", "value", "time", "domain")},
                    "value": ref(rec["value"]), "indicator": ref(rec["indicator"]),
                    "time": ref(rec["time"]), "domain": ref(rec["domain"])} for rec in doc["records"]]
        out.append(Prediction(r["id"], [(s["start"], s["end"], s["label"]) for s in doc["spans"]], records))
    return out


SYSTEMS: dict[str, Callable[..., list[Prediction]]] = {"model": predict_with_model, "rules": predict_with_rules}


# --- the threshold gate --------------------------------------------------------------------

def metric_at(report: dict[str, Any], path: str) -> float:
    """``spans.strict.VALUE.f1`` -> the number at that path of a system's report."""
    node: Any = report
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise GovieError(f"threshold names '{path}', which the evaluation report does not have")
        node = node[part]
    return float(node)


def check_thresholds(report: dict[str, Any], thresholds: dict[str, float]) -> list[str]:
    """Failures as readable lines; empty when every metric is at or above its threshold."""
    return [f"{path} = {metric_at(report, path):.4f} < {minimum:.4f}"
            for path, minimum in sorted(thresholds.items()) if metric_at(report, path) < minimum]


# --- presentation --------------------------------------------------------------------------

def format_report(reports: dict[str, dict[str, Any]]) -> str:
    lines = []
    for mode in ("strict", "overlap"):
        lines.append(f"Span P/R/F1 ({mode}), %")
        lines.append(format_table({name: rep["spans"][mode] for name, rep in reports.items()}))
        lines.append("")
    lines.append("Relations and records, F1 %  (P / R in brackets)")
    names = list(reports)
    lines.append("  " + "".ljust(12) + "".join(n.rjust(26) for n in names))
    rows = [(f"link:{t}", lambda rep, t=t: rep["relations"][t]) for t in LINK_TYPES] + \
           [("record", lambda rep: rep["records"])]
    for label, get in rows:
        cells = [f"{100 * get(rep)['f1']:5.1f} ({100 * get(rep)['precision']:4.1f}/{100 * get(rep)['recall']:4.1f})"
                 for rep in reports.values()]
        lines.append("  " + label.ljust(12) + "".join(c.rjust(26) for c in cells))
    lines.append("")
    lines.append("Field accuracy on exactly found values, %")
    for f in FIELDS:
        lines.append("  " + f.ljust(12) + "".join(f"{100 * rep['fields'][f]:26.1f}" for rep in reports.values()))
    for name, rep in reports.items():
        lines.append("")
        lines.append(f"[{name}] policy-area confusions (gold->pred: n): "
                     + (", ".join(f"{k}: {v}" for k, v in sorted(rep["area_confusion"].items(),
                                                               key=lambda kv: -kv[1])[:10]) or "none"))
        rel = rep.get("reliability", {})
        if rel.get("bins"):
            lines.append(f"[{name}] reliability of record scores (ECE {rel['ece']:.3f}): "
                         + ", ".join(f"{b['bin']}: n={b['n']} score={b['mean_score']:.2f} "
                                     f"correct={b['accuracy']:.2f}" for b in rel["bins"]))
        lines.append(f"[{name}] worst documents (record F1): "
                     + ", ".join(f"{d['doc']} {100 * d['f1']:.1f}" for d in rep["worst_documents"]))
    return "\n".join(lines)


def run(annotations: str, split: str, *, model: Optional[str] = None, corpus: Optional[str] = None,
        systems: Sequence[str] = ("model", "rules"), use_gold_year: bool = True) -> dict[str, dict[str, Any]]:
    from govie.data import load_annotations

    dataset = load_annotations(annotations, corpus=corpus)
    if split not in dataset:
        raise GovieError(f"no split '{split}' in {annotations} (have: {', '.join(dataset)})")
    rows = list(dataset[split])
    if not rows:
        raise GovieError(f"split '{split}' of {annotations} has no documents")
    reports = {}
    for name in systems:
        kwargs = {"model": model} if name == "model" else {}
        preds = SYSTEMS[name](rows, use_gold_year=use_gold_year, **kwargs)
        reports[name] = evaluate_predictions(rows, preds)
    return reports


def command(args) -> int:
    systems = ["model"] + ([] if args.no_baseline else ["rules"])
    reports = run(args.annotations, args.split, model=args.model, corpus=args.corpus, systems=systems,
                  use_gold_year=not args.detect_year)
    if args.json:
        print(json.dumps(reports, ensure_ascii=False, indent=1))
    else:
        print(format_report(reports))
    if args.thresholds:
        spec = json.loads(Path(args.thresholds).read_text(encoding="utf-8"))
        failures = check_thresholds(reports["model"], spec["min"])
        for line in failures:
            print(f"govie evaluate: below threshold: {line}", file=sys.stderr)
        if failures:
            return 1
        print(f"all {len(spec['min'])} thresholds of {args.thresholds} met", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("evaluate", help="score the model (and the rule baseline) on gold annotations")
    p.add_argument("--annotations", default="annotations")
    p.add_argument("--split", default="test", choices=config.SPLITS)
    p.add_argument("--model", default=None, help="model dir (default: the shipped model)")
    p.add_argument("--corpus", default=None, help="folder of the report texts")
    p.add_argument("--json", action="store_true", help="print the full report as JSON")
    p.add_argument("--thresholds", default=None, help="JSON file {'min': {metric path: value}}; exit 1 below")
    p.add_argument("--no-baseline", action="store_true", help="skip the rule-based baseline")
    p.add_argument("--detect-year", action="store_true",
                   help="detect the report year from the text instead of taking the gold year")
    p.set_defaults(func=command)
