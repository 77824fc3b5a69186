"""The reading copy: a report as the pipeline reads it, whatever layout it came in.

The same report reaches researchers typed in different ways: a PDF text layer breaks every
line at the page width, mid-word and mid-number (``地区生产总\\n值增长5%``), and leaves page
numbers between pages; OCR and some websites put spaces around numbers (``增长 5 %``); some
sources type Chinese punctuation as ASCII (``增长5%,达到``), others digits as full-width forms
(``１２％``); files saved on Windows end their lines with ``\\r\\n``. The tagger was trained on
reports with one paragraph per line and Chinese punctuation, and the document parser finds
sentences by ``。`` and paragraphs by line breaks, so each of these layouts costs records
(``benchmarks/noise_robustness.py``: ASCII punctuation and hard wraps cost the shipped model
20 and 30 points of record F1 before this module existed).

:func:`read` makes a *copy* with the layout undone and keeps, for every character of the
copy, the offset of the character it came from (:class:`Reading`). The pipeline analyses the
copy and maps every span back through :meth:`Reading.to_original`, so records always index
the text the user passed in; the input is never changed. Each repair is one entry of
:data:`REPAIRS`, applied in order; a report already in the usual layout reads as itself,
apart from stray spaces next to numbers (``2024 年``) and full-width digits, read as ASCII.
"""
from __future__ import annotations

import bisect
from array import array
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Sequence

from govie import config
from govie.document import HEADING_MARKERS
from govie.normalize import normalize_char

_HAN = "\u4e00-\u9fff"
_SPACES = " \t\u3000\u00a0"
_HAN_OR_BRACKET = re.compile(rf"[{_HAN}“”（）]")
_ENDS_A_SENTENCE = re.compile(rf"[{_HAN}”）%％]")


@dataclass(frozen=True)
class Reading:
    """The copy ``text`` of ``original``; ``origin[j]`` is the index in ``original`` of
    ``text[j]`` (strictly increasing: repairs delete or replace characters, never reorder)."""

    original: str
    text: str
    origin: Sequence[int]

    @cached_property
    def is_identity(self) -> bool:
        return self.text == self.original

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Copy offsets ``[start, end)`` -> original offsets: from the first character's origin
        to just after the last one's, so a span keeps any break that fell inside it."""
        if self.is_identity:
            return start, end
        if end <= start:
            at = self.origin[start] if start < len(self.origin) else len(self.original)
            return at, at
        return self.origin[start], self.origin[end - 1] + 1

    def to_reading(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets -> copy offsets (the inverse; deleted characters at the edges drop
        out): used to carry gold spans, which index the original, into the copy."""
        if self.is_identity:
            return start, end
        return bisect.bisect_left(self.origin, start), bisect.bisect_left(self.origin, end)


# -- repairs: (text, origin) -> (text, origin) --------------------------------------------

Layout = tuple[str, list[int]]


def _delete(layout: Layout, spans: Sequence[tuple[int, int]]) -> Layout:
    """``layout`` without the characters in ``spans`` (sorted, disjoint)."""
    text, origin = layout
    if not spans:
        return layout
    keep_text, keep_origin, pos = [], [], 0
    for start, end in spans:
        keep_text.append(text[pos:start])
        keep_origin.extend(origin[pos:start])
        pos = end
    keep_text.append(text[pos:])
    keep_origin.extend(origin[pos:])
    return "".join(keep_text), keep_origin


def _wrap_width(lines: Sequence[str]) -> int | None:
    """The line width of a hard-wrapped text, or None when lines are paragraphs.

    A wrapped text has many lines of (nearly) the same length: the page width, give or take
    the narrower half-width digits. Paragraph-per-line text has lengths all over the place."""
    lengths = [len(line.rstrip()) for line in lines if len(line.rstrip()) >= config.LAYOUT_WRAP_MIN_WIDTH]
    if len(lengths) < config.LAYOUT_WRAP_MIN_LINES:
        return None
    width, _ = Counter(lengths).most_common(1)[0]
    near = sum(width - config.LAYOUT_WRAP_SLACK <= n <= width for n in lengths)
    return width if near >= config.LAYOUT_WRAP_MIN_SHARE * len(lengths) else None


def unix_line_ends(layout: Layout) -> Layout:
    """``\\r\\n`` (a file saved on Windows) as ``\\n``, a lone ``\\r`` (old Mac) as ``\\n``: every
    later rule and the tagger then see one kind of line break."""
    if "\r" not in layout[0]:
        return layout
    text, origin = _delete(layout, [(m.start(), m.end()) for m in re.finditer(r"\r(?=\n)", layout[0])])
    return text.replace("\r", "\n"), origin


#: A line that holds only a page number, as PDF text layers leave between pages: ``- 12 -``,
#: ``— 3 —``, ``第12页``, or the bare number.
_DASHES = "-—－–"
_PAGE_NUMBER_LINE = re.compile(
    rf"(?m)^[{_SPACES}]*"
    rf"(?:[{_DASHES}]+[{_SPACES}]*\d{{1,3}}[{_SPACES}]*[{_DASHES}]+|第\d{{1,3}}页|\d{{1,3}})"
    rf"[{_SPACES}]*\n")


def drop_page_numbers(layout: Layout) -> Layout:
    """Delete page-number lines (with their line break), so the paragraph a page break cut in
    two reads as one again (:func:`join_hard_wraps` then joins its lines)."""
    text, _ = layout
    return _delete(layout, [m.span() for m in _PAGE_NUMBER_LINE.finditer(text)])


def _opens_heading(line: str) -> bool:
    """Does ``line`` start with a chapter or section number (levels 1 and 2 of the document
    parser's markers; a digit may start the rest of a wrapped number, ``1.2万``)?"""
    return any(pattern.match(line) for level, pattern in HEADING_MARKERS if level <= 2)


def join_hard_wraps(layout: Layout) -> Layout:
    """Delete the line breaks a fixed page width put inside paragraphs.

    A break is a wrap when the line before it is full (at least the page width less a little
    slack) and the next line neither is empty, nor starts indented (an indent opens a
    paragraph), nor opens with a heading number (``二、``, ``（三）``). A full line that ends a
    sentence is wrapped too: a paragraph that ends exactly at the page width is the rare case
    (about one in a page width), a sentence that does the common one."""
    text, _ = layout
    lines = text.split("\n")
    width = _wrap_width(lines)
    if width is None:
        return layout
    cuts, pos = [], 0
    for line, following in zip(lines, lines[1:]):
        body = line.rstrip(_SPACES)
        pos_break = pos + len(line)
        full = len(body) >= width - config.LAYOUT_WRAP_SLACK
        if full and following[:1] not in ("", *_SPACES) and not _opens_heading(following):
            cuts.append((pos + len(body), pos_break + 1))  # trailing spaces and the break
        pos = pos_break + 1
    return _delete(layout, cuts)


#: Spaces next to a number (``2024 年``, ``增长 5 %``, ``1 200万``) or a single space between
#: two Chinese characters (``生产 总值``). Runs of spaces after a sentence end are left: the
#: document parser reads them as paragraph breaks of flattened texts.
_LAYOUT_SPACES = re.compile(
    rf"(?<=[{_HAN}0-9０-９%％])[{_SPACES}]+(?=[0-9０-９%％])"
    rf"|(?<=[0-9０-９])[{_SPACES}]+(?=[{_HAN}%％])"
    rf"|(?<=[{_HAN}])[{_SPACES}](?=[{_HAN}])")


_DIGIT_RUN = re.compile(r"[0-9０-９]+")


def drop_layout_spaces(layout: Layout) -> Layout:
    """Delete spaces that only the layout put there; digits on both sides stay apart unless
    both groups belong to one number (``1 200``: three digits after the space)."""
    text, _ = layout
    cuts = []
    for m in _LAYOUT_SPACES.finditer(text):
        start, end = m.span()
        digit_run = _DIGIT_RUN.match(text, end)   # from ``end`` on, without copying the rest
        if start and text[start - 1].isdigit() and digit_run and len(digit_run.group()) != 3:
            continue  # two numbers side by side (``2024 2025``), not one number with a gap
        cuts.append((start, end))
    return _delete(layout, cuts)


_FULL_WIDTH_POINT = "．"


def _half_width(ch: str) -> str:
    """A full-width digit, Latin letter or ``％`` as ASCII; anything else (Chinese punctuation
    is full-width too: ``，（）：``) as it is."""
    ascii_form = normalize_char(ch)
    return ascii_form if ascii_form != ch and (ascii_form.isalnum() or ascii_form == "%") else ch


def half_width_alnum(layout: Layout) -> Layout:
    """Full-width digits, letters and ``％`` as ASCII, and a full-width point between digits
    as ``.`` (one character for one): the same number then reads the same to every rule and
    feature, whichever way it was typed."""
    text, origin = layout
    chars = [_half_width(ch) for ch in text]
    for i, ch in enumerate(text):
        if ch == _FULL_WIDTH_POINT and 0 < i < len(text) - 1 and chars[i - 1].isdigit() \
                and chars[i + 1].isdigit():
            chars[i] = "."
    return "".join(chars), origin


#: ASCII punctuation typed for a Chinese mark -> that mark. Between two digits it belongs to
#: a number (``5,000``, ``8:30``, ``3.5``) and is left alone.
_ASCII_PUNCTUATION: dict[str, str] = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！",
                                     "(": "（", ")": "）", ".": "。"}
#: Other code points of the list comma ``、`` (small and half-width forms), read as it is
#: wherever they stand: the tagger and R12 know lists by ``、`` alone.
_LIST_COMMA_FORMS = str.maketrans({"\ufe51": "、", "\uff64": "、"})


def _chinese_context(text: str, i: int) -> bool:
    """Is position ``i`` next to a Chinese character (so its punctuation is Chinese)?"""
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    return bool(_HAN_OR_BRACKET.match(before) or _HAN_OR_BRACKET.match(after))


#: A heading number with its full stop at a line start (``1.``, ``12.``): not a sentence end.
_HEADING_NUMBER = re.compile(r"(?:^|\n)[ \t\u3000]*\d{1,2}$")


def _ends_sentence(text: str, i: int) -> bool:
    """Is the ASCII full stop at ``i`` a sentence end? Not before a digit or a letter (``3.5``,
    ``No.``), and not after a heading number; after a Chinese character, a closing mark or
    a number's unit (``%``) or digits (``增长5.``) it is."""
    after = text[i + 1] if i + 1 < len(text) else ""
    if after.isascii() and after.isalnum():
        return False
    before = text[i - 1] if i > 0 else ""
    if before.isdigit():
        return not _HEADING_NUMBER.search(text, max(0, i - 8), i)
    return bool(_ENDS_A_SENTENCE.match(before))


def chinese_punctuation(layout: Layout) -> Layout:
    """Replace ASCII punctuation next to Chinese characters by the Chinese mark, one character
    for one (offsets unchanged). Inside numbers (``5,000``, ``3.5``) and after a heading
    number (``1.``) nothing changes; a full stop changes only where it ends a sentence
    (:func:`_ends_sentence`)."""
    text, origin = layout
    chars = list(text)
    for i, ch in enumerate(text):
        mark = _ASCII_PUNCTUATION.get(ch)
        if mark is None or not (_ends_sentence(text, i) if ch == "." else _chinese_context(text, i)):
            continue
        before = text[i - 1] if i > 0 else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if before.isdigit() and after.isdigit():
            continue
        chars[i] = mark
    return "".join(chars).translate(_LIST_COMMA_FORMS), origin


#: A numbered heading typed with a comma for its ``、`` (``一,总体要求``): the comma is put
#: back, so the document parser sees the heading.
_HEADING_COMMA = re.compile(r"(?m)^([ \t\u3000]*[一二三四五六七八九十]{1,3})[,，](?=\S)")


def heading_commas(layout: Layout) -> Layout:
    """``一,`` / ``一，`` at a line start as the heading mark ``一、`` (one character for one)."""
    text, origin = layout
    chars = list(text)
    for m in _HEADING_COMMA.finditer(text):
        chars[m.end(1)] = "、"
    return "".join(chars), origin


def paired_quotes(layout: Layout) -> Layout:
    """Straight double quotes ``"…"`` as Chinese quotes ``“…”`` on lines that hold them in
    pairs (the tagger learned ``“雏鹰企业”`` as one name)."""
    text, origin = layout
    chars, pos = list(text), 0
    for line in text.split("\n"):
        quotes = [pos + i for i, ch in enumerate(line) if ch == '"']
        if quotes and len(quotes) % 2 == 0:
            for k, i in enumerate(quotes):
                chars[i] = "“" if k % 2 == 0 else "”"
        pos += len(line) + 1
    return "".join(chars), origin


#: The repairs, in the order they run: line ends first, then page numbers and wraps (a
#: wrap may hide a space), then spaces, then characters one for one.
REPAIRS: tuple[Callable[[Layout], Layout], ...] = (
    unix_line_ends, drop_page_numbers, join_hard_wraps, drop_layout_spaces,
    half_width_alnum, chinese_punctuation, heading_commas, paired_quotes)


def read(text: str) -> Reading:
    """The reading copy of ``text`` (see the module docstring); ``text`` is not changed."""
    layout: Layout = (text, list(range(len(text))))
    for repair in REPAIRS:
        layout = repair(layout)
    copy, origin = layout
    return Reading(text, copy, array("q", origin))   # 8 bytes a character, not a list of ints
