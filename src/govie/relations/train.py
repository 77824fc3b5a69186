"""Training the relation heads on gold records (``govie train relations``).

Gold spans are the candidates during training (the heads learn to link, not to recover
NER errors); encoder states come from the NER model the heads will run with, over the same
sentence regions the extractor uses. Fixed seed, tqdm progress, early stopping per head
(each head keeps the epoch of its highest dev accuracy: they overfit at different speeds, and
one summed loss let the noisiest head pick the epoch for all), dev accuracy per head, and
temperature scaling per head on dev so that probabilities are calibrated.
"""
from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Union

import numpy as np
import torch
from tqdm.auto import tqdm

from govie import config
from govie.config import CHANGES, KINDS, POLICY_AREAS
from govie.data import row_in_reading
from govie.document import parse_document
from govie.errors import AnnotationError, ModelError
from govie.records import Span
from govie.relations.features import LINK_LABELS, AreaEvidence, ValueContext, area_evidence, build_contexts
from govie.relations.model import HEAD_PARAMETERS, HEADS, META_FILE, RelationModel, collate, collate_area


@dataclass
class Example:
    ctx: ValueContext
    #: per head: the class index (links: 0 = none, j + 1 = candidate j)
    targets: dict[str, int]
    #: area head inputs for the gold indicator
    indicator_vec: np.ndarray
    area: AreaEvidence


def _examples(rows: Iterable[Mapping[str, Any]], tagger, batch_size: int, desc: str) -> list[Example]:
    rows = [row_in_reading(r) for r in rows]   # the text the extractor reads (govie.layout)
    docs = [parse_document(r["text"], doc_id=r["id"], year=r["year"]) for r in rows]
    from govie.pipeline import value_regions

    regions = [value_regions(d) for d in docs]
    tagged = tagger.analyze([r["text"] for r in rows], regions=regions, batch_size=batch_size,
                            with_hidden=True, progress=None)
    out: list[Example] = []
    for row, doc, tag in tqdm(list(zip(rows, docs, tagged)), desc=desc, unit="doc", leave=False):
        text = row["text"]
        spans = [Span(s["start"], s["end"], s["label"], text[s["start"]:s["end"]]) for s in row["spans"]]
        by_value = {(r["value"]["start"], r["value"]["end"]): r for r in row["records"]}
        for ctx in build_contexts(doc, spans, tag.hidden):
            rec = by_value.get((ctx.value.start, ctx.value.end))
            if rec is None:
                continue
            targets = {}
            for name in LINK_LABELS:
                ref = rec.get(name)
                cands = [(c.start, c.end) for c in ctx.candidates[name]]
                key = (ref["start"], ref["end"]) if ref else None
                targets[name] = cands.index(key) + 1 if key in cands else 0  # 0: none / outside
            targets["kind"] = KINDS.index(rec["kind"])
            targets["change"] = CHANGES.index(rec["change"])
            targets["area"] = POLICY_AREAS.index(rec["policy_area"])
            i = targets["indicator"]
            ind = ctx.candidates["indicator"][i - 1] if i > 0 else None
            ind_vec = ctx.cand_vecs["indicator"][i - 1] if i > 0 else np.zeros_like(ctx.value_vec)
            out.append(Example(ctx, targets, ind_vec, area_evidence(doc, ctx.value, ind)))
    return out


def _logits(model: RelationModel, batch: list[Example]) -> dict[str, torch.Tensor]:
    x = collate([ex.ctx for ex in batch])
    logits = model(x)
    logits["area"] = model.area_logits(x, torch.from_numpy(np.stack([ex.indicator_vec for ex in batch])),
                                       collate_area([ex.area for ex in batch]))
    return logits


def _targets(batch: list[Example], head: str) -> torch.Tensor:
    return torch.tensor([ex.targets[head] for ex in batch])


def _batches(examples: list[Example], size: int = config.REL_BATCH_SIZE) -> list[list[Example]]:
    return [examples[i:i + size] for i in range(0, len(examples), size)]


def _dev_scores(model: RelationModel, examples: list[Example]) -> tuple[dict[str, float], dict[str, float]]:
    """Mean cross-entropy and accuracy of each head on ``examples``, in one pass."""
    model.eval()
    loss = {h: 0.0 for h in HEADS}
    right = {h: 0 for h in HEADS}
    with torch.inference_mode():
        for batch in _batches(examples):
            logits = _logits(model, batch)
            for h in HEADS:
                targets = _targets(batch, h)
                loss[h] += float(torch.nn.functional.cross_entropy(logits[h], targets, reduction="sum"))
                right[h] += int((logits[h].argmax(dim=1) == targets).sum())
    n = len(examples)
    return ({h: loss[h] / n if n else 0.0 for h in HEADS}, {h: right[h] / n if n else 0.0 for h in HEADS})


def _fit_temperatures(model: RelationModel, examples: list[Example]) -> dict[str, float]:
    """Temperature per head minimising dev negative log-likelihood (grid search: robust)."""
    model.eval()
    with torch.inference_mode():
        per_batch = [(_logits(model, b), b) for b in _batches(examples)]
    temps = {}
    for h in HEADS:
        best_t, best_nll = 1.0, math.inf
        for t in np.arange(0.5, 3.01, 0.1):
            nll = sum(float(torch.nn.functional.cross_entropy(l[h] / t, _targets(b, h), reduction="sum"))
                      for l, b in per_batch)
            if nll < best_nll:
                best_t, best_nll = float(t), nll
        temps[h] = round(best_t, 2)
    return temps


def train_relations(train_rows: Iterable[Mapping[str, Any]], dev_rows: Iterable[Mapping[str, Any]],
                    ner_model_dir: Union[str, Path], out_dir: Optional[Union[str, Path]] = None, *,
                    epochs: int = config.REL_EPOCHS, lr: float = config.REL_LEARNING_RATE,
                    seed: int = config.TRAIN_SEED, batch_size: int = config.NER_BATCH_SIZE) -> dict[str, Any]:
    """Train the heads, calibrate on dev, save next to the NER model (or into ``out_dir``)."""
    from govie.ner.tagger import NerTagger

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    tagger = NerTagger.load(ner_model_dir, device="cpu", word_prior=False)  # states only, no decoding
    train = _examples(train_rows, tagger, batch_size, "relations: train features")
    dev = _examples(dev_rows, tagger, batch_size, "relations: dev features")
    if not train:
        raise AnnotationError("no gold records in the training documents: nothing to learn from")
    model = RelationModel(int(tagger.model.encoder.config.hidden_size))
    bag = list(model.area_words.parameters())
    dense = [p for p in model.parameters() if all(p is not b for b in bag)]
    opt = torch.optim.AdamW([{"params": dense, "lr": lr, "weight_decay": config.TRAIN_WEIGHT_DECAY},
                             {"params": bag, "lr": config.AREA_NGRAM_LEARNING_RATE, "weight_decay": 0.0}])
    rng = random.Random(seed)
    history = []
    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    best_dev = {h: (-math.inf, -math.inf) for h in HEADS}
    best_epoch = {h: epochs for h in HEADS}
    for epoch in tqdm(range(epochs), desc="train relations", unit="epoch"):
        model.train()
        order = list(range(len(train)))
        rng.shuffle(order)
        total = 0.0
        for b in range(0, len(order), config.REL_BATCH_SIZE):
            batch = [train[i] for i in order[b:b + config.REL_BATCH_SIZE]]
            logits = _logits(model, batch)
            loss = sum(torch.nn.functional.cross_entropy(logits[h], _targets(batch, h)) for h in HEADS)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(batch)
        losses, accuracy = _dev_scores(model, dev) if dev else ({}, {})
        history.append({"epoch": epoch + 1, "loss": total / len(train),
                        "dev_loss": sum(losses.values()) if dev else math.nan, "dev_losses": losses,
                        "dev_accuracy": accuracy})
        # early stopping per head: each keeps its parameters from the epoch of its highest dev
        # accuracy, the lower dev loss breaking ties. Not the lowest loss: the loss also rises
        # when a head only grows overconfident, which the temperature fitted afterwards undoes:
        # on the 71 train reports the area head's dev loss was lowest in epoch 1, its dev
        # accuracy highest in epoch 15 (85.6% -> 89.0%)
        state = model.state_dict()
        for h, loss in losses.items():
            if (accuracy[h], -loss) > best_dev[h]:
                best_dev[h], best_epoch[h] = (accuracy[h], -loss), epoch + 1
                best_state.update({k: v.detach().clone() for k, v in state.items()
                                   if k.startswith(HEAD_PARAMETERS[h])})
    if dev:
        model.load_state_dict(best_state)
    model.temperatures = _fit_temperatures(model, dev) if dev else model.temperatures
    metrics = {"train_values": len(train), "dev_values": len(dev), "history": history,
               "best_epoch": best_epoch,
               "dev_accuracy": _dev_scores(model, dev)[1] if dev else {}, "temperatures": model.temperatures}
    target = out_dir or ner_model_dir
    model.save(target, {"metrics": metrics, "ner_model": str(ner_model_dir)})
    if dev_rows:
        model.record_calibration = _fit_record_calibration(list(dev_rows), ner_model_dir,
                                                           RelationModel.load(target), batch_size)
        metrics["record_calibration"] = model.record_calibration
        model.save(target, {"metrics": metrics, "ner_model": str(ner_model_dir)})
    return metrics


def _fit_record_calibration(dev_rows: list[Mapping[str, Any]], ner_model_dir, heads: RelationModel,
                            batch_size: int) -> tuple[float, float]:
    """Run the whole extractor on dev and fit the Platt map of record scores to correctness."""
    from govie.calibration import platt_fit
    from govie.evaluate import predict_with_model, record_correct
    from govie.ner.tagger import NerTagger
    from govie.pipeline import Extractor
    from govie.relations.linker import ModelLinker

    extractor = Extractor(NerTagger.load(ner_model_dir, device="cpu"), ModelLinker(heads))
    extractor.record_calibration = None  # fit on raw scores, whatever map the heads carry now
    preds = predict_with_model(dev_rows, extractor=extractor, batch_size=batch_size)
    scores, correct = [], []
    for row, pred in zip(dev_rows, preds):
        gold = {(r["value"]["start"], r["value"]["end"]): r for r in row["records"]}
        for rec in pred.records:
            g = gold.get((rec["value"]["start"], rec["value"]["end"]))
            scores.append(rec["score"])
            correct.append(g is not None and record_correct(g, rec))
    return platt_fit(scores, correct)


def recalibrate_records(dev_rows: Iterable[Mapping[str, Any]], model_dir: Union[str, Path], *,
                        batch_size: int = config.NER_BATCH_SIZE) -> tuple[float, float]:
    """Refit only the record-score Platt map of the heads in ``model_dir`` on dev; weights,
    temperatures and the rest of ``relations.json`` stay as they are.

    Why: the map is fit on the whole extractor's raw scores, so a change to decoding or to the
    quantity grammar (a new prior, another VALUE extent) leaves it stale although the heads are
    unchanged; refitting it costs one pass over dev instead of retraining.
    """
    rows = list(dev_rows)
    if not rows:
        raise AnnotationError("no dev documents: the record scores are calibrated on the dev split")
    if not RelationModel.exists(model_dir):
        raise ModelError(f"{model_dir}: no relation heads to recalibrate; train them with `govie train relations`")
    model = RelationModel.load(model_dir)  # refuses a file of another format with its own message
    meta = json.loads((Path(model_dir) / META_FILE).read_text(encoding="utf-8"))
    ner_model_dir = meta.get("ner_model") or str(model_dir)
    if not Path(ner_model_dir, "govie_ner.json").is_file():  # the heads were moved with their NER model
        ner_model_dir = str(model_dir)
    calibration = _fit_record_calibration(rows, ner_model_dir, model, batch_size)
    model.record_calibration = calibration
    metrics = dict(meta.get("metrics", {}), record_calibration=calibration)
    model.save(model_dir, {"metrics": metrics, "ner_model": meta.get("ner_model", str(model_dir))})
    return calibration
