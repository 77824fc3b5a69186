"""Inter-annotator agreement: two independent annotations of the same document, scored
against each other with the evaluation's own definitions (span F1 strict/overlap, record F1,
per-field agreement on shared values). F1 is symmetric, so which side is "gold" only
swaps precision and recall.
"""
from __future__ import annotations

import argparse
import json
from typing import Any

from govie.annotation.schema import attach_text, load_docs
from govie.data import doc_to_row
from govie.errors import AnnotationError
from govie.evaluate import Prediction, evaluate_predictions


def agreement(path_a: str, path_b: str, corpus: Any = None) -> dict[str, Any]:
    """Scores of annotation B against annotation A (each a file or folder, matched by doc id)."""
    docs_a = {d.id: attach_text(d, corpus) for d in load_docs(path_a)}
    docs_b = {d.id: attach_text(d, corpus) for d in load_docs(path_b)}
    shared = sorted(docs_a.keys() & docs_b.keys())
    if not shared:
        raise AnnotationError(f"{path_a} and {path_b} share no document id")
    rows_a = [doc_to_row(docs_a[i]) for i in shared]
    preds = []
    for i in shared:
        row = doc_to_row(docs_b[i])
        preds.append(Prediction(i, [(s["start"], s["end"], s["label"]) for s in row["spans"]], row["records"]))
    report = evaluate_predictions(rows_a, preds)
    report["documents"] = shared
    return report


def cmd_agree(args: argparse.Namespace) -> int:
    report = agreement(args.a, args.b, args.corpus)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    print(f"documents: {', '.join(report['documents'])}")
    for mode in ("strict", "overlap"):
        cells = ", ".join(f"{label} {100 * s['f1']:.1f}" for label, s in report["spans"][mode].items())
        print(f"span F1 ({mode}): {cells}")
    print(f"record F1: {100 * report['records']['f1']:.1f}  "
          f"(indicator link F1 {100 * report['relations']['indicator']['f1']:.1f}, "
          f"time {100 * report['relations']['time']['f1']:.1f}, domain {100 * report['relations']['domain']['f1']:.1f})")
    print("field agreement on shared values: " + ", ".join(f"{k} {100 * v:.1f}" for k, v in report["fields"].items()))
    return 0


def add_command(commands) -> None:
    p = commands.add_parser("agree", help="agreement between two independent annotations")
    p.add_argument("a", help="first annotation (file or folder)")
    p.add_argument("b", help="second annotation of the same document(s)")
    p.add_argument("--corpus", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_agree)
