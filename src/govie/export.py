"""Records as flat rows and as files: one flattening for CSV, Parquet, pandas, anything tabular.

``Record.to_dict()`` is nested (``{"value": {"number": …}}``); a table needs one column
per leaf. The flattening lives here only, so the CLI's CSV, a pandas DataFrame and any
later exporter agree on column names and order.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from typing import IO, Any, Callable, Iterable, Mapping, Protocol

from govie.config import PARQUET_ROW_GROUP_ROWS
from govie.errors import GovieError

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


#: Column types of the typed exports (Parquet), by column: "string", "int64" or "float64".
#: Fixed here rather than inferred from the data, so a file without any record, or one
#: where a column happens to be all empty, has the same schema as every other file and a
#: folder of per-report files reads back as one table.
COLUMN_TYPES: dict[str, str] = {
    column: (
        "int64" if column.endswith(("_start", "_end")) or column in ("year", "year_start")
        else "float64" if column in ("value_number", "value_low", "value_high", "score")
        else "string"
    )
    for column in CSV_COLUMNS
}


class RecordWriter(Protocol):
    """Writes record dicts to an open file, in one format; ``close`` finishes the file.

    ``close`` does not close the handle (its owner does, e.g. ``io.atomic_writer``); it
    writes what the format needs at the end (Parquet's footer) and must be called once,
    after the last ``write``, on success only.
    """

    def write(self, records: Iterable[Mapping[str, Any]]) -> int: ...

    def close(self) -> None: ...


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

    def close(self) -> None:
        """Nothing to finish: every line is complete when written."""


class CsvWriter:
    """CSV with a header of ``CSV_COLUMNS`` written once, before the first row.

    ``close`` writes the header if no ``write`` came, so even an empty output is a CSV
    with its columns.
    """

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

    def close(self) -> None:
        if not self._header_done:
            self.write(())


def _pyarrow() -> tuple[Any, Any]:
    """``(pyarrow, pyarrow.parquet)``, imported only when Parquet is asked for."""
    try:
        import pyarrow
        import pyarrow.parquet as parquet
    except ImportError:
        raise GovieError(
            "--format parquet needs the pyarrow package, which is not installed "
            "(pip install pyarrow, or pip install 'govie[dev]')"
        ) from None
    return pyarrow, parquet


class ParquetWriter:
    """Parquet with the ``CSV_COLUMNS`` columns and ``COLUMN_TYPES`` types, on a binary handle.

    Rows are buffered and written as row groups of ``PARQUET_ROW_GROUP_ROWS``: one row
    group per report would make a many-report file slow to scan.
    """

    def __init__(self, fh: IO[bytes]) -> None:
        pa, pq = _pyarrow()
        self._pa = pa
        self.schema = pa.schema([(c, getattr(pa, COLUMN_TYPES[c])()) for c in CSV_COLUMNS])
        self._writer = pq.ParquetWriter(fh, self.schema)
        self._rows: list[dict[str, Any]] = []

    def write(self, records: Iterable[Mapping[str, Any]]) -> int:
        rows = [record_to_row(r) for r in records]
        self._rows.extend(rows)
        if len(self._rows) >= PARQUET_ROW_GROUP_ROWS:
            self._flush()
        return len(rows)

    def _flush(self) -> None:
        columns = {c: [row[c] for row in self._rows] for c in CSV_COLUMNS}
        self._writer.write_table(self._pa.Table.from_pydict(columns, schema=self.schema))
        self._rows = []

    def close(self) -> None:
        if self._rows:
            self._flush()
        self._writer.close()


@dataclass(frozen=True)
class Format:
    """One output format: its writer, file suffix, and whether it writes bytes."""

    writer: Callable[[IO[Any]], RecordWriter]
    suffix: str
    binary: bool = False


#: Output formats by name (the CLI's ``--format`` choices).
FORMATS: dict[str, Format] = {
    "jsonl": Format(JsonlWriter, ".jsonl"),
    "csv": Format(CsvWriter, ".csv"),
    "parquet": Format(ParquetWriter, ".parquet", binary=True),
}
SUFFIXES: dict[str, str] = {name: f.suffix for name, f in FORMATS.items()}


def get_format(fmt: str) -> Format:
    """The ``Format`` named ``fmt``; a ValueError naming the choices for any other name."""
    try:
        return FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}") from None


def check_format(fmt: str) -> None:
    """Raise the GovieError a missing optional dependency would, before any work is done."""
    if fmt == "parquet":
        _pyarrow()


def make_writer(fmt: str, fh: IO[Any]) -> RecordWriter:
    """A writer for ``fmt`` on ``fh`` (a text handle, or a binary one for Parquet)."""
    return get_format(fmt).writer(fh)
