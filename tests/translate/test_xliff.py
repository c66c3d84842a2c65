from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from generator.errors import TranslationError
from generator.model import Guide
from generator.segments import Provenance, State
from generator.translate.pipeline import current_translations, translate_guide
from generator.translate.store import TranslationMemory, open_memory
from generator.translate.termbase import TermIndex
from generator.translate.xliff import NS, export_xliff, import_xliff

from .xliff_edit import set_target

X = "{" + NS + "}"


def _export(guide: Guide, terms: TermIndex, path: Path) -> None:
    result = translate_guide(guide, terms=terms, record=False)
    export_xliff(path, result.segments, result.translations, result.suggestions)


def test_export_has_states_and_targets(mini_guide: Guide, terms: TermIndex, tmp_path: Path) -> None:
    path = tmp_path / "guide.xlf"
    _export(mini_guide, terms, path)
    root = etree.parse(str(path)).getroot()
    assert root.get("version") == "2.0" and root.get("srcLang") == "zh-CN" and root.get("trgLang") == "en"
    units = {u.get("id"): u for u in root.iter(X + "unit")}
    pattern = units["1.1:other_requirements:0"].find(X + "segment")
    assert pattern is not None and pattern.get("state") == "translated"
    assert pattern.findtext(X + "target") == "The project shall be led by an enterprise."
    untranslated = units["1.1:content:0"].find(X + "segment")
    assert (
        untranslated is not None
        and untranslated.get("state") == "initial"
        and untranslated.find(X + "target") is None
    )


def test_import_keeps_the_meaning_of_states(mini_guide: Guide, terms: TermIndex, tmp_path: Path) -> None:
    path = tmp_path / "guide.xlf"
    _export(mini_guide, terms, path)
    set_target(
        path,
        "1.1:content:0",
        "Design and produce large-area flexible perovskite solar cell modules;",
        "translated",
    )
    set_target(
        path,
        "1.1:other_requirements:1",
        "The ratio of matching funds to national funding shall be no less than 3:1.",
        "final",
    )
    segments = translate_guide(mini_guide, terms=terms, record=False).segments
    with open_memory() as memory:
        result = import_xliff(path, segments, current_translations(mini_guide), memory)
    assert sorted(result.applied) == ["1.1:content:0", "1.1:other_requirements:1"]
    after = current_translations(mini_guide)
    # Issue 11 item 3: `translated` stays a post-edited draft; `final` is reviewed work.
    assert after["1.1:content:0"].provenance == Provenance.POST_EDITED
    assert after["1.1:content:0"].state == State.TRANSLATED
    assert after["1.1:other_requirements:1"].provenance == Provenance.REVIEWED
    assert (
        after["1.1:content:0"].en == "Design and produce large-area flexible perovskite solar cell modules;"
    )
    assert after["1.1:other_requirements:1"].state == State.FINAL
    with TranslationMemory() as memory:
        entry = memory.exact("设计生产大面积柔性钙钛矿太阳能电池模组；")
        assert entry is not None and entry.origin.endswith("area-01.tmx")  # written to the TMX truth


@pytest.mark.parametrize(
    ("unit_id", "target", "state", "message"),
    [
        ("1.1:content:0", "设计 modules", "translated", "Chinese"),
        ("1.1:content:0", "", "reviewed", "non-empty target"),
        ("1.1:content:0", "Design.", "done", "invalid state"),
    ],
)
def test_one_bad_unit_blocks_the_whole_import(
    mini_guide: Guide, terms: TermIndex, tmp_path: Path, unit_id: str, target: str, state: str, message: str
) -> None:
    path = tmp_path / "guide.xlf"
    _export(mini_guide, terms, path)
    set_target(
        path, "1.1:content:1", "Build portable flexible integrated photovoltaic–storage devices.", "reviewed"
    )
    set_target(path, unit_id, target, state)
    segments = translate_guide(mini_guide, terms=terms, record=False).segments
    with open_memory() as memory, pytest.raises(TranslationError) as caught:
        import_xliff(path, segments, current_translations(mini_guide), memory)
    assert unit_id in str(caught.value) and message in str(caught.value)
    assert (
        current_translations(mini_guide)["1.1:content:1"].en is None
    )  # the valid unit was not applied either


def test_unknown_ids_and_changed_sources_are_rejected(
    mini_guide: Guide, terms: TermIndex, tmp_path: Path
) -> None:
    path = tmp_path / "guide.xlf"
    _export(mini_guide, terms, path)
    tree = etree.parse(str(path))
    units = list(tree.getroot().iter(X + "unit"))
    units[0].set("id", "9.9:content:0")
    source = units[1].find(X + "segment/" + X + "source")
    assert source is not None
    source.text = "别的句子。"
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    segments = translate_guide(mini_guide, terms=terms, record=False).segments
    with open_memory() as memory, pytest.raises(TranslationError) as caught:
        import_xliff(path, segments, current_translations(mini_guide), memory)
    assert "9.9:content:0" in str(caught.value) and "unknown segment id" in str(caught.value)
    assert "source text differs" in str(caught.value)


def test_malformed_xliff_names_the_line(tmp_path: Path, mini_guide: Guide) -> None:
    path = tmp_path / "bad.xlf"
    path.write_text(
        '<?xml version="1.0"?>\n<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0">\n<file>\n',
        encoding="utf-8",
    )
    with open_memory() as memory, pytest.raises(TranslationError) as caught:
        import_xliff(path, [], {}, memory)
    assert caught.value.line is not None
