"""The spaCy "govie" component, run with a fake extractor (the real one is tested elsewhere)."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from govie import config
from govie.errors import ModelError
from govie.records import Quantity, Record, Span, Value
from govie.segmenter import MODEL_FILES

spacy = pytest.importorskip("spacy")

from govie import spacy_component  # noqa: E402  (registers the factory)
from govie.spacy_component import MISALIGNED_ATTR, RECORDS_ATTR, load_spacy  # noqa: E402

MODEL_DIR = Path(config.PKUSEG_MODEL_DIR)
pytestmark = pytest.mark.skipif(
    not all((MODEL_DIR / n).is_file() for n in MODEL_FILES),
    reason=f"trained pkuseg model missing in {MODEL_DIR} (run scripts/train_pkuseg.py)",
)

TEXT = "今年地区生产总值增长5.5%左右，城镇调查失业率控制在5%以内。"


def _span(text: str, needle: str, label: str, start_at: int = 0) -> Span:
    start = text.index(needle, start_at)
    return Span(start, start + len(needle), label, needle)


class FakeExtractor:
    """Finds fixed phrases; optionally one extra VALUE span given by offsets."""

    def __init__(self, extra: tuple[int, int] | None = None) -> None:
        self.extra = extra
        self.calls: list[tuple[str, int]] = []

    def _analyze(self, text: str) -> tuple[list[Span], list[Record]]:
        spans, records = [], []
        if "地区生产总值" in text:
            indicator = _span(text, "地区生产总值", "INDICATOR")
            value = _span(text, "5.5%左右", "VALUE")
            spans += [indicator, value]
            records.append(Record(Value(value, Quantity(5.5, "%", "about")), indicator, change="growth"))
        if self.extra is not None:
            start, end = self.extra
            value = Span(start, end, "VALUE", text[start:end])
            spans.append(value)
            records.append(Record(Value(value, Quantity(None)), None))
        return spans, records

    def analyze(self, text, *, year=None, doc_id=None):
        self.calls.append(("analyze", 1))
        return self._analyze(text)

    def analyze_many(self, texts, *, batch_size):
        self.calls.append(("analyze_many", len(texts)))
        return [self._analyze(text) for text in texts]


@dataclass
class FakeAnalysis:
    """The shape of govie.pipeline.Analysis: results with .spans and .records."""

    spans: list
    records: list


class FakeAnalysisExtractor(FakeExtractor):
    def analyze(self, text, *, year=None, doc_id=None):
        return FakeAnalysis(*self._analyze(text))

    def analyze_many(self, texts, *, batch_size):
        self.calls.append(("analyze_many", len(texts)))
        return [FakeAnalysis(*self._analyze(text)) for text in texts]


@pytest.fixture(scope="module")
def nlp():
    return load_spacy()


def _with(nlp, extractor):
    nlp.get_pipe("govie").extractor = extractor
    return nlp


def test_pipeline_shape(nlp):
    assert nlp.pipe_names == ["govie"]
    tokens = [t.text for t in nlp.make_doc(TEXT)]
    assert "".join(tokens) == TEXT
    assert "地区生产总值" in tokens  # the user dictionary reached the spaCy tokenizer


def test_spans_and_records_on_doc(nlp):
    doc = _with(nlp, FakeExtractor())(TEXT)
    group = doc.spans["govie"]
    assert [s.label_ for s in group] == ["INDICATOR", "VALUE"]
    indicator, value = group
    assert indicator.text == "地区生产总值"  # a user dictionary word: one token
    start = TEXT.index("5.5%左右")
    assert value.start_char <= start and value.end_char >= start + len("5.5%左右")
    records = doc._.get(RECORDS_ATTR)
    assert len(records) == 1 and records[0].value.span.text == "5.5%左右"
    assert records[0].indicator.start == TEXT.index("地区生产总值")


def test_value_inside_a_token_is_expanded_but_record_keeps_offsets(nlp):
    doc0 = nlp.make_doc(TEXT)
    token = next(t for t in doc0 if len(t.text) >= 2 and t.idx > 0)
    inner = (token.idx + 1, token.idx + 2)  # one character strictly inside the token
    doc = _with(nlp, FakeExtractor(extra=inner))(TEXT)
    records = doc._.get(RECORDS_ATTR)
    assert len(records) == 2, "records are never dropped"
    extra = records[-1].value.span
    assert (extra.start, extra.end) == inner and TEXT[extra.start:extra.end] == extra.text
    expanded = doc.spans["govie"][-1]
    assert (expanded.start_char, expanded.end_char) == (token.idx, token.idx + len(token.text))
    assert doc._.get(MISALIGNED_ATTR) >= 1


def test_pipe_batches_through_analyze_many(nlp):
    fake = FakeExtractor()
    component = _with(nlp, fake).get_pipe("govie")
    old = component.batch_size
    component.batch_size = 2
    try:
        texts = [TEXT, "没有数字的句子。", TEXT, "今年", TEXT]
        docs = list(nlp.pipe(texts))
    finally:
        component.batch_size = old
    assert fake.calls == [("analyze_many", 2), ("analyze_many", 2), ("analyze_many", 1)]
    assert [len(d._.get(RECORDS_ATTR)) for d in docs] == [1, 0, 1, 0, 1]
    assert [d.text for d in docs] == texts


def test_analysis_objects_are_accepted(nlp):
    fake = FakeAnalysisExtractor()
    _with(nlp, fake)
    docs = [nlp(TEXT)] + list(nlp.pipe([TEXT, "今年"]))
    assert [len(d._.get(RECORDS_ATTR)) for d in docs] == [1, 1, 0]
    assert [len(d.spans["govie"]) for d in docs] == [2, 2, 0]


def test_unknown_label_is_refused(nlp):
    class Bad(FakeExtractor):
        def analyze(self, text, *, year=None, doc_id=None):
            return [Span(0, 2, "MONEY", text[:2])], []

    with pytest.raises(ModelError, match="MONEY"):
        _with(nlp, Bad())(TEXT)


def test_round_trip_to_disk(tmp_path, nlp):
    nlp2 = load_spacy(model=tmp_path / "govie-model", batch_size=4)
    stored = nlp2.config["components"]["govie"]["model"]
    assert Path(stored).is_absolute() and Path(stored) == (tmp_path / "govie-model").resolve()
    nlp2.to_disk(tmp_path / "pipeline")
    loaded = spacy.load(tmp_path / "pipeline")
    assert loaded.pipe_names == ["govie"]
    assert loaded.config["components"]["govie"] == {"factory": "govie", "model": stored, "batch_size": 4}
    text = "以习近平同志为核心，城镇调查失业率下降0.2个百分点。\n  今年"
    assert [t.text for t in loaded.make_doc(text)] == [t.text for t in nlp.make_doc(text)]
    doc = _with(loaded, FakeExtractor())(TEXT)
    assert len(doc._.get(RECORDS_ATTR)) == 1


def test_bad_batch_size():
    with pytest.raises(ModelError, match="batch_size"):
        load_spacy(batch_size=0)


def test_reimport_keeps_extensions():
    importlib.reload(spacy_component)
    from spacy.tokens import Doc

    assert Doc.has_extension(RECORDS_ATTR) and Doc.has_extension(MISALIGNED_ATTR)
    assert spacy.language.Language.has_factory("govie")


def test_tokenizer_segments_like_govie_segmenter(nlp):
    from govie.segmenter import load_segmenter

    text = "去年粮食产量1.4万亿斤，  新能源汽车年产量突破1300万辆。\n今年  ６．５％左右"
    words = [t.text for t in nlp.make_doc(text) if not t.is_space]
    assert words == load_segmenter().cut(text)
