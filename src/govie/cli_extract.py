"""``govie extract PATH...``: report files in, one record per number out (JSONL, CSV, Parquet).

Where the output goes:

* no ``-o``: stdout, all records one after another (CSV: one header; not Parquet);
* ``-o FILE.jsonl`` / ``.csv`` / ``.parquet``: that one file, all inputs concatenated;
* ``-o DIR`` (an existing folder, a name ending in ``/``, or any other name when
  there are several inputs): ``DIR/<stem>.<ext>`` per input, resumable: a second run
  skips inputs that are done and unchanged (``DIR/.govie-manifest.jsonl``);
* ``-o NAME`` with one input: that file.

This module only turns arguments into ``govie.batch.BatchOptions``; planning, batching
across files, workers, the manifest and the summary live in ``govie.batch``. Every file
is written atomically. A file that cannot be read or extracted is listed in the closing
summary (stderr) and the others go on; the exit status is then 1, after Ctrl-C 130.
The model is loaded once (per worker), and only after the inputs are known to exist,
so a typo costs no model load. Nothing heavy is imported at module level:
``govie extract --help`` stays instant.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Optional

from govie import config
from govie.export import SUFFIXES


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``extract`` subcommand."""
    p = subparsers.add_parser(
        "extract",
        help="extract numeric records from report files (JSONL, CSV or Parquet)",
        description="Extract every number of government work reports as records.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="report .txt files or folders (searched recursively)")
    p.add_argument("-o", "--output", metavar="OUT",
                   help="output file (.jsonl/.csv/.parquet: all records) or folder (one file per input); "
                        "default stdout")
    p.add_argument("--format", choices=sorted(SUFFIXES), default=None,
                   help="output format (default: from the -o suffix, else jsonl)")
    p.add_argument("--year", type=int, default=None,
                   help="report year, when the text does not say it (title or meeting line)")
    p.add_argument("--model", metavar="DIR", default=None, help="model folder (default: the shipped model)")
    p.add_argument("--batch-size", type=_positive_int, default=None, metavar="N",
                   help="model batch size (default: the pipeline's own)")
    p.add_argument("--files-per-batch", type=_positive_int, default=config.BATCH_FILES_PER_BATCH, metavar="N",
                   help="files whose texts share one model call (default: %(default)s)")
    p.add_argument("--workers", type=_positive_int, default=config.BATCH_WORKERS, metavar="N",
                   help="worker processes, each with its own model (default: %(default)s, in-process)")
    p.add_argument("--resume", action=argparse.BooleanOptionalAction, default=True,
                   help="with -o DIR, skip inputs already done and unchanged (default: on)")
    p.set_defaults(func=run)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _output_format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    suffix = Path(args.output).suffix.lower() if args.output else ""
    return next((fmt for fmt, s in SUFFIXES.items() if s == suffix), "jsonl")


def _output_folder(args: argparse.Namespace, n_inputs: int) -> Optional[Path]:
    """The folder for one output per input, or None when writing one stream."""
    if not args.output:
        return None
    out = Path(args.output)
    if out.is_dir() or args.output.endswith(("/", os.sep)):
        return out
    if n_inputs > 1 and out.suffix.lower() not in SUFFIXES.values():
        return out
    return None


def run(args: argparse.Namespace) -> int:
    """Run ``govie extract``; returns 0, 1 if any input failed, 130 if interrupted."""
    from govie import batch
    from govie.errors import InputError

    files, failures = batch.collect_inputs(args.paths)
    if not files:
        reasons = "; ".join(f.line() for f in failures)
        raise InputError("no input files to read" + (f" ({reasons})" if reasons else ""))
    folder = _output_folder(args, len(files))
    options = batch.BatchOptions(
        fmt=_output_format(args),
        folder=folder,
        output=Path(args.output) if args.output and folder is None else None,
        year=args.year,
        model=args.model,
        batch_size=args.batch_size,
        files_per_batch=args.files_per_batch,
        workers=args.workers,
        resume=args.resume,
    )
    summary = batch.run(files, options, failures=failures)
    summary.report(sys.stderr)
    return summary.exit_status
