"""The result type of every linker: which spans a VALUE belongs with, and how sure we are."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Protocol, Sequence

import numpy as np

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
    #: set by a linker that also classifies the record (else the assembler's rules decide)
    change: Optional[str] = None
    kind: Optional[str] = None
    area: Optional[str] = None


class Linker(Protocol):
    """Anything that turns a document's spans into one Link per VALUE.

    ``hidden`` is the encoder state per character (``[len(text), H]``) when the tagger
    computed it; linkers that do not use it ignore it.
    """

    def link(self, document: Document, spans: Sequence[Span],
             hidden: Optional[np.ndarray] = None) -> list[Link]: ...
