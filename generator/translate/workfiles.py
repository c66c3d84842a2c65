"""Translators' JSON work files (`glossary/memory/work/area-NN.json`, TRANSLATION.md section 2) → TMX units."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from .. import limits
from ..errors import TranslationError
from ..segments import Segment
from .text import has_cjk, source_key
from .tmx import TmxUnit


def read_work_file(path: Path, segments: dict[str, Segment] | None = None) -> list[TmxUnit]:
    """The units of one work file, checked: list of {id, zh, en, note}; en present, no CJK in en.

    With `segments`, each id must exist and its zh must equal the segment's (normalized).
    """
    try:
        data = json.loads(limits.read_bytes_bounded(path, limits.MAX_TEXT_BYTES, TranslationError).decode("utf-8"))
    except OSError as error:
        raise TranslationError(f"cannot read work file: {error.strerror}", path) from None
    except UnicodeDecodeError:
        raise TranslationError("work file is not UTF-8", path) from None
    except json.JSONDecodeError as error:
        raise TranslationError(f"not valid JSON: {error.msg}", path, error.lineno) from None
    if not isinstance(data, list):
        raise TranslationError("a work file is a JSON list of {id, zh, en, note} objects", path)
    units: list[TmxUnit] = []
    for number, item in enumerate(data):
        where = f"item {number}"
        if not isinstance(item, dict):
            raise TranslationError(f"{where} is not an object", path)
        segment_id, zh, en, note = item.get("id"), item.get("zh"), item.get("en"), item.get("note") or ""
        if not isinstance(segment_id, str) or not isinstance(zh, str) or not zh.strip():
            raise TranslationError(f"{where} needs string 'id' and 'zh'", path)
        if not isinstance(en, str) or not en.strip():
            raise TranslationError(f"{where} ({segment_id}) has no English", path)
        if has_cjk(en):
            raise TranslationError(f"{where} ({segment_id}) has Chinese characters in 'en'", path)
        if not isinstance(note, str):
            raise TranslationError(f"{where} ({segment_id}) 'note' must be a string", path)
        if segments is not None:
            segment = segments.get(segment_id)
            if segment is None:
                raise TranslationError(f"{where}: unknown segment id {segment_id!r}", path)
            if source_key(segment.zh) != source_key(zh):
                raise TranslationError(f"{where} ({segment_id}): 'zh' differs from the guide's segment", path)
        units.append(TmxUnit(zh=zh, en=en.strip(), segment_id=segment_id, note=note.strip()))
    return units


def read_work_files(paths: Sequence[Path], segments: dict[str, Segment] | None = None) -> list[TmxUnit]:
    """The units of all files; a segment id given twice (in one file or across files) is an error."""
    units: list[TmxUnit] = []
    seen: dict[str, Path] = {}
    for path in paths:
        for unit in read_work_file(path, segments):
            if unit.segment_id is not None:
                if unit.segment_id in seen:
                    raise TranslationError(
                        f"segment {unit.segment_id} is also translated in {seen[unit.segment_id]}", path
                    )
                seen[unit.segment_id] = path
            units.append(unit)
    return units
