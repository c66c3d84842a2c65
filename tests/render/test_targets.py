"""Target values: (quantity, comparator, value, unit) from the Chinese, confirmed by the English."""

from __future__ import annotations

import re

import pytest

from generator.parse import load_bundled_guide
from generator.render.context import build_call_context
from generator.render.targets import check_target, comparator_confirmed, extract_targets, row_targets


@pytest.fixture(scope="module")
def real_call():
    return build_call_context(load_bundled_guide())


def test_conditions_are_not_targets_4_3(real_call):
    para = real_call.direction("4.3").indicators[0]
    targets = extract_targets(para.zh)
    assert [(t.comparator, t.value, t.unit) for t in targets] == [("≥", "5000", "GPU"), ("≥", "30", ""), ("≥", "1000", "h")]
    assert targets[0].quantity == "CO₂渗透速率"
    row = row_targets(para.zh, para.en)
    assert row.certain
    assert row.shown == ("≥\u00a05000\u00a0GPU", "≥\u00a030", "≥\u00a01000\u00a0h")
    assert not any(v.split("\u00a0")[-1] == "10" or "%" in v or "°C" in v for v in row.shown)


def test_units_are_complete(real_call):
    shown = {v for d in real_call.directions for p in d.indicators for v in row_targets(p.zh, p.en).shown}
    assert "≤\u00a01.6\u00a0GJ/tCO₂" in shown  # not "tCO"
    assert "≥\u00a0500\u00a0Nm³/h" in shown  # not "Nm³"
    assert "≥\u00a01000\u00a0h" in shown  # 以上 keeps its comparator
    assert not any(re.search(r"(tCO|Nm³|cm²)$", v) and v.endswith(("tCO", "Nm³")) for v in shown)


def test_unit_running_on_makes_the_row_uncertain():
    zh = "沟道载流子迁移率≥100平方厘米/（伏·秒）"
    (target,) = extract_targets(zh)
    assert not target.complete
    row = row_targets(zh, "channel carrier mobility ≥ 100 cm²/(V·s)")
    assert row.shown == () and not row.certain


def test_wan_is_multiplied_out_and_checked():
    zh = "适用城市的最大面积≥1万平方公里"
    (target,) = extract_targets(zh)
    assert target.value == "10000" and target.unit == "平方公里"
    assert row_targets(zh, "a maximum area of ≥ 10,000 km²").shown == ("≥\u00a010000\u00a0km²",)
    assert row_targets(zh, "a maximum area of ≥ 1 km²").shown == ()


def test_bare_number_followed_by_an_unknown_unit_is_not_shown():
    zh = "电芯成本不超过350元/kWh。"
    assert not extract_targets(zh)[0].complete
    assert row_targets(zh, "cell cost no more than CNY 350/kWh.").shown == ()


def test_english_must_confirm_number_unit_and_sense():
    (target,) = extract_targets("运行1000h以上")
    assert check_target(target, "operates for 1000 h or more").shown == "≥\u00a01000\u00a0h"
    assert check_target(target, "operates for 100 h or more").shown is None  # number differs
    assert check_target(target, "operates for 1000 s or more").shown is None  # unit differs
    assert check_target(target, "operates for less than 1000 h").shown is None  # sense differs


def test_ranges_and_exponents():
    (target,) = extract_targets("开关电流比≥10⁶")
    assert target.value == "10⁶"
    (target,) = extract_targets("误码率≤1×10⁻⁹")
    assert target.value == "1×10⁻⁹"
    assert check_target(target, "bit error rate ≤ 1 × 10⁻⁹").shown == "≤\u00a01×10⁻⁹"


def test_counts_are_confirmed_but_not_shown():
    zh = "申请发明专利3件以上"
    (target,) = extract_targets(zh)
    assert target.count
    assert row_targets(zh, "apply for 3 or more invention patents") .certain
    assert row_targets(zh, "apply for 3 or more invention patents").shown == ()
    assert comparator_confirmed(target, "apply for 3 invention patents or more")
    assert not comparator_confirmed(target, "apply for 3 invention patents")


def test_no_chinese_in_shown_values_over_the_bundled_guide(real_call):
    for direction in real_call.directions:
        for row in direction.indicator_rows:
            for value in row.values:
                assert not re.search(r"[\u4e00-\u9fff]", value), (direction.id, value)


def test_resolution_reads_or_finer():
    (target,) = extract_targets("分辨率不低于5km×5km")
    assert not target.complete  # 5km×5km is not a single unit: not shown as a value
    assert comparator_confirmed(target, "with a resolution of 5 km × 5 km or finer; develop")
    assert not comparator_confirmed(target, "with a resolution of 5 km × 5 km; develop")
