"""PDF from the standalone HTML with WeasyPrint: A4, embedded subset fonts, tags, metadata.

The url_fetcher serves only the project's own assets (the templates folder and the font files)
and refuses everything else, so text in the guide can never make WeasyPrint read a file or the
network.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..errors import RenderError
from .fonts import font_directories, font_face_css
from .html import templates_dir

# Tagged PDF: WeasyPrint's PDF/UA-1 variant writes the structure tree, the XMP metadata stream
# (title, language) and marks the document as tagged. We have not run a PDF/UA validator on it,
# so we claim "tagged", not "conformant".
PDF_OPTIONS: dict[str, object] = {
    "pdf_variant": "pdf/ua-1",
    "pdf_tags": True,
    "full_fonts": False,
    "hinting": False,
}


def _tag_languages_and_scopes() -> None:
    """Carry lang="zh-CN" and <th scope> into the PDF structure tree (/Lang, /Scope).

    WeasyPrint 70 tags elements but sets /Lang only on the catalog and no /Scope on header cells.
    We wrap its per-box tree builder once: each structure element made for an element with a
    lang attribute gets /Lang, each TH with a scope gets /Scope. If WeasyPrint's internals move,
    the wrapper is skipped and the PDF stays tagged as before.
    """
    import pydyf
    from weasyprint.pdf import tags

    original = getattr(tags, "_build_box_tree", None)
    if original is None or getattr(original, "_callpack", False):
        return

    def build_box_tree(box, parent, *args, **kwargs):
        element = getattr(box, "element", None)
        element_tag = getattr(box, "element_tag", None)
        for struct in original(box, parent, *args, **kwargs):
            if element is not None and element_tag not in ("html", "body") and struct.get("P") == parent.reference:
                lang = element.get("lang")
                if lang and "Lang" not in struct:
                    struct["Lang"] = pydyf.String(lang)
                scope = element.get("scope")
                if element_tag == "th" and scope in ("col", "row") and struct.get("S") == "/TH":
                    attributes = struct.get("A") or pydyf.Dictionary({"O": "/Table"})
                    attributes["Scope"] = "/Column" if scope == "col" else "/Row"
                    struct["A"] = attributes
            yield struct

    setattr(build_box_tree, "_callpack", True)  # noqa: B010 - a marker against wrapping twice
    tags._build_box_tree = build_box_tree


_tag_languages_and_scopes()


class RefusedFetch(Exception):
    """A resource outside the project's own assets was requested."""


class AssetFetcher(URLFetcher):
    """Serves file: URLs inside the allowed folders; refuses every other URL and records it."""

    def __init__(self, roots: tuple[Path, ...] = ()) -> None:
        super().__init__(allowed_protocols={"file"}, fail_on_errors=False)
        self.roots = roots
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        parsed = urlparse(url)
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            self.refused.append(url)
            raise RefusedFetch(f"refused: {url}")
        path = Path(unquote(parsed.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            self.refused.append(url)
            raise RefusedFetch(f"refused: {url}")
        self.served.append(url)
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": _content_type(path)})


def _content_type(path: Path) -> str:
    return {
        ".ttf": "font/ttf",
        ".otf": "font/otf",
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".png": "image/png",
    }.get(path.suffix.lower(), "application/octet-stream")


def asset_roots() -> tuple[Path, ...]:
    return (templates_dir().resolve(), *font_directories())


@cache
def font_configuration() -> FontConfiguration:
    """One FontConfiguration per process, shared by every document."""
    return FontConfiguration()


@cache
def _font_css() -> tuple[CSS, AssetFetcher]:
    fetcher = AssetFetcher(roots=asset_roots())
    css = CSS(string=font_face_css(), font_config=font_configuration(), url_fetcher=fetcher)
    return css, fetcher


@dataclass
class RenderedPdf:
    document: Document
    fetcher: AssetFetcher

    @property
    def pages(self) -> int:
        return len(self.document.pages)

    def write(self) -> bytes:
        data = self.document.write_pdf(**PDF_OPTIONS)
        if not isinstance(data, bytes):  # pragma: no cover - write_pdf() without target returns bytes
            raise RenderError("WeasyPrint returned no PDF bytes")
        return data


def layout_pdf(html: str, fetcher: AssetFetcher | None = None) -> RenderedPdf:
    """Lay the HTML out into pages (no PDF bytes yet): lets the briefing check its page count."""
    font_css, _ = _font_css()
    fetcher = fetcher or AssetFetcher(roots=asset_roots())
    # WeasyPrint logs refused URLs as warnings; the fetcher already records them.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    try:
        document = HTML(
            string=html,
            base_url=templates_dir().resolve().as_uri() + "/",
            url_fetcher=fetcher,
        ).render(font_config=font_configuration(), stylesheets=[font_css], **PDF_OPTIONS)
    except Exception as error:
        raise RenderError(f"WeasyPrint failed: {type(error).__name__}: {error}") from error
    return RenderedPdf(document, fetcher)


def html_to_pdf(html: str) -> bytes:
    return layout_pdf(html).write()
