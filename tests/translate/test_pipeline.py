from __future__ import annotations

from pathlib import Path

import pytest

from generator.model import Guide
from generator.segments import Provenance, State, segment_guide
from generator.translate.pipeline import (
    NO_MODEL_MESSAGE,
    current_translations,
    select_engine,
    translate_guide,
    translate_segments,
)
from generator.translate.store import TranslationMemory, open_memory
from generator.translate.termbase import TermIndex
from generator.translate.tmx import TmxUnit, write_tmx

from .fakes import FakeEngine


def test_without_a_model_memory_patterns_and_termbase_still_translate(
    mini_guide: Guide, terms: TermIndex
) -> None:
    engine, message = select_engine("auto")
    assert engine is None and message == NO_MODEL_MESSAGE
    result = translate_guide(mini_guide, terms=terms)
    by_id = result.by_id()
    assert by_id["1.1:other_requirements:0"].en == "The project shall be led by an enterprise."
    assert by_id["1.1:other_requirements:0"].provenance == Provenance.PATTERN
    assert by_id["1.1:keywords:0"].en == "perovskite solar cell"
    assert by_id["1.1:content:0"].en is None
    assert by_id["1.1:content:0"].provenance == Provenance.UNTRANSLATED
    assert by_id["1.1:content:0"].state == State.INITIAL
    # A proposed entry does not translate a keyword.
    assert by_id["1.2:keywords:1"].en is None


def test_argos_engine_without_a_model_is_an_error() -> None:
    from generator.errors import TranslationError

    with pytest.raises(TranslationError, match="no zh→en argos package"):
        select_engine("argos")


def test_order_is_reviewed_memory_then_patterns_then_mt(
    mini_guide: Guide, terms: TermIndex, isolated_state: Path
) -> None:
    write_tmx(
        isolated_state / "memory" / "reviewed.tmx",
        [
            TmxUnit(
                "项目由企业牵头申报。", "An enterprise shall lead the project.", "1.1:other_requirements:0"
            ),
            TmxUnit(
                "构筑便携式柔性光电储一体化器件。",
                "Build portable flexible integrated photovoltaic–storage devices.",
                "1.1:content:1",
            ),
        ],
    )
    engine = FakeEngine()
    result = translate_guide(mini_guide, engine=engine, terms=terms)
    by_id = result.by_id()
    assert by_id["1.1:other_requirements:0"].provenance == Provenance.REVIEWED  # memory beats the pattern
    assert by_id["1.1:other_requirements:0"].en == "An enterprise shall lead the project."
    assert by_id["1.1:content:1"].provenance == Provenance.REVIEWED  # memory beats MT
    assert by_id["1.1:other_requirements:1"].provenance == Provenance.PATTERN  # pattern beats MT
    assert by_id["1.1:content:0"].provenance == Provenance.MT
    assert by_id["1.1:content:0"].en and "perovskite solar cell" in by_id["1.1:content:0"].en
    decoded = {text for call in engine.calls for text in call}
    assert not any("企业牵头" in text for text in decoded)


def test_mt_results_are_cached_for_a_second_run(mini_guide: Guide, terms: TermIndex) -> None:
    first_engine = FakeEngine()
    first = translate_guide(mini_guide, engine=first_engine, terms=terms)
    second_engine = FakeEngine()
    second = translate_guide(mini_guide, engine=second_engine, terms=terms)
    assert second_engine.calls == []
    assert second.mt_cached == first.mt_segments > 0
    assert [t.en for t in first.translations] == [t.en for t in second.translations]


def test_mt_never_overwrites_a_reviewed_segment(mini_guide: Guide, terms: TermIndex) -> None:
    segments = segment_guide(mini_guide)
    target = next(s for s in segments if s.id == "1.1:content:0")
    with open_memory() as memory:
        from generator.segments import Translation

        memory.commit(
            [(target, Translation(target.id, "Reviewed English.", Provenance.REVIEWED, State.REVIEWED))]
        )
        result = translate_segments(segments, memory, engine=FakeEngine(), terms=terms)
    assert result.by_id()[target.id].en == "Reviewed English."
    with TranslationMemory() as memory:
        assert memory.segment_rows()[target.id].provenance == Provenance.REVIEWED


def test_current_translations_runs_no_mt_and_reports_the_last_run(
    mini_guide: Guide, terms: TermIndex
) -> None:
    before = current_translations(mini_guide)
    assert before["1.1:content:0"].en is None
    translate_guide(mini_guide, engine=FakeEngine(), terms=terms)
    after = current_translations(mini_guide)
    assert after["1.1:content:0"].provenance == Provenance.MT and after["1.1:content:0"].en
    assert set(after) == {segment.id for segment in segment_guide(mini_guide)}


def test_fuzzy_match_is_offered_but_never_used(
    mini_guide: Guide, terms: TermIndex, isolated_state: Path
) -> None:
    write_tmx(
        isolated_state / "memory" / "reviewed.tmx",
        [
            TmxUnit(
                "设计生产大面积柔性钙钛矿太阳能电池组件；",
                "Design and produce large-area flexible perovskite solar cell panels;",
                "9.9:content:0",
            )
        ],
    )
    result = translate_guide(mini_guide, terms=terms)
    translation = result.by_id()["1.1:content:0"]
    assert (
        translation.en is None
        and translation.provenance == Provenance.FUZZY
        and translation.state == State.INITIAL
    )
    assert translation.note and "panels" in translation.note
    assert result.suggestions["1.1:content:0"][0].entry.segment_id == "9.9:content:0"


def test_direction_filter(mini_guide: Guide, terms: TermIndex) -> None:
    from generator.errors import TranslationError

    result = translate_guide(mini_guide, directions=["1.2"], terms=terms)
    assert {s.scope for s in result.segments} == {"1.2"}
    with pytest.raises(TranslationError, match="unknown direction"):
        translate_guide(mini_guide, directions=["9.9"], terms=terms)
