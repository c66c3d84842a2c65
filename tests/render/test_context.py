"""Render context: English joined per paragraph, provenance flags, numbers with units, Babel."""

from __future__ import annotations

import datetime as dt

from generator.render.context import PartKind, programme_name
from generator.render.i18n import gettext_pair, long_date, money_compact, money_full, number


def test_paragraph_english_joins_segments(call):
    direction = call.direction("1.1")
    assert direction.content[0].en == (
        "Design and produce large-area flexible perovskite solar cell modules. Specifically:"
    )
    assert direction.title.en == "Joint R&D of flexible perovskite solar cells"


def test_untranslated_and_machine_translated_segments_are_flagged(call):
    item = call.direction("1.1").content[1]
    kinds = [part.kind for part in item.parts]
    assert kinds == [PartKind.DRAFT, PartKind.UNTRANSLATED]
    assert item.en is None  # never silently half-English
    assert "[Untranslated: 印刷制备大面积钙钛矿薄膜。]" in item.en_or_flagged
    assert call.direction("1.2").content[0].fully_untranslated


def test_alternative_indicator_sets_are_grouped(call):
    direction = call.direction("1.2")
    assert direction.alternatives
    assert [g.label_zh for g in direction.indicator_groups] == ["1", "2"]
    assert direction.indicator_groups[1].paras[0].zh.startswith("产物选择性")
    assert not call.direction("1.1").alternatives


def test_indicator_rows_show_only_confirmed_targets(call):
    rows = call.direction("1.1").indicator_rows
    # 1.1 indicator 1 has no final English (machine draft / untranslated parts): nothing is shown.
    assert all(row.values == () or row.certain for row in rows)
    for row in rows:
        assert not any(any("\u4e00" <= ch <= "\u9fff" for ch in value) for value in row.values)


def test_conditions_come_from_the_facts(call):
    conditions = call.conditions
    assert conditions.funding_compact.en == "CNY 360 million"
    assert conditions.funding_full.en == "RMB 360,000,000"
    assert conditions.funding_compact.zh == "3.6亿元"
    assert conditions.max_chinese_units == 10 and conditions.max_years == 3


def test_programme_name_is_the_quoted_part_of_the_title(call):
    assert programme_name(call.title).zh == "战略性科技创新合作"
    assert call.programme.en == "Strategic Science and Technology Innovation Cooperation"


def test_babel_formats_per_locale():
    assert money_compact(360_000_000, "en") == "CNY 360 million"
    assert money_full(360_000_000, "en") == "RMB 360,000,000"
    assert money_compact(360_000_000, "zh") == "3.6亿元"
    assert money_compact(1_250_000, "en") == "CNY 1.25 million"
    assert number(12345, "en") == "12,345"
    assert long_date(dt.date(2026, 11, 25), "en") == "November 25, 2026"
    assert long_date(dt.date(2026, 11, 25), "zh") == "2026年11月25日"


def test_catalogs_translate_fixed_labels():
    assert gettext_pair("Research content").zh == "研究内容"
    assert gettext_pair("Assessment indicators").zh == "考核指标"
    pair = gettext_pair("Matching funds to national funding at least %(ratio)s", ratio="3:1")
    assert pair.en.endswith("3:1") and pair.zh == "配套经费与国拨经费的比例不低于3:1"


def test_clause_case_joins_semicolon_clauses_into_one_sentence() -> None:
    from generator.render.context import Part, PartKind, clause_case

    def part(text: str) -> Part:
        return Part(PartKind.FINAL, text, "中", "reviewed")

    fixed = clause_case(
        (
            part("develop catalysts;"),
            part("Develop reactors;"),
            part("China leads;"),
            part("RISC-V cores."),
            part("then test."),
        )
    )
    assert [p.text for p in fixed] == [
        "Develop catalysts;",
        "develop reactors;",
        "China leads;",
        "RISC-V cores.",
        "Then test.",
    ]
