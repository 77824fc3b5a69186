"""Headline benchmark: does govie find each national report's own-year growth target?

    python benchmarks/headline_targets.py [--model DIR | --rules] [--corpus DIR] [--targets TSV]

Researchers use govie first of all for one number per report: the growth target the
government sets for the year the report is read in (``国内生产总值增长5%左右``; for old
reports ``国民生产总值``, ``工农业总产值`` …). ``headline_targets.tsv`` next to this script
holds that number for every national report, checked by hand against the text (``none``
where a report sets no own-year target, e.g. 2020). This script runs the extractor (or, with
``--rules``, the rule-based pre-annotator for comparison) on every national report, picks the
headline record with :func:`select_headline` and prints one row per report with the 30
characters around the picked value, so a reader can check a ✗ at a glance.

The corpus stays in ../shared (never copied into the project); the TSV refers to reports by
id only and stores no sentences.
"""
from __future__ import annotations

import argparse
import csv
import math
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence

from govie.config import DEFAULT_CORPUS_DIR, QUALIFIERS
from govie.errors import AnnotationError, GovieError
from govie.records import Quantity, Record, Span, Value

#: The hand-checked targets, one row per national report.
DEFAULT_TARGETS = Path(__file__).resolve().with_name("headline_targets.tsv")
TSV_COLUMNS: tuple[str, ...] = ("doc_id", "year", "measure", "value_text", "number", "low", "high",
                                "qualifier", "note")
#: Characters of text shown around the picked value (half before, half after).
CONTEXT_CHARS = 30
#: Two numbers are the same target when they differ by less than this (floats from parsing).
NUMBER_TOLERANCE = 1e-6

#: Output measures a headline growth target is stated in, across 1954-2025: GDP, GNP,
#: combined industrial and agricultural output (1950s-80s), national income, and the
#: generic "economic growth (rate)" of the 1990s-2000s.
_MEASURE = re.compile(
    r"国内生产总值|国民生产总值|工农业总产值|工业农业总产值|工农业生产总值|工业和农业总产值|国民收入"
    # bare 经济 only as the whole economy (not 数字经济, 民营经济, 经济结构 …)
    r"|(?:^|[的我全中]国|的|今年|全年)(?:国民)?经济(?=增长|增速|发展速度|$)"
)
#: Words that turn a measure into a different quantity: per unit, per head, a share of it,
#: its energy intensity, a contribution to it. ``单位国内生产总值能耗`` is no growth target.
_OTHER_QUANTITY = re.compile(r"单位|人均|每|占|比重|比例|贡献|能耗|排放|用水|中的|弹性")
#: An indicator that is itself a growth rate: ``经济增长速度…定为8%`` is, by the guideline,
#: a *level* of the rate, but it states the same target as ``国内生产总值增长8%``.
_RATE_WORDS = re.compile(r"增长|增速|速度|增长率")
#: Units a growth target can carry (the parser leaves ``百分之八至九`` without a unit).
_RATE_UNITS = frozenset({"%", ""})


# --- the hand-checked targets ------------------------------------------------------------

@dataclass(frozen=True)
class Expected:
    """One row of headline_targets.tsv: a report's own-year target, or none (``value_text`` empty)."""

    doc_id: str
    year: int
    measure: str
    value_text: str
    number: Optional[float]
    low: Optional[float]
    high: Optional[float]
    qualifier: str
    note: str

    @property
    def has_target(self) -> bool:
        return bool(self.value_text)

    def describe(self) -> str:
        return f"{self.value_text} {self.qualifier}" if self.has_target else "none"


def _float(cell: str, where: str, column: str) -> Optional[float]:
    if cell == "":
        return None
    try:
        return float(cell)
    except ValueError:
        raise AnnotationError(f"{where}: column {column} is not a number: {cell!r}") from None


def load_targets(path: Path = DEFAULT_TARGETS) -> list[Expected]:
    """Read headline_targets.tsv; a malformed row raises ``AnnotationError`` naming file and line."""
    try:
        handle = open(path, encoding="utf-8", newline="")
    except OSError as err:
        raise AnnotationError(f"{path}: cannot read targets ({err.strerror})") from None
    out: list[Expected] = []
    with handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or tuple(header) != TSV_COLUMNS:
            raise AnnotationError(f"{path}:1: header must be {' '.join(TSV_COLUMNS)}")
        for line_no, cells in enumerate(reader, start=2):
            where = f"{path}:{line_no}"
            if len(cells) != len(TSV_COLUMNS):
                raise AnnotationError(f"{where}: {len(cells)} columns, expected {len(TSV_COLUMNS)}")
            row = dict(zip(TSV_COLUMNS, cells))
            if not row["year"].isdigit():
                raise AnnotationError(f"{where}: year is not a year: {row['year']!r}")
            if row["value_text"] and row["qualifier"] not in QUALIFIERS:
                raise AnnotationError(f"{where}: qualifier {row['qualifier']!r} is not one of {QUALIFIERS}")
            if not row["value_text"] and any(row[c] for c in ("measure", "number", "low", "high", "qualifier")):
                raise AnnotationError(f"{where}: a none row must leave measure, number, low, high, qualifier empty")
            out.append(Expected(row["doc_id"], int(row["year"]), row["measure"], row["value_text"],
                                _float(row["number"], where, "number"), _float(row["low"], where, "low"),
                                _float(row["high"], where, "high"), row["qualifier"], row["note"]))
    return out


# --- the selection rule --------------------------------------------------------------------

def names_headline_measure(indicator: str) -> bool:
    """Does this INDICATOR text name a headline output measure itself (not a ratio or intensity of it)?"""
    compact = re.sub(r"[\s“”\"'‘’]", "", indicator)
    return _MEASURE.search(compact) is not None and _OTHER_QUANTITY.search(compact) is None


def select_headline(records: Iterable[Record], year: int) -> Optional[Record]:
    """The record stating the report's own-year growth target, or None when there is none.

    A candidate is a ``target`` record for ``year`` (the report year), in percent, whose
    indicator names a headline output measure (:func:`names_headline_measure`: GDP, GNP,
    工农业总产值, 国民收入, 经济增长…, but not ``单位国内生产总值能耗`` or a share of GDP), and
    whose change is ``growth`` — or ``level`` when the indicator is itself a growth rate
    (``经济增长速度的调控目标定为8%``), which the guideline counts as a level of the rate.

    Of several candidates the first in the text wins: reports state the main-targets list
    before they restate or explain it, so the earliest candidate is the one to check; a
    wrong year or kind on an earlier number is the extractor's error and shows as ✗.
    """
    candidates = []
    for rec in records:
        indicator = rec.indicator.text if rec.indicator else ""
        if rec.kind != "target" or rec.year != year or rec.value.quantity.unit not in _RATE_UNITS:
            continue
        if not names_headline_measure(indicator):
            continue
        if rec.change == "growth" or (rec.change == "level" and _RATE_WORDS.search(indicator)):
            candidates.append(rec)
    return min(candidates, key=lambda r: r.value.span.start, default=None)


# --- comparing and showing -----------------------------------------------------------------

def _same(a: Optional[float], b: Optional[float]) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, abs_tol=NUMBER_TOLERANCE)


def matches(picked: Optional[Record], expected: Expected) -> bool:
    """Right when both say none, or number, low, high and qualifier all agree."""
    if picked is None or not expected.has_target:
        return picked is None and not expected.has_target
    q = picked.value.quantity
    return (_same(q.number, expected.number) and _same(q.low, expected.low)
            and _same(q.high, expected.high) and q.qualifier == expected.qualifier)


def context(text: str, record: Optional[Record], width: int = CONTEXT_CHARS) -> str:
    """``width`` characters of text around the record's value, on one line."""
    if record is None:
        return ""
    half = width // 2
    span = record.value.span
    snippet = text[max(0, span.start - half):span.end + half]
    return re.sub(r"\s+", " ", snippet)


@dataclass(frozen=True)
class Row:
    """One line of the benchmark table."""

    expected: Expected
    picked: Optional[Record]
    context: str

    @property
    def correct(self) -> bool:
        return matches(self.picked, self.expected)

    @property
    def extracted(self) -> str:
        if self.picked is None:
            return "none"
        return f"{self.picked.value.span.text} {self.picked.value.quantity.qualifier}"


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, width: int) -> str:
    return s + " " * max(0, width - _width(s))


def format_table(rows: Sequence[Row]) -> str:
    """The printed table plus the summary line ``N/M correct``."""
    header = ("doc", "year", "extracted", "expected", "ok", "context")
    cells = [(r.expected.doc_id, str(r.expected.year), r.extracted, r.expected.describe(),
              "✓" if r.correct else "✗", r.context) for r in rows]
    widths = [max(_width(c[i]) for c in [header, *cells]) for i in range(len(header) - 1)]
    lines = ["  ".join(_pad(c, w) for c, w in zip(line[:-1], widths)) + "  " + line[-1]
             for line in [header, *cells]]
    correct = sum(r.correct for r in rows)
    with_target = [r for r in rows if r.expected.has_target]
    found = sum(r.correct for r in with_target)
    lines.append(f"{correct}/{len(rows)} correct ({found}/{len(with_target)} targets, "
                 f"{correct - found}/{len(rows) - len(with_target)} none)")
    return "\n".join(lines)


# --- running a system ----------------------------------------------------------------------

Extract = Callable[[str, Expected], list[Record]]


def records_from_gold(doc: dict[str, Any], text: str) -> list[Record]:
    """Gold-format records (guideline §5, as ``preannotate`` drafts them) as ``Record`` objects."""
    spans = {s["id"]: s for s in doc["spans"]}

    def span(sid: Optional[str], label: str) -> Optional[Span]:
        if sid is None:
            return None
        s = spans[sid]
        return Span(s["start"], s["end"], label, text[s["start"]:s["end"]])

    out = []
    for r in doc["records"]:
        quantity = Quantity(r.get("number"), r.get("unit") or "", r.get("qualifier") or "exact",
                            r.get("low"), r.get("high"))
        out.append(Record(value=Value(span(r["value"], "VALUE"), quantity),
                          indicator=span(r.get("indicator"), "INDICATOR"), time=span(r.get("time"), "TIME"),
                          year=r.get("year"), year_start=r.get("year_start"), change=r["change"],
                          kind=r["kind"], doc=doc.get("id")))
    return out


def rules_extract(text: str, expected: Expected) -> list[Record]:
    """The rule-based pre-annotator (the baseline) as an ``Extract`` function."""
    from govie.annotation.preannotate import preannotate

    return records_from_gold(preannotate(text, doc_id=expected.doc_id, year=expected.year), text)


def model_extract(model: Optional[str]) -> Extract:
    """The shipped (or given) model, loaded once, as an ``Extract`` function."""
    import govie

    extractor = govie.load(model)
    return lambda text, expected: extractor.extract(text, year=expected.year, doc_id=expected.doc_id)


def run(targets: Sequence[Expected], texts: dict[str, str], extract: Extract,
        progress: bool = False) -> list[Row]:
    """Extract each report, pick its headline record and pair it with the expected one."""
    items: Iterable[Expected] = targets
    if progress:
        from tqdm import tqdm

        items = tqdm(targets, desc="reports", unit="report", file=sys.stderr)
    rows = []
    for exp in items:
        text = texts[exp.doc_id]
        picked = select_headline(extract(text, exp), exp.year)
        rows.append(Row(exp, picked, context(text, picked)))
    return rows


def read_reports(targets: Sequence[Expected], corpus: Path) -> dict[str, str]:
    """Texts of the target reports from the corpus folder (``GovieError`` naming a missing file)."""
    from govie.io import read_text

    return {t.doc_id: read_text(corpus / f"{t.doc_id}.txt") for t in targets}


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    system = ap.add_mutually_exclusive_group()
    system.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    system.add_argument("--rules", action="store_true", help="run the rule-based pre-annotator instead")
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS_DIR), help="folder with national_*.txt")
    ap.add_argument("--targets", default=str(DEFAULT_TARGETS), help="hand-checked targets TSV")
    args = ap.parse_args(argv)
    try:
        targets = load_targets(Path(args.targets))
        texts = read_reports(targets, Path(args.corpus))
        extract = rules_extract if args.rules else model_extract(args.model)
        rows = run(targets, texts, extract, progress=True)
    except GovieError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"system: {'rules (preannotate)' if args.rules else 'model ' + (args.model or '(shipped)')}")
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
