"""``govie annotations validate | import | export``: gold data in and out of annotation tools.

:func:`register` adds the sub-commands to the top-level ``govie`` parser; each command
function takes the parsed arguments and returns the exit status (0 fine, 1 problems
found). Input that cannot be processed raises :class:`govie.errors.GovieError`, which
``govie.cli.main`` prints on one line (exit status 2), never as a traceback.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from govie import config
from govie.annotation.formats import EXPORT_FORMATS, FORMATS, IMPORT_FORMATS
from govie.annotation.schema import GoldDoc, attach_text, load_docs, save_doc, save_docs, to_standoff
from govie.annotation.validate import Report, check
from govie.errors import AnnotationError


def _print_report(report: Report) -> int:
    for problem in report.problems:
        print(problem)
    print(report.summary())
    return 1 if report.problems else 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Print every problem of the gold files under PATH and a summary line."""
    return _print_report(check(args.path, args.corpus))


def _write_imported(docs: list[GoldDoc], out: Path) -> None:
    """One ``.jsonl`` file for all documents, or ``<out>/<doc_id>.jsonl`` per document."""
    if out.suffix == ".jsonl":
        save_docs(docs, out)
        return
    seen: set[str] = set()
    for doc in docs:
        if doc.id in seen:
            raise AnnotationError(f"{doc.where}: {doc.id}: a second document with this id; "
                                  "give a .jsonl file as OUT to keep both")
        seen.add(doc.id)
    for doc in docs:
        save_doc(doc, out / f"{doc.id}.jsonl")


def cmd_import(args: argparse.Namespace) -> int:
    """Convert a tool's export into gold files, then validate what was written."""
    docs = FORMATS[args.format].import_docs(args.input)
    docs = [to_standoff(doc, args.corpus) for doc in docs]
    out = Path(args.output)
    _write_imported(docs, out)
    print(f"wrote {len(docs)} documents to {out}")
    return _print_report(check(docs, args.corpus))


def cmd_export(args: argparse.Namespace) -> int:
    """Convert gold files into an annotation tool's import format (texts attached)."""
    docs = [attach_text(doc, args.corpus) for doc in load_docs(args.input)]
    FORMATS[args.format].export_docs(docs, args.output)
    print(f"wrote {len(docs)} documents to {args.output} ({args.format})")
    return 0


def _corpus_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", metavar="DIR", default=None,
                        help=f"folder of corpus texts <doc_id>.txt (default: {config.DEFAULT_CORPUS_DIR})")


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``annotations`` and its sub-commands to the ``govie`` sub-parser set."""
    parser = subparsers.add_parser(
        "annotations", help="validate gold annotations, convert to and from annotation tools",
        description="Gold annotations (annotations/gold/<doc_id>.jsonl): check them, and move "
                    "them between govie's format and Label Studio, doccano or spaCy DocBin.")
    commands = parser.add_subparsers(dest="annotations_command", metavar="COMMAND", required=True)

    validate = commands.add_parser("validate", help="check gold files against the guideline",
                                   description="Print each problem on one line and a summary; "
                                               "exit status 1 if there are problems.")
    validate.add_argument("path", metavar="PATH", help="a .jsonl file or a folder of them")
    _corpus_option(validate)
    validate.set_defaults(func=cmd_validate)

    importer = commands.add_parser(
        "import", help="convert a Label Studio or doccano export into gold files",
        description="Corpus texts are replaced by their sha256; the result is validated "
                    "(exit status 1 if problems, the files are written anyway).")
    importer.add_argument("--from", dest="format", choices=IMPORT_FORMATS, required=True)
    importer.add_argument("input", metavar="IN", help="the tool's export file")
    importer.add_argument("output", metavar="OUT",
                          help="a .jsonl file, or a folder that gets <doc_id>.jsonl per document")
    _corpus_option(importer)
    importer.set_defaults(func=cmd_import)

    exporter = commands.add_parser(
        "export", help="convert gold files for Label Studio, doccano or spaCy",
        description="Texts are read from the corpus and checked by sha256.")
    exporter.add_argument("--to", dest="format", choices=EXPORT_FORMATS, required=True)
    exporter.add_argument("input", metavar="IN", help="a gold .jsonl file or a folder of them")
    exporter.add_argument("output", metavar="OUT", help="the file to write")
    _corpus_option(exporter)
    exporter.set_defaults(func=cmd_export)

    from govie.annotation.agreement import add_command as add_agree
    from govie.annotation.workflow import add_commands  # draft / apply review sheets
    add_commands(commands)
    add_agree(commands)
    from govie.annotation.stats import add_command as add_stats
    add_stats(commands)
    return parser
