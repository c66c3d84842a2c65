"""A small hand-built guide with hostile text, and English for some of its segments."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.model import (
    Area,
    Direction,
    DirectionType,
    Guide,
    GuideFacts,
    IndicatorSet,
    Paragraph,
    PreambleSection,
)
from generator.render.context import CallContext, build_call_context
from generator.segments import Provenance, State, Translation, segment_guide

HOSTILE_IMG = "<img src=file:///etc/passwd>"
HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_TEMPLATE = "{{ 7*7 }}"
ISSUED = dt.date(2026, 11, 25)


def _p(text: str, line: int, label: str | None = None) -> Paragraph:
    return Paragraph(text=text, raw=text, lines=(line, line), label=label)


def make_guide() -> Guide:
    d1 = Direction(
        id="1.1",
        area_id="1",
        title_zh="柔性钙钛矿太阳能电池合作研发",
        type=DirectionType.COMMON_KEY_TECHNOLOGY,
        type_label_zh="共性关键技术类",
        research_content_zh=[
            _p("设计生产大面积柔性钙钛矿太阳能电池模组。具体包括：", 10),
            _p(f"电极结构研究{HOSTILE_IMG}。印刷制备大面积钙钛矿薄膜。", 11, "1"),
        ],
        indicators_zh=[
            _p("制备出光电转换效率≥20%的柔性钙钛矿太阳能电池。连续光照1000小时后，效率衰减<10%。", 12, "1"),
            _p(f"模板{HOSTILE_TEMPLATE}与脚本{HOSTILE_SCRIPT}应原样显示。", 13, "2"),
        ],
        keywords_zh=["柔性", "钙钛矿太阳能电池"],
        source_lines=(9, 15),
        other_requirements_zh=[_p("配套经费与国拨经费的比例不低于3:1。", 14)],
        matching_ratio="3:1",
    )
    d2 = Direction(
        id="1.2",
        area_id="1",
        title_zh="二氧化碳催化转化制高值化学品",
        type=DirectionType.BASIC_RESEARCH,
        type_label_zh="基础研究类",
        research_content_zh=[_p("开展CO₂催化转化研究。", 20)],
        indicators_zh=[
            _p("CO₂单程转化率≥50%，运行1000h以上。", 21, "1"),
            _p("产物选择性≥90%，形成验证样机1台。", 22, "2"),
        ],
        keywords_zh=["二氧化碳转化"],
        source_lines=(19, 24),
        indicators_note_zh="项目根据研究方向选择其中1套考核指标",
        indicator_sets=2,
        indicator_set_items=[
            IndicatorSet(label="1", paragraphs=[_p("CO₂单程转化率≥50%，运行1000h以上。", 21, "1")]),
            IndicatorSet(label="2", paragraphs=[_p("产物选择性≥90%，形成验证样机1台。", 22, "2")]),
        ],
        projects_supported=1,
        enterprise_led=True,
    )
    return Guide(
        title_zh="“战略性科技创新合作”重点专项联合研发与示范项目申报指南",
        title_raw="",
        preamble=[
            PreambleSection(
                title_zh="一、总体目标和安排",
                paragraphs=[_p("本专项拟在碳中和等领域部署一批项目。", 3)],
                line=2,
            ),
            PreambleSection(
                title_zh="二、领域和方向",
                paragraphs=[_p("拟支持约120个项目，国拨经费概算3.6亿元人民币。", 5)],
                line=4,
            ),
        ],
        facts=GuideFacts(
            directions=2,
            projects=120,
            national_funding_cny=360_000_000,
            max_chinese_units=10,
            max_years=3,
            min_foreign_partners=1,
            projects_per_direction="1~2",
        ),
        areas=[Area(id="1", title_zh="新能源", direction_ids=["1.1", "1.2"], line=8)],
        directions=[d1, d2],
        repairs=[],
        source_path="<fixture>",
        source_sha256="0" * 64,
        source_encoding="utf-8",
    )


ENGLISH = {
    "guide:guide_title:0": (
        "Guide to applications for joint R&D and demonstration projects of the key special project "
        "“Strategic Science and Technology Innovation Cooperation”",
        Provenance.REVIEWED,
    ),
    "area-1:area_title:0": ("New energy", Provenance.REVIEWED),
    "1.1:title:0": ("Joint R&D of flexible perovskite solar cells", Provenance.REVIEWED),
    "1.1:content:0": (
        "Design and produce large-area flexible perovskite solar cell modules.",
        Provenance.REVIEWED,
    ),
    "1.1:content:1": ("Specifically:", Provenance.REVIEWED),
    "1.1:content:2": (f"Study of electrode structures{HOSTILE_IMG}.", Provenance.MT),
    "1.1:indicators:0": (
        "Produce flexible perovskite solar cells with a photoelectric conversion efficiency ≥ 20%.",
        Provenance.REVIEWED,
    ),
    "1.1:indicators:1": (
        "After 1000 hours of continuous illumination, efficiency decay < 10%.",
        Provenance.MT,
    ),
    "1.1:indicators:2": (
        f"The template {HOSTILE_TEMPLATE} and the script {HOSTILE_SCRIPT} show literally.",
        Provenance.REVIEWED,
    ),
    "1.1:keywords:0": ("flexible", Provenance.PATTERN),
    "1.1:keywords:1": ("perovskite solar cell", Provenance.PATTERN),
    "1.1:other_requirements:0": (
        "The ratio of matching funds to national funding shall be no less than 3:1.",
        Provenance.PATTERN,
    ),
}


# Translator's notes on reviewed units (printed as footnotes).
NOTES = {"1.1:indicators:0": "光电转换效率 is rendered photoelectric conversion efficiency."}


def make_translations(guide: Guide) -> dict[str, Translation]:
    result = {}
    for segment in segment_guide(guide):
        if segment.id in ENGLISH:
            en, provenance = ENGLISH[segment.id]
            state = State.REVIEWED if provenance is Provenance.REVIEWED else State.TRANSLATED
            result[segment.id] = Translation(segment.id, en, provenance, state, NOTES.get(segment.id))
        else:
            result[segment.id] = Translation(segment.id, None, Provenance.UNTRANSLATED, State.INITIAL)
    return result


@pytest.fixture(scope="session")
def guide() -> Guide:
    return make_guide()


@pytest.fixture(scope="session")
def call(guide: Guide) -> CallContext:
    return build_call_context(guide, make_translations(guide), issued=ISSUED)
