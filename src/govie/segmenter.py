"""Chinese word segmentation with govie's own pkuseg model.

Why a module of its own: the spaCy tokenizer, the benchmark and any later word-level
feature need the same segmenter loaded the same way, and they all need one guarantee
pkuseg does not give: the words must cover the input *exactly*. pkuseg silently drops
whitespace, so ``Segmenter.segment`` puts every whitespace run back as a token of its
own; joining the result always gives the original text, and character offsets into
the original report stay valid.

The model is trained by ``scripts/train_pkuseg.py`` on the PKU standard gold file of
the SIGHAN 2005 bakeoff (research/non-commercial terms, see the model card). The split
and the width twins used for training live here so that the trainer, the benchmark and
the tests cannot disagree about which sentences were held out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional, Sequence, Union

import numpy as np

from govie import config
from govie.errors import InputError, ModelError

#: Files a trained pkuseg model directory must hold (spacy-pkuseg's own format:
#: msgpack features and a numpy archive of weights, loaded without pickle).
MODEL_FILES: tuple[str, ...] = ("features.msgpack", "weights.npz")

#: The report vocabulary shipped next to the model (one word per line, pkuseg format).
USER_DICT_NAME = "user_dict.txt"

#: Every HELDOUT_EVERY-th gold sentence (the 10th, 20th, ...) is held out of training.
HELDOUT_EVERY = 10

# Characters whose width varies between reports (older ones write ６．５％, newer 6.5%).
# Only digits, Latin letters and the symbols that live inside numbers are flipped;
# clause punctuation (，：；) stays full-width as in every report.
_HALF_WIDTH = (
    "0123456789"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "abcdefghijklmnopqrstuvwxyz"
    ".%+-/"
)
#: Full-width forms sit at a fixed distance from ASCII in Unicode (U+FF01..U+FF5E).
_FULL_WIDTH_OFFSET = 0xFEE0
_FULL_WIDTH = "".join(chr(ord(ch) + _FULL_WIDTH_OFFSET) for ch in _HALF_WIDTH)
_TO_FULL = str.maketrans(_HALF_WIDTH, _FULL_WIDTH)
_TO_HALF = str.maketrans(_FULL_WIDTH, _HALF_WIDTH)
_ALNUM = re.compile("[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_WHITESPACE = re.compile(r"\s+")
#: CJK unified ideographs (and extension A): where a script change is a word boundary.
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")

UserDict = Union[str, Path, None, bool]


# --------------------------------------------------------------------------- data


def read_gold(path: Union[str, Path]) -> list[str]:
    """Read a space-separated segmentation file: one sentence per non-blank line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: segmentation file not found") from None
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 (byte {err.start})") from None
    return [line.strip() for line in text.splitlines() if line.strip()]


def split_heldout(lines: Sequence[str], every: int = HELDOUT_EVERY) -> tuple[list[str], list[str]]:
    """Split gold lines into (train, held-out): every ``every``-th line is held out.

    A fixed stride instead of a random draw keeps the split reproducible without a seed
    and spreads the held-out sentences over the whole file (all its topics).
    """
    train = [line for i, line in enumerate(lines) if i % every != every - 1]
    heldout = [line for i, line in enumerate(lines) if i % every == every - 1]
    return train, heldout


def width_twins(line: str) -> list[str]:
    """The all-full-width and all-half-width variants of a line holding digits/letters.

    Reports write both ``6.5%`` and ``６．５％``; PKU mixes ASCII digits with a full-width
    ``％``. pkuseg's features treat the two widths as different characters, so training
    on both forms is what keeps numbers whole in either kind of report. Variants equal
    to the line itself are left out; lines without digits or letters get none.
    """
    if not _ALNUM.search(line):
        return []
    twins: list[str] = []
    for variant in (line.translate(_TO_FULL), line.translate(_TO_HALF)):
        if variant != line and variant not in twins:
            twins.append(variant)
    return twins


def read_user_dict(path: Union[str, Path]) -> list[str]:
    """Read a user dictionary (one word per line) and check it the way pkuseg will use it.

    pkuseg reads every line as a word (a ``#`` line would become a word), so a line
    with inner whitespace or a comment is refused here with its line number.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ModelError(f"{path}: user dictionary not found") from None
    except UnicodeDecodeError as err:
        raise ModelError(f"{path}: user dictionary is not UTF-8 (byte {err.start})") from None
    words: list[str] = []
    for number, line in enumerate(lines, start=1):
        word = line.strip()
        if not word:
            continue
        if word.startswith("#") or _WHITESPACE.search(word):
            raise ModelError(
                f"{path}:{number}: a user dictionary line must be one word "
                f"without spaces or comments, got {word!r}"
            )
        words.append(word)
    return words


# ---------------------------------------------------------------------- segmenter


class Segmenter:
    """A loaded pkuseg model plus an optional user dictionary.

    Load once (``load_segmenter``) and reuse: loading reads the ~15 MB feature table.
    """

    def __init__(self, pkuseg: object, model_dir: Path, user_dict: Optional[Path]) -> None:
        self._pkuseg = pkuseg
        self.model_dir = model_dir
        self.user_dict = user_dict

    def cut(self, text: str) -> list[str]:
        """pkuseg's own output: the words, with all whitespace dropped."""
        return list(self._pkuseg.cut(text))  # type: ignore[attr-defined]

    def segment(self, text: str) -> list[str]:
        """Words plus whitespace runs as tokens of their own; ``"".join`` gives ``text``."""
        return [text[start:end] for start, end in self._cover(text)]

    def word_offsets(self, text: str) -> list[tuple[int, int]]:
        """Character offsets ``(start, end)`` of the words (whitespace excluded)."""
        return [(start, end) for start, end in self._cover(text) if not text[start:end].isspace()]

    def mid_word(self, text: str) -> np.ndarray:
        """``[len(text)]`` booleans: True at ``i`` when characters ``i-1`` and ``i`` lie inside
        one word, so that no span should begin or end between them (the NER decoder's
        word-boundary prior). A change between Chinese and other characters always counts as
        a boundary: pkuseg now and then glues a digit to the word before it (``规章2``), and a
        VALUE or INDICATOR edge sits exactly there."""
        inside = np.ones(len(text), dtype=bool)
        for start, _ in self._cover(text):  # the pieces tile the text: each end is a start
            inside[start] = False
        han = np.fromiter((bool(_HAN.match(ch)) for ch in text), dtype=bool, count=len(text))
        inside[1:] &= han[1:] == han[:-1]
        return inside

    def _cover(self, text: str) -> list[tuple[int, int]]:
        """Align pkuseg's words back onto ``text`` and fill the gaps with whitespace runs."""
        pieces: list[tuple[int, int]] = []
        position = 0
        for word in self.cut(text):
            gap = position
            while position < len(text) and text[position].isspace():
                position += 1
            if position > gap:
                pieces.append((gap, position))
            if not text.startswith(word, position):
                # pkuseg only ever splits the text; anything else is a broken model.
                raise ModelError(
                    f"{self.model_dir}: segmenter output {word!r} does not match the "
                    f"input at character {position}"
                )
            pieces.append((position, position + len(word)))
            position += len(word)
        if position < len(text):
            pieces.append((position, len(text)))  # trailing whitespace
        return pieces

    __call__ = segment


def resolve_user_dict(model_dir: Path, user_dict: UserDict) -> Optional[Path]:
    """None: the dictionary shipped in the model dir (if any); False: none; else a path."""
    if user_dict is False:
        return None
    if user_dict is None or user_dict is True:
        shipped = model_dir / USER_DICT_NAME
        if shipped.is_file():
            return shipped
        if user_dict is True:
            raise ModelError(f"{model_dir}: no {USER_DICT_NAME} next to the model")
        return None
    path = Path(user_dict)
    if not path.is_file():
        raise ModelError(f"{path}: user dictionary not found")
    return path


def check_model_dir(model_dir: Union[str, Path, None] = None) -> Path:
    """The model directory as a Path, or a ModelError naming the missing file."""
    model_dir = Path(model_dir) if model_dir is not None else Path(config.PKUSEG_MODEL_DIR)
    for name in MODEL_FILES:
        if not (model_dir / name).is_file():
            raise ModelError(
                f"{model_dir}: pkuseg model incomplete ({name} missing); "
                "train one with `python scripts/train_pkuseg.py`"
            )
    return model_dir


def load_segmenter(
    model_dir: Union[str, Path, None] = None, user_dict: UserDict = None
) -> Segmenter:
    """Load our pkuseg model (default ``config.PKUSEG_MODEL_DIR``) and its user dictionary.

    ``user_dict``: ``None`` uses ``user_dict.txt`` from the model directory, ``False``
    disables it, a path uses that file. pkuseg's built-in post-processing dictionary
    is not used: it merges words against a different (mixed-domain) standard and
    lowered held-out F1 (see the model card).
    """
    try:
        import spacy_pkuseg
    except ImportError:  # pragma: no cover - dependency of the package
        raise ModelError("spacy-pkuseg is not installed: pip install spacy-pkuseg") from None
    model_dir = check_model_dir(model_dir)
    dict_path = resolve_user_dict(model_dir, user_dict)
    try:
        seg = spacy_pkuseg.pkuseg(str(model_dir), user_dict=None)
    except Exception as err:  # pkuseg raises bare exceptions on broken files
        raise ModelError(f"{model_dir}: cannot load pkuseg model ({err})") from None
    apply_user_dict(seg, dict_path)
    return Segmenter(seg, model_dir, dict_path)


def apply_user_dict(pkuseg: object, dict_path: Optional[Path]) -> None:
    """Give a loaded ``spacy_pkuseg.pkuseg`` our dictionary and no post-processing.

    Shared by ``load_segmenter`` and the spaCy tokenizer so that both segment alike.
    The dictionary words are forced as whole tokens (longest match first); pkuseg's
    own post-processing word list is emptied and switched off (it follows another
    standard; the emptied lists also keep a saved spaCy pipeline small).
    """
    import spacy_pkuseg

    words = read_user_dict(dict_path) if dict_path is not None else None
    pkuseg.preprocesser = spacy_pkuseg.Preprocesser(words)  # type: ignore[attr-defined]
    post = pkuseg.postprocesser  # type: ignore[attr-defined]
    post.do_process = False
    post.common_words = set()
    post.other_words = set()


@lru_cache(maxsize=1)
def default_segmenter() -> Segmenter:
    """The shipped model with its user dictionary, loaded once per process and shared (the
    module-level ``segment`` and the NER decoder's word-boundary prior read it)."""
    return load_segmenter()


def segment(text: str, segmenter: Optional[Segmenter] = None) -> list[str]:
    """Segment ``text`` with the shipped model (loaded once); ``"".join`` gives ``text``."""
    return (segmenter or default_segmenter()).segment(text)


# ------------------------------------------------------------------------ scoring


@dataclass(frozen=True)
class WordScores:
    """Word-level precision/recall/F1: a word counts when both its boundaries match."""

    precision: float
    recall: float
    f1: float
    gold_words: int
    predicted_words: int
    correct_words: int


def _word_offsets(line: Union[str, Sequence[str]]) -> tuple[str, set[tuple[int, int]]]:
    words = line.split() if isinstance(line, str) else [w for w in line if w.strip()]
    offsets: set[tuple[int, int]] = set()
    position = 0
    for word in words:
        word = word.strip()
        offsets.add((position, position + len(word)))
        position += len(word)
    return "".join(w.strip() for w in words), offsets


def word_scores(
    gold_lines: Iterable[Union[str, Sequence[str]]],
    pred_lines: Iterable[Union[str, Sequence[str]]],
) -> WordScores:
    """Score predicted against gold segmentation, line by line.

    A line is a space-separated string or a list of words; whitespace is ignored, so
    the output of ``Segmenter.segment`` can be passed as it is.
    """
    gold_list, pred_list = list(gold_lines), list(pred_lines)
    if len(gold_list) != len(pred_list):
        raise InputError(f"gold has {len(gold_list)} lines, prediction {len(pred_list)}")
    n_gold = n_pred = n_correct = 0
    for number, (gold, pred) in enumerate(zip(gold_list, pred_list), start=1):
        gold_text, gold_words = _word_offsets(gold)
        pred_text, pred_words = _word_offsets(pred)
        if gold_text != pred_text:
            raise InputError(f"line {number}: gold and predicted words spell different text")
        n_gold += len(gold_words)
        n_pred += len(pred_words)
        n_correct += len(gold_words & pred_words)
    precision = n_correct / n_pred if n_pred else 0.0
    recall = n_correct / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return WordScores(precision, recall, f1, n_gold, n_pred, n_correct)


def word_f1(
    gold_lines: Iterable[Union[str, Sequence[str]]],
    pred_lines: Iterable[Union[str, Sequence[str]]],
) -> float:
    """Word F1 of predicted against gold lines (see ``word_scores``)."""
    return word_scores(gold_lines, pred_lines).f1
