"""Damaged and hostile guide text: never a silent merge, never a lost guide (issue 12)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import GuideFormatError, InputFileError
from generator.parse import parse_text
from generator.validate import Severity, validate_guide
from tests.test_parse import SMALL_GUIDE

SECOND = "1.2 二氧化碳分离膜合作研究 (基础 研究类)"


def errors_at(text: str) -> dict[int | None, str]:
    guide = parse_text(text, "g.txt")
    return {p.line: p.message for p in validate_guide(guide) if p.severity is Severity.ERROR}


def test_ocr_damaged_heading_is_reported_not_merged() -> None:
    text = SMALL_GUIDE.replace(SECOND, "l.2 乙方向（基础研究类）")
    guide = parse_text(text, "g.txt")
    first = guide.directions[0]
    assert [d.id for d in guide.directions] == ["1.1"]
    assert first.keywords_zh == ["柔性", "太阳能电池"]  # not replaced by the next direction's
    assert not any(r.kind == "page-break" and r.line == 31 for r in guide.repairs)
    errors = errors_at(text)
    assert "l.2 乙方向" in errors[31] and "not placed" in errors[31]


def test_ocr_damaged_heading_without_type_label_is_reported() -> None:
    text = SMALL_GUIDE.replace(SECOND, "l.2 乙方向合作研究")
    assert "l.2 乙方向" in errors_at(text)[31]


def test_heading_out_of_sequence_without_label_is_a_warning_with_its_line() -> None:
    text = SMALL_GUIDE.replace("其他要求：项目由企业牵头申报。", "其他要求：项目由企业牵头申报\n\n1.7 某某技术合作研究\n\n其余要求。")
    guide = parse_text(text)
    warnings = [p for p in validate_guide(guide) if p.severity is Severity.WARNING]
    assert any(p.line == 31 and "1.7 某某技术" in p.message and "expected 1.2, 2" in p.message for p in warnings)
    assert "1.7某某技术合作研究" in [p.text for p in guide.directions[0].other_requirements_zh]


def test_second_label_in_one_direction_is_an_error() -> None:
    for label in ("研究内容：", "考核指标：", "关键词："):
        text = SMALL_GUIDE.replace("其他要求：项目由企业牵头申报。", f"{label}又一段。\n\n其他要求：项目由企业牵头申报。")
        errors = errors_at(text)
        assert any(f"second {label[:-1]} label" in message and line == 29 for line, message in errors.items()), label


def test_hostile_heading_is_text() -> None:
    hostile = '<img src="x.png">{{ 7*7 }}标题'
    text = SMALL_GUIDE.replace("1.1 柔性太阳能电池合作研发（共性关键技术类）", f"1.1 {hostile}（共性关键技术类）")
    guide = parse_text(text)
    assert [d.id for d in guide.directions] == ["1.1", "1.2"]
    assert guide.directions[0].title_zh == hostile
    assert errors_at(text) == {}


def test_hostile_heading_first_in_a_guide_of_many() -> None:
    text = SMALL_GUIDE.replace("1.1 柔性太阳能电池合作研发（共性关键技术类）", "1.1 [/]\x1b[31m<b>（共性关键技术类）")
    guide = parse_text(text)
    assert len(guide.directions) == 2


# Property: any mix of good, damaged and hostile headings parses (or fails with a documented error),
# and every heading line is a direction or is reported with its line.

_TITLES = ["甲方向合作研究", '<img src="x">{{ 7*7 }}标题', "[/]方向", "CO_2 捕集 $\\geq 90\\%$ 技术", "乙"]
_TYPES = ["（基础研究类）", "(共性关键技术类)", "（应用示范 类）", "（基础研究）"]
_FIELDS = ["研究内容：内容。", "研究内容:内容", "考核指标：指标≥1.5", "关键词：甲；乙", "其他要求：无", "有关说明: 说明", "申报说明：说明。"]


@st.composite
def damaged_guides(draw: st.DrawFn) -> tuple[str, list[int], bool]:
    lines = ["“示例”重点专项申报指南", "", "一、总体目标", "", "本专项开展国际联合研究。", ""]
    headings: list[int] = []
    good = False
    for area in range(1, draw(st.integers(1, 3)) + 1):
        lines += [f"{area}. 领域{area}", ""]
        for index in range(1, draw(st.integers(1, 3)) + 1):
            number = draw(st.sampled_from([f"{area}.{index}", f"{area}.{index}", f"l.{index}", f"{area}.{index + 1}", f"{area} ．{index}", f"{area}.I"]))
            good = good or number[0].isdigit() and number[-1].isdigit()
            headings.append(len(lines) + 1)
            lines += [f"{number} {draw(st.sampled_from(_TITLES))}{draw(st.sampled_from(_TYPES))}", ""]
            for text in draw(st.lists(st.sampled_from(_FIELDS), max_size=4)):
                cut = draw(st.integers(0, len(text)))
                broken = text[:cut] + ("\n" if draw(st.booleans()) else "") + text[cut:]
                lines += [*broken.split("\n"), ""]
    return "\n".join(lines), headings, good


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_guides())
def test_every_heading_is_a_direction_or_reported(case: tuple[str, list[int], bool]) -> None:
    text, headings, good = case
    try:
        guide = parse_text(text, "g.txt")
    except (GuideFormatError, InputFileError) as error:
        assert not good, f"a guide with a good heading failed: {error}"
        assert error.path == "g.txt"
        return
    placed = {d.source_lines[0] for d in guide.directions}
    reported = {p.line for p in validate_guide(guide)}
    for line in headings:
        assert line in placed or line in reported, (line, text.split("\n")[line - 1])


def test_check_names_the_layout_and_what_it_could_not_place(tmp_path) -> None:
    from typer.testing import CliRunner

    from generator.cli import app

    guide = tmp_path / "damaged.txt"
    guide.write_text(SMALL_GUIDE.replace(SECOND, "l.2 乙方向（基础研究类）"), encoding="utf-8")
    result = CliRunner().invoke(app, ["parse", "--check", str(guide)], env={"COLUMNS": "200"})
    assert result.exit_code == 4
    output = " ".join(result.output.split())
    assert f"{guide}:31: error: lines 31–43 not placed: 'l.2 乙方向" in output
    assert "layout typed-directions" in output
