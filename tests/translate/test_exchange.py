"""Issue 11: translators' work coming back in XLIFF and TMX is never lost, and our files read in CAT tools.

Each test names the issue item it covers. The round-trip tests at the end are the sequences a
translator runs (export twice, edit both, import in either order, edit a TMX, export TMX).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from generator.errors import TranslationError
from generator.model import Guide
from generator.segments import Provenance, State, segment_guide
from generator.translate.conflicts import read_resolutions, write_conflicts
from generator.translate.pipeline import current_translations, translate_guide
from generator.translate.store import incoming_from_tmx, merge, open_memory
from generator.translate.termbase import TermIndex
from generator.translate.tmx import TmxUnit, read_tmx, tmx_bytes, write_tmx
from generator.translate.xliff import NS, NS12, export_xliff, import_xliff, segment_terms

from .xliff_edit import set_target

X = "{" + NS + "}"
X12 = "{" + NS12 + "}"
SCHEMAS = Path(__file__).parent.parent / "schemas"
PATTERN_ID = "1.1:other_requirements:0"  # translated by a pattern rule in the mini guide
U1, U2, U3 = "1.1:content:0", "1.1:content:1", "1.1:other_requirements:1"


def _export(guide: Guide, terms: TermIndex, path: Path, version: str = "2.0") -> None:
    result = translate_guide(guide, terms=terms, record=False)
    export_xliff(
        path,
        result.segments,
        result.translations,
        result.suggestions,
        terms=segment_terms(result.segments, terms),
        version=version,
    )


def _import(guide: Guide, path: Path, **options: object):
    with open_memory() as memory:
        return import_xliff(path, segment_guide(guide), current_translations(guide), memory, **options)  # type: ignore[arg-type]


# -- item 1: a stale XLIFF never reverts reviewed work; drafts never become reviewed untouched ----------
def test_stale_untouched_xliff_reverts_nothing(mini_guide: Guide, terms: TermIndex, tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlf", tmp_path / "b.xlf"
    _export(mini_guide, terms, a)
    _export(mini_guide, terms, b)
    set_target(b, PATTERN_ID, "The project must be led by an enterprise.", "reviewed")
    assert _import(mini_guide, b).applied == [PATTERN_ID]
    result = _import(mini_guide, a)  # untouched: exported before B's edit
    assert result.applied == [] and result.conflicts == []
    now = current_translations(mini_guide)[PATTERN_ID]
    assert now.en == "The project must be led by an enterprise." and now.provenance == Provenance.REVIEWED


def test_untouched_pattern_draft_never_becomes_reviewed(
    mini_guide: Guide, terms: TermIndex, tmp_path: Path
) -> None:
    path = tmp_path / "a.xlf"
    _export(mini_guide, terms, path)
    result = _import(mini_guide, path)
    assert result.applied == []
    assert current_translations(mini_guide)[PATTERN_ID].provenance == Provenance.PATTERN
    # A reviewer's state is what makes it reviewed.
    set_target(path, PATTERN_ID, "The project shall be led by an enterprise.", "reviewed")
    assert _import(mini_guide, path).applied == [PATTERN_ID]
    assert current_translations(mini_guide)[PATTERN_ID].provenance == Provenance.REVIEWED


def test_stale_edited_xliff_is_a_conflict_with_both_texts(
    mini_guide: Guide, terms: TermIndex, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.xlf", tmp_path / "b.xlf"
    _export(mini_guide, terms, a)
    _export(mini_guide, terms, b)
    set_target(b, U1, "Text from B.", "reviewed")
    set_target(a, U1, "Text from A.", "reviewed")
    _import(mini_guide, b)
    result = _import(mini_guide, a)
    assert result.applied == []
    [conflict] = result.conflicts
    assert (conflict.segment_id, conflict.theirs, conflict.ours) == (U1, "Text from A.", "Text from B.")
    assert current_translations(mini_guide)[U1].en == "Text from B."
    # Applied only when the translator says so.
    assert _import(mini_guide, a, force=True).applied == [U1]
    assert current_translations(mini_guide)[U1].en == "Text from A."


# -- item 2: an XLIFF edit survives any later change of its area's TMX file -------------------------
def test_xliff_edit_survives_a_change_of_its_tmx_file(
    mini_guide: Guide, terms: TermIndex, tmp_path: Path, isolated_state: Path
) -> None:
    area = isolated_state / "memory" / "area-01.tmx"
    write_tmx(area, [TmxUnit("项目由企业牵头申报。", "Led by an enterprise.", PATTERN_ID)])
    path = tmp_path / "a.xlf"
    _export(mini_guide, terms, path)
    set_target(path, U2, "Build portable devices.", "reviewed")
    assert _import(mini_guide, path).applied == [U2]
    units = read_tmx(area)  # the edit is in the truth file ...
    assert {u.segment_id: u.en for u in units}[U2] == "Build portable devices."
    # ... so another unit edited in that file (by hand, a CAT tool) cannot revert it.
    edited = [
        u if u.segment_id != PATTERN_ID else TmxUnit(u.zh, "Enterprise-led.", PATTERN_ID) for u in units
    ]
    write_tmx(area, edited)
    now = current_translations(mini_guide)
    assert now[U2].en == "Build portable devices." and now[PATTERN_ID].en == "Enterprise-led."


# -- item 3: `translated` stays a post-edited draft ------------------------------------------------------
def test_translated_state_is_a_post_edited_draft(mini_guide: Guide, terms: TermIndex, tmp_path: Path) -> None:
    path = tmp_path / "a.xlf"
    _export(mini_guide, terms, path)
    set_target(path, U1, "Design flexible modules;", "translated")
    _import(mini_guide, path)
    now = current_translations(mini_guide)[U1]
    assert (now.provenance, now.state) == (Provenance.POST_EDITED, State.TRANSLATED)
    [unit] = [u for u in read_tmx(next((tmp_path / "memory").glob("*.tmx"))) if u.segment_id == U1]
    assert (unit.state, unit.provenance) == ("translated", "post-edited")


# -- item 4: one <tu> per segment id in an export, with dates --------------------------------------
def test_memory_export_has_one_unit_per_segment_with_dates(
    mini_guide: Guide, terms: TermIndex, tmp_path: Path, isolated_state: Path
) -> None:
    write_tmx(
        isolated_state / "memory" / "old.tmx",
        [TmxUnit("设计生产大面积柔性钙钛矿太阳能电池模组；", "Old.", U1)],
    )
    path = tmp_path / "a.xlf"
    _export(mini_guide, terms, path)
    set_target(path, U1, "New.", "reviewed")
    assert _import(mini_guide, path).applied == [U1]
    with open_memory() as memory:
        units = memory.export_units()
    assert [(u.segment_id, u.en) for u in units] == [(U1, "New.")]
    [unit] = units
    assert unit.changedate and unit.creationdate and unit.changeid and unit.revision
    text = tmx_bytes(units).decode("utf-8")
    assert "<note" not in text and 'changedate="' in text


# -- item 5: readers refuse what they would otherwise store wrongly -----------------------------------
TU = '<tu><prop type="x-segment-id">{sid}</prop>{props}<tuv xml:lang="{l1}"><seg>{s1}</seg></tuv><tuv xml:lang="{l2}"><seg>{s2}</seg></tuv></tu>'


def _tmx(*units: str, doctype: str = "") -> str:
    header = '<header creationtool="x" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="zh-CN" datatype="plaintext"/>'
    return (
        f'<?xml version="1.0"?>\n{doctype}<tmx version="1.4">{header}<body>\n'
        + "\n".join(units)
        + "\n</body></tmx>\n"
    )


def _tu(
    sid: str = U1, props: str = "", l1: str = "zh-CN", s1: str = "甲。", l2: str = "en", s2: str = "A."
) -> str:
    return TU.format(sid=sid, props=props, l1=l1, s1=s1, l2=l2, s2=s2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_tmx(_tu(), _tu(s2="B.")), "two <tu> for segment"),
        (
            _tmx(_tu(s2="&xxe;"), doctype='<!DOCTYPE tmx [<!ENTITY xxe "injected">]>\n'),
            "DOCTYPE",
        ),
        (_tmx(_tu(s1="A.", s2="甲。")), "swapped"),
        (_tmx(_tu(s2="A 甲。")), "Chinese"),
        (_tmx(_tu(props='<prop type="x-state">approved</prop>')), "unknown x-state"),
    ],
)
def test_tmx_reader_refuses(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.tmx"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TranslationError) as caught:
        read_tmx(path)
    assert message in str(caught.value) and caught.value.line


def test_xliff_reader_refuses_a_doctype(mini_guide: Guide, terms: TermIndex, tmp_path: Path) -> None:
    path = tmp_path / "a.xlf"
    _export(mini_guide, terms, path)
    text = path.read_text(encoding="utf-8")
    text = text.replace("<xliff ", '<!DOCTYPE xliff [<!ENTITY xxe "x">]>\n<xliff ', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TranslationError, match="DOCTYPE"):
        _import(mini_guide, path)


# -- item 7: a CAT tool's TMX in the memory folder is used, or reported ----------------------------
def test_cat_tool_tmx_in_the_memory_folder_is_used_or_reported(
    mini_guide: Guide, isolated_state: Path
) -> None:
    memory_dir = isolated_state / "memory"
    write_tmx(memory_dir / "area-01.tmx", [TmxUnit("构筑便携式柔性光电储一体化器件。", "Old reviewed.", U2)])
    cat = (
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header creationtool="OmegaT" '
        'creationtoolversion="6" segtype="sentence" o-tmf="OmegaT TMX" adminlang="EN-US" srclang="ZH-CN" '
        'datatype="plaintext"/><body>'
        '<tu changedate="20990101T000000Z"><tuv xml:lang="ZH-CN"><seg>构筑便携式柔性光电储一体化器件。</seg></tuv>'
        '<tuv xml:lang="EN-US"><seg>Build portable devices (OmegaT).</seg></tuv></tu>'
        '<tu><tuv xml:lang="ZH-CN"><seg>不在指南里的句子。</seg></tuv>'
        '<tuv xml:lang="EN-US"><seg>Not in the guide.</seg></tuv></tu>'
        "</body></tmx>"
    )
    (memory_dir / "omegat-project.tmx").write_text(cat, encoding="utf-8")
    assert current_translations(mini_guide)[U2].en == "Build portable devices (OmegaT)."
    with open_memory() as memory:
        unused = memory.unused_units(segment_guide(mini_guide))
    assert [(entry.en, "matches no segment" in reason) for entry, reason in unused] == [
        ("Not in the guide.", True)
    ]


def test_cat_tool_tmx_older_than_the_memory_is_reported(mini_guide: Guide, isolated_state: Path) -> None:
    memory_dir = isolated_state / "memory"
    write_tmx(
        memory_dir / "area-01.tmx",
        [TmxUnit("构筑便携式柔性光电储一体化器件。", "Newer reviewed.", U2, changedate="20270101T000000Z")],
    )
    write_tmx(
        memory_dir / "cat.tmx",
        [TmxUnit("构筑便携式柔性光电储一体化器件。", "Older.", None, changedate="20260101T000000Z")],
    )
    assert current_translations(mini_guide)[U2].en == "Newer reviewed."
    with open_memory() as memory:
        [(entry, reason)] = memory.unused_units(segment_guide(mini_guide))
    assert entry.en == "Older." and "older than" in reason


# -- item 10: TMX dates, ids, no empty note, regional target, DTD-valid -------------------------------
def test_tmx_export_is_dtd_valid_with_dates_and_a_regional_language(tmp_path: Path) -> None:
    units = [
        TmxUnit(
            "甲。",
            "A.",
            U1,
            changedate="20261201T100000Z",
            creationdate="20261201T100000Z",
            changeid="ana",
            creationid="ana",
        ),
        TmxUnit("乙。", "B.", None, note="check the unit"),
    ]
    data = tmx_bytes(units, target_language="en-GB")
    tree = etree.fromstring(data)
    dtd = etree.DTD(str(SCHEMAS / "tmx14.dtd"))
    assert dtd.validate(tree), dtd.error_log
    first = tree.find("body/tu")
    assert first is not None
    assert [first.get(n) for n in ("tuid", "creationdate", "changedate", "creationid", "changeid")] == [
        U1,
        "20261201T100000Z",
        "20261201T100000Z",
        "ana",
        "ana",
    ]
    assert tree.findall("body/tu/note")[0].text == "check the unit" and len(tree.findall("body/tu/note")) == 1
    assert {t.get("{http://www.w3.org/XML/1998/namespace}lang") for t in tree.iter("tuv")} == {
        "zh-CN",
        "en-GB",
    }
    assert tmx_bytes(units, target_language="en-GB") == data  # deterministic
    # The DTD test can fail: a <tu> without languages is not TMX.
    broken = etree.fromstring(data)
    for tuv in broken.iter("tuv"):
        tuv.getparent().remove(tuv)
    assert not dtd.validate(broken)


def test_exchange_target_language_setting(tmp_path: Path) -> None:
    from generator.errors import SettingsError
    from generator.settings import read_settings

    path = tmp_path / "callpack.toml"
    path.write_text('[exchange]\ntarget_language = "en-US"\n', encoding="utf-8")
    assert read_settings(path).exchange.target_language == "en-US"
    path.write_text('[exchange]\ntarget_language = "English!"\n', encoding="utf-8")
    with pytest.raises(SettingsError):
        read_settings(path)


# -- item 11: XLIFF groups, provenance, notes, matches and terms, 1.2, translate-toolkit -------------
def test_xliff_structure_groups_provenance_matches_terms(
    mini_guide: Guide, terms: TermIndex, tmp_path: Path, isolated_state: Path
) -> None:
    write_tmx(
        isolated_state / "memory" / "ref.tmx",
        [
            TmxUnit(
                "设计生产大面积柔性钙钛矿太阳能电池组件；",
                "Design and produce flexible perovskite panels;",
                "9.9:content:0",
            )
        ],
    )
    path = tmp_path / "a.xlf"
    _export(mini_guide, terms, path)
    root = etree.parse(str(path)).getroot()
    groups = root.findall(f"{X}file/{X}group")
    assert groups and all(g.get("id", "").startswith("g:") for g in groups)
    assert {u.getparent().get("id") for u in root.iter(X + "unit") if u.get("id", "").startswith("1.1:")} == {
        "g:1.1"
    }
    units = {u.get("id"): u for u in root.iter(X + "unit")}
    pattern = units[PATTERN_ID].find(X + "segment")
    assert pattern is not None and pattern.get("subState") == "callpack:pattern"
    mda = "{urn:oasis:names:tc:xliff:metadata:2.0}"
    metas = {m.get("type"): m.text for m in units[PATTERN_ID].iter(mda + "meta")}
    assert metas["provenance"] == "pattern" and metas["base-revision"] and metas["base-state"] == "translated"
    untranslated = units[U1]
    match = untranslated.find(
        "{urn:oasis:names:tc:xliff:matches:2.0}matches/{urn:oasis:names:tc:xliff:matches:2.0}match"
    )
    assert (
        match is not None and match.findtext(X + "target") == "Design and produce flexible perovskite panels;"
    )
    gls = "{urn:oasis:names:tc:xliff:glossary:2.0}"
    found = {
        (e.findtext(gls + "term"), e.findtext(gls + "translation"))
        for e in untranslated.iter(gls + "glossEntry")
    }
    assert ("钙钛矿太阳能电池", "perovskite solar cell") in found
    notes = [n.text for n in untranslated.iter(X + "note")]
    assert any(n and n.startswith("Memory match") for n in notes)


def test_xliff_reads_in_translate_toolkit(mini_guide: Guide, terms: TermIndex, tmp_path: Path) -> None:
    from translate.storage.xliff import xlifffile
    from translate.storage.xliff2 import Xliff2File

    two, twelve = tmp_path / "a.xlf", tmp_path / "a12.xlf"
    _export(mini_guide, terms, two)
    _export(mini_guide, terms, twelve, version="1.2")
    store2 = Xliff2File.parsefile(str(two))
    units2 = {u.getid().split("::")[0]: u for u in store2.units}
    assert units2[PATTERN_ID].target == "The project shall be led by an enterprise."
    assert units2[PATTERN_ID].source == "项目由企业牵头申报。"
    store12 = xlifffile.parsefile(str(twelve))
    by_id = {u.getid().split("\x04")[-1]: u for u in store12.units}
    assert by_id[PATTERN_ID].target == "The project shall be led by an enterprise."
    assert by_id[PATTERN_ID].source == "项目由企业牵头申报。"
    assert "English from: pattern" in by_id[PATTERN_ID].getnotes()  # unit notes are readable


def test_xliff12_round_trip_keeps_the_rules(mini_guide: Guide, terms: TermIndex, tmp_path: Path) -> None:
    path = tmp_path / "a12.xlf"
    _export(mini_guide, terms, path, version="1.2")
    tree = etree.parse(str(path))
    unit = next(u for u in tree.getroot().iter(X12 + "trans-unit") if u.get("id") == U1)
    target = etree.SubElement(unit, X12 + "target", state="signed-off")
    target.text = "Design modules;"
    unit.remove(target)
    unit.insert(1, target)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    result = _import(mini_guide, path)
    assert result.applied == [U1]
    now = current_translations(mini_guide)[U1]
    assert (now.en, now.provenance) == ("Design modules;", Provenance.REVIEWED)
    assert _import(mini_guide, path).applied == []  # re-import: nothing changes


# -- the round trips a translator runs ---------------------------------------------------------------
@pytest.mark.parametrize("order", ["a-then-b", "b-then-a"])
def test_round_trip_as_a_translator(
    mini_guide: Guide, terms: TermIndex, tmp_path: Path, isolated_state: Path, order: str
) -> None:
    """Export A and B, edit both (one unit in both), import both in `order`, resolve the conflict,
    edit the exported TMX as a CAT tool would, import it, export TMX: every edit is there once."""
    a, b = tmp_path / "a.xlf", tmp_path / "b.xlf"
    _export(mini_guide, terms, a)
    _export(mini_guide, terms, b)
    set_target(a, U1, "A's modules;", "reviewed")
    set_target(b, U1, "B's modules;", "reviewed")
    set_target(b, U2, "B's devices.", "translated")
    first, second = (a, b) if order == "a-then-b" else (b, a)
    one = _import(mini_guide, first)
    two = _import(mini_guide, second)
    assert U1 in one.applied and [c.segment_id for c in two.conflicts] == [U1]
    conflict = two.conflicts[0]
    winner = "A's modules;" if first == a else "B's modules;"
    assert (conflict.ours, conflict.theirs) == (winner, "B's modules;" if first == a else "A's modules;")
    assert U2 in one.applied + two.applied
    # The translator resolves: take the second file's text.
    report = tmp_path / "conflicts.json"
    write_conflicts(report, second, two.conflicts)
    data = json.loads(report.read_text(encoding="utf-8"))
    data["conflicts"][0]["resolution"] = "theirs"
    report.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    resolved = _import(mini_guide, second, resolutions=read_resolutions(report))
    assert resolved.applied == [U1] and resolved.conflicts == []
    final_u1 = conflict.theirs
    # A TMX out to a CAT tool and back: one unit edited, the others untouched.
    with open_memory() as memory:
        exported = memory.export_units()
    tmx_path = tmp_path / "out.tmx"
    write_tmx(
        tmx_path,
        [u if u.segment_id != U2 else TmxUnit(**{**u.__dict__, "en": "CAT devices."}) for u in exported],
    )
    incoming, unmatched = incoming_from_tmx(read_tmx(tmx_path), segment_guide(mini_guide), tmx_path)
    assert unmatched == []
    with open_memory() as memory:
        merged = merge(incoming, current_translations(mini_guide), memory)
    assert merged.applied == [U2] and merged.conflicts == []
    with open_memory() as memory:
        final = {u.segment_id: u for u in memory.export_units()}
    assert final[U1].en == final_u1 and final[U2].en == "CAT devices."
    assert final[U2].provenance == "post-edited"  # the CAT tool kept x-state translated
    memory_ids = [u.segment_id or "" for u in exported]
    assert len(final) == len(memory_ids) and sorted(memory_ids) == sorted(key or "" for key in final)


def test_a_stale_tmx_from_a_cat_tool_is_a_conflict(
    mini_guide: Guide, terms: TermIndex, tmp_path: Path
) -> None:
    path = tmp_path / "a.xlf"
    _export(mini_guide, terms, path)
    set_target(path, U3, "First.", "reviewed")
    _import(mini_guide, path)
    with open_memory() as memory:
        exported = memory.export_units()
    path2 = tmp_path / "b.xlf"
    _export(mini_guide, terms, path2)
    set_target(path2, U3, "Second.", "reviewed")
    _import(mini_guide, path2)
    edited = [TmxUnit(**{**u.__dict__, "en": "CAT edit of First."}) for u in exported]
    tmx_path = tmp_path / "back.tmx"
    write_tmx(tmx_path, edited)
    incoming, _ = incoming_from_tmx(read_tmx(tmx_path), segment_guide(mini_guide), tmx_path)
    with open_memory() as memory:
        merged = merge(incoming, current_translations(mini_guide), memory)
    assert merged.applied == [] and [(c.theirs, c.ours) for c in merged.conflicts] == [
        ("CAT edit of First.", "Second.")
    ]
    assert current_translations(mini_guide)[U3].en == "Second."


def test_machine_drafts_come_back_only_through_memory_import(
    mini_guide: Guide, isolated_state: Path, tmp_path: Path
) -> None:
    from generator.segments import Translation
    from generator.translate.store import decide

    segment = next(s for s in segment_guide(mini_guide) if s.id == U2)
    with open_memory() as memory:
        memory.add_mt([(segment.zh, "Machine devices.", "")], "engine-x")
        [unit] = [u for u in memory.export_units(everything=True) if u.provenance == "mt"]
    assert unit.revision
    # Dropped into the reviewed memory folder it is refused, naming file and line ...
    write_tmx(isolated_state / "memory" / "mt.tmx", [unit])
    with pytest.raises(TranslationError, match="mt unit in the reviewed memory folder") as caught:
        open_memory()
    assert caught.value.line
    (isolated_state / "memory" / "mt.tmx").unlink()
    # ... and through `memory import` an untouched draft changes nothing, an edited one is post-edited.
    path = tmp_path / "back.tmx"
    write_tmx(path, [unit])
    [incoming], _ = incoming_from_tmx(read_tmx(path), [segment], path)
    current = Translation(U2, "Machine devices.", Provenance.MT, State.TRANSLATED)
    assert decide(incoming, current) == "unchanged"
    write_tmx(path, [TmxUnit(**{**unit.__dict__, "en": "Edited devices."})])
    [incoming], _ = incoming_from_tmx(read_tmx(path), [segment], path)
    assert decide(incoming, current) == "apply" and incoming.state == State.TRANSLATED


def test_initial_unit_with_a_new_target_is_reported(
    mini_guide: Guide, terms: TermIndex, tmp_path: Path
) -> None:
    path = tmp_path / "a.xlf"
    _export(mini_guide, terms, path)
    set_target(path, U1, "Typed but left initial.", "initial")
    result = _import(mini_guide, path)
    assert result.applied == [] and any(
        w.unit_id == U1 and "state initial" in w.message for w in result.warnings
    )


def test_reference_memory_is_read_only_and_below_the_own_folder(mini_guide: Guide, tmp_path: Path) -> None:
    """Issue 13: a new workspace reads the bundled reviewed memory as a reference; imports write its own."""
    from generator.segments import Translation

    reference, own = tmp_path / "bundled", tmp_path / "own"
    reference.mkdir()
    zh = "构筑便携式柔性光电储一体化器件。"
    write_tmx(reference / "area-01.tmx", [TmxUnit(zh, "Bundled.", U2, changedate="20990101T000000Z")])
    before = (reference / "area-01.tmx").read_bytes()
    segment = next(s for s in segment_guide(mini_guide) if s.id == U2)
    with open_memory(tmp_path / "db.sqlite", own, [reference]) as memory:
        entry = memory.exact(zh, U2)
        assert entry is not None and entry.en == "Bundled."
        assert memory.fuzzy(zh + "很好")  # fuzzy matches from the reference too
        written = memory.commit([(segment, Translation(U2, "Own.", Provenance.REVIEWED, State.REVIEWED))])
        assert [path.parent for path in written] == [own]
        entry = memory.exact(zh, U2)
        assert entry is not None and entry.en == "Own."  # the own layer wins over a newer reference date
    assert (reference / "area-01.tmx").read_bytes() == before


def test_an_xliff_edit_keeps_the_units_note(
    mini_guide: Guide, terms: TermIndex, tmp_path: Path, isolated_state: Path
) -> None:
    area = isolated_state / "memory" / "area-01.tmx"
    write_tmx(
        area, [TmxUnit("构筑便携式柔性光电储一体化器件。", "Old.", U2, note="checked against the call text")]
    )
    path = tmp_path / "a.xlf"
    _export(mini_guide, terms, path)
    set_target(path, U2, "New.", "reviewed")
    assert _import(mini_guide, path).applied == [U2]
    [unit] = read_tmx(area)
    assert (unit.en, unit.note) == ("New.", "checked against the call text")
