"""``govie extract PATH...``: report files in, one record per number out (JSONL or CSV).

Where the output goes:

* no ``-o``: stdout, all records one after another (CSV: one header);
* ``-o FILE.jsonl`` / ``-o FILE.csv``: that one file, all inputs concatenated;
* ``-o DIR`` (an existing folder, a name ending in ``/``, or any other name when
  there are several inputs):
  ``DIR/<stem>.jsonl`` (or ``.csv``) per input;
* ``-o NAME`` with one input: that file.

Every file is written atomically. A file that cannot be read prints one line naming it
and the others go on; the exit status is then 1. The model is loaded once, and only
after the inputs are known to exist, so a typo costs no model load. Nothing heavy is
imported at module level: ``govie extract --help`` stays instant.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import IO, Any, Iterator, Optional

from govie.errors import GovieError, InputError
from govie.export import SUFFIXES, make_writer
from govie.io import atomic_writer, iter_input_files, read_text

EXIT_OK, EXIT_SOME_FAILED = 0, 1


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``extract`` subcommand."""
    p = subparsers.add_parser(
        "extract",
        help="extract numeric records from report files (JSONL or CSV)",
        description="Extract every number of government work reports as records.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="report .txt files or folders (searched recursively)")
    p.add_argument("-o", "--output", metavar="OUT",
                   help="output file (.jsonl/.csv: all records) or folder (one file per input); default stdout")
    p.add_argument("--format", choices=sorted(SUFFIXES), default=None,
                   help="output format (default: from the -o suffix, else jsonl)")
    p.add_argument("--year", type=int, default=None,
                   help="report year, when the text does not say it (title or meeting line)")
    p.add_argument("--model", metavar="DIR", default=None, help="model folder (default: the shipped model)")
    p.add_argument("--batch-size", type=_positive_int, default=None, metavar="N",
                   help="model batch size (default: the pipeline's own)")
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


def _collect_inputs(paths: list[str]) -> tuple[list[Path], int]:
    """Input files, and how many named paths were bad (already reported)."""
    files: list[Path] = []
    bad = 0
    for raw in paths:
        try:
            for f in iter_input_files([raw]):
                if f not in files:
                    files.append(f)
        except InputError as err:
            _report(str(err))
            bad += 1
    return files, bad


def _report(message: str) -> None:
    from tqdm import tqdm

    tqdm.write(f"govie: error: {message}", file=sys.stderr)


def _load_extractor(args: argparse.Namespace) -> Any:
    import govie

    try:
        return govie.load(args.model)
    except ImportError as err:  # torch/transformers missing, or the pipeline not installed
        raise GovieError(f"cannot load the extractor: {err}") from None


def _records(extractor: Any, path: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Record dicts of one file, each tagged with ``doc`` = the file stem.

    ``extract`` uses the model's own batch size; ``--batch-size`` goes through
    ``extract_many``, the API that takes one.
    """
    text = read_text(path)
    if args.batch_size is None:
        records = extractor.extract(text, year=args.year, doc_id=path.stem)
    else:
        records = extractor.extract_many([text], batch_size=args.batch_size, years=[args.year],
                                         doc_ids=[path.stem])[0]
    out = []
    for record in records:
        data = record.to_dict() if hasattr(record, "to_dict") else dict(record)
        data["doc"] = path.stem
        out.append(data)
    return out


@contextlib.contextmanager
def _stream(args: argparse.Namespace) -> Iterator[IO[str]]:
    """stdout, or one atomically written file."""
    if args.output:
        with atomic_writer(args.output) as fh:
            yield fh
    else:
        yield sys.stdout


def run(args: argparse.Namespace) -> int:
    """Run ``govie extract``; returns 1 if any input failed, else 0."""
    from tqdm import tqdm

    files, failed = _collect_inputs(args.paths)
    if not files:
        raise InputError("no input files to read")
    fmt = _output_format(args)
    folder = _output_folder(args, len(files))
    if folder is not None:
        _check_unique_stems(files)
        folder.mkdir(parents=True, exist_ok=True)
    extractor = _load_extractor(args)
    progress = tqdm(files, desc="extract", unit="file", file=sys.stderr, disable=None)
    if folder is not None:
        for path in progress:
            try:
                records = _records(extractor, path, args)
            except GovieError as err:
                _report(_name_file(err, path))
                failed += 1
                continue
            with atomic_writer(folder / f"{path.stem}{SUFFIXES[fmt]}") as fh:
                make_writer(fmt, fh).write(records)
    else:
        with _stream(args) as fh:
            writer = make_writer(fmt, fh)
            for path in progress:
                try:
                    records = _records(extractor, path, args)
                except GovieError as err:
                    _report(_name_file(err, path))
                    failed += 1
                    continue
                writer.write(records)
                fh.flush()
    return EXIT_SOME_FAILED if failed else EXIT_OK


def _name_file(err: GovieError, path: Path) -> str:
    """The error's message, prefixed with the file unless it already names it."""
    message = str(err)
    return message if str(path) in message else f"{path}: {message}"


def _check_unique_stems(files: list[Path]) -> None:
    """One output per input is named by stem: two inputs with one stem would collide."""
    seen: dict[str, Path] = {}
    for f in files:
        if f.stem in seen:
            raise InputError(
                f"{seen[f.stem]} and {f} would both be written as {f.stem}.*; "
                "rename one or extract them separately"
            )
        seen[f.stem] = f
