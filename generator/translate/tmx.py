"""TMX 1.4 files: the reviewed translation memory as committed under `glossary/memory/*.tmx`.

Each `<tu>` carries `<prop type="x-segment-id">` (the segment it was reviewed for), optional
`x-provenance` and `x-state` props, a `<note>` (the translator's note, may be empty) and one
`<tuv>` per language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from .. import limits
from ..errors import TranslationError
from ..fileio import write_atomic

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SOURCE_LANG = "zh-CN"
TARGET_LANG = "en"


@dataclass(frozen=True)
class TmxUnit:
    zh: str
    en: str
    segment_id: str | None = None
    note: str = ""
    provenance: str = "reviewed"
    state: str = "reviewed"
    line: int | None = None


def _parser() -> etree.XMLParser:
    # Untrusted files: no entities, no DTD loading, no network.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def read_tmx(path: Path) -> list[TmxUnit]:
    """Read the units of a TMX 1.4 file; a malformed file raises `TranslationError` naming the line."""
    limits.check_file_size(path, limits.MAX_XML_BYTES, TranslationError)
    try:
        tree = etree.parse(str(path), _parser())
    except OSError as error:
        raise TranslationError(f"cannot read TMX file: {error}", path) from None
    except etree.XMLSyntaxError as error:
        raise TranslationError(f"not well-formed XML: {error.msg}", path, error.lineno) from None
    root = tree.getroot()
    if etree.QName(root).localname != "tmx":
        raise TranslationError("root element is not <tmx>", path, root.sourceline)
    body = root.find("body")
    if body is None:
        raise TranslationError("TMX file has no <body>", path, root.sourceline)
    units: list[TmxUnit] = []
    for tu in body.iter("tu"):
        props = {prop.get("type"): (prop.text or "") for prop in tu.findall("prop")}
        note = "\n".join((n.text or "").strip() for n in tu.findall("note")).strip()
        texts: dict[str, str] = {}
        for tuv in tu.findall("tuv"):
            lang = (tuv.get(XML_LANG) or tuv.get("lang") or "").lower()
            seg = tuv.find("seg")
            if seg is None:
                raise TranslationError("<tuv> without <seg>", path, tuv.sourceline)
            texts[lang.split("-")[0]] = "".join(seg.itertext()).strip()
        zh, en = texts.get("zh"), texts.get("en")
        if not zh or en is None:
            raise TranslationError("<tu> needs a zh and an en <tuv>", path, tu.sourceline)
        if not en:
            raise TranslationError("<tu> has an empty English <seg>", path, tu.sourceline)
        units.append(
            TmxUnit(
                zh=zh,
                en=en,
                segment_id=props.get("x-segment-id") or tu.get("tuid"),
                note=note,
                provenance=props.get("x-provenance", "reviewed") or "reviewed",
                state=props.get("x-state", "reviewed") or "reviewed",
                line=tu.sourceline,
            )
        )
    return units


def tmx_bytes(units: Iterable[TmxUnit]) -> bytes:
    """A TMX 1.4 document of `units`."""
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root,
        "header",
        creationtool="callpack",
        creationtoolversion="0.1.0",
        segtype="sentence",
        datatype="plaintext",
        adminlang="en",
        srclang=SOURCE_LANG,
        **{"o-tmf": "callpack-sqlite"},
        creationdate=datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
    )
    body = etree.SubElement(root, "body")
    for number, unit in enumerate(units, start=1):
        try:
            _add_unit(body, unit)
        except ValueError:  # lxml refuses text that XML cannot hold
            raise TranslationError(
                f"unit {unit.segment_id or number}: a control character cannot be written to TMX"
            ) from None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _add_unit(body: etree._Element, unit: TmxUnit) -> None:
    tu = etree.SubElement(body, "tu")
    if unit.segment_id:
        tu.set("tuid", unit.segment_id)
        etree.SubElement(tu, "prop", type="x-segment-id").text = unit.segment_id
    etree.SubElement(tu, "prop", type="x-provenance").text = unit.provenance
    etree.SubElement(tu, "prop", type="x-state").text = unit.state
    etree.SubElement(tu, "note").text = unit.note or ""
    for lang, text in ((SOURCE_LANG, unit.zh), (TARGET_LANG, unit.en)):
        tuv = etree.SubElement(tu, "tuv")
        tuv.set(XML_LANG, lang)
        etree.SubElement(tuv, "seg").text = text


def write_tmx(path: Path, units: Iterable[TmxUnit]) -> None:
    try:
        data = tmx_bytes(units)
    except TranslationError as error:
        raise TranslationError(error.message, path) from None
    write_atomic(path, data)
