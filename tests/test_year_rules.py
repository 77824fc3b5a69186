"""benchmarks/year_rules.py: the year rules scored on gold links, on rows written for the test."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "year_rules.py"


def _load():
    spec = importlib.util.spec_from_file_location("year_rules", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["year_rules"] = module
    spec.loader.exec_module(module)
    return module


TEXT = ("2026年某省政府工作报告\n一、“十四五”时期及2025年工作回顾\n"
        "五年来，粮食产量达到800亿斤，累计建成高标准农田600万亩。\n"
        "2025年，经济总量增长5.3%。\n二、2026年工作安排\n经济总量增长5%左右。\n")


def _record(value: str, year: int, year_start, change: str) -> dict:
    start = TEXT.index(value)
    return {"value": {"start": start, "end": start + len(value), "text": value}, "time": None,
            "year": year, "year_start": year_start, "change": change}


def test_score_rows_counts_right_years_per_section_type():
    rows = [{"id": "own", "year": 2026, "text": TEXT, "records": [
        _record("800亿斤", 2025, None, "level"),          # end point of the period
        _record("600万亩", 2025, 2021, "level"),          # a total over it
        _record("5.3%", 2025, None, "growth"),
        _record("5%左右", 2026, None, "growth"),
        _record("600万亩", 2024, None, "level"),          # a wrong gold year is counted as a miss
    ]}]
    counts = _load().score_rows(rows)
    assert counts["all"]["records"] == 5 and counts["all"]["year"] == 4 and counts["all"]["year_start"] == 4
    assert counts["five_year_review"]["records"] == 3
    assert counts["plan"]["year"] == 1 and counts["review"]["year"] == 1
