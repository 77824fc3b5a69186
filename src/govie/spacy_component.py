"""govie inside spaCy: a pkuseg-tokenised Chinese pipeline with a ``"govie"`` component.

Why a component and not only ``govie.extract``: researchers who already work in spaCy
get govie's spans on ``doc.spans["govie"]`` next to their own annotations and the
records on ``doc._.govie_records``, and can save the whole pipeline with
``nlp.to_disk``.

Offsets: spaCy spans must sit on token boundaries, govie's spans need not (a value
may start inside a pkuseg word). Each span is widened to the tokens that contain it
(``alignment_mode="expand"``); how many spans had to be widened is stored on
``doc._.govie_misaligned``. Records are never dropped or widened: they keep govie's
exact character offsets into ``doc.text``.

Saving: the component has no weights of its own. Its config stores the govie model
*directory path* (made absolute by ``load_spacy``), so ``spacy.load(path)`` finds the
same model again without any network; on another machine override it with
``spacy.load(path, config={"components": {"govie": {"model": "/new/dir"}}})``. The
tokenizer's pkuseg model and user dictionary are stored inside the saved pipeline.
``spacy.load`` needs the factory registered, i.e. ``import govie`` (or
``govie.spacy_component``) first.

``doc._.govie_records`` holds ``govie.records.Record`` objects; use ``Record.to_dict``
before putting docs into a ``DocBin`` with user data.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Protocol, Sequence, Union

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from govie import config
from govie.errors import ModelError
from govie.records import Record, Span
from govie.segmenter import UserDict, apply_user_dict, check_model_dir, resolve_user_dict

#: Name of the factory, of the span group on ``doc.spans`` and the extension prefix.
COMPONENT_NAME = "govie"
RECORDS_ATTR = "govie_records"
MISALIGNED_ATTR = "govie_misaligned"
DEFAULT_BATCH_SIZE = 16

# Registered at import time; the has_extension guard makes re-imports (and
# importlib.reload in notebooks) harmless, force=True replaces a stale definition.
for _attr in (RECORDS_ATTR, MISALIGNED_ATTR):
    if not Doc.has_extension(_attr):
        Doc.set_extension(_attr, default=None, force=True)


class GovieAnalyzer(Protocol):
    """What the component needs from an extractor (``govie.pipeline.Extractor``).

    Each result is either a ``(spans, records)`` pair or an object with ``.spans`` and
    ``.records`` (``govie.pipeline.Analysis``); both are accepted (see ``_unpack``).
    Arguments are passed by keyword.
    """

    def analyze(self, text: str, *, year: Optional[int] = None, doc_id: Optional[str] = None) -> Any: ...

    def analyze_many(self, texts: Sequence[str], *, batch_size: int) -> Sequence[Any]: ...


def _unpack(result: Any) -> tuple[Sequence[Span], Sequence[Record]]:
    """Spans and records of one analysis result, whichever of the two shapes it has."""
    if hasattr(result, "spans") and hasattr(result, "records"):
        return result.spans, result.records
    spans, records = result
    return spans, records


def _load_extractor(model: Optional[str]) -> GovieAnalyzer:
    try:
        from govie.pipeline import Extractor
    except ImportError as err:
        raise ModelError(f"the govie extractor cannot be imported ({err})") from None
    return Extractor.load(model)


class GovieComponent:
    """Runs a govie extractor over each doc and puts spans and records on it.

    The extractor is loaded on first use, not at construction, so that building or
    loading a pipeline is cheap and a caller (or a test) may set ``extractor`` first.
    """

    def __init__(self, nlp: Language, name: str, model: Optional[str], batch_size: int) -> None:
        if batch_size < 1:
            raise ModelError(f"component {name!r}: batch_size must be at least 1, got {batch_size}")
        self.name = name
        self.model = model
        self.batch_size = batch_size
        self._extractor: Optional[GovieAnalyzer] = None

    @property
    def extractor(self) -> GovieAnalyzer:
        if self._extractor is None:
            self._extractor = _load_extractor(self.model)
        return self._extractor

    @extractor.setter
    def extractor(self, value: GovieAnalyzer) -> None:
        self._extractor = value

    def __call__(self, doc: Doc) -> Doc:
        spans, records = _unpack(self.extractor.analyze(doc.text, year=None, doc_id=None))
        return self._annotate(doc, spans, records)

    def pipe(self, stream: Iterable[Doc], batch_size: Optional[int] = None) -> Iterator[Doc]:
        """Batch docs through ``analyze_many``, ``self.batch_size`` texts per call.

        ``nlp.pipe`` always passes its own stream batch size (1000 by default), which
        is about tokenising, not about the model; the extractor batch is the
        component's configured ``batch_size`` unless ``component_cfg`` asks for less.
        """
        size = min(batch_size, self.batch_size) if batch_size else self.batch_size
        for batch in minibatch(stream, size=size):
            docs = list(batch)
            results = list(self.extractor.analyze_many([doc.text for doc in docs], batch_size=size))
            if len(results) != len(docs):
                raise ModelError(
                    f"component {self.name!r}: extractor returned {len(results)} results "
                    f"for {len(docs)} texts"
                )
            for doc, result in zip(docs, results):
                yield self._annotate(doc, *_unpack(result))

    def _annotate(self, doc: Doc, spans: Sequence[Span], records: Sequence[Record]) -> Doc:
        group = []
        misaligned = 0
        for span in spans:
            if span.label not in config.SPAN_LABELS:
                raise ModelError(
                    f"component {self.name!r}: extractor returned unknown span label "
                    f"{span.label!r} at {span.start}-{span.end}"
                )
            token_span = doc.char_span(span.start, span.end, label=span.label, alignment_mode="expand")
            if token_span is None or (token_span.start_char, token_span.end_char) != (span.start, span.end):
                misaligned += 1
            if token_span is not None:
                group.append(token_span)
        doc.spans[self.name] = group
        doc._.set(RECORDS_ATTR, list(records))
        doc._.set(MISALIGNED_ATTR, misaligned)
        return doc


@Language.factory(
    COMPONENT_NAME,
    default_config={"model": None, "batch_size": DEFAULT_BATCH_SIZE},
)
def make_govie_component(
    nlp: Language, name: str, model: Optional[str], batch_size: int
) -> GovieComponent:
    """spaCy factory: ``nlp.add_pipe("govie", config={"model": DIR, "batch_size": 16})``.

    ``model`` is the govie model directory (``None``: govie's default model).
    """
    return GovieComponent(nlp, name, model, batch_size)


def load_spacy(
    model: Union[str, Path, None] = None,
    segmenter_dir: Union[str, Path, None] = None,
    *,
    user_dict: UserDict = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Language:
    """A blank Chinese pipeline tokenised by govie's pkuseg model, plus the govie component.

    ``segmenter_dir`` defaults to ``config.PKUSEG_MODEL_DIR``; ``user_dict`` as in
    ``govie.segmenter.load_segmenter`` (``None``: its ``user_dict.txt``, ``False``: none).
    The tokenizer then segments exactly like ``govie.segmenter``.
    """
    import spacy

    if batch_size < 1:
        raise ModelError(f"load_spacy: batch_size must be at least 1, got {batch_size}")
    seg_dir = check_model_dir(segmenter_dir).resolve()
    dict_path = resolve_user_dict(seg_dir, user_dict)
    init = {"pkuseg_model": str(seg_dir), "pkuseg_user_dict": str(dict_path) if dict_path else "default"}
    nlp = spacy.blank(
        "zh",
        config={"nlp": {"tokenizer": {"segmenter": "pkuseg"}}, "initialize": {"tokenizer": init}},
    )
    try:
        nlp.tokenizer.initialize(**init)
    except Exception as err:  # pkuseg raises bare exceptions on broken files
        raise ModelError(f"{seg_dir}: cannot load pkuseg model into spaCy ({err})") from None
    apply_user_dict(nlp.tokenizer.pkuseg_seg, dict_path)
    model_path = str(Path(model).resolve()) if model is not None else None
    nlp.add_pipe(COMPONENT_NAME, config={"model": model_path, "batch_size": batch_size})
    return nlp


__all__ = [
    "COMPONENT_NAME", "GovieAnalyzer", "GovieComponent",
    "load_spacy", "make_govie_component",
]
