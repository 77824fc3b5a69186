"""The result type of every linker: which spans a VALUE belongs with, and how sure we are."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
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


#: A sentence that ends on these joins the next one of its line into one period-sentence.
_PIECE_ENDS = ("；", ";")
_SPACES = " \t\u3000"


def carry_elided_indicators(document: Document, spans: Sequence[Span], links: Sequence[Link]) -> list[Link]:
    """Give values in a ``；``-piece that names no indicator the indicator of the piece before.

    Sentences end at ``；`` (the pieces of a target list each name their own indicator), so a
    piece that leaves its indicator out (``粮食产量，去年计划为六亿吨；今年计划为六亿一千万吨``)
    offers the linker no candidate. The spec says to use the nearest phrase
    that names it (§2 ``indicator``; refinement R25): the indicator of the last linked value
    of the piece before, when that piece ends on ``；`` with only spaces up to this one (a line
    break ends the carry). A piece with an INDICATOR span of its own keeps the linker's
    choice, even "none".
    """
    text, sentences = document.text, document.sentences
    indicator_starts = sorted(s.start for s in spans if s.label == "INDICATOR")
    members: dict[int, list[int]] = {}  # sentence index -> its links, in text order
    for i in sorted(range(len(links)), key=lambda i: links[i].value.start):
        members.setdefault(document.sentence_index_at(links[i].value.start), []).append(i)
    out = list(links)
    for k in range(1, len(sentences)):
        before, here = sentences[k - 1], sentences[k]
        joined = text[before.end - 1:before.end] in _PIECE_ENDS and not text[before.end:here.start].strip(_SPACES)
        if not joined or _has_span(indicator_starts, here.start, here.end):
            continue
        carried = next((out[i].indicator for i in reversed(members.get(k - 1, [])) if out[i].indicator), None)
        if carried is None:
            continue
        for i in members.get(k, []):
            if out[i].indicator is None:
                out[i] = replace(out[i], indicator=carried)
    return out


def _has_span(starts: Sequence[int], start: int, end: int) -> bool:
    """Whether a span starts in ``[start, end)`` (``starts`` sorted)."""
    i = bisect.bisect_left(starts, start)
    return i < len(starts) and starts[i] < end
