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
