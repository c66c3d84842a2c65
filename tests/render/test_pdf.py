"""PDF: text in both languages, fonts embedded and covering every character, metadata, tags,
bookmarks, A4, page numbers, and a url_fetcher that fetches nothing but our own assets."""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pypdf
import pytest
from fontTools.ttLib import TTFont

from generator.render.fonts import document_fonts
from generator.render.html import render_html
from generator.render.pdf import AssetFetcher, asset_roots, layout_pdf

from .conftest import HOSTILE_IMG, HOSTILE_TEMPLATE

DOCUMENTS = [
    ("call", "en", "1.1"),
    ("call", "bilingual", "1.1"),
    ("briefing", "en", "1.1"),
    ("agreement", "bilingual", "1.2"),
    ("whole", "zh", None),
]


@pytest.fixture(scope="module")
def pdfs(call):
    made = {}
    for kind, lang, direction in DOCUMENTS:
        rendered = layout_pdf(render_html(kind, lang, call, direction).html)
        made[(kind, lang)] = (rendered.write(), rendered.fetcher)
    return made


def _flat(text: str) -> str:
    """Text without whitespace: lines wrap differently from the source."""
    return "".join(text.split())


def _has(text: str, expected: str) -> bool:
    return _flat(expected) in _flat(text)


def _text(data: bytes) -> str:
    if shutil.which("pdftotext"):
        result = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
        )
        return result.stdout.decode("utf-8")
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@cache
def _covered() -> frozenset[int]:
    codepoints: set[int] = set()
    for font in document_fonts():
        codepoints.update(TTFont(font.path, lazy=True)["cmap"].getBestCmap())
    return frozenset(codepoints)


def _embedded_fonts(reader: pypdf.PdfReader) -> dict[str, bool]:
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor else {}
                embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts[str(font["/BaseFont"])] = embedded
    return fonts


def test_text_in_both_languages(pdfs):
    en = _text(pdfs[("call", "en")][0])
    for expected in (
        "Research content",
        "Assessment indicators",
        "Joint R&D of flexible perovskite solar cells",
        "CNY 360 million",
        "Untranslated",
        "印刷制备大面积钙钛矿薄膜",
    ):
        assert _has(en, expected), expected
    bilingual = _text(pdfs[("call", "bilingual")][0])
    assert _has(bilingual, "研究内容") and _has(bilingual, "Research content")
    assert _has(bilingual, "设计生产大面积柔性钙钛矿太阳能电池模组")
    briefing = _text(pdfs[("briefing", "en")][0])
    assert _has(briefing, "Key indicators") and _has(briefing, "What a foreign partner would bring")
    agreement = _text(pdfs[("agreement", "bilingual")][0])
    for expected in (
        "Cooperation Agreement",
        "国际合作研究协议",
        "Governing law and disputes",
        "适用法律与争议解决",
    ):
        assert _has(agreement, expected), expected
    whole = _text(pdfs[("whole", "zh")][0])
    assert _has(whole, "目录") and _has(whole, "二氧化碳催化转化制高值化学品") and _has(whole, "3.6亿元")


def test_hostile_text_prints_literally_and_nothing_is_fetched(pdfs):
    en = _text(pdfs[("call", "en")][0])
    assert _has(en, HOSTILE_TEMPLATE)
    assert _has(en, HOSTILE_IMG)
    for _data, fetcher in pdfs.values():
        assert fetcher.refused == []


def test_fonts_embedded_subset_and_cover_every_character(pdfs):
    covered = _covered()
    for key, (data, _fetcher) in pdfs.items():
        reader = pypdf.PdfReader(io.BytesIO(data))
        fonts = _embedded_fonts(reader)
        assert fonts, key
        for name, embedded in fonts.items():
            assert embedded, (key, name)
            assert "+" in name, (key, name)  # subset prefix ABCDEF+
            assert "Callpack" in name, (key, name)  # only our own fonts, no system fallback
        missing = {ch for ch in _text(data) if not ch.isspace() and ord(ch) not in covered and ch != "\x0c"}
        assert not missing, (key, sorted(missing))


def test_metadata_tags_bookmarks_and_a4(pdfs):
    reader = pypdf.PdfReader(io.BytesIO(pdfs[("call", "en")][0]))
    metadata = reader.metadata
    assert metadata.title == "Call pack, direction 1.1"
    assert metadata.subject.startswith("1.1 Joint R&D")
    assert "perovskite solar cell" in (metadata.get("/Keywords") or "")
    root = reader.trailer["/Root"]
    assert str(root.get("/Lang")) == "en"
    assert "/StructTreeRoot" in root  # tagged PDF
    assert root["/MarkInfo"]["/Marked"]
    assert "/Metadata" in root  # XMP stream
    assert [item.title for item in reader.outline if not isinstance(item, list)]
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.28) < 1 and abs(float(box.height) - 841.89) < 1
    zh = pypdf.PdfReader(io.BytesIO(pdfs[("whole", "zh")][0]))
    assert str(zh.trailer["/Root"].get("/Lang")) == "zh-CN"
    assert len(zh.outline) > 3


def test_running_header_and_page_x_of_y(pdfs):
    data = pdfs[("call", "en")][0]
    pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
    text = _text(data)
    assert f"Page 2 of {pages}" in text
    assert _has(text, "1.1 Joint R&D of flexible perovskite solar cells")
    assert "1.1 · 1.1" not in text
    zh = _text(pdfs[("whole", "zh")][0])
    assert "第 2 页，共" in zh


def test_fetcher_serves_only_project_assets(tmp_path):
    fetcher = AssetFetcher(roots=asset_roots())
    font = document_fonts()[0].path
    assert fetcher.fetch(font.resolve().as_uri()).read()[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    for url in (outside.as_uri(), "file:///etc/passwd", "http://example.com/x.png", "data:text/plain,hi"):
        with pytest.raises(Exception):  # noqa: B017 - any refusal
            fetcher.fetch(url)
    assert len(fetcher.refused) == 4


def test_markup_that_asks_for_files_is_refused():
    html = (
        '<html><body><img src="file:///etc/passwd"><img src="https://example.com/a.png">'
        '<p style="background: url(file:///etc/hostname)">x</p></body></html>'
    )
    rendered = layout_pdf(html)
    assert rendered.pages == 1
    assert "file:///etc/passwd" in rendered.fetcher.refused
    assert any(url.startswith("https://example.com") for url in rendered.fetcher.refused)
    assert not rendered.fetcher.served or all(Path(u[7:]).suffix == ".ttf" for u in rendered.fetcher.served)


def test_chinese_passages_and_header_scopes_reach_the_pdf_structure():
    import re
    import zlib

    from generator.render.pdf import html_to_pdf

    html = (
        '<html lang="en"><body><p>English <span lang="zh-CN">中文</span></p><table><thead><tr>'
        '<th scope="col">A</th></tr></thead><tbody><tr><th scope="row">k</th><td>v</td></tr></tbody>'
        "</table></body></html>"
    )
    data = html_to_pdf(html)
    text = data
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        with contextlib.suppress(zlib.error):
            text += zlib.decompress(match.group(1))
    assert b"zh-CN" in set(re.findall(rb"/Lang\s*\(([^)]*)\)", text))
    assert set(re.findall(rb"/Scope\s*/(\w+)", text)) == {b"Column", b"Row"}
