"""Small fixture termbases and a hand-built guide for the glossary tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.model import Area, Direction, DirectionType, Guide, GuideFacts, Paragraph

HEADER = "zh,en,status,variants,forbidden,domain,pos,case_sensitive,sources,note\n"

NEW_ENERGY = HEADER + (
    "光电转换效率,photoelectric conversion efficiency,approved,power conversion efficiency | PCE,"
    "photoelectric transformation efficiency,photovoltaics,noun,false,1.1,Ratio of electrical output to incident light power.\n"
    "太阳能电池,solar cell,approved,,sun energy battery,photovoltaics,noun,false,1.1,\n"
    "钙钛矿,perovskite,approved,,calcium titanium ore,materials,noun,false,1.1,\n"
    "钙钛矿太阳能电池,perovskite solar cell,approved,PSC,perovskite sun cell,photovoltaics,noun,false,1.1,\n"
    "锌离子储能电池,zinc-ion energy storage battery,proposed,,,electrochemistry,noun,false,1.1,Unsure: battery or cell?\n"
)
GENERAL = HEADER + (
    'CCUS,CCUS,approved,"carbon capture, utilization and storage",,climate,noun,true,2.1,Acronym kept.\n'
    "原理样机,proof-of-principle prototype,approved,,principle sample machine,call administration,noun,false,1.1 | 2.1,\n"
    "旧术语,old term,deprecated,,,general,other,false,,Superseded.\n"
)


def write_terms(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8", newline="")
    return folder


@pytest.fixture
def terms_dir(tmp_path: Path) -> Path:
    return write_terms(tmp_path / "terms", {"01-new-energy.csv": NEW_ENERGY, "00-general.csv": GENERAL})


def _paragraph(text: str, label: str | None = None) -> Paragraph:
    return Paragraph(text=text, raw=text, lines=(1, 1), label=label)


def make_guide() -> Guide:
    """Two directions; 叠层电池组件 is planted three times so that extraction must find it."""
    first = Direction(
        id="1.1",
        area_id="1",
        title_zh="钙钛矿太阳能电池与叠层电池组件合作研究",
        type=DirectionType.BASIC_RESEARCH,
        type_label_zh="基础研究类",
        research_content_zh=[
            _paragraph("研究钙钛矿太阳能电池的光电转换效率提升方法；开发叠层电池组件的封装工艺。", "1"),
            _paragraph("研制叠层电池组件原理样机，验证叠层电池组件的稳定性。", "2"),
        ],
        indicators_zh=[_paragraph("光电转换效率不低于25%，形成原理样机1台。")],
        keywords_zh=["钙钛矿太阳能电池", "叠层电池组件", "光伏建筑一体化"],
        source_lines=(10, 20),
    )
    second = Direction(
        id="2.1",
        area_id="2",
        title_zh="CCUS 全流程示范",
        type=DirectionType.APPLICATION_DEMONSTRATION,
        type_label_zh="应用示范类",
        research_content_zh=[_paragraph("开展CCUS 全流程示范，建设原理样机。")],
        indicators_zh=[_paragraph("CO₂ 捕集率不低于90%。")],
        keywords_zh=["CCUS"],
        source_lines=(21, 30),
    )
    return Guide(
        title_zh="测试指南",
        title_raw="测试指南",
        preamble=[],
        facts=GuideFacts(),
        areas=[Area("1", "新能源", ["1.1"], 9), Area("2", "储能", ["2.1"], 20)],
        directions=[first, second],
        repairs=[],
        source_path="fixture",
        source_sha256="0" * 64,
        source_encoding="utf-8",
    )


@pytest.fixture
def guide() -> Guide:
    return make_guide()
