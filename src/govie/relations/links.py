"""The result type of every linker: which spans a VALUE belongs with, and how sure we are."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Protocol, Sequence

from govie.document import Document
from govie.records import Span


@dataclass(frozen=True)
class Link:
    """One VALUE with its linked spans; ``score`` in [0, 1] is the linker's confidence."""

    value: Span
    indicator: Optional[Span]
    time: Optional[Span]
    domain: Optional[Span]
    score: float = 1.0


class Linker(Protocol):
    """Anything that turns a document's spans into one Link per VALUE."""

    def link(self, document: Document, spans: Sequence[Span]) -> list[Link]: ...
