"""NerModel: a BERT-like encoder, dropout and one linear layer over BIO tags.

Why token classification with one token per character: the four span labels are flat and
their boundaries fall between characters, so a per-character BIO tag is the whole problem
statement; a linear head trained with cross-entropy is the smallest model that can learn
it from a few hundred documents, and structure is enforced at decode time
(:mod:`govie.ner.decode`). Any local BERT-like checkpoint works as the encoder; the team's
character-level base (``govie base build``) is the default.

Persistence is safetensors only (no pickles): ``model.safetensors`` in fp16 holds encoder
and head, ``config.json`` is the encoder's config (rebuilt with ``AutoModel.from_config``),
``govie_ner.json`` holds tags, labels, maximum length and training metadata. This module
reads and writes the directory it is given and nothing else: no discovery, no CLI.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional, Sequence, Union

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save

from govie import config
from govie.errors import ModelError
from govie.io import atomic_writer
from govie.ner.decode import bio_tags

WEIGHTS_FILE = "model.safetensors"
ENCODER_CONFIG_FILE = "config.json"
META_FILE = "govie_ner.json"
_FORMAT = "govie-ner"
_VERSION = 1
#: Encoders whose position ids start after the padding index (2 positions fewer usable).
_OFFSET_POSITION_TYPES = ("roberta", "xlm-roberta", "camembert")
#: Longest input the tagger ever builds; bigger encoders gain nothing from longer windows.
_MAX_LENGTH_CAP = 512


def resolve_device(device: Optional[str] = None) -> torch.device:
    """``None``/``"auto"`` -> CUDA when available, else CPU; an unavailable CUDA is an error."""
    if device in (None, "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    dev = torch.device(device)
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ModelError("device 'cuda' was requested but no CUDA GPU is available")
    return dev


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` atomically (``govie.io.atomic_writer``), creating the folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_writer(path, binary=True) as fh:
        fh.write(data)


def atomic_save_tensors(tensors: dict[str, torch.Tensor], path: Path,
                        metadata: Optional[dict[str, str]] = None) -> None:
    """Tensors as safetensors, written atomically (never a half-written weights file)."""
    atomic_write_bytes(path, save({k: v.detach().cpu().contiguous() for k, v in tensors.items()},
                                  metadata=metadata))


def _usable_length(encoder_config: Any) -> int:
    """Token positions the encoder can take, [CLS]/[SEP] included."""
    n = int(getattr(encoder_config, "max_position_embeddings", _MAX_LENGTH_CAP))
    if getattr(encoder_config, "model_type", "") in _OFFSET_POSITION_TYPES:
        n -= int(getattr(encoder_config, "pad_token_id", 1) or 0) + 1
    return min(n, _MAX_LENGTH_CAP)


def _drop_pooler(encoder: torch.nn.Module) -> None:
    """The pooler is unused for token tagging; dropping it keeps its weights out of the file."""
    if getattr(encoder, "pooler", None) is not None:
        encoder.pooler = None


def _without_pooler(build: Any, *args: Any, **kwargs: Any) -> torch.nn.Module:
    """Build an encoder in fp32 (bases are stored in fp16; training needs fp32) without pooler.

    ``add_pooling_layer`` is a BERT-family argument; other encoders are built without it.
    """
    try:
        encoder = build(*args, add_pooling_layer=False, **kwargs)
    except TypeError:
        encoder = build(*args, **kwargs)
    return encoder.float()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class NerModel(torch.nn.Module):
    """Encoder -> dropout -> ``Linear(hidden, len(tags))``; ``forward`` returns tag logits."""

    def __init__(self, encoder: torch.nn.Module, labels: Sequence[str] = config.SPAN_LABELS, *,
                 max_length: Optional[int] = None, dropout: float = config.NER_DROPOUT,
                 meta: Optional[dict[str, Any]] = None) -> None:
        super().__init__()
        _drop_pooler(encoder)
        self.encoder = encoder
        self.labels: tuple[str, ...] = tuple(labels)
        self.tags: tuple[str, ...] = bio_tags(self.labels)
        self.max_length = int(max_length or _usable_length(encoder.config))
        self.dropout_p = float(dropout)
        self.dropout = torch.nn.Dropout(self.dropout_p)
        self.head = torch.nn.Linear(int(encoder.config.hidden_size), len(self.tags))
        self.meta: dict[str, Any] = dict(meta or {})

    @property
    def vocab_size(self) -> int:
        return int(self.encoder.config.vocab_size)

    def forward(self, input_ids: torch.Tensor, attention_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        return self.forward_with_hidden(input_ids, attention_mask)[0]

    def forward_with_hidden(self, input_ids: torch.Tensor, attention_mask: Optional[torch.Tensor] = None
                            ) -> tuple[torch.Tensor, torch.Tensor]:
        """(tag logits, last hidden states): the relation heads reuse the encoder's states."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.dropout(hidden)), hidden

    # ------------------------------------------------------------------ building
    @classmethod
    def from_base(cls, base_dir: Union[str, Path], labels: Sequence[str] = config.SPAN_LABELS,
                  *, dropout: float = config.NER_DROPOUT) -> "NerModel":
        """A fresh head on a pretrained local encoder (``AutoModel``, local files only)."""
        base = Path(base_dir)
        if not base.is_dir():
            raise ModelError(f"{base}: base model directory not found "
                             "(build one with `govie base build`)")
        from transformers import AutoModel

        try:
            encoder = _without_pooler(AutoModel.from_pretrained, str(base), local_files_only=True)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"{base}: cannot load the encoder ({_first_line(exc)})") from None
        return cls(encoder, labels, dropout=dropout, meta={"base": str(base)})

    @classmethod
    def for_training(cls, base_dir: Union[str, Path], labels: Sequence[str] = config.SPAN_LABELS,
                     *, dropout: float = config.NER_DROPOUT) -> "NerModel":
        """The model a training run starts from.

        A pretrained encoder gets a fresh head (:meth:`from_base`). A trained govie NER model
        (a folder with ``govie_ner.json``) is fine-tuned further as it is, head included: that
        is how a model is brought up to date with newly annotated reports without repeating
        the whole run. Its labels must be the ones asked for.
        """
        base = Path(base_dir)
        if not (base / META_FILE).is_file():
            return cls.from_base(base, labels, dropout=dropout)
        model = cls.load(base)
        if tuple(model.labels) != tuple(labels):
            raise ModelError(f"{base}: a trained model with labels {', '.join(model.labels)} "
                             f"cannot be trained further on {', '.join(labels)}")
        model.meta["continued_from"] = {"model": str(base), "training": model.meta.pop("training", None)}
        return model

    # ------------------------------------------------------------------ persistence
    def metadata(self) -> dict[str, Any]:
        return {"format": _FORMAT, "version": _VERSION, "tags": list(self.tags),
                "labels": list(self.labels), "max_length": self.max_length,
                "dropout": self.dropout_p, **{k: v for k, v in self.meta.items()
                                              if k not in ("format", "version", "tags", "labels")}}

    def save(self, directory: Union[str, Path]) -> Path:
        """Write ``model.safetensors`` (fp16), ``config.json`` and ``govie_ner.json``."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        tensors = {k: (v.to(torch.float16) if v.is_floating_point() else v).clone()
                   for k, v in self.state_dict().items()}
        atomic_save_tensors(tensors, out / WEIGHTS_FILE, metadata={"format": "pt"})
        atomic_write_bytes(out / ENCODER_CONFIG_FILE,
                           self.encoder.config.to_json_string(use_diff=False).encode("utf-8"))
        atomic_write_bytes(out / META_FILE, json.dumps(self.metadata(), ensure_ascii=False,
                                                       indent=2).encode("utf-8"))
        return out

    @classmethod
    def load(cls, directory: Union[str, Path], device: Optional[str] = None) -> "NerModel":
        """Rebuild from a saved directory (safetensors only) in eval mode on ``device`` (CPU default)."""
        src = Path(directory)
        for name in (WEIGHTS_FILE, ENCODER_CONFIG_FILE, META_FILE):
            if not (src / name).is_file():
                raise ModelError(f"{src}: not a govie NER model ({name} is missing)")
        try:
            meta = json.loads((src / META_FILE).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelError(f"{src / META_FILE}: cannot read ({_first_line(exc)})") from None
        if meta.get("format") != _FORMAT or meta.get("version") != _VERSION:
            raise ModelError(f"{src / META_FILE}: unsupported model format "
                             f"{meta.get('format')!r} version {meta.get('version')!r}")
        from transformers import AutoConfig, AutoModel

        try:
            enc_config = AutoConfig.from_pretrained(str(src), local_files_only=True)
            encoder = _without_pooler(AutoModel.from_config, enc_config)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"{src / ENCODER_CONFIG_FILE}: cannot build the encoder "
                             f"({_first_line(exc)})") from None
        extra = {k: v for k, v in meta.items()
                 if k not in ("format", "version", "tags", "labels", "max_length", "dropout")}
        model = cls(encoder, meta["labels"], max_length=meta["max_length"],
                    dropout=meta.get("dropout", config.NER_DROPOUT), meta=extra)
        if list(model.tags) != list(meta["tags"]):
            raise ModelError(f"{src / META_FILE}: tag list does not follow the BIO scheme of its labels")
        try:
            state = load_file(str(src / WEIGHTS_FILE), device="cpu")
            model.load_state_dict(state, strict=True)
        except (OSError, RuntimeError, SafetensorError) as exc:
            raise ModelError(f"{src / WEIGHTS_FILE}: weights do not fit the model "
                             f"({_first_line(exc)})") from None
        return model.to(resolve_device(device or "cpu")).eval()
