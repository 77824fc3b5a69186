"""Tiny randomly initialised models for tests (CI has no GPU and no shipped-model budget).

``make_tiny_ner(out, texts)`` writes a complete govie model directory — a 2-layer, 32-wide
BERT over the characters of ``texts``, an untrained NER head and the character table — that
``govie.load(out)`` accepts like the shipped model.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Iterable

import torch

from govie.ner.model import NerModel
from govie.ner.vocab import CHAR_VOCAB_FILE, CharEncoder


def make_tiny_base(out: Path, texts: Iterable[str], seed: int = 0) -> Path:
    from transformers import BertConfig, BertModel

    out.mkdir(parents=True, exist_ok=True)
    chars = sorted({unicodedata.normalize("NFKC", ch) for t in texts for ch in t if not ch.isspace()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]
    (out / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    torch.manual_seed(seed)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=128)
    BertModel(cfg).save_pretrained(str(out))
    return out


def make_tiny_ner(out: Path, texts: Iterable[str], seed: int = 0) -> Path:
    texts = list(texts)
    base = make_tiny_base(out.parent / (out.name + "-base"), texts, seed)
    model = NerModel.from_base(base)
    model.save(out)
    chars = CharEncoder.for_model_dir(base)
    chars.extend(texts)
    chars.save(out / CHAR_VOCAB_FILE)
    return out
