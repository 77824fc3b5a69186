"""Counts of a gold set — per split, label, policy area, kind, change — as Markdown tables.

``govie annotations stats annotations/`` prints what ``annotations/README.md`` shows, so the
README's numbers can always be regenerated from the files.
"""
from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

from govie import config
from govie.annotation.schema import load_docs
from govie.data import read_splits


def gold_stats(root: str) -> dict[str, Any]:
    docs = load_docs(Path(root) / "gold")
    splits = read_splits(Path(root) / "splits.tsv")
    out: dict[str, Counter] = {k: Counter() for k in ("docs", "labels", "areas", "kinds", "changes",
                                                       "levels", "records")}
    for doc in docs:
        split = splits.get(doc.id, "unsplit")
        out["docs"][split] += 1
        out["levels"][(split, doc.level)] += 1
        out["records"][split] += len(doc.records)
        for span in doc.spans:
            out["labels"][(split, span.label)] += 1
        for rec in doc.records:
            out["areas"][(split, rec.policy_area)] += 1
            out["kinds"][(split, rec.kind)] += 1
            out["changes"][(split, rec.change)] += 1
    return out


def _table(title: str, counts: Counter, keys: tuple[str, ...], splits: list[str]) -> list[str]:
    lines = [f"| {title} | " + " | ".join(splits) + " | all |", "|---" * (len(splits) + 2) + "|"]
    for key in keys:
        row = [counts[(s, key)] for s in splits]
        lines.append(f"| {key} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    return lines


def format_stats(stats: dict[str, Any]) -> str:
    splits = [s for s in (*config.SPLITS, "unsplit") if stats["docs"][s]]
    lines = ["| split | documents | records |", "|---|---|---|"]
    lines += [f"| {s} | {stats['docs'][s]} | {stats['records'][s]} |" for s in splits]
    lines.append(f"| all | {sum(stats['docs'].values())} | {sum(stats['records'].values())} |")
    for title, key, keys in (("level", "levels", config.LEVELS), ("span label", "labels", config.SPAN_LABELS),
                             ("policy area", "areas", config.POLICY_AREAS), ("kind", "kinds", config.KINDS),
                             ("change", "changes", config.CHANGES)):
        lines += ["", *_table(title, stats[key], keys, splits)]
    return "\n".join(lines)


def cmd_stats(args: argparse.Namespace) -> int:
    print(format_stats(gold_stats(args.path)))
    return 0


def add_command(commands) -> None:
    p = commands.add_parser("stats", help="counts per split, label, area, kind (Markdown)")
    p.add_argument("path", nargs="?", default=str(config.DEFAULT_ANNOTATIONS_DIR),
                   help="annotation folder with gold/ and splits.tsv")
    p.set_defaults(func=cmd_stats)
