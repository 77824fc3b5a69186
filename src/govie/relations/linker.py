"""The model linker: relation heads over encoder states -> Links with change and kind."""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from govie.config import CHANGES, KINDS, POLICY_AREAS
from govie.document import Document
from govie.records import Span
from govie.relations.features import LINK_LABELS, area_features, build_contexts
from govie.relations.links import Link
from govie.relations.model import RelationModel
from govie.relations.rules import RuleLinker


class ModelLinker:
    """Chooses, per VALUE, the most probable candidate (or none) of each link type.

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
        links = []
        for ctx in build_contexts(document, spans, hidden):
            x = RelationModel.tensors(ctx)
            probs = self.model.probabilities(x)
            chosen: dict[str, Optional[Span]] = {}
            confidence = 1.0
            ind_vec = np.zeros_like(ctx.value_vec)
            for name in LINK_LABELS:
                p = probs[name]
                best = int(np.argmax(p))
                cands = ctx.candidates[name]
                chosen[name] = cands[best] if best < len(cands) else None
                if name == "indicator":
                    confidence = float(p[best])
                    if chosen[name] is not None:
                        ind_vec = ctx.cand_vecs[name][best]
            area = self.model.probabilities(RelationModel.with_area(
                x, ind_vec, area_features(document, ctx.value, chosen["indicator"])))["area"]
            links.append(Link(ctx.value, chosen["indicator"], chosen["time"], chosen["domain"],
                              score=confidence, change=CHANGES[int(np.argmax(probs["change"]))],
                              kind=KINDS[int(np.argmax(probs["kind"]))],
                              area=POLICY_AREAS[int(np.argmax(area))]))
        return links
