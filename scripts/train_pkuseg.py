"""Train govie's pkuseg word segmenter (models/pkuseg-govie/).

Data: the PKU-standard gold file of the SIGHAN 2005 bakeoff (research/non-commercial
terms). Every 10th sentence is held out (``govie.segmenter.split_heldout``); every
training sentence with digits or letters gets its full-width and half-width twins
(``govie.segmenter.width_twins``). The MSR file is not used: it follows another
segmentation standard.

pkuseg's trainer runs single-threaded; one run at the default iteration count takes
minutes on one core. Only the two model files and a training summary are written
into the model directory (each atomically); the user dictionary and model card there
are left alone.

    python scripts/train_pkuseg.py [--iterations 12] [--out models/pkuseg-govie]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from govie import config
from govie.errors import GovieError
from govie.segmenter import MODEL_FILES, read_gold, split_heldout, width_twins

DEFAULT_GOLD = config.REPO_ROOT.parent / "shared" / "corpus" / "cws" / "icwb2" / "pku_test_gold.utf8"
DEFAULT_WORK = config.REPO_ROOT / "runs" / "pkuseg"
#: The README of the cws data measured F1 0.933 after 20 iterations; pkuseg's ADF
#: optimiser has mostly converged well before that, so fewer iterations save CPU.
DEFAULT_ITERATIONS = 12


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _atomic_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; model files are meant to be shared
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _atomic_write_text(target: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)


def prepare(gold: Path, work: Path) -> dict:
    """Write train.txt (with width twins) and heldout.txt into ``work``; return counts."""
    lines = read_gold(gold)
    train, heldout = split_heldout(lines)
    twins = [twin for line in train for twin in width_twins(line)]
    work.mkdir(parents=True, exist_ok=True)
    (work / "train.txt").write_text("\n".join(train + twins) + "\n", encoding="utf-8")
    (work / "heldout.txt").write_text("\n".join(heldout) + "\n", encoding="utf-8")
    return {
        "gold_file": gold.name,
        "gold_sha256": _sha256(gold),
        "sentences": len(lines),
        "train_sentences": len(train),
        "width_twins": len(twins),
        "heldout_sentences": len(heldout),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="PKU gold file")
    parser.add_argument("--out", type=Path, default=Path(config.PKUSEG_MODEL_DIR))
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="scratch directory")
    parser.add_argument("--iterations", type=int, default=DEFAULT_ITERATIONS)
    args = parser.parse_args(argv)
    if args.iterations < 1:
        parser.error("--iterations must be at least 1")

    import spacy_pkuseg
    from spacy_pkuseg.config import config as pkuseg_config

    try:
        summary = prepare(args.gold, args.work)
    except GovieError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(json.dumps(summary, ensure_ascii=False), flush=True)

    model_tmp = args.work / "model"
    started = time.time()
    spacy_pkuseg.train(
        str(args.work / "train.txt"), str(args.work / "heldout.txt"), str(model_tmp),
        train_iter=args.iterations,
    )
    summary["iterations"] = args.iterations
    summary["train_seconds"] = round(time.time() - started, 1)
    # pkuseg logs per-iteration held-out F1 in its temporary directory: keep a copy.
    log = Path(pkuseg_config.outDir) / pkuseg_config.fLog
    summary["iteration_log"] = [
        line.strip() for line in log.read_text(encoding="utf-8").splitlines() if line.startswith("iter")
    ] if log.is_file() else []

    for name in MODEL_FILES:
        _atomic_copy(model_tmp / name, args.out / name)
    summary["model_bytes"] = sum((args.out / name).stat().st_size for name in MODEL_FILES)
    _atomic_write_text(args.out / "training.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps({k: v for k, v in summary.items() if k != "iteration_log"}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
