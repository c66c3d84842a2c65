"""DOCX from the same HTML the PDF is made from, so the two never drift apart.

The converter knows the small vocabulary our templates use (headings, paragraphs, lists, tables,
the cover, flagged spans, blanks) and maps it onto real Word styles: Heading 1–4 (navigation pane
and TOC work), a repeating table header row, East Asian fonts on every style and run, A4 pages,
PAGE/NUMPAGES fields in the footer and core properties.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import lxml.html
from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK, WD_COLOR_INDEX, WD_PARAGRAPH_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml.html import HtmlElement

from .fonts import DOCX_EAST_ASIA_FONT, DOCX_LATIN_FONT

NAVY = RGBColor(0x12, 0x35, 0x5B)
ACCENT = RGBColor(0x1F, 0x6F, 0x8B)
MUTED = RGBColor(0x5B, 0x67, 0x70)
FLAG = RGBColor(0x9B, 0x2C, 0x2C)
DRAFT = RGBColor(0x6B, 0x4F, 0x00)
PAGE_WIDTH_MM = 210
MARGIN_LEFT_MM = 22
MARGIN_RIGHT_MM = 20
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
_SPACE = re.compile(r"\s+")
# Characters XML 1.0 forbids; a stray form feed from PDF extraction must not break the DOCX.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class DocxMeta:
    title: str
    subject: str
    keywords: str
    lang: str  # en, zh, bilingual
    running_title: str
    page_before: str
    page_middle: str
    page_after: str
    created: dt.datetime | None
    # The document's own statement of what it is (the PDF footer note): agreements are not translations.
    note: str = "Unofficial translation. The Chinese text prevails."
    category: str = "Call for proposals"
    # Printed in the footer of every page (agreements: what the skeleton is and what governs).
    footer_note: str = ""


@dataclass(frozen=True)
class RunStyle:
    bold: bool = False
    italic: bool = False
    color: RGBColor | None = None
    highlight: WD_COLOR_INDEX | None = None
    underline: bool = False
    size: float | None = None


# --- fonts and styles ------------------------------------------------------------------------


def set_run_fonts(
    element: object, latin: str = DOCX_LATIN_FONT, east_asia: str = DOCX_EAST_ASIA_FONT
) -> None:
    """Write w:rFonts with ascii, hAnsi, eastAsia and cs, and drop theme fonts that would win."""
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)


def _set_language(element: object, lang: str) -> None:
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    node = rpr.find(qn("w:lang"))
    if node is None:
        node = OxmlElement("w:lang")
        rpr.append(node)
    node.set(qn("w:val"), "zh-CN" if lang == "zh" else "en-GB")
    node.set(qn("w:eastAsia"), "zh-CN")


def _doc_defaults_fonts(document: Document) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        return
    for fonts in defaults.iter(qn("w:rFonts")):
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attribute), None)
        fonts.set(qn("w:ascii"), DOCX_LATIN_FONT)
        fonts.set(qn("w:hAnsi"), DOCX_LATIN_FONT)
        fonts.set(qn("w:eastAsia"), DOCX_EAST_ASIA_FONT)
        fonts.set(qn("w:cs"), DOCX_LATIN_FONT)


def _style(
    document: Document, name: str, base: str = "Normal", kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH
) -> Any:
    styles = document.styles
    try:
        return styles[name]
    except KeyError:
        style = styles.add_style(name, kind)
        style.base_style = styles[base]
        return style


def _prepare_styles(document: Document, lang: str) -> None:
    _doc_defaults_fonts(document)
    normal = document.styles["Normal"]
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.2
    set_run_fonts(normal.element)
    _set_language(normal.element, "zh" if lang == "zh" else "en")
    for level, size in ((1, 16), (2, 12.5), (3, 11), (4, 10)):
        heading = document.styles[f"Heading {level}"]
        heading.font.size = Pt(size)
        heading.font.bold = True
        heading.font.italic = False
        heading.font.color.rgb = NAVY
        heading.paragraph_format.space_before = Pt(14 if level <= 2 else 10)
        heading.paragraph_format.space_after = Pt(4)
        heading.paragraph_format.keep_with_next = True
        set_run_fonts(heading.element)
    for name, size, color in (("Title", 24, NAVY), ("Subtitle", 13, ACCENT)):
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.color.rgb = color
        style.font.italic = False
        set_run_fonts(style.element)
    for name in ("List Bullet", "List Number", "Table Grid"):
        set_run_fonts(document.styles[name].element)
    notice = _style(document, "Notice")
    notice.font.size = Pt(9)
    notice.paragraph_format.left_indent = Mm(4)
    set_run_fonts(notice.element)
    small = _style(document, "Small Print")
    small.font.size = Pt(8)
    small.font.color.rgb = MUTED
    set_run_fonts(small.element)
    table_text = _style(document, "Table Text")
    table_text.font.size = Pt(9)
    table_text.paragraph_format.space_after = Pt(2)
    set_run_fonts(table_text.element)
    flagged = _style(document, "Untranslated")
    flagged.font.color.rgb = FLAG
    flagged.paragraph_format.left_indent = Mm(3)
    set_run_fonts(flagged.element)


# --- page setup, header and footer ----------------------------------------------------------------


def _field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A complex field: fldChar begin, instrText, separate, cached result, end."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run._r.append(begin)
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    run = paragraph.add_run()
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(separate)
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _page_setup(document: Document, meta: DocxMeta) -> None:
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Mm(PAGE_WIDTH_MM)
        section.page_height = Mm(297)
        section.left_margin = Mm(MARGIN_LEFT_MM)
        section.right_margin = Mm(MARGIN_RIGHT_MM)
        section.top_margin = Mm(24)
        section.bottom_margin = Mm(22)
        section.header_distance = Mm(10)
        section.footer_distance = Mm(10)
        header = section.header.paragraphs[0]
        header.style = document.styles["Small Print"]
        header.add_run(meta.running_title)
        footer = section.footer.paragraphs[0]
        footer.style = document.styles["Small Print"]
        footer.alignment = WD_PARAGRAPH_ALIGNMENT.RIGHT
        footer.add_run(meta.page_before)
        _field(footer, "PAGE", "1")
        footer.add_run(meta.page_middle)
        _field(footer, "NUMPAGES", "1")
        if meta.page_after:
            footer.add_run(meta.page_after)
        if meta.footer_note:
            note = section.footer.add_paragraph(style=document.styles["Small Print"])
            note.add_run(meta.footer_note)


def _property(text: str, limit: int = 255) -> str:
    """Core properties hold at most 255 characters (python-docx enforces it)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,") + "…"


def _core_properties(document: Document, meta: DocxMeta) -> None:
    core = document.core_properties
    core.title = _property(meta.title)
    core.subject = _property(meta.subject)
    core.keywords = _property(meta.keywords)
    core.author = "callpack"
    core.last_modified_by = "callpack"
    core.language = "zh-CN" if meta.lang == "zh" else "en-GB"
    core.comments = _property(meta.note)
    core.category = meta.category
    if meta.created is not None:
        core.created = meta.created
        core.modified = meta.created
    core.revision = 1


# --- HTML walking ------------------------------------------------------------------------------


def _bookmark_name(anchor: str) -> str:
    """Word bookmark names: a letter first, then letters, digits and _, at most 40 characters."""
    return ("_" + re.sub(r"[^A-Za-z0-9_]", "_", anchor))[:40] if anchor else "_top"


def _classes(element: HtmlElement) -> set[str]:
    return set((element.get("class") or "").split())


def _text(element: HtmlElement) -> str:
    return _SPACE.sub(" ", element.text_content()).strip()


class _Writer:
    def __init__(self, document: Document, lang: str) -> None:
        self.document = document
        self.lang = lang
        self.bookmarks = 0

    # Inline content -----------------------------------------------------------------------
    def inline(self, paragraph: Paragraph, element: HtmlElement, style: RunStyle, first: bool = True) -> None:
        if element.text:
            self._run(paragraph, element.text, style)
        for child in element:
            if not isinstance(child.tag, str):
                if child.tail:
                    self._run(paragraph, child.tail, style)
                continue
            if child.tag == "br":
                paragraph.add_run().add_break()
            else:
                self.inline(paragraph, child, self._child_style(child, style), first=False)
            if child.tail:
                self._run(paragraph, child.tail, style)

    def _child_style(self, element: HtmlElement, style: RunStyle) -> RunStyle:
        classes = _classes(element)
        bold = (
            style.bold
            or element.tag in ("strong", "b", "th")
            or bool(classes & {"flag", "item-label", "direction-id", "clause-no", "badge"})
        )
        italic = style.italic or element.tag in ("em", "i")
        color = style.color
        highlight = style.highlight
        underline = style.underline
        size = style.size
        if "untranslated" in classes or "flag" in classes:
            color = FLAG
        if "draft" in classes or "badge-draft" in classes:
            color = DRAFT
        if "blank" in classes:
            highlight = WD_COLOR_INDEX.YELLOW
            underline = True
        if classes & {"flag", "badge"}:
            size = 7.5
        if "tnote" in classes:
            italic, color, size = True, MUTED, 8
        if classes & {"item-label", "direction-id", "clause-no"}:
            color = ACCENT
        return RunStyle(bold, italic, color, highlight, underline, size)

    def _run(self, paragraph: Paragraph, text: str, style: RunStyle) -> None:
        text = _SPACE.sub(" ", _NOT_XML.sub("", text))
        if not text:
            return
        if not paragraph.runs and not paragraph.text:
            text = text.lstrip()
            if not text:
                return
        run = paragraph.add_run(text)
        run.bold = style.bold or None
        run.italic = style.italic or None
        if style.color is not None:
            run.font.color.rgb = style.color
        if style.highlight is not None:
            run.font.highlight_color = style.highlight
        if style.underline:
            run.underline = True
        if style.size:
            run.font.size = Pt(style.size)
        set_run_fonts(run._r)

    # Blocks -------------------------------------------------------------------------------
    def blocks(self, parent: HtmlElement, container: Document | _Cell) -> None:
        for child in parent:
            if isinstance(child.tag, str):
                self.block(child, container)

    def block(self, element: HtmlElement, container: Document | _Cell) -> None:
        tag = element.tag
        classes = _classes(element)
        if tag in ("style", "script", "head", "title", "meta"):
            return
        if "cover" in classes and isinstance(container, Document):
            self.cover(element)
            return
        if tag == "nav" and "toc" in classes and isinstance(container, Document):
            self.toc(element)
            return
        if tag in ("h1", "h2", "h3", "h4") and isinstance(container, Document):
            level = int(tag[1])
            heading = container.add_heading(level=level)
            self.inline(heading, element, RunStyle())
            parent = element.getparent()
            if parent is not None and parent.get("id") and parent.find(tag) is element:
                self.bookmark(heading, parent.get("id") or "")
            if _starts_a_page(element):
                heading.paragraph_format.page_break_before = True
            return
        if tag in ("h1", "h2", "h3", "h4"):
            paragraph = container.add_paragraph()
            self.inline(paragraph, element, RunStyle(bold=True))
            return
        if tag == "p":
            paragraph = container.add_paragraph()
            style = self._paragraph_style(element, container)
            if style:
                paragraph.style = self.document.styles[style]
            self.inline(paragraph, element, self._block_run_style(element))
            return
        if tag in ("ul", "ol"):
            style = "List Number" if tag == "ol" else "List Bullet"
            for item in element.findall("li"):
                paragraph = container.add_paragraph(style=self.document.styles[style])
                self.inline(paragraph, item, RunStyle())
            return
        if tag == "table":
            self.table(element, container)
            return
        if tag == "aside" or "untranslated-box" in classes:
            for child in element:
                if isinstance(child.tag, str):
                    paragraph = container.add_paragraph(
                        style=self.document.styles[
                            "Untranslated" if "untranslated-box" in classes else "Notice"
                        ]
                    )
                    self.inline(paragraph, child, self._child_style(child, self._block_run_style(child)))
            return
        if tag in ("header", "section", "div", "body", "nav", "main", "article"):
            if "general" in classes and isinstance(container, Document):
                container.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            self.blocks(element, container)
            return
        # Anything else: keep its text rather than lose it.
        text = _text(element)
        if text:
            paragraph = container.add_paragraph()
            self.inline(paragraph, element, RunStyle())

    def _paragraph_style(self, element: HtmlElement, container: Document | _Cell) -> str | None:
        classes = _classes(element)
        if classes & {"brief-notice", "brief-more", "counts", "agreement-draft", "brief-call"}:
            return "Small Print"
        if isinstance(container, _Cell):
            return "Table Text"
        return None

    def _block_run_style(self, element: HtmlElement) -> RunStyle:
        classes = _classes(element)
        if classes & {
            "notice-title",
            "alternatives-note",
            "alternative-label",
            "brief-other-label",
            "flag-line",
        }:
            return RunStyle(bold=True, color=FLAG if "flag-line" in classes else NAVY)
        if classes & {"brief-kicker", "agreement-kicker", "cover-kind"}:
            return RunStyle(color=ACCENT, size=8)
        return RunStyle()

    def cover(self, element: HtmlElement) -> None:
        document = self.document
        for node in element.iter():
            if not isinstance(node.tag, str):
                continue
            classes = _classes(node)
            if "cover-programme" in classes:
                paragraph = document.add_paragraph()
                self.inline(paragraph, node, RunStyle(color=ACCENT, size=9))
            elif "cover-call" in classes:
                paragraph = document.add_paragraph(style=document.styles["Subtitle"])
                self.inline(paragraph, node, RunStyle())
            elif "cover-kind" in classes:
                paragraph = document.add_paragraph()
                paragraph.paragraph_format.space_before = Pt(48)
                self.inline(paragraph, node, RunStyle(color=ACCENT, bold=True))
            elif node.tag == "h1":
                paragraph = document.add_paragraph(style=document.styles["Title"])
                self.inline(paragraph, node, RunStyle())
            elif classes & {"cover-type", "cover-area"}:
                paragraph = document.add_paragraph()
                self.inline(paragraph, node, RunStyle(color=MUTED))
            elif (
                node.tag == "p"
                and node.getparent() is not None
                and "cover-foot" in _classes(node.getparent())
            ):
                paragraph = document.add_paragraph(style=document.styles["Small Print"])
                self.inline(paragraph, node, RunStyle(bold="cover-prevails" in classes))
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def toc(self, element: HtmlElement) -> None:
        """A written contents list: one linked line per entry (no field for Word to update)."""
        title = element.find(".//h1")
        heading = self.document.add_paragraph(style=self.document.styles["Subtitle"])
        heading.add_run(_text(title) if title is not None else "Contents")
        for item in element.iter("li"):
            link = item.find(".//a")
            if link is None:
                continue
            paragraph = self.document.add_paragraph(style=self.document.styles["Table Text"])
            classes = _classes(item)
            if "toc-direction" in classes:
                paragraph.paragraph_format.left_indent = Mm(8)
            anchor = _bookmark_name((link.get("href") or "").lstrip("#"))
            hyperlink = OxmlElement("w:hyperlink")
            hyperlink.set(qn("w:anchor"), anchor)
            paragraph._p.append(hyperlink)
            start = len(paragraph.runs)
            self.inline(paragraph, link, RunStyle(bold="toc-direction" not in classes))
            # Move the runs just written into the hyperlink element.
            for run in list(paragraph.runs)[start:]:
                hyperlink.append(run._r)
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def bookmark(self, paragraph: Paragraph, name: str) -> None:
        self.bookmarks += 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self.bookmarks))
        start.set(qn("w:name"), _bookmark_name(name))
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self.bookmarks))
        paragraph._p.insert(0, start)
        paragraph._p.append(end)

    def table(self, element: HtmlElement, container: Document | _Cell) -> None:
        head_rows = element.findall("./thead/tr")
        body_rows = element.findall("./tbody/tr") or element.findall("./tr")
        rows = head_rows + body_rows
        if not rows:
            return
        columns = max(len([c for c in row if c.tag in ("td", "th")]) for row in rows)
        table = container.add_table(rows=0, cols=columns)
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        widths = _column_widths(element, columns)
        for row_index, row in enumerate(rows):
            cells = table.add_row().cells
            is_head = row_index < len(head_rows)
            for cell_index, source in enumerate([c for c in row if c.tag in ("td", "th")]):
                cell = cells[cell_index]
                cell.width = Mm(widths[cell_index])
                paragraph = cell.paragraphs[0]
                paragraph.style = self.document.styles["Table Text"]
                has_blocks = any(
                    isinstance(c.tag, str) and c.tag in ("p", "div", "ul", "table") for c in source
                )
                run_style = RunStyle(
                    bold=is_head or source.tag == "th",
                    color=NAVY if (is_head or source.tag == "th") else None,
                )
                if has_blocks:
                    self._cell_blocks(source, cell, run_style)
                else:
                    self.inline(paragraph, source, run_style)
            if is_head:
                _repeat_header(table.rows[row_index])
        _light_borders(table)
        _set_column_widths(table, widths)
        _agreement_row_heights(table, _classes(element))
        if isinstance(container, Document):
            container.add_paragraph()

    def _cell_blocks(self, source: HtmlElement, cell: _Cell, run_style: RunStyle) -> None:
        first = cell.paragraphs[0]
        if source.text and source.text.strip():
            self._run(first, source.text, run_style)
        for child in source:
            if not isinstance(child.tag, str):
                continue
            if child.tag in ("p", "div", "ul", "table"):
                self.block(child, cell)
            else:
                self.inline(first, child, self._child_style(child, run_style))
            if child.tail and child.tail.strip():
                self._run(cell.paragraphs[-1], child.tail, run_style)
        if not first.text and len(cell.paragraphs) > 1:
            first._p.getparent().remove(first._p)


def _column_widths(element: HtmlElement, columns: int) -> list[float]:
    classes = _classes(element)
    if "parallel" in classes:
        return [TEXT_WIDTH_MM / 2] * columns
    agreement = _agreement_column_widths(classes, columns)
    if agreement:
        return agreement
    if "facts" in classes and columns == 2:
        return [TEXT_WIDTH_MM * 0.34, TEXT_WIDTH_MM * 0.66]
    if "indicators" in classes and columns == 3:
        return [10.0, TEXT_WIDTH_MM - 58.0, 48.0]
    return [TEXT_WIDTH_MM / columns] * columns


def _agreement_column_widths(classes: set[str], columns: int) -> list[float] | None:
    """Agreement tables: label and value for signatures and party facts; the parties table."""
    if classes & {"signature", "party-facts"} and columns == 2:
        return [TEXT_WIDTH_MM * 0.42, TEXT_WIDTH_MM * 0.58]
    if "parties" in classes and columns == 6:
        fixed = [12.0, 38.0, 26.0, 20.0, 34.0]
        return [*fixed, TEXT_WIDTH_MM - sum(fixed)]
    return None


def _agreement_row_heights(table: Table, classes: set[str]) -> None:
    """Signature rows tall enough to sign in; a signature block stays on one page."""
    if "signature" not in classes:
        return
    for index, row in enumerate(table.rows):
        row.height = Mm(10)
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if index < len(table.rows) - 1:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


def _starts_a_page(heading: HtmlElement) -> bool:
    """Whether `heading` opens a section that style.css starts on a new page.

    Only the section's first heading breaks (not the sub-headings of Annex A), and an annex that
    follows another annex does not (`.annex + .annex { break-before: auto }`).
    """
    tag, section = heading.tag, heading.getparent()
    if section is None or next((c for c in section if c.tag in ("h1", "h2", "h3", "h4")), None) is not heading:
        return False
    classes = _classes(section)
    if "area" in classes:
        return tag == "h1"
    if "annex" in classes:
        previous = section.getprevious()
        return previous is None or "annex" not in _classes(previous)
    return "signatures" in classes


def _repeat_header(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    tr_pr.append(marker)
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)


def _set_column_widths(table: Table, widths: list[float]) -> None:
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
        column.set(qn("w:w"), str(int(Mm(width).twips)))
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)


def _light_borders(table: Table) -> None:
    """Light horizontal rules instead of the grid: a funding agency's table, not a spreadsheet."""
    borders = OxmlElement("w:tblBorders")
    for edge, size, color in (
        ("top", 8, "12355B"),
        ("bottom", 4, "CFD6DC"),
        ("insideH", 4, "CFD6DC"),
        ("left", 0, "auto"),
        ("right", 0, "auto"),
        ("insideV", 4, "E3E8EC"),
    ):
        node = OxmlElement(f"w:{edge}")
        node.set(qn("w:val"), "single" if size else "nil")
        node.set(qn("w:sz"), str(size))
        node.set(qn("w:space"), "0")
        node.set(qn("w:color"), color)
        borders.append(node)
    existing = table._tbl.tblPr.find(qn("w:tblBorders"))
    if existing is not None:
        table._tbl.tblPr.remove(existing)
    table._tbl.tblPr.append(borders)


def html_to_docx(html: str, meta: DocxMeta) -> bytes:
    """Convert one of our standalone HTML documents into a DOCX file's bytes."""
    root = lxml.html.document_fromstring(html)
    document = new_document()
    _prepare_styles(document, meta.lang)
    _page_setup(document, meta)
    _core_properties(document, meta)
    body = root.find("body")
    writer = _Writer(document, meta.lang)
    if body is not None:
        writer.blocks(body, document)
    _drop_leading_empty(document.paragraphs)
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue(), meta.created)


def reproducible_zip(data: bytes, when: dt.datetime | None) -> bytes:
    """The same archive with every entry dated `when` (python-docx stamps the time of saving), in the
    same order, with fixed attributes: identical inputs give identical bytes."""
    earliest = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold
    stamp = max(when.timetuple()[:6], earliest) if when is not None else earliest
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(member), compresslevel=6)
    return out.getvalue()


def _drop_leading_empty(paragraphs: Iterable[Paragraph]) -> None:
    for paragraph in paragraphs:
        if paragraph.text.strip() or paragraph._p.xpath(".//w:br|.//w:fldChar"):
            return
        paragraph._p.getparent().remove(paragraph._p)


def meta_from_html(html: str, lang: str, created: dt.datetime | None) -> DocxMeta:
    """Title, subject, keywords and running strings, read back from the HTML head and body."""
    root = lxml.html.document_fromstring(html)

    def meta(name: str) -> str:
        nodes = root.xpath(f"//meta[@name='{name}']/@content")
        return str(nodes[0]) if nodes else ""

    body = root.find("body")
    title_node = root.find(".//title")
    return DocxMeta(
        title=_text(title_node) if title_node is not None else "",
        subject=meta("description"),
        keywords=meta("keywords"),
        lang=lang,
        running_title=body.get("data-running-title", "") if body is not None else "",
        page_before=body.get("data-page-before", "Page ") if body is not None else "Page ",
        page_middle=body.get("data-page-middle", " of ") if body is not None else " of ",
        page_after=body.get("data-page-after", "") if body is not None else "",
        created=created,
        **_agreement_meta(body),
    )


def _agreement_meta(body: HtmlElement | None) -> dict[str, str]:
    """An agreement skeleton says what it is (not legal advice), never that it is a translation."""
    if body is None or "kind-agreement" not in _classes(body):
        return {}
    note = body.get("data-footer-note", "")
    return {"note": note, "footer_note": note, "category": "Cooperation agreement skeleton"}
