"""Property-based tests of the TMX and XLIFF readers (bounded budgets): arbitrary or damaged files
raise nothing but a TranslationError, and nothing is silently dropped."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from generator.errors import TranslationError
from generator.parse import parse_guide
from generator.segments import Provenance, State, Translation, segment_guide
from generator.translate.store import TranslationMemory
from generator.translate.text import has_cjk
from generator.translate.tmx import TmxUnit, read_tmx, tmx_bytes, write_tmx
from generator.translate.xliff import NS, import_xliff, xliff_bytes

from ..strategies import mutated
from .conftest import MINI_GUIDE

BUDGET = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
X = "{" + NS + "}"
TRICKY = list("研究内容 ,;|\"'=<>&{}[]/\\\t\n\r1.5%ab")
TEXT = st.text(alphabet=st.sampled_from(TRICKY) | st.characters(codec="utf-8"), max_size=16)


@BUDGET
@given(pairs=st.lists(st.tuples(TEXT, TEXT), max_size=6))
def test_tmx_round_trip_or_a_translation_error(pairs: list[tuple[str, str]]) -> None:
    units = [TmxUnit(zh=zh, en=en, segment_id=f"1.1:content:{n}") for n, (zh, en) in enumerate(pairs)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.tmx"
        try:
            write_tmx(path, units)
        except TranslationError:
            assert not path.exists()
            return
        try:
            read = read_tmx(path)
        except TranslationError as error:
            assert error.line, error  # a unit refused on reading names its line
            # The reader refuses an empty side and Chinese in the English (a swapped or untranslated unit).
            assert any(not zh.strip() or not en.strip() or has_cjk(en) for zh, en in pairs)
            return
        assert [(u.zh, u.en, u.segment_id) for u in read] == [(u.zh.strip(), u.en.strip(), u.segment_id) for u in units]


SAMPLE_TMX = tmx_bytes(
    [TmxUnit(zh="研究内容", en="Research content", segment_id="1.1:content:0", note="a & b"),
     TmxUnit(zh="考核指标", en="Indicators ≥ 90%", segment_id="1.1:indicators:0")]
)


@BUDGET
@given(data=st.data())
def test_mutated_tmx_raises_only_translation_errors(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.tmx"
        path.write_bytes(data.draw(mutated(SAMPLE_TMX)))
        try:
            units = read_tmx(path)
        except TranslationError:
            return
        assert all(u.zh and u.en for u in units)


SEGMENTS = segment_guide(parse_guide(MINI_GUIDE))
INITIAL = [Translation(s.id, None, Provenance.UNTRANSLATED, State.INITIAL) for s in SEGMENTS]
SAMPLE_XLIFF = xliff_bytes(SEGMENTS, INITIAL)
STATES = st.sampled_from(["initial", "translated", "reviewed", "final", "signed-off", ""])


def _import(path: Path, folder: Path) -> tuple[int, int, int] | None:
    with TranslationMemory(folder / "memory.sqlite") as memory:
        try:
            result = import_xliff(path, SEGMENTS, {}, memory)
        except TranslationError:
            return None
        return len(result.applied), result.unchanged, result.skipped_initial


@BUDGET
@given(edits=st.dictionaries(st.sampled_from([s.id for s in SEGMENTS]), st.tuples(STATES, TEXT), max_size=6))
def test_xliff_edits_are_applied_counted_or_refused(edits: dict[str, tuple[str, str]]) -> None:
    root = etree.fromstring(SAMPLE_XLIFF)
    for unit in root.iter(X + "unit"):
        if unit.get("id") in edits:
            state, text = edits[unit.get("id")]
            segment = unit.find(X + "segment")
            segment.set("state", state)
            try:
                etree.SubElement(segment, X + "target").text = text
            except ValueError:  # not XML text: a CAT tool could not have written it either
                return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "w.xlf"
        path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
        counts = _import(path, Path(folder))
    if counts is not None:
        assert sum(counts) == len(SEGMENTS)  # every unit applied, unchanged or left initial
        assert counts[0] == sum(1 for state, _ in edits.values() if state in ("translated", "reviewed", "final"))


@BUDGET
@given(data=st.data())
def test_mutated_xliff_raises_only_translation_errors(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "w.xlf"
        path.write_bytes(data.draw(mutated(SAMPLE_XLIFF)))
        _import(path, Path(folder))


def test_control_character_in_a_work_file_is_a_translation_error(tmp_path: Path) -> None:
    import pytest

    with pytest.raises(TranslationError, match=r"m.tmx: unit 1.1:content:0: a control character"):
        write_tmx(tmp_path / "m.tmx", [TmxUnit(zh="研究", en="Research\x1b[31m", segment_id="1.1:content:0")])
    assert not (tmp_path / "m.tmx").exists()
