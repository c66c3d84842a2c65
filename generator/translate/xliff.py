"""XLIFF 2.0 (and 1.2) post-editing round trip with optimistic concurrency.

Export: one `<group>` per scope (preamble, area, direction), one `<unit>` per segment with its
current English as `<target>` and its state; provenance as `subState="callpack:<provenance>"` and in
the metadata module, which also records the unit's base (the exported English, state and the
memory revision, see `store.revision`). Untranslated segments carry fuzzy memory matches (matches
module; `<alt-trans>` in 1.2) and every segment the approved terms found in it (glossary module;
notes in 1.2). Notes are plain sentences a translator can read.

Import validates EVERY unit first (known id, unchanged source, a non-empty target without Chinese
for translated states) and changes nothing if any fails. Then `store.merge` applies a unit only when
the memory has not changed since the export; every other edited unit is a reported `Conflict`
(applied with `force` or a resolution). `translated` stays a post-edited draft; `reviewed`/`final`
(1.2: `signed-off`/`final`) are reviewed. An untouched unit never changes anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .. import limits
from ..errors import TranslationError
from ..fileio import write_atomic
from ..segments import Segment, State, Translation
from .numbers import number_difference
from .store import Conflict, FuzzyMatch, Incoming, Resolution, TranslationMemory, merge, revision
from .termbase import TermIndex, is_approved
from .text import has_cjk, source_key
from .tmx import parse_untrusted_xml

NS = "urn:oasis:names:tc:xliff:document:2.0"
NS12 = "urn:oasis:names:tc:xliff:document:1.2"
MDA = "urn:oasis:names:tc:xliff:metadata:2.0"
MTC = "urn:oasis:names:tc:xliff:matches:2.0"
GLS = "urn:oasis:names:tc:xliff:glossary:2.0"
# Our attributes on XLIFF 1.2 trans-units (1.2 allows attributes from other namespaces there).
CP = "urn:callpack:xliff:1"
_X = "{" + NS + "}"
_X12 = "{" + NS12 + "}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_STATES = {state.value for state in State}
_ORDER = ["initial", "translated", "reviewed", "final"]
_TO_12 = {
    "initial": "needs-translation",
    "translated": "translated",
    "reviewed": "signed-off",
    "final": "final",
}
_FROM_12 = {
    "new": "initial",
    "needs-translation": "initial",
    "needs-l10n": "initial",
    "needs-adaptation": "initial",
    "translated": "translated",
    "needs-review-translation": "translated",
    "needs-review-l10n": "translated",
    "needs-review-adaptation": "translated",
    "signed-off": "reviewed",
    "final": "final",
}

Terms = Mapping[str, Sequence[tuple[str, str]]]


@dataclass(frozen=True)
class UnitError:
    unit_id: str
    line: int | None
    message: str


@dataclass
class ImportResult:
    applied: list[str]
    unchanged: int
    skipped_initial: int
    warnings: list[UnitError]
    conflicts: list[Conflict] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def _scope_name(scope: str) -> str:
    if scope == "guide":
        return "preamble"
    if scope.startswith("area-"):
        return "area " + scope.removeprefix("area-")
    return "direction " + scope


def _readable_notes(
    segment: Segment, translation: Translation, matches: Sequence[FuzzyMatch]
) -> list[tuple[str, str]]:
    notes = [("provenance", f"English from: {translation.provenance.value}")]
    if segment.label:
        notes.append(("label", f"Label: {segment.label}"))
    if translation.note:
        notes.append(("callpack", translation.note))
    for match in matches:
        notes.append(("fuzzy", f"Memory match {match.score:.0%}: {match.entry.zh} → {match.entry.en}"))
    return notes


def xliff_bytes(
    segments: Sequence[Segment],
    translations: Sequence[Translation],
    suggestions: dict[str, list[FuzzyMatch]] | None = None,
    original: str = "guide",
    terms: Terms | None = None,
    source_language: str = "zh-CN",
    target_language: str = "en",
) -> bytes:
    """The XLIFF 2.0 document: groups per scope, units with base metadata, matches and terms."""
    suggestions = suggestions or {}
    terms = terms or {}
    root = etree.Element(
        _X + "xliff",
        nsmap={None: NS, "mda": MDA, "mtc": MTC, "gls": GLS},
        version="2.0",
        srcLang=source_language,
        trgLang=target_language,
    )
    file_element = etree.SubElement(root, _X + "file", id="f1", original=original)
    groups: dict[str, etree._Element] = {}
    for segment, translation in zip(segments, translations, strict=True):
        group = groups.get(segment.scope)
        if group is None:
            group = etree.SubElement(
                file_element, _X + "group", id="g:" + segment.scope, name=_scope_name(segment.scope)
            )
            groups[segment.scope] = group
        unit = etree.SubElement(group, _X + "unit", id=segment.id, name=segment.field)
        state = translation.state if translation.en is not None else State.INITIAL
        metadata = etree.SubElement(unit, f"{{{MDA}}}metadata")
        meta_group = etree.SubElement(metadata, f"{{{MDA}}}metaGroup", category="callpack")
        for kind, value in (
            ("provenance", translation.provenance.value),
            ("base-state", state.value),
            ("base-revision", revision(segment.zh, translation)),
            ("base-en", translation.en or ""),
        ):
            etree.SubElement(meta_group, f"{{{MDA}}}meta", type=kind).text = value
        matches = suggestions.get(segment.id, []) if translation.en is None else []
        if matches:
            container = etree.SubElement(unit, f"{{{MTC}}}matches")
            for match in matches:
                element = etree.SubElement(
                    container,
                    f"{{{MTC}}}match",
                    ref="#s1",
                    similarity=f"{match.score * 100:.1f}",
                    type="tm",
                    origin="callpack reviewed memory",
                )
                etree.SubElement(element, _X + "source").text = match.entry.zh
                etree.SubElement(element, _X + "target").text = match.entry.en
        found = terms.get(segment.id, ())
        if found:
            glossary = etree.SubElement(unit, f"{{{GLS}}}glossary")
            for zh, en in found:
                entry = etree.SubElement(glossary, f"{{{GLS}}}glossEntry")
                etree.SubElement(entry, f"{{{GLS}}}term", source="callpack termbase").text = zh
                etree.SubElement(entry, f"{{{GLS}}}translation").text = en
        notes = etree.SubElement(unit, _X + "notes")
        for category, text in _readable_notes(segment, translation, matches):
            etree.SubElement(notes, _X + "note", category=category).text = text
        element = etree.SubElement(unit, _X + "segment", id="s1", state=state.value)
        element.set("subState", "callpack:" + translation.provenance.value)
        etree.SubElement(element, _X + "source").text = segment.zh
        if translation.en is not None:
            etree.SubElement(element, _X + "target").text = translation.en
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def xliff12_bytes(
    segments: Sequence[Segment],
    translations: Sequence[Translation],
    suggestions: dict[str, list[FuzzyMatch]] | None = None,
    original: str = "guide",
    terms: Terms | None = None,
    source_language: str = "zh-CN",
    target_language: str = "en",
) -> bytes:
    """The same content as XLIFF 1.2, for tools without 2.0 (base in `cp:` attributes)."""
    suggestions = suggestions or {}
    terms = terms or {}
    root = etree.Element(_X12 + "xliff", nsmap={None: NS12, "cp": CP}, version="1.2")
    file_element = etree.SubElement(
        root,
        _X12 + "file",
        original=original,
        datatype="plaintext",
        **{"source-language": source_language, "target-language": target_language},
    )
    body = etree.SubElement(file_element, _X12 + "body")
    groups: dict[str, etree._Element] = {}
    for segment, translation in zip(segments, translations, strict=True):
        group = groups.get(segment.scope)
        if group is None:
            group = etree.SubElement(
                body, _X12 + "group", id="g:" + segment.scope, resname=_scope_name(segment.scope)
            )
            groups[segment.scope] = group
        state = translation.state if translation.en is not None else State.INITIAL
        unit = etree.SubElement(group, _X12 + "trans-unit", id=segment.id, resname=segment.field)
        unit.set(f"{{{CP}}}provenance", translation.provenance.value)
        unit.set(f"{{{CP}}}base-state", state.value)
        unit.set(f"{{{CP}}}base-revision", revision(segment.zh, translation))
        unit.set(f"{{{CP}}}base-en", translation.en or "")
        if state in (State.REVIEWED, State.FINAL):
            unit.set("approved", "yes")
        etree.SubElement(unit, _X12 + "source").text = segment.zh
        if translation.en is not None:
            target = etree.SubElement(unit, _X12 + "target", state=_TO_12[state.value])
            target.text = translation.en
        matches = suggestions.get(segment.id, []) if translation.en is None else []
        for category, text in _readable_notes(segment, translation, matches):
            etree.SubElement(unit, _X12 + "note", **{"from": category}).text = text
        for zh, en in terms.get(segment.id, ()):
            etree.SubElement(unit, _X12 + "note", **{"from": "glossary"}).text = f"Term: {zh} = {en}"
        for match in matches:
            alt = etree.SubElement(
                unit,
                _X12 + "alt-trans",
                origin="callpack reviewed memory",
                **{"match-quality": f"{match.score:.0%}"},
            )
            etree.SubElement(alt, _X12 + "source").text = match.entry.zh
            alt_target = etree.SubElement(alt, _X12 + "target")
            alt_target.set(_XML_LANG, target_language)
            alt_target.text = match.entry.en
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export_xliff(
    path: Path,
    segments: Sequence[Segment],
    translations: Sequence[Translation],
    suggestions: dict[str, list[FuzzyMatch]] | None = None,
    original: str = "guide",
    terms: Terms | None = None,
    *,
    version: str = "2.0",
    target_language: str = "en",
    source_language: str = "zh-CN",
) -> None:
    build = xliff12_bytes if version == "1.2" else xliff_bytes
    write_atomic(
        path, build(segments, translations, suggestions, original, terms, source_language, target_language)
    )


@dataclass(frozen=True)
class _Unit:
    unit_id: str
    line: int | None
    source: str
    target: str | None
    state: str
    base_en: str | None = None
    base_state: str | None = None
    base_revision: str | None = None


def _parse(path: Path) -> etree._Element:
    data = limits.read_bytes_bounded(path, limits.MAX_XML_BYTES, TranslationError)
    return parse_untrusted_xml(data, path, "XLIFF").getroot()


def _read_units(path: Path) -> list[_Unit]:
    root = _parse(path)
    if root.tag == _X12 + "xliff":
        return _read_units_12(root)
    if root.tag != _X + "xliff" or not str(root.get("version", "")).startswith("2."):
        raise TranslationError(
            'not an XLIFF 2.x or 1.2 document (expected <xliff version="2.0"> in the 2.0 namespace)',
            path,
            root.sourceline,
        )
    units = []
    for unit in root.iter(_X + "unit"):
        segments = unit.findall(_X + "segment")
        source = "".join(
            "".join(s.find(_X + "source").itertext()) for s in segments if s.find(_X + "source") is not None
        )
        targets = [s.find(_X + "target") for s in segments]
        target = (
            None
            if all(t is None for t in targets)
            else "".join("".join(t.itertext()) for t in targets if t is not None)
        )
        states = [s.get("state", "initial") for s in segments] or ["initial"]
        unknown = [s for s in states if s not in _ORDER]
        # The weakest state of the unit's segments is the unit's state.
        state = unknown[0] if unknown else min(states, key=_ORDER.index)
        meta = {
            element.get("type"): element.text or ""
            for element in unit.iterfind(
                f"{{{MDA}}}metadata/{{{MDA}}}metaGroup[@category='callpack']/{{{MDA}}}meta"
            )
        }
        units.append(
            _Unit(
                str(unit.get("id", "")),
                unit.sourceline,
                source,
                target,
                state,
                meta.get("base-en"),
                meta.get("base-state"),
                meta.get("base-revision"),
            )
        )
    return units


def _read_units_12(root: etree._Element) -> list[_Unit]:
    units = []
    for unit in root.iter(_X12 + "trans-unit"):
        source_element = unit.find(_X12 + "source")
        source = "".join(source_element.itertext()) if source_element is not None else ""
        target_element = unit.find(_X12 + "target")
        target = "".join(target_element.itertext()) if target_element is not None else None
        raw = target_element.get("state", "") if target_element is not None else "new"
        state = _FROM_12.get(raw or ("translated" if target else "new"), raw)
        if unit.get("approved") == "yes" and state == "translated":
            state = "reviewed"  # a reviewer's flag in 1.2 tools
        units.append(
            _Unit(
                str(unit.get("id", "")),
                unit.sourceline,
                source,
                target,
                state,
                unit.get(f"{{{CP}}}base-en"),
                unit.get(f"{{{CP}}}base-state"),
                unit.get(f"{{{CP}}}base-revision"),
            )
        )
    return units


def validate_units(
    units: Sequence[_Unit], segments: dict[str, Segment]
) -> tuple[list[UnitError], list[UnitError]]:
    """(errors, warnings) for the units of an XLIFF file against the current segments."""
    errors: list[UnitError] = []
    warnings: list[UnitError] = []
    seen: set[str] = set()
    for unit in units:

        def error(message: str, unit: _Unit = unit) -> None:
            errors.append(UnitError(unit.unit_id, unit.line, message))

        if unit.unit_id in seen:
            error("duplicate unit id")
            continue
        seen.add(unit.unit_id)
        segment = segments.get(unit.unit_id)
        if segment is None:
            error("unknown segment id")
            continue
        if source_key(unit.source) != source_key(segment.zh):
            error(
                "source text differs from the guide's segment (was the file exported from another version?)"
            )
            continue
        if unit.state not in _STATES:
            error(f"invalid state {unit.state!r}")
            continue
        if unit.state == State.INITIAL:
            continue
        if unit.target is None or not unit.target.strip():
            error(f"state {unit.state} needs a non-empty target")
            continue
        if has_cjk(unit.target):
            error("target contains Chinese characters or full-width punctuation")
            continue
        missing, extra = number_difference(segment.zh, unit.target)
        if missing or extra:
            warnings.append(
                UnitError(unit.unit_id, unit.line, f"numbers differ (missing {missing}, added {extra})")
            )
    return errors, warnings


def import_xliff(
    path: Path,
    segments: Sequence[Segment],
    current: dict[str, Translation],
    memory: TranslationMemory,
    *,
    force: bool = False,
    resolutions: Mapping[str, Resolution] | None = None,
    translator: str = "",
    dry_run: bool = False,
    languages: tuple[str, str] = ("zh-CN", "en"),
) -> ImportResult:
    """Apply a translator's XLIFF: all units valid, or nothing changes (`TranslationError` lists the ids).

    Units whose segment changed in the memory since the export come back as conflicts, not applied.
    """
    units = _read_units(path)
    by_id = {segment.id: segment for segment in segments}
    errors, warnings = validate_units(units, by_id)
    if errors:
        listed = "; ".join(f"{e.unit_id or '?'} (line {e.line}): {e.message}" for e in errors[:20])
        more = f" … and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise TranslationError(f"{len(errors)} invalid unit(s), nothing imported: {listed}{more}", path)
    incoming: list[Incoming] = []
    skipped = 0
    for unit in units:
        if unit.state == State.INITIAL:
            skipped += 1
            if unit.target and unit.target.strip() and unit.target.strip() != (unit.base_en or "").strip():
                warnings.append(
                    UnitError(
                        unit.unit_id,
                        unit.line,
                        "has a new target but state initial: not imported (set translated or reviewed)",
                    )
                )
            continue
        assert unit.target is not None
        incoming.append(
            Incoming(
                segment=by_id[unit.unit_id],
                en=unit.target.strip(),
                state=State(unit.state),
                line=unit.line,
                base_en=unit.base_en,
                base_state=unit.base_state,
                base_revision=unit.base_revision,
            )
        )
    merged = merge(
        incoming,
        current,
        memory,
        force=force,
        resolutions=resolutions,
        translator=translator,
        dry_run=dry_run,
        languages=languages,
    )
    return ImportResult(
        applied=merged.applied,
        unchanged=merged.unchanged,
        skipped_initial=skipped,
        warnings=warnings,
        conflicts=merged.conflicts,
        kept=merged.kept,
        written=merged.written,
    )


def segment_terms(segments: Sequence[Segment], terms: TermIndex) -> dict[str, list[tuple[str, str]]]:
    """The approved terms found in each segment, as (zh, en), for the glossary module."""
    found: dict[str, list[tuple[str, str]]] = {}
    for segment in segments:
        pairs = [
            (hit.term.zh, hit.term.en)
            for hit in terms.find(segment.zh)
            if is_approved(hit.term) and hit.term.en
        ]
        if pairs:
            found[segment.id] = pairs
    return found
