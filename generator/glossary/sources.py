"""Where the glossary tools get the guide and the current translations from.

Both come from other stages that may not be installed yet (the parser, the translation store); every
function here degrades to "nothing available" instead of failing, so the glossary commands work on
the termbase alone.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import Guide
from ..segments import Segment, Translation, segment_guide
from .termbase import Status, Termbase

# Fields whose text is a sentence worth showing as a context (keywords are terms themselves).
CONTEXT_FIELDS = frozenset(
    {"title", "content", "indicators", "indicators_note", "projects_note", "other_requirements", "preamble"}
)


@dataclass(frozen=True)
class Context:
    """A guide sentence in which a term occurs."""

    zh: str
    direction_id: str | None
    segment_id: str
    en: str | None = None


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None
    return found if callable(found) else None


def load_guide(path: Path | None = None) -> Guide | None:
    """The parsed guide (the bundled one unless `path`), or None while the parser is not available."""
    if path is not None:
        parse_guide = _optional("generator.parse", "parse_guide")
        return parse_guide(path) if parse_guide else None
    load_bundled_guide = _optional("generator.parse", "load_bundled_guide")
    return load_bundled_guide() if load_bundled_guide else None


def guide_segments(guide: Guide | None) -> list[Segment]:
    return segment_guide(guide) if guide is not None else []


def current_translations(guide: Guide | None = None) -> dict[str, Translation]:
    """The translation store's current translations by segment id, or {} when there is no store yet."""
    provider = _optional("generator.translate.store", "current_translations")
    if provider is None:
        return {}
    try:
        result = provider(guide) if guide is not None else provider()
    except ImportError:  # the translation stage is installed only in part
        return {}
    return dict(result) if isinstance(result, Mapping) else {}


def translation_triples(
    segments: Iterable[Segment], translations: Mapping[str, Translation]
) -> list[tuple[str, str, str]]:
    """(segment id, zh, en) of every translated segment, for `check`."""
    triples = []
    for segment in segments:
        translation = translations.get(segment.id)
        if translation is not None and translation.en:
            triples.append((segment.id, segment.zh, translation.en))
    return triples


def sentence_translations(
    segments: Iterable[Segment], translations: Mapping[str, Translation]
) -> dict[str, str]:
    """Chinese sentence → its current English, for the review spreadsheet."""
    return {zh: en for _, zh, en in translation_triples(segments, translations)}


def known_direction_ids(guide: Guide | None) -> set[str] | None:
    return {direction.id for direction in guide.directions} if guide is not None else None


def term_contexts(
    termbase: Termbase,
    segments: Iterable[Segment],
    sentence_en: Mapping[str, str] | None = None,
    limit: int = 3,
) -> dict[str, list[Context]]:
    """Up to `limit` distinct guide sentences for every entry (any status) whose zh occurs in them."""
    statuses = tuple(Status)
    found: dict[str, list[Context]] = {}
    seen: dict[str, set[str]] = {}
    english = sentence_en or {}
    for segment in segments:
        if segment.field not in CONTEXT_FIELDS:
            continue
        for match in termbase.find_all(segment.zh, statuses):
            zh = match.entry.zh
            contexts = found.setdefault(zh, [])
            if len(contexts) >= limit or segment.zh in seen.setdefault(zh, set()):
                continue
            seen[zh].add(segment.zh)
            contexts.append(Context(segment.zh, segment.direction_id, segment.id, english.get(segment.zh)))
    return found
