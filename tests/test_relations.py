"""Linking values to indicators/times/domains: the rule linker, features, the relation heads."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from govie.config import POLICY_AREAS
from govie.document import parse_document
from govie.records import Span
from govie.relations.features import PAIR_FEATURES, VALUE_FEATURES, build_contexts
from govie.relations.linker import ModelLinker
from govie.relations.links import (Link, carry_elided_indicators, join_shared_items, link_counted_nouns,
                                   pair_coordinated_lists)
from govie.relations.model import RelationModel, collate
from govie.relations.rules import RuleLinker


def _spans(text: str, marks: list[tuple[str, str]]) -> list[Span]:
    out, pos = [], 0
    for sub, label in marks:
        start = text.index(sub, pos)
        out.append(Span(start, start + len(sub), label, sub))
        pos = start + len(sub)
    return out


def _link_map(text: str, marks):
    doc = parse_document(text, year=2025)
    links = RuleLinker().link(doc, _spans(text, marks))
    return {l.value.text: (l.indicator.text if l.indicator else None) for l in links}


def test_respectively_pairs_by_order():
    text = "工业增加值、服务业增加值分别增长8%、10%。"
    got = _link_map(text, [("工业增加值", "INDICATOR"), ("服务业增加值", "INDICATOR"), ("8%", "VALUE"),
                           ("10%", "VALUE")])
    assert got == {"8%": "工业增加值", "10%": "服务业增加值"}


def test_coordinated_values_share_the_indicator():
    text = "今年建设高速公路4条、133公里。"
    got = _link_map(text, [("高速公路", "INDICATOR"), ("4条", "VALUE"), ("133公里", "VALUE")])
    assert got == {"4条": "高速公路", "133公里": "高速公路"}


def test_value_before_its_indicator():
    text = "建成10个以上省级美丽城镇样板。"
    got = _link_map(text, [("10个以上", "VALUE"), ("省级美丽城镇样板", "INDICATOR")])
    assert got == {"10个以上": "省级美丽城镇样板"}


def test_time_is_the_nearest_before_in_the_clause():
    text = "去年粮食产量达到600万吨，力争到2027年达到650万吨。"
    doc = parse_document(text, year=2025)
    spans = _spans(text, [("去年", "TIME"), ("粮食产量", "INDICATOR"), ("600万吨", "VALUE"),
                          ("2027年", "TIME"), ("650万吨", "VALUE")])
    times = {l.value.text: l.time.text for l in RuleLinker().link(doc, spans)}
    assert times == {"600万吨": "去年", "650万吨": "2027年"}


def _paired(text: str, marks) -> dict[str, str | None]:
    """Links that tie every value to the last indicator (a shifted list), then R12 pairing."""
    doc = parse_document(text, year=2025)
    spans = _spans(text, marks)
    last = [s for s in spans if s.label == "INDICATOR"][-1]
    links = [Link(s, last, None, None) for s in spans if s.label == "VALUE"]
    return {l.value.text: (l.indicator.text if l.indicator else None)
            for l in pair_coordinated_lists(doc, spans, links)}


def test_a_list_of_indicators_takes_its_list_of_values_by_order():
    text = "快递量、客运量和旅游收入分别增长11%、22%、6%，高于全省3、2、1个百分点。"
    got = _paired(text, [("快递量", "INDICATOR"), ("客运量", "INDICATOR"), ("旅游收入", "INDICATOR"),
                         ("11%", "VALUE"), ("22%", "VALUE"), ("6%", "VALUE"),
                         ("3", "VALUE"), ("2", "VALUE"), ("1个百分点", "VALUE")])
    assert got == {"11%": "快递量", "22%": "客运量", "6%": "旅游收入",
                   "3": "快递量", "2": "客运量", "1个百分点": "旅游收入"}
    # without 分别 too
    text = "财政收入、支出完成100亿元、290亿元。"
    got = _paired(text, [("财政收入", "INDICATOR"), ("支出", "INDICATOR"), ("100亿元", "VALUE"), ("290亿元", "VALUE")])
    assert got == {"100亿元": "财政收入", "290亿元": "支出"}


def test_lists_of_other_sizes_or_apart_keep_the_linker_choice():
    one_value = "工业增加值、服务业增加值均增长8%。"       # one value shared: join_shared_items' case
    got = _paired(one_value, [("工业增加值", "INDICATOR"), ("服务业增加值", "INDICATOR"), ("8%", "VALUE")])
    assert got == {"8%": "服务业增加值"}
    apart = "工业增加值、服务业增加值较快增长，其中制造业增长8%、10%。"   # a clause break between
    got = _paired(apart, [("工业增加值", "INDICATOR"), ("服务业增加值", "INDICATOR"), ("8%", "VALUE"), ("10%", "VALUE")])
    assert got == {"8%": "服务业增加值", "10%": "服务业增加值"}
    next_sentence = "工业、服务业分别增长8%、10%。投资增长5%、6%。"    # a later list past 。
    got = _paired(next_sentence, [("工业", "INDICATOR"), ("服务业", "INDICATOR"), ("8%", "VALUE"), ("10%", "VALUE"),
                                  ("5%", "VALUE"), ("6%", "VALUE")])
    assert got["5%"] == "服务业" and got["6%"] == "服务业" and got["8%"] == "工业"


def test_one_value_shared_by_a_list_takes_the_whole_list():
    text = "工业增加值、服务业增加值均增长8%，投资、消费增长5%、6%。"
    doc = parse_document(text, year=2025)
    spans = _spans(text, [("工业增加值", "INDICATOR"), ("服务业增加值", "INDICATOR"), ("8%", "VALUE"),
                          ("投资", "INDICATOR"), ("消费", "INDICATOR"), ("5%", "VALUE"), ("6%", "VALUE")])
    service, consumption = spans[1], spans[4]
    links = [Link(spans[2], service, None, None), Link(spans[5], consumption, None, None),
             Link(spans[6], consumption, None, None)]
    joined = join_shared_items(doc, spans, links)
    got = {l.value.text: l.indicator.text for l in joined}
    # one value after a list: the whole coordination; two values: left to the pairing by order
    assert got == {"8%": "工业增加值、服务业增加值", "5%": "消费", "6%": "消费"}
    assert joined[0].indicator.start == spans[0].start and joined[0].indicator.end == service.end
    assert join_shared_items(doc, spans, joined) == joined          # idempotent, as LINK_REPAIRS needs


def test_a_value_takes_the_counted_noun_right_after_it():
    text = "建成20个街区、300座桥梁，另有公园5个。"
    doc = parse_document(text, year=2025)
    spans = _spans(text, [("20个", "VALUE"), ("街区", "INDICATOR"), ("300座", "VALUE"), ("桥梁", "INDICATOR"),
                          ("公园", "INDICATOR"), ("5个", "VALUE")])
    street = spans[1]
    shifted = [Link(s, street, None, None) for s in spans if s.label == "VALUE"]   # the list shifted by one
    got = {l.value.text: l.indicator.text for l in link_counted_nouns(doc, spans, shifted)}
    assert got == {"20个": "街区", "300座": "桥梁", "5个": "街区"}   # 5个 has no noun right after it


def _carried(text: str, marks) -> dict[str, str | None]:
    doc = parse_document(text, year=2025)
    spans = _spans(text, marks)
    links = carry_elided_indicators(doc, spans, RuleLinker().link(doc, spans))
    return {l.value.text: (l.indicator.text if l.indicator else None) for l in links}


def test_a_piece_after_a_semicolon_inherits_the_elided_indicator():
    text = "棉花产量，去年计划为30万吨，实际达到32万吨；今年计划为33万吨，预计可达35万吨。"
    got = _carried(text, [("棉花产量", "INDICATOR"), ("30万吨", "VALUE"), ("32万吨", "VALUE"),
                          ("33万吨", "VALUE"), ("35万吨", "VALUE")])
    assert got == {"30万吨": "棉花产量", "32万吨": "棉花产量", "33万吨": "棉花产量", "35万吨": "棉花产量"}


def test_no_carry_over_a_full_stop_a_line_break_or_a_named_indicator():
    marks = [("棉花产量", "INDICATOR"), ("30万吨", "VALUE"), ("33万吨", "VALUE")]
    assert _carried("棉花产量达到30万吨。今年预计33万吨。", marks)["33万吨"] is None
    assert _carried("棉花产量达到30万吨；\n今年预计33万吨。", marks)["33万吨"] is None
    text = "棉花产量达到30万吨；油料种植面积扩大到33万亩。"
    got = _carried(text, [("棉花产量", "INDICATOR"), ("30万吨", "VALUE"), ("油料种植面积", "INDICATOR"),
                          ("33万亩", "VALUE")])
    assert got["33万亩"] == "油料种植面积"


def _random_hidden(text: str, dim: int = 8, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(len(text), dim)).astype(np.float32)


def test_contexts_list_candidates_of_the_sentence_only():
    text = "地区生产总值增长5%。城镇调查失业率5.5%左右。"
    doc = parse_document(text, year=2025)
    spans = _spans(text, [("地区生产总值", "INDICATOR"), ("5%", "VALUE"), ("城镇调查失业率", "INDICATOR"),
                          ("5.5%左右", "VALUE")])
    ctxs = build_contexts(doc, spans, _random_hidden(text))
    assert [c.value.text for c in ctxs] == ["5%", "5.5%左右"]
    assert [s.text for s in ctxs[1].candidates["indicator"]] == ["城镇调查失业率"]
    assert ctxs[0].pair_features["indicator"].shape == (1, len(PAIR_FEATURES))
    assert ctxs[0].value_features.shape == (len(VALUE_FEATURES),)
    assert ctxs[0].pair_features["indicator"][0, PAIR_FEATURES.index("rule_choice")] == 1.0


def test_relation_heads_learn_and_round_trip(tmp_path):
    """The heads learn to pick the second of two candidates when features say so."""
    text = "甲指标、乙指标分别增长8%、10%。"
    doc = parse_document(text, year=2025)
    spans = _spans(text, [("甲指标", "INDICATOR"), ("乙指标", "INDICATOR"), ("8%", "VALUE"), ("10%", "VALUE")])
    ctxs = build_contexts(doc, spans, _random_hidden(text))
    torch.manual_seed(0)
    model = RelationModel(hidden=8, width=16)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    batch = collate(ctxs)
    targets = torch.tensor([1, 2])  # 0 = none, j = candidate j - 1
    first = None
    for _ in range(60):
        loss = torch.nn.functional.cross_entropy(model(batch)["indicator"], targets)
        first = float(loss.detach()) if first is None else first
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert float(loss.detach()) < first / 4
    model.eval()
    model.save(tmp_path, {"note": "test"})
    again = RelationModel.load(tmp_path)
    with torch.inference_mode():
        a = model.calibrated("indicator", model(batch)["indicator"])
        b = again.calibrated("indicator", again(batch)["indicator"])
    assert np.allclose(a, b, atol=1e-2)  # stored in fp16
    links = ModelLinker(again).link(doc, spans, _random_hidden(text))
    assert {l.value.text: l.indicator.text for l in links} == {"8%": "甲指标", "10%": "乙指标"}
    assert all(l.kind in ("target", "actual") and l.change and l.area in POLICY_AREAS for l in links)


def test_model_linker_scores_the_area_on_the_repaired_indicator(monkeypatch):
    """The area head reads the indicator the record will get, after the grammar repairs."""
    import govie.relations.linker as linker_module

    text = "甲指标、乙指标分别增长8%、10%。"
    doc = parse_document(text, year=2025)
    spans = _spans(text, [("甲指标", "INDICATOR"), ("乙指标", "INDICATOR"), ("8%", "VALUE"), ("10%", "VALUE")])
    seen = {}

    def spy(document, value, indicator):
        seen[value.text] = indicator.text if indicator else None
        return real(document, value, indicator)

    real = linker_module.area_evidence
    monkeypatch.setattr(linker_module, "area_evidence", spy)
    torch.manual_seed(3)
    links = ModelLinker(RelationModel(hidden=8, width=16)).link(doc, spans, _random_hidden(text))
    assert seen == {"8%": "甲指标", "10%": "乙指标"}    # R12, whatever the untrained heads chose
    assert {l.value.text: l.indicator.text for l in links} == seen


def test_collate_pads_candidates_and_masks_them():
    text = "地区生产总值增长5%，其中工业增加值、服务业增加值分别增长6%、7%。"
    doc = parse_document(text, year=2025)
    spans = _spans(text, [("地区生产总值", "INDICATOR"), ("5%", "VALUE"), ("工业增加值", "INDICATOR"),
                          ("服务业增加值", "INDICATOR"), ("6%", "VALUE"), ("7%", "VALUE")])
    batch = collate(build_contexts(doc, spans, _random_hidden(text)))
    assert batch["cands"]["indicator"].shape[:2] == (3, 3) and batch["mask"]["indicator"].all()
    assert batch["cands"]["time"].shape[1] == 0
    logits = RelationModel(hidden=8, width=16)(batch)
    assert logits["indicator"].shape == (3, 4) and logits["time"].shape == (3, 1)


def test_model_linker_without_states_falls_back_to_rules():
    text = "建设高速公路4条、133公里。"
    doc = parse_document(text, year=2025)
    spans = _spans(text, [("高速公路", "INDICATOR"), ("4条", "VALUE"), ("133公里", "VALUE")])
    links = ModelLinker(RelationModel(hidden=8, width=16)).link(doc, spans, None)
    assert [l.indicator.text for l in links] == ["高速公路", "高速公路"]


def test_area_evidence_hashes_the_words_stably():
    from govie.relations.features import AREA_FEATURES, area_evidence

    text = "一、扩大有效投资\n新建5G基站8000个。\n二、保障和改善民生\n新建幼儿园8000个。"
    doc = parse_document(text, year=2025)
    spans = _spans(text, [("5G基站", "INDICATOR"), ("8000个", "VALUE"), ("幼儿园", "INDICATOR"), ("8000个", "VALUE")])
    first = area_evidence(doc, spans[1], spans[0])
    second = area_evidence(doc, spans[3], spans[2])
    assert first.keywords.shape == (len(AREA_FEATURES),)
    assert first.ngrams.dtype == np.int64 and len(first.ngrams) > 10
    # same value text, other indicator and heading: other words in the bag
    assert set(first.ngrams) != set(second.ngrams)
    # crc32, not the salted built-in hash: the same input gives the same ids in every process
    assert np.array_equal(first.ngrams, area_evidence(doc, spans[1], spans[0]).ngrams)
    assert len(area_evidence(parse_document("8000个", year=2025), Span(0, 5, "VALUE", "8000个"), None).ngrams) > 0


def test_area_head_learns_from_the_words():
    """Two values alike in every encoder feature are told apart by their indicators' words."""
    from govie.relations.features import area_evidence
    from govie.relations.model import collate_area

    text = "新建5G基站8000个，新建幼儿园8000个。"
    doc = parse_document(text, year=2025)
    spans = _spans(text, [("5G基站", "INDICATOR"), ("8000个", "VALUE"), ("幼儿园", "INDICATOR"), ("8000个", "VALUE")])
    ctxs = build_contexts(doc, spans, np.zeros((len(text), 8), dtype=np.float32))
    evidence = collate_area([area_evidence(doc, c.value, ind) for c, ind in zip(ctxs, (spans[0], spans[2]))])
    torch.manual_seed(0)
    model = RelationModel(hidden=8, width=16)
    opt = torch.optim.Adam(model.parameters(), lr=2e-2)
    targets = torch.tensor([POLICY_AREAS.index("industry"), POLICY_AREAS.index("social")])
    batch, zeros = collate(ctxs), torch.zeros((2, 8))
    model.train(False)  # no dropout: the two values differ only in their words
    for _ in range(100):
        loss = torch.nn.functional.cross_entropy(model.area_logits(batch, zeros, evidence), targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert model.area_logits(batch, zeros, evidence).argmax(dim=1).tolist() == targets.tolist()
