"""Does the extractor hold up on the same reports typed differently?

    python benchmarks/noise_robustness.py [--split dev] [--model DIR] [--variants A,B]

Reports reach researchers from many sources: full-width digits from one website, ASCII
punctuation from another, hard line breaks and page numbers from a PDF, spaces around
numbers from OCR, ``\r\n`` from Windows. The
gold files cover the corpus as it is; this script rewrites each gold document of a split
with one kind of noise, carries every gold offset through the rewrite, runs the extractor and
prints record P/R/F1 and the INDICATOR and VALUE span F1 per variant next to the clean text.
A variant that loses more than a point or two names a normalisation the pipeline lacks.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Any, Callable

from govie.config import DEFAULT_ANNOTATIONS_DIR
from govie.data import load_annotations, moved_row
from govie.errors import GovieError
from govie.evaluate import evaluate_predictions, predict_with_model

Row = dict[str, Any]

#: Line length of the hard-wrapped variant: about what a PDF text layer gives for an A4 page.
WRAP_WIDTH = 38

_HALF_TO_FULL = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
_FULL_TO_HALF = {v: k for k, v in _HALF_TO_FULL.items()}
_CN_TO_ASCII_PUNCT = {"，": ",", "。": ".", "；": ";", "：": ":", "（": "(", "）": ")",
                      "“": '"', "”": '"', "、": ","}


@dataclass(frozen=True)
class Rewrite:
    """A rewritten text and, for each original offset 0..len, its offset in the new text."""

    text: str
    offsets: list[int]


def _substitute(text: str, table: dict[str, str]) -> Rewrite:
    """One character for one character: offsets stay as they are."""
    return Rewrite("".join(table.get(c, c) for c in text), list(range(len(text) + 1)))


def _insert_before(text: str, wants: Callable[[int], str]) -> Rewrite:
    """Insert ``wants(i)`` before character ``i``; offsets move right by what was inserted."""
    out, offsets, shift = [], [], 0
    for i, ch in enumerate(text):
        extra = wants(i)
        offsets.append(i + shift + len(extra))
        out.append(extra + ch)
        shift += len(extra)
    offsets.append(len(text) + shift)
    return Rewrite("".join(out), offsets)


def full_width(text: str) -> Rewrite:
    """ASCII digits, letters and signs as full-width forms (``１２．５％``)."""
    return _substitute(text, _HALF_TO_FULL)


def half_width(text: str) -> Rewrite:
    """Full-width forms as ASCII (the reverse of :func:`full_width`)."""
    return _substitute(text, _FULL_TO_HALF)


def ascii_punctuation(text: str) -> Rewrite:
    """Chinese punctuation typed as ASCII (``增长5%,达到``)."""
    return _substitute(text, _CN_TO_ASCII_PUNCT)


def hard_wraps(text: str) -> Rewrite:
    """A line break every ``WRAP_WIDTH`` characters of a line, wherever it falls (mid-number
    and mid-word included), as a PDF text layer gives."""
    column = [0]

    def wants(i: int) -> str:
        if text[i] == "\n":
            column[0] = 0
            return ""
        column[0] += 1
        if column[0] > WRAP_WIDTH:
            column[0] = 1
            return "\n"
        return ""
    return _insert_before(text, wants)


#: Lines per page of the paged variant (a page number line after each page).
PAGE_LINES = 30


def pdf_pages(text: str) -> Rewrite:
    """:func:`hard_wraps`, and a page number line (``- 3 -``) after every ``PAGE_LINES`` lines,
    as a PDF text layer gives."""
    wrapped = hard_wraps(text)
    line_starts = [0] + [i + 1 for i, ch in enumerate(wrapped.text) if ch == "\n"]
    page_at = {start: f"- {n} -\n" for n, start in enumerate(line_starts[PAGE_LINES::PAGE_LINES], 1)}
    paged = _insert_before(wrapped.text, lambda i: page_at.get(i, ""))
    return Rewrite(paged.text, [paged.offsets[i] for i in wrapped.offsets])


def spaced_numbers(text: str) -> Rewrite:
    """A space between a Chinese character and a following digit (``增长 5%``), as OCR and some
    websites give."""
    return _insert_before(text, lambda i: " " if i and text[i].isdigit()
                          and "\u4e00" <= text[i - 1] <= "\u9fff" else "")


def windows_line_ends(text: str) -> Rewrite:
    """``\r\n`` for every line break, as files saved on Windows have."""
    return _insert_before(text, lambda i: "\r" if text[i] == "\n" else "")


VARIANTS: dict[str, Callable[[str], Rewrite]] = {
    "full_width": full_width, "half_width": half_width, "ascii_punctuation": ascii_punctuation,
    "hard_wraps": hard_wraps, "pdf_pages": pdf_pages, "spaced_numbers": spaced_numbers, "windows_line_ends": windows_line_ends,
}


def rewrite_row(row: Row, variant: Callable[[str], Rewrite]) -> Row:
    """The gold row with its text rewritten and every span and link moved along: a span
    starts where its first character went and ends just after its last character."""
    rewrite = variant(row["text"])
    return moved_row(row, rewrite.text,
                     lambda start, end: (rewrite.offsets[start], rewrite.offsets[end - 1] + 1))


def _summary(report: dict[str, Any]) -> dict[str, float]:
    strict = report["spans"]["strict"]
    rec = report["records"]
    return {"records P": rec["precision"], "records R": rec["recall"], "records F1": rec["f1"],
            "INDICATOR F1": strict["INDICATOR"]["f1"], "VALUE F1": strict["VALUE"]["f1"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--annotations", default=DEFAULT_ANNOTATIONS_DIR)
    parser.add_argument("--corpus", default=None)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--model", default=None, help="model dir (default: the shipped model)")
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help=f"comma-separated, from: {', '.join(VARIANTS)}")
    args = parser.parse_args(argv)
    try:
        names = [v for v in args.variants.split(",") if v]
        unknown = [v for v in names if v not in VARIANTS]
        if unknown:
            raise GovieError(f"unknown variant(s) {', '.join(unknown)}; have {', '.join(VARIANTS)}")
        rows = list(load_annotations(args.annotations, corpus=args.corpus)[args.split])
        from govie.pipeline import Extractor
        extractor = Extractor.load(args.model)
        table = {}
        for name in ["clean", *names]:
            variant_rows = rows if name == "clean" else [rewrite_row(r, VARIANTS[name]) for r in rows]
            preds = predict_with_model(variant_rows, extractor=extractor)
            table[name] = _summary(evaluate_predictions(variant_rows, preds))
            print(f"  {name} done", file=sys.stderr)
    except GovieError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    columns = list(table["clean"])
    print(f"{args.split}: {len(rows)} documents, {sum(len(r['records']) for r in rows)} records")
    print(f"| variant | {' | '.join(columns)} |")
    print("|---" * (len(columns) + 1) + "|")
    for name, scores in table.items():
        print(f"| {name} | " + " | ".join(f"{100 * scores[c]:.1f}" for c in columns) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
