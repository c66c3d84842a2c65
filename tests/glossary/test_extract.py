from __future__ import annotations

from pathlib import Path

from generator.glossary.extract import c_values, extract_candidates
from generator.glossary.termbase import Status, load_termbase
from generator.model import Guide


def test_extract_finds_planted_candidate(terms_dir: Path, guide: Guide) -> None:
    termbase = load_termbase(terms_dir)
    candidates = extract_candidates(guide, termbase, min_count=2)
    by_zh = {c.zh: c for c in candidates}
    planted = by_zh["叠层电池组件"]  # keyword of 1.1, and three times in its text
    assert planted.keyword and planted.count >= 3
    assert planted.directions == ["1.1"]
    assert 1 <= len(planted.contexts) <= 3
    assert all("叠层电池组件" in c.zh and c.direction_id == "1.1" for c in planted.contexts)
    assert "光伏建筑一体化" in by_zh  # keyword with no occurrence in the text is still listed
    # Known terms are not candidates, and known terms are kept whole by the segmenter.
    assert not {"钙钛矿太阳能电池", "CCUS", "光电转换效率", "原理样机"} & set(by_zh)
    assert not any(zh.endswith("钙钛矿太阳") for zh in by_zh)
    # Generic words never become candidates.
    assert not {"研究", "开发", "技术"} & set(by_zh)
    entry = planted.to_entry()
    assert entry.status is Status.PROPOSED and entry.en == "" and entry.sources == ("1.1",)


def test_c_value_discounts_nested_candidates() -> None:
    frequencies = {("电池",): 10, ("叠层", "电池"): 6, ("叠层",): 6}
    from collections import Counter

    scores = c_values(Counter(frequencies))
    assert scores[("叠层", "电池")] > scores[("叠层",)]
    assert scores[("叠层",)] == 0  # only ever seen inside 叠层电池
