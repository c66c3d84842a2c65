"""Translation units: the guide's Chinese fields split into sentences and clauses.

A segment id is `scope:field:index`, for example `1.10:content:3`, `guide:preamble:0` or
`area-4:area_title:0`. Ids are stable for a given guide text: they depend only on the order of
segments within a field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from .model import Direction, Guide, Paragraph, PreambleSection


class Provenance(StrEnum):
    REVIEWED = "reviewed"
    # A translator's edit left at XLIFF state `translated`: better than MT, not yet reviewed.
    POST_EDITED = "post-edited"
    FUZZY = "fuzzy"
    MT = "mt"
    PATTERN = "pattern"
    UNTRANSLATED = "untranslated"


class State(StrEnum):
    """XLIFF 2 segment states."""

    INITIAL = "initial"
    TRANSLATED = "translated"
    REVIEWED = "reviewed"
    FINAL = "final"


@dataclass(frozen=True)
class Segment:
    id: str
    scope: str
    field: str
    index: int
    paragraph: int
    zh: str
    label: str | None = None

    @property
    def direction_id(self) -> str | None:
        return None if self.scope == "guide" or self.scope.startswith("area-") else self.scope


@dataclass(frozen=True)
class Translation:
    segment_id: str
    en: str | None
    provenance: Provenance
    state: State
    note: str | None = None


# A sentence ends at 。！？ or a clause at ；, together with any closing quotes or brackets.
_SENTENCE_END = re.compile(r"[。！？；]+[”’」』）)]*")


def split_sentences(text: str) -> list[str]:
    """Split Chinese text into sentences and semicolon clauses, keeping the punctuation."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        piece = text[start : match.end()].strip()
        if piece:
            pieces.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces


def _field_segments(scope: str, field: str, paragraphs: Iterable[Paragraph]) -> Iterator[Segment]:
    index = 0
    for paragraph_index, paragraph in enumerate(paragraphs):
        for position, sentence in enumerate(split_sentences(paragraph.text)):
            yield Segment(
                id=f"{scope}:{field}:{index}",
                scope=scope,
                field=field,
                index=index,
                paragraph=paragraph_index,
                zh=sentence,
                label=paragraph.label if position == 0 else None,
            )
            index += 1


def _single(scope: str, field: str, text: str) -> Segment:
    return Segment(id=f"{scope}:{field}:0", scope=scope, field=field, index=0, paragraph=0, zh=text)


def direction_segments(direction: Direction) -> Iterator[Segment]:
    scope = direction.id
    yield _single(scope, "title", direction.title_zh)
    yield from _field_segments(scope, "content", direction.research_content_zh)
    if direction.indicators_note_zh:
        yield _single(scope, "indicators_note", direction.indicators_note_zh)
    yield from _field_segments(scope, "indicators", direction.indicators_zh)
    for index, keyword in enumerate(direction.keywords_zh):
        yield Segment(
            id=f"{scope}:keywords:{index}", scope=scope, field="keywords", index=index, paragraph=0, zh=keyword
        )
    if direction.projects_supported_note_zh:
        yield _single(scope, "projects_note", direction.projects_supported_note_zh)
    yield from _field_segments(scope, "other_requirements", direction.other_requirements_zh)
    # Fields without a typed field (schema version 2): 有关说明, 合作协议, unknown labels… Their ids
    # name the field (`2.1:notes:0`, `3:x-1a2b3c4d:0` for an unknown label), so that the ids of
    # the typed fields above never move.
    for key, paragraphs in extra_field_paragraphs(direction):
        yield from _field_segments(scope, key, paragraphs)
    # Known labels go through the termbase; an unknown label is translated like text.
    for position, label in enumerate(unknown_labels(direction)):
        yield Segment(id=f"{scope}:label:{position}", scope=scope, field="label", index=position, paragraph=0, zh=label)


def extra_field_paragraphs(direction: Direction) -> list[tuple[str, list[Paragraph]]]:
    """The paragraphs of the untyped fields, grouped by segment field name, in order of first use
    (the numbering of their segments; the render context follows it)."""
    grouped: dict[str, list[Paragraph]] = {}
    for extra in direction.extra_fields:
        grouped.setdefault(extra.segment_field, []).extend(extra.paragraphs)
    return list(grouped.items())


def unknown_labels(direction: Direction) -> list[str]:
    """The labels without a known key, each once, in order: the `label` segments' positions."""
    return list(dict.fromkeys(f.label_zh for f in direction.extra_fields if f.key is None and f.label_zh))


def guide_segments(guide: Guide) -> Iterator[Segment]:
    """Segments of the guide title, the preamble and the area titles (not the directions)."""
    yield _single("guide", "guide_title", guide.title_zh)
    yield from _section_segments("preamble", guide.preamble)
    for area in guide.areas:
        yield _single(f"area-{area.id}", "area_title", area.title_zh)
        yield from _field_segments(f"area-{area.id}", "area_intro", area.paragraphs)
    yield from _section_segments("closing", guide.closing)


def _section_segments(part: str, sections: list[PreambleSection]) -> Iterator[Segment]:
    """The headings of the preamble's or the closing part's sections, then all their paragraphs."""
    for section_index, section in enumerate(sections):
        yield Segment(
            id=f"guide:{part}_heading:{section_index}",
            scope="guide",
            field=f"{part}_heading",
            index=section_index,
            paragraph=section_index,
            zh=section.title_zh,
        )
    yield from _field_segments("guide", part, [p for section in sections for p in section.paragraphs])


def segment_guide(guide: Guide) -> list[Segment]:
    """Every translation unit of the guide, in reading order."""
    segments = list(guide_segments(guide))
    for direction in guide.directions:
        segments.extend(direction_segments(direction))
    return segments
