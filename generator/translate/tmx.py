"""TMX 1.4 files: the reviewed translation memory as kept under `glossary/memory/*.tmx`.

Each `<tu>` carries `tuid` and `<prop type="x-segment-id">` (the segment it was made for, absent in a
CAT tool's file), `x-provenance`, `x-state` and `x-revision` props, the TMX dates and user ids
(`creationdate`, `creationid`, `changedate`, `changeid`), a `<note>` only when there is one, and one
`<tuv>` per language. The reader refuses what would otherwise be stored silently wrong: a DOCTYPE
(entities), two units for one segment, swapped languages, Chinese in the English, an unknown state.
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
from .text import has_cjk

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SOURCE_LANG = "zh-CN"
TARGET_LANG = "en"
# x-state values: an XLIFF 2 state with an English text (`initial` has none).
STATES = ("translated", "reviewed", "final")
PROVENANCES = ("reviewed", "post-edited", "mt", "pattern")


def tmx_date(moment: datetime | None = None) -> str:
    """A TMX date (`YYYYMMDDThhmmssZ`, UTC)."""
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass(frozen=True)
class TmxUnit:
    zh: str
    en: str
    segment_id: str | None = None
    note: str = ""
    provenance: str = "reviewed"
    state: str = "reviewed"
    line: int | None = None
    creationdate: str = ""
    creationid: str = ""
    changedate: str = ""
    changeid: str = ""
    # The revision of the memory entry this unit was exported from (optimistic concurrency).
    revision: str = ""


def _parser() -> etree.XMLParser:
    # Untrusted files: no entities, no DTD loading, no network.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _lang(element: etree._Element) -> str:
    return (element.get(XML_LANG) or element.get("lang") or "").strip().lower().replace("_", "-")


def read_tmx(path: Path) -> list[TmxUnit]:
    """Read the units of a TMX 1.4 file; a malformed file raises `TranslationError` naming the line."""
    return parse_tmx(limits.read_bytes_bounded(path, limits.MAX_XML_BYTES, TranslationError), path)


def parse_untrusted_xml(data: bytes, path: Path, kind: str) -> etree._ElementTree:
    """`data` as a tree, read without entities, DTDs or network; a DOCTYPE is refused (`kind`: TMX, XLIFF)."""
    try:
        tree = etree.ElementTree(etree.fromstring(data, _parser()))
    except etree.XMLSyntaxError as error:
        raise TranslationError(f"not well-formed XML: {error.msg}", path, error.lineno) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise TranslationError(f"DOCTYPE declarations are not allowed in {kind} (no DTDs or entities)", path, 1)
    return tree


def parse_tmx(data: bytes, path: Path) -> list[TmxUnit]:
    """The units of the TMX document `data` (read from `path`, named in errors)."""
    tree = parse_untrusted_xml(data, path, "TMX")
    root = tree.getroot()
    if not isinstance(root.tag, str) or etree.QName(root).localname != "tmx":
        raise TranslationError("root element is not <tmx>", path, root.sourceline)
    body = root.find("body")
    if body is None:
        raise TranslationError("TMX file has no <body>", path, root.sourceline)
    units: list[TmxUnit] = []
    seen: dict[str, int | None] = {}
    for tu in body.iter("tu"):
        props = {prop.get("type"): (prop.text or "").strip() for prop in tu.findall("prop")}
        note = "\n".join((n.text or "").strip() for n in tu.findall("note")).strip()
        texts: dict[str, str] = {}
        for tuv in tu.findall("tuv"):
            seg = tuv.find("seg")
            if seg is None:
                raise TranslationError("<tuv> without <seg>", path, tuv.sourceline)
            language = _lang(tuv).split("-")[0]
            if language in texts:
                raise TranslationError(f"two <tuv> for language {language!r}", path, tuv.sourceline)
            texts[language] = "".join(seg.itertext()).strip()
        zh, en = texts.get("zh"), texts.get("en")
        if not zh or en is None:
            raise TranslationError("<tu> needs a zh and an en <tuv>", path, tu.sourceline)
        if not en:
            raise TranslationError("<tu> has an empty English <seg>", path, tu.sourceline)
        if has_cjk(en):
            problem = (
                "the zh and en languages are swapped"
                if not has_cjk(zh)
                else "the English <seg> contains Chinese characters or full-width punctuation"
            )
            raise TranslationError(problem, path, tu.sourceline)
        state = props.get("x-state") or "reviewed"
        if state not in STATES:
            raise TranslationError(
                f"unknown x-state {state!r} (allowed: {', '.join(STATES)})", path, tu.sourceline
            )
        provenance = props.get("x-provenance") or ("post-edited" if state == "translated" else "reviewed")
        if provenance not in PROVENANCES:
            raise TranslationError(
                f"unknown x-provenance {provenance!r} (allowed: {', '.join(PROVENANCES)})",
                path,
                tu.sourceline,
            )
        segment_id = props.get("x-segment-id") or None
        if segment_id is not None:
            if segment_id in seen:
                raise TranslationError(
                    f"two <tu> for segment {segment_id} (the other at line {seen[segment_id]}); keep one",
                    path,
                    tu.sourceline,
                )
            seen[segment_id] = tu.sourceline
        units.append(
            TmxUnit(
                zh=zh,
                en=en,
                segment_id=segment_id,
                note=note,
                provenance=provenance,
                state=state,
                line=tu.sourceline,
                creationdate=tu.get("creationdate", ""),
                creationid=tu.get("creationid", ""),
                changedate=tu.get("changedate", "") or tu.get("creationdate", ""),
                changeid=tu.get("changeid", ""),
                revision=props.get("x-revision", ""),
            )
        )
    return units


def tmx_bytes(
    units: Iterable[TmxUnit], target_language: str = TARGET_LANG, source_language: str = SOURCE_LANG
) -> bytes:
    """A TMX 1.4 document of `units`; the same units give the same bytes (no clock in the header)."""
    units = list(units)
    root = etree.Element("tmx", version="1.4")
    header = etree.SubElement(
        root,
        "header",
        creationtool="callpack",
        creationtoolversion="0.1.0",
        segtype="sentence",
        **{"o-tmf": "callpack"},
        adminlang="en",
        srclang=source_language,
        datatype="plaintext",
    )
    latest = max((unit.changedate for unit in units), default="")
    if latest:
        header.set("creationdate", latest)
    body = etree.SubElement(root, "body")
    for number, unit in enumerate(units, start=1):
        try:
            _add_unit(body, unit, source_language, target_language)
        except ValueError:  # lxml refuses text that XML cannot hold
            raise TranslationError(
                f"unit {unit.segment_id or number}: a control character cannot be written to TMX"
            ) from None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _add_unit(body: etree._Element, unit: TmxUnit, source_language: str, target_language: str) -> None:
    tu = etree.SubElement(body, "tu")
    if unit.segment_id:
        tu.set("tuid", unit.segment_id)
    for name in ("creationdate", "creationid", "changedate", "changeid"):
        value = getattr(unit, name)
        if value:
            tu.set(name, value)
    if unit.segment_id:
        etree.SubElement(tu, "prop", type="x-segment-id").text = unit.segment_id
    etree.SubElement(tu, "prop", type="x-provenance").text = unit.provenance
    etree.SubElement(tu, "prop", type="x-state").text = unit.state
    if unit.revision:
        etree.SubElement(tu, "prop", type="x-revision").text = unit.revision
    if unit.note:
        etree.SubElement(tu, "note").text = unit.note
    for lang, text in ((source_language, unit.zh), (target_language, unit.en)):
        tuv = etree.SubElement(tu, "tuv")
        tuv.set(XML_LANG, lang)
        etree.SubElement(tuv, "seg").text = text


def write_tmx(
    path: Path,
    units: Iterable[TmxUnit],
    target_language: str = TARGET_LANG,
    source_language: str = SOURCE_LANG,
) -> bool:
    """Write the TMX file atomically; returns False (and leaves the file alone) when nothing changed."""
    try:
        data = tmx_bytes(units, target_language, source_language)
    except TranslationError as error:
        raise TranslationError(error.message, path) from None
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data)
    return True
