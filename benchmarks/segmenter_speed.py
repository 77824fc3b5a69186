"""Accuracy and speed of govie's pkuseg segmenter; prints one table.

Accuracy: word precision/recall/F1 on the held-out PKU sentences (every 10th line of
the gold file, never trained on), without a user dictionary, with ours, and with
pkuseg's built-in post-processing dictionary for comparison.
Speed: characters per second on one national report from ../shared/corpus, raw
(``Segmenter.segment``) and through the spaCy tokenizer of ``load_spacy``; best of
``--repeat`` runs, one thread.

    python benchmarks/segmenter_speed.py [--report national_2025] [--repeat 3]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable

from govie import config
from govie.errors import GovieError
from govie.segmenter import (
    Segmenter, load_segmenter, read_gold, split_heldout, word_scores,
)

SHARED = config.REPO_ROOT.parent / "shared"
GOLD = SHARED / "corpus" / "cws" / "icwb2" / "pku_test_gold.utf8"
REPORTS = SHARED / "corpus" / "reports"


def _best_seconds(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def _builtin_dict_segmenter(model_dir: Path) -> Segmenter:
    """pkuseg as spaCy would load it with ``pkuseg_user_dict="default"``."""
    import spacy_pkuseg

    return Segmenter(spacy_pkuseg.pkuseg(str(model_dir), user_dict="default"), model_dir, None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path(config.PKUSEG_MODEL_DIR))
    parser.add_argument("--report", default="national_2025", help="report id in ../shared/corpus/reports")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    try:
        started = time.perf_counter()
        plain = load_segmenter(args.model, user_dict=False)
        load_seconds = time.perf_counter() - started
        ours = load_segmenter(args.model)
        builtin = _builtin_dict_segmenter(args.model)
        _, heldout = split_heldout(read_gold(GOLD))
        report_path = REPORTS / f"{args.report}.txt"
        report = report_path.read_text(encoding="utf-8")
    except (GovieError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1

    from govie.spacy_component import load_spacy

    nlp = load_spacy(segmenter_dir=args.model)
    gold_texts = ["".join(line.split()) for line in heldout]
    rows = []
    for name, seg in (("no user dict", plain), ("govie user dict", ours), ("pkuseg built-in dict", builtin)):
        scores = word_scores(heldout, [seg.segment(text) for text in gold_texts])
        seconds = _best_seconds(lambda: seg.segment(report), args.repeat)
        rows.append((name, scores.precision, scores.recall, scores.f1, len(report) / seconds))
    spacy_seconds = _best_seconds(lambda: nlp.make_doc(report), args.repeat)

    model_mb = sum((args.model / n).stat().st_size for n in ("features.msgpack", "weights.npz")) / 1e6
    print(f"model {args.model} ({model_mb:.1f} MB, loads in {load_seconds:.1f} s); "
          f"held-out: {len(heldout)} sentences; speed on {args.report} ({len(report):,} chars)")
    print(f"| {'segmenter':<22} | {'P':>6} | {'R':>6} | {'F1':>6} | {'chars/s':>9} |")
    print(f"|{'-' * 24}|{'-' * 8}|{'-' * 8}|{'-' * 8}|{'-' * 11}|")
    for name, p, r, f, speed in rows:
        print(f"| {name:<22} | {p:6.3f} | {r:6.3f} | {f:6.3f} | {speed:9,.0f} |")
    print(f"| {'spaCy tokenizer (ours)':<22} | {'':>6} | {'':>6} | {'':>6} | {len(report) / spacy_seconds:9,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
