"""XLIFF 2.0 post-editing round trip.

`export_xliff` writes one `<unit>` per segment with its current English as `<target>` and the
XLIFF 2 segment state (initial, translated, reviewed, final); untranslated segments carry a fuzzy
memory suggestion as an `initial` target when there is one. `import_xliff` validates EVERY unit
first (known id, unchanged source, a non-empty target without Chinese for translated states) and
changes nothing if any unit fails; then it stores each edited or reviewed unit as a reviewed entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .. import limits
from ..errors import TranslationError
from ..fileio import write_atomic
from ..segments import Provenance, Segment, State, Translation
from .numbers import number_difference
from .store import FuzzyMatch, TranslationMemory
from .text import has_cjk, source_key

NS = "urn:oasis:names:tc:xliff:document:2.0"
_X = "{" + NS + "}"
_STATES = {state.value for state in State}
_ORDER = ["initial", "translated", "reviewed", "final"]


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


def xliff_bytes(
    segments: Sequence[Segment],
    translations: Sequence[Translation],
    suggestions: dict[str, list[FuzzyMatch]] | None = None,
    original: str = "guide",
) -> bytes:
    root = etree.Element(_X + "xliff", nsmap={None: NS}, version="2.0", srcLang="zh-CN", trgLang="en")
    file_element = etree.SubElement(root, _X + "file", id="f1", original=original)
    for segment, translation in zip(segments, translations, strict=True):
        unit = etree.SubElement(file_element, _X + "unit", id=segment.id)
        unit.set("name", segment.field)
        notes = etree.SubElement(unit, _X + "notes")
        etree.SubElement(notes, _X + "note", category="provenance").text = translation.provenance.value
        if segment.label:
            etree.SubElement(notes, _X + "note", category="label").text = segment.label
        if translation.note:
            etree.SubElement(notes, _X + "note", category="callpack").text = translation.note
        for match in (suggestions or {}).get(segment.id, []):
            etree.SubElement(
                notes, _X + "note", category="fuzzy"
            ).text = f"{match.score:.0%}: {match.entry.zh} → {match.entry.en}"
        element = etree.SubElement(unit, _X + "segment", id="s1")
        etree.SubElement(element, _X + "source").text = segment.zh
        target_text = translation.en
        state = translation.state
        if target_text is None:
            matches = (suggestions or {}).get(segment.id)
            if matches:
                target_text = matches[0].entry.en
            state = State.INITIAL
        element.set("state", state.value)
        if target_text is not None:
            etree.SubElement(element, _X + "target").text = target_text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export_xliff(
    path: Path,
    segments: Sequence[Segment],
    translations: Sequence[Translation],
    suggestions: dict[str, list[FuzzyMatch]] | None = None,
    original: str = "guide",
) -> None:
    write_atomic(path, xliff_bytes(segments, translations, suggestions, original))


@dataclass(frozen=True)
class _Unit:
    unit_id: str
    line: int | None
    source: str
    target: str | None
    state: str


def _read_units(path: Path) -> list[_Unit]:
    limits.check_file_size(path, limits.MAX_XML_BYTES, TranslationError)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except OSError as error:
        raise TranslationError(f"cannot read XLIFF file: {error}", path) from None
    except etree.XMLSyntaxError as error:
        raise TranslationError(f"not well-formed XML: {error.msg}", path, error.lineno) from None
    if root.tag != _X + "xliff" or not str(root.get("version", "")).startswith("2."):
        raise TranslationError(
            'not an XLIFF 2.x document (expected <xliff version="2.0"> in the 2.0 namespace)',
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
        units.append(_Unit(str(unit.get("id", "")), unit.sourceline, source, target, state))
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
) -> ImportResult:
    """Apply a translator's XLIFF: all units valid, or nothing changes (`TranslationError` lists the ids)."""
    units = _read_units(path)
    by_id = {segment.id: segment for segment in segments}
    errors, warnings = validate_units(units, by_id)
    if errors:
        listed = "; ".join(f"{e.unit_id or '?'} (line {e.line}): {e.message}" for e in errors[:20])
        more = f" … and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise TranslationError(f"{len(errors)} invalid unit(s), nothing imported: {listed}{more}", path)
    apply: list[tuple[Segment, Translation]] = []
    unchanged = 0
    skipped = 0
    for unit in units:
        if unit.state == State.INITIAL:
            skipped += 1
            continue
        assert unit.target is not None
        target = unit.target.strip()
        existing = current.get(unit.unit_id)
        edited = existing is None or existing.en != target
        if not edited and unit.state == State.TRANSLATED:
            unchanged += 1
            continue
        if (
            existing is not None
            and existing.provenance == Provenance.REVIEWED
            and existing.en == target
            and existing.state == unit.state
        ):
            unchanged += 1
            continue
        state = State.FINAL if unit.state == State.FINAL else State.REVIEWED
        apply.append(
            (by_id[unit.unit_id], Translation(unit.unit_id, target, Provenance.REVIEWED, state, None))
        )
    memory.apply_reviewed(apply, origin=f"xliff:{path.name}")
    return ImportResult([t.segment_id for _, t in apply], unchanged, skipped, warnings)
