"""``govie train ...``: argument parsing for the trainers, nothing else.

``register(subparsers)`` adds the ``train`` command with one sub-command per trainable
part. Every leaf parser sets ``func(args) -> int`` (the exit status); the main CLI calls it
and prints any :class:`govie.errors.GovieError` as one line. Model logic stays in
:mod:`govie.ner.train`; this module only turns arguments into a ``TrainConfig``.
"""
from __future__ import annotations

import argparse
from typing import Any, Optional

from govie import config
from govie.errors import GovieError


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``train ner`` and the ``train relations`` slot to a ``add_subparsers()`` object."""
    train = subparsers.add_parser("train", help="train the NER model and the relation heads",
                                  description="Train govie models from gold annotations.")
    tasks = train.add_subparsers(dest="train_task", metavar="{ner,relations}")
    tasks.required = True

    ner = tasks.add_parser("ner", help="train the character-level span tagger",
                           description="Train the NER tagger on the train split, evaluate on dev.")
    ner.add_argument("--annotations", required=True, metavar="DIR",
                     help="gold annotation folder (with its split file)")
    ner.add_argument("--base", required=True, metavar="PATH",
                     help="base encoder folder (from `govie base build`, or any local BERT-like "
                          "model), or a trained govie NER model to fine-tune further")
    ner.add_argument("--out", required=True, metavar="DIR",
                     help="output folder; rerunning with the same folder resumes from its checkpoint")
    ner.add_argument("--corpus", metavar="DIR", default=None,
                     help="report texts for annotations that give only a text sha256")
    ner.add_argument("--silver", metavar="DIR", default=None,
                     help=f"silver annotations, mixed in at loss weight {config.TRAIN_SILVER_WEIGHT}")
    ner.add_argument("--epochs", type=_positive, default=config.TRAIN_EPOCHS, metavar="N")
    ner.add_argument("--batch-size", type=_positive, default=config.TRAIN_BATCH_SIZE, metavar="N")
    ner.add_argument("--max-steps", type=_positive, default=None, metavar="N",
                     help="stop after N optimizer steps (the schedule still follows --epochs)")
    ner.add_argument("--device", choices=("cpu", "cuda"), default=None,
                     help="default: CUDA when available")
    ner.add_argument("--seed", type=int, default=config.TRAIN_SEED, metavar="N")
    ner.add_argument("--lr", type=_positive_float, default=config.TRAIN_LEARNING_RATE, metavar="X",
                     help="peak learning rate of the encoder")
    ner.add_argument("--head-lr", type=_positive_float, default=config.TRAIN_HEAD_LEARNING_RATE,
                     metavar="X", help="peak learning rate of the tagging head (a fresh head "
                     "learns faster; when fine-tuning a trained model further, give both the same)")
    ner.set_defaults(func=run_train_ner)

    rel = tasks.add_parser("relations", help="train the relation heads on a trained NER model",
                           description="Train the relation heads (indicator/time/domain links, kind, "
                                       "change) on gold records, calibrate on dev, and save them "
                                       "next to the NER model they read.")
    rel.add_argument("--annotations", required=True, metavar="DIR",
                     help="gold annotation folder (with its split file)")
    rel.add_argument("--model", required=True, metavar="DIR", help="the trained NER model folder")
    rel.add_argument("--out", metavar="DIR", default=None,
                     help="where to write relations.safetensors (default: the NER model folder)")
    rel.add_argument("--corpus", metavar="DIR", default=None)
    rel.add_argument("--epochs", type=_positive, default=config.REL_EPOCHS, metavar="N")
    rel.add_argument("--seed", type=int, default=config.TRAIN_SEED, metavar="N")
    rel.add_argument("--calibrate-only", action="store_true",
                     help="keep the trained heads in --model and refit only their record-score "
                          "calibration on dev (after a change to decoding or the quantity grammar)")
    rel.set_defaults(func=run_train_relations)
    return train


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {text}")
    return value


def _split(data: Any, name: str) -> Optional[Any]:
    """One split of what ``load_annotations`` returned (a DatasetDict or a plain mapping)."""
    try:
        return data[name]
    except (KeyError, TypeError):
        return None


def _all_rows(data: Any) -> list[Any]:
    """Every document of a loaded annotation set, whatever its splits."""
    if hasattr(data, "keys") and not hasattr(data, "column_names"):
        return [row for key in data.keys() for row in data[key]]
    return list(data)


def run_train_ner(args: argparse.Namespace) -> int:
    """Load gold (and silver), train, print the dev table; returns the exit status."""
    from govie.data import load_annotations
    from govie.metrics import format_table
    from govie.ner.train import TrainConfig, train_ner

    gold = load_annotations(args.annotations, corpus=args.corpus)
    train, dev = _split(gold, "train"), _split(gold, "dev")
    if train is None or len(train) == 0:
        raise GovieError(f"{args.annotations}: no documents in the train split")
    if dev is None or len(dev) == 0:
        raise GovieError(f"{args.annotations}: no documents in the dev split (needed for evaluation)")
    silver = None
    if args.silver:
        silver = _all_rows(load_annotations(args.silver, corpus=args.corpus))
    cfg = TrainConfig(seed=args.seed, epochs=args.epochs, batch_size=args.batch_size,
                      max_steps=args.max_steps, device=args.device or "auto",
                      lr=args.lr, head_lr=args.head_lr)
    metrics = train_ner(train, dev, args.base, args.out, cfg, silver_docs=silver)
    print(format_table({"dev (strict)": metrics["dev"], "dev (overlap)": metrics["dev_overlap"]}))
    print(f"model written to {args.out} ({metrics['steps']} of {metrics['total_steps']} steps)")
    return 0


def run_train_relations(args: argparse.Namespace) -> int:
    """Train the relation heads on gold train, calibrate and report on dev."""
    from govie.data import load_annotations
    from govie.relations.train import train_relations

    gold = load_annotations(args.annotations, corpus=args.corpus)
    train, dev = _split(gold, "train"), _split(gold, "dev")
    if args.calibrate_only:
        from govie.relations.train import recalibrate_records

        a, b = recalibrate_records(list(dev or []), args.model)
        print(f"record scores recalibrated on {len(dev or [])} dev documents: Platt a={a:.3f} b={b:.3f}; "
              f"written to {args.model}")
        return 0
    if train is None or len(train) == 0:
        raise GovieError(f"{args.annotations}: no documents in the train split")
    metrics = train_relations(list(train), list(dev or []), args.model, args.out,
                              epochs=args.epochs, seed=args.seed)
    print(f"relation heads: {metrics['train_values']} train values, {metrics['dev_values']} dev values")
    for head, acc in metrics["dev_accuracy"].items():
        print(f"  dev accuracy {head:<10} {100 * acc:5.1f}%   temperature {metrics['temperatures'][head]}")
    print(f"written to {args.out or args.model}")
    return 0
