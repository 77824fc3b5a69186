"""The model linker: relation heads over encoder states -> Links with change and kind."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional, Sequence

import numpy as np
import torch

from govie.config import CHANGES, KINDS, POLICY_AREAS
from govie.document import Document
from govie.records import Span
from govie.relations.features import LINK_LABELS, area_evidence, build_contexts, pool
from govie.relations.links import Link, repair_links
from govie.relations.model import RelationModel, collate, collate_area
from govie.relations.rules import RuleLinker


class ModelLinker:
    """Chooses, per VALUE, the most probable candidate (or none) of each link type.

    A link's score is P(indicator choice) × P(policy area), both temperature-calibrated on
    dev; the assembler multiplies in the VALUE span's confidence, so the record score
    covers the three decisions a record's correctness depends on most.

    Without encoder states (``hidden=None``) it falls back to the rule linker, so a caller
    that only has spans still gets links.
    """

    def __init__(self, model: RelationModel) -> None:
        self.model = model.eval()
        self.fallback = RuleLinker()

    def link(self, document: Document, spans: Sequence[Span],
             hidden: Optional[np.ndarray] = None) -> list[Link]:
        if hidden is None:
            return self.fallback.link(document, spans)
        contexts = build_contexts(document, spans, hidden)
        if not contexts:
            return []
        batch = collate(contexts)
        with torch.inference_mode():
            logits = self.model(batch)
        probs = {name: self.model.calibrated(name, l) for name, l in logits.items()}
        best = {name: probs[name].argmax(axis=1) for name in LINK_LABELS}  # 0 = none, j = candidate j - 1
        chosen: dict[str, list[Optional[Span]]] = {
            name: [ctx.candidates[name][b - 1] if b > 0 else None for ctx, b in zip(contexts, best[name])]
            for name in LINK_LABELS}
        # the grammar repairs first, so that the area head reads the indicator the record gets
        links = repair_links(document, spans, [
            Link(ctx.value, chosen["indicator"][i], chosen["time"][i], chosen["domain"][i],
                 change=CHANGES[int(probs["change"][i].argmax())], kind=KINDS[int(probs["kind"][i].argmax())])
            for i, ctx in enumerate(contexts)])
        ind_vecs = np.stack([pool(hidden, l.indicator.start, l.indicator.end) if l.indicator is not None
                             else np.zeros_like(ctx.value_vec) for ctx, l in zip(contexts, links)])
        evidence = collate_area([area_evidence(document, l.value, l.indicator) for l in links])
        with torch.inference_mode():
            area = self.model.calibrated("area", self.model.area_logits(
                batch, torch.from_numpy(ind_vecs.astype(np.float32)), evidence))
        return [replace(l, score=float(probs["indicator"][i, best["indicator"][i]] * area[i].max()),
                        area=POLICY_AREAS[int(area[i].argmax())]) for i, l in enumerate(links)]
