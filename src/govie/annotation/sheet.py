"""Review sheets: a plain-text, line-per-record view of a document's annotation for people.

Annotating offsets by hand is error-prone; editing a sentence-by-sentence sheet is not.
``write_sheet`` renders a (draft) annotation as blocks, one per sentence that may hold a
number; an annotator edits the ``R`` lines; ``read_sheet`` resolves every span reference
back to exact character offsets and returns a gold-format document (guideline §5).

Sheet grammar (one block per sentence)::

    == S <start> <end> [<section type>] <heading path>
    > <the sentence text, for reading; ignored on input>
    R <VALUE> | <INDICATOR> | <TIME> | <DOMAIN> | <change> | <kind> | <year> | <area> [| k=v ...]

A span reference is the exact text as it appears in that sentence, with ``@n`` for its
n-th occurrence there, required when the text occurs more than once; ``-`` means none.
A span in another sentence (an INDICATOR named in the sentence before its values) is
``text@at<offset>``, its start offset in the document: ``@n`` counts occurrences in the
block's own sentence and cannot name it.
``year`` is ``2025`` or ``2021-2025`` (year_start-year) or ``-``. Optional ``k=v`` pairs
override the parsed quantity (``number= unit= qualifier= low= high=``). Lines starting with
``#`` are comments.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from govie.config import CHANGES, KINDS, POLICY_AREAS, QUALIFIERS
from govie.document import parse_document
from govie.errors import AnnotationError
from govie.quantities import may_hold_value, parse_quantity

#: Marks a reference by document offset (a span outside the block's sentence).
_AT_OFFSET = "@at"
FIELDS = ("VALUE", "INDICATOR", "TIME", "DOMAIN", "change", "kind", "year", "area")
OVERRIDABLE = ("number", "unit", "qualifier", "low", "high")


@dataclass(frozen=True)
class _Block:
    start: int
    end: int
    line: int


def _occurrences(sentence: str, piece: str) -> list[int]:
    """Start offsets of every occurrence of ``piece`` in ``sentence`` (overlaps included)."""
    found, pos = [], sentence.find(piece)
    while pos >= 0:
        found.append(pos)
        pos = sentence.find(piece, pos + 1)
    return found


def _ref(text: str, sentence_start: int, sentence_end: int, start: int, end: int) -> str:
    """Render the span [start, end) of a sentence as ``text``, or ``text@n`` when that text
    occurs more than once in the sentence (``read_sheet`` refuses such a bare reference),
    or ``text@at<start>`` when the span lies outside the sentence."""
    piece = text[start:end]
    if not (sentence_start <= start and end <= sentence_end):
        return f"{piece}{_AT_OFFSET}{start}"
    found = _occurrences(text[sentence_start:sentence_end], piece)
    return piece if len(found) <= 1 else f"{piece}@{found.index(start - sentence_start) + 1}"


def write_sheet(text: str, doc: dict[str, Any], *, all_sentences: bool = False) -> str:
    """Render ``doc`` (gold format, offsets into ``text``) as a review sheet."""
    parsed = parse_document(text, doc_id=doc["id"], year=doc.get("year"))
    spans = {sp["id"]: sp for sp in doc["spans"]}
    by_value_start = sorted(doc["records"], key=lambda r: spans[r["value"]]["start"])
    lines = [f"# doc: {doc['id']}  year: {doc.get('year')}  level: {doc.get('level')}",
             "# R VALUE | INDICATOR | TIME | DOMAIN | change | kind | year | area [| k=v ...]",
             f"# change: {' '.join(CHANGES)}; kind: {' '.join(KINDS)}; area: {' '.join(POLICY_AREAS)}"]
    for sent in parsed.sentences:
        s_text = text[sent.start:sent.end]
        recs = [r for r in by_value_start if sent.start <= spans[r["value"]]["start"] < sent.end]
        if not recs and not (all_sentences or may_hold_value(s_text)):
            continue
        heads = " > ".join(h.text for h in parsed.headings_above(sent.start))
        lines.append(f"== S {sent.start} {sent.end} [{parsed.section_type_at(sent.start)}] {heads}")
        lines.append("> " + s_text.replace("\n", " "))
        for r in recs:
            cells = []
            for key in ("value", "indicator", "time", "domain"):
                sp = spans.get(r.get(key)) if r.get(key) else None
                cells.append(_ref(text, sent.start, sent.end, sp["start"], sp["end"]) if sp else "-")
            year = r.get("year")
            year_cell = "-" if year is None else (f"{r['year_start']}-{year}" if r.get("year_start") else str(year))
            cells += [r["change"], r["kind"], year_cell, r["policy_area"]]
            lines.append("R " + " | ".join(cells))
    return "\n".join(lines) + "\n"


def _resolve(text: str, block: _Block, ref: str, where: str,
             near: Optional[int] = None) -> Optional[tuple[int, int]]:
    """Offsets of a span reference. A bare reference (no ``@n``) to text that occurs more
    than once in the sentence is refused: read as the first occurrence it silently linked
    the wrong one (22 gold records had an indicator at an earlier repeat of its words,
    ``耕地保护…净增耕地20万亩``); ``near`` (the VALUE's offset) names the likely one."""
    if ref in ("-", ""):
        return None
    at = re.fullmatch(rf"(.+?){_AT_OFFSET}(\d+)", ref)
    if at:
        piece, start = at.group(1), int(at.group(2))
        if text[start:start + len(piece)] != piece:
            raise AnnotationError(f"{where}: '{piece}' is not at offset {start} "
                                  f"(the text there is '{text[start:start + len(piece)]}')")
        return start, start + len(piece)
    m = re.fullmatch(r"(.+?)(?:@(\d+))?", ref)
    piece, nth = m.group(1), int(m.group(2) or 1)
    sentence = text[block.start:block.end]
    found = _occurrences(sentence, piece)
    if len(found) < nth:
        raise AnnotationError(f"{where}: '{piece}' (occurrence {nth}) is not in the sentence "
                              f"at {block.start}-{block.end}")
    if m.group(2) is None and len(found) > 1:
        hint = ""
        if near is not None:
            nearest = min(range(len(found)), key=lambda i: abs(block.start + found[i] - near))
            hint = f"; the one nearest the VALUE is {piece}@{nearest + 1}"
        raise AnnotationError(f"{where}: '{piece}' occurs {len(found)} times in the sentence at "
                              f"{block.start}-{block.end}: write {piece}@n{hint}")
    pos = found[nth - 1]
    return block.start + pos, block.start + pos + len(piece)


def _number(v: str, where: str = "") -> Optional[float]:
    if v in ("", "-", "None", "null"):
        return None
    try:
        return float(v)
    except ValueError:
        raise AnnotationError(f"{where}: '{v}' is not a number") from None


def read_sheet(sheet: str, text: str, *, doc_id: str, year: Optional[int], level: Optional[str],
               source: str = "sheet") -> dict[str, Any]:
    """Parse an edited sheet back into a gold-format document; errors name sheet line numbers."""
    spans: dict[tuple[int, int, str], str] = {}
    records: list[dict[str, Any]] = []
    block: Optional[_Block] = None

    def span_id(start_end: Optional[tuple[int, int]], label: str, where: str) -> Optional[str]:
        if start_end is None:
            return None
        key = (start_end[0], start_end[1], label)
        if key not in spans:
            for (s, e, lab), _ in spans.items():
                if s < key[1] and key[0] < e and (s, e, lab) != key:
                    raise AnnotationError(f"{where}: {label} '{text[key[0]:key[1]]}' overlaps "
                                          f"{lab} '{text[s:e]}'")
            spans[key] = f"s{len(spans) + 1}"
        return spans[key]

    for lineno, raw in enumerate(sheet.splitlines(), 1):
        line = raw.strip()
        where = f"{source}:{lineno}"
        if not line or line.startswith("#") or line.startswith(">"):
            continue
        if line.startswith("=="):
            m = re.match(r"==\s*S\s+(\d+)\s+(\d+)", line)
            if not m:
                raise AnnotationError(f"{where}: bad block header '{line[:40]}'")
            block = _Block(int(m.group(1)), int(m.group(2)), lineno)
            continue
        if not line.startswith("R "):
            raise AnnotationError(f"{where}: expected 'R ...', '== S ...', '>' or '#', got '{line[:40]}'")
        if block is None:
            raise AnnotationError(f"{where}: record before any '== S' block")
        cells = [c.strip() for c in line[2:].split("|")]
        if len(cells) < len(FIELDS):
            raise AnnotationError(f"{where}: {len(cells)} fields, expected {len(FIELDS)}: {' | '.join(FIELDS)}")
        value_ref, ind_ref, time_ref, dom_ref, change, kind, year_cell, area = cells[:8]
        overrides = {}
        for token in " ".join(cells[8:]).split():
            key, sep, val = token.partition("=")
            if not sep or key not in OVERRIDABLE:
                raise AnnotationError(f"{where}: override '{token}' is not k=v with k in {', '.join(OVERRIDABLE)}")
            overrides[key] = val
        for name, val, allowed in (("change", change, CHANGES), ("kind", kind, KINDS),
                                   ("area", area, POLICY_AREAS)):
            if val not in allowed:
                raise AnnotationError(f"{where}: {name} '{val}' not in {', '.join(allowed)}")
        value_pos = _resolve(text, block, value_ref, where)
        if value_pos is None:
            raise AnnotationError(f"{where}: a record needs a VALUE")
        vid = span_id(value_pos, "VALUE", where)
        if any(r["value"] == vid for r in records):
            raise AnnotationError(f"{where}: VALUE '{value_ref}' already has a record")
        q = parse_quantity(text[value_pos[0]:value_pos[1]])
        qualifier = overrides.get("qualifier", q.qualifier)
        if qualifier not in QUALIFIERS:
            raise AnnotationError(f"{where}: qualifier '{qualifier}' not in {', '.join(QUALIFIERS)}")
        y_match = re.fullmatch(r"(?:(\d{4})-)?(\d{4})|-", year_cell)
        if not y_match:
            raise AnnotationError(f"{where}: year '{year_cell}' is not YYYY, YYYY-YYYY or -")
        records.append({
            "indicator": span_id(_resolve(text, block, ind_ref, where, value_pos[0]), "INDICATOR", where),
            "value": vid,
            "time": span_id(_resolve(text, block, time_ref, where, value_pos[0]), "TIME", where),
            "domain": span_id(_resolve(text, block, dom_ref, where, value_pos[0]), "DOMAIN", where),
            "number": _number(overrides["number"], where) if "number" in overrides else q.number,
            "unit": overrides.get("unit", q.unit),
            "qualifier": qualifier,
            "low": _number(overrides["low"], where) if "low" in overrides else q.low,
            "high": _number(overrides["high"], where) if "high" in overrides else q.high,
            "change": change, "kind": kind,
            "year": int(y_match.group(2)) if y_match.group(2) else None,
            "year_start": int(y_match.group(1)) if y_match.group(1) else None,
            "policy_area": area,
        })
    span_list = [{"id": sid, "start": s, "end": e, "label": lab}
                 for (s, e, lab), sid in sorted(spans.items(), key=lambda kv: kv[0])]
    return {"id": doc_id, "year": year, "level": level, "spans": span_list, "records": records}
