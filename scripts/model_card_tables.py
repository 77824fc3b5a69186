"""Markdown tables for a model card from `govie evaluate --json` output.

    govie evaluate --annotations annotations --split test --json > eval.json
    python scripts/model_card_tables.py eval.json
"""
from __future__ import annotations

import json
import sys

LABELS = ("INDICATOR", "VALUE", "TIME", "DOMAIN", "micro")


def pct(x: float) -> str:
    return f"{100 * x:.1f}"


def main(path: str) -> None:
    reports = json.load(open(path, encoding="utf-8"))
    systems = list(reports)
    for mode in ("strict", "overlap"):
        print(f"\nSpan P / R / F1 ({mode}), %\n")
        print("| label | support | " + " | ".join(f"{s} P | {s} R | {s} F1" for s in systems) + " |")
        print("|---" * (2 + 3 * len(systems)) + "|")
        for label in LABELS:
            first = reports[systems[0]]["spans"][mode].get(label)
            if first is None:
                continue
            cells = []
            for s in systems:
                sc = reports[s]["spans"][mode].get(label, {"precision": 0, "recall": 0, "f1": 0})
                cells += [pct(sc["precision"]), pct(sc["recall"]), pct(sc["f1"])]
            print(f"| {label} | {first['support']} | " + " | ".join(cells) + " |")
    print("\nRelations and records, P / R / F1 %\n")
    print("| | " + " | ".join(systems) + " |")
    print("|---" * (1 + len(systems)) + "|")
    for name in ("indicator", "time", "domain"):
        print(f"| link: {name} | " + " | ".join(
            "{} / {} / **{}**".format(*(pct(reports[s]["relations"][name][k]) for k in ("precision", "recall", "f1")))
            for s in systems) + " |")
    print("| record | " + " | ".join(
        "{} / {} / **{}**".format(*(pct(reports[s]["records"][k]) for k in ("precision", "recall", "f1")))
        for s in systems) + " |")
    print("\nField accuracy on exactly found values, %\n")
    print("| field | " + " | ".join(systems) + " |")
    print("|---" * (1 + len(systems)) + "|")
    for field in reports[systems[0]]["fields"]:
        print(f"| {field} | " + " | ".join(pct(reports[s]["fields"][field]) for s in systems) + " |")
    rel = reports[systems[0]].get("reliability", {})
    if rel.get("bins"):
        print(f"\nReliability of `score` ({systems[0]}; expected calibration error {rel['ece']:.3f})\n")
        print("| score bin | records | mean score | share correct |")
        print("|---|---|---|---|")
        for b in rel["bins"]:
            print(f"| {b['bin']} | {b['n']} | {b['mean_score']:.2f} | {b['accuracy']:.2f} |")
    print("\nWorst documents (record F1): " + ", ".join(
        f"{d['doc']} {pct(d['f1'])}" for d in reports[systems[0]]["worst_documents"]))


if __name__ == "__main__":
    main(sys.argv[1])
