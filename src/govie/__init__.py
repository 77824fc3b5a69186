"""govie: numbers in Chinese government work reports as research records.

The public surface is deliberately small: ``extract``, ``load``, ``Record`` (and, once the
spaCy component is installed, ``load_spacy``). Everything else is an implementation module.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from govie.records import PolicyArea, Quantity, Record, Span, Value

if TYPE_CHECKING:  # pragma: no cover
    from govie.pipeline import Extractor

__all__ = ["extract", "load", "load_spacy", "to_dataframe", "Record", "Span", "Value", "Quantity", "PolicyArea"]
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


def load_spacy(model: Optional[str] = None, segmenter_dir: Optional[str] = None, **kwargs: Any):
    """A spaCy ``zh`` pipeline (our pkuseg tokenizer) with the ``govie`` component added.

    spaCy is imported only here: the ``govie`` factory is also registered through the
    ``spacy_factories`` entry point, so ``spacy.blank("zh").add_pipe("govie")`` and
    ``spacy.load`` of a saved pipeline work without importing govie first.
    """
    from govie.spacy_component import load_spacy as _load_spacy

    return _load_spacy(model, segmenter_dir, **kwargs)


def to_dataframe(records: Any):
    """Records (``Record`` objects or their dicts) as a pandas DataFrame, one row per record.

    Columns are the flattened output contract (``govie.export.CSV_COLUMNS``), the same as
    ``govie extract --format csv``.
    """
    import pandas as pd

    from govie.export import CSV_COLUMNS, record_to_row

    rows = [record_to_row(r.to_dict() if hasattr(r, "to_dict") else r) for r in records]
    return pd.DataFrame(rows, columns=list(CSV_COLUMNS))
