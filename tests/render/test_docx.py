"""DOCX read back with python-docx: styles, East Asian fonts, A4, header rows, fields, properties."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from docx.oxml.ns import qn

from generator.render.docx import html_to_docx, meta_from_html
from generator.render.fonts import DOCX_EAST_ASIA_FONT
from generator.render.html import render_html

from .conftest import HOSTILE_IMG, HOSTILE_TEMPLATE

CREATED = dt.datetime(2026, 11, 25)


def _docx(call, kind, lang, direction="1.1"):
    html = render_html(kind, lang, call, direction).html
    data = html_to_docx(html, meta_from_html(html, lang, CREATED))
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def agreement(call):
    return _docx(call, "agreement", "bilingual")


@pytest.fixture(scope="module")
def call_en(call):
    return _docx(call, "call", "en")


def test_real_heading_styles(agreement, call_en):
    headings = [p for p in agreement.paragraphs if p.style.name.startswith("Heading")]
    names = {p.style.name for p in headings}
    assert {"Heading 1", "Heading 2"} <= names
    texts = [p.text for p in headings]
    assert any("协议各方" in t and "Parties" in t for t in texts)
    assert any("Signatures" in t for t in texts)
    assert any(
        p.style.name == "Heading 2" and p.text.startswith("Research content") for p in call_en.paragraphs
    )


def test_page_breaks_as_in_the_pdf(agreement):
    """Signatures and the first annex start a page; Annex A's sub-headings and later annexes do not."""
    breaking = [p.text for p in agreement.paragraphs if p.paragraph_format.page_break_before]
    assert len(breaking) == 2
    assert "Signatures" in breaking[0] and "Annex A" in breaking[1]
    annex_headings = [p.text for p in agreement.paragraphs if "Annex" in p.text and p.style.name == "Heading 2"]
    assert len(annex_headings) == 4


def test_east_asian_fonts_on_styles_and_runs(agreement):
    for name in ("Normal", "Heading 1", "Heading 2", "Title"):
        fonts = agreement.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == DOCX_EAST_ASIA_FONT, name
        assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:eastAsiaTheme")) is None, name
    chinese_runs = [
        r for p in agreement.paragraphs for r in p.runs if any("\u4e00" <= c <= "\u9fff" for c in r.text)
    ]
    assert chinese_runs
    for run in chinese_runs:
        assert run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == DOCX_EAST_ASIA_FONT
    defaults = agreement.styles.element.find(qn("w:docDefaults"))
    for fonts in defaults.iter(qn("w:rFonts")):
        assert fonts.get(qn("w:eastAsia")) == DOCX_EAST_ASIA_FONT


def test_a4_header_and_page_fields(agreement):
    section = agreement.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    footer = section.footer.paragraphs[0]._p
    instructions = [node.text.strip() for node in footer.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert "Page" in section.footer.paragraphs[0].text
    assert "1.1" in section.header.paragraphs[0].text


def test_tables_repeat_header_rows_and_have_fixed_widths(agreement):
    parallel = [t for t in agreement.tables if t.rows and t.rows[0].cells[0].text == "中文"]
    assert parallel
    for table in parallel:
        header = table.rows[0]._tr
        assert header.trPr is not None and header.trPr.find(qn("w:tblHeader")) is not None
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        assert not table.autofit


def test_blanks_are_marked_and_editable(agreement):
    highlighted = [
        r.text
        for p in agreement.tables[0].rows[1].cells[1].paragraphs
        for r in p.runs
        if r.font.highlight_color
    ]
    assert "[Name of the lead institution]" in highlighted


def test_core_properties(agreement, call_en):
    core = agreement.core_properties
    assert core.title.startswith("Cooperation agreement skeleton, direction 1.1")
    assert core.subject.startswith("1.1 ")
    assert core.author == "callpack" and core.language == "en-GB"
    assert call_en.core_properties.keywords == "flexible, perovskite solar cell"


def test_untranslated_and_hostile_text_survive_literally(call_en):
    text = "\n".join(p.text for p in call_en.paragraphs)
    assert "[Untranslated — Chinese original]" in text
    cells = "\n".join(c.text for t in call_en.tables for row in t.rows for c in row.cells)
    assert HOSTILE_IMG in text + cells and HOSTILE_TEMPLATE in text + cells


def test_control_characters_do_not_break_the_docx():
    html = "<html><head><title>t</title></head><body><p>a\x0cb\x1fc 中文</p></body></html>"
    data = html_to_docx(html, meta_from_html(html, "en", CREATED))
    assert docx.Document(io.BytesIO(data)).paragraphs[-1].text == "abc 中文"


def test_long_properties_are_shortened_not_fatal(call):
    html = render_html("whole", "en", call)
    meta = meta_from_html(html.html, "en", CREATED)
    long = meta.__class__(
        **{**meta.__dict__, "keywords": ", ".join(["Carbon capture, utilization and storage"] * 12)}
    )
    document = docx.Document(io.BytesIO(html_to_docx(html.html, long)))
    assert len(document.core_properties.keywords) == 255
    assert document.core_properties.keywords.endswith("…")


def test_whole_call_has_a_written_contents_list(call):
    document = _docx(call, "whole", "en", None)
    body = document.element.body
    instructions = " ".join(node.text or "" for node in body.iter(qn("w:instrText")))
    assert "TOC" not in instructions  # no field for Word to update
    texts = [p.text for p in document.paragraphs]
    assert not any("Update Field" in t for t in texts)
    anchors = [h.get(qn("w:anchor")) for h in body.iter(qn("w:hyperlink"))]
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert "_d_1_1" in anchors and "_d_1_2" in anchors and "_area_1" in anchors
    assert {"_d_1_1", "_d_1_2", "_area_1"} <= bookmarks  # every entry leads to its heading
    assert any(t.startswith("1.1 ") and "perovskite" in t for t in texts)


def test_identical_inputs_give_identical_docx_bytes(call, monkeypatch: pytest.MonkeyPatch):
    """python-docx dates zip entries with the clock; two builds seconds apart must still match."""
    import time
    import types
    import zipfile

    html = render_html("briefing", "en", call, "1.1").html
    meta = meta_from_html(html, "en", CREATED)
    outputs = []
    for clock in (1_700_000_000, 1_800_000_000):
        fake = types.SimpleNamespace(time=lambda clock=clock: float(clock), localtime=time.localtime)
        monkeypatch.setattr(zipfile, "time", fake)
        outputs.append(html_to_docx(html, meta))
    assert outputs[0] == outputs[1]
    with zipfile.ZipFile(io.BytesIO(outputs[0])) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 11, 25, 0, 0, 0)}
        assert archive.namelist()[0] == "[Content_Types].xml"
    properties = docx.Document(io.BytesIO(outputs[0])).core_properties
    assert properties.created == properties.modified == CREATED.replace(tzinfo=dt.UTC)
