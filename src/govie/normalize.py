"""Character normalisation of a *copy* of the text, with an offset map back to the original.

Reports mix full-width digits and signs (``１９９０年``, ``５．１１亿元``, ``％``) with ASCII.
Pattern matching and number parsing run on the normalised copy; every offset found there is
mapped back through :class:`NormalizedText` so results always index the original string.
The map is one-to-one (each character is replaced by exactly one character), which keeps the
mapping trivial and exact.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

#: Single characters that are rewritten. Full-width ASCII (U+FF01..U+FF5E) is handled by
#: arithmetic below; these are the other variants seen in reports.
_EXTRA_MAP: dict[str, str] = {
    "\u3000": " ",   # ideographic space
    "\u00a0": " ",   # no-break space
    "\uff05": "%",   # ％ (also covered by the range, listed for clarity)
    "\u2014": "-",   # — em dash used in ranges 6%—6.5%
    "\u2013": "-",   # – en dash
    "\u2012": "-",
    "\u2015": "-",   # ― horizontal bar
    "\uff5e": "~",   # ～
    "\u301c": "~",   # 〜
    "\u2236": ":",
}


#: A middle dot between digits: a decimal point in some older typeset reports (``19·5％``),
#: but the usual way to name an event by its date (``“7·20”暴雨``, ``“5·18国际博物馆日”``).
_MIDDLE_DOTS = "\u00b7\u30fb"
_DOTTED_DIGITS = re.compile(rf"\d+(?:[{_MIDDLE_DOTS}]\d+)+")
_DOTS_TO_DECIMAL = str.maketrans(dict.fromkeys(_MIDDLE_DOTS, "."))
_QUOTES = "\u201c\u201d\"'\u300c\u300d"


def normalize_char(ch: str) -> str:
    """Map one character to its canonical form (full-width ASCII -> ASCII, dash variants -> '-')."""
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return _EXTRA_MAP.get(ch, ch)


@dataclass(frozen=True)
class NormalizedText:
    """A normalised copy of ``original``; ``text[i]`` corresponds to ``original[i]``."""

    original: str
    text: str

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the copy -> offsets in the original (identity: the map is 1:1)."""
        return start, end


def _decimal_dots(text: str) -> str:
    """``text`` with each middle dot between digits read as a decimal point, unless the dotted
    digits stand right after or before a quotation mark (an event named by its date)."""
    def decimal(m: re.Match) -> str:
        start, end = m.span()
        quoted = (start > 0 and text[start - 1] in _QUOTES) or (end < len(text) and text[end] in _QUOTES)
        return m.group(0) if quoted else m.group(0).translate(_DOTS_TO_DECIMAL)
    return _DOTTED_DIGITS.sub(decimal, text)


def normalize(text: str) -> NormalizedText:
    """Return a normalised copy; never modifies or re-segments the input."""
    return NormalizedText(text, _decimal_dots("".join(normalize_char(c) for c in text)))
