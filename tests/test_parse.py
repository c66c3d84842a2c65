"""The parser on small synthetic guides and on the bundled guide."""

from __future__ import annotations

import contextlib
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import CallpackError, GuideFormatError, InputFileError
from generator.model import DirectionType, Guide, Layout, guide_from_json_dict
from generator.parse import decode_guide_bytes, parse_text, read_guide_text
from generator.validate import Severity, validate_guide

SMALL_GUIDE = """\
附件

“示例”重点专项申报指南

一、总体目标和安排

本专项开展国际联合研究。

二、领域和方向

本批次指南共计 2 个二级指南方向。拟支持约 2 个项目，国拨经费概算 0.5 亿元人民币。项目不下设课题，中方参与单位总数不超过 5 家，实施周期一般不超过 2 年。申报项目时须有1个（或以上）国（境）外合作单位共同参与申报。

1. 新能源

1.1 柔性太阳能电池合作研发（共性关键技术类）

研究内容：设计生产大面积柔性电池模组。具体包括：

(1) 电池模组制备研究。包括：印刷制备

大面积薄膜。

(2) 器件的构筑及应用。

考核指标：制备出光电转换效率 $\\geq 20\\%$ 的电池。

关键词：柔性；太阳能电池

其他要求：项目由企业牵头申报。配套经费与国拨经费的比例不低于 2:1。

1.2 二氧化碳分离膜合作研究 (基础 研究类)

研究内容：研发 CO_2/N_2 分离膜。

考核指标 (项目根据研究方向选择其中 1 套考核指标):

(1) 开发分离膜, CO_2 渗透速率 ≥ 5000GPU。

(2) 开发 H_2/CO_2 分离膜。

关键词: 二氧化碳分离; CO_2/N_2

拟支持项目数：2 项（两个方向各支持 1 项）。
"""


def small() -> Guide:
    return parse_text(SMALL_GUIDE, "small.txt")


def test_structure_of_a_small_guide() -> None:
    guide = small()
    assert guide.title_zh == "“示例”重点专项申报指南"
    assert [s.title_zh for s in guide.preamble] == ["一、总体目标和安排", "二、领域和方向"]
    assert [a.id for a in guide.areas] == ["1"]
    assert [d.id for d in guide.directions] == ["1.1", "1.2"]
    assert validate_guide(guide) == []


def test_facts_from_the_preamble() -> None:
    facts = small().facts
    assert (facts.directions, facts.projects, facts.national_funding_cny) == (2, 2, 50_000_000)
    assert (facts.max_chinese_units, facts.max_years, facts.min_foreign_partners) == (5, 2, 1)


def test_direction_fields() -> None:
    first, second = small().directions
    assert first.title_zh == "柔性太阳能电池合作研发"
    assert first.type is DirectionType.COMMON_KEY_TECHNOLOGY
    assert [p.label for p in first.research_content_zh] == [None, "1", "2"]
    assert first.research_content_zh[1].text == "电池模组制备研究。包括：印刷制备大面积薄膜。"
    assert first.indicators_zh[0].text == "制备出光电转换效率≥20%的电池。"
    assert first.keywords_zh == ["柔性", "太阳能电池"]
    assert first.matching_ratio == "2:1" and first.enterprise_led
    assert first.projects_supported is None and first.indicator_sets == 1
    assert second.type is DirectionType.BASIC_RESEARCH
    assert second.indicator_sets == 2
    assert [s.label for s in second.indicator_set_items] == ["1", "2"]
    assert second.keywords_zh == ["二氧化碳分离", "CO₂/N₂"]
    assert second.projects_supported == 2
    assert second.projects_supported_note_zh == "2项（两个方向各支持1项）。"
    assert not second.enterprise_led and second.matching_ratio is None


def test_raw_text_is_kept_beside_the_repair() -> None:
    item = small().directions[0].research_content_zh[1]
    assert item.raw == "(1) 电池模组制备研究。包括：印刷制备\n大面积薄膜。"
    assert item.lines == (19, 21)


def test_every_repair_is_reported_with_its_line() -> None:
    repairs = small().repairs
    kinds = {(r.kind, r.line) for r in repairs}
    assert ("page-break", 21) in kinds
    assert ("latex", 25) in kinds
    assert ("heading", 31) in kinds
    assert ("script", 33) in kinds


def test_heading_number_inside_a_paragraph_is_not_a_heading() -> None:
    text = SMALL_GUIDE.replace("考核指标：制备出光电转换效率", "考核指标：偏转步长角小于\n\n1.5°，制备出光电转换效率")
    guide = parse_text(text)
    assert [d.id for d in guide.directions] == ["1.1", "1.2"]
    assert guide.directions[0].indicators_zh[0].text.startswith("偏转步长角小于1.5°，")


def test_ten_is_not_one() -> None:
    directions = "".join(
        f"1.{n} 方向{n}合作研究（基础研究类）\n\n研究内容：研究{n}。\n\n考核指标：指标{n}。\n\n关键词：词{n}\n\n"
        for n in range(1, 12)
    )
    text = SMALL_GUIDE.split("1. 新能源")[0].replace("共计 2 个", "共计 11 个") + "1. 新能源\n\n" + directions
    guide = parse_text(text)
    ids = [d.id for d in guide.directions]
    assert ids[9:] == ["1.10", "1.11"] and len(set(ids)) == 11
    assert guide.direction("1.10").title_zh == "方向10合作研究"


def test_missing_field_and_duplicate_id_are_errors() -> None:
    text = SMALL_GUIDE.replace("关键词：柔性；太阳能电池\n", "").replace("1.2 二氧化碳", "1.1 二氧化碳")
    problems = validate_guide(parse_text(text))
    messages = [p.message for p in problems if p.severity is Severity.ERROR]
    assert any("1.1 has no keywords" in m for m in messages)
    assert any("1.1 is duplicated" in m for m in messages)


def test_count_mismatch_is_an_error() -> None:
    problems = validate_guide(parse_text(SMALL_GUIDE.replace("共计 2 个", "共计 3 个")))
    assert any("states 3 directions but 2" in p.message for p in problems)


def test_direction_without_type_label_in_a_typed_guide_is_an_error() -> None:
    text = SMALL_GUIDE.replace("1.2 二氧化碳分离膜合作研究 (基础 研究类)", "1.2 二氧化碳分离膜合作研究（基础研究类）")
    text = text.replace("1.1 柔性太阳能电池合作研发（共性关键技术类）", "1.1 柔性太阳能电池合作研发")
    guide = parse_text(text, "bad.txt")
    assert guide.layout is Layout.TYPED_DIRECTIONS and guide.directions[0].type is None
    problems = validate_guide(guide)
    assert [(p.line, p.severity) for p in problems if "type label" in p.message] == [(15, Severity.ERROR)]


def test_no_directions_is_a_format_error() -> None:
    with pytest.raises(GuideFormatError) as caught:
        parse_text(SMALL_GUIDE.split("1. 新能源")[0], "bad.txt")
    assert "bad.txt" in str(caught.value) and "no research directions" in str(caught.value)


def test_json_round_trip() -> None:
    guide = small()
    assert guide_from_json_dict(guide.to_json_dict()) == guide


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02binary\x00" * 10, "binary"),
        (b"%PDF-1.7\n", "PDF"),
    ],
)
def test_unreadable_input(data: bytes, message: str) -> None:
    with pytest.raises(InputFileError, match=message):
        decode_guide_bytes(data, "x.txt")


def test_encodings_and_line_endings_give_the_same_guide() -> None:
    utf8 = parse_text(SMALL_GUIDE)
    for data in (
        SMALL_GUIDE.encode("gb18030"),
        b"\xef\xbb\xbf" + SMALL_GUIDE.replace("\n", "\r\n").encode("utf-8"),
        SMALL_GUIDE.encode("utf-16"),
    ):
        source = decode_guide_bytes(data, "x.txt")
        from generator.parse import parse_source

        assert parse_source(source).directions == utf8.directions


def test_missing_file_and_directory(tmp_path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        read_guide_text(tmp_path / "missing.txt")
    with pytest.raises(InputFileError, match="directory"):
        read_guide_text(tmp_path)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("研究内容考核指标关键词：；。（）()1.2 3\n$\\^_{}基础类附件一、指南")) | st.characters(codec="utf-8"), max_size=400))
def test_arbitrary_text_raises_only_our_errors(text: str) -> None:
    with contextlib.suppress(CallpackError):
        parse_text(text)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_our_errors(data: bytes) -> None:
    try:
        from generator.parse import parse_source

        parse_source(decode_guide_bytes(data, "x.txt"))
    except CallpackError:
        pass


# The bundled guide, checked against a reading of the text.


def test_bundled_counts(bundled_guide: Guide) -> None:
    assert len(bundled_guide.directions) == 107
    per_area = Counter(d.area_id for d in bundled_guide.directions)
    assert [per_area[str(n)] for n in range(1, 11)] == [10, 11, 11, 6, 9, 12, 12, 12, 12, 12]
    per_type = Counter(d.type for d in bundled_guide.directions)
    assert per_type == {
        DirectionType.BASIC_RESEARCH: 65,
        DirectionType.COMMON_KEY_TECHNOLOGY: 40,
        DirectionType.APPLICATION_DEMONSTRATION: 2,
    }
    assert sum(len(d.keywords_zh) for d in bundled_guide.directions) == 433
    assert validate_guide(bundled_guide) == []


def test_bundled_facts(bundled_guide: Guide) -> None:
    facts = bundled_guide.facts
    assert facts.directions == 107 and facts.projects == 120
    assert facts.national_funding_cny == 360_000_000
    assert (facts.max_chinese_units, facts.max_years, facts.min_foreign_partners) == (10, 3, 1)
    assert [a.title_zh for a in bundled_guide.areas][:3] == ["新能源", "先进储能", "低碳零碳工业"]


def test_bundled_spot_checks(bundled_guide: Guide) -> None:
    d = bundled_guide.direction("1.1")
    assert d.title_zh == "柔性钙钛矿太阳能电池耦合薄膜锌离子储能电池的光电储一体化器件合作研发"
    assert d.keywords_zh == ["柔性", "钙钛矿太阳能电池", "锌离子储能电池", "光电储一体化器件"]
    assert d.matching_ratio == "3:1" and d.source_lines == (27, 49)
    assert "面积>1000cm²的产品原型" in d.indicators_zh[0].text
    assert bundled_guide.direction("1.10").title_zh.startswith("工业企业灵活性提升")
    assert bundled_guide.direction("4.2").title_zh.startswith("空气中二氧化碳")
    assert bundled_guide.direction("4.5").indicator_sets == 3
    assert bundled_guide.direction("4.5").projects_supported == 3
    assert bundled_guide.direction("5.6").projects_supported == 2
    assert bundled_guide.direction("5.6").indicator_sets == 1
    assert bundled_guide.direction("5.8").enterprise_led and bundled_guide.direction("5.8").matching_ratio == "2:1"
    assert bundled_guide.direction("3.5").production_enterprise_required
    assert bundled_guide.direction("3.5").matching_ratio == "2.5:1"
    assert bundled_guide.direction("2.8").type is DirectionType.APPLICATION_DEMONSTRATION
    assert bundled_guide.direction("8.1").keywords_zh[-1] == "可见光通信"
    assert bundled_guide.direction("8.2").type is DirectionType.BASIC_RESEARCH
    assert bundled_guide.direction("7.7").type is DirectionType.COMMON_KEY_TECHNOLOGY
    assert [p.label for p in bundled_guide.direction("7.11").indicators_zh] == [None, "1", "2", "3", "4", "5"]
    assert "≤2.5°" in bundled_guide.direction("6.12").indicators_zh[0].text
    enterprise = sorted(d.id for d in bundled_guide.directions if d.enterprise_led)
    assert enterprise == ["5.8", "8.9", "9.12"]
    assert sum(1 for d in bundled_guide.directions if d.matching_ratio) == 46


def test_bundled_text_is_fully_repaired(bundled_guide: Guide) -> None:
    import re

    for direction in bundled_guide.directions:
        for paragraph in direction.research_content_zh + direction.indicators_zh:
            assert not re.search(r"[$\\{}^]|_[0-9]", paragraph.text), (direction.id, paragraph.text)
            assert not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", paragraph.text), direction.id
