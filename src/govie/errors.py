"""Exceptions whose message is written for a person: what went wrong, in which file, where.

The CLI prints ``str(error)`` on one line and moves on to the next file; it never shows a
traceback for a ``GovieError``.
"""
from __future__ import annotations


class GovieError(Exception):
    """Base class: the message is the whole user-facing explanation."""


class InputError(GovieError):
    """An input file cannot be read as a report (empty, binary, undecodable, too large)."""


class AnnotationError(GovieError):
    """An annotation file is malformed or inconsistent with its text."""


class ModelError(GovieError):
    """A model directory is missing, incomplete or incompatible."""


class OutputError(GovieError):
    """An output file cannot be written (missing folder, no permission, disk full)."""
