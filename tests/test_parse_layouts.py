"""The family of guide layouts: hand-made fixture guides and transformations of the bundled guide."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from generator.model import Guide, Layout, Paragraph, guide_from_json_dict
from generator.parse import parse_guide, parse_text
from generator.paths import BUNDLED_GUIDE, PROJECT_ROOT
from generator.segments import segment_guide
from generator.validate import Severity, has_errors, validate_guide

FIXTURES = Path(__file__).parent / "fixtures" / "guides"
SCHEMA = json.loads((PROJECT_ROOT / "schema" / "guide.schema.json").read_text(encoding="utf-8"))


def fixture(name: str) -> Guide:
    return parse_guide(FIXTURES / name)


def fields(guide: Guide, direction_id: str) -> list[tuple[str, str | None]]:
    return [(f.label_zh, f.key) for f in guide.direction(direction_id).fields]


def texts(guide: Guide, direction_id: str, key: str) -> list[str]:
    return [p.text for f in guide.direction(direction_id).fields if f.key == key for p in f.paragraphs]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.txt")))
def test_every_fixture_parses_validates_and_round_trips(name: str) -> None:
    guide = fixture(name)
    assert not has_errors(validate_guide(guide)), validate_guide(guide)
    data = guide.to_json_dict()
    jsonschema.validate(json.loads(json.dumps(data)), SCHEMA)
    assert guide_from_json_dict(data) == guide
    ids = [s.id for s in segment_guide(guide)]
    assert len(ids) == len(set(ids))


def test_key_special_project_with_three_levels() -> None:
    guide = fixture("key-special-three-level.txt")
    assert guide.layout is Layout.KEY_SPECIAL_PROJECT and not guide.partial
    assert [(a.id, a.parent_id, a.direction_ids) for a in guide.areas] == [
        ("1", None, []),
        ("1.1", "1", ["1.1.1", "1.1.2"]),
        ("1.2", "1", ["1.2.1"]),
        ("2", None, ["2.1"]),
    ]
    first = guide.direction("1.1.1")
    assert first.type is None and first.type_label_zh is None and first.keywords_zh == []
    assert fields(guide, "1.1.1") == [
        ("研究内容", "content"), ("考核指标", "indicators"), ("有关说明", "notes"), ("实施年限", "duration"),
        ("拟支持项目数", "projects"),
    ]
    assert first.research_content_zh[0].text == "研究甲烷无氧芳构化催化剂的活性位结构，揭示积碳失活机制。"
    assert first.max_years == 5
    # 不超过 is a ceiling: the note keeps the words, no amount is derived.
    assert first.projects_supported_note_zh == "1~2项，国拨经费不超过2000万元" and first.funding_cny is None
    # An unknown label is kept, in order, with its text.
    assert fields(guide, "1.1.2")[-1] == ("申报说明", None)
    assert texts(guide, "1.1.2", None) == ["须提供中试装置运行数据。"]  # type: ignore[arg-type]
    youth = guide.direction("2.1")
    assert youth.youth_scientist and youth.projects_supported == 3 and not youth.indicators_zh
    assert [(s.title_zh, [p.text for p in s.paragraphs]) for s in guide.closing] == [
        ("三、申报要求", ["项目申报单位须具有独立法人资格。"])
    ]


def test_key_special_project_with_chinese_numeral_sections() -> None:
    guide = fixture("key-special-chinese-sections.txt")
    assert guide.layout is Layout.KEY_SPECIAL_PROJECT
    assert [(a.id, a.title_zh, a.direction_ids) for a in guide.areas] == [
        ("（一）", "高性能轻合金", ["1", "2"]),
        ("（二）", "先进复合材料", ["3"]),
    ]
    assert guide.direction("3").area_id == "（二）"
    assert guide.direction("1").max_years == 4
    assert texts(guide, "1", "notes") == ["由企业牵头申报。"]


def test_intergovernmental_numbered_items_with_a_glued_label() -> None:
    guide = fixture("intergovernmental-numbered.txt")
    assert guide.layout is Layout.INTERGOVERNMENTAL and guide.areas == []
    assert [(d.id, d.title_zh, d.area_id) for d in guide.directions] == [
        ("1", "中国和奥地利政府间科技合作项目", None),
        ("2", "中国和芬兰政府间科技合作项目", None),
    ]
    assert [key for _, key in fields(guide, "1")] == ["agreement", "domains", "projects", "funding", "other"]
    # "…协定》领域方向:" on one line: the label is split off and the repair reported.
    assert texts(guide, "1", "agreement") == ["《中华人民共和国政府和奥地利共和国政府科学技术合作协定》"]
    assert [(p.label, p.text) for f in guide.direction("1").fields if f.key == "domains" for p in f.paragraphs] == [
        ("1", "人工智能；"),
        ("2", "生命科学与健康。"),
    ]
    assert any(r.kind == "label" and r.line == 11 for r in guide.repairs)
    assert guide.direction("1").funding_cny == 10_000_000 and guide.direction("2").funding_cny == 6_000_000
    assert guide.direction("1").projects_supported is None  # 不超过5项 is a ceiling
    assert [p.label for p in guide.direction("1").other_requirements_zh] == ["1", "2"]


def test_intergovernmental_unnumbered_items() -> None:
    guide = fixture("intergovernmental-unnumbered.txt")
    assert guide.layout is Layout.INTERGOVERNMENTAL
    assert [(d.id, d.title_zh) for d in guide.directions] == [("1", "中国和埃及科技合作项目"), ("2", "中国和南非科技合作项目")]
    # The second title follows 800万元 without a full stop: it is not joined to it.
    assert texts(guide, "1", "funding") == ["800万元"]
    assert guide.direction("2").funding_cny == 5_000_000
    assert texts(guide, "2", "other") == ["须有南非合作单位共同申报。"]


def test_part_of_a_guide_warns_that_the_facts_are_absent() -> None:
    guide = fixture("partial-typed.txt")
    assert guide.partial and guide.layout is Layout.TYPED_DIRECTIONS
    assert [d.id for d in guide.directions] == ["3.2", "3.3"] and guide.title_zh == ""
    assert guide.facts.directions is None and guide.facts.national_funding_cny is None
    problems = validate_guide(guide)
    assert not has_errors(problems)
    assert any(p.severity is Severity.WARNING and "preamble" in p.message and "absent" in p.message for p in problems)


# Transformations of the bundled guide.


@pytest.fixture(scope="module")
def bundled_text() -> str:
    return BUNDLED_GUIDE.read_text(encoding="utf-8")


def test_without_type_labels_and_keywords_is_a_key_special_project(bundled_text: str, bundled_guide: Guide) -> None:
    text = re.sub(r"[ \t]*[（(](基础\s*研究|共性关键技术|应用示范)类?[）)]?[ \t]*$", "", bundled_text, flags=re.M)
    # A keyword line may wrap onto the next page ("锂硫\n\n电池"): drop up to the next heading or label.
    text = re.sub(r"^关键词[：:].*?(?=\n\s*(?:\d{1,2}\.|其他要求|拟支持项目数)|\Z)", "", text, flags=re.M | re.S)
    guide = parse_text(text)
    assert guide.layout is Layout.KEY_SPECIAL_PROJECT
    assert [d.id for d in guide.directions] == [d.id for d in bundled_guide.directions]
    assert all(d.type is None and not d.keywords_zh for d in guide.directions)
    def shape(paragraphs: list[Paragraph]) -> list[tuple[str, str | None]]:
        return [(p.text, p.label) for p in paragraphs]

    for ours, theirs in zip(guide.directions, bundled_guide.directions, strict=True):
        assert shape(ours.research_content_zh) == shape(theirs.research_content_zh), ours.id
        assert shape(ours.indicators_zh) == shape(theirs.indicators_zh), ours.id
    assert not has_errors(validate_guide(guide))


def test_half_width_punctuation_gives_the_same_directions(bundled_text: str, bundled_guide: Guide) -> None:
    text = bundled_text.translate(str.maketrans("：；（）", ":;()"))
    guide = parse_text(text)
    assert guide.layout is Layout.TYPED_DIRECTIONS
    # Brackets around Latin text stay as typed: (PZT) is not made （PZT）.
    brackets = str.maketrans({"（": "(", "）": ")"})
    assert [(d.id, d.title_zh.translate(brackets), d.type, [k.translate(brackets) for k in d.keywords_zh]) for d in guide.directions] == [
        (d.id, d.title_zh.translate(brackets), d.type, [k.translate(brackets) for k in d.keywords_zh]) for d in bundled_guide.directions
    ]
    assert not has_errors(validate_guide(guide))


def test_three_level_renumbering(bundled_text: str, bundled_guide: Guide) -> None:
    def area(match: re.Match[str]) -> str:
        return f"{match.group(0)}\n\n{match.group(1)}.1 合作研究任务"

    text = re.sub(r"^(\d{1,2})\.(\d{1,2}) ", r"\1.1.\2 ", bundled_text, flags=re.M)
    text = re.sub(r"^(\d{1,2})\. \S+$", area, text, flags=re.M)
    guide = parse_text(text)
    assert guide.layout is Layout.KEY_SPECIAL_PROJECT
    assert len(guide.directions) == 107
    assert guide.direction("4.1.5").title_zh == bundled_guide.direction("4.5").title_zh
    assert guide.area("4.1").parent_id == "4" and len(guide.area("4.1").direction_ids) == 6
    assert not has_errors(validate_guide(guide))


def test_chinese_numeral_areas(bundled_text: str, bundled_guide: Guide) -> None:
    numerals = "一二三四五六七八九十"
    text = re.sub(r"^(\d{1,2})\. (\S+)$", lambda m: f"（{numerals[int(m.group(1)) - 1]}）{m.group(2)}", bundled_text, flags=re.M)
    guide = parse_text(text)
    assert [a.id for a in guide.areas] == [f"（{n}）" for n in numerals]
    assert [d.id for d in guide.directions] == [d.id for d in bundled_guide.directions]
    assert guide.direction("10.12").area_id == "（十）"
    assert not has_errors(validate_guide(guide))


def test_bundled_guide_from_its_third_area_on(bundled_text: str) -> None:
    text = bundled_text[bundled_text.index("\n3. 低碳零碳工业") :]
    guide = parse_text(text)
    assert guide.partial and guide.facts.directions is None
    assert guide.directions[0].id == "3.1" and len(guide.directions) == 107 - 21
    assert not has_errors(validate_guide(guide))


def test_a_label_word_in_prose_is_not_split_off() -> None:
    text = (FIXTURES / "key-special-chinese-sections.txt").read_text(encoding="utf-8")
    text = text.replace("研究构件的残余应力调控方法。", "研究构件的残余应力调控方法，须满足以下考核指标：强度达标。")
    guide = parse_text(text)
    assert [key for _, key in fields(guide, "1")] == ["content", "indicators", "notes", "duration"]
    assert texts(guide, "1", "content")[0].endswith("须满足以下考核指标：强度达标。")
    assert not any(r.kind == "label" for r in guide.repairs)


def test_a_heading_wrapped_onto_a_second_line() -> None:
    text = (FIXTURES / "partial-typed.txt").read_text(encoding="utf-8")
    text = text.replace("3.3 钢铁流程氢冶金合作研究（基础研究类）", "3.3 钢铁流程氢冶金\n合作研究（基础研究类）")
    guide = parse_text(text)
    assert [(d.id, d.title_zh) for d in guide.directions][1] == ("3.3", "钢铁流程氢冶金合作研究")
    assert guide.directions[1].title_raw == "3.3 钢铁流程氢冶金\n合作研究（基础研究类）"


CHINESE_NUMERAL_AREAS = """“先进材料”重点专项2025年度项目申报指南

本专项面向国家重大需求，部署以下任务。

一、新能源材料

1. 钙钛矿太阳能电池关键技术

研究内容：研究大面积钙钛矿薄膜制备方法。

考核指标：光电转换效率≥20%。

2. 固态电池电解质

研究内容：研究硫化物电解质的界面稳定性。

二、先进结构材料

3. 高强韧铝合金构件制备技术

研究内容：研究大规格铝合金铸锭的均匀化制备技术。

三、申报要求

项目须由企业牵头申报。
"""


def test_areas_numbered_with_chinese_numerals_start_at_the_first() -> None:
    guide = parse_text(CHINESE_NUMERAL_AREAS)
    assert [(a.id, a.title_zh, a.direction_ids) for a in guide.areas] == [
        ("一", "新能源材料", ["1", "2"]),
        ("二", "先进结构材料", ["3"]),
    ]
    assert [p.text for s in guide.preamble for p in s.paragraphs] == ["本专项面向国家重大需求，部署以下任务。"]
    assert [s.title_zh for s in guide.closing] == ["三、申报要求"]
    assert not has_errors(validate_guide(guide))


def test_the_first_chinese_numeral_area_may_open_with_an_introduction() -> None:
    text = CHINESE_NUMERAL_AREAS.replace("一、新能源材料\n", "一、新能源材料\n\n本领域部署两个方向。\n", 1)
    guide = parse_text(text)
    assert [(a.id, a.direction_ids, [p.text for p in a.paragraphs]) for a in guide.areas] == [
        ("一", ["1", "2"], ["本领域部署两个方向。"]),
        ("二", ["3"], []),
    ]
    assert [p.text for s in guide.preamble for p in s.paragraphs] == ["本专项面向国家重大需求，部署以下任务。"]


def test_the_first_subsection_area_may_open_with_an_introduction() -> None:
    text = (FIXTURES / "key-special-chinese-sections.txt").read_text(encoding="utf-8")
    guide = parse_text(text.replace("（一）高性能轻合金\n", "（一）高性能轻合金\n\n本领域部署两个方向。\n", 1))
    assert [(a.id, a.direction_ids, [p.text for p in a.paragraphs]) for a in guide.areas] == [
        ("（一）", ["1", "2"], ["本领域部署两个方向。"]),
        ("（二）", ["3"], []),
    ]
    assert [s.title_zh for s in guide.preamble] == ["一、总体目标", "二、指南方向"]


def test_the_title_line_is_not_joined_to_the_paragraph_below() -> None:
    guide = parse_text(CHINESE_NUMERAL_AREAS)
    assert guide.title_zh == "“先进材料”重点专项2025年度项目申报指南"
    wrapped = CHINESE_NUMERAL_AREAS.replace("2025年度项目申报指南", "2025年度\n项目申报指南", 1)
    assert parse_text(wrapped).title_zh == guide.title_zh


def test_a_closing_part_with_subsections_holds_no_areas() -> None:
    text = (FIXTURES / "key-special-chinese-sections.txt").read_text(encoding="utf-8") + (
        "\n三、申报要求\n\n（一）申报单位要求\n\n申报单位应为中国境内注册的科研院所、高等学校和企业。\n\n"
        "（二）其他要求\n\n项目执行期一般为3年。\n"
    )
    guide = parse_text(text)
    assert [a.id for a in guide.areas] == ["（一）", "（二）"]
    assert [s.title_zh for s in guide.closing][-1] == "三、申报要求"
    assert [p.text for p in guide.closing[-1].paragraphs][:2] == ["（一）申报单位要求", "申报单位应为中国境内注册的科研院所、高等学校和企业。"]
    assert not has_errors(validate_guide(guide))


@pytest.mark.parametrize("mark", ["附件", "附件1", "附件 2", "附件三"])
def test_an_annex_mark_above_the_title_is_not_part_of_it(mark: str) -> None:
    guide = parse_text(f"{mark}\n\n{CHINESE_NUMERAL_AREAS}")
    assert guide.title_zh == "“先进材料”重点专项2025年度项目申报指南"
    assert [p.text for s in guide.preamble for p in s.paragraphs] == ["本专项面向国家重大需求，部署以下任务。"]


def test_the_line_after_a_wrapped_heading_is_not_joined_to_it() -> None:
    guide = parse_text(
        "3.2 低碳水泥熟料烧成技术\n合作研究（共性关键技术类）\n本方向面向水泥行业\n\n"
        "研究内容：研究低钙熟料体系的矿物设计与烧成机理。\n\n考核指标：熟料烧成温度降低100℃以上。\n"
    )
    assert guide.directions[0].title_zh == "低碳水泥熟料烧成技术合作研究"
    assert any("before any field label: 本方向面向水泥行业" in notice.message for notice in guide.notices)
