"""The worked analysis notebook runs end to end with the shipped model and finds the targets.

Executing it reads ../shared/corpus (the national and 2026 provincial reports) and needs the
shipped model, so those tests skip without either. The notebook is executed in memory and
written to a temporary folder; the committed notebook (saved with its outputs) is never
overwritten. A quick check of the committed file itself runs everywhere.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "national_gdp_targets.ipynb"
SHARED = ROOT.parent / "shared"
SHIPPED_MODEL = ROOT / "models" / "govie"
#: nbclient's limit per cell; the extraction cells take minutes on two CPU cores
CELL_TIMEOUT_S = 1500
MIN_TARGET_YEARS = 20

needs_corpus = pytest.mark.skipif(not SHARED.is_dir(), reason="needs ../shared (the report corpus)")
needs_model = pytest.mark.skipif(not (SHIPPED_MODEL / "govie_ner.json").is_file(),
                                 reason="needs the shipped model in models/govie")


def _cell(nb, tag: str):
    """The code cell carrying ``tag`` in its metadata (the notebook tags the cells tests read)."""
    tagged = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"expected one cell tagged {tag!r}, found {len(tagged)}"
    return tagged[0]


def _stream_text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")


def _has_png(cell) -> bool:
    return any("image/png" in o.get("data", {}) for o in cell.outputs)


def _targets_summary(nb) -> tuple[int, list[int]]:
    """(number of report years with a target, the years without one) from the targets cell."""
    text = _stream_text(_cell(nb, "national-targets"))
    found = re.search(r"GDP growth target extracted for (\d+) of (\d+) reports", text)
    missing = re.search(r"no target extracted:([ \d]*)$", text, re.MULTILINE)
    assert found and missing, f"targets cell printed no summary:\n{text}"
    return int(found.group(1)), [int(y) for y in missing.group(1).split()]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    src = str(ROOT / "src")
    with pytest.MonkeyPatch.context() as mp:  # the kernel inherits this environment
        mp.delenv("GOVIE_MODEL", raising=False)  # test the shipped model, not a developer's override
        mp.setenv("PYTHONPATH", os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p))
        mp.setenv("MPLBACKEND", "Agg")
        NotebookClient(nb, kernel_name="python3", timeout=CELL_TIMEOUT_S,
                       resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    out = tmp_path_factory.mktemp("notebook") / NOTEBOOK.name
    nbformat.write(nb, out)
    return nb


def test_committed_notebook_is_saved_with_outputs_and_no_errors():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs for c in code), "every code cell should be saved with its output"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, f"saved notebook holds an error: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    assert _has_png(_cell(nb, "national-plot"))
    assert 'os.environ.get("GOVIE_MODEL")' in "".join(c.source for c in code)


@needs_corpus
@needs_model
def test_plot_of_targets_is_embedded(executed):
    assert _has_png(_cell(executed, "national-plot"))
    assert _has_png(_cell(executed, "scores-areas"))


@needs_corpus
@needs_model
def test_targets_found_for_most_years(executed):
    found, _ = _targets_summary(executed)
    assert found >= MIN_TARGET_YEARS


@needs_corpus
@needs_model
def test_2020_is_a_year_without_target(executed):
    # the 2020 report deliberately set no GDP growth target
    _, missing = _targets_summary(executed)
    assert 2020 in missing


@needs_corpus
@needs_model
def test_provincial_table_has_every_province(executed):
    text = _stream_text(_cell(executed, "provincial-targets"))
    assert re.search(r"^30 provincial 2026 reports", text, re.MULTILINE), text
