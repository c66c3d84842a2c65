from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import TranslationError
from generator.segments import Provenance, Segment, State, Translation
from generator.translate.store import TranslationMemory, open_memory
from generator.translate.text import source_key
from generator.translate.tmx import TmxUnit, read_tmx, write_tmx


def seg(zh: str, segment_id: str = "1.1:content:0") -> Segment:
    scope, field, index = segment_id.split(":")
    return Segment(segment_id, scope, field, int(index), 0, zh)


def test_source_key_normalizes_width_spacing_and_punctuation() -> None:
    assert source_key("配套经费与国拨经费的比例不低于 3:1。") == source_key(
        "配套经费与国拨经费的比例不低于３：１。"
    )
    assert source_key("效率 ≥ 20%，且") == source_key("效率≥20%,且")
    assert source_key("CO₂ 捕集") != source_key("CO2 捕集")  # subscripts are meaning, not width


def test_tmx_round_trip(tmp_path: Path) -> None:
    units = [
        TmxUnit(
            "项目由企业牵头申报。",
            "The project shall be led by an enterprise.",
            "1.1:other_requirements:0",
            "a note",
        ),
        TmxUnit("<标签> & 符号", "<tag> & symbol", "1.2:content:0"),
    ]
    path = tmp_path / "m.tmx"
    write_tmx(path, units)
    text = path.read_text(encoding="utf-8")
    assert 'version="1.4"' in text and 'type="x-segment-id"' in text and "<note>a note</note>" in text
    back = read_tmx(path)
    assert [(u.zh, u.en, u.segment_id, u.note) for u in back] == [
        (u.zh, u.en, u.segment_id, u.note) for u in units
    ]


def test_malformed_tmx_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.tmx"
    path.write_text(
        '<?xml version="1.0"?>\n<tmx version="1.4"><body>\n<tu><tuv xml:lang="zh"><seg>x</seg></tuv>\n',
        encoding="utf-8",
    )
    with pytest.raises(TranslationError) as caught:
        read_tmx(path)
    assert caught.value.path == str(path) and caught.value.line


def test_tmx_sync_is_by_hash_and_follows_changes(isolated_state: Path) -> None:
    memory_dir = isolated_state / "memory"
    tmx = memory_dir / "area-01.tmx"
    write_tmx(tmx, [TmxUnit("项目由企业牵头申报。", "Led by an enterprise.", "1.1:other_requirements:0")])
    with open_memory() as memory:
        entry = memory.exact("项目由企业牵头申报。")
        assert entry is not None and entry.provenance == Provenance.REVIEWED and entry.state == State.REVIEWED
        assert memory.sync_tmx().imported == []  # unchanged file: nothing to do
    write_tmx(
        tmx,
        [
            TmxUnit(
                "项目由企业牵头申报。",
                "The project shall be led by an enterprise.",
                "1.1:other_requirements:0",
            )
        ],
    )
    with open_memory() as memory:
        entry = memory.exact("项目由企业牵头申报 。")
        assert entry is not None and entry.en == "The project shall be led by an enterprise."
        assert len(list(memory.entries(Provenance.REVIEWED))) == 1
    tmx.unlink()
    with open_memory() as memory:
        assert memory.exact("项目由企业牵头申报。") is None


def test_a_malformed_tmx_changes_nothing(isolated_state: Path) -> None:
    memory_dir = isolated_state / "memory"
    write_tmx(memory_dir / "a.tmx", [TmxUnit("甲。", "A.", "1.1:content:0")])
    with open_memory():
        pass
    write_tmx(memory_dir / "a.tmx", [TmxUnit("甲。", "A changed.", "1.1:content:0")])
    (memory_dir / "b.tmx").write_text("<tmx", encoding="utf-8")
    with pytest.raises(TranslationError):
        open_memory()
    with TranslationMemory() as memory:
        entry = memory.exact("甲。")
        assert entry is not None and entry.en == "A."


def test_fuzzy_matches_are_suggestions_above_the_threshold(isolated_state: Path) -> None:
    write_tmx(
        isolated_state / "memory" / "a.tmx",
        [
            TmxUnit(
                "研究大面积柔性钙钛矿太阳能电池模组的制备工艺。",
                "Investigate the fabrication of large-area modules.",
                "1.1:content:0",
            )
        ],
    )
    with open_memory() as memory:
        assert memory.exact("研究大面积柔性钙钛矿太阳能电池模组的制备方法。") is None
        matches = memory.fuzzy("研究大面积柔性钙钛矿太阳能电池模组的制备方法。")
        assert matches and 0.75 <= matches[0].score < 1
        assert memory.fuzzy("项目由企业牵头申报。") == []


def test_reviewed_segment_is_never_overwritten_by_mt(isolated_state: Path) -> None:
    segment = seg("构筑便携式器件。")
    with TranslationMemory() as memory:
        reviewed = Translation(segment.id, "Build portable devices.", Provenance.REVIEWED, State.REVIEWED)
        memory.record_segments([(segment, reviewed)])
        mt = Translation(segment.id, "Construct portable device.", Provenance.MT, State.TRANSLATED)
        assert memory.record_segments([(segment, mt)]) == 0
        assert memory.segment_rows()[segment.id].en == "Build portable devices."
        # A changed source is a new sentence: MT may fill it.
        changed = seg("构筑便携式柔性器件。")
        assert memory.record_segments([(changed, mt)]) == 1


def test_mt_cache_is_per_engine(isolated_state: Path) -> None:
    with TranslationMemory() as memory:
        memory.add_mt([("甲。", "A.", "")], "engine-1")
        memory.add_mt([("甲。", "A again.", "")], "engine-1")
        assert {k: e.en for k, e in memory.mt_cache("engine-1").items()} == {source_key("甲。"): "A again."}
        assert memory.mt_cache("engine-2") == {}


def test_our_tmx_reads_in_translate_toolkit(tmp_path: Path) -> None:
    from translate.storage.tmx import tmxfile

    path = tmp_path / "m.tmx"
    write_tmx(
        path,
        [
            TmxUnit(
                "项目由企业牵头申报。",
                "The project shall be led by an enterprise.",
                "1.1:other_requirements:0",
            )
        ],
    )
    store = tmxfile.parsefile(str(path))
    [unit] = [u for u in store.units if not u.isheader()]
    assert (
        unit.source == "项目由企业牵头申报。" and unit.target == "The project shall be led by an enterprise."
    )
