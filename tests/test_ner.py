"""NER: character encoder, decoding, windows, model persistence, tagger, trainer, CLI.

Everything runs on CPU with a tiny random BERT (hidden 32, 2 layers) whose vocabulary is
the characters of the short sentences below (written for these tests).
"""
from __future__ import annotations

import argparse
import json
import sys
import types
import unicodedata
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from govie import config
from govie.errors import AnnotationError, GovieError, InputError, ModelError
from govie.ner.decode import bio_tags, constrained_viterbi, is_valid_bio, tags_to_spans
from govie.ner.model import META_FILE, WEIGHTS_FILE, NerModel
from govie.ner.tagger import NerTagger
from govie.ner.train import (CHECKPOINT_DIR, TrainConfig, align_labels, chunk_bounds,
                             sentence_regions, train_ner)
from govie.ner.vocab import CharEncoder
from govie.ner.windows import Window, decode_plan, merge_scores, plan_windows
from govie.records import Span

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TAGS = bio_tags(config.SPAN_LABELS)


def _doc(doc_id: str, text: str, marks: list[tuple[str, str]]) -> dict:
    """A gold doc; each mark (substring, label) is located left to right in ``text``."""
    spans, pos = [], 0
    for sub, label in marks:
        start = text.index(sub, pos)
        spans.append({"start": start, "end": start + len(sub), "label": label})
        pos = start + len(sub)
    return {"id": doc_id, "text": text, "spans": spans}


TRAIN_DOCS = [
    _doc("t1", "全市生产总值增长5.5%左右，城镇调查失业率控制在5%以内。",
         [("生产总值", "INDICATOR"), ("5.5%左右", "VALUE"), ("城镇调查失业率", "INDICATOR"), ("5%以内", "VALUE")]),
    _doc("t2", "今年粮食产量达到1200万吨以上；新增就业3万人。\n",
         [("今年", "TIME"), ("粮食产量", "INDICATOR"), ("1200万吨以上", "VALUE"),
          ("新增就业", "INDICATOR"), ("3万人", "VALUE")]),
    _doc("t3", "到2027年，高标准农田达到80万亩。居民收入增长6%。",
         [("2027年", "TIME"), ("高标准农田", "INDICATOR"), ("80万亩", "VALUE"),
          ("居民收入", "INDICATOR"), ("6%", "VALUE")]),
    _doc("t4", "去年工业增加值增长７．２％，乡村振兴取得新进展。",
         [("去年", "TIME"), ("工业增加值", "INDICATOR"), ("７．２％", "VALUE"), ("乡村振兴", "DOMAIN")]),
]
NEGATIVE_DOC = {"id": "n1", "text": "我们要坚持稳中求进，推动高质量发展。", "spans": []}
DEV_DOCS = [_doc("d1", "明年生产总值增长6%左右。", [("明年", "TIME"), ("生产总值", "INDICATOR"), ("6%左右", "VALUE")])]
EXTRA_CHARS = "０１２３４５６７８９亿元个百分点"


def _fast_cfg(**kw) -> TrainConfig:
    base = dict(epochs=30, batch_size=2, lr=3e-3, head_lr=1e-2, warmup_ratio=0.0, save_every=1000,
                eval_every=0, device="cpu", progress=False, seed=7)
    base.update(kw)
    return TrainConfig(**base)


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory) -> Path:
    """A tiny random BERT + ``vocab.txt`` (WordPiece) whose vocabulary is the test characters."""
    from transformers import BertConfig, BertModel

    out = tmp_path_factory.mktemp("base")
    texts = [d["text"] for d in (*TRAIN_DOCS, NEGATIVE_DOC, *DEV_DOCS)] + [EXTRA_CHARS]
    chars = sorted({unicodedata.normalize("NFKC", ch) for t in texts for ch in t if not ch.isspace()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]
    (out / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")   # a plain WordPiece dir
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(str(out))
    return out


@pytest.fixture(scope="module")
def trained(base_dir, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("ner")
    metrics = train_ner(TRAIN_DOCS + [NEGATIVE_DOC], DEV_DOCS, base_dir, out, _fast_cfg(negative_ratio=1.0))
    return out, metrics


# ---------------------------------------------------------------- CharEncoder
def test_char_encoder_one_id_per_char_with_wordpiece(base_dir):
    enc = CharEncoder.from_tokenizer(base_dir)
    text = "增长５．５％\n左右\u3000龘"
    ids = enc.encode(text)
    assert len(ids) == len(text)
    assert ids[2] == enc.encode("5")[0] and ids[2] != enc.unk_id        # full-width digit -> ASCII id
    assert ids[3] == enc.encode(".")[0] and ids[5] == enc.encode("%")[0] != enc.unk_id
    assert ids[6] == enc.space_id == enc.sep_id                          # newline, no ▁ piece: sep
    assert ids[9] == enc.space_id                                        # ideographic space
    assert ids[10] == enc.unk_id                                         # not in the vocabulary
    assert enc.unk_rate(text) == pytest.approx(1 / len(text))
    assert enc.unk_rate("") == 0.0


def test_char_encoder_unigram_rules_and_saved_table(tmp_path):
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    pieces = [("<pad>", 0.0), ("<s>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("\u2581", -2.0),
              ("增", -3.0), ("长", -3.0), ("\u25815", -3.0), ("5", -6.0), ("%", -3.0)]
    tok = Tokenizer(models.Unigram(pieces, unk_id=3, byte_fallback=False))
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", cls_token="<s>",
                                   sep_token="</s>", unk_token="<unk>", pad_token="<pad>")
    enc = CharEncoder.from_tokenizer(fast)
    text = "增5\n％长x"
    ids = enc.encode(text)
    assert ids == [5, 7, 4, 9, 6, 3]    # "▁"+"增" -> 增; "▁5" one piece; newline -> ▁; x unknown
    assert (enc.cls_id, enc.sep_id, enc.pad_id, enc.space_id) == (1, 2, 0, 4)
    path = enc.save(tmp_path)
    again = CharEncoder.load(path)                                  # no tokenizer any more
    assert again.encode(text) == ids
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "govie-char-vocab"


def test_char_encoder_load_errors_are_clear(tmp_path):
    with pytest.raises(ModelError, match="character table not found"):
        CharEncoder.load(tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match="not a govie character table"):
        CharEncoder.load(tmp_path / "bad.json")
    with pytest.raises(ModelError, match="model directory not found"):
        CharEncoder.from_tokenizer(tmp_path / "missing")


# ---------------------------------------------------------------- decoding
def test_viterbi_always_valid_bio_and_matches_greedy_when_valid():
    rng = np.random.default_rng(0)
    for _ in range(50):
        scores = rng.normal(size=(int(rng.integers(1, 30)), len(TAGS))) * 3
        path = constrained_viterbi(scores, TAGS)
        assert len(path) == len(scores) and is_valid_bio(path, TAGS)
        greedy = scores.argmax(axis=1).tolist()
        if is_valid_bio(greedy, TAGS):
            assert path == greedy
    assert constrained_viterbi(np.zeros((0, len(TAGS))), TAGS) == []


def test_viterbi_repairs_an_orphan_inside_tag():
    i_value = TAGS.index("I-VALUE")
    scores = np.full((3, len(TAGS)), -5.0)
    scores[:, i_value] = 0.0           # greedy would give I I I (invalid start)
    scores[0, TAGS.index("B-VALUE")] = -0.5
    path = constrained_viterbi(scores, TAGS)
    assert tags_to_spans(path, TAGS) == [(0, 3, "VALUE")]


def test_word_prior_moves_a_span_edge_that_cuts_a_word_but_keeps_a_sure_one():
    # chars 0-4 form "AB|CDE" as words (0-2, 2-5); the tagger ends INDICATOR after char 3,
    # inside the word CDE, but only a little more sure of that than of ending after char 4
    b_ind, i_ind, o = TAGS.index("B-INDICATOR"), TAGS.index("I-INDICATOR"), TAGS.index("O")
    scores = np.full((6, len(TAGS)), -9.0)
    scores[0, b_ind] = scores[1, i_ind] = scores[2, i_ind] = scores[3, i_ind] = 0.0
    scores[4, o], scores[4, i_ind] = -0.6, -0.8
    scores[5, o] = 0.0
    mid_word = np.array([False, True, False, True, True, False])
    plain = constrained_viterbi(scores, TAGS)
    assert tags_to_spans(plain, TAGS) == [(0, 4, "INDICATOR")]
    prior = dict(mid_word=mid_word, word_penalty=1.0, word_labels=("INDICATOR",))
    assert tags_to_spans(constrained_viterbi(scores, TAGS, **prior), TAGS) == [(0, 5, "INDICATOR")]
    # a confident edge stays where the model put it, and other labels are not charged
    scores[4, i_ind] = -5.0
    assert tags_to_spans(constrained_viterbi(scores, TAGS, **prior), TAGS) == [(0, 4, "INDICATOR")]
    scores[4, i_ind] = -0.8
    assert constrained_viterbi(scores, TAGS, mid_word=mid_word, word_penalty=1.0,
                               word_labels=("VALUE",)) == plain
    with pytest.raises(ValueError, match="mid_word has 2 entries"):
        constrained_viterbi(scores, TAGS, mid_word=mid_word[:2], word_penalty=1.0, word_labels=("INDICATOR",))


def test_tags_to_spans_reads_adjacent_and_lenient_input():
    t = {tag: i for i, tag in enumerate(TAGS)}
    ids = [t["B-TIME"], t["I-TIME"], t["B-VALUE"], t["O"], t["I-INDICATOR"], t["I-INDICATOR"], t["B-DOMAIN"]]
    assert tags_to_spans(ids, TAGS) == [(0, 2, "TIME"), (2, 3, "VALUE"), (4, 6, "INDICATOR"), (6, 7, "DOMAIN")]
    assert not is_valid_bio(ids, TAGS)


# ---------------------------------------------------------------- windows
def _fake_scorer(gold: list[tuple[int, int, str]], confused: int = 8):
    """Scores that are right except within ``confused`` chars of an artificial window edge."""
    def score(win: Window) -> np.ndarray:
        n = len(win)
        out = np.full((n, len(TAGS)), -10.0)
        truth = np.zeros(n, dtype=int)
        for s, e, label in gold:
            for p in range(max(s, win.start), min(e, win.end)):
                truth[p - win.start] = TAGS.index(("B-" if p == s else "I-") + label)
        out[np.arange(n), truth] = 0.0
        dist = win.edge_distance()
        garbage = dist < confused
        out[garbage] = -10.0
        out[garbage, TAGS.index("B-TIME")] = 0.0    # the model invents spans where it lacks context
        return out
    return score


def test_span_across_a_window_cut_comes_out_once_and_whole():
    gold = [(240, 260, "VALUE"), (10, 14, "TIME"), (590, 600, "INDICATOR")]
    plan = plan_windows(600, window=254, stride=192)     # one long region -> overlapping windows
    assert len(plan.windows) == 3 and plan.windows[0].end == 254
    assert any(w.start < 240 < w.end < 260 for w in plan.windows)    # a cut falls inside the span
    scorer = _fake_scorer(gold)
    spans = decode_plan(plan, [scorer(w) for w in plan.windows], TAGS)
    assert sorted(spans) == sorted(gold)
    # decoding each window on its own would cut the span and invent edge spans
    naive = {(w.start + a, w.start + b, lab) for w in plan.windows
             for a, b, lab in tags_to_spans(constrained_viterbi(scorer(w), TAGS), TAGS)}
    assert naive != set(gold)


def test_regions_are_packed_whole_and_decoded_separately():
    regions = [(i * 50, i * 50 + 48) for i in range(12)]     # 2-char gaps between "sentences"
    plan = plan_windows(600, regions, window=254, stride=192)
    assert all(len(w) <= 254 and not (w.cut_left or w.cut_right) for w in plan.windows)
    for s, e in regions:                                      # each region inside exactly one window
        assert sum(w.start <= s and e <= w.end for w in plan.windows) == 1
    gold = [(0, 2, "TIME"), (246, 248, "VALUE"), (250, 260, "INDICATOR")]
    spans = decode_plan(plan, [_fake_scorer(gold)(w) for w in plan.windows], TAGS)
    assert sorted(spans) == gold
    merged = merge_scores(plan, [_fake_scorer(gold)(w) for w in plan.windows])
    assert np.isnan(merged[599]).all() and not np.isnan(merged[50]).any()    # after the last region


def test_long_region_between_short_ones_and_bad_regions():
    plan = plan_windows(700, [(0, 30), (30, 600), (600, 700)], window=100, stride=80)
    covered = np.zeros(700, dtype=int)
    for w in plan.windows:
        assert len(w) <= 100
        covered[w.start:w.end] += 1
    assert (covered >= 1).all()
    assert plan.windows[0] == Window(0, 30)
    with pytest.raises(InputError, match="overlap"):
        plan_windows(100, [(0, 50), (40, 60)])
    with pytest.raises(InputError, match="outside the text"):
        plan_windows(100, [(90, 120)])


# ---------------------------------------------------------------- training helpers
def test_chunks_cut_at_sentence_ends_and_never_through_spans():
    text = "甲乙丙。" * 10 + "丁" * 30 + "，" + "戊" * 30
    spans = [(40, 60, "INDICATOR")]
    bounds = chunk_bounds(text, spans, max_chars=25)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
    assert all(not (s < cut < e) for _, cut in bounds for s, e, _ in spans)
    assert bounds[0] == (0, 24)                        # six whole sentences
    assert sentence_regions("甲。\n\n乙") == [(0, 2), (4, 5)]


def test_align_labels_and_overlap_error():
    index = {t: i for i, t in enumerate(TAGS)}
    assert [TAGS[i] for i in align_labels(5, [(1, 3, "VALUE")], index)] == ["O", "B-VALUE", "I-VALUE", "O", "O"]
    with pytest.raises(AnnotationError):
        align_labels(5, [(1, 3, "VALUE"), (1, 2, "TIME")], index)


def test_bad_gold_is_reported_with_document_and_span(base_dir, tmp_path):
    bad = [{"id": "x9", "text": "今年", "spans": [{"start": 0, "end": 5, "label": "TIME"}]}]
    with pytest.raises(AnnotationError, match="x9.*outside the text"):
        train_ner(bad, [], base_dir, tmp_path / "o", _fast_cfg())
    bad = [{"id": "x8", "text": "今年", "spans": [{"start": 0, "end": 2, "label": "YEAR"}]}]
    with pytest.raises(AnnotationError, match="x8.*unknown label 'YEAR'"):
        train_ner(bad, [], base_dir, tmp_path / "o", _fast_cfg())
    with pytest.raises(ModelError, match="base model directory not found"):
        train_ner(TRAIN_DOCS, [], tmp_path / "nobase", tmp_path / "o", _fast_cfg())


# ---------------------------------------------------------------- training, persistence, tagger
def test_training_reduces_loss_and_writes_model(trained):
    out, metrics = trained
    losses = metrics["losses"]
    assert len(losses) == metrics["steps"] == metrics["total_steps"]
    assert np.mean(losses[-5:]) < 0.5 * np.mean(losses[:5])
    for name in (WEIGHTS_FILE, "config.json", META_FILE, "char_vocab.json", "metrics.json"):
        assert (out / name).is_file()
    weights = load_file(str(out / WEIGHTS_FILE))
    assert all(v.dtype == torch.float16 for v in weights.values() if v.is_floating_point())
    assert any(k.startswith("head.") for k in weights) and any(k.startswith("encoder.") for k in weights)
    meta = json.loads((out / META_FILE).read_text(encoding="utf-8"))
    assert meta["tags"] == list(TAGS) and meta["labels"] == list(config.SPAN_LABELS)
    assert meta["training"]["steps"] == metrics["steps"]
    on_disk = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert set(on_disk["dev"]) >= {"micro"} and on_disk["dev"]["micro"]["support"] == 3


def test_trained_tagger_learns_the_training_spans(trained):
    out, _ = trained
    tagger = NerTagger.load(out)
    pred = tagger.predict([d["text"] for d in TRAIN_DOCS])
    gold = {(d["id"], s["start"], s["end"], s["label"]) for d in TRAIN_DOCS for s in d["spans"]}
    found = {(d["id"], sp.start, sp.end, sp.label) for d, spans in zip(TRAIN_DOCS, pred) for sp in spans}
    assert len(found & gold) >= 0.8 * len(gold)


def test_save_load_round_trip_is_exact(base_dir, tmp_path):
    model = NerModel.from_base(base_dir)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())           # the file is fp16: round first, then compare exactly
    model.eval()
    model.save(tmp_path / "m")
    again = NerModel.load(tmp_path / "m")
    ids = torch.randint(5, model.vocab_size, (2, 20))
    mask = torch.ones_like(ids)
    with torch.no_grad():
        assert torch.equal(model(ids, mask), again(ids, mask))
    assert again.tags == model.tags and again.max_length == 64
    with pytest.raises(ModelError, match="not a govie NER model"):
        NerModel.load(tmp_path)


def test_tagger_predictions_identical_after_reload_and_valid(trained, tmp_path):
    out, _ = trained
    texts = [d["text"] for d in TRAIN_DOCS] + [TRAIN_DOCS[0]["text"] * 6, "", "龘龘"]
    first = NerTagger.load(out)
    NerModel.load(out).save(tmp_path / "copy")            # fp16 -> fp32 -> fp16 is lossless
    CharEncoder.load(out / "char_vocab.json").save(tmp_path / "copy")
    second = NerTagger.load(tmp_path / "copy")
    a = first.predict(texts, batch_size=3)
    b = second.predict(texts, batch_size=5)
    assert a == b
    for text, spans in zip(texts, a):
        assert all(isinstance(s, Span) and s.text == text[s.start:s.end] and s.start < s.end for s in spans)
        assert all(x.end <= y.start for x, y in zip(spans, spans[1:]))       # flat, ordered
    long_text = texts[len(TRAIN_DOCS)]
    assert len(long_text) > first.window                                     # really windowed
    regions = [None] * len(texts)
    regions[len(TRAIN_DOCS)] = sentence_regions(long_text)
    with_regions = first.predict(texts, regions=regions)
    assert all(any(s <= sp.start and sp.end <= e for s, e in regions[len(TRAIN_DOCS)])
               for sp in with_regions[len(TRAIN_DOCS)])
    with pytest.raises(InputError, match="list of texts"):
        first.predict("今年")


def test_tagger_loads_the_segmenter_for_its_word_prior_and_uses_it(trained, monkeypatch):
    out, _ = trained
    tagger = NerTagger.load(out)
    assert tagger.segmenter is not None                       # the shipped pkuseg model
    assert NerTagger.load(out, word_prior=False).segmenter is None
    monkeypatch.setattr(config, "NER_WORD_BOUNDARY_PENALTY", 0.0)
    assert NerTagger.load(out).segmenter is None

    class EveryCharOneWord:
        seen: list[str] = []

        def mid_word(self, text):
            self.seen.append(text)
            return np.zeros(len(text), dtype=bool)            # nothing to charge for

    monkeypatch.setattr(config, "NER_WORD_BOUNDARY_PENALTY", 1.0)
    texts = [d["text"] for d in TRAIN_DOCS]
    plain = NerTagger.load(out, word_prior=False)
    probe = EveryCharOneWord()
    plain_spans = plain.predict(texts)
    plain.segmenter = probe
    assert plain.predict(texts) == plain_spans and probe.seen == texts


def test_quantized_tagger_runs_and_stays_valid(trained):
    out, _ = trained
    tagger = NerTagger.load(out, quantize=True)
    assert tagger.quantization == "int8 dynamic" or tagger.quantization.startswith("quantization")
    text = TRAIN_DOCS[1]["text"]
    spans = tagger.predict([text])[0]
    assert all(s.text == text[s.start:s.end] and s.label in config.SPAN_LABELS for s in spans)


def test_resume_matches_a_straight_run(base_dir, tmp_path):
    cfg = dict(epochs=2, batch_size=2, negative_ratio=0.0)       # 4 chunks -> 2 steps/epoch -> 4 steps
    straight = train_ner(TRAIN_DOCS, DEV_DOCS, base_dir, tmp_path / "a", _fast_cfg(**cfg))
    assert straight["total_steps"] == 4 and straight["resumed_from"] is None
    part = train_ner(TRAIN_DOCS, DEV_DOCS, base_dir, tmp_path / "b", _fast_cfg(max_steps=2, **cfg))
    assert part["steps"] == 2 and not part["complete"]
    resumed = train_ner(TRAIN_DOCS, DEV_DOCS, base_dir, tmp_path / "b", _fast_cfg(**cfg))
    assert resumed["resumed_from"] == 2 and resumed["steps"] == 4
    assert resumed["losses"] == pytest.approx(straight["losses"], abs=1e-6)
    wa = load_file(str(tmp_path / "a" / CHECKPOINT_DIR / "state.safetensors"))
    wb = load_file(str(tmp_path / "b" / CHECKPOINT_DIR / "state.safetensors"))
    model_keys = [k for k in wa if k.startswith("model.")]
    assert model_keys and set(wa) == set(wb)
    for k in wa:
        assert torch.allclose(wa[k].float(), wb[k].float(), atol=1e-6), k
    with pytest.raises(ModelError, match="other data or settings"):
        train_ner(TRAIN_DOCS[:3], DEV_DOCS, base_dir, tmp_path / "b", _fast_cfg(**cfg))


def test_silver_docs_weighted_and_gold_wins(base_dir, tmp_path):
    silver = [dict(TRAIN_DOCS[0], spans=[]), {"id": "s2", "text": "居民收入增长6%。",
                                              "spans": [{"start": 0, "end": 4, "label": "INDICATOR"}]}]
    m = train_ner(TRAIN_DOCS, DEV_DOCS, base_dir, tmp_path / "s",
                  _fast_cfg(epochs=1, negative_ratio=0.0), silver_docs=silver, silver_weight=0.25)
    assert m["silver_docs"] == 1 and m["train_chunks"] == len(TRAIN_DOCS) + 1


def test_training_further_starts_from_the_trained_model(trained, tmp_path):
    """A trained govie model given as base is fine-tuned as it is: no fresh head, its own
    character table, and its earlier training is kept in the metadata."""
    out, _ = trained
    start = NerModel.for_training(out)
    reference = NerModel.load(out)
    assert all(torch.equal(a, b) for a, b in zip(start.state_dict().values(),
                                                 reference.state_dict().values()))
    assert start.meta["continued_from"]["model"] == str(out)
    further = tmp_path / "further"
    m = train_ner(TRAIN_DOCS, DEV_DOCS, out, further, _fast_cfg(epochs=1, lr=1e-4, head_lr=1e-4))
    assert m["steps"] == 2
    meta = json.loads((further / META_FILE).read_text(encoding="utf-8"))
    assert meta["continued_from"]["training"]["steps"] == json.loads(
        (out / META_FILE).read_text(encoding="utf-8"))["training"]["steps"]
    assert meta["training"]["lr"] == 1e-4
    # the head was not re-initialised: what the first run learnt is still found
    pred = NerTagger.load(further).predict([d["text"] for d in TRAIN_DOCS])
    gold = {(d["id"], s["start"], s["end"], s["label"]) for d in TRAIN_DOCS for s in d["spans"]}
    found = {(d["id"], sp.start, sp.end, sp.label) for d, spans in zip(TRAIN_DOCS, pred) for sp in spans}
    assert len(found & gold) >= 0.8 * len(gold)
    with pytest.raises(ModelError, match="cannot be trained further"):
        NerModel.for_training(out, ("INDICATOR", "VALUE"))


# ---------------------------------------------------------------- CLI
def _parser() -> argparse.ArgumentParser:
    from govie.training_cli import register

    parser = argparse.ArgumentParser(prog="govie")
    register(parser.add_subparsers(dest="command"))
    return parser


def test_cli_train_ner_end_to_end(base_dir, tmp_path, monkeypatch, capsys):
    fake = types.ModuleType("govie.data")
    calls = []

    def load_annotations(path, corpus=None):
        calls.append((path, corpus))
        return {"train": TRAIN_DOCS, "dev": DEV_DOCS}

    fake.load_annotations = load_annotations
    monkeypatch.setitem(sys.modules, "govie.data", fake)
    out = tmp_path / "cli"
    args = _parser().parse_args(["train", "ner", "--annotations", "ann", "--base", str(base_dir),
                                 "--out", str(out), "--corpus", "corp", "--epochs", "1",
                                 "--batch-size", "2", "--max-steps", "1", "--device", "cpu", "--seed", "3",
                                 "--lr", "2e-4", "--head-lr", "1e-3"])
    assert args.func(args) == 0
    assert calls == [("ann", "corp")]
    printed = capsys.readouterr().out
    assert "micro" in printed and "1 of 2 steps" in printed
    written = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["config"]
    assert (written["seed"], written["lr"], written["head_lr"]) == (3, 2e-4, 1e-3)
    with pytest.raises(SystemExit):
        _parser().parse_args(["train", "ner", "--annotations", "a", "--base", "b", "--out", "o",
                              "--lr", "0"])


def test_cli_relations_needs_its_arguments_and_bad_numbers(capsys):
    with pytest.raises(SystemExit):
        _parser().parse_args(["train", "relations"])
    assert "--annotations" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _parser().parse_args(["train", "ner", "--annotations", "a", "--base", "b", "--out", "c",
                              "--epochs", "0"])
    assert "at least 1" in capsys.readouterr().err


# ---------------------------------------------------------------- real reports (skip without ../shared)
@pytest.mark.skipif(not (SHARED / "corpus" / "reports").is_dir(), reason="needs ../shared/corpus")
def test_real_report_encodes_one_id_per_char_and_tags_cleanly(trained):
    out, _ = trained
    report = sorted((SHARED / "corpus" / "reports").glob("*.txt"))[0]
    text = report.read_text(encoding="utf-8")
    tagger = NerTagger.load(out)
    assert len(tagger.chars.encode(text)) == len(text)
    spans = tagger.predict([text], regions=[sentence_regions(text)])[0]
    assert all(s.text == text[s.start:s.end] for s in spans)
    assert all(x.end <= y.start for x, y in zip(spans, spans[1:]))
