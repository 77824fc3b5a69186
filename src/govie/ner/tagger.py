"""NerTagger: texts in, ``Span`` lists out, through windows, batching and constrained decoding.

The model is loaded once. Windows of all texts of a call are pooled and sorted by length
before batching, so a batch pads little; each text is then merged and decoded on its own
(:mod:`govie.ner.windows`). Offsets index the original strings: characters map 1:1 to
tokens, nothing is normalised in place.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence, Union

import numpy as np
import torch
from tqdm.auto import tqdm

from govie import config
from govie.errors import InputError, ModelError
from govie.ner.model import NerModel, resolve_device
from govie.ner.vocab import CHAR_VOCAB_FILE, CharEncoder
from govie.ner.windows import Region, WindowPlan, decode_merged, merge_scores, plan_windows, scaled_stride
from govie.records import Span

if TYPE_CHECKING:  # pragma: no cover
    from govie.segmenter import Segmenter

log = logging.getLogger(__name__)


@dataclass
class Tagged:
    """The tagger's output for one text: spans (with scores) and optional encoder states."""

    spans: list[Span]
    hidden: Optional[np.ndarray] = None


def quantize_linear(model: torch.nn.Module) -> tuple[torch.nn.Module, str]:
    """Dynamic int8 quantization of every ``Linear`` (CPU); returns the model and a note.

    ``torch.ao.quantization`` is being retired upstream; when it is missing or refuses to
    run, the fp32 model is returned unchanged and the note says why.
    """
    try:
        from torch.ao.quantization import quantize_dynamic
    except ImportError as exc:  # pragma: no cover - depends on the torch build
        return model, f"quantization unavailable in this torch ({exc}); running fp32"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8), "int8 dynamic"
    except (RuntimeError, AssertionError, NotImplementedError) as exc:  # pragma: no cover
        return model, f"quantization failed ({exc}); running fp32"


class NerTagger:
    """Character-level span tagger over arbitrarily long texts."""

    def __init__(self, model: NerModel, chars: CharEncoder, *, device: Optional[str] = None,
                 quantize: bool = False, segmenter: Optional["Segmenter"] = None) -> None:
        if chars.max_id >= model.vocab_size:
            raise ModelError(f"character table uses id {chars.max_id} but the encoder has only "
                             f"{model.vocab_size} embeddings: table and model do not belong together")
        self.device = resolve_device(device)
        self.chars = chars
        #: word segmenter of the decoder's word-boundary prior (None: decode without it)
        self.segmenter = segmenter
        self.quantization = "none"
        model = model.to(self.device).eval()
        if quantize:
            if self.device.type != "cpu":
                self.quantization = "skipped: int8 dynamic quantization runs on CPU only"
            else:
                model, self.quantization = quantize_linear(model)
            if self.quantization != "int8 dynamic":
                log.warning("NER model not quantized: %s", self.quantization)
        self.model = model
        self.tags: tuple[str, ...] = tuple(model.tags)
        self.labels: tuple[str, ...] = tuple(model.labels)
        #: A smaller encoder gets smaller windows with the same overlap ratio.
        self.window = min(config.NER_WINDOW_CHARS, int(model.max_length) - 2)
        self.stride = scaled_stride(self.window)

    @classmethod
    def load(cls, model_dir: Union[str, Path], device: Optional[str] = None,
             quantize: bool = False, word_prior: bool = True) -> "NerTagger":
        """Model + character table from one directory written by the trainer.

        ``device=None`` picks CUDA when available; ``quantize=True`` (CPU only) applies int8
        dynamic quantization to every ``Linear`` and records in ``.quantization`` what happened.
        ``word_prior`` loads the shipped pkuseg segmenter for the decoder's word-boundary
        prior (``config.NER_WORD_BOUNDARY_PENALTY``; off when that is 0).
        """
        directory = Path(model_dir)
        if not (directory / CHAR_VOCAB_FILE).is_file():
            raise ModelError(f"{directory}: not a govie NER model ({CHAR_VOCAB_FILE} is missing)")
        chars = CharEncoder.load(directory / CHAR_VOCAB_FILE)
        model = NerModel.load(directory, device="cpu")
        segmenter = None
        if word_prior and config.NER_WORD_BOUNDARY_PENALTY > 0:
            from govie.segmenter import default_segmenter

            segmenter = default_segmenter()
        return cls(model, chars, device=device, quantize=quantize, segmenter=segmenter)

    # ------------------------------------------------------------------ scoring
    def _score(self, items: list[tuple[int, int, list[int]]], batch_size: int,
               progress: Optional[bool], with_hidden: bool = False) -> dict[tuple[int, int], np.ndarray]:
        """Log-probabilities per window (with the hidden states appended when asked),
        keyed by (text index, window index)."""
        order = sorted(range(len(items)), key=lambda k: len(items[k][2]), reverse=True)
        out: dict[tuple[int, int], np.ndarray] = {}
        batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
        bar = tqdm(batches, desc="NER", unit="batch", disable=(not progress) if progress is not None else None,
                   leave=False)
        with torch.inference_mode():
            for batch in bar:
                width = len(items[batch[0]][2]) + 2
                ids = torch.full((len(batch), width), self.chars.pad_id, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, k in enumerate(batch):
                    seq = [self.chars.cls_id, *items[k][2], self.chars.sep_id]
                    ids[row, :len(seq)] = torch.tensor(seq)
                    mask[row, :len(seq)] = 1
                logits, hidden = self.model.forward_with_hidden(ids.to(self.device), mask.to(self.device))
                logp = torch.log_softmax(logits.float(), dim=-1)
                if with_hidden:
                    logp = torch.cat([logp, hidden.float()], dim=-1)
                logp = logp.cpu().numpy()
                for row, k in enumerate(batch):
                    text_i, win_i, seq = items[k]
                    out[(text_i, win_i)] = logp[row, 1:1 + len(seq)]
        return out

    def _plan(self, texts: Sequence[str], regions: Optional[Sequence[Optional[Sequence[Region]]]],
              batch_size: int) -> tuple[list[WindowPlan], list[tuple[int, int, list[int]]]]:
        if isinstance(texts, str):
            raise InputError("NerTagger.predict takes a list of texts, not a single string")
        if regions is not None and len(regions) != len(texts):
            raise InputError(f"{len(texts)} texts but {len(regions)} region lists")
        if batch_size < 1:
            raise InputError(f"batch_size must be at least 1, got {batch_size}")
        plans: list[WindowPlan] = []
        items: list[tuple[int, int, list[int]]] = []
        for t, text in enumerate(texts):
            plan = plan_windows(len(text), regions[t] if regions is not None else None,
                                window=self.window, stride=self.stride)
            plans.append(plan)
            ids = self.chars.encode(text)
            items.extend((t, w, ids[win.start:win.end]) for w, win in enumerate(plan.windows))
        return plans, items

    def analyze(self, texts: Sequence[str], *,
                regions: Optional[Sequence[Optional[Sequence[Region]]]] = None,
                batch_size: int = config.NER_BATCH_SIZE, progress: Optional[bool] = None,
                with_hidden: bool = False) -> list[Tagged]:
        """Spans with confidences per text, and (``with_hidden``) the encoder state of every
        character in a region (``[len(text), hidden]``, zeros elsewhere) for the relation heads.

        A span's score is the mean probability of its decoded tags (how sure the tagger was
        of each character's tag along the chosen path).
        """
        plans, items = self._plan(texts, regions, batch_size)
        scores = self._score(items, batch_size, progress, with_hidden=with_hidden)
        n_tags = len(self.tags)
        out: list[Tagged] = []
        for t, (text, plan) in enumerate(zip(texts, plans)):
            merged = merge_scores(plan, [scores[(t, w)] for w in range(len(plan.windows))])
            logp = merged[:, :n_tags] if merged.size else np.zeros((len(text), n_tags), np.float32)
            mid_word = self._mid_word(text, plan.regions)
            spans = [Span(s, e, label, text[s:e], score=conf)
                     for s, e, label, conf in decode_merged(logp, plan.regions, self.tags, mid_word)]
            hidden = None
            if with_hidden:
                hidden = np.nan_to_num(merged[:, n_tags:], nan=0.0) if merged.size else \
                    np.zeros((len(text), self.model.encoder.config.hidden_size), np.float32)
            out.append(Tagged(spans, hidden))
        return out

    def _mid_word(self, text: str, regions: Sequence[Region]) -> Optional[np.ndarray]:
        """The word-boundary prior's input, segmenting only the regions that get decoded
        (a third less segmenter time than the whole report: value regions are about half
        of it); None without a segmenter."""
        if self.segmenter is None:
            return None
        inside = np.zeros(len(text), dtype=bool)
        for start, end in regions:
            inside[start:end] = self.segmenter.mid_word(text[start:end])
        return inside

    def predict_tuples(self, texts: Sequence[str], *,
                       regions: Optional[Sequence[Optional[Sequence[Region]]]] = None,
                       batch_size: int = config.NER_BATCH_SIZE,
                       progress: Optional[bool] = None) -> list[list[tuple[int, int, str]]]:
        """Like :meth:`predict`, as plain ``(start, end, label)`` tuples (what metrics take)."""
        return [[(s.start, s.end, s.label) for s in tagged.spans]
                for tagged in self.analyze(texts, regions=regions, batch_size=batch_size, progress=progress)]

    def predict(self, texts: Sequence[str], *,
                regions: Optional[Sequence[Optional[Sequence[Region]]]] = None,
                batch_size: int = config.NER_BATCH_SIZE,
                progress: Optional[bool] = None) -> list[list[Span]]:
        """Spans per text; ``regions[i]`` (sentence offsets) limits and groups decoding of text i.

        ``progress=None`` shows a progress bar only on a terminal.
        """
        return [tagged.spans for tagged in
                self.analyze(texts, regions=regions, batch_size=batch_size, progress=progress)]
