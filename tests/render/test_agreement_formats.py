"""The agreement skeleton in PDF, DOCX and HTML: every party, visible yellow blanks, no translation footer."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pypdf
import pytest
from docx.enum.text import WD_COLOR_INDEX
from typer.testing import CliRunner

from generator.cli import app
from generator.paths import BUNDLED_GUIDE
from generator.render.build import with_agreement_settings
from generator.render.docx import html_to_docx, meta_from_html
from generator.render.html import render_html
from generator.render.pdf import layout_pdf
from generator.settings import parse_settings
from generator.workspace import create_workspace

from .test_agreement import FIVE_PARTIES

CREATED = dt.datetime(2026, 11, 25)
NAMES = (
    "Example University of Technology",
    "示例理工大学",
    "Example Institute of Materials",
    "示例材料研究所",
    "Example Photovoltaic Co., Ltd.",
    "示例光伏股份有限公司",
    "Technische Beispiel-Universität",
    "Example Polytechnic University",
    "示例理工大学（香港）",
)


def _flat(text: str) -> str:
    return "".join(text.split())


def _pdf_text(data: bytes) -> str:
    if shutil.which("pdftotext"):
        result = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
        )
        return result.stdout.decode("utf-8")
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="module")
def five(call):
    settings = parse_settings(FIVE_PARTIES, Path("callpack.toml"))
    html = render_html(
        "agreement", "bilingual", with_agreement_settings(call, settings, ["agreement"]), "1.1"
    ).html
    return html


@pytest.fixture(scope="module")
def five_pdf(five):
    return layout_pdf(five).write()


@pytest.fixture(scope="module")
def five_docx(five):
    return html_to_docx(five, meta_from_html(five, "bilingual", CREATED))


@pytest.fixture(scope="module")
def blank_docx(call):
    html = render_html("agreement", "bilingual", call, "1.1").html
    return html_to_docx(html, meta_from_html(html, "bilingual", CREATED))


def test_pdf_names_every_party_and_has_five_signature_blocks(five_pdf):
    text = _flat(_pdf_text(five_pdf))
    for name in NAMES:
        assert _flat(name) in text, name
    assert text.count(_flat("Signature of the authorized representative")) == 5
    assert text.count("单位公章") == 3
    assert "Unofficialtranslation" not in text and "TheChinesetextprevails" not in text
    assert _flat("Skeleton for negotiation, not legal advice") in text  # the footer, on every page
    pages = len(pypdf.PdfReader(io.BytesIO(five_pdf)).pages)
    assert text.count(_flat("Skeleton for negotiation, not legal advice")) >= pages


def test_pdf_blanks_are_yellow(five_pdf):
    """The blank's background (#fff176) is painted: a fill in that colour on the pages with blanks."""
    reader = pypdf.PdfReader(io.BytesIO(five_pdf))
    yellow = re.compile(rb"1 0\.94\d* 0\.46\d* rg")
    painted = [bool(yellow.search(page.get_contents().get_data())) for page in reader.pages]
    assert sum(painted) >= 5


def test_docx_every_party_signature_heading_and_yellow_runs(five_docx):
    document = docx.Document(io.BytesIO(five_docx))
    headings = [p for p in document.paragraphs if p.style.name == "Heading 3"]
    signature_headings = [h.text for h in headings if re.match(r"^\d\. ", h.text)]
    assert len(signature_headings) == 5
    body = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    for name in NAMES:
        assert name in body + cells, name
    runs = [
        r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs
    ]
    blanks = [r for r in runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert blanks and all(r.text.strip() for r in blanks)  # visible text, not highlighted spaces
    assert sum(r.text == "[●]" for r in blanks) > 40
    numbered = [
        p.text for p in document.paragraphs if p.style.name == "Heading 2" and re.match(r"^\d+ ", p.text)
    ]
    assert numbered[0].startswith("1 定义") and len(numbered) == 22
    assert numbered[-1].startswith("22 其他条款")


def test_docx_is_not_called_a_translation(five_docx, blank_docx):
    for data in (five_docx, blank_docx):
        document = docx.Document(io.BytesIO(data))
        assert "not legal advice" in document.core_properties.comments
        assert document.core_properties.category == "Cooperation agreement skeleton"
        footer = "\n".join(p.text for p in document.sections[0].footer.paragraphs)
        assert "not legal advice" in footer and "不构成法律意见" in footer
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = "".join(
                archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")
            )
        assert "Unofficial translation" not in xml and "Chinese text prevails" not in xml


def test_docx_blank_version_has_a_block_to_copy(blank_docx):
    document = docx.Document(io.BytesIO(blank_docx))
    headings = [
        p.text for p in document.paragraphs if p.style.name == "Heading 3" and re.match(r"^\d\. ", p.text)
    ]
    assert len(headings) == 3
    assert "[Name of the lead institution]" in headings[0]
    assert "[Copy for each further party; delete if none]" in headings[2]
    highlighted = [
        r.text for p in document.paragraphs for r in p.runs if r.font.highlight_color == WD_COLOR_INDEX.YELLOW
    ]
    assert "[Copy for each further party; delete if none]" in highlighted


def test_cli_build_reads_the_parties_and_rejects_a_bad_list(tmp_path):
    folder = tmp_path / "ws"
    create_workspace(folder, BUNDLED_GUIDE)
    settings = folder / "callpack.toml"
    base = settings.read_text(encoding="utf-8")
    settings.write_text(base + "\n" + FIVE_PARTIES, encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    args = ["--config", str(settings), "build", "-k", "agreement", "-d", "1.1", "-f", "html", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    html = (out / "directions/1.1/1.1-agreement.bilingual.html").read_text(encoding="utf-8")
    assert html.count('class="sig-block') == 5 and "Technische Beispiel-Universität" in html

    no_foreign = FIVE_PARTIES.replace('role = "foreign"', 'role = "chinese"').replace('"DE"', '"CN"')
    settings.write_text(base + "\n" + no_foreign.replace('"HK"', '"CN"'), encoding="utf-8")
    result = runner.invoke(app, [*args, "--force"])
    assert result.exit_code == 8, result.output
    assert "callpack.toml:" in result.output and "at least 1 foreign" in result.output
    assert "Traceback" not in result.output
