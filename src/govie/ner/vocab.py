"""CharEncoder: exactly one token id per character, so token i is character i.

Why not run the tokenizer on the text: subword tokenizers merge characters, drop
whitespace and report offsets that overlap (the leading ``▁`` piece of a Unigram model
claims the first character). Span boundaries in the gold data fall between characters, so
the tagger works per character: each distinct character is NFKC-normalised and tokenized
*alone*, and the resulting id is cached. Offsets are then trivial and exact, and newlines,
full-width digits and rare signs all keep their slot.

Rules for one character (``resolve``):

* whitespace, line breaks and control/format characters -> the "space" id (the bare ``▁``
  piece if the vocabulary has one, else the separator id);
* the NFKC form tokenized without special tokens: one id -> that id; a bare ``▁``-like
  piece followed by one id -> the second id; anything else -> unknown.

The table (NFKC form -> id) is saved as JSON next to a trained model, so inference does
not depend on the tokenizer library or its version-specific quirks.
"""
from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Union

from govie.errors import ModelError
from govie.io import atomic_write_text

#: File name of the saved table inside a model directory.
CHAR_VOCAB_FILE = "char_vocab.json"
_FORMAT = "govie-char-vocab"
_VERSION = 1
#: Pieces that mark a word start without carrying a character (SentencePiece, GPT-2 BPE).
_BARE_MARKS = "\u2581\u0120 "
#: Unicode blocks with compatibility characters whose NFKC form differs from themselves
#: (full-width forms, enclosed and squared CJK, number forms, Kangxi radicals, CJK
#: compatibility ideographs): pre-resolved so a saved table covers them without a tokenizer.
_COMPAT_RANGES = ((0x2150, 0x218F), (0x2460, 0x24FF), (0x2F00, 0x2FDF), (0x3200, 0x33FF),
                  (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))


def _is_space(ch: str) -> bool:
    """Whitespace and invisible control/format characters: they separate, they carry no content."""
    if ch.isspace():
        return True
    return unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp")


class CharEncoder:
    """Character -> token id, one id per character."""

    def __init__(self, table: dict[str, int], *, cls_id: int, sep_id: int, pad_id: int,
                 unk_id: int, space_id: int, tokenizer: Any = None) -> None:
        self.table = dict(table)          # NFKC form -> id (unknown forms are absent)
        self.cls_id, self.sep_id, self.pad_id = int(cls_id), int(sep_id), int(pad_id)
        self.unk_id, self.space_id = int(unk_id), int(space_id)
        self._tokenizer = tokenizer
        self._cache: dict[str, int] = {}

    # ------------------------------------------------------------------ building
    @classmethod
    def from_tokenizer(cls, tokenizer: Any) -> "CharEncoder":
        """Build from a HF tokenizer object or a tokenizer directory.

        Every character found in the vocabulary pieces, plus the compatibility blocks, is
        resolved up front; other characters are resolved on first sight while the
        tokenizer is attached.
        """
        if isinstance(tokenizer, (str, os.PathLike)):
            tokenizer = _load_tokenizer(Path(tokenizer))
        vocab: dict[str, int] = tokenizer.get_vocab()
        unk = tokenizer.unk_token_id
        cls_id = tokenizer.cls_token_id if tokenizer.cls_token_id is not None else tokenizer.bos_token_id
        sep_id = tokenizer.sep_token_id if tokenizer.sep_token_id is not None else tokenizer.eos_token_id
        pad_id = tokenizer.pad_token_id
        missing = [name for name, value in (("unknown", unk), ("cls/bos", cls_id),
                                            ("sep/eos", sep_id), ("padding", pad_id)) if value is None]
        if missing:
            raise ModelError(f"tokenizer {getattr(tokenizer, 'name_or_path', '')!r} has no "
                             f"{', '.join(missing)} token; a BERT-like tokenizer is needed")
        space_id = vocab.get("\u2581", sep_id)
        enc = cls({}, cls_id=cls_id, sep_id=sep_id, pad_id=pad_id, unk_id=unk,
                  space_id=space_id, tokenizer=tokenizer)
        special = set(getattr(tokenizer, "all_special_tokens", []))
        chars: set[str] = set()
        for piece in vocab:
            if piece in special:
                continue
            chars.update(piece[2:] if piece.startswith("##") else piece)
        for lo, hi in _COMPAT_RANGES:
            chars.update(chr(c) for c in range(lo, hi + 1))
        enc.extend(chars)
        return enc

    @classmethod
    def for_model_dir(cls, directory: Union[str, Path]) -> "CharEncoder":
        """The saved table if the directory has one, else built from its tokenizer."""
        path = Path(directory) / CHAR_VOCAB_FILE
        if path.is_file():
            return cls.load(path)
        return cls.from_tokenizer(directory)

    def extend(self, texts: Iterable[str]) -> None:
        """Resolve every new character of ``texts`` now (batched), so a saved table covers them."""
        if self._tokenizer is None:
            return
        forms: set[str] = set()
        for text in texts:
            for ch in text:
                if ch in self._cache or _is_space(ch):
                    continue
                norm = unicodedata.normalize("NFKC", ch)
                if norm not in self.table and not (norm.isspace() or not norm):
                    forms.add(norm)
        forms_list = sorted(forms)
        if not forms_list:
            return
        encoded = self._tokenizer(forms_list, add_special_tokens=False)["input_ids"]
        for norm, ids in zip(forms_list, encoded):
            tid = self._pick(ids)
            if tid != self.unk_id:
                self.table[norm] = tid
        self._cache.clear()

    def _pick(self, ids: list[int]) -> int:
        """Apply the one-id rule to the ids of one tokenized character."""
        if len(ids) == 1:
            return int(ids[0])
        if len(ids) == 2:
            first = self._tokenizer.convert_ids_to_tokens(int(ids[0]))
            if isinstance(first, str) and first.strip(_BARE_MARKS) == "":
                return int(ids[1])
        return self.unk_id

    # ------------------------------------------------------------------ encoding
    def resolve(self, ch: str) -> int:
        """The id of one character (cached)."""
        tid = self._cache.get(ch)
        if tid is not None:
            return tid
        if _is_space(ch):
            tid = self.space_id
        else:
            norm = unicodedata.normalize("NFKC", ch)
            if not norm or norm.isspace():
                tid = self.space_id
            elif norm in self.table:
                tid = self.table[norm]
            elif self._tokenizer is not None:
                tid = self._pick(self._tokenizer(norm, add_special_tokens=False)["input_ids"])
                if tid != self.unk_id:
                    self.table[norm] = tid
            else:
                tid = self.unk_id
        self._cache[ch] = tid
        return tid

    def encode(self, text: str) -> list[int]:
        """One id per character: ``len(encode(text)) == len(text)`` always."""
        resolve = self.resolve
        return [resolve(ch) for ch in text]

    def unk_rate(self, text: str) -> float:
        """Share of characters that map to the unknown id (0.0 for an empty text)."""
        if not text:
            return 0.0
        return sum(1 for tid in self.encode(text) if tid == self.unk_id) / len(text)

    @property
    def max_id(self) -> int:
        """Largest id this encoder can emit (checked against the model's vocabulary size)."""
        return max([self.cls_id, self.sep_id, self.pad_id, self.unk_id, self.space_id,
                    *self.table.values()])

    # ------------------------------------------------------------------ persistence
    def to_dict(self) -> dict[str, Any]:
        return {"format": _FORMAT, "version": _VERSION,
                "special": {"cls": self.cls_id, "sep": self.sep_id, "pad": self.pad_id,
                            "unk": self.unk_id, "space": self.space_id},
                "table": dict(sorted(self.table.items()))}

    def save(self, path: Union[str, Path]) -> Path:
        """Write the table as JSON (atomically); a directory gets ``char_vocab.json`` inside."""
        path = Path(path)
        if path.is_dir():
            path = path / CHAR_VOCAB_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(self.to_dict(), ensure_ascii=False, indent=0))
        return path

    @classmethod
    def load(cls, path: Union[str, Path]) -> "CharEncoder":
        """Read a saved table; no tokenizer is needed afterwards."""
        path = Path(path)
        if path.is_dir():
            path = path / CHAR_VOCAB_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelError(f"{path}: character table not found") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelError(f"{path}: cannot read character table ({exc})") from None
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            raise ModelError(f"{path}: not a govie character table")
        if data.get("version") != _VERSION:
            raise ModelError(f"{path}: character table version {data.get('version')} is not "
                             f"supported (expected {_VERSION})")
        sp = data["special"]
        return cls({str(k): int(v) for k, v in data["table"].items()}, cls_id=sp["cls"],
                   sep_id=sp["sep"], pad_id=sp["pad"], unk_id=sp["unk"], space_id=sp["space"])


def _load_tokenizer(directory: Path) -> Any:
    """``AutoTokenizer`` from a local folder, with a message for people when it fails."""
    if not directory.is_dir():
        raise ModelError(f"{directory}: model directory not found")
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(str(directory), local_files_only=True)
    except (OSError, ValueError, KeyError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(f"{directory}: cannot load its tokenizer ({first})") from None
