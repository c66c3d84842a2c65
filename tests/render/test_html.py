"""HTML: autoescaping, hostile guide text, flags, bilingual layout, every kind renders."""

from __future__ import annotations

import datetime as dt
import re

import lxml.html
import pytest

from generator.errors import RenderError
from generator.render.context import build_call_context
from generator.render.html import KIND_LANGUAGES, render_html

from .conftest import HOSTILE_IMG, HOSTILE_SCRIPT, HOSTILE_TEMPLATE


def _all_documents(call):
    for kind, langs in KIND_LANGUAGES.items():
        for lang in langs:
            yield render_html(kind, lang, call, None if kind == "whole" else "1.1")


def test_hostile_text_is_literal_everywhere(call):
    for document in _all_documents(call):
        root = lxml.html.document_fromstring(document.html)
        assert not root.xpath("//img"), document.kind
        assert not root.xpath("//script"), document.kind
        text = root.text_content()
        assert HOSTILE_IMG in text, (document.kind, document.lang)
        assert HOSTILE_TEMPLATE in text, (document.kind, document.lang)
        assert HOSTILE_SCRIPT in text, (document.kind, document.lang)
        assert "模板49" not in text and "template 49" not in text


def test_english_marks_untranslated_and_draft_text(call):
    html = render_html("call", "en", call, "1.1").html
    root = lxml.html.document_fromstring(html)
    flagged = root.xpath("//span[@class='untranslated']")
    assert any("印刷制备大面积钙钛矿薄膜" in span.text_content() for span in flagged)
    assert all("[Untranslated — Chinese original]" in span.text_content() for span in flagged)
    drafts = root.xpath("//span[@class='draft']")
    assert any("Study of electrode structures" in span.text_content() for span in drafts)
    assert "Machine-translated draft" in html


def test_fully_untranslated_paragraph_is_a_flagged_box(call):
    root = lxml.html.document_fromstring(render_html("call", "en", call, "1.2").html)
    boxes = root.xpath("//div[contains(@class,'untranslated-box')]")
    assert any("开展CO₂催化转化研究" in box.text_content() for box in boxes)


def test_bilingual_pairs_paragraphs_side_by_side(call):
    root = lxml.html.document_fromstring(render_html("call", "bilingual", call, "1.1").html)
    rows = root.xpath("//table[contains(@class,'parallel')]/tbody/tr")
    pairs = [
        (r.xpath("./td[@class='zh']")[0].text_content(), r.xpath("./td[@class='en']")[0].text_content())
        for r in rows
    ]
    assert any(zh.startswith("设计生产大面积") and en.startswith("Design and produce") for zh, en in pairs)
    assert any(
        "研究内容" in h.text_content() and "Research content" in h.text_content() for h in root.xpath("//h2")
    )


def test_call_pack_has_the_required_parts(call):
    text = lxml.html.document_fromstring(render_html("call", "en", call, "1.2").html).text_content()
    for expected in (
        "Research content",
        "Assessment indicators",
        "Keywords",
        "Number of projects to be supported",
        "Other requirements",
        "Basic research",
        "alternatives",
        "Yes: an enterprise must lead the project",
        "CNY 360 million",
        "RMB 360,000,000",
        "The Chinese text of the guide published by the Ministry of Science and Technology prevails",
        "no more than 10 in total",
        "normally no more than 3 years",
    ):
        assert expected in text, expected


def test_chinese_call_pack_uses_the_zh_catalog(call):
    html = render_html("call", "zh", call, "1.1").html
    assert 'lang="zh-CN"' in html
    text = lxml.html.document_fromstring(html).text_content()
    for expected in ("研究内容", "考核指标", "关键词", "3.6亿元", "2026年11月25日", "共性关键技术类"):
        assert expected in text, expected
    assert "Research content" not in text
    # The Chinese pack is the original, typeset: it must not call itself a translation.
    assert "非官方译本" not in text and "以正式发布的指南文本为准" in text
    assert "非官方译本" in lxml.html.document_fromstring(render_html("call", "bilingual", call, "1.1").html).text_content()


def test_agreement_has_every_clause_and_marked_blanks(call):
    html = render_html("agreement", "bilingual", call, "1.1").html
    root = lxml.html.document_fromstring(html)
    headings = " ".join(h.text_content() for h in root.xpath("//h2"))
    for clause in (
        "Parties",
        "Recitals",
        "Definitions",
        "Purpose and scope",
        "Entry into force and term",
        "Roles and obligations of the Parties",
        "Governance",
        "Contributions and funding",
        "Background",
        "Ownership of Results",
        "Access rights",
        "Confidentiality",
        "Publications",
        "Liability",
        "Withdrawal and accession",
        "Governing law and disputes",
        "Language",
        "Signatures",
        "Annex A",
    ):
        assert clause in headings, clause
    for zh in ("协议各方", "定义", "背景知识产权", "签署"):
        assert zh in headings
    text = root.text_content()
    for term in ("“Background”", "“Results”", "“Access Rights”", "“Confidential Information”"):
        assert term in text
    blanks = [b.text_content() for b in root.xpath("//span[contains(@class,'blank')]")]
    assert "[Name of the lead institution]" in blanks
    assert "[Name of the foreign partner institution]" in blanks
    assert "[国（境）外合作单位名称]" in blanks
    assert "at least 3:1" in text and "CNY 360 million" in text
    assert "direction 1.1" in text and "Joint R&D of flexible perovskite solar cells" in text
    assert "“Strategic Science and Technology Innovation Cooperation”" in text


def test_briefing_shows_every_indicator_in_full_and_no_unconfirmed_values(call):
    root = lxml.html.document_fromstring(render_html("briefing", "en", call, "1.1", detail=3).html)
    values = [
        v.text_content() for v in root.xpath("//table[contains(@class,'indicators')]//span[@class='value']")
    ]
    # Indicator 1 is partly a machine draft: its targets are not certain, so none are shown.
    assert values == []
    cells = root.xpath("//table[contains(@class,'indicators')]//td[contains(@class,'values')]")
    assert "see the indicator text" in cells[0].text_content()
    text = " ".join(root.text_content().replace("\u00a0", " ").split())
    # Full text even at the most compact detail level: nothing after the first clause is cut.
    assert "After 1000 hours of continuous illumination, efficiency decay < 10%." in text
    assert [th.get("scope") for th in root.xpath("//table[contains(@class,'indicators')]//thead//th")] == [
        "col",
        "col",
        "col",
    ]


def test_briefing_summary_says_so(call):
    html = render_html("briefing", "en", call, "1.1", detail=1).html
    root = lxml.html.document_fromstring(html)
    assert root.find_class("summarized"), "a shortened research content must say so"
    assert "full research content is in the call pack" in root.text_content()


def test_translator_notes_are_printed(call):
    for kind, lang in (("call", "en"), ("call", "bilingual"), ("briefing", "en")):
        root = lxml.html.document_fromstring(render_html(kind, lang, call, "1.1").html)
        notes = [n.text_content() for n in root.find_class("tnote")]
        assert any("photoelectric conversion efficiency" in n for n in notes), (kind, lang)
        # The Chinese quoted in a note is tagged.
        assert root.xpath("//*[contains(@class,'tnote')]//span[@lang='zh-CN' and text()='光电转换效率']")


def test_call_information_absent_is_marked_never_invented(call):
    root = lxml.html.document_fromstring(render_html("call", "en", call, "1.1").html)
    info = root.find_class("call-info")[0].text_content()
    assert info.count("To be completed by the issuing office") == 1  # one marked line lists them all
    for name in ("Call identifier", "Deadline", "How to apply", "Where to apply", "Contact", "Funding of the foreign partners"):
        assert name in root.find_class("tbc-fields")[0].text_content()
    assert call.title.zh in info  # the English pack shows the Chinese title


def test_chinese_pack_labels_call_information_in_chinese(call):
    root = lxml.html.document_fromstring(render_html("call", "zh", call, "1.1").html)
    info = root.find_class("call-info")[0].text_content()
    assert "申报信息" in info and "待主管部门补充" in info and "申报截止日期" in info
    assert "Deadline" not in info


def test_call_information_from_settings(guide):
    from generator.settings import CallInfo

    from .conftest import ISSUED, make_translations

    info = CallInfo(id="STIC-2027-01", deadline=dt.date(2027, 3, 31), portal="https://service.most.gov.cn/")
    call = build_call_context(guide, make_translations(guide), issued=ISSUED, info=info)
    for kind in ("call", "briefing"):
        text = lxml.html.document_fromstring(render_html(kind, "en", call, "1.1").html).text_content()
        assert "STIC-2027-01" in text and "March 31, 2027" in text and "https://service.most.gov.cn/" in text
        missing = lxml.html.document_fromstring(render_html(kind, "en", call, "1.1").html).find_class("tbc-fields")
        assert "Call identifier" not in missing[0].text_content() and "Contact" in missing[0].text_content()


def test_numbers_keep_their_units_on_one_line(call):
    html = render_html("call", "en", call, "1.1").html
    assert "≥\u00a020%" in html and "1000\u00a0hours" in html and "< 10%" not in html


def test_whole_call_has_contents_and_every_direction(call):
    html = render_html("whole", "en", call).html
    root = lxml.html.document_fromstring(html)
    links = [a.get("href") for a in root.xpath("//nav[contains(@class,'toc')]//a")]
    assert "#d-1.1" in links and "#d-1.2" in links
    assert root.xpath("//*[@id='d-1.1']") and root.xpath("//*[@id='d-1.2']")


def test_metadata_in_head(call):
    html = render_html("call", "en", call, "1.1").html
    root = lxml.html.document_fromstring(html)
    assert root.find(".//title").text == "Call pack, direction 1.1"
    assert root.xpath("//meta[@name='keywords']/@content") == ["flexible, perovskite solar cell"]
    assert re.search(r'<html lang="en">', html)


def test_unknown_kind_or_language_is_a_render_error(call):
    with pytest.raises(RenderError):
        render_html("poster", "en", call, "1.1")
    with pytest.raises(RenderError):
        render_html("briefing", "zh", call, "1.1")


def test_bilingual_english_column_flags_without_repeating_the_chinese(call):
    root = lxml.html.document_fromstring(render_html("call", "bilingual", call, "1.1").html)
    cells = [td.text_content() for td in root.xpath("//table[contains(@class,'parallel')]//td[@class='en']")]
    index = next(i for i, cell in enumerate(cells) if "Study of electrode structures" in cell)
    # Segment by segment: the untranslated next segment has its own row, flagged, beside its Chinese.
    assert "Untranslated" in cells[index + 1]
    assert "印刷制备" not in cells[index] + cells[index + 1]
    rows = root.xpath("//table[contains(@class,'parallel')]//tr[contains(@class,'seg')]")
    zh_cells = [row.xpath("td[@class='zh']")[0].text_content() for row in rows]
    assert any(cell.endswith("印刷制备大面积钙钛矿薄膜。") and "电极结构" not in cell for cell in zh_cells)


def test_every_table_header_cell_has_a_scope(call):
    for document in _all_documents(call):
        root = lxml.html.document_fromstring(document.html)
        unscoped = [th.text_content()[:40] for th in root.xpath("//th[not(@scope)]")]
        assert not unscoped, (document.kind, document.lang, unscoped)
