"""Gold annotations: the §5 format (:mod:`.schema`), its rules (:mod:`.validate`),
converters to and from annotation tools (:mod:`.formats`) and ``govie annotations``
(:mod:`.cli`)."""
from __future__ import annotations

from govie.annotation.schema import (
    GoldDoc, GoldRecord, GoldSpan, attach_text, load_docs, save_doc, save_docs, sha256_text,
)
from govie.annotation.validate import Problem, validate_docs

__all__ = [
    "GoldDoc", "GoldRecord", "GoldSpan", "Problem", "attach_text", "load_docs",
    "save_doc", "save_docs", "sha256_text", "validate_docs",
]
