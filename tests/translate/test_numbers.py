from __future__ import annotations

import pytest

from generator.translate.numbers import en_numbers, number_difference, zh_numbers


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        ("适用城市的最大面积≥1万平方公里", "cities of up to ≥ 10,000 km²"),
        ("国拨经费概算3.6亿元人民币", "national funding of CNY 360 million"),
        ("4万千米", "40,000 km"),
        ("800万个软件包", "8 million software packages"),
        ("1~2种", "1–2 types"),
        ("200m~400m", "200–400 m"),
        ("30%~80%", "30%–80%"),
        ("50±10°C", "50 ± 10 °C"),
        ("比例不低于3:1。", "no less than 3:1."),
        ("计算规模≥10¹²次", "≥ 10^12 operations"),
        ("10⁻⁶量级", "of the order of 10⁻⁶"),
        ("CO₂排放降低", "CO₂ emissions reduced"),
        ("CO2、TiO2与H2", "CO₂, TiO₂ and H₂"),
        ("Fe²⁺≤10ppm", "Fe²⁺ ≤ 10 ppm"),
        ("面积>1000cm²", "area > 1000 cm²"),
        ("IEC61215标准与AM1.5G", "the IEC 61215 standard and AM1.5G"),
        ("带隙1.60至1.75电子伏特", "band gap of 1.60–1.75 eV"),
        ("10000次循环", "10,000 cycles"),
        ("两个国家", "two countries"),
    ],
)
def test_numbers_agree(zh: str, en: str) -> None:
    assert number_difference(zh, en) == ([], [])


@pytest.mark.parametrize(
    ("zh", "en", "missing", "extra"),
    [
        ("效率≥20%", "efficiency ≥ 25%", ["20"], ["25"]),
        ("3.6亿元", "CNY 36 million", ["360000000"], ["36000000"]),
        ("1万平方公里", "1 km²", ["10000"], ["1"]),
        ("1~2种", "1 type", ["2"], []),
        ("两个国家", "2 countries", [], ["2"]),
        ("10¹²次", "10 times", ["1000000000000"], ["10"]),
    ],
)
def test_planted_number_errors_are_caught(zh: str, en: str, missing: list[str], extra: list[str]) -> None:
    assert number_difference(zh, en) == (missing, extra)


def test_numbers_are_a_multiset() -> None:
    assert sorted(zh_numbers("5次，5次")) == sorted(en_numbers("5 times, 5 times"))
    assert number_difference("5次，5次", "5 times") == (["5"], [])


def test_thousands_separator_and_plain_digits_are_the_same_value() -> None:
    assert en_numbers("50,000") == en_numbers("50000") == zh_numbers("5万")


@pytest.mark.parametrize(
    "en",
    [
        "a 1234567890123456789012345678901234 b",  # more digits than Decimal's precision
        "10^99999999999 and 0.5^{-99999999999}",  # powers beyond Decimal's range
        "10^" + "9" * 5000,  # an exponent Python would refuse to read as an int
        "10¹⁵⁰",
    ],
)
def test_garbage_numbers_in_mt_output_are_reported_not_fatal(en: str) -> None:
    missing, extra = number_difference("效率20%", en)
    assert missing == ["20"] and extra
