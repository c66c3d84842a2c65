"""Fonts for the documents: static Noto Sans SC instances (cached) and DejaVu Sans as fallback.

Noto Sans SC ships as a variable font; used directly WeasyPrint re-instances it for every document
(about 2.5 s each), so we cut static Regular and Bold files once and cache them.
Noto Sans SC lacks a few symbols (subscript digits, some arrows); DejaVu Sans covers those.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import RenderError
from ..fileio import atomic_path
from ..paths import STATE_DIR

CJK_FAMILY = "Callpack Noto Sans SC"
FALLBACK_FAMILY = "Callpack DejaVu Sans"
# Names written into DOCX files: the reader's own installed fonts.
DOCX_LATIN_FONT = "Calibri"
DOCX_EAST_ASIA_FONT = "Noto Sans SC"
DOCX_EAST_ASIA_FALLBACK = "SimSun"

DEJAVU_DIR = Path(os.environ.get("CALLPACK_DEJAVU_DIR", "/usr/share/fonts/truetype/dejavu"))
_WEIGHTS = {"Regular": 400, "Bold": 700}


@dataclass(frozen=True)
class FontFile:
    family: str
    weight: int
    path: Path


def font_cache_dir() -> Path:
    return Path(os.environ.get("CALLPACK_FONT_DIR", STATE_DIR / "fonts"))


def _variable_noto_sc() -> Path:
    try:
        import justmytype_intl_cjk
    except ImportError as error:  # pragma: no cover - declared dependency
        raise RenderError("the CJK font package justmytype-intl-cjk is not installed") from error
    base = Path(justmytype_intl_cjk.__file__).parent / "fonts" / "ofl" / "notosanssc"
    matches = sorted(base.glob("NotoSansSC*.ttf"))
    if not matches:
        raise RenderError("Noto Sans SC not found in justmytype-intl-cjk", path=base)
    return matches[0]


def _instance(variable: Path, weight: int, target: Path) -> None:
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(variable)
    static = instancer.instantiateVariableFont(font, {"wght": weight}, updateFontNames=False)
    with atomic_path(target, suffix=".ttf.tmp") as temporary:
        static.save(temporary)


@cache
def document_fonts() -> tuple[FontFile, ...]:
    """The font files the stylesheet uses, creating the static CJK instances on first use."""
    variable = _variable_noto_sc()
    directory = font_cache_dir()
    files: list[FontFile] = []
    for style, weight in _WEIGHTS.items():
        target = directory / f"NotoSansSC-{style}.ttf"
        if not target.exists() or target.stat().st_mtime < variable.stat().st_mtime:
            _instance(variable, weight, target)
        files.append(FontFile(CJK_FAMILY, weight, target))
    for style, weight in _WEIGHTS.items():
        name = "DejaVuSans.ttf" if style == "Regular" else "DejaVuSans-Bold.ttf"
        path = DEJAVU_DIR / name
        if not path.exists():
            raise RenderError("DejaVu Sans is missing (apt install fonts-dejavu-core)", path=path)
        files.append(FontFile(FALLBACK_FAMILY, weight, path))
    return tuple(files)


def font_face_css() -> str:
    """@font-face rules, one static file per weight."""
    rules = []
    for font in document_fonts():
        uri = font.path.resolve().as_uri()
        rules.append(
            f"@font-face {{ font-family: '{font.family}'; font-weight: {font.weight}; "
            f"font-style: normal; src: url('{uri}'); }}"
        )
    return "\n".join(rules)


def font_directories() -> tuple[Path, ...]:
    """Folders the PDF url_fetcher may read fonts from."""
    return tuple(sorted({font.path.resolve().parent for font in document_fonts()}))
