"""Train the character-level NER model: chunks, label alignment, loop, resumable checkpoints.

Design choices, and why:

* Examples are chunks of whole sentences (cut after ``。；！？`` or a line break, at most
  ``max_chars``), never cut through a span, so every example carries complete spans. All
  chunks with a span are kept; span-free chunks are sampled (seeded) at
  ``config.TRAIN_NEGATIVE_RATIO`` so the few numbers are not drowned in plain prose.
* Preprocessing is ``datasets.Dataset.from_list(...).map(...)`` with one label-alignment
  function (:func:`align_labels`); with one token per character it is exact.
* Silver documents (machine labelled) are mixed in with a lower loss weight; gold decides:
  a silver document that shares an id or a text with a gold one is dropped, and dev is
  gold only.
* The learning-rate schedule spans ``epochs`` over the data; ``max_steps`` only stops early.
  That makes a stopped run and its resumption follow the same schedule as one straight run.
* Checkpoints (``out_dir/checkpoint/``) hold model, optimizer, scheduler, step and every
  RNG state, as safetensors (tensors) + JSON (scalars): no pickles. Rerunning the same
  command resumes from there; a checkpoint made with other data or settings is refused.
"""
from __future__ import annotations

import bisect
import hashlib
import json
import logging
import math
import random
import shutil
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import numpy as np
import torch
from safetensors.torch import load_file
from tqdm.auto import tqdm

from govie import config
from govie.errors import AnnotationError, GovieError, ModelError
from govie.layout import read
from govie.metrics import scores_to_dict, span_scores
from govie.ner.model import NerModel, atomic_save_tensors, atomic_write_bytes, resolve_device
from govie.ner.tagger import NerTagger
from govie.ner.vocab import CharEncoder
from govie.ner.windows import Region

log = logging.getLogger(__name__)

IGNORE_INDEX = -100
CHECKPOINT_DIR = "checkpoint"
METRICS_FILE = "metrics.json"
_CKPT_TENSORS = "state.safetensors"
_CKPT_JSON = "state.json"
_CKPT_FORMAT = "govie-ner-checkpoint"
#: Characters after which a too-long sentence may be cut when no sentence end is in reach.
_SOFT_BREAKS = "，、,：:"
#: Settings that may change between a run and its resumption without changing the result.
_RESUMABLE_FIELDS = ("max_steps", "eval_every", "save_every", "device", "progress")


@dataclass
class TrainConfig:
    """Every training knob; defaults come from :mod:`govie.config`."""

    seed: int = config.TRAIN_SEED
    epochs: int = config.TRAIN_EPOCHS
    batch_size: int = config.TRAIN_BATCH_SIZE
    lr: float = config.TRAIN_LEARNING_RATE
    head_lr: float = config.TRAIN_HEAD_LEARNING_RATE
    warmup_ratio: float = config.TRAIN_WARMUP_RATIO
    max_chars: int = config.TRAIN_MAX_CHARS
    #: Stop after this many optimizer steps in total (the schedule still follows ``epochs``).
    max_steps: Optional[int] = None
    #: Evaluate on dev every N steps (0: only at the end).
    eval_every: int = config.TRAIN_EVAL_EVERY
    #: Write a resumable checkpoint every N steps (and always when stopping).
    save_every: int = config.TRAIN_SAVE_EVERY
    #: "auto" (CUDA when available), "cpu" or "cuda".
    device: str = "auto"
    grad_clip: float = config.TRAIN_GRAD_CLIP
    weight_decay: float = config.TRAIN_WEIGHT_DECAY
    dropout: float = config.NER_DROPOUT
    negative_ratio: float = config.TRAIN_NEGATIVE_RATIO
    labels: tuple[str, ...] = config.SPAN_LABELS
    #: tqdm progress bar: None = only on a terminal.
    progress: Optional[bool] = None

    def __post_init__(self) -> None:
        self.labels = tuple(self.labels)
        problems = [name for name, ok in (("epochs", self.epochs >= 1), ("batch_size", self.batch_size >= 1),
                                          ("max_chars", self.max_chars >= 8),
                                          ("max_steps", self.max_steps is None or self.max_steps >= 1),
                                          ("negative_ratio", 0.0 <= self.negative_ratio <= 1.0))
                    if not ok]
        if problems:
            raise GovieError(f"invalid training setting(s): {', '.join(problems)}")


# ---------------------------------------------------------------------- documents
@dataclass
class _Doc:
    id: str
    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)


def _read_docs(docs: Optional[Iterable[Mapping[str, Any]]], part: str,
               labels: Sequence[str]) -> list[_Doc]:
    """Check and convert rows ``{"id", "text", "spans"}``; errors name the document and span."""
    out: list[_Doc] = []
    if docs is None:
        return out
    for n, row in enumerate(docs):
        doc_id = str(row.get("id") or f"{part}#{n}")
        text = row.get("text")
        if not isinstance(text, str):
            raise AnnotationError(f"{part} document {doc_id}: no text (texts kept in the corpus "
                                  "need --corpus to be resolved)")
        spans: list[tuple[int, int, str]] = []
        raw = row.get("spans") or []
        if isinstance(raw, Mapping):     # a datasets ``Sequence`` of structs arrives as columns
            raw = [dict(zip(raw, values)) for values in zip(*raw.values())]
        for sp in raw:
            s, e, label = int(sp["start"]), int(sp["end"]), str(sp["label"])
            where = f"{part} document {doc_id}, span {sp.get('id') or ''} [{s}, {e})"
            if not 0 <= s < e <= len(text):
                raise AnnotationError(f"{where}: offsets outside the text of {len(text)} characters")
            if label not in labels:
                raise AnnotationError(f"{where}: unknown label {label!r} (expected one of {', '.join(labels)})")
            if sp.get("text") is not None and sp["text"] != text[s:e]:
                raise AnnotationError(f"{where}: span text {sp['text']!r} differs from the document "
                                      f"text {text[s:e]!r}")
            spans.append((s, e, label))
        spans.sort()
        for (s1, e1, _), (s2, e2, _) in zip(spans, spans[1:]):
            if s2 < e1:
                raise AnnotationError(f"{part} document {doc_id}: spans [{s1}, {e1}) and [{s2}, {e2}) "
                                      "overlap (spans must be flat)")
        reading = read(text)   # train on the text the extractor reads (govie.layout)
        if not reading.is_identity:
            moved = [(*reading.to_reading(s, e), label) for s, e, label in spans]
            spans, text = [(s, e, label) for s, e, label in moved if s < e], reading.text
        out.append(_Doc(doc_id, text, spans))
    return out


def sentence_regions(text: str, ends: str = config.NER_SENTENCE_ENDS) -> list[Region]:
    """Sentence offsets cut after each end character; whitespace-only pieces are left out."""
    regions: list[Region] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in ends:
            regions.append((start, i + 1))
            start = i + 1
    if start < len(text):
        regions.append((start, len(text)))
    return [(s, e) for s, e in regions if text[s:e].strip()]


def chunk_bounds(text: str, spans: Sequence[tuple[int, int, str]], max_chars: int) -> list[Region]:
    """Cut ``text`` into pieces of at most ``max_chars`` at sentence ends, never inside a span.

    A sentence longer than ``max_chars`` is cut after a comma-like sign, else anywhere
    outside a span; only a span longer than ``max_chars`` itself makes a longer piece.
    """
    n = len(text)
    inside = bytearray(n + 1)
    for s, e, _ in spans:
        inside[s + 1:e] = b"\x01" * (e - s - 1)
    ends = [i + 1 for i, ch in enumerate(text) if ch in config.NER_SENTENCE_ENDS and not inside[i + 1]]
    bounds: list[Region] = []
    start = 0
    while start < n:
        limit = start + max_chars
        if limit >= n:
            bounds.append((start, n))
            break
        k = bisect.bisect_right(ends, limit) - 1
        cut = ends[k] if k >= 0 and ends[k] > start else None
        if cut is None:
            free = [p for p in range(limit, start, -1) if not inside[p]]
            soft = [p for p in free if text[p - 1] in _SOFT_BREAKS]
            cut = soft[0] if soft else (free[0] if free else None)
        if cut is None:
            cut = next(p for p in range(limit + 1, n + 1) if not inside[p])
        bounds.append((start, cut))
        start = cut
    return bounds


def align_labels(length: int, spans: Iterable[tuple[int, int, str]],
                 tag_index: Mapping[str, int]) -> list[int]:
    """Tag id per character: ``B-X`` on a span's first character, ``I-X`` on the rest, else ``O``."""
    labels = [tag_index["O"]] * length
    for s, e, label in spans:
        if labels[s] != tag_index["O"] or not 0 <= s < e <= length:
            raise AnnotationError(f"span [{s}, {e}) {label} overlaps another span or leaves its chunk")
        labels[s] = tag_index[f"B-{label}"]
        for i in range(s + 1, e):
            labels[i] = tag_index[f"I-{label}"]
    return labels


def build_examples(docs: Sequence[_Doc], max_chars: int, negative_ratio: float,
                   rng: random.Random, weight: float = 1.0) -> list[dict[str, Any]]:
    """Chunk rows for ``Dataset.from_list``: all chunks with spans, a seeded share of the rest."""
    rows: list[dict[str, Any]] = []
    for doc in docs:
        for cs, ce in chunk_bounds(doc.text, doc.spans, max_chars):
            piece = doc.text[cs:ce]
            if not piece.strip():
                continue
            inner = [(s - cs, e - cs, lab) for s, e, lab in doc.spans if cs <= s and e <= ce]
            if not inner and rng.random() >= negative_ratio:
                continue
            rows.append({"doc": doc.id, "offset": cs, "text": piece, "weight": float(weight),
                         "span_start": [s for s, _, _ in inner], "span_end": [e for _, e, _ in inner],
                         "span_label": [lab for _, _, lab in inner]})
    return rows


def _encode_batch(batch: dict[str, list], *, chars: CharEncoder,
                  tag_index: Mapping[str, int]) -> dict[str, list]:
    """``datasets.map`` function: character ids with [CLS]/[SEP] and aligned tag ids."""
    ids, labels = [], []
    for text, ss, es, ls in zip(batch["text"], batch["span_start"], batch["span_end"], batch["span_label"]):
        ids.append([chars.cls_id, *chars.encode(text), chars.sep_id])
        labels.append([IGNORE_INDEX, *align_labels(len(text), zip(ss, es, ls), tag_index), IGNORE_INDEX])
    return {"input_ids": ids, "labels": labels}


def _encode_dataset(rows: list[dict[str, Any]], chars: CharEncoder, tags: Sequence[str],
                    fingerprint: str) -> list[dict[str, Any]]:
    import datasets

    seq = getattr(datasets, "List", None) or datasets.Sequence     # ``List`` since datasets 4
    features = datasets.Features({
        "doc": datasets.Value("string"), "offset": datasets.Value("int64"),
        "text": datasets.Value("string"), "weight": datasets.Value("float32"),
        "span_start": seq(datasets.Value("int64")),
        "span_end": seq(datasets.Value("int64")),
        "span_label": seq(datasets.Value("string")),
    })
    ds = datasets.Dataset.from_list(rows, features=features)
    ds = ds.map(partial(_encode_batch, chars=chars, tag_index={t: i for i, t in enumerate(tags)}),
                batched=True, new_fingerprint=fingerprint[:32], desc="align labels")
    return ds.select_columns(["input_ids", "labels", "weight"]).to_list()


# ---------------------------------------------------------------------- training pieces
def _seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _param_groups(model: NerModel, cfg: TrainConfig) -> list[dict[str, Any]]:
    """Encoder at ``lr``, fresh head at ``head_lr``; no weight decay on biases and norms."""
    groups: list[dict[str, Any]] = []
    for part, lr in ((model.encoder, cfg.lr), (model.head, cfg.head_lr)):
        decay, plain = [], []
        for name, p in part.named_parameters():
            (plain if name.endswith("bias") or "norm" in name.lower() else decay).append(p)
        groups += [{"params": decay, "lr": lr, "weight_decay": cfg.weight_decay},
                   {"params": plain, "lr": lr, "weight_decay": 0.0}]
    return groups


def _lr_factor(step: int, *, warmup: int, total: int) -> float:
    """Linear warm-up over ``warmup`` steps, then linear decay to zero at ``total``."""
    if step < warmup:
        return (step + 1) / (warmup + 1)
    return max(0.0, (total - step) / max(1, total - warmup))


def _epoch_order(n: int, seed: int, epoch: int) -> list[int]:
    """Example order of one epoch: a function of seed and epoch only, so resuming is exact."""
    gen = torch.Generator().manual_seed(seed * 1000 + epoch)
    return torch.randperm(n, generator=gen).tolist()


def _collate(rows: list[dict[str, Any]], pad_id: int) -> tuple[torch.Tensor, ...]:
    width = max(len(r["input_ids"]) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    labels = torch.full((len(rows), width), IGNORE_INDEX, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        n = len(r["input_ids"])
        ids[i, :n] = torch.tensor(r["input_ids"])
        labels[i, :n] = torch.tensor(r["labels"])
        mask[i, :n] = 1
    weights = torch.tensor([float(r["weight"]) for r in rows])
    return ids, mask, labels, weights


def _loss(logits: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Cross-entropy per character, scaled by the example weight, averaged over characters."""
    ce = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1),
                                           ignore_index=IGNORE_INDEX, reduction="none")
    ce = ce.reshape(labels.shape) * weights[:, None]
    return ce.sum() / (labels != IGNORE_INDEX).sum().clamp(min=1)


# ---------------------------------------------------------------------- checkpoints
def _find_checkpoint(out: Path) -> Optional[Path]:
    """The current checkpoint; the ``.old`` one if a crash hit between the two renames."""
    for name in (CHECKPOINT_DIR, CHECKPOINT_DIR + ".old"):
        path = out / name
        if (path / _CKPT_JSON).is_file() and (path / _CKPT_TENSORS).is_file():
            return path
    return None


def _save_checkpoint(out: Path, model: NerModel, opt: torch.optim.Optimizer,
                     sched: torch.optim.lr_scheduler.LambdaLR, scalars: dict[str, Any]) -> None:
    """Write into ``checkpoint.tmp/`` and swap it in, so a crash never leaves a torn checkpoint."""
    tensors: dict[str, torch.Tensor] = {f"model.{k}": v.detach().clone() for k, v in model.state_dict().items()}
    opt_state = opt.state_dict()
    opt_scalars: dict[str, dict[str, Any]] = {}
    for pid, st in opt_state["state"].items():
        for key, value in st.items():
            if torch.is_tensor(value):
                tensors[f"optim.{pid}.{key}"] = value.detach().clone()
            else:
                opt_scalars.setdefault(str(pid), {})[key] = value
    tensors["rng.torch"] = torch.get_rng_state()
    if torch.cuda.is_available():
        for i, st in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"rng.cuda.{i}"] = st
    np_state = np.random.get_state()
    tensors["rng.numpy"] = torch.from_numpy(np.asarray(np_state[1], dtype=np.int64))
    py_state = random.getstate()
    state = dict(scalars)
    state.update({
        "format": _CKPT_FORMAT, "version": 1,
        "optimizer": {"param_groups": opt_state["param_groups"], "scalars": opt_scalars},
        "scheduler": sched.state_dict(),
        "rng": {"python": [py_state[0], list(py_state[1]), py_state[2]],
                "numpy": [np_state[0], int(np_state[2]), int(np_state[3]), float(np_state[4])]},
    })
    tmp = out / (CHECKPOINT_DIR + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    atomic_save_tensors(tensors, tmp / _CKPT_TENSORS)
    atomic_write_bytes(tmp / _CKPT_JSON, json.dumps(state, indent=1).encode("utf-8"))
    final, old = out / CHECKPOINT_DIR, out / (CHECKPOINT_DIR + ".old")
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    if old.exists():
        shutil.rmtree(old)


def _load_checkpoint(path: Path, model: NerModel, opt: torch.optim.Optimizer,
                     sched: torch.optim.lr_scheduler.LambdaLR, fingerprint: str) -> dict[str, Any]:
    """Restore everything saved by :func:`_save_checkpoint`; returns its JSON scalars."""
    try:
        state = json.loads((path / _CKPT_JSON).read_text(encoding="utf-8"))
        tensors = load_file(str(path / _CKPT_TENSORS), device="cpu")
    except Exception as exc:  # noqa: BLE001 - any unreadable checkpoint gets the same advice
        raise ModelError(f"{path}: cannot read the checkpoint ({exc}); delete it to start over") from None
    if state.get("format") != _CKPT_FORMAT:
        raise ModelError(f"{path}: not a govie NER checkpoint")
    if state.get("fingerprint") != fingerprint:
        raise ModelError(f"{path}: checkpoint was made with other data or settings; "
                         "delete it or choose another output folder")
    device = next(model.parameters()).device
    model.load_state_dict({k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")})
    opt_state: dict[str, Any] = {"state": {}, "param_groups": state["optimizer"]["param_groups"]}
    for group in opt_state["param_groups"]:
        if "betas" in group:
            group["betas"] = tuple(group["betas"])
    for key, value in tensors.items():
        if key.startswith("optim."):
            _, pid, name = key.split(".", 2)
            opt_state["state"].setdefault(int(pid), {})[name] = value.to(device)
    for pid, extra in state["optimizer"]["scalars"].items():
        opt_state["state"].setdefault(int(pid), {}).update(extra)
    opt.load_state_dict(opt_state)
    sched.load_state_dict(state["scheduler"])
    torch.set_rng_state(tensors["rng.torch"])
    cuda_states = [tensors[k] for k in sorted((k for k in tensors if k.startswith("rng.cuda.")),
                                              key=lambda k: int(k.rsplit(".", 1)[1]))]
    if cuda_states and torch.cuda.is_available() and len(cuda_states) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(cuda_states)
    py = state["rng"]["python"]
    random.setstate((py[0], tuple(py[1]), py[2]))
    name, pos, has_gauss, cached = state["rng"]["numpy"]
    np.random.set_state((name, tensors["rng.numpy"].numpy().astype(np.uint32), pos, has_gauss, cached))
    return state


def _fingerprint(rows: list[dict[str, Any]], cfg: TrainConfig, tags: Sequence[str]) -> str:
    settings = {k: v for k, v in asdict(cfg).items() if k not in _RESUMABLE_FIELDS}
    digest = hashlib.sha256(json.dumps({"settings": settings, "tags": list(tags)}, sort_keys=True).encode())
    for row in rows:
        digest.update(json.dumps(row, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


# ---------------------------------------------------------------------- evaluation
def evaluate_docs(tagger: NerTagger, docs: Sequence[_Doc]) -> dict[str, dict[str, dict[str, Any]]]:
    """Strict and overlap span scores of ``tagger`` on whole documents (sentence regions)."""
    if not docs:
        return {"strict": {}, "overlap": {}}
    pred = tagger.predict_tuples([d.text for d in docs], regions=[sentence_regions(d.text) for d in docs],
                                 progress=False)
    gold = [d.spans for d in docs]
    return {mode: scores_to_dict(span_scores(gold, pred, mode=mode)) for mode in ("strict", "overlap")}


def _evaluate(model: NerModel, chars: CharEncoder, docs: Sequence[_Doc], device: torch.device):
    was_training = model.training
    result = evaluate_docs(NerTagger(model, chars, device=str(device)), docs)
    model.train(was_training)
    return result


# ---------------------------------------------------------------------- entry point
def _as_rows(docs: Any) -> Optional[list[Mapping[str, Any]]]:
    """Any iterable of dicts (a ``datasets.Dataset`` included) as a list of dicts."""
    return None if docs is None else [dict(r) for r in docs]


def train_ner(train_docs: Iterable[Mapping[str, Any]], dev_docs: Optional[Iterable[Mapping[str, Any]]],
              base: Union[str, Path], out_dir: Union[str, Path], cfg: Optional[TrainConfig] = None, *,
              silver_docs: Optional[Iterable[Mapping[str, Any]]] = None,
              silver_weight: float = config.TRAIN_SILVER_WEIGHT) -> dict[str, Any]:
    """Train on ``train_docs`` (+ weighted silver), evaluate on gold ``dev_docs``, save to ``out_dir``.

    Writes the fp16 model, its character table and ``metrics.json`` into ``out_dir``;
    returns the same metrics dict. Rerunning with the same data and settings resumes from
    ``out_dir/checkpoint/``.
    """
    cfg = cfg or TrainConfig()
    out = Path(out_dir)
    base = Path(base)
    if out.resolve() == base.resolve():
        raise ModelError(f"{out}: the output folder must differ from the base model folder")
    device = resolve_device(cfg.device)
    _seed_everything(cfg.seed)

    train = _read_docs(_as_rows(train_docs), "train", cfg.labels)
    dev = _read_docs(_as_rows(dev_docs), "dev", cfg.labels)
    gold_ids = {d.id for d in train} | {d.id for d in dev}
    gold_texts = {d.text for d in train} | {d.text for d in dev}
    silver = [d for d in _read_docs(_as_rows(silver_docs), "silver", cfg.labels)
              if d.id not in gold_ids and d.text not in gold_texts]

    model = NerModel.for_training(base, cfg.labels, dropout=cfg.dropout)
    chars = CharEncoder.for_model_dir(base)
    chars.extend(d.text for d in (*train, *dev, *silver))
    if chars.max_id >= model.vocab_size:
        raise ModelError(f"{base}: tokenizer ids reach {chars.max_id} but the encoder has "
                         f"{model.vocab_size} embeddings")
    max_chars = min(cfg.max_chars, model.max_length - 2)
    rng = random.Random(cfg.seed)
    rows = build_examples(train, max_chars, cfg.negative_ratio, rng)
    rows += build_examples(silver, max_chars, cfg.negative_ratio, rng, weight=silver_weight)
    if not any(r["span_start"] for r in rows):
        raise AnnotationError("the training documents contain no spans: nothing to learn from")
    fingerprint = _fingerprint(rows, cfg, model.tags)
    examples = _encode_dataset(rows, chars, model.tags, fingerprint)
    too_long = sum(len(e["input_ids"]) > model.max_length for e in examples)
    if too_long:
        log.warning("%d training chunks hold a span longer than %d characters and are left out",
                    too_long, max_chars)
        examples = [e for e in examples if len(e["input_ids"]) <= model.max_length]

    steps_per_epoch = math.ceil(len(examples) / cfg.batch_size)
    total_steps = cfg.epochs * steps_per_epoch
    stop = min(total_steps, cfg.max_steps) if cfg.max_steps else total_steps
    model.to(device).train()
    opt = torch.optim.AdamW(_param_groups(model, cfg), lr=cfg.lr)
    warmup = math.ceil(cfg.warmup_ratio * total_steps)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, partial(_lr_factor, warmup=warmup, total=total_steps))

    start_step, resumed_from = 0, None
    losses: list[float] = []
    evals: list[dict[str, Any]] = []
    ckpt = _find_checkpoint(out)
    if ckpt is not None:
        state = _load_checkpoint(ckpt, model, opt, sched, fingerprint)
        start_step = resumed_from = int(state["step"])
        losses, evals = list(state.get("losses", [])), list(state.get("evals", []))
        stop = max(stop, start_step)
        log.info("resuming NER training from %s at step %d", ckpt, start_step)

    def checkpoint(step: int) -> None:
        _save_checkpoint(out, model, opt, sched, {"step": step, "fingerprint": fingerprint,
                                                  "losses": losses, "evals": evals})

    bar = tqdm(total=stop, initial=min(start_step, stop), desc="train ner", unit="step",
               disable=(not cfg.progress) if cfg.progress is not None else None)
    order_epoch, order = -1, []
    for step in range(start_step, stop):
        epoch, k = divmod(step, steps_per_epoch)
        if epoch != order_epoch:
            order_epoch, order = epoch, _epoch_order(len(examples), cfg.seed, epoch)
        batch = [examples[i] for i in order[k * cfg.batch_size:(k + 1) * cfg.batch_size]]
        ids, mask, labels, weights = (t.to(device) for t in _collate(batch, chars.pad_id))
        loss = _loss(model(ids, mask), labels, weights)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if cfg.grad_clip:
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        opt.step()
        sched.step()
        losses.append(float(loss.detach()))
        bar.update(1)
        bar.set_postfix(loss=f"{losses[-1]:.4f}", epoch=epoch + 1)
        done = step + 1
        if cfg.eval_every and done % cfg.eval_every == 0 and done < stop and dev:
            micro = _evaluate(model, chars, dev, device)["strict"]["micro"]["f1"]
            evals.append({"step": done, "dev_micro_f1": micro})
            bar.set_postfix(loss=f"{losses[-1]:.4f}", dev_f1=f"{micro:.3f}")
        if cfg.save_every and done % cfg.save_every == 0 and done < stop:
            checkpoint(done)
    bar.close()
    if start_step < stop or ckpt is None:
        checkpoint(stop)

    dev_scores = _evaluate(model, chars, dev, device)
    metrics: dict[str, Any] = {
        "dev": dev_scores["strict"], "dev_overlap": dev_scores["overlap"],
        "steps": stop, "total_steps": total_steps, "complete": stop >= total_steps,
        "resumed_from": resumed_from, "train_docs": len(train), "dev_docs": len(dev),
        "silver_docs": len(silver), "train_chunks": len(examples),
        "train_chunks_with_spans": sum(1 for r in rows if r["span_start"]),
        "train_unk_rate": float(np.mean([chars.unk_rate(d.text) for d in train])) if train else 0.0,
        "losses": losses, "evals": evals, "config": asdict(cfg),
    }
    model.meta["training"] = {k: metrics[k] for k in ("steps", "total_steps", "train_docs", "dev_docs",
                                                      "silver_docs", "train_chunks")}
    model.meta["training"].update(seed=cfg.seed, epochs=cfg.epochs, batch_size=cfg.batch_size,
                                  lr=cfg.lr, head_lr=cfg.head_lr, max_chars=max_chars,
                                  dev_micro_f1=metrics["dev"].get("micro", {}).get("f1"))
    model.save(out)
    chars.save(out)
    atomic_write_bytes(out / METRICS_FILE, json.dumps(metrics, ensure_ascii=False, indent=2).encode("utf-8"))
    return metrics
