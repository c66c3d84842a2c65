"""TBX-Basic (ISO 30042:2019, TBX v3, DCA style) export for CAT tools, and import (lxml).

Mapping of a termbase entry to one `<conceptEntry>`:

- `domain` → `<descrip type="subjectField">` on the concept;
- `status`, `case_sensitive`, `sources`, termbase file → concept-level `<note>`s with the fixed prefixes
  `callpack-status:`, `callpack-case-sensitive:`, `callpack-sources:`, `callpack-file:` (TBX-Basic has
  no data category for an entry's workflow status, so it travels as a note that CAT tools show);
- `zh` → `<langSec xml:lang="zh">` with one `<termSec>`; its guide contexts as
  `<descripGrp><descrip type="context">` with `<admin type="source">` naming the direction;
- `en` → the first `<termSec>` of `<langSec xml:lang="en">`, administrativeStatus
  `preferredTerm-admn-sts` for an approved entry, `admittedTerm-admn-sts` for a proposed one (a
  suggestion is not a preferred term), `supersededTerm-admn-sts` when the whole entry is deprecated;
  `variants` → `admittedTerm-admn-sts` (superseded too in a deprecated entry);
  `forbidden` → `deprecatedTerm-admn-sts`;
- the concept id is `c-` and a hash of zh: the same entry keeps its id whatever else changes;
- language codes come from `[exchange]` (`zh-CN`, `en-GB` …); the header says the export date.

`export_tbx2008` writes the same content as TBX-Basic 2008 (`<martif type="TBX-Basic">`,
`termEntry`/`langSet`/`tig`), the form OmegaT and translate-toolkit read.
- `pos` → `<termNote type="partOfSpeech">` on every term; `note` → `<note>` in the English langSec.

Import also reads TBX v2 (`martif`/`termEntry`/`langSet`/`tig`) and takes a `definition` as the note
when there is no note. Parsing never loads a DTD, resolves an entity or touches the network, and a
document with a DOCTYPE is refused.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from lxml import etree

from ..errors import GlossaryError
from ..fileio import write_atomic
from .rows import ReviewFile, ReviewRow
from .sources import Context
from .termbase import LIST_SEPARATOR, Status, TermEntry, entry_from_fields

TBX_NAMESPACE = "urn:iso:std:iso:30042:ed-2"
_KNOWN_NAMESPACES = {TBX_NAMESPACE, "urn:iso:std:iso:30042:ed:3.0", ""}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFERRED = "preferredTerm-admn-sts"
ADMITTED = "admittedTerm-admn-sts"
DEPRECATED = "deprecatedTerm-admn-sts"
SUPERSEDED = "supersededTerm-admn-sts"
NOTE_PREFIXES = {
    "status": "callpack-status:",
    "case_sensitive": "callpack-case-sensitive:",
    "sources": "callpack-sources:",
    "file": "callpack-file:",
}
MAX_TBX_BYTES = 64 * 1024 * 1024

# RELAX NG for exactly the subset of TBX-Basic that `export_tbx` writes. It follows the structure of
# the dialect's integrated schema (TBXcoreStructV03_TBX-Basic_integrated.rng: auxiliary information
# before langSec/termSec, termNotes right after the term, the TBX-Basic picklists) and is stricter
# (fixed order, required notes), so a test can prove our output is in it and that it can fail.
TBX_SUBSET_RNG = f"""<?xml version="1.0" encoding="UTF-8"?>
<grammar xmlns="http://relaxng.org/ns/structure/1.0" ns="{TBX_NAMESPACE}"
         datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">
  <start>
    <element name="tbx">
      <attribute name="type"><value>TBX-Basic</value></attribute>
      <attribute name="style"><value>dca</value></attribute>
      <attribute name="xml:lang" ns="http://www.w3.org/XML/1998/namespace"><data type="language"/></attribute>
      <element name="tbxHeader">
        <element name="fileDesc">
          <element name="sourceDesc"><oneOrMore><element name="p"><text/></element></oneOrMore></element>
        </element>
      </element>
      <element name="text">
        <element name="body"><oneOrMore><ref name="conceptEntry"/></oneOrMore></element>
      </element>
    </element>
  </start>
  <define name="nonEmpty"><data type="string"><param name="minLength">1</param></data></define>
  <define name="conceptEntry">
    <element name="conceptEntry">
      <attribute name="id"><data type="ID"/></attribute>
      <optional><element name="descrip"><attribute name="type"><value>subjectField</value></attribute><ref name="nonEmpty"/></element></optional>
      <oneOrMore><element name="note"><ref name="nonEmpty"/></element></oneOrMore>
      <element name="langSec">
        <attribute name="xml:lang" ns="http://www.w3.org/XML/1998/namespace"><data type="language"><param name="pattern">zh(-.*)?</param></data></attribute>
        <ref name="termSec"/>
      </element>
      <optional>
        <element name="langSec">
          <attribute name="xml:lang" ns="http://www.w3.org/XML/1998/namespace"><data type="language"><param name="pattern">en(-.*)?</param></data></attribute>
          <optional><element name="note"><ref name="nonEmpty"/></element></optional>
          <oneOrMore><ref name="termSec"/></oneOrMore>
        </element>
      </optional>
    </element>
  </define>
  <define name="termSec">
    <element name="termSec">
      <element name="term"><ref name="nonEmpty"/></element>
      <optional>
        <element name="termNote">
          <attribute name="type"><value>administrativeStatus</value></attribute>
          <choice>
            <value>preferredTerm-admn-sts</value><value>admittedTerm-admn-sts</value>
            <value>deprecatedTerm-admn-sts</value><value>supersededTerm-admn-sts</value>
          </choice>
        </element>
      </optional>
      <optional>
        <element name="termNote">
          <attribute name="type"><value>partOfSpeech</value></attribute>
          <choice><value>noun</value><value>verb</value><value>adjective</value><value>adverb</value><value>other</value></choice>
        </element>
      </optional>
      <zeroOrMore>
        <element name="descripGrp">
          <element name="descrip"><attribute name="type"><value>context</value></attribute><ref name="nonEmpty"/></element>
          <optional><element name="admin"><attribute name="type"><value>source</value></attribute><ref name="nonEmpty"/></element></optional>
        </element>
      </zeroOrMore>
    </element>
  </define>
</grammar>
"""


# RELAX NG for exactly the subset of TBX-Basic 2008 (TBX core structure, ISO 30042:2008) that
# `export_tbx2008` writes: martifHeader with fileDesc and the XCS reference, then termEntry →
# langSet → tig with auxiliary information where the core structure puts it (after the term and its
# termNotes; notes before the tigs of a langSet), and the TBX-Basic picklists.
TBX2008_SUBSET_RNG = """<?xml version="1.0" encoding="UTF-8"?>
<grammar xmlns="http://relaxng.org/ns/structure/1.0" datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">
  <start>
    <element name="martif">
      <attribute name="type"><value>TBX-Basic</value></attribute>
      <attribute name="xml:lang" ns="http://www.w3.org/XML/1998/namespace"><data type="language"/></attribute>
      <element name="martifHeader">
        <element name="fileDesc">
          <element name="titleStmt"><element name="title"><ref name="nonEmpty"/></element></element>
          <element name="sourceDesc"><element name="p"><ref name="nonEmpty"/></element></element>
        </element>
        <element name="encodingDesc">
          <element name="p"><attribute name="type"><value>XCSURI</value></attribute><ref name="nonEmpty"/></element>
        </element>
      </element>
      <element name="text">
        <element name="body"><oneOrMore><ref name="termEntry"/></oneOrMore></element>
      </element>
    </element>
  </start>
  <define name="nonEmpty"><data type="string"><param name="minLength">1</param></data></define>
  <define name="termEntry">
    <element name="termEntry">
      <attribute name="id"><data type="ID"/></attribute>
      <optional><element name="descrip"><attribute name="type"><value>subjectField</value></attribute><ref name="nonEmpty"/></element></optional>
      <oneOrMore><element name="note"><ref name="nonEmpty"/></element></oneOrMore>
      <element name="langSet">
        <attribute name="xml:lang" ns="http://www.w3.org/XML/1998/namespace"><data type="language"><param name="pattern">zh(-.*)?</param></data></attribute>
        <element name="tig">
          <element name="term"><ref name="nonEmpty"/></element>
          <optional><ref name="pos"/></optional>
          <zeroOrMore><element name="descrip"><attribute name="type"><value>context</value></attribute><ref name="nonEmpty"/></element></zeroOrMore>
        </element>
      </element>
      <optional>
        <element name="langSet">
          <attribute name="xml:lang" ns="http://www.w3.org/XML/1998/namespace"><data type="language"><param name="pattern">en(-.*)?</param></data></attribute>
          <optional><element name="note"><ref name="nonEmpty"/></element></optional>
          <oneOrMore>
            <element name="tig">
              <element name="term"><ref name="nonEmpty"/></element>
              <element name="termNote">
                <attribute name="type"><value>administrativeStatus</value></attribute>
                <choice>
                  <value>preferredTerm-admn-sts</value><value>admittedTerm-admn-sts</value>
                  <value>deprecatedTerm-admn-sts</value><value>supersededTerm-admn-sts</value>
                </choice>
              </element>
              <optional><ref name="pos"/></optional>
            </element>
          </oneOrMore>
        </element>
      </optional>
    </element>
  </define>
  <define name="pos">
    <element name="termNote">
      <attribute name="type"><value>partOfSpeech</value></attribute>
      <choice><value>noun</value><value>verb</value><value>adjective</value><value>adverb</value><value>other</value></choice>
    </element>
  </define>
</grammar>
"""


def _e(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{TBX_NAMESPACE}}}{tag}")
    for name, value in attributes.items():
        element.set(XML_LANG if name == "lang" else name, value)
    if text is not None:
        element.text = text
    return element


def _term_sec(parent: etree._Element, term: str, status: str | None, pos: str) -> etree._Element:
    section = _e(parent, "termSec")
    _e(section, "term", term)
    if status:
        _e(section, "termNote", status, type="administrativeStatus")
    if pos:
        _e(section, "termNote", pos, type="partOfSpeech")
    return section


def concept_id(entry: TermEntry) -> str:
    """A concept id derived from the entry's zh: stable across exports whatever else is added."""
    return "c-" + hashlib.sha256(entry.zh.encode("utf-8")).hexdigest()[:12]


def english_terms(entry: TermEntry) -> list[tuple[str, str]]:
    """(term, administrativeStatus) of the English side, with statuses that say what the entry is."""
    if entry.status is Status.DEPRECATED:
        main, variant = SUPERSEDED, SUPERSEDED
    elif entry.status is Status.PROPOSED:
        main, variant = ADMITTED, ADMITTED
    else:
        main, variant = PREFERRED, ADMITTED
    terms = [(entry.en, main)] if entry.en else []
    terms += [(text, variant) for text in entry.variants]
    terms += [(text, DEPRECATED) for text in entry.forbidden]
    return terms


def _header_text(exported: date | None) -> str:
    return "callpack zh→en termbase, exported " + (exported or datetime.now(UTC).date()).isoformat()


def build_tbx(
    entries: Iterable[TermEntry],
    contexts: Mapping[str, Sequence[Context]] | None = None,
    source_language: str = "zh",
    target_language: str = "en",
    exported: date | None = None,
) -> etree._ElementTree:
    """The TBX-Basic document of `entries` (sorted by zh)."""
    contexts = contexts or {}
    root = etree.Element(f"{{{TBX_NAMESPACE}}}tbx", nsmap={None: TBX_NAMESPACE})
    root.set("type", "TBX-Basic")
    root.set("style", "dca")
    root.set(XML_LANG, "en")
    header = _e(root, "tbxHeader")
    source = _e(_e(header, "fileDesc"), "sourceDesc")
    _e(source, "p", _header_text(exported))
    body = _e(_e(root, "text"), "body")
    for entry in sorted(entries, key=lambda e: e.zh):
        concept = _e(body, "conceptEntry", id=concept_id(entry))
        if entry.domain:
            _e(concept, "descrip", entry.domain, type="subjectField")
        for note in _concept_notes(entry):
            _e(concept, "note", note)
        zh_section = _term_sec(_e(concept, "langSec", lang=source_language), entry.zh, None, entry.pos)
        for context in list(contexts.get(entry.zh, ()))[:3]:
            group = _e(zh_section, "descripGrp")
            _e(group, "descrip", context.zh, type="context")
            if context.direction_id:
                _e(group, "admin", f"direction {context.direction_id}", type="source")
        terms = english_terms(entry)
        if not terms:
            continue
        english = _e(concept, "langSec", lang=target_language)
        if entry.note:
            _e(english, "note", entry.note)
        for text, status in terms:
            _term_sec(english, text, status, entry.pos)
    return etree.ElementTree(root)


def _concept_notes(entry: TermEntry) -> list[str]:
    notes = [
        f"{NOTE_PREFIXES['status']} {entry.status.value}",
        f"{NOTE_PREFIXES['case_sensitive']} {'true' if entry.case_sensitive else 'false'}",
    ]
    if entry.sources:
        notes.append(f"{NOTE_PREFIXES['sources']} {LIST_SEPARATOR.join(entry.sources)}")
    if entry.origin:
        notes.append(f"{NOTE_PREFIXES['file']} {entry.origin}")
    return notes


def build_tbx2008(
    entries: Iterable[TermEntry],
    contexts: Mapping[str, Sequence[Context]] | None = None,
    source_language: str = "zh",
    target_language: str = "en",
    exported: date | None = None,
) -> etree._ElementTree:
    """The TBX-Basic 2008 (`martif`) document of `entries`: what OmegaT and translate-toolkit read."""
    contexts = contexts or {}
    root = etree.Element("martif", type="TBX-Basic")
    root.set(XML_LANG, "en")
    header = etree.SubElement(root, "martifHeader")
    file_desc = etree.SubElement(header, "fileDesc")
    etree.SubElement(etree.SubElement(file_desc, "titleStmt"), "title").text = "callpack zh→en termbase"
    etree.SubElement(etree.SubElement(file_desc, "sourceDesc"), "p").text = _header_text(exported)
    etree.SubElement(etree.SubElement(header, "encodingDesc"), "p", type="XCSURI").text = "TBXBasicXCSV02.xcs"
    body = etree.SubElement(etree.SubElement(root, "text"), "body")

    def tig(parent: etree._Element, text: str, status: str | None, pos: str) -> etree._Element:
        element = etree.SubElement(parent, "tig")
        etree.SubElement(element, "term").text = text
        if status:
            etree.SubElement(element, "termNote", type="administrativeStatus").text = status
        if pos:
            etree.SubElement(element, "termNote", type="partOfSpeech").text = pos
        return element

    for entry in sorted(entries, key=lambda e: e.zh):
        term_entry = etree.SubElement(body, "termEntry", id=concept_id(entry))
        if entry.domain:
            etree.SubElement(term_entry, "descrip", type="subjectField").text = entry.domain
        for note in _concept_notes(entry):
            etree.SubElement(term_entry, "note").text = note
        zh_set = etree.SubElement(term_entry, "langSet")
        zh_set.set(XML_LANG, source_language)
        zh_tig = tig(zh_set, entry.zh, None, entry.pos)
        for context in list(contexts.get(entry.zh, ()))[:3]:
            etree.SubElement(zh_tig, "descrip", type="context").text = context.zh
        terms = english_terms(entry)
        if not terms:
            continue
        en_set = etree.SubElement(term_entry, "langSet")
        en_set.set(XML_LANG, target_language)
        if entry.note:
            etree.SubElement(en_set, "note").text = entry.note
        for text, status in terms:
            tig(en_set, text, status, entry.pos)
    return etree.ElementTree(root)


def _schema_errors(tree: etree._ElementTree, rng: str) -> list[str]:
    schema = etree.RelaxNG(etree.fromstring(rng.encode("utf-8")))
    if schema.validate(tree):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


def validate_tbx(tree: etree._ElementTree) -> list[str]:
    """Errors of `tree` against the exported TBX-Basic (v3) subset (empty when valid)."""
    return _schema_errors(tree, TBX_SUBSET_RNG)


def validate_tbx2008(tree: etree._ElementTree) -> list[str]:
    """Errors of `tree` against the exported TBX-Basic 2008 subset (empty when valid)."""
    return _schema_errors(tree, TBX2008_SUBSET_RNG)


def export_tbx(
    entries: Iterable[TermEntry],
    path: Path,
    contexts: Mapping[str, Sequence[Context]] | None = None,
    source_language: str = "zh",
    target_language: str = "en",
    exported: date | None = None,
    version: str = "v3",
) -> None:
    """Write the TBX-Basic file (`version` "v3" or "2008") atomically, after validating it against
    the subset schema of what we write."""
    entries = list(entries)
    if not entries:
        raise GlossaryError("the termbase is empty; TBX needs at least one term entry", path)
    build, validate = (build_tbx, validate_tbx) if version == "v3" else (build_tbx2008, validate_tbx2008)
    tree = build(entries, contexts, source_language, target_language, exported)
    problems = validate(tree)
    if problems:  # a bug in the builder, never the user's input
        raise GlossaryError(f"exported TBX {version} does not validate: " + problems[0], path)
    write_atomic(path, etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def export_tbx2008(
    entries: Iterable[TermEntry],
    path: Path,
    contexts: Mapping[str, Sequence[Context]] | None = None,
    source_language: str = "zh",
    target_language: str = "en",
    exported: date | None = None,
) -> None:
    """Write the TBX-Basic 2008 (`martif`) file atomically."""
    export_tbx(entries, path, contexts, source_language, target_language, exported, version="2008")


def safe_parser() -> etree.XMLParser:
    """An XML parser that never loads a DTD, resolves an entity or opens a network connection."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_tbx(path: Path) -> etree._ElementTree:
    """Parse a TBX file safely; a DOCTYPE (where entities live) is refused outright."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise GlossaryError(f"cannot read file: {error.strerror}", path) from None
    if size > MAX_TBX_BYTES:
        raise GlossaryError(f"file too large ({size} bytes)", path)
    data = path.read_bytes()
    try:
        tree = etree.ElementTree(etree.fromstring(data, safe_parser()))
    except etree.XMLSyntaxError as error:
        raise GlossaryError(f"not well-formed XML: {error.msg}", path, error.lineno) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise GlossaryError("DOCTYPE declarations are not allowed in TBX (no DTDs or entities)", path, 1)
    return tree


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _namespace(element: etree._Element) -> str:
    return etree.QName(element).namespace or ""


def _children(element: etree._Element, *names: str) -> list[etree._Element]:
    return [child for child in element if _local(child) in names]


def _text(element: etree._Element) -> str:
    """The element's text with XML whitespace collapsed; a no-break space (10\u00a0km) is content."""
    return " ".join(re.split(r"[ \t\r\n]+", "".join(element.itertext()).strip(" \t\r\n")))


def read_tbx(path: Path) -> ReviewFile:
    """Read a reviewed TBX (v3 TBX-Basic, or v2 martif) into validated rows, one per concept."""
    review = ReviewFile(path)
    try:
        tree = parse_tbx(path)
    except GlossaryError as error:
        review.errors.append(error)
        return review
    root = tree.getroot()
    if _local(root) not in ("tbx", "martif") or _namespace(root) not in _KNOWN_NAMESPACES:
        review.errors.append(GlossaryError(f"root element {root.tag!r} is not TBX", path, root.sourceline))
        return review
    for concept in root.iter():
        if _local(concept) not in ("conceptEntry", "termEntry"):
            continue
        line = concept.sourceline or 0
        try:
            fields, file_name = _concept_fields(concept, path, line)
        except GlossaryError as error:
            review.reject(error, _first_zh_term(concept))
            continue
        try:
            entry = entry_from_fields(fields, path, line)
        except GlossaryError as error:
            review.reject(error, fields.get("zh"))
            continue
        review.rows.append(ReviewRow(entry, line, file=file_name))
    return review


def _first_zh_term(concept: etree._Element) -> str | None:
    for section in _children(concept, "langSec", "langSet"):
        if (section.get(XML_LANG) or "").lower().startswith("zh"):
            for element in section.iter():
                if _local(element) == "term":
                    return _text(element)
    return None


def _concept_fields(concept: etree._Element, path: Path, line: int) -> tuple[dict[str, str], str | None]:
    fields: dict[str, str] = {"status": Status.PROPOSED.value}
    notes: list[str] = []
    definitions: list[str] = []
    file_name: str | None = None
    for descrip in _children(concept, "descrip"):
        if descrip.get("type") == "subjectField":
            fields["domain"] = _text(descrip)
        elif descrip.get("type") == "definition":
            definitions.append(_text(descrip))
    for note in _children(concept, "note"):
        text = _text(note)
        for name, prefix in NOTE_PREFIXES.items():
            if text.startswith(prefix):
                value = text[len(prefix) :].strip()
                if name == "file":
                    file_name = value
                else:
                    fields[name] = value
                break
        else:
            notes.append(text)
    zh_terms: list[str] = []
    english: dict[str, list[str]] = {PREFERRED: [], ADMITTED: [], DEPRECATED: [], SUPERSEDED: []}
    pos = ""
    for section in _children(concept, "langSec", "langSet"):
        lang = (section.get(XML_LANG) or section.get("lang") or "").lower()
        for descrip in section.iter():
            if _local(descrip) == "descrip" and descrip.get("type") == "definition" and lang.startswith("en"):
                definitions.append(_text(descrip))
        if lang.startswith("en"):
            notes.extend(_text(note) for note in _children(section, "note"))
        for term_section in _children(section, "termSec", "tig", "ntig"):
            terms = [_text(t) for t in term_section.iter() if _local(t) == "term"]
            if len(terms) != 1 or not terms[0]:
                raise GlossaryError(
                    "a termSec must hold exactly one non-empty <term>", path, term_section.sourceline
                )
            status = ""
            for term_note in term_section.iter():
                if _local(term_note) != "termNote":
                    continue
                kind = term_note.get("type")
                if kind == "administrativeStatus":
                    status = _text(term_note)
                elif kind == "partOfSpeech" and not pos:
                    pos = _text(term_note)
            if lang.startswith("zh"):
                zh_terms.append(terms[0])
            elif lang.startswith("en"):
                if status and status not in english:
                    raise GlossaryError(
                        f"unknown administrativeStatus {status!r}", path, term_section.sourceline
                    )
                english[status or PREFERRED].append(terms[0])
    if len(zh_terms) != 1:
        raise GlossaryError(f"concept has {len(zh_terms)} Chinese terms; exactly one expected", path, line)
    if len(english[PREFERRED]) > 1:
        raise GlossaryError(
            f"concept {zh_terms[0]!r} has {len(english[PREFERRED])} preferred English terms; mark the others admitted",
            path,
            line,
        )
    # The first term of the strongest status is the entry's English (see `english_terms`).
    ordered = english[PREFERRED] + english[SUPERSEDED] + english[ADMITTED]
    fields["zh"] = zh_terms[0]
    fields["en"] = ordered[0] if ordered else ""
    fields["variants"] = LIST_SEPARATOR.join(ordered[1:])
    fields["forbidden"] = LIST_SEPARATOR.join(english[DEPRECATED])
    fields["pos"] = pos
    fields["note"] = " ".join(notes) if notes else " ".join(definitions)
    return fields, file_name
