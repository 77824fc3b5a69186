"""govie.segmenter: exact cover of the input, the shipped model and dictionary, scoring."""
from __future__ import annotations

from pathlib import Path

import pytest

from govie import config
from govie.errors import InputError, ModelError
from govie.segmenter import (
    HELDOUT_EVERY, MODEL_FILES, USER_DICT_NAME, load_segmenter, read_gold, read_user_dict,
    segment, split_heldout, width_twins, word_f1, word_scores,
)

MODEL_DIR = Path(config.PKUSEG_MODEL_DIR)
SHARED = config.REPO_ROOT.parent / "shared"
GOLD = SHARED / "corpus" / "cws" / "icwb2" / "pku_test_gold.utf8"

HAVE_MODEL = all((MODEL_DIR / name).is_file() for name in MODEL_FILES)
needs_model = pytest.mark.skipif(
    not HAVE_MODEL, reason=f"trained pkuseg model missing in {MODEL_DIR} (run scripts/train_pkuseg.py)"
)
needs_shared = pytest.mark.skipif(not GOLD.is_file(), reason=f"{GOLD} not available (../shared absent)")

# Sentences written for these tests, in the style of the reports.
SENTENCES = [
    "今年地区生产总值增长5.5%左右。",
    "  城镇调查失业率控制在５．５％以内，\n\n居民消费价格涨幅3%左右。 ",
    "粮食产量\t保持在1.3万亿斤以上\r\n高标准农田新建4500万亩。",
    "\u3000\u3000一、过去一年工作回顾\n",
    "以习近平同志为核心的党中央坚强领导",
    "abc ＡＢＣ 2025年 ２０２５年",
    "   ",
    "",
]


@pytest.fixture(scope="module")
def seg():
    return load_segmenter()


@needs_model
@pytest.mark.parametrize("text", SENTENCES)
def test_segment_covers_text_exactly(seg, text):
    tokens = seg.segment(text)
    assert "".join(tokens) == text
    assert all(tokens), "no empty tokens"
    # whitespace never sticks to a word: each token is all-space or space-free
    assert all(t.isspace() or not any(c.isspace() for c in t) for t in tokens)


@needs_model
def test_word_offsets_point_into_original(seg):
    text = SENTENCES[1]
    offsets = seg.word_offsets(text)
    assert [text[s:e] for s, e in offsets] == [t for t in seg.segment(text) if not t.isspace()]
    assert all(not text[s:e].isspace() for s, e in offsets)


@needs_model
def test_module_segment_uses_shipped_model():
    text = SENTENCES[0]
    assert "".join(segment(text)) == text


@needs_model
def test_user_dictionary_keeps_report_vocabulary_whole(seg):
    tokens = seg.segment("以习近平同志为核心，城镇调查失业率下降0.2个百分点。")
    for word in ("习近平", "城镇调查失业率", "个百分点"):
        assert word in tokens


@needs_model
def test_numbers_stay_whole_in_both_widths(seg):
    for text in ("增长6.5%左右", "增长６．５％左右"):
        tokens = seg.segment(text)
        number = text[2:6]
        assert any(number in token for token in tokens), tokens


@needs_model
@needs_shared
def test_heldout_f1_on_slice(seg):
    _, heldout = split_heldout(read_gold(GOLD))
    sample = heldout[:20]
    predicted = [seg.segment("".join(line.split())) for line in sample]
    assert word_f1(sample, predicted) >= 0.85


def test_split_heldout_every_tenth():
    lines = [str(i) for i in range(25)]
    train, heldout = split_heldout(lines)
    assert heldout == ["9", "19"]
    assert len(train) == 23 and "9" not in train
    assert HELDOUT_EVERY == 10


def test_width_twins():
    assert width_twins("增长  6.5％  左右") == ["增长  ６．５％  左右", "增长  6.5%  左右"]
    assert width_twins("２０２５年") == ["2025年"]
    assert width_twins("没有  数字  ，") == []


def test_word_scores():
    gold = ["地区  生产  总值  增长", "今年"]
    assert word_f1(gold, gold) == 1.0
    scores = word_scores(gold, [["地区生产总值", "增长"], ["今", "年"]])
    # correct: 增长 ; gold words 5, predicted 4
    assert (scores.correct_words, scores.gold_words, scores.predicted_words) == (1, 5, 4)
    assert scores.f1 == pytest.approx(2 * (1 / 4) * (1 / 5) / (1 / 4 + 1 / 5))
    with pytest.raises(InputError, match="line 1"):
        word_f1(["地区  生产"], ["地区生"])
    with pytest.raises(InputError, match="2 lines"):
        word_f1(gold, gold[:1])


def test_shipped_user_dict_is_clean():
    path = MODEL_DIR / USER_DICT_NAME
    raw = path.read_text(encoding="utf-8").splitlines()
    words = read_user_dict(path)
    assert len(words) == len(raw), "no blank lines: pkuseg would read them as words"
    assert len(set(words)) == len(words), "no duplicates"
    assert len(words) >= 300
    for word in ("地区生产总值", "城镇调查失业率", "个百分点", "十四五", "习近平", "乡村振兴"):
        assert word in words


def test_read_user_dict_rejects_comments(tmp_path):
    bad = tmp_path / "dict.txt"
    bad.write_text("乡村振兴\n# 注释\n", encoding="utf-8")
    with pytest.raises(ModelError, match=r"dict\.txt:2"):
        read_user_dict(bad)


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="features.msgpack missing"):
        load_segmenter(tmp_path)


def test_read_gold_missing_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_gold(tmp_path / "nope.utf8")


@needs_model
def test_mid_word_marks_positions_inside_words_and_script_changes_as_boundaries(seg):
    text = "新建停车场200个，改造道路"
    inside = seg.mid_word(text)
    assert inside.shape == (len(text),) and not inside[0]
    starts = {s for s, _ in seg.word_offsets(text)} | {e for _, e in seg.word_offsets(text)}
    assert all(inside[i] == (i not in starts) for i in range(1, len(text)) if text[i - 1:i + 1].isalpha())
    assert not inside[text.index("200")]             # Chinese -> digits is always a boundary
    assert not inside[text.index("个")]
    assert inside[text.index("车")] or inside[text.index("场")]   # some word spans several chars
    assert seg.mid_word("").shape == (0,)
