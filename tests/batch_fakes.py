"""A model-free extractor for the batch tests, in a module so worker processes can import it.

``govie extract --workers N`` sends the loader (whatever ``govie.load`` is when the run
starts) to spawned workers by reference, so a test fake must be a module-level function
of an importable module: pytest puts ``tests/`` on ``sys.path`` and spawned workers get
the parent's ``sys.path``. When ``GOVIE_TEST_FAKE_LOG`` names a folder, every load
leaves a file named after its process id there, so a test can count loads per process.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Optional, Sequence

from govie.records import PolicyArea, Quantity, Record, Span, Value

LOG_ENV = "GOVIE_TEST_FAKE_LOG"
#: A text holding this makes the fake "model" fail, like a real model error would.
BREAKS_MODEL = "模型故障"
#: A text holding this stands for the user pressing Ctrl-C while it is extracted.
INTERRUPTS = "按下中断"

_PATTERN = re.compile(r"([\u4e00-\u9fff]+?)增长(\d+(?:\.\d+)?)(%)")


class FakeExtractor:
    """One record per "<indicator>增长<n>%" in the text; remembers each call's doc ids."""

    def __init__(self) -> None:
        self.calls: list[list[Optional[str]]] = []

    def extract_many(self, texts: Sequence[str], *, batch_size: int = 32,
                     years: Optional[Sequence[Optional[int]]] = None,
                     doc_ids: Optional[Sequence[Optional[str]]] = None) -> list[list[Record]]:
        years = list(years) if years is not None else [None] * len(texts)
        doc_ids = list(doc_ids) if doc_ids is not None else [None] * len(texts)
        self.calls.append(doc_ids)
        if any(INTERRUPTS in t for t in texts):
            raise KeyboardInterrupt
        if any(BREAKS_MODEL in t for t in texts):
            raise RuntimeError("index out of range in self (fake)")
        return [records_of(t, y) for t, y in zip(texts, years)]


def records_of(text: str, year: Optional[int]) -> list[Record]:
    out = []
    for m in _PATTERN.finditer(text):
        value = Value(Span(m.start(2), m.end(3), "VALUE", m.group(2) + m.group(3)),
                      Quantity(float(m.group(2)), "%", "exact"))
        indicator = Span(m.start(1), m.end(1), "INDICATOR", m.group(1))
        area = PolicyArea("economy", Span(m.start(1), m.end(1), "DOMAIN", m.group(1)))
        out.append(Record(value=value, indicator=indicator, year=year, policy_area=area,
                          change="growth", score=0.5))
    return out


def load(path: Any = None, **kwargs: Any) -> FakeExtractor:
    """Stands in for ``govie.load`` (same signature)."""
    log = os.environ.get(LOG_ENV)
    if log:
        (Path(log) / str(os.getpid())).touch()
    return FakeExtractor()


#: In a worker process (never the test process itself), a text holding this kills it.
CRASHES_WORKER = "进程崩溃"
PARENT_ENV = "GOVIE_TEST_PARENT_PID"


class CrashingExtractor(FakeExtractor):
    """Like FakeExtractor, but a worker process dies abruptly on ``CRASHES_WORKER``."""

    def extract_many(self, texts: Sequence[str], **kwargs: Any) -> list[list[Record]]:
        if any(CRASHES_WORKER in t for t in texts) and str(os.getpid()) != os.environ.get(PARENT_ENV):
            os._exit(3)
        return super().extract_many(texts, **kwargs)


def load_crashing(path: Any = None, **kwargs: Any) -> CrashingExtractor:
    return CrashingExtractor()


def load_broken(path: Any = None, **kwargs: Any) -> FakeExtractor:
    """A loader whose model folder is unusable, as ``govie.load`` raises it."""
    from govie.errors import ModelError

    raise ModelError(f"{path}: not a govie NER model (no govie_ner.json)")
