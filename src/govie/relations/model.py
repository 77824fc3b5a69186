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
from typing import Any, Union

import numpy as np
import torch
from safetensors.torch import load_file

from govie import config
from govie.config import CHANGES, KINDS, POLICY_AREAS
from govie.errors import ModelError
from govie.relations.features import AREA_FEATURES, LINK_LABELS, PAIR_FEATURES, VALUE_FEATURES, ValueContext

#: Every classifier of the model: three link types, then kind, change and policy area.
HEADS: tuple[str, ...] = (*LINK_LABELS, "kind", "change", "area")
WEIGHTS_FILE = "relations.safetensors"
META_FILE = "relations.json"
_FORMAT, _VERSION = "govie-relations", 1


class PairHead(torch.nn.Module):
    """Scores each candidate of one link type, plus a "none" score for the value."""

    def __init__(self, hidden: int, width: int) -> None:
        super().__init__()
        n_pair, n_value = len(PAIR_FEATURES), len(VALUE_FEATURES)
        self.pair = torch.nn.Sequential(torch.nn.Linear(3 * hidden + n_pair, width), torch.nn.ReLU(),
                                        torch.nn.Dropout(config.REL_DROPOUT), torch.nn.Linear(width, 1))
        self.none = torch.nn.Sequential(torch.nn.Linear(hidden + n_value, width), torch.nn.ReLU(),
                                        torch.nn.Linear(width, 1))

    def forward(self, value: torch.Tensor, cands: torch.Tensor, pairs: torch.Tensor,
                value_feats: torch.Tensor) -> torch.Tensor:
        """Logits ``[n + 1]``: the n candidates, then "none"."""
        none = self.none(torch.cat([value, value_feats])).view(1)
        if cands.shape[0] == 0:
            return none
        v = value.expand(cands.shape[0], -1)
        scores = self.pair(torch.cat([v, cands, v * cands, pairs], dim=1)).view(-1)
        return torch.cat([scores, none])


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
        n_area = 2 * hidden + len(AREA_FEATURES) + len(VALUE_FEATURES)
        self.area = torch.nn.Sequential(torch.nn.Linear(n_area, width), torch.nn.ReLU(),
                                        torch.nn.Dropout(config.REL_DROPOUT), torch.nn.Linear(width, len(POLICY_AREAS)))
        #: softmax temperatures per head, fit on dev after training (1.0 = uncalibrated)
        self.temperatures: dict[str, float] = {name: 1.0 for name in HEADS}

    @staticmethod
    def tensors(ctx: ValueContext) -> dict[str, Any]:
        t = lambda a: torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))
        return {"value": t(ctx.value_vec), "context": t(ctx.context_vec), "vf": t(ctx.value_features),
                "cands": {k: t(ctx.cand_vecs[k]) for k in LINK_LABELS},
                "pairs": {k: t(ctx.pair_features[k]) for k in LINK_LABELS}}

    def forward(self, x: dict[str, Any]) -> dict[str, torch.Tensor]:
        """Logits of every head; the area head reads the indicator in ``x["area_indicator"]``
        and ``x["area_features"]`` (gold indicator in training, the chosen one at inference)."""
        out = {name: head(x["value"], x["cands"][name], x["pairs"][name], x["vf"])
               for name, head in self.links.items()}
        both = torch.cat([x["value"], x["context"], x["vf"]])
        out["kind"] = self.kind(both)
        out["change"] = self.change(both)
        if "area_features" in x:
            out["area"] = self.area(torch.cat([x["value"], x["area_indicator"], x["area_features"], x["vf"]]))
        return out

    def probabilities(self, x: dict[str, Any]) -> dict[str, np.ndarray]:
        with torch.inference_mode():
            logits = self.forward(x)
        return {k: torch.softmax(v / self.temperatures[k], dim=-1).numpy() for k, v in logits.items()}

    @staticmethod
    def with_area(x: dict[str, Any], indicator_vec: np.ndarray, features: np.ndarray) -> dict[str, Any]:
        """``x`` plus the area head's inputs for one chosen indicator."""
        t = lambda a: torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))
        return {**x, "area_indicator": t(indicator_vec), "area_features": t(features)}

    # -- persistence -------------------------------------------------------------------
    def save(self, directory: Union[str, Path], extra: dict[str, Any]) -> None:
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        from govie.io import atomic_writer, atomic_write_text

        tensors = {k: v.detach().to(torch.float16).contiguous() for k, v in self.state_dict().items()}
        with atomic_writer(out / WEIGHTS_FILE, binary=True) as fh:
            fh.write(_safetensors_bytes(tensors))
        meta = {"format": _FORMAT, "version": _VERSION, "hidden": self.hidden_size, "width": self.width,
                "temperatures": self.temperatures, "pair_features": list(PAIR_FEATURES),
                "value_features": list(VALUE_FEATURES), "area_features": list(AREA_FEATURES), **extra}
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
                or meta.get("area_features") != list(AREA_FEATURES):
            raise ModelError(f"{src / META_FILE}: trained with other features than this govie version uses")
        model = cls(int(meta["hidden"]), int(meta["width"]))
        state = {k: v.float() for k, v in load_file(str(src / WEIGHTS_FILE)).items()}
        model.load_state_dict(state)
        model.temperatures.update(meta.get("temperatures", {}))
        return model.eval()


def _safetensors_bytes(tensors: dict[str, torch.Tensor]) -> bytes:
    from safetensors.torch import save

    return save(tensors, metadata={"format": "pt"})
