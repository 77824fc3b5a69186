"""Whole-report extraction speed: chars/s and seconds per report, by batch size and precision.

    python benchmarks/extract_speed.py [--model DIR] [--reports N] [--device cpu|cuda]

Runs the full ``Extractor`` (document parsing, sentence filter, NER, linking, assembly) on
real reports from ../shared/corpus/reports and prints one table row per configuration.
Timing starts after the model is loaded and one warm-up report has run.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

from govie.config import DEFAULT_CORPUS_DIR
from govie.pipeline import Extractor


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None)
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS_DIR))
    ap.add_argument("--reports", type=int, default=6, help="how many reports (the longest-named first)")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--batch-sizes", default="8,32,64")
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    ap.add_argument("--word-prior", default="on", help="on, off, or on,off: with and without the "
                    "decoder's pkuseg word-boundary prior (its cost: one segmentation per report)")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    files = sorted(Path(args.corpus).glob("*_2025.txt"))[: args.reports]
    if not files:
        print(f"no reports under {args.corpus}", file=sys.stderr)
        return 2
    texts = [f.read_text(encoding="utf-8") for f in files]
    chars = sum(map(len, texts))
    precisions = ["fp32", "int8"] if args.device == "cpu" else ["fp32"]
    priors = args.word_prior.split(",")
    print(f"{len(texts)} reports, {chars} chars, device {args.device}, torch threads {torch.get_num_threads()}")
    print(f"{'precision':<10}{'prior':>6}{'batch':>6}{'mode':>12}{'chars/s':>12}{'s/report':>10}{'reports/min':>13}")
    for precision, prior in [(p, w) for p in precisions for w in priors]:
        extractor = Extractor.load(args.model, device=args.device, quantize=precision == "int8",
                                   word_prior=prior == "on")
        extractor.extract(texts[0])  # warm-up
        for batch in [int(b) for b in args.batch_sizes.split(",")]:
            for mode in ("per-report", "all-at-once"):
                t0 = time.perf_counter()
                if mode == "per-report":
                    for t in texts:
                        extractor.extract_many([t], batch_size=batch)
                else:
                    extractor.extract_many(texts, batch_size=batch)
                if args.device == "cuda":
                    torch.cuda.synchronize()
                dt = time.perf_counter() - t0
                print(f"{precision:<10}{prior:>6}{batch:>6}{mode:>12}{chars / dt:>12.0f}{dt / len(texts):>10.2f}"
                      f"{60 * len(texts) / dt:>13.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
