"""Where the glossary tools get the guide and the current translations from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

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


def guide_segments(guide: Guide | None) -> list[Segment]:
    return segment_guide(guide) if guide is not None else []


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
