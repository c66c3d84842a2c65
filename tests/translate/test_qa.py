from __future__ import annotations

import json
from pathlib import Path

from generator.segments import Provenance, Segment, State, Translation
from generator.translate.qa import check_segment, run_qa, write_report
from generator.translate.termbase import TermIndex


def seg(zh: str, segment_id: str = "1.1:indicators:0") -> Segment:
    scope, field, index = segment_id.split(":")
    return Segment(segment_id, scope, field, int(index), 0, zh)


def tr(
    segment: Segment, en: str | None, provenance: Provenance = Provenance.MT, note: str | None = None
) -> Translation:
    return Translation(segment.id, en, provenance, State.TRANSLATED if en else State.INITIAL, note)


ZH = "制备出光电转换效率≥20%的柔性钙钛矿太阳能电池。"
GOOD = "Produce flexible perovskite solar cells with a power conversion efficiency of ≥ 20%."


def checks(zh: str, en: str | None, terms: TermIndex, provenance: Provenance = Provenance.MT) -> set[str]:
    segment = seg(zh)
    return {finding.check for finding in check_segment(segment, tr(segment, en, provenance), terms)}


def test_a_good_translation_has_no_findings(terms: TermIndex) -> None:
    assert checks(ZH, GOOD, terms) == set()


def test_planted_errors_are_all_caught(terms: TermIndex) -> None:
    assert checks(ZH, GOOD.replace("20%", "25%"), terms) == {"numbers"}
    assert checks(ZH, GOOD.replace("flexible", "柔性"), terms) >= {"cjk", "glossary"}
    assert checks(ZH, GOOD + "（", terms) == {"cjk"}
    assert checks(ZH, GOOD.replace("perovskite solar cells", "perovskite batteries"), terms) == {"glossary"}
    assert checks(ZH, GOOD.replace("perovskite solar cells", "perovskite solar batteries"), terms) == {
        "glossary",
        "forbidden",
    }
    assert checks(ZH, "", terms) == {"empty"}
    assert checks(ZH, ZH, terms) >= {"same_as_source", "cjk"}
    assert checks(ZH, GOOD.replace("≥ 20%", "ZXB"), terms) >= {"placeholder", "numbers"}
    assert checks("库伦效率≥99.9%。", "Coulombic efficiency ≥ 99.9% (coulomb efficiency).", terms) == {
        "forbidden"
    }
    assert checks("1万平方公里", "10,000 km²", terms) == set()
    assert checks("CO₂排放降低30%~80%。", "CO₂ emissions reduced by 30%–80%.", terms) == set()


def test_untranslated_segments_are_counted_not_checked(terms: TermIndex) -> None:
    segment = seg(ZH)
    assert check_segment(segment, tr(segment, None, Provenance.UNTRANSLATED), terms) == []


def test_mt_issues_surface_as_warnings(terms: TermIndex) -> None:
    segment = seg(ZH)
    note = "mt: placeholder for quantity '≥20%' lost"
    findings = check_segment(segment, tr(segment, GOOD, Provenance.MT, note), terms)
    assert [(f.severity, f.check) for f in findings] == [("warning", "mt")]


def test_report_totals_per_direction_and_files(terms: TermIndex, isolated_state: Path) -> None:
    a = seg(ZH, "1.1:indicators:0")
    b = seg("项目由企业牵头申报。", "1.2:other_requirements:0")
    c = seg("<script>alert(1)</script>构筑器件。", "1.2:content:0")
    d = seg("项目由企业牵头申报。", "1.3:other_requirements:0")
    e = seg("构筑器件。", "1.3:content:0")
    translations = [
        tr(a, GOOD.replace("20%", "21%")),
        tr(b, "The project shall be led by an enterprise.", Provenance.REVIEWED),
        tr(c, "Build <b>2</b> device."),
        tr(d, "An enterprise leads.", Provenance.REVIEWED),
        tr(e, None, Provenance.UNTRANSLATED),
    ]
    report = run_qa([a, b, c, d, e], translations, terms, engine="fake")
    assert report.totals.segments == 5 and report.totals.untranslated == 1 and report.totals.errors == 2
    scopes = {s.scope: s for s in report.scopes}
    assert scopes["1.1"].errors == 1 and scopes["1.2"].errors == 1 and scopes["1.3"].untranslated == 1
    assert report.checks()["inconsistent"] == 2
    json_path, html_path = write_report(report)
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["totals"]["errors"] == 2 and {d["scope"] for d in data["directions"]} == {"1.1", "1.2", "1.3"}
    html = html_path.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "<b>2</b>" not in html
    assert (isolated_state / "qa" / "latest.json").exists()


def test_house_style_warnings(terms: TermIndex) -> None:
    title = Segment("1.1:title:0", "1.1", "title", 0, 0, "柔性器件合作研发")
    found = check_segment(
        title, tr(title, "Collaborative R&D on flexible devices.", Provenance.REVIEWED), terms
    )
    assert [f.check for f in found] == ["title_full_stop"]
    item = Segment("1.1:content:2", "1.1", "content", 2, 1, "柔性器件制备研究。", label="1")
    found = check_segment(item, tr(item, "(1) Fabrication of flexible devices.", Provenance.REVIEWED), terms)
    assert [f.check for f in found] == ["numbers", "label_repeated"]
    found = check_segment(item, tr(item, "Fabrication of  flexible devices. ", Provenance.REVIEWED), terms)
    assert [f.check for f in found] == ["whitespace"]
    assert check_segment(item, tr(item, "Fabrication of flexible devices.", Provenance.REVIEWED), terms) == []
