"""Export → import round trips, the translator's XLSX edit, TBX validation and XXE safety."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook

from generator.errors import GlossaryError
from generator.glossary import csv_format, tbx_format, xlsx_format
from generator.glossary.review import apply_import, plan_import, read_review_file
from generator.glossary.sources import Context, term_contexts
from generator.glossary.termbase import Status, load_termbase
from generator.segments import segment_guide

from .conftest import make_guide

EXPORTERS = {
    "csv": lambda termbase, path: csv_format.export_csv(termbase, path),
    "xlsx": lambda termbase, path: xlsx_format.export_xlsx(termbase, path),
    "tbx": lambda termbase, path: tbx_format.export_tbx(termbase, path),
}


@pytest.mark.parametrize("kind", sorted(EXPORTERS))
def test_round_trip_gives_the_same_termbase(terms_dir: Path, tmp_path: Path, kind: str) -> None:
    termbase = load_termbase(terms_dir)
    exported = tmp_path / f"review.{kind}"
    EXPORTERS[kind](termbase, exported)
    review = read_review_file(exported)
    assert review.errors == []
    assert sorted((row.entry for row in review.rows), key=lambda e: e.zh) == sorted(
        termbase, key=lambda e: e.zh
    )
    report = plan_import(termbase, review)
    assert (report.added, report.changed, report.deleted_in_file, report.conflicts) == ([], [], [], [])
    assert report.unchanged == len(termbase)
    before = {p.name: p.read_bytes() for p in terms_dir.glob("*.csv")}
    assert apply_import(termbase, report, terms_dir) == []
    assert {p.name: p.read_bytes() for p in terms_dir.glob("*.csv")} == before


def test_csv_export_header_and_rows(terms_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    csv_format.export_csv(load_termbase(terms_dir), out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("zh,en,status")
    assert len(lines) == 9
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_xlsx_layout(terms_dir: Path, tmp_path: Path) -> None:
    termbase = load_termbase(terms_dir)
    guide = make_guide()
    english = {
        "研究钙钛矿太阳能电池的光电转换效率提升方法；": "Investigate methods to raise the PCE of perovskite solar cells;"
    }
    contexts = term_contexts(termbase, segment_guide(guide), english)
    out = tmp_path / "review.xlsx"
    xlsx_format.export_xlsx(termbase, out, contexts)
    sheet = load_workbook(out).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["zh", "en", "status"] and "comment" in header
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:")
    validations = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert '"proposed,approved,deprecated"' in validations
    status_column = header.index("status") + 1
    status_letter = sheet.cell(row=1, column=status_column).column_letter
    status_validation = next(
        dv for dv in sheet.data_validations.dataValidation if dv.formula1 == '"proposed,approved,deprecated"'
    )
    assert f"{status_letter}2" in str(status_validation.sqref)
    assert sheet.column_dimensions["B"].width >= 30
    rows = {
        row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    psc = rows["光电转换效率"]
    assert psc["context 1 direction"] == "1.1"
    assert psc["context 1 zh"] == "研究钙钛矿太阳能电池的光电转换效率提升方法；"
    assert psc["context 1 en"] == english["研究钙钛矿太阳能电池的光电转换效率提升方法；"]
    assert psc["context 2 zh"] == "光电转换效率不低于25%，形成原理样机1台。"
    assert psc["context 2 en"] in (None, "")
    assert rows["原理样机"]["sources"] == "1.1 | 2.1"
    assert rows["原理样机"]["file"] == "00-general.csv"


def _edit_workbook(path: Path, edits: dict[str, dict[str, str]], delete: str | None) -> dict[str, int]:
    """Edit cells by zh and column name like a translator would; returns the row of each zh."""
    workbook = load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    row_of = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    for zh, changes in edits.items():
        for column, value in changes.items():
            sheet.cell(row=row_of[zh], column=header.index(column) + 1, value=value)
    if delete is not None:
        sheet.delete_rows(row_of[delete])
        row_of = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    workbook.save(path)
    return {str(k): v for k, v in row_of.items()}


def test_translator_edited_xlsx(terms_dir: Path, tmp_path: Path) -> None:
    termbase = load_termbase(terms_dir)
    out = tmp_path / "review.xlsx"
    xlsx_format.export_xlsx(termbase, out)
    before = {p.name: p.read_bytes() for p in terms_dir.glob("*.csv")}
    rows = _edit_workbook(
        out,
        {
            "锌离子储能电池": {"status": "approved", "comment": "checked with IEC 60050"},  # status changed
            "太阳能电池": {"en": "solar cell", "variants": "solar cells"},  # term corrected
            "钙钛矿": {"status": "aproved"},  # bad status typed
        },
        delete="旧术语",  # row deleted
    )
    report = plan_import(termbase, read_review_file(out))
    assert [(Path(e.path or "").name, e.line) for e in report.errors] == [("review.xlsx", rows["钙钛矿"])]
    assert "unknown status 'aproved'" in report.errors[0].message
    assert [c.zh for c in report.changed] == ["太阳能电池", "锌离子储能电池"]
    assert [c.zh for c in report.deleted_in_file] == ["旧术语"]
    assert report.added == [] and report.conflicts == []
    with pytest.raises(GlossaryError, match="nothing was changed"):
        apply_import(termbase, report, terms_dir)
    assert {p.name: p.read_bytes() for p in terms_dir.glob("*.csv")} == before

    # The translator fixes the typo: now the import applies, and the deleted row is only reported.
    _edit_workbook(out, {"钙钛矿": {"status": "approved"}}, delete=None)
    report = plan_import(termbase, read_review_file(out))
    assert report.errors == []
    changed = {c.zh: c.fields for c in report.changed}
    # Issue 11 item 6: the reviewer's comment is kept, in the entry's note.
    assert changed == {"太阳能电池": ("variants",), "锌离子储能电池": ("status", "note")}
    assert report.changed[1].comment == "checked with IEC 60050"
    assert report.changed[1].after is not None
    assert report.changed[1].after.note.endswith("[review: checked with IEC 60050]")
    assert [c.zh for c in report.deleted_in_file] == ["旧术语"]
    written = apply_import(termbase, report, terms_dir)
    assert {p.name for p in written} == {"01-new-energy.csv"}
    after = load_termbase(terms_dir)
    assert after["锌离子储能电池"].status is Status.APPROVED
    assert after["太阳能电池"].variants == ("solar cells",)
    assert "旧术语" in after  # deletions need --delete
    assert (terms_dir / "00-general.csv").read_bytes() == before["00-general.csv"]

    report = plan_import(after, read_review_file(out))
    apply_import(after, report, terms_dir, delete=True)
    assert "旧术语" not in load_termbase(terms_dir)


def test_proposed_never_replaces_approved(terms_dir: Path, tmp_path: Path) -> None:
    termbase = load_termbase(terms_dir)
    review_csv = tmp_path / "review.csv"
    csv_format.export_csv(termbase, review_csv)
    text = review_csv.read_text(encoding="utf-8")
    text = text.replace("钙钛矿,perovskite,approved", "钙钛矿,perovskite material,proposed")
    text += "叠层电池组件,tandem cell module,proposed,,,photovoltaics,noun,false,1.1,new\n"
    review_csv.write_text(text, encoding="utf-8")
    report = plan_import(termbase, read_review_file(review_csv))
    assert [c.zh for c in report.conflicts] == ["钙钛矿"]
    assert report.conflicts[0].fields == ("en", "status")
    assert [c.zh for c in report.added] == ["叠层电池组件"]
    assert report.added[0].after is not None and report.added[0].after.origin == "01-new-energy.csv"
    apply_import(termbase, report, terms_dir)
    after = load_termbase(terms_dir)
    assert after["钙钛矿"].en == "perovskite" and after["钙钛矿"].status is Status.APPROVED
    assert after["叠层电池组件"].origin == "01-new-energy.csv"


def test_csv_review_errors_name_rows(terms_dir: Path, tmp_path: Path) -> None:
    review_csv = tmp_path / "review.csv"
    csv_format.export_csv(load_termbase(terms_dir), review_csv)
    lines = review_csv.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",noun,", ",nounish,")
    lines.append("钙钛矿,perovskite,approved,,,,noun,false,1.1,\n")  # duplicate of row 7
    review_csv.write_text("".join(lines), encoding="utf-8")
    report = plan_import(load_termbase(terms_dir), read_review_file(review_csv))
    assert [(e.line, e.message.split(" ")[0]) for e in report.errors] == [(4, "bad"), (10, "duplicate")]
    assert "also at row 7" in report.errors[1].message


def test_tbx_structure_and_schema(terms_dir: Path, tmp_path: Path) -> None:
    termbase = load_termbase(terms_dir)
    contexts = {"钙钛矿": [Context("钙钛矿材料研究。", "1.1", "1.1:content:0")]}
    out = tmp_path / "t.tbx"
    tbx_format.export_tbx(termbase, out, contexts)
    tree = etree.parse(str(out))
    root = tree.getroot()
    ns = {"t": tbx_format.TBX_NAMESPACE}
    assert root.get("type") == "TBX-Basic" and root.get("style") == "dca"
    concepts = root.findall(".//t:conceptEntry", ns)
    assert len(concepts) == len(termbase)
    psc = next(
        c for c in concepts if c.findtext("t:langSec/t:termSec/t:term", namespaces=ns) == "光电转换效率"
    )
    english = psc.find("t:langSec[@xml:lang='en']", {**ns, "xml": "http://www.w3.org/XML/1998/namespace"})
    assert english is not None
    statuses = [
        (
            sec.findtext("t:term", namespaces=ns),
            sec.findtext("t:termNote[@type='administrativeStatus']", namespaces=ns),
        )
        for sec in english.findall("t:termSec", ns)
    ]
    assert statuses == [
        ("photoelectric conversion efficiency", "preferredTerm-admn-sts"),
        ("power conversion efficiency", "admittedTerm-admn-sts"),
        ("PCE", "admittedTerm-admn-sts"),
        ("photoelectric transformation efficiency", "deprecatedTerm-admn-sts"),
    ]
    assert psc.findtext("t:descrip[@type='subjectField']", namespaces=ns) == "photovoltaics"
    assert "callpack-status: approved" in [n.text for n in psc.findall("t:note", ns)]
    assert english.findtext("t:note", namespaces=ns) == "Ratio of electrical output to incident light power."
    perovskite = next(
        c for c in concepts if c.findtext("t:langSec/t:termSec/t:term", namespaces=ns) == "钙钛矿"
    )
    assert perovskite.findtext(".//t:descrip[@type='context']", namespaces=ns) == "钙钛矿材料研究。"
    assert tbx_format.validate_tbx(tree) == []


def test_tbx_schema_can_fail(terms_dir: Path, tmp_path: Path) -> None:
    tree = tbx_format.build_tbx(load_termbase(terms_dir))
    ns = {"t": tbx_format.TBX_NAMESPACE}
    note = tree.getroot().find(".//t:termNote[@type='administrativeStatus']", ns)
    assert note is not None
    note.text = "forbiddenTerm"
    assert tbx_format.validate_tbx(tree)
    tree = tbx_format.build_tbx(load_termbase(terms_dir))
    term_sec = tree.getroot().find(".//t:termSec", ns)
    assert term_sec is not None
    etree.SubElement(term_sec, f"{{{tbx_format.TBX_NAMESPACE}}}bogus")
    assert tbx_format.validate_tbx(tree)


def test_tbx_export_of_empty_termbase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="empty"):
        tbx_format.export_tbx([], tmp_path / "empty.tbx")
    assert not (tmp_path / "empty.tbx").exists()


XXE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tbx [<!ENTITY xxe SYSTEM "file://{secret}">]>
<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" xml:lang="en">
<text><body><conceptEntry id="c1"><note>callpack-status: approved</note>
<langSec xml:lang="zh"><termSec><term>钙钛矿</term></termSec></langSec>
<langSec xml:lang="en"><termSec><term>&xxe;</term></termSec></langSec>
</conceptEntry></body></text></tbx>
"""


def test_tbx_import_never_resolves_entities(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    payload = tmp_path / "evil.tbx"
    payload.write_text(XXE.format(secret=secret), encoding="utf-8")
    review = read_review_file(payload)
    assert review.rows == []
    assert review.errors and "DOCTYPE" in review.errors[0].message
    # Even the bare parser leaves the entity unresolved.
    tree = etree.parse(str(payload), tbx_format.safe_parser())
    assert "TOP-SECRET-VALUE" not in etree.tostring(tree, encoding="unicode")


def test_tbx_billion_laughs_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.tbx"
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    bomb.write_text(f'<?xml version="1.0"?><!DOCTYPE tbx [{entities}]><tbx>&i;</tbx>', encoding="utf-8")
    review = read_review_file(bomb)
    assert review.rows == [] and review.errors


def test_tbx_import_errors_name_lines(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tbx"
    bad.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" xml:lang="en">
<text><body>
<conceptEntry id="c1"><note>callpack-status: approved</note>
<langSec xml:lang="zh"><termSec><term>钙钛矿</term></termSec></langSec>
</conceptEntry>
<conceptEntry id="c2"><note>callpack-status: approved</note>
<langSec xml:lang="zh"><termSec><term>太阳能电池</term></termSec></langSec>
<langSec xml:lang="en"><termSec><term>solar cell</term>
<termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec></langSec>
</conceptEntry>
</body></text></tbx>
""",
        encoding="utf-8",
    )
    review = read_review_file(bad)
    assert [(e.line, "empty en" in e.message) for e in review.errors] == [(4, True)]
    assert [row.entry.zh for row in review.rows] == ["太阳能电池"]
    broken = tmp_path / "broken.tbx"
    broken.write_text("<tbx><text>\n<body></text></tbx>", encoding="utf-8")
    review = read_review_file(broken)
    assert review.errors and review.errors[0].line == 2


def test_not_a_workbook(tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("zh,en\n", encoding="utf-8")
    review = read_review_file(fake)
    assert review.errors and "not an XLSX" in review.errors[0].message
    with pytest.raises(GlossaryError, match="unknown review file type"):
        other = tmp_path / "x.ods"
        other.write_text("", encoding="utf-8")
        read_review_file(other)


@pytest.mark.parametrize("kind", sorted(EXPORTERS))
def test_no_break_spaces_survive_the_round_trip(tmp_path: Path, kind: str) -> None:
    terms_dir = tmp_path / "terms"
    terms_dir.mkdir()
    (terms_dir / "t.csv").write_text(
        "zh,en,status,variants,forbidden,domain,pos,case_sensitive,sources,note\n"
        "钕玻璃,Nd\u00a0glass,approved,,,,,,,\n",
        encoding="utf-8",
    )
    termbase = load_termbase(terms_dir)
    exported = tmp_path / f"review.{kind}"
    EXPORTERS[kind](termbase, exported)
    assert [row.entry.en for row in read_review_file(exported).rows] == ["Nd\u00a0glass"]
    assert plan_import(termbase, read_review_file(exported)).changed == []
