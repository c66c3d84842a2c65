"""The segmentation contract the translation stage relies on (split_sentences lives in generator.segments)."""

from __future__ import annotations

import pytest

from generator.segments import split_sentences


@pytest.mark.parametrize(
    "text",
    [
        "效率提升1.5倍，比例为2:1，覆盖率≥ 90%，计算规模达10^12次，尺寸15mm。",
        "温度50±10°C，带隙1.60至1.75电子伏特。",
    ],
)
def test_numbers_ratios_and_units_are_never_split(text: str) -> None:
    assert split_sentences(text) == [text]


def test_sentences_and_semicolon_clauses_are_split_with_their_punctuation() -> None:
    assert split_sentences("甲（乙）。丙；丁！") == ["甲（乙）。", "丙；", "丁！"]
