"""A report as a document: its year, heading tree, section types, sentences and clauses.

Everything here is offsets into the text exactly as decoded (``text[start:end]`` is the
thing itself); nothing is normalised. Later stages ask the document questions by offset:
which section a value lies in (a review section's numbers are last year's, a work plan's
are this year's), which headings are above it (policy-area evidence), which sentence and
clause hold it (where indicator, value and time are paired).

The rules are tables (heading markers, section cues) rather than if-chains, so a new
report style is one more row.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Optional

from govie import config

# ---------------------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    """A numbered heading line. ``text`` excludes the number (``一、``, ``（二）``) and is
    capped at the first ``。``/``：`` so a heading that runs into its paragraph stays short;
    ``section_type`` is what the heading's own words name, None when they name nothing
    (its section then inherits, see ``Document``)."""

    start: int
    end: int
    text: str
    level: int
    section_type: Optional[str]


@dataclass(frozen=True)
class Section:
    """The stretch ``[start, end)`` from a heading to the next heading of the same or a
    higher level. ``heading`` is None for the preamble before the first heading;
    ``parent`` indexes ``Document.sections``; ``section_type`` is resolved (inherited)."""

    start: int
    end: int
    heading: Optional[Heading]
    section_type: str
    parent: Optional[int]


@dataclass(frozen=True)
class Sentence:
    """A sentence ``[start, end)`` (terminator included, surrounding space excluded) and its
    clauses: pieces between ``，；：``, delimiters and terminator excluded."""

    start: int
    end: int
    clauses: tuple[tuple[int, int], ...]


@dataclass
class Document:
    """A parsed report. All lookups are by character offset into ``text``.

    Section types come from ``config.SECTION_TYPES``. Why inheritance works as it does:
    a report opens by reviewing the past year (the preamble is ``review``); a sub-heading
    (``（一）…``) rarely names its period, so it takes its parent's type; a top-level
    heading that names no period continues the part before it (``三、加强政府自身建设``
    after the work plan is still the plan), except that it never continues a glossary
    (``other``), which ends the report text rather than starting a new part; and
    everything under a glossary stays ``other`` whatever its words say.
    """

    text: str
    doc_id: Optional[str]
    year: Optional[int]
    headings: tuple[Heading, ...]
    sections: tuple[Section, ...]
    sentences: tuple[Sentence, ...]
    _section_starts: list[int] = field(init=False, repr=False, compare=False)
    _sentence_starts: list[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._section_starts = [s.start for s in self.sections]
        self._sentence_starts = [s.start for s in self.sentences]

    def _check(self, offset: int) -> None:
        if not 0 <= offset <= len(self.text):
            raise ValueError(f"offset {offset} is outside the document (0..{len(self.text)})")

    def section_at(self, offset: int) -> Section:
        """The innermost section holding ``offset``."""
        self._check(offset)
        i = bisect.bisect_right(self._section_starts, offset) - 1
        return self.sections[max(i, 0)]

    def section_type_at(self, offset: int) -> str:
        """``review``, ``five_year_review``, ``plan`` or ``other`` at ``offset``."""
        return self.section_at(offset).section_type

    def headings_above(self, offset: int) -> list[Heading]:
        """Headings of the sections holding ``offset``, outermost first."""
        self._check(offset)
        i: Optional[int] = max(bisect.bisect_right(self._section_starts, offset) - 1, 0)
        chain: list[Heading] = []
        while i is not None:
            section = self.sections[i]
            if section.heading is not None:
                chain.append(section.heading)
            i = section.parent
        return chain[::-1]

    def sentence_at(self, offset: int) -> Sentence:
        """The sentence holding ``offset``; between sentences, the one before it."""
        self._check(offset)
        if not self.sentences:
            raise ValueError("the document has no sentences")
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        return self.sentences[max(i, 0)]

    def sentences_in(self, start: int, end: int) -> list[Sentence]:
        """Sentences overlapping ``[start, end)`` (for an empty range: holding ``start``)."""
        end = max(end, start + 1)
        lo = max(bisect.bisect_right(self._sentence_starts, start) - 1, 0)
        out = []
        for sentence in self.sentences[lo:]:
            if sentence.start >= end:
                break
            if sentence.end > start:
                out.append(sentence)
        return out


# ---------------------------------------------------------------------------------------
# Years
# ---------------------------------------------------------------------------------------

#: Digit characters as they appear in years: ASCII, full-width, Chinese digit by digit
#: (``二〇二五``, ``一九九○`` with a white circle, ``零``).
_DIGIT_VALUES: dict[str, int] = {
    **{str(d): d for d in range(10)},
    **{chr(0xFF10 + d): d for d in range(10)},
    **dict(zip("〇一二三四五六七八九", range(10))),
    "零": 0, "○": 0, "Ｏ": 0, "◯": 0,
}
_ARABIC = "0-9０-９"
_HAN_DIGITS = "〇零○Ｏ◯一二三四五六七八九"
#: A four-digit year before 年: Arabic/full-width (a space may sit between digits, as in
#: some web copies) or Chinese digits; not part of a longer number.
_YEAR = (
    rf"(?<![{_ARABIC}{_HAN_DIGITS}十])"
    rf"(?P<year>[{_ARABIC}](?:[ \u3000]?[{_ARABIC}]){{3}}|[{_HAN_DIGITS}]{{4}})"
    r"(?![0-9０-９])\s*年"
)
_YEAR_RE = re.compile(_YEAR)
_MONTH_DAY = rf"\s*[{_ARABIC}一二三四五六七八九十]{{1,3}}\s*月\s*[{_ARABIC}一二三四五六七八九十]{{1,3}}\s*日"
#: ``2025年政府工作报告`` (the year may follow a region name, the words may be spaced).
_TITLE_RE = re.compile(rf"^[^\n]{{0,12}}?{_YEAR}[^\n]{{0,24}}?政\s*府\s*工\s*作\s*报\s*告", re.M)
#: ``——2025年1月14日在…第三次会议上``: a full date followed on its line by the meeting.
_MEETING_RE = re.compile(rf"{_YEAR}{_MONTH_DAY}[^\n]{{0,40}}?(?:会议|大会)")
_YEAR_MIN, _YEAR_MAX = 1900, 2100


def _digits_year(digits: str) -> Optional[int]:
    """``二〇二五`` / ``１９９０`` / ``2 0 2 5`` -> 2025, read digit by digit; None if implausible."""
    values = [_DIGIT_VALUES[ch] for ch in digits if ch in _DIGIT_VALUES]
    if len(values) != 4:
        return None
    year = int("".join(map(str, values)))
    return year if _YEAR_MIN <= year <= _YEAR_MAX else None


def detect_report_year(text: str) -> Optional[int]:
    """The report year from the title or the meeting line near the top, or None.

    The report year is the year of the meeting (a report read in January 2025 plans
    2025). Only ``config.DOC_HEAD_CHARS`` characters are searched: further down, dates
    are facts of the report, not its own date.
    """
    head = text[: config.DOC_HEAD_CHARS]
    for pattern in (_TITLE_RE, _MEETING_RE):
        for match in pattern.finditer(head):
            year = _digits_year(match.group("year"))
            if year is not None:
                return year
    return None


# ---------------------------------------------------------------------------------------
# Section cues: which period a heading's words name
# ---------------------------------------------------------------------------------------

#: A five-year plan period: ``“十四五”``, ``八五``, ``第一个五年计划``.
_PERIOD = r"[“\"]?(?:[一二三四五六七八九十]{1,2}五|第[一二三四五六七八九十]{1,3}个五年(?:计划|规划)?)[”\"]?"
#: Words between a period name and what is said about it (no second quoted name).
_GAP = r"[^，。；“”\"]{0,16}?"

#: (section type, pattern). The earliest cue in a heading wins (a heading names first
#: what its section opens with); on a tie, the earlier row. Years are a separate cue
#: (``_year_cue``) because they need the report year.
SECTION_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern)) for kind, pattern in (
        ("other", r"名词解释|名词注释|^注释$|^注释："),
        ("five_year_review", rf"{_PERIOD}{_GAP}(?:回顾|成就|成绩|执行情况|总结)"),
        ("five_year_review", r"过去[五5六6]年|[五5]年来|这[五5]年"),
        ("review", r"回顾|过去一年|一年来|去年|上年|完成情况|执行情况|工作总结|工作情况|决算"),
        ("plan", rf"{_PERIOD}{_GAP}(?:目标|任务|考虑|举措|要求|方针|规划|计划|建议|思路)"),
        ("plan", r"目标任务|总体要求|预期目标|主要目标|奋斗目标|重点工作|工作安排|主要任务|重点任务"
                 r"|工作任务|总体部署|工作思路|主要工作|建议|今年|明年|今后|下一阶段|基本方针"
                 r"|规划纲要|预算"),
    )
)


def _keyword_cue(text: str) -> Optional[tuple[int, int, str]]:
    """(position, row, type) of the earliest keyword cue in ``text``, or None."""
    best: Optional[tuple[int, int, str]] = None
    for row, (kind, pattern) in enumerate(SECTION_CUES):
        match = pattern.search(text)
        if match and (best is None or (match.start(), row) < best[:2]):
            best = (match.start(), row, kind)
    return best


def _year_cue(text: str, report_year: Optional[int]) -> Optional[tuple[int, int, str]]:
    """A year in a heading, read against the report year: earlier -> review, else plan."""
    if report_year is None:
        return None
    for match in _YEAR_RE.finditer(text):
        year = _digits_year(match.group("year"))
        if year is not None:
            return (match.start(), len(SECTION_CUES), "review" if year < report_year else "plan")
    return None


def heading_section_type(text: str, report_year: Optional[int] = None) -> Optional[str]:
    """The section type a heading's own words name (earliest cue wins), or None."""
    cues = [c for c in (_keyword_cue(text), _year_cue(text, report_year)) if c is not None]
    return min(cues)[2] if cues else None


def _year_from_headings(headings: list[Heading]) -> Optional[int]:
    """Fallback report year when there is no title: ``一、2024年工作回顾`` -> 2025,
    ``二、2025年重点工作`` -> 2025. Only headings whose words say review or plan count."""
    for heading in headings:
        if heading.level > 2:
            continue
        cue = _keyword_cue(heading.text)
        match = _YEAR_RE.search(heading.text)
        if cue is None or match is None or cue[2] not in ("review", "plan"):
            continue
        year = _digits_year(match.group("year"))
        if year is not None:
            return year + 1 if cue[2] == "review" else year
    return None


# ---------------------------------------------------------------------------------------
# Headings
# ---------------------------------------------------------------------------------------

#: (level, marker pattern) for numbered headings at the start of a line.
HEADING_MARKERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(r"[一二三四五六七八九十]{1,3}、")),
    (2, re.compile(r"[（(][一二三四五六七八九十]{1,3}[）)]")),
    (3, re.compile(rf"[{_ARABIC}]{{1,2}}[.．、](?![{_ARABIC}])")),
    (4, re.compile(rf"[（(][{_ARABIC}]{{1,2}}[）)]")),
)
#: Where a heading text stops (besides the line end and ``config.HEADING_MAX_CHARS``).
_HEADING_STOP = re.compile(r"[。：:！？；]")
#: Inline paragraph break in flattened texts: sentence end + a run of spaces.
_INLINE_BREAK = re.compile(r"[。！？][ \t\u3000\u00a0\u2002\u2003]{2,}")
#: An unnumbered line may be a heading only if it has none of these (a sentence has).
_NOT_HEADING_CHARS = re.compile(r"[。，；：:！？、（）()—\-－―]")
_LINE_RE = re.compile(r"[^\r\n]*")


def _skip_space(text: str, i: int, end: int) -> int:
    while i < end and text[i].isspace():
        i += 1
    return i


def _heading_at(text: str, pos: int, line_end: int) -> Optional[tuple[int, Heading]]:
    """A numbered heading starting at ``pos`` (marker start), or None."""
    for level, marker in HEADING_MARKERS:
        match = marker.match(text, pos, line_end)
        if not match:
            continue
        start = _skip_space(text, match.end(), line_end)
        stop = _HEADING_STOP.search(text, start, line_end)
        end = min(stop.start() if stop else line_end, start + config.HEADING_MAX_CHARS)
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            return pos, Heading(start, end, text[start:end], level, None)
        return None
    return None


def _find_headings(text: str) -> list[tuple[int, Heading]]:
    """(section start, heading) for every heading, in text order.

    Numbered headings start a line (after indentation) or, in texts whose paragraphs
    were flattened, follow a sentence end and a run of spaces. An unnumbered line is a
    heading only when it is short, has no sentence punctuation and names a section
    (``2024年工作回顾``, ``名词解释``); a period-naming one (review/plan) counts only in
    reports that number none of their parts, so numbered reports keep their own outline.
    """
    numbered: list[tuple[int, Heading]] = []
    unnumbered: list[tuple[int, Heading]] = []
    for line in _LINE_RE.finditer(text):
        line_start, line_end = line.span()
        if line_start == line_end:
            continue
        pos = _skip_space(text, line_start, line_end)
        found = _heading_at(text, pos, line_end)
        if found:
            numbered.append(found)
        else:
            candidate = _unnumbered_heading(text, pos, line_end)
            if candidate:
                unnumbered.append(candidate)
        for brk in _INLINE_BREAK.finditer(text, pos, line_end):
            inline = _heading_at(text, brk.end(), line_end)
            if inline:
                numbered.append(inline)
    has_top = any(h.level == 1 for _, h in numbered)
    keep = [(p, h) for p, h in unnumbered if not has_top or _keyword_cue(h.text)[2] == "other"]
    return sorted(numbered + keep, key=lambda item: item[0])


def _unnumbered_heading(text: str, pos: int, line_end: int) -> Optional[tuple[int, Heading]]:
    """A short unnumbered line that names a section (see ``_find_headings``), or None."""
    end = line_end
    while end > pos and text[end - 1].isspace():
        end -= 1
    body = text[pos:end]
    cue = _keyword_cue(body) if body else None
    if cue is None or len(body) > config.UNNUMBERED_HEADING_MAX_CHARS:
        return None
    checked = body.rstrip("：:") if cue[2] == "other" else body  # ``注释：`` on its own line
    if _NOT_HEADING_CHARS.search(checked):
        return None
    return pos, Heading(pos, end, body, 1, None)


# ---------------------------------------------------------------------------------------
# Sentences and clauses
# ---------------------------------------------------------------------------------------

#: A sentence ends at 。！？； (half-width too; ``;`` not between digits), with closing
#: quotes after it, or at a line break.
_SENTENCE_END = re.compile(r"(?:[。！？!?；]|(?<![0-9]);|;(?![0-9]))+[”’」』）》]*|[\r\n]+")
#: Clauses split on ，；： (not on 、, which joins coordinated items: ``A、B分别增长…``);
#: half-width ``,;:`` only when not between digits (``1,000``, ``10:30``).
_CLAUSE_SPLIT = re.compile(r"[，；：]|(?<![0-9])[,;:]|[,;:](?![0-9])")
_TRAILING_END = re.compile(r"(?:[。！？!?；;]+[”’」』）》]*)$")


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _has_content(text: str, start: int, end: int) -> bool:
    return any(ch.isalnum() for ch in text[start:end])


def _clauses(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    trail = _TRAILING_END.search(text, start, end)
    body_end = trail.start() if trail else end
    out = []
    piece = start
    for match in _CLAUSE_SPLIT.finditer(text, start, body_end):
        s, e = _strip(text, piece, match.start())
        if _has_content(text, s, e):
            out.append((s, e))
        piece = match.end()
    s, e = _strip(text, piece, body_end)
    if _has_content(text, s, e):
        out.append((s, e))
    return tuple(out)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with clause offsets; whitespace-only and punctuation-only pieces are dropped."""
    out: list[Sentence] = []
    pos = 0
    for match in _SENTENCE_END.finditer(text):
        is_break = match.group()[0] in "\r\n"
        seg_end = match.start() if is_break else match.end()
        s, e = _strip(text, pos, seg_end)
        if _has_content(text, s, e):
            out.append(Sentence(s, e, _clauses(text, s, e)))
        pos = match.end()
    s, e = _strip(text, pos, len(text))
    if _has_content(text, s, e):
        out.append(Sentence(s, e, _clauses(text, s, e)))
    return out


# ---------------------------------------------------------------------------------------
# Assembly
# ---------------------------------------------------------------------------------------

#: Type of the text before the first heading: reports open by reviewing the past year.
PREAMBLE_SECTION_TYPE = "review"


def _build_sections(text: str, found: list[tuple[int, Heading]]) -> tuple[list[Heading], list[Section]]:
    headings = [h for _, h in found]
    sections: list[Section] = []
    starts = [p for p, _ in found]
    if not found or starts[0] > 0:
        sections.append(Section(0, starts[0] if found else len(text), None, PREAMBLE_SECTION_TYPE, None))
    stack: list[tuple[int, int]] = []  # (level, index into sections)
    last_top = PREAMBLE_SECTION_TYPE
    for k, (start, heading) in enumerate(found):
        end = next((starts[j] for j in range(k + 1, len(found)) if headings[j].level <= heading.level), len(text))
        while stack and stack[-1][0] >= heading.level:
            stack.pop()
        parent = stack[-1][1] if stack else None
        if parent is not None and sections[parent].section_type == "other":
            kind = "other"  # glossary entries name terms (``五项重点工作``), not periods
        elif heading.section_type is not None:
            kind = heading.section_type
        elif parent is not None:
            kind = sections[parent].section_type
        else:
            kind = last_top
        if parent is None and kind != "other":
            last_top = kind
        stack.append((heading.level, len(sections)))
        sections.append(Section(start, end, heading, kind, parent))
    return headings, sections


def parse_document(text: str, *, doc_id: Optional[str] = None, year: Optional[int] = None) -> Document:
    """Parse a report text into a ``Document``.

    The report year is ``year`` if given, else read from the title or meeting line at
    the top, else inferred from the first review/plan heading that names a year, else None.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_document expects str, got {type(text).__name__}")
    found = _find_headings(text)
    report_year = year if year is not None else detect_report_year(text)
    if report_year is None:
        report_year = _year_from_headings([h for _, h in found])
    typed = [
        (pos, Heading(h.start, h.end, h.text, h.level, heading_section_type(h.text, report_year)))
        for pos, h in found
    ]
    headings, sections = _build_sections(text, typed)
    return Document(
        text=text,
        doc_id=doc_id,
        year=report_year,
        headings=tuple(headings),
        sections=tuple(sections),
        sentences=tuple(split_sentences(text)),
    )


__all__ = [
    "Document", "Heading", "Section", "Sentence", "parse_document", "detect_report_year",
    "heading_section_type", "split_sentences", "SECTION_CUES", "HEADING_MARKERS",
]
