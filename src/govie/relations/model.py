"""Relation heads on the NER encoder's states: which span each VALUE links to, and its
``kind`` and ``change``.

Design (issue #5): pooled span pairs on the shared encoder rather than entity markers.
Entity markers need one encoder pass per (value, candidate) pair; a report has hundreds of
values, which would multiply CPU time many-fold. Pooling reuses the states the NER pass
already computed, so linking costs a few small matrix products. The encoder stays frozen
for the heads: with ~40 gold documents, fine-tuning it for relations would trade NER
quality for little gain, and the NER and relation models then share one set of weights.

Each link type (indicator, time, domain) is a softmax over the candidates of the sentence
plus a learned "none" option; ``kind`` and ``change`` are classifiers over the value's
state, its verb context and document features (section type, cue words, rule-derived
change, time direction). A temperature per head (fit on dev) calibrates the probabilities.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional, Sequence, Union

import numpy as np
import torch
from safetensors.torch import load_file

from govie import config
from govie.config import CHANGES, KINDS, POLICY_AREAS
from govie.errors import ModelError
from govie.relations.features import (AREA_FEATURES, AREA_NGRAM_FIELDS, LINK_LABELS, PAIR_FEATURES,
                                      VALUE_FEATURES, AreaEvidence, ValueContext)

#: Every classifier of the model: three link types, then kind, change and policy area.
HEADS: tuple[str, ...] = (*LINK_LABELS, "kind", "change", "area")
#: The parameters of each head in ``RelationModel.state_dict()`` (by name prefix, after the
#: modules below): the heads share none, so each can keep the epoch it generalised best at.
HEAD_PARAMETERS: dict[str, tuple[str, ...]] = {
    **{name: (f"links.{name}.",) for name in LINK_LABELS},
    "kind": ("kind.",), "change": ("change.",), "area": ("area.", "area_words.")}
WEIGHTS_FILE = "relations.safetensors"
META_FILE = "relations.json"
_FORMAT, _VERSION = "govie-relations", 2


class PairHead(torch.nn.Module):
    """Scores the candidates of one link type, plus a "none" score per value (index 0)."""

    def __init__(self, hidden: int, width: int) -> None:
        super().__init__()
        n_pair, n_value = len(PAIR_FEATURES), len(VALUE_FEATURES)
        self.pair = torch.nn.Sequential(torch.nn.Linear(3 * hidden + n_pair, width), torch.nn.ReLU(),
                                        torch.nn.Dropout(config.REL_DROPOUT), torch.nn.Linear(width, 1))
        self.none = torch.nn.Sequential(torch.nn.Linear(hidden + n_value, width), torch.nn.ReLU(),
                                        torch.nn.Linear(width, 1))

    def forward(self, value: torch.Tensor, cands: torch.Tensor, pairs: torch.Tensor, mask: torch.Tensor,
                value_feats: torch.Tensor) -> torch.Tensor:
        """``value [B,H]``, ``cands [B,N,H]``, ``pairs [B,N,F]``, ``mask [B,N]`` -> logits ``[B,N+1]``
        with "none" first and padded candidates at ``-inf``."""
        none = self.none(torch.cat([value, value_feats], dim=-1))
        if cands.shape[1] == 0:
            return none
        v = value.unsqueeze(1).expand(-1, cands.shape[1], -1)
        scores = self.pair(torch.cat([v, cands, v * cands, pairs], dim=-1)).squeeze(-1)
        return torch.cat([none, scores.masked_fill(~mask, float("-inf"))], dim=1)


def _t(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))


def collate(contexts: Sequence[ValueContext]) -> dict[str, Any]:
    """Stack value contexts into padded batch tensors (candidates padded per link type)."""
    hidden = contexts[0].value_vec.shape[0]
    batch: dict[str, Any] = {"value": _t(np.stack([c.value_vec for c in contexts])),
                             "context": _t(np.stack([c.context_vec for c in contexts])),
                             "vf": _t(np.stack([c.value_features for c in contexts])),
                             "cands": {}, "pairs": {}, "mask": {}}
    for name in LINK_LABELS:
        n = max(len(c.candidates[name]) for c in contexts)
        cands = np.zeros((len(contexts), n, hidden), dtype=np.float32)
        pairs = np.zeros((len(contexts), n, len(PAIR_FEATURES)), dtype=np.float32)
        mask = np.zeros((len(contexts), n), dtype=bool)
        for i, c in enumerate(contexts):
            k = len(c.candidates[name])
            cands[i, :k], pairs[i, :k], mask[i, :k] = c.cand_vecs[name], c.pair_features[name], True
        batch["cands"][name], batch["pairs"][name] = _t(cands), _t(pairs)
        batch["mask"][name] = torch.from_numpy(mask)
    return batch


def _ngram_signature() -> dict[str, Any]:
    """What the n-gram ids depend on; a model trained under another hashing is refused."""
    return {"buckets": config.AREA_NGRAM_BUCKETS, "dim": config.AREA_NGRAM_DIM,
            "fields": {k: list(v) for k, v in AREA_NGRAM_FIELDS.items()}}


def collate_area(evidence: Sequence[AreaEvidence]) -> dict[str, torch.Tensor]:
    """Keyword one-hots ``[B, F]`` and the n-gram bags as flat ids + offsets (EmbeddingBag)."""
    lengths = [len(e.ngrams) for e in evidence]
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    return {"keywords": _t(np.stack([e.keywords for e in evidence])),
            "ids": torch.from_numpy(np.concatenate([e.ngrams for e in evidence])),
            "offsets": torch.from_numpy(offsets)}


class RelationModel(torch.nn.Module):
    def __init__(self, hidden: int, width: int = config.REL_HIDDEN) -> None:
        super().__init__()
        self.hidden_size, self.width = hidden, width
        self.links = torch.nn.ModuleDict({name: PairHead(hidden, width) for name in LINK_LABELS})
        n_in = 2 * hidden + len(VALUE_FEATURES)
        self.kind = torch.nn.Sequential(torch.nn.Linear(n_in, width), torch.nn.ReLU(),
                                        torch.nn.Dropout(config.REL_DROPOUT), torch.nn.Linear(width, len(KINDS)))
        self.change = torch.nn.Sequential(torch.nn.Linear(n_in, width), torch.nn.ReLU(),
                                          torch.nn.Dropout(config.REL_DROPOUT), torch.nn.Linear(width, len(CHANGES)))
        #: the area head's bag of character n-grams of indicator, headings and sentence:
        #: area is a matter of the words (R9), which a mean-pooled state blurs
        self.area_words = torch.nn.EmbeddingBag(config.AREA_NGRAM_BUCKETS, config.AREA_NGRAM_DIM, mode="mean")
        n_area = 2 * hidden + len(AREA_FEATURES) + len(VALUE_FEATURES) + config.AREA_NGRAM_DIM
        self.area = torch.nn.Sequential(torch.nn.Linear(n_area, width), torch.nn.ReLU(),
                                        torch.nn.Dropout(config.REL_DROPOUT), torch.nn.Linear(width, len(POLICY_AREAS)))
        #: softmax temperatures per head, fit on dev after training (1.0 = uncalibrated)
        self.temperatures: dict[str, float] = {name: 1.0 for name in HEADS}
        #: Platt map (a, b) of the raw record score, fit on dev end to end (govie.calibration)
        self.record_calibration: Optional[tuple[float, float]] = None

    def forward(self, batch: dict[str, Any]) -> dict[str, torch.Tensor]:
        """Logits of the link heads (``[B, N+1]``, none first), kind and change."""
        out = {name: head(batch["value"], batch["cands"][name], batch["pairs"][name], batch["mask"][name],
                          batch["vf"]) for name, head in self.links.items()}
        both = torch.cat([batch["value"], batch["context"], batch["vf"]], dim=-1)
        out["kind"] = self.kind(both)
        out["change"] = self.change(both)
        return out

    def area_logits(self, batch: dict[str, Any], indicator_vecs: torch.Tensor,
                    evidence: dict[str, torch.Tensor]) -> torch.Tensor:
        """Policy-area logits ``[B, 12]`` given each value's indicator (gold in training,
        chosen at inference) and its evidence (:func:`collate_area` of
        :func:`features.area_evidence`)."""
        words = self.area_words(evidence["ids"], evidence["offsets"])
        return self.area(torch.cat([batch["value"], indicator_vecs, evidence["keywords"], batch["vf"], words],
                                   dim=-1))

    def calibrated(self, name: str, logits: torch.Tensor) -> np.ndarray:
        return torch.softmax(logits / self.temperatures[name], dim=-1).numpy()

    # -- persistence -------------------------------------------------------------------
    def save(self, directory: Union[str, Path], extra: dict[str, Any]) -> None:
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        from govie.io import atomic_write_text
        from govie.ner.model import atomic_save_tensors

        tensors = {k: v.detach().to(torch.float16) for k, v in self.state_dict().items()}
        atomic_save_tensors(tensors, out / WEIGHTS_FILE, metadata={"format": "pt"})
        meta = {"format": _FORMAT, "version": _VERSION, "hidden": self.hidden_size, "width": self.width,
                "temperatures": self.temperatures, "record_calibration": self.record_calibration,
                "pair_features": list(PAIR_FEATURES),
                "value_features": list(VALUE_FEATURES), "area_features": list(AREA_FEATURES),
                "area_ngrams": _ngram_signature(), **extra}
        atomic_write_text(out / META_FILE, json.dumps(meta, ensure_ascii=False, indent=2))

    @classmethod
    def exists(cls, directory: Union[str, Path]) -> bool:
        return (Path(directory) / WEIGHTS_FILE).is_file() and (Path(directory) / META_FILE).is_file()

    @classmethod
    def load(cls, directory: Union[str, Path]) -> "RelationModel":
        src = Path(directory)
        try:
            meta = json.loads((src / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{src / META_FILE}: cannot read the relation model ({exc})") from None
        if meta.get("format") != _FORMAT or meta.get("version") != _VERSION:
            raise ModelError(f"{src / META_FILE}: unsupported relation model format")
        if meta.get("pair_features") != list(PAIR_FEATURES) or meta.get("value_features") != list(VALUE_FEATURES) \
                or meta.get("area_features") != list(AREA_FEATURES) or meta.get("area_ngrams") != _ngram_signature():
            raise ModelError(f"{src / META_FILE}: trained with other features than this govie version uses")
        model = cls(int(meta["hidden"]), int(meta["width"]))
        state = {k: v.float() for k, v in load_file(str(src / WEIGHTS_FILE)).items()}
        model.load_state_dict(state)
        model.temperatures.update(meta.get("temperatures", {}))
        if meta.get("record_calibration"):
            model.record_calibration = tuple(meta["record_calibration"])
        return model.eval()

