"""The result type of every linker: which spans a VALUE belongs with, and how sure we are."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import Callable, Optional, Protocol, Sequence

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


#: Between two coordinated INDICATORs (``快递量、客运量和旅游收入``).
_ITEM_JOIN = re.compile(r"、|和|及|与|以及")
#: Between the items of a list that shares one value (``人次、总花费均增长20%``).
_SHARED_JOIN = re.compile(r"、")
#: Between two coordinated VALUEs (``8%、10%和6%``).
_VALUE_JOIN = re.compile(r"、|和")
#: Between the last INDICATOR of a list and the first VALUE of its list: a verb and 分别,
#: no clause break (``分别增长``, ``年均增长``, ``完成``).
_LIST_GAP = re.compile(r"[^，。；：！？\n]{0,16}")
#: What ends the reach of an indicator list over later value lists.
_LIST_STOP = re.compile(r"[。；！？\n]")


def pair_coordinated_lists(document: Document, spans: Sequence[Span], links: Sequence[Link]) -> list[Link]:
    """Pair a list of INDICATORs with the list of as many VALUEs that follows it, by order.

    ``快递量、客运量、旅游收入分别增长8%、10%、6%`` gives (快递量, 8%), (客运量, 10%),
    (旅游收入, 6%) (spec §2, refinement R12), with or without ``分别``
    (``收入、支出完成100亿元、290亿元``), and so does a later list of as many values in the
    same sentence with no other span between (``…，高于全省3、2个百分点``). Items must
    stand next to each other (only ``、和及与`` between INDICATORs, only ``、和`` between
    VALUEs), the lists of one size, the indicators' list at most a short verb phrase before
    the values. The gold set pairs all 347 such values so; the relation model, which scores
    one value at a time, shifted some lists by one. Other values keep the linker's choice.
    """
    text = document.text
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    pairs: dict[tuple[int, int], Span] = {}
    i = 0
    while i < len(ordered):
        items = _run(text, ordered, i, "INDICATOR", _ITEM_JOIN)
        j = i + len(items)
        if len(items) < 2 or j >= len(ordered) or not _LIST_GAP.fullmatch(text[items[-1].end:ordered[j].start]):
            i = max(j, i + 1)
            continue
        while j < len(ordered):
            values = _run(text, ordered, j, "VALUE", _VALUE_JOIN)
            if len(values) != len(items):
                break
            pairs.update({(v.start, v.end): ind for ind, v in zip(items, values)})
            j += len(values)
            if j >= len(ordered) or _LIST_STOP.search(text[values[-1].end:ordered[j].start]):
                break
        i = j
    return [replace(l, indicator=pairs[(l.value.start, l.value.end)]) if (l.value.start, l.value.end) in pairs else l
            for l in links]


def join_shared_items(document: Document, spans: Sequence[Span], links: Sequence[Link]) -> list[Link]:
    """Give one VALUE shared by a list of INDICATORs the whole list as its indicator.

    ``客运量、货运量均增长20%以上`` is one record whose INDICATOR spans the whole
    coordination (refinement R12); the tagger marks the items one by one and the linker picks
    one of them. When a run of INDICATORs joined only by ``、`` is followed, within a short
    verb phrase, by a single VALUE (not a list: a list of as many values pairs by order, see
    :func:`pair_coordinated_lists`) and that value is linked to one of the items, its
    indicator becomes the span from the first item to the last.
    """
    text = document.text
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    shared: dict[tuple[int, int], tuple[list[Span], Span]] = {}
    i = 0
    while i < len(ordered):
        items = _run(text, ordered, i, "INDICATOR", _SHARED_JOIN)
        j = i + len(items)
        if len(items) >= 2 and j < len(ordered) and _LIST_GAP.fullmatch(text[items[-1].end:ordered[j].start]):
            values = _run(text, ordered, j, "VALUE", _VALUE_JOIN)
            if len(values) == 1:
                first, last = items[0], items[-1]
                whole = Span(first.start, last.end, "INDICATOR", text[first.start:last.end])
                shared[(values[0].start, values[0].end)] = (items, whole)
        i = max(j, i + 1)
    out = []
    for l in links:
        hit = shared.get((l.value.start, l.value.end))
        out.append(replace(l, indicator=hit[1]) if hit and l.indicator in hit[0] else l)
    return out


def _run(text: str, ordered: Sequence[Span], i: int, label: str, join: "re.Pattern[str]") -> list[Span]:
    """The spans of ``label`` from ``ordered[i]`` on, each joined to the last only by ``join``."""
    run: list[Span] = []
    for span in ordered[i:]:
        if span.label != label or (run and not join.fullmatch(text[run[-1].end:span.start])):
            break
        run.append(span)
    return run


def _has_span(starts: Sequence[int], start: int, end: int) -> bool:
    """Whether a span starts in ``[start, end)`` (``starts`` sorted)."""
    i = bisect.bisect_left(starts, start)
    return i < len(starts) and starts[i] < end


def link_counted_nouns(document: Document, spans: Sequence[Span], links: Sequence[Link]) -> list[Link]:
    """Give a VALUE the INDICATOR that starts right where it ends: ``建成300座立交桥``,
    ``新增4个千亿县`` (refinement R16: in ``N个X`` the indicator is the counted noun after the
    value). The gold train split links 818 of the 829 values directly followed by an
    INDICATOR span to it; the others are mostly thresholds that qualify a noun whose measure
    stands before them (``收入超10亿元企业5家``, ``50个投资1亿元以上的项目``). The relation model,
    which weighs a list's earlier nouns too, had taken a noun before the value in runs of
    ``N个X、M座Y``."""
    after = {s.start: s for s in spans if s.label == "INDICATOR"}
    return [replace(l, indicator=after[l.value.end]) if l.value.end in after else l for l in links]


#: Grammar rules every linker's output goes through, in order: a value takes the counted noun
#: right after it (R16), a list of indicators takes its list of values or shares its one
#: value as a whole (R12), then a
#: ``；``-piece without indicator takes the one before (R25). Each is idempotent, so a linker
#: may apply them itself (the model linker does, to score the area on the final indicator).
LINK_REPAIRS: tuple[Callable[[Document, Sequence[Span], Sequence[Link]], list[Link]], ...] = (
    link_counted_nouns, pair_coordinated_lists, join_shared_items, carry_elided_indicators)


def repair_links(document: Document, spans: Sequence[Span], links: Sequence[Link]) -> list[Link]:
    """Apply :data:`LINK_REPAIRS` to a linker's links."""
    out = list(links)
    for repair in LINK_REPAIRS:
        out = repair(document, spans, out)
    return out
