from __future__ import annotations

import re
from collections import Counter

from generator.model import Guide
from generator.segments import segment_guide, split_sentences


def test_split_keeps_numbers_whole() -> None:
    text = "效率≥90%，比例不低于2:1；精度1.5倍。达到10¹²次！"
    assert split_sentences(text) == ["效率≥90%，比例不低于2:1；", "精度1.5倍。", "达到10¹²次！"]


def test_split_keeps_closing_brackets_with_the_sentence() -> None:
    assert split_sentences("包括（见附件。）其余") == ["包括（见附件。）", "其余"]


def test_ids_are_unique_and_stable(bundled_guide: Guide) -> None:
    segments = segment_guide(bundled_guide)
    ids = [s.id for s in segments]
    assert len(ids) == len(set(ids))
    assert segment_guide(bundled_guide) == segments
    assert ids[0] == "guide:guide_title:0"
    first = [s for s in segments if s.scope == "1.1"]
    assert first[0].id == "1.1:title:0"
    assert [s.label for s in first if s.field == "content" and s.label] == ["1", "2", "3"]
    assert Counter(s.field for s in segments)["keywords"] == 433


def test_every_character_of_a_field_is_in_its_segments(bundled_guide: Guide) -> None:
    segments = segment_guide(bundled_guide)
    for direction in bundled_guide.directions:
        for field, paragraphs in (("content", direction.research_content_zh), ("indicators", direction.indicators_zh)):
            joined = "".join(s.zh for s in segments if s.scope == direction.id and s.field == field)
            assert re.sub(r"\s", "", joined) == re.sub(r"\s", "", "".join(p.text for p in paragraphs))


def test_bundled_segment_ids_do_not_move(bundled_guide: Guide) -> None:
    """The reviewed TMX is keyed by these ids: schema version 2 must not change one of them."""
    from pathlib import Path

    pinned = (Path(__file__).parent / "fixtures" / "bundled-segment-ids.txt").read_text(encoding="utf-8").split()
    assert [s.id for s in segment_guide(bundled_guide)] == pinned


def test_new_fields_have_their_own_segments() -> None:
    from pathlib import Path

    from generator.parse import parse_guide

    guide = parse_guide(Path(__file__).parent / "fixtures" / "guides" / "key-special-three-level.txt")
    segments = {s.id: s for s in segment_guide(guide)}
    assert segments["1.1.1:notes:0"].zh == "鼓励产学研联合申报。"
    assert segments["1.1.1:duration:0"].zh == "不超过5年"
    assert segments["1.1.1:projects_note:0"].zh == "1~2项，国拨经费不超过2000万元"
    unknown = [s for s in segments.values() if s.scope == "1.1.2" and s.field.startswith("x-")]
    assert [s.zh for s in unknown] == ["须提供中试装置运行数据。"]
    assert segments["1.1.2:label:0"].zh == "申报说明"
    assert segments["guide:closing_heading:0"].zh == "三、申报要求"
    assert segments["guide:closing:0"].zh == "项目申报单位须具有独立法人资格。"
    # The typed fields keep the ids they would have had without the new ones.
    assert [i for i in segments if i.startswith("1.1.1:")][:3] == ["1.1.1:title:0", "1.1.1:content:0", "1.1.1:indicators:0"]


def test_intergovernmental_segments() -> None:
    from pathlib import Path

    from generator.parse import parse_guide

    guide = parse_guide(Path(__file__).parent / "fixtures" / "guides" / "intergovernmental-numbered.txt")
    fields = [s.field for s in segment_guide(guide) if s.scope == "1"]
    assert fields == ["title", "projects_note", "other_requirements", "other_requirements", "agreement", "domains", "domains", "funding"]
