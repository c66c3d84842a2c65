from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import TranslationError
from generator.segments import Segment
from generator.translate.patterns import apply_rules, keyword_translation, load_rules
from generator.translate.termbase import TermIndex, term


def seg(field: str, zh: str) -> Segment:
    return Segment(f"1.1:{field}:0", "1.1", field, 0, 0, zh)


@pytest.mark.parametrize(
    ("field", "zh", "en"),
    [
        ("other_requirements", "项目由企业牵头申报。", "The project shall be led by an enterprise."),
        (
            "other_requirements",
            "配套经费与国拨经费的比例不低于 3:1。",
            "The ratio of matching funds to national funding shall be no less than 3:1.",
        ),
        (
            "other_requirements",
            "配套经费与国拨经费的比例不低于1.5：1。",
            "The ratio of matching funds to national funding shall be no less than 1.5:1.",
        ),
        (
            "other_requirements",
            "项目必须有生产型企业参加。",
            "A manufacturing enterprise must take part in the project.",
        ),
        ("content", "具体包括：", "Specifically, this includes:"),
        ("content", "其中包括：", "Specifically, this includes:"),
        ("indicators", "申请发明专利 ≥ 5 件。", "Apply for ≥ 5 invention patents."),
        ("indicators", "申请发明专利不少于1件。", "Apply for at least 1 invention patent."),
        ("indicators", "申请发明专利3项以上。", "Apply for 3 or more invention patents."),
        ("indicators", "申请发明专利6~10项。", "Apply for 6–10 invention patents."),
        (
            "indicators",
            "制定技术标准1项，申请发明专利≥5件。",
            "Develop 1 technical standard and apply for ≥ 5 invention patents.",
        ),
    ],
)
def test_formulaic_sentences_follow_the_fixed_renderings(field: str, zh: str, en: str) -> None:
    match = apply_rules(seg(field, zh))
    assert match is not None
    assert match.en == en


def test_rules_respect_fields_and_whole_segments() -> None:
    assert apply_rules(seg("content", "项目由企业牵头申报。")) is None
    assert apply_rules(seg("other_requirements", "项目由企业牵头申报，并且另有说明。")) is None
    assert apply_rules(seg("indicators", "申请发明专利4项，中外共同发表高水平学术论文不少于5篇。")) is None


def test_projects_note_uses_the_termbase_or_gives_up() -> None:
    zh = "2项（吸收捕集材料方向支持1项，吸附捕集材料方向支持1项，申报项目应涵盖所选方向所对应的研究内容和考核指标）。"
    assert apply_rules(seg("projects_note", zh), terms=TermIndex([])) is None
    terms = TermIndex(
        [
            term("吸收捕集材料", "absorption capture material"),
            term("吸附捕集材料", "adsorption capture material"),
        ]
    )
    match = apply_rules(seg("projects_note", zh), terms=terms)
    assert match is not None
    assert match.en == (
        "2 projects (1 for absorption capture material; 1 for adsorption capture material; each application "
        "shall cover the research content and assessment indicators of the chosen sub-direction)."
    )


def test_keywords_come_from_approved_entries_only() -> None:
    terms = TermIndex(
        [term("柔性", "flexible"), term("光伏系统规划", "PV system planning", status="proposed")]
    )
    found = keyword_translation(Segment("1.1:keywords:0", "1.1", "keywords", 0, 0, "柔性"), terms)
    assert found is not None and found.en == "flexible"
    assert (
        keyword_translation(Segment("1.2:keywords:1", "1.2", "keywords", 1, 0, "光伏系统规划"), terms) is None
    )


def test_bad_rules_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('[[rule]]\nname = "x"\nzh = "(unclosed"\nen = "y"\n', encoding="utf-8")
    with pytest.raises(TranslationError, match="bad regular expression"):
        load_rules(path)
    path.write_text("[[rule]\n", encoding="utf-8")
    with pytest.raises(TranslationError, match="malformed"):
        load_rules(path)
