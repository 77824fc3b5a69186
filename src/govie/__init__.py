"""govie: numbers in Chinese government work reports as research records.

The public surface is deliberately small: ``extract``, ``load``, ``Record`` (and, once the
spaCy component is installed, ``load_spacy``). Everything else is an implementation module.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from govie.records import PolicyArea, Quantity, Record, Span, Value

if TYPE_CHECKING:  # pragma: no cover
    from govie.pipeline import Extractor

__all__ = ["extract", "load", "Record", "Span", "Value", "Quantity", "PolicyArea"]
__version__ = "0.1.0"


def load(path: Optional[str] = None, **kwargs: Any) -> "Extractor":
    """Load an extractor once (model weights, vocabularies) for repeated ``.extract`` calls."""
    from govie.pipeline import Extractor

    return Extractor.load(path, **kwargs)


_DEFAULT: dict[str, "Extractor"] = {}


def extract(text: str, *, year: Optional[int] = None, model: Optional[str] = None) -> list[Record]:
    """Extract every numeric record of one report text. The model is loaded once and cached."""
    key = model or ""
    if key not in _DEFAULT:
        _DEFAULT[key] = load(model)
    return _DEFAULT[key].extract(text, year=year)
