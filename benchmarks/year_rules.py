"""How well the document structure resolves years, given the gold links.

    python benchmarks/year_rules.py [--annotations DIR] [--corpus DIR] [--by-section]

A record's year comes from rules, not from a model: its TIME if linked, else the section
type of the document parse (review, five-year review, plan, …) and the words before the
value (:func:`govie.attributes.value_year`). This script isolates those rules from the
tagger and linker: for every gold record it feeds the gold TIME and gold ``change`` to
``value_year`` and prints, per split, how often ``year`` and ``year_start`` come out as
the annotators coded them. ``--by-section`` adds one row per section type of the parse,
which shows where a change to ``govie.document`` moved the numbers.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import Any, Iterable

from govie.attributes import value_year
from govie.config import DEFAULT_ANNOTATIONS_DIR, SPLITS
from govie.data import load_annotations, row_in_reading
from govie.document import parse_document
from govie.errors import GovieError
from govie.times import resolve_time


def score_rows(rows: Iterable[dict[str, Any]]) -> dict[str, Counter]:
    """Counts of records, right years and right first years, per section type and ``all``."""
    counts: dict[str, Counter] = {}
    for row in rows:
        doc = parse_document(row["text"], doc_id=row["id"], year=row["year"])
        for record in row["records"]:
            start = record["value"]["start"]
            section_type = doc.section_type_at(start)
            gold_time = record["time"]
            time = (gold_time["start"], gold_time["end"], *resolve_time(gold_time["text"], row["year"])) \
                if gold_time else None
            year, year_start = value_year(doc, start, section_type, time, record["change"])
            for key in ("all", section_type):
                c = counts.setdefault(key, Counter())
                c["records"] += 1
                c["year"] += year == record["year"]
                c["year_start"] += year_start == record["year_start"]
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--annotations", default=DEFAULT_ANNOTATIONS_DIR)
    parser.add_argument("--corpus", default=None)
    parser.add_argument("--by-section", action="store_true")
    args = parser.parse_args(argv)
    try:
        data = load_annotations(args.annotations, args.corpus)
    except GovieError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print("| split | section | records | year % | year_start % |")
    print("|---|---|---|---|---|")
    for split in SPLITS:
        counts = score_rows(row_in_reading(row) for row in data[split])  # as the extractor reads
        keys = ["all"] + (sorted(k for k in counts if k != "all") if args.by_section else [])
        for key in keys:
            c = counts.get(key, Counter())
            n = c["records"] or 1
            print(f"| {split} | {key} | {c['records']} | {100 * c['year'] / n:.1f} | {100 * c['year_start'] / n:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
