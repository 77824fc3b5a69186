"""Records as flat rows and as files: one flattening for CSV, pandas and anything tabular.

``Record.to_dict()`` is nested (``{"value": {"number": …}}``); a table needs one column
per leaf. The flattening lives here only, so the CLI's CSV, a pandas DataFrame and any
later exporter agree on column names and order.
"""
from __future__ import annotations

import csv
import json
from typing import IO, Any, Iterable, Mapping, Protocol

#: Column order of every tabular export: ``<field>_<leaf>`` for nested fields.
CSV_COLUMNS: tuple[str, ...] = (
    "doc",
    "indicator_text", "indicator_start", "indicator_end",
    "value_text", "value_start", "value_end",
    "value_number", "value_unit", "value_qualifier", "value_low", "value_high",
    "change",
    "time_text", "time_start", "time_end",
    "year", "year_start",
    "policy_area_label", "policy_area_text", "policy_area_start", "policy_area_end",
    "kind", "score",
)


def flatten(record: Mapping[str, Any]) -> dict[str, Any]:
    """Nested record dict -> ``{"value_number": …}``; a None sub-record leaves no keys."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, Mapping):
            for leaf, item in flatten(value).items():
                flat[f"{key}_{leaf}"] = item
        else:
            flat[key] = value
    return flat


def record_to_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """One record dict as a row with exactly ``CSV_COLUMNS`` (missing leaves are None)."""
    flat = flatten(record)
    return {column: flat.get(column) for column in CSV_COLUMNS}


class RecordWriter(Protocol):
    """Writes record dicts to an open text file, in one format."""

    def write(self, records: Iterable[Mapping[str, Any]]) -> int: ...


class JsonlWriter:
    """One JSON object per line, UTF-8 characters kept (no ``\\uXXXX``)."""

    def __init__(self, fh: IO[str]) -> None:
        self.fh = fh

    def write(self, records: Iterable[Mapping[str, Any]]) -> int:
        n = 0
        for record in records:
            self.fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
        return n


class CsvWriter:
    """CSV with a header of ``CSV_COLUMNS`` written once, before the first row."""

    def __init__(self, fh: IO[str]) -> None:
        self._writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, lineterminator="\n")
        self._header_done = False

    def write(self, records: Iterable[Mapping[str, Any]]) -> int:
        if not self._header_done:
            self._writer.writeheader()
            self._header_done = True
        n = 0
        for record in records:
            self._writer.writerow(record_to_row(record))
            n += 1
        return n


#: Output formats by name (the CLI's ``--format`` choices) and their file suffix.
FORMATS: dict[str, type] = {"jsonl": JsonlWriter, "csv": CsvWriter}
SUFFIXES: dict[str, str] = {"jsonl": ".jsonl", "csv": ".csv"}


def make_writer(fmt: str, fh: IO[str]) -> RecordWriter:
    """A writer for ``fmt`` (``jsonl`` or ``csv``) on ``fh``."""
    try:
        return FORMATS[fmt](fh)
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}") from None
