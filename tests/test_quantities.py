"""The normaliser on a table of cases written for these tests (guideline §1–2)."""
import pytest

from govie.normalize import normalize
from govie.quantities import delimit_value, known_unit, find_quantities, may_hold_value, parse_chinese_number, parse_quantity

CASES = [
    # text, number, unit, qualifier, low, high
    ("5.5%左右", 5.5, "%", "about", None, None),
    ("5%以内", 5, "%", "at_most", None, 5),
    ("600万亩以上", 6e6, "亩", "at_least", 6e6, None),
    ("2.3万亿元", 2.3e12, "元", "exact", None, None),
    ("3.5个百分点", 3.5, "个百分点", "exact", None, None),
    ("83.88岁", 83.88, "岁", "exact", None, None),
    ("6%—6.5%", 6.25, "%", "range", 6, 6.5),
    ("6-6.5%", 6.25, "%", "range", 6, 6.5),
    ("5%至6%", 5.5, "%", "range", 5, 6),
    ("1.3万亿斤以上", 1.3e12, "斤", "at_least", 1.3e12, None),
    ("１２％", 12, "%", "exact", None, None),
    ("５．１１亿元", 5.11e8, "元", "exact", None, None),
    ("百分之七点八", 7.8, "%", "exact", None, None),
    ("三千一百七十八万吨", 31_780_000, "吨", "exact", None, None),
    ("六千零九十五亿斤", 6.095e11, "斤", "exact", None, None),
    ("两个百分点", 2, "个百分点", "exact", None, None),
    ("1000多亿元", 1e11, "元", "above", 1e11, None),
    ("200余个", 200, "个", "above", 200, None),
    ("超过10万人", 1e5, "人", "above", 1e5, None),
    ("突破1万亿元", 1e12, "元", "above", 1e12, None),
    ("不低于50%", 50, "%", "at_least", 50, None),
    ("不超过3%", 3, "%", "at_most", None, 3),
    ("约3000万人", 3e7, "人", "about", None, None),
    ("8.5‰", 8.5, "‰", "exact", None, None),
    ("1,234亿元", 1.234e11, "元", "exact", None, None),
    ("5000万", 5e7, "", "exact", None, None),
    ("2倍", 2, "倍", "exact", None, None),
    # cases annotators reported while building the gold set
    ("三亿零五百三十万吨", 305_300_000, "吨", "exact", None, None),
    ("一千九百五十万千瓦", 19_500_000, "千瓦", "exact", None, None),
    ("五百多万吨", 5e6, "吨", "above", 5e6, None),
    ("７００万到８００万吨", 7.5e6, "吨", "range", 7e6, 8e6),
    ("突破万亿元", 1e12, "元", "above", 1e12, None),
    ("百分之八至九", 8.5, "%", "range", 8, 9),
    ("接近40%", 40, "%", "about", None, None),
    ("2329万标准箱", 2.329e7, "标准箱", "exact", None, None),
]


@pytest.mark.parametrize("text,number,unit,qualifier,low,high", CASES)
def test_parse_quantity(text, number, unit, qualifier, low, high):
    q = parse_quantity(text)
    assert q.number == pytest.approx(number)
    assert (q.unit, q.qualifier) == (unit, qualifier)
    assert q.low == (pytest.approx(low) if low is not None else None)
    assert q.high == (pytest.approx(high) if high is not None else None)


@pytest.mark.parametrize("text,value", [("一万二千", 12000), ("两", 2), ("十四", 14), ("二十三", 23),
                                        ("一千二百亿", 1.2e11), ("一九七八", 1978), ("七点八", 7.8),
                                        ("三万亿", 3e12), ("一百零五", 105)])
def test_chinese_numerals(text, value):
    assert parse_chinese_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text, number, qualifier", [
    ("1/4", 0.25, "exact"), ("1／3以上", 0.333333, "at_least"), ("近1/10", 0.1, "about"),
])
def test_fractions_are_ratios(text, number, qualifier):
    q = parse_quantity(text)
    assert (q.number, q.unit, q.qualifier) == (number, "", qualifier)


def test_unparseable_value_does_not_raise():
    assert parse_quantity("若干").number is None


def test_normalize_keeps_length_and_original():
    raw = "增长５．５％，　６％—６．５％"
    norm = normalize(raw)
    assert norm.original == raw and len(norm.text) == len(raw)
    assert norm.text == "增长5.5%, 6%-6.5%"


def test_middle_dot_between_digits_is_a_decimal_point_unless_quoted():
    raw = "工业增加值增长１９·５％，应对“7·20”暴雨，办好“5·18国际博物馆日”"
    norm = normalize(raw)
    assert len(norm.text) == len(raw)
    assert "19.5%" in norm.text
    assert "“7·20”" in norm.text and "“5·18国际" in norm.text
    assert [m.quantity.number for m in find_quantities(raw)] == [19.5]


SENTENCE = "全年地区生产总值增长５．５％左右，城镇调查失业率控制在5%以内；建成10个以上样板，粮食产量达到六千零九十五亿斤。"


def test_find_quantities_offsets_index_the_original():
    found = find_quantities(SENTENCE)
    assert [m.text for m in found] == ["５．５％左右", "5%以内", "10个以上", "六千零九十五亿斤"]
    for m in found:
        assert SENTENCE[m.start:m.end] == m.text


def test_bound_word_after_a_space_and_verb_clashes():
    assert [m.text for m in find_quantities("增长8% 左右，节约10%")] == ["8% 左右", "10%"]


@pytest.mark.parametrize("text", ["惠及300万家庭", "13亿人口", "第十四届人民代表大会", "“十四五”规划", "建设5G基站", "2025年1月14日",
                                  "一个中心", "“8+4”政策体系", "415X集群"])
def test_not_values(text):
    assert find_quantities(text) == []


def test_shares_of_a_whole_split_and_other_ratios_do_not():
    assert [m.text for m in find_quantities("结构由12：50：38调整为11.5∶49∶39.5。")] == \
        ["12", "50", "38", "11.5", "49", "39.5"]
    assert find_quantities("城乡收入比缩小到2.3∶1，时刻08:30:15。") == []


def test_tenths_and_medals_are_quantities_but_not_inside_words():
    found = [(m.text, m.quantity.unit) for m in find_quantities("超两成，夺得3金1银4铜，共7个成员单位")]
    assert found == [("超两成", "成"), ("3金", "金"), ("1银", "银"), ("4铜", "铜"), ("7个", "个")]
    assert find_quantities("一成不变，三成员，设立5金融机构") == []


def test_a_count_of_equal_capacity_units_is_one_value_with_the_total():
    found = [(m.text, m.quantity.number, m.quantity.unit)
             for m in find_quantities("新建2×45万千瓦机组，每天7×24小时服务，轮作8万亩次。")]
    assert found == [("2×45万千瓦", 900000.0, "千瓦"), ("24小时", 24.0, "小时"), ("8万亩次", 80000.0, "亩次")]


def test_a_rate_keeps_what_it_is_counted_per():
    text = "补助提高到820元/月，处理能力达到12万吨/日，储能5吉瓦时。"
    found = [(m.text, m.quantity.number, m.quantity.unit) for m in find_quantities(text)]
    assert found == [("820元/月", 820.0, "元/月"), ("12万吨/日", 120000.0, "吨/日"), ("5吉瓦时", 5.0, "吉瓦时")]
    start = text.index("820")
    assert delimit_value(start, start + len("820元/月"), find_quantities(text), text) == [(start, start + 6)]


def test_compound_units_and_a_step_are_read_whole():
    found = [m.text for m in find_quantities("抽检超600批次，办理压缩至3个工作日，更新设备2万台套，迈上800亿台阶。")]
    assert found == ["超600批次", "3个工作日", "2万台套"]


def test_a_bracketed_alternative_unit_belongs_to_the_value():
    text = "筹集租赁住房4.2万套（间），打造示范河湖17条（段），更新设备3万台(套)，印书三百亿册（张），用一段（时间）。"
    found = [(m.text, m.quantity.number, m.quantity.unit) for m in find_quantities(text)]
    assert found == [("4.2万套（间）", 42000.0, "套(间)"), ("17条（段）", 17.0, "条(段)"), ("3万台(套)", 30000.0, "台(套)"),
                     ("三百亿册（张）", 3e10, "册(张)")]
    assert [m.text for m in find_quantities("12个县（区）达标")] == ["12个"]  # 县 is the counted noun, no unit
    start = text.index("4.2万套")
    model_cut = start + len("4.2万套")
    assert delimit_value(start, model_cut, find_quantities(text), text) == [(start, start + len("4.2万套（间）"))]


def test_may_hold_value():
    assert may_hold_value("增长百分之七")
    assert may_hold_value("达到5%")
    assert not may_hold_value("进一步深化改革，推动高质量发展")


@pytest.mark.parametrize("unit, known", [("", True), ("%", True), ("个百分点", True), ("百亿元", True),
                                         ("元/人", True), ("人/百亿元", True), ("台(套)", True), ("条(段)", True), ("头只", True),
                                         ("两个", False), ("家上", False), ("个过五千亿", False), ("台(套", False), ("段", False),
                                         ("元/", False)])
def test_known_unit(unit, known):
    assert known_unit(unit) is known


def _delimit(text: str, model_text: str, occurrence: int = 0) -> list[str]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(model_text, start + 1)
    extents = delimit_value(start, start + len(model_text), find_quantities(text), text)
    return [text[a:b] for a, b in extents]


@pytest.mark.parametrize("text, model_span, expected", [
    ("总投资不低于2000亿元。", "低于2000亿元", ["不低于2000亿元"]),      # model cut the bound word
    ("开通3条地铁新线。", "3", ["3条"]),                                # model cut the unit
    ("连续迈上4万亿、5万亿两个台阶。", "5万亿两个", ["5万亿"]),          # ran past the quantity
    ("新建3座、改造4座。", "3座、改造4座", ["3座", "4座"]),              # merged two quantities
    ("人均58万元/人左右。", "58万元/人左右", ["58万元/人左右"]),         # a rate the grammar misses
    ("更新设备6.5万台（套），", "6.5万台（套）", ["6.5万台（套）"]),      # bracketed alternative unit
    ("打造千亿级产业集群。", "千亿级", ["千亿级"]),                       # no quantity: the model decides
    ("增长5.5%左右。", "5.5%左右", ["5.5%左右"]),                       # already exact
    ("改造惠及3万多家庭。", "3万多家", ["3万多"]),                       # 家 starts 家庭: no unit
    ("一个有13亿人口的大国。", "13亿人", ["13亿"]),                      # 人 starts 人口
    ("选手夺得2金2银。", "2金2银", ["2金", "2银"]),                      # medals: one value each
    ("三次产业结构为12.5∶40.1∶47.4，", "40.1∶47.4", ["40.1", "47.4"]),  # shares of a whole
    ("比往年偏多六成。", "六", ["六成"]),                                # tenths after one numeral
])
def test_delimit_value_lets_the_grammar_set_the_extent(text, model_span, expected):
    assert _delimit(text, model_span) == expected
