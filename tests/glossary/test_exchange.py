"""Issue 11 on the termbase side: items 6, 8, 9, 12, 13, the review sheet's optimistic concurrency and layers."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook
from openpyxl.comments import Comment

from generator.glossary import csv_format, tbx_format, xlsx_format
from generator.glossary.review import apply_import, plan_import, read_review_file
from generator.glossary.rows import neutralize, restore
from generator.glossary.termbase import (
    Status,
    Termbase,
    TermEntry,
    load_termbase,
    load_termbase_layers,
    render_term_file,
)

from .conftest import HEADER, write_terms

EVIL = TermEntry(
    zh="公式", en='=HYPERLINK("http://evil.example","x")', status=Status.PROPOSED, note="@SUM(A1:A2)"
)


def _sheet_edit(path: Path, zh: str, column: str, value: object, comment: str | None = None) -> None:
    workbook = load_workbook(path)
    sheet = workbook[xlsx_format.SHEET_TITLE]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == zh)
    cell = sheet.cell(row=row, column=header.index(column) + 1)
    cell.value = value
    if comment is not None:
        cell.comment = Comment(comment, "reviewer")
    workbook.save(path)


# -- item 8: formula injection -------------------------------------------------------------------
def test_neutralize_and_restore_round_trip() -> None:
    for text in ("=1+1", "+1", "-x", "@SUM(A1)", "\tx", "plain", "'quoted", "-based"):
        assert restore(neutralize(text)) == text
    assert neutralize("=1+1") == "'=1+1" and neutralize("plain") == "plain"


def test_csv_export_is_neutralized_and_import_undoes_it(tmp_path: Path) -> None:
    path = tmp_path / "all.csv"
    csv_format.export_csv([EVIL], path)
    text = path.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'@SUM" in text and ",=HYPERLINK" not in text
    [row] = csv_format.read_csv(path).rows
    assert row.entry.en == EVIL.en and row.entry.note == EVIL.note


def test_xlsx_export_has_no_live_formula_and_imports_the_text(tmp_path: Path) -> None:
    path = tmp_path / "review.xlsx"
    xlsx_format.export_xlsx([EVIL], path)
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in sheet or "<f " in sheet for sheet in sheets)
    [row] = xlsx_format.read_xlsx(path).rows
    assert row.entry.en == EVIL.en and row.entry.note == EVIL.note


def test_extract_csv_is_neutralized(tmp_path: Path) -> None:
    # `glossary extract --csv` writes through export_csv: the same protection.
    path = tmp_path / "candidates.csv"
    csv_format.export_csv([TermEntry(zh="-负", en="-minus")], path)
    assert "'-负" in path.read_text(encoding="utf-8")


# -- item 6: comments kept; formula cells without a value refused ----------------------------------
def test_cell_comments_and_comment_column_go_into_the_note(terms_dir: Path, tmp_path: Path) -> None:
    termbase = load_termbase(terms_dir)
    path = tmp_path / "review.xlsx"
    xlsx_format.export_xlsx(termbase, path)
    _sheet_edit(path, "钙钛矿", "en", "perovskite", comment="Also used for the mineral.")
    _sheet_edit(path, "太阳能电池", "comment", "prefer 'solar cell' over 'PV cell'")
    report = plan_import(termbase, read_review_file(path))
    notes = {change.zh: change.after.note for change in report.changed if change.after}
    assert notes["钙钛矿"].endswith("[review: Also used for the mineral.]")
    assert "[review: prefer 'solar cell' over 'PV cell']" in notes["太阳能电池"]
    apply_import(termbase, report, terms_dir)
    assert "[review: Also used for the mineral.]" in load_termbase(terms_dir)["钙钛矿"].note


def test_formula_without_cached_value_is_refused(terms_dir: Path, tmp_path: Path) -> None:
    termbase = load_termbase(terms_dir)
    path = tmp_path / "review.xlsx"
    xlsx_format.export_xlsx(termbase, path)
    _sheet_edit(path, "太阳能电池", "note", '=CONCAT("a","b")')  # openpyxl saves no cached value
    review = read_review_file(path)
    assert [error.line for error in review.errors] and "formula without a computed value" in review.errors[
        0
    ].message
    report = plan_import(termbase, review)
    with pytest.raises(Exception, match="nothing was changed"):
        apply_import(termbase, report, terms_dir)
    assert load_termbase(terms_dir)["太阳能电池"].note == termbase["太阳能电池"].note


# -- item 12: instructions, read-only columns, spare rows as text ---------------------------------
def test_review_sheet_layout(terms_dir: Path, tmp_path: Path) -> None:
    termbase = load_termbase(terms_dir)
    path = tmp_path / "review.xlsx"
    xlsx_format.export_xlsx(termbase, path)
    workbook = load_workbook(path)
    assert workbook.sheetnames[:2] == [xlsx_format.SHEET_TITLE, xlsx_format.INSTRUCTIONS_TITLE]
    assert workbook[xlsx_format.BASE_TITLE].sheet_state == "hidden"
    assert "conflict" in " ".join(str(c.value) for c in workbook[xlsx_format.INSTRUCTIONS_TITLE]["A"])
    sheet = workbook[xlsx_format.SHEET_TITLE]
    assert sheet.protection.sheet
    header = [cell.value for cell in sheet[1]]
    file_column, en_column = header.index("file") + 1, header.index("en") + 1
    assert sheet.cell(row=2, column=file_column).protection.locked
    assert not sheet.cell(row=2, column=en_column).protection.locked
    assert sheet.cell(row=1, column=file_column).comment is not None
    spare = len(termbase) + 1 + 10
    assert sheet.cell(row=spare, column=header.index("sources") + 1).number_format == "@"
    assert not sheet.cell(row=spare, column=1).protection.locked


def test_a_typed_direction_id_in_a_spare_row_stays_text(terms_dir: Path, tmp_path: Path) -> None:
    termbase = load_termbase(terms_dir)
    path = tmp_path / "review.xlsx"
    xlsx_format.export_xlsx(termbase, path)
    workbook = load_workbook(path)
    sheet = workbook[xlsx_format.SHEET_TITLE]
    header = [cell.value for cell in sheet[1]]
    row = len(termbase) + 2
    for column, value in (("zh", "新术语"), ("en", "new term"), ("status", "proposed"), ("sources", "1.10")):
        sheet.cell(row=row, column=header.index(column) + 1, value=value)
    workbook.save(path)
    [added] = plan_import(termbase, read_review_file(path)).added
    assert added.after is not None and added.after.sources == ("1.10",)


# -- the review sheet's optimistic concurrency -------------------------------------------------------
def test_stale_review_sheet_never_reverts_the_termbase(terms_dir: Path, tmp_path: Path) -> None:
    termbase = load_termbase(terms_dir)
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    xlsx_format.export_xlsx(termbase, a)
    xlsx_format.export_xlsx(termbase, b)
    _sheet_edit(b, "钙钛矿", "en", "perovskite (B)")
    apply_import(termbase, plan_import(termbase, read_review_file(b)), terms_dir)
    now = load_termbase(terms_dir)
    # A untouched: nothing to do, nothing written.
    report = plan_import(now, read_review_file(a))
    assert report.changed == [] and report.conflicts == [] and apply_import(now, report, terms_dir) == []
    # A edits the same entry: a conflict with both values, applied only with force.
    _sheet_edit(a, "钙钛矿", "en", "perovskite (A)")
    report = plan_import(now, read_review_file(a))
    [conflict] = report.conflicts
    assert conflict.before is not None and conflict.after is not None
    assert (conflict.before.en, conflict.after.en) == ("perovskite (B)", "perovskite (A)")
    assert apply_import(now, report, terms_dir) == []
    assert load_termbase(terms_dir)["钙钛矿"].en == "perovskite (B)"
    forced = plan_import(now, read_review_file(a), force=True)
    apply_import(now, forced, terms_dir)
    assert load_termbase(terms_dir)["钙钛矿"].en == "perovskite (A)"


def test_entry_added_after_export_is_not_deleted_in_file(terms_dir: Path, tmp_path: Path) -> None:
    termbase = load_termbase(terms_dir)
    path = tmp_path / "a.xlsx"
    xlsx_format.export_xlsx(termbase, path)
    grown = Termbase([*termbase, TermEntry("新增", "added", origin="00-general.csv")], folder=terms_dir)
    report = plan_import(grown, read_review_file(path))
    assert "新增" not in [c.zh for c in report.deleted_in_file]


# -- item 13: stable files ----------------------------------------------------------------------
def test_noop_and_conflicts_only_imports_rewrite_nothing(tmp_path: Path) -> None:
    unsorted = HEADER + "甲,a,approved,,,,,false,,\n乙,b,approved,,,,,false,,\n"
    folder = write_terms(tmp_path / "terms", {"00-general.csv": unsorted})
    assert render_term_file(load_termbase(folder)) != unsorted  # not in the writer's order
    termbase = load_termbase(folder)
    review = tmp_path / "r.csv"
    csv_format.export_csv(termbase, review)
    report = plan_import(termbase, read_review_file(review))
    assert apply_import(termbase, report, folder) == []
    assert (folder / "00-general.csv").read_text(encoding="utf-8") == unsorted


def test_gettext_headers_carry_the_project_name() -> None:
    locale = Path(__file__).parents[2] / "generator" / "render" / "locale"
    catalogs = [*locale.glob("*.pot"), *locale.glob("*/LC_MESSAGES/*.po")]
    assert catalogs
    for path in catalogs:
        text = path.read_text(encoding="utf-8")
        assert '"Project-Id-Version: callpack' in text, path
        assert "PROJECT" not in text and "FIRST AUTHOR" not in text, path


# -- item 9: TBX 2008, stable ids, honest statuses, languages -------------------------------------
def test_concept_ids_are_stable_when_a_term_is_added(terms_dir: Path) -> None:
    termbase = load_termbase(terms_dir)
    ids = {
        c.get("id")
        for c in tbx_format.build_tbx(termbase).getroot().iter(f"{{{tbx_format.TBX_NAMESPACE}}}conceptEntry")
    }
    grown = [*termbase, TermEntry("一", "one")]  # sorts first
    ids_after = {
        c.get("id")
        for c in tbx_format.build_tbx(grown).getroot().iter(f"{{{tbx_format.TBX_NAMESPACE}}}conceptEntry")
    }
    assert ids < ids_after and len(ids_after - ids) == 1


def test_statuses_are_honest(terms_dir: Path) -> None:
    entries = [
        TermEntry("甲", "a", Status.PROPOSED, variants=("a2",)),
        TermEntry("乙", "b", Status.DEPRECATED, variants=("b2",), forbidden=("bad",)),
        TermEntry("丙", "c", Status.APPROVED, variants=("c2",)),
    ]
    assert tbx_format.english_terms(entries[0]) == [("a", tbx_format.ADMITTED), ("a2", tbx_format.ADMITTED)]
    assert tbx_format.english_terms(entries[1]) == [
        ("b", tbx_format.SUPERSEDED),
        ("b2", tbx_format.SUPERSEDED),
        ("bad", tbx_format.DEPRECATED),
    ]
    assert tbx_format.english_terms(entries[2])[0] == ("c", tbx_format.PREFERRED)


@pytest.mark.parametrize("version", ["tbx", "tbx2008"])
def test_tbx_round_trip_with_regional_languages(terms_dir: Path, tmp_path: Path, version: str) -> None:
    termbase = load_termbase(terms_dir)
    path = tmp_path / f"t.{version}.tbx"
    export = tbx_format.export_tbx if version == "tbx" else tbx_format.export_tbx2008
    export(termbase, path, None, "zh-CN", "en-GB")
    text = path.read_text(encoding="utf-8")
    assert 'xml:lang="en-GB"' in text and 'xml:lang="zh-CN"' in text
    review = read_review_file(path)
    assert review.errors == []
    back = {row.entry.zh: row.entry for row in review.rows}
    for entry in termbase:
        assert back[entry.zh] == entry, entry.zh


def test_tbx2008_reads_in_translate_toolkit(terms_dir: Path, tmp_path: Path) -> None:
    from translate.storage.tbx import tbxfile

    path = tmp_path / "t.tbx"
    tbx_format.export_tbx2008(load_termbase(terms_dir), path, None, "zh-CN", "en-GB")
    store = tbxfile.parsefile(str(path))
    pairs = {(unit.source, unit.target) for unit in store.units}
    assert ("钙钛矿", "perovskite") in pairs and len(store.units) == len(load_termbase(terms_dir))
    root = etree.parse(str(path)).getroot()
    assert root.tag == "martif" and root.get("type") == "TBX-Basic"


# -- layers (issue 13): the project's entries override the bundled ones; imports write the project layer
def test_layered_termbase_and_import_into_the_project_layer(terms_dir: Path, tmp_path: Path) -> None:
    project = write_terms(
        tmp_path / "project", {"project.csv": HEADER + "钙钛矿,perovskite (project),approved,,,,,false,,\n"}
    )
    layered = load_termbase_layers([terms_dir, project])
    assert layered["钙钛矿"].en == "perovskite (project)" and "太阳能电池" in layered.reference_zh
    before = {p.name: p.read_bytes() for p in terms_dir.glob("*.csv")}
    review = tmp_path / "r.csv"
    csv_format.export_csv(layered, review)
    review.write_text(
        review.read_text(encoding="utf-8").replace("solar cell,", "solar cell (project),", 1),
        encoding="utf-8",
    )
    report = plan_import(layered, read_review_file(review))
    assert [c.zh for c in report.changed] == ["太阳能电池"] and report.deleted_in_file == []
    written = apply_import(layered, report, project)
    assert all(path.parent == project for path in written)
    assert {p.name: p.read_bytes() for p in terms_dir.glob("*.csv")} == before  # reference untouched
    again = load_termbase_layers([terms_dir, project])
    assert again["太阳能电池"].en == "solar cell (project)" and again["钙钛矿"].en == "perovskite (project)"


def test_tbx2008_follows_the_subset_schema_which_can_fail(terms_dir: Path) -> None:
    tree = tbx_format.build_tbx2008(load_termbase(terms_dir), None, "zh-CN", "en-US")
    assert tbx_format.validate_tbx2008(tree) == []
    tig = tree.getroot().find("text/body/termEntry/langSet/tig")
    assert tig is not None
    etree.SubElement(tig, "term").text = "a second term"
    assert tbx_format.validate_tbx2008(tree)
