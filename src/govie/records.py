"""Plain result types: Span, Value, Record. ``to_dict``/``from_dict`` *are* the output contract.

Every span carries ``start``/``end`` character offsets into the original text exactly as
decoded (never into a normalised copy), so ``text[start:end] == span.text`` always holds.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Optional


@dataclass(frozen=True)
class Span:
    """A labelled stretch of the original text, ``[start, end)``."""

    start: int
    end: int
    label: str
    text: str
    #: model confidence of the span (mean per-character probability); not part of equality
    score: Optional[float] = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: Optional[dict[str, Any]], label: str) -> Optional["Span"]:
        if data is None:
            return None
        return cls(int(data["start"]), int(data["end"]), label, data["text"])


@dataclass(frozen=True)
class Quantity:
    """A parsed value: ``number`` in the unit as written (``2.3万亿元`` -> 2.3e12, ``元``).

    ``low``/``high`` are set for ranges and one-sided bounds; ``qualifier`` is one of
    ``config.QUALIFIERS``.
    """

    number: Optional[float]
    unit: str = ""
    qualifier: str = "exact"
    low: Optional[float] = None
    high: Optional[float] = None


@dataclass(frozen=True)
class Value:
    """A VALUE span plus its parsed quantity."""

    span: Span
    quantity: Quantity

    def to_dict(self) -> dict[str, Any]:
        out = self.span.to_dict()
        out.update(asdict(self.quantity))
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Value":
        span = Span(int(data["start"]), int(data["end"]), "VALUE", data["text"])
        quantity = Quantity(data.get("number"), data.get("unit", ""), data.get("qualifier", "exact"),
                            data.get("low"), data.get("high"))
        return cls(span, quantity)


@dataclass(frozen=True)
class PolicyArea:
    """One of the 12 guideline areas with the evidence it was read from (DOMAIN span or heading)."""

    label: str
    evidence: Optional[Span] = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.label, "text": None, "start": None, "end": None}
        if self.evidence is not None:
            out.update(self.evidence.to_dict())
        return out

    @classmethod
    def from_dict(cls, data: Optional[dict[str, Any]]) -> Optional["PolicyArea"]:
        if data is None:
            return None
        evidence = None
        if data.get("start") is not None:
            evidence = Span(int(data["start"]), int(data["end"]), "DOMAIN", data["text"])
        return cls(data["label"], evidence)


@dataclass
class Record:
    """One number of a report as research data: (indicator, value, year, policy area) + change, kind."""

    value: Value
    indicator: Optional[Span] = None
    time: Optional[Span] = None
    year: Optional[int] = None
    year_start: Optional[int] = None
    policy_area: Optional[PolicyArea] = None
    change: str = "level"
    kind: str = "actual"
    score: float = 1.0
    doc: Optional[str] = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "indicator": self.indicator.to_dict() if self.indicator else None,
            "value": self.value.to_dict(),
            "change": self.change,
            "time": self.time.to_dict() if self.time else None,
            "year": self.year,
            "year_start": self.year_start,
            "policy_area": self.policy_area.to_dict() if self.policy_area else None,
            "kind": self.kind,
            "score": round(float(self.score), 4),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Record":
        return cls(
            value=Value.from_dict(data["value"]),
            indicator=Span.from_dict(data.get("indicator"), "INDICATOR"),
            time=Span.from_dict(data.get("time"), "TIME"),
            year=data.get("year"),
            year_start=data.get("year_start"),
            policy_area=PolicyArea.from_dict(data.get("policy_area")),
            change=data.get("change", "level"),
            kind=data.get("kind", "actual"),
            score=float(data.get("score", 1.0)),
            doc=data.get("doc"),
        )
