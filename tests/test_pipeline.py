"""The whole extractor on a tiny random model: offsets, batching, relation heads, the API."""
from __future__ import annotations

import json

import numpy as np
import pytest

import govie
import govie.layout
from govie.pipeline import Extractor
from govie.relations.model import RelationModel
from govie.relations.train import train_relations
from tiny_models import make_tiny_ner

REPORT = ("2025年政府工作报告\n一、2024年工作回顾\n全市地区生产总值增长５．２％，城镇新增就业3.1万人。\n"
          "二、2025年目标任务\n主要预期目标是：地区生产总值增长5.5%左右，城镇调查失业率控制在5%以内；"
          "力争到2027年高标准农田达到600万亩以上。\n")


def _ref(text, sub, start=0):
    s = text.index(sub, start)
    return {"start": s, "end": s + len(sub), "text": sub}


def _gold_row():
    t = REPORT
    marks = [("地区生产总值", "INDICATOR", 0), ("５．２％", "VALUE", 0), ("城镇新增就业", "INDICATOR", 0),
             ("3.1万人", "VALUE", 0)]
    spans = [{**_ref(t, s, t.index(s, p)), "label": lab} for s, lab, p in marks]
    def rec(ind, val, kind, change, area, start=0):
        return {"indicator": _ref(t, ind, start), "value": _ref(t, val, start), "time": None, "domain": None,
                "kind": kind, "change": change, "policy_area": area}
    return {"id": "own", "year": 2025, "level": "city", "text": t,
            "spans": [{k: s[k] for k in ("start", "end", "label")} for s in spans],
            "records": [rec("地区生产总值", "５．２％", "actual", "growth", "economy"),
                        rec("城镇新增就业", "3.1万人", "actual", "increment", "social")]}


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return make_tiny_ner(tmp_path_factory.mktemp("m") / "tiny", [REPORT])


def test_extract_offsets_slice_the_original(model_dir):
    extractor = Extractor.load(model_dir)
    analysis = extractor.analyze(REPORT, doc_id="own")
    assert analysis.document.year == 2025
    values = [s for s in analysis.spans if s.label == "VALUE"]
    assert len(analysis.records) == len(values)  # one record per VALUE span
    for span in analysis.spans:
        assert REPORT[span.start:span.end] == span.text and 0.0 <= span.score <= 1.0
    for rec in analysis.records:
        d = rec.to_dict()
        for key in ("indicator", "value", "time"):
            if d[key]:
                assert REPORT[d[key]["start"]:d[key]["end"]] == d[key]["text"]
        assert d["doc"] == "own" and d["kind"] in ("target", "actual")
        json.dumps(d, ensure_ascii=False)


def test_the_word_prior_is_on_by_default_and_can_be_switched_off(model_dir):
    assert Extractor.load(model_dir).tagger.segmenter is not None
    plain = Extractor.load(model_dir, word_prior=False)
    assert plain.tagger.segmenter is None
    assert [r.to_dict()["value"] for r in plain.extract(REPORT)]    # still a working extractor


def test_extract_many_equals_single_calls(model_dir):
    extractor = Extractor.load(model_dir)
    other = REPORT.replace("5.5%", "6%")
    batch = extractor.extract_many([REPORT, other], batch_size=3)
    single = [extractor.extract(REPORT), extractor.extract(other)]
    assert [[r.to_dict() for r in rs] for rs in batch] == [[r.to_dict() for r in rs] for rs in single]


def test_public_extract_uses_the_given_model(model_dir):
    records = govie.extract(REPORT, year=2025, model=str(model_dir))
    assert all(isinstance(r, govie.Record) for r in records)


def test_relation_heads_train_save_and_load_into_the_extractor(model_dir, tmp_path):
    out = tmp_path / "with-relations"
    import shutil

    shutil.copytree(model_dir, out)
    metrics = train_relations([_gold_row()], [_gold_row()], out, epochs=3)
    assert metrics["train_values"] == 2 and set(metrics["dev_accuracy"]) >= {"indicator", "kind", "change", "area"}
    # early stopping per head: each head's kept epoch is the one of its own lowest dev loss
    history = metrics["history"]
    for head, epoch in metrics["best_epoch"].items():
        losses = [h["dev_losses"][head] for h in history]
        assert epoch == 1 + losses.index(min(losses))
    assert RelationModel.exists(out)
    extractor = Extractor.load(out)
    assert extractor.needs_hidden
    assert extractor.record_calibration is not None and len(extractor.record_calibration) == 2
    records = extractor.extract(REPORT)
    assert all(REPORT[r.value.span.start:r.value.span.end] == r.value.span.text for r in records)
    assert all(0.0 <= r.score <= 1.0 and "raw_score" in r.extra for r in records)


def test_calibrate_only_refits_the_record_map_and_keeps_the_heads(model_dir, tmp_path):
    import json
    import shutil

    from govie.relations.train import recalibrate_records

    out = tmp_path / "recalibrated"
    shutil.copytree(model_dir, out)
    train_relations([_gold_row()], [_gold_row()], out, epochs=2)
    fitted = RelationModel.load(out).record_calibration
    weights = (out / "relations.safetensors").read_bytes()
    meta = json.loads((out / "relations.json").read_text(encoding="utf-8"))
    meta["record_calibration"] = [5.0, -3.0]  # a stale map, as after a change to decoding
    (out / "relations.json").write_text(json.dumps(meta), encoding="utf-8")
    again = recalibrate_records([_gold_row()], out)
    assert np.allclose(again, fitted, atol=1e-6)          # the map the training run fit on raw scores
    assert RelationModel.load(out).record_calibration == pytest.approx(fitted)
    assert (out / "relations.safetensors").read_bytes() == weights
    assert json.loads((out / "relations.json").read_text(encoding="utf-8"))["metrics"]["history"] == meta["metrics"]["history"]
    with pytest.raises(govie.errors.ModelError, match="no relation heads"):
        recalibrate_records([_gold_row()], model_dir)   # an NER model without heads


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(govie.errors.ModelError, match="not a govie NER model"):
        Extractor.load(tmp_path)


def test_spacy_pipeline_with_the_real_extractor(model_dir, tmp_path):
    """The spaCy component on a real (tiny) model: spans on the Doc, records never dropped."""
    pytest.importorskip("spacy")
    from govie.config import PKUSEG_MODEL_DIR

    if not (PKUSEG_MODEL_DIR / "features.msgpack").exists():
        pytest.skip("the pkuseg model is not in models/")
    import spacy

    nlp = govie.load_spacy(model=str(model_dir))
    doc = nlp(REPORT)
    expected = Extractor.load(model_dir).analyze(REPORT)
    assert len(doc._.govie_records) == len(expected.records)
    assert len(doc.spans["govie"]) == len(expected.spans)
    assert "".join(t.text_with_ws for t in doc) == REPORT
    docs = list(nlp.pipe([REPORT, REPORT], batch_size=2))
    assert [len(d._.govie_records) for d in docs] == [len(expected.records)] * 2
    nlp.to_disk(tmp_path / "pipe")
    again = spacy.load(tmp_path / "pipe")
    assert len(again(REPORT)._.govie_records) == len(expected.records)


def test_implausible_model_spans_are_dropped():
    from govie.pipeline import plausible
    from govie.records import Span

    assert plausible(Span(0, 4, "VALUE", "5.5%"), "5.5%")
    assert plausible(Span(0, 2, "VALUE", "一倍"), "一倍")
    assert not plausible(Span(0, 3, "VALUE", "不少于"), "不少于")
    assert not plausible(Span(0, 2, "VALUE", "十分"), "十分重要")      # an adverb
    assert not plausible(Span(0, 1, "INDICATOR", "积"), "积极")
    assert plausible(Span(0, 2, "INDICATOR", "企业"), "企业")
    assert not plausible(Span(0, 1, "TIME", "今"), "今年")


def test_a_count_of_meeting_sessions_is_no_value():
    from govie.pipeline import plausible
    from govie.records import Span

    text = "学习市委九届三次、四次全会精神，开展两次督查。"
    assert not plausible(Span(9, 11, "VALUE", "四次"), text)
    assert not plausible(Span(4, 5, "VALUE", "九"), text)
    assert plausible(Span(18, 20, "VALUE", "两次"), text)


def test_value_extents_come_from_the_grammar_and_stay_flat():
    from govie.pipeline import delimit_values
    from govie.records import Span

    text = "城镇新增就业不少于28万人，新建3座、改造4座。"
    spans = [Span(0, 6, "INDICATOR", "城镇新增就业", 0.9), Span(9, 13, "VALUE", "28万人", 0.8),
             Span(16, 23, "VALUE", "3座、改造4座", 0.7)]
    out = delimit_values(text, spans)
    assert [(s.text, s.label) for s in out] == [("城镇新增就业", "INDICATOR"), ("不少于28万人", "VALUE"),
                                                ("3座", "VALUE"), ("4座", "VALUE")]
    assert all(text[s.start:s.end] == s.text for s in out)
    assert [s.score for s in out if s.label == "VALUE"] == [0.8, 0.7, 0.7]
    # a span overlapping one edge of the grammar's extent gives the overlap up
    edge = [Span(0, 7, "INDICATOR", "城镇新增就业不", 0.9), Span(9, 13, "VALUE", "28万人", 0.8)]
    assert [s.text for s in delimit_values(text, edge)] == ["城镇新增就业", "不少于28万人"]
    tail = "接待游客7.4万人次数创新高"
    edge = [Span(4, 9, "VALUE", "7.4万人"), Span(9, 13, "INDICATOR", "次数创新")]
    assert [s.text for s in delimit_values(tail, edge)] == ["7.4万人次", "数创新"]
    # an extent that would swallow another span, or leave a fragment of it, keeps the model's extent
    swallow = [Span(7, 8, "INDICATOR", "少", 0.9), Span(9, 13, "VALUE", "28万人", 0.8)]
    assert [s.text for s in delimit_values(text, swallow)] == ["少", "28万人"]
    fragment = [Span(5, 7, "INDICATOR", "业不", 0.9), Span(9, 13, "VALUE", "28万人", 0.8)]
    assert [s.text for s in delimit_values(text, fragment)] == ["业不", "28万人"]


def _hard_wrapped(text, width):
    lines = []
    for line in text.split("\n"):
        lines.extend([line[i:i + width] for i in range(0, len(line), width)] or [""])
    return "\n".join(lines)


def test_a_hard_wrapped_spaced_copy_gives_the_same_records_at_its_own_offsets(model_dir):
    body = [line for line in REPORT.split("\n") if len(line) > 20]
    report = REPORT + "\n".join(body * 2) + "\n"   # long enough for its page width to show
    noisy = _hard_wrapped(report.replace("增长", "增长 "), 17)   # no paragraph ends on a full line
    assert govie.layout.read(noisy).text == govie.layout.read(report).text
    extractor = Extractor.load(model_dir)
    clean, messy = extractor.extract(report, year=2025), extractor.extract(noisy, year=2025)
    assert len(messy) == len(clean) > 0
    for a, b in zip(clean, messy):
        assert noisy[b.value.span.start:b.value.span.end] == b.value.span.text
        assert b.value.span.text.replace("\n", "").replace(" ", "") == a.value.span.text
        assert b.value.quantity == a.value.quantity and (b.year, b.kind) == (a.year, a.kind)
        if a.indicator:
            assert noisy[b.indicator.start:b.indicator.end] == b.indicator.text
            assert b.indicator.text.replace("\n", "") == a.indicator.text
