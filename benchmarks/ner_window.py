"""How long a window should the NER tagger read? Scores by window length on a gold split.

    python benchmarks/ner_window.py [--model DIR] [--split dev] [--windows 64,96,126,190,254]

The tagger is fine-tuned on chunks of at most ``config.TRAIN_MAX_CHARS`` characters, but a
report can be read in windows of up to the encoder's limit. This runs the whole extractor
(shipped model by default) on the split once per window length (the stride keeps the
configured overlap ratio) and prints strict INDICATOR and VALUE span F1, record F1 and the
policy-area accuracy, so the choice of ``config.NER_WINDOW_CHARS`` is a measured one. Choose
on dev; the test split is for the model card.
"""
from __future__ import annotations

import argparse
import sys

from govie import config
from govie.config import DEFAULT_CORPUS_DIR
from govie.data import load_annotations
from govie.errors import GovieError
from govie.evaluate import evaluate_predictions, predict_with_model
from govie.ner.windows import scaled_stride
from govie.pipeline import Extractor



def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="model directory (default: the shipped one)")
    ap.add_argument("--annotations", default="annotations")
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS_DIR))
    ap.add_argument("--split", default="dev")
    ap.add_argument("--windows", default="64,96,126,190,254")
    args = ap.parse_args()
    try:
        rows = list(load_annotations(args.annotations, corpus=args.corpus)[args.split])
        extractor = Extractor.load(args.model)
    except GovieError as err:
        print(f"ner_window: {err}", file=sys.stderr)
        return 2
    limit = int(extractor.tagger.model.max_length) - 2
    print(f"{args.split} split, {len(rows)} reports; configured window {config.NER_WINDOW_CHARS}")
    print(f"{'window':>6} {'stride':>6} {'INDICATOR F1':>12} {'VALUE F1':>8} {'record F1':>9} {'area':>6}")
    for window in (int(w) for w in args.windows.split(",")):
        if not 0 < window <= limit:
            print(f"{window:>6}  skipped: the encoder reads at most {limit} characters")
            continue
        extractor.tagger.window, extractor.tagger.stride = window, scaled_stride(window)
        report = evaluate_predictions(rows, predict_with_model(rows, extractor=extractor))
        strict = report["spans"]["strict"]
        print(f"{window:>6} {scaled_stride(window):>6} {100 * strict['INDICATOR']['f1']:>12.1f} "
              f"{100 * strict['VALUE']['f1']:>8.1f} {100 * report['records']['f1']:>9.1f} "
              f"{100 * report['fields']['policy_area']:>6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
