"""The bilingual guide as JSON (`callpack export --json`): every segment with its provenance and state."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..fileio import write_atomic
from ..model import Guide
from ..segments import Segment, Translation


def _segment_dict(segment: Segment, translation: Translation) -> dict[str, Any]:
    return {
        "id": segment.id,
        "field": segment.field,
        "label": segment.label,
        "paragraph": segment.paragraph,
        "zh": segment.zh,
        "en": translation.en,
        "provenance": translation.provenance.value,
        "state": translation.state.value,
        "note": translation.note,
    }


def _joined(items: list[dict[str, Any]], field: str) -> str | None:
    english = [item["en"] for item in items if item["field"] == field and item["en"]]
    return " ".join(english) if english else None


def _first(items: list[dict[str, Any]], field: str) -> str | None:
    for item in items:
        if item["field"] == field:
            return item["en"]
    return None


def bilingual_guide(
    guide: Guide, segments: Sequence[Segment], translations: Sequence[Translation]
) -> dict[str, Any]:
    """The bilingual guide: the preamble (guide title, headings, paragraphs), areas and directions."""
    by_scope: dict[str, list[dict[str, Any]]] = {}
    for segment, translation in zip(segments, translations, strict=True):
        by_scope.setdefault(segment.scope, []).append(_segment_dict(segment, translation))
    guide_items = by_scope.get("guide", [])
    preamble_sections = []
    for index, section in enumerate(guide.preamble):
        heading = next((i for i in guide_items if i["id"] == f"guide:preamble_heading:{index}"), None)
        preamble_sections.append(
            {"title_zh": section.title_zh, "title_en": heading["en"] if heading else None}
        )
    areas = []
    for area in guide.areas:
        items = by_scope.get(f"area-{area.id}", [])
        areas.append(
            {
                "id": area.id,
                "title_zh": area.title_zh,
                "title_en": _first(items, "area_title"),
                "direction_ids": area.direction_ids,
                "segments": items,
            }
        )
    directions = []
    for direction in guide.directions:
        if direction.id not in by_scope:
            continue
        items = by_scope[direction.id]
        keywords = [item for item in items if item["field"] == "keywords"]
        other = [item for item in items if item["field"] == "other_requirements"]
        directions.append(
            {
                "id": direction.id,
                "area_id": direction.area_id,
                "type": direction.type.value if direction.type is not None else None,
                "title_zh": direction.title_zh,
                "title_en": _first(items, "title"),
                "keywords_zh": list(direction.keywords_zh),
                "keywords_en": [item["en"] for item in keywords],
                "projects_note_en": _first(items, "projects_note"),
                "other_requirements_en": _joined(other, "other_requirements"),
                "segments": items,
                "untranslated": sum(1 for item in items if not item["en"]),
            }
        )
    every = [item for items in by_scope.values() for item in items]
    provenance: dict[str, int] = {}
    for item in every:
        provenance[item["provenance"]] = provenance.get(item["provenance"], 0) + 1
    return {
        "guide": {
            "title_zh": guide.title_zh,
            "title_en": _first(guide_items, "guide_title"),
            "source": {"path": guide.source_path, "sha256": guide.source_sha256},
        },
        "preamble": {
            "title_en": _first(guide_items, "guide_title"),
            "sections": preamble_sections,
            "segments": guide_items,
            "untranslated": sum(1 for item in guide_items if not item["en"]),
        },
        "areas": areas,
        "directions": directions,
        "totals": {
            "segments": len(every),
            "translated": sum(1 for item in every if item["en"]),
            "untranslated": sum(1 for item in every if not item["en"]),
            "by_provenance": provenance,
        },
    }


def write_bilingual_json(path: Path, data: dict[str, Any]) -> None:
    write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
