"""One test per kind of PDF-extraction damage."""

from __future__ import annotations

import pytest

from generator.repair import (
    ends_sentence,
    join_broken_lines,
    repair_duplicated_characters,
    repair_latex,
    repair_letter_subscripts,
    repair_line,
    repair_paragraph,
    repair_punctuation,
    repair_scripts,
    repair_spacing,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (r"效率 $\geq 20\%$ 的", "效率 ≥20% 的"),
        (r"面积 $>1000\text{cm}^2$ 的", "面积 >1000cm² 的"),
        (r"在 $50\pm10^{\circ}\text{C}$ 下", "在 50±10°C 下"),
        (r"$\leqslant 90^{\circ}\text{C}$", "≤90°C"),
        (r"$\leq 2.0\text{GJ/tCO}_2$", "≤2.0GJ/tCO₂"),
        (r"$\geq 10^6$", "≥10⁶"),
        (r"$\leq -15 \times 10^{-7}/^{\circ}\text{C}$", "≤-15×10⁻⁷/°C"),
        (r"$\geq 2 \text{ 吉赫兹}$", "≥2 吉赫兹"),
        (r"$\mathrm{H}_2$", "H₂"),
        (r"$\geq 210\text{W}/(\text{m}\cdot\text{K})$", "≥210W/(m·K)"),
    ],
)
def test_latex_becomes_unicode(raw: str, expected: str) -> None:
    repaired, repairs = repair_latex(raw, 7)
    assert repaired == expected
    assert repairs and all(r.line == 7 and r.kind == "latex" for r in repairs)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("CO_2 捕集", "CO₂ 捕集"),
        ("H_2/CO_2 分离", "H₂/CO₂ 分离"),
        ("C_2H_4", "C₂H₄"),
        ("NO_x 排放", "NOₓ 排放"),
        ("15mAh/cm^2", "15mAh/cm²"),
        ("10^{16}cm^{-3}", "10¹⁶cm⁻³"),
        ("Fe^{2+}", "Fe²⁺"),
        (r"温度 25^\circ\text{C}", "温度 25°C"),
        (r"步长角\leq 2.5°", "步长角≤ 2.5°"),
    ],
)
def test_scripts_outside_formulas(raw: str, expected: str) -> None:
    repaired, _ = repair_scripts(raw, 1)
    assert repaired == expected


def test_text_without_damage_is_untouched() -> None:
    text = "设计生产大面积柔性钙钛矿太阳能电池模组；比例不低于3:1。"
    assert repair_line(text, 1) == (text, [])
    assert repair_paragraph(text, 1) == (text, [])


def test_mixed_width_punctuation_becomes_chinese_in_chinese_text() -> None:
    raw = "考核指标(项目根据研究方向选择其中1套考核指标):研发催化材料1~2种, 再生热耗≤2.0GJ/tCO₂; 完成中试"
    repaired, repairs = repair_paragraph(raw, 3)
    assert repaired == "考核指标（项目根据研究方向选择其中1套考核指标）：研发催化材料1~2种，再生热耗≤2.0GJ/tCO₂；完成中试"
    assert repairs[0].line == 3 and repairs[0].kind == "punctuation"


def test_ratio_and_thousands_keep_ascii() -> None:
    repaired, _ = repair_punctuation("比例不低于 2.5:1，共1,000台", 1)
    assert "2.5:1" in repaired and "1,000" in repaired


def test_full_width_digits_and_percent_become_ascii() -> None:
    repaired, _ = repair_punctuation("效率≥２０％", 1)
    assert repaired == "效率≥20%"


def test_item_label_brackets() -> None:
    repaired, _ = repair_punctuation("(1) 大面积制备", 1)
    assert repaired.startswith("（1）")


def test_layout_spaces_beside_chinese_are_removed() -> None:
    repaired, repairs = repair_spacing("共计 107 个二级 指南方向， ≥ 90% 的 CO₂ 捕集", 9)
    assert repaired == "共计107个二级指南方向，≥90%的CO₂捕集"
    assert repairs[0].kind == "spacing"


def test_spaces_between_latin_words_are_kept() -> None:
    repaired, _ = repair_spacing("基于 RISC-V 指令集的 Micro LED 芯片", 1)
    assert repaired == "基于RISC-V指令集的Micro LED芯片"


def test_duplicated_ocr_character_is_removed() -> None:
    repaired, repairs = repair_duplicated_characters("空空气中二氧化碳直接捕集", 429)
    assert repaired == "空气中二氧化碳直接捕集"
    assert repairs[0].kind == "duplicate" and repairs[0].line == 429


@pytest.mark.parametrize("text", ["实验验证", "成分分析", "电极极片结构", "加工工艺", "激光放大光光转换", "固固转化"])
def test_real_words_with_repeated_characters_are_kept(text: str) -> None:
    assert repair_duplicated_characters(text, 1) == (text, [])


def test_known_ocr_confusion() -> None:
    repaired, repairs = repair_duplicated_characters("XRD 摆摆曲线半高宽", 974)
    assert repaired == "XRD 摇摆曲线半高宽"
    assert repairs[0].kind == "ocr"


def test_page_break_join_and_sentence_end() -> None:
    assert join_broken_lines("生产出面", "积 >1000cm²") == "生产出面积 >1000cm²"
    assert join_broken_lines("rate ≥", "5000GPU") == "rate ≥ 5000GPU"
    assert not ends_sentence("申报项目的研究内")
    assert not ends_sentence("度电成本（LCOE）")
    assert ends_sentence("提供稳定的供能。")


@pytest.mark.parametrize(
    ("raw", "expected", "recorded"),
    [
        # A subscript of letters that Unicode cannot set: written on the line; a unit after it is a product.
        (r"空速 $\geq 3000\text{L}/(\text{g}_{\text{cat}}\text{h})$ 、", "空速 ≥3000L/(gcat·h) 、", "g_(cat)h"),
        ("粗糙度峰计数 (R_{pc})：70~160；", "粗糙度峰计数 (Rpc)：70~160；", "R_(pc)"),
        ("电阻 R_c 和", "电阻 Rc 和", "R_c"),
    ],
)
def test_letter_subscripts_without_unicode_form(raw: str, expected: str, recorded: str) -> None:
    repaired, repairs = repair_line(raw, 12)
    assert repaired == expected
    assert "_" not in repaired
    latex = [r for r in repairs if r.before == recorded]
    assert len(latex) == 1 and latex[0].kind == "latex" and latex[0].line == 12


@pytest.mark.parametrize("text", ["粗糙度偏斜 (Rₛₖ)", "变量 file_name 保留", "CO₂ 排放"])
def test_letter_subscript_repair_leaves_other_text_alone(text: str) -> None:
    assert repair_letter_subscripts(text, 1) == (text, [])
