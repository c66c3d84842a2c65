from __future__ import annotations

import pytest

from generator.model import Guide
from generator.segments import segment_guide
from generator.translate.numbers import number_difference
from generator.translate.protect import (
    MAX_PLACEHOLDERS,
    PLACEHOLDER_RE,
    format_quantity,
    placeholder,
    protect,
    restore,
)
from generator.translate.termbase import TermIndex, load_term_index, term


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("≥20%", "≥ 20%"),
        ("1万平方公里", "10,000 km²"),
        ("3.6亿元人民币", "CNY 360 million"),
        ("1~2", "1–2"),
        ("200m~400m", "200–400 m"),
        ("30%~80%", "30%–80%"),
        ("50±10°C", "50 ± 10 °C"),
        ("1000小时", "1000 h"),
        ("10000", "10,000"),
        ("15mm", "15 mm"),
        ("500mAh/g", "500 mAh/g"),
        ("1000瓦每平方米", "1000 W/m²"),
        ("1.60至1.75电子伏特", "1.60–1.75 eV"),
        ("3:1", "3:1"),
        ("5G", "5G"),
        ("3D", "3D"),
    ],
)
def test_quantities_get_house_style(zh: str, en: str) -> None:
    assert format_quantity(zh) == en


def test_protect_replaces_numbers_latin_tokens_and_terms(terms: TermIndex) -> None:
    item = protect("制备出光电转换效率≥20%的柔性钙钛矿太阳能电池，在IEC61215条件下老化1000小时。", terms)
    kinds = {(span.kind, span.en) for span in item.spans}
    assert ("quantity", "≥ 20%") in kinds
    assert ("term", "perovskite solar cell") in kinds
    assert ("literal", "IEC61215") in kinds
    assert ("quantity", "1000 h") in kinds
    assert not any(ch.isdigit() for ch in item.text.replace("ZX", ""))
    assert "钙钛矿" not in item.text


def test_numbers_inside_latin_tokens_stay_with_the_token() -> None:
    item = protect("AM1.5G条件下与CO₂捕集")
    assert [span.en for span in item.spans] == ["AM1.5G", "CO₂"]


def test_restore_puts_english_back_and_reports_lost_and_repeated(terms: TermIndex) -> None:
    item = protect("效率≥20%的钙钛矿太阳能电池", terms)
    first, second = (span.placeholder for span in item.spans)
    good = restore(f"a {second} with an efficiency of {first}", item)
    assert good.ok
    assert good.en == "a perovskite solar cell with an efficiency of ≥ 20%"
    lost = restore(f"a {second} with high efficiency", item)
    assert [span.en for span in lost.missing] == ["≥ 20%"]
    twice = restore(f"{second} {second} {first}", item)
    assert [span.en for span in twice.repeated] == ["perovskite solar cell"]


def test_restore_tolerates_what_models_do_to_placeholders() -> None:
    item = protect("效率≥20%")
    name = item.spans[0].placeholder
    mangled = name[:2] + " " + name[2:].lower()
    assert restore(f"efficiency {mangled}", item).en == "efficiency ≥ 20%"


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        (">1000cm²", "> 1000 cm²"),
        ("10¹⁶cm⁻³", "10¹⁶ cm⁻³"),
        ("≥500Nm³/h", "≥ 500 Nm³/h"),
        ("≤±1μm", "≤ ± 1 μm"),
        ("1/2~1", "1/2–1"),
        ("≤16×10⁻⁷/°C", "≤ 16 × 10⁻⁷/°C"),
    ],
)
def test_more_quantities_from_the_guide(zh: str, en: str) -> None:
    assert format_quantity(zh) == en


def test_protection_never_changes_a_number_of_the_bundled_guide(bundled_guide: Guide) -> None:
    terms = load_term_index()
    for segment in segment_guide(bundled_guide):
        item = protect(segment.zh, terms)
        restored = restore(item.text, item)  # an "engine" that copies its input
        assert restored.ok, segment.id
        assert number_difference(segment.zh, restored.en) == ([], []), (segment.id, restored.en)


def test_a_unit_term_inside_a_quantity_does_not_split_it() -> None:
    terms = TermIndex([term("人民币", "CNY"), term("5G通信", "5G communication")])
    assert [s.en for s in protect("国拨经费概算3.6亿元人民币。", terms).spans] == ["CNY 360 million"]
    assert [s.en for s in protect("面向5G通信的芯片", terms).spans] == ["5G communication"]


def test_placeholders_are_short_and_unspaced_next_to_chinese(terms: TermIndex) -> None:
    item = protect("研制面积>1000 cm²的钙钛矿太阳能电池，采用AI和GPU。", terms)
    assert item.text == "研制面积ZXA的ZXB，采用ZXC和ZXD。"
    assert restore("A ZXB with an area of ZXA, using zxc and ZX D.", item).en == (
        "A perovskite solar cell with an area of > 1000 cm², using AI and GPU."
    )
    # Side by side they stay apart, so that neither runs into the other.
    assert protect("柔性钙钛矿太阳能电池", terms).text == "ZXA ZXB"


def test_placeholder_names_run_out_without_repeating() -> None:
    names = [placeholder(index) for index in range(MAX_PLACEHOLDERS)]
    assert len(set(names)) == len(names) and names[26] == "ZXAA" and names[-1] == "ZXZZ"
    assert all(PLACEHOLDER_RE.fullmatch(name) for name in names)
    with pytest.raises(ValueError):
        placeholder(MAX_PLACEHOLDERS)
    many = protect("、".join(f"第{i}" for i in range(MAX_PLACEHOLDERS + 5)))
    assert len(many.spans) == MAX_PLACEHOLDERS and "第703" in many.text
