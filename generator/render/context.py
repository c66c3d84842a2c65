"""Render context: the guide and its English drafts arranged for the templates.

Pure functions from (Guide, segments, translations) to plain dataclasses. Every English paragraph
is built by joining its segments' English; a segment without English keeps its Chinese and is
flagged, machine-translated and fuzzy segments are flagged as drafts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from ..model import TYPED_FIELD_KEYS, Direction, DirectionType, Guide, GuideFacts, Layout, Paragraph
from ..segments import Provenance, Segment, Translation, extra_field_paragraphs, segment_guide, unknown_labels
from ..settings import AgreementChoices, CallInfo, Party
from .i18n import Pair, money_compact, money_full, number
from .rules import Rule, binding_rules, restricted_note
from .targets import row_targets

if TYPE_CHECKING:
    from ..glossary.termbase import Termbase


class PartKind(StrEnum):
    FINAL = "final"  # reviewed, pattern: English we stand behind
    DRAFT = "draft"  # machine-translated or fuzzy match: English to be checked
    UNTRANSLATED = "untranslated"  # no English: the Chinese is shown, flagged


_FINAL = {Provenance.REVIEWED, Provenance.PATTERN}
_DRAFT = {Provenance.MT, Provenance.FUZZY, Provenance.POST_EDITED}


@dataclass(frozen=True)
class Part:
    """One segment's English (or its Chinese when untranslated)."""

    kind: PartKind
    text: str
    zh: str
    provenance: str
    note: str | None = None  # the translator's note of a reviewed unit: where the English departs


@dataclass(frozen=True)
class Para:
    """One paragraph: the Chinese, and the English as parts, one per segment."""

    zh: str
    parts: tuple[Part, ...]
    label: str | None = None

    @property
    def kinds(self) -> set[PartKind]:
        return {part.kind for part in self.parts}

    @property
    def fully_untranslated(self) -> bool:
        return bool(self.parts) and self.kinds == {PartKind.UNTRANSLATED}

    @property
    def has_draft(self) -> bool:
        return PartKind.DRAFT in self.kinds

    @property
    def has_untranslated(self) -> bool:
        return PartKind.UNTRANSLATED in self.kinds

    @property
    def en(self) -> str | None:
        """The English when every segment has some, else None."""
        if self.has_untranslated or not self.parts:
            return None
        return _join_english(part.text for part in self.parts)

    @property
    def en_or_flagged(self) -> str:
        """Plain-text English with untranslated pieces bracketed (for DOCX properties, summaries)."""
        pieces = []
        for part in self.parts:
            if part.kind is PartKind.UNTRANSLATED:
                pieces.append(f"[Untranslated: {part.zh}]")
            else:
                pieces.append(part.text)
        return _join_english(pieces)

    @property
    def pair(self) -> Pair:
        return Pair(zh=self.zh, en=self.en)


def _join_english(pieces: Iterable[str]) -> str:
    return " ".join(piece.strip() for piece in pieces if piece.strip())


@dataclass(frozen=True)
class IndicatorRow:
    """A line of the briefing's key-indicator table."""

    label: str | None
    para: Para
    values: tuple[str, ...]  # confirmed targets, e.g. "≥ 5000 GPU"; () when none are certain
    certain: bool  # every target the Chinese states was confirmed by the English
    has_numbers: bool


@dataclass(frozen=True)
class IndicatorGroup:
    label_zh: str | None
    paras: tuple[Para, ...]


@dataclass(frozen=True)
class ExtraField:
    """A labelled field without a typed field of its own (有关说明, 合作协议, an unknown label), in order.

    `label` is a Para: a known label's English is its approved termbase entry; an unknown label is
    translated like text (its `label` segment) and flagged when it has no English.
    """

    label: Para
    paras: tuple[Para, ...]


@dataclass(frozen=True)
class DirectionContext:
    id: str
    area_id: str
    area_title: Para
    title: Para
    type: str
    type_label_zh: str
    keywords: tuple[Para, ...]
    content: tuple[Para, ...]
    indicators_note: Para | None
    indicators: tuple[Para, ...]
    indicator_groups: tuple[IndicatorGroup, ...]
    projects_supported: int | None
    projects_note: Para | None
    other_requirements: tuple[Para, ...]
    matching_ratio: str | None
    enterprise_led: bool
    production_enterprise_required: bool
    source_lines: tuple[int, int]
    indicator_rows: tuple[IndicatorRow, ...]
    extra_fields: tuple[ExtraField, ...] = ()
    # The guide's layout: the bundled `typed-directions` layout renders its fixed set of fields; the
    # others render only the fields the direction has, in the guide's order (`field_order`).
    layout: str = Layout.TYPED_DIRECTIONS.value
    # Keys of the typed fields ("content", "indicators", "keywords", "projects", "other") and
    # "extra:N" (N into `extra_fields`), in the order of the guide.
    field_order: tuple[str, ...] = ()
    # The preamble states the call's general rule on the number of projects per direction (1~2),
    # so a direction that states no number falls under it. Never assumed: False unless the guide says so.
    projects_rule: bool = False

    @property
    def alternatives(self) -> bool:
        return len(self.indicator_groups) > 1

    @property
    def typed_layout(self) -> bool:
        return self.layout == Layout.TYPED_DIRECTIONS.value


@dataclass(frozen=True)
class Conditions:
    """The general conditions from the preamble, already formatted per language."""

    funding_compact: Pair | None
    funding_full: Pair | None
    max_chinese_units: int | None
    max_years: int | None
    min_foreign_partners: int | None
    projects: int | None
    directions: int | None
    projects_per_direction: str | None
    projects_per_direction_note: Pair | None


@dataclass(frozen=True)
class PreambleSectionContext:
    heading: Para
    paragraphs: tuple[Para, ...]


@dataclass(frozen=True)
class AreaContext:
    id: str
    title: Para
    direction_ids: tuple[str, ...]
    # The guide's text between the area's heading and its first direction (or section).
    intro: tuple[Para, ...] = ()


@dataclass(frozen=True)
class Translated:
    """Counts of segment provenance, for the notice and the index."""

    final: int = 0
    draft: int = 0
    untranslated: int = 0


@dataclass(frozen=True)
class CallContext:
    title: Para
    conditions: Conditions
    preamble: tuple[PreambleSectionContext, ...]
    areas: tuple[AreaContext, ...]
    directions: tuple[DirectionContext, ...]
    source_sha256: str
    issued: dt.date | None  # the edition date, when the settings give one
    programme: Pair = field(default_factory=lambda: Pair(zh="", en=""))
    counts: Translated = field(default_factory=Translated)
    info: CallInfo = field(default_factory=CallInfo)  # from callpack.toml [call]
    rules: tuple[Rule, ...] = ()  # the binding rules of the preamble, one wording each
    restricted: Rule | None = None  # the source's access restriction, unless cleared for release
    # From callpack.toml, for the agreement skeleton only ([[parties]] and [agreement]).
    parties: tuple[Party, ...] = ()
    agreement_choices: AgreementChoices = field(default_factory=AgreementChoices)

    def direction(self, direction_id: str) -> DirectionContext:
        for direction in self.directions:
            if direction.id == direction_id:
                return direction
        raise KeyError(direction_id)

    def area(self, area_id: str) -> AreaContext:
        for area in self.areas:
            if area.id == area_id:
                return area
        raise KeyError(area_id)

    @property
    def rule_ids(self) -> frozenset[str]:
        """The ids of the binding rules this guide states (see rules.py)."""
        return frozenset(rule.id for rule in self.rules)

    @property
    def has_conditions(self) -> bool:
        """The preamble states at least one general condition or binding rule."""
        c = self.conditions
        stated = (c.funding_compact, c.max_chinese_units, c.max_years, c.min_foreign_partners, c.projects,
                  c.directions, c.projects_per_direction)
        return any(value is not None for value in stated) or bool(self.rules)

    @property
    def loose_directions(self) -> tuple[DirectionContext, ...]:
        """Directions outside every area (intergovernmental items, partial guides), in guide order."""
        in_areas = {direction_id for area in self.areas for direction_id in area.direction_ids}
        return tuple(d for d in self.directions if d.id not in in_areas)


# --- translations --------------------------------------------------------------------------------


def load_current_translations(guide: Guide) -> dict[str, Translation]:
    """English from the translation stage (memory, patterns, stored MT; never runs MT)."""
    from ..translate.pipeline import current_translations  # only when no translations are passed in

    return current_translations(guide)


def _part(segment: Segment, translation: Translation | None) -> Part:
    if translation is None or translation.en is None or not translation.en.strip():
        return Part(PartKind.UNTRANSLATED, segment.zh, segment.zh, Provenance.UNTRANSLATED.value)
    provenance = Provenance(translation.provenance)
    if provenance in _FINAL:
        kind = PartKind.FINAL
    elif provenance in _DRAFT:
        kind = PartKind.DRAFT
    else:
        return Part(PartKind.UNTRANSLATED, segment.zh, segment.zh, provenance.value)
    note = (translation.note or "").strip() if provenance is Provenance.REVIEWED else ""
    return Part(kind, translation.en.strip(), segment.zh, provenance.value, note or None)


# Words that keep their capital at the start of a clause.
_PROPER_WORDS = frozenset(
    [
        "China",
        "Chinese",
        "English",
        "Europe",
        "European",
        "Asia",
        "Asian",
        "Hong",
        "Macao",
        "Taiwan",
        "Python",
        "Java",
        "JavaScript",
        "Rust",
        "Go",
        "Newmark",
        "Transformer",
        "Stellite",
        "Spark",
        "Micro",
        "Ministry",
    ]
)
_CAPITALIZED_WORD = re.compile(r"([A-Z])([a-z]+)\b")


def clause_case(parts: tuple[Part, ...]) -> tuple[Part, ...]:
    """Fix the case where segments meet: a clause after ';' goes on in lower case, a sentence starts upper.

    Segments split at '；' are translated one by one and may each start with a capital, but the
    templates join them into one English sentence.
    """
    fixed = []
    previous = ""
    for part in parts:
        text = part.text
        if part.kind is not PartKind.UNTRANSLATED and text:
            word = _CAPITALIZED_WORD.match(text)
            if previous.endswith(";") and word and text.split()[0].strip(",:") not in _PROPER_WORDS:
                text = text[0].lower() + text[1:]
            elif (not previous or previous.endswith((".", "!", "?"))) and text[0].islower():
                text = text[0].upper() + text[1:]
        fixed.append(replace(part, text=text) if text != part.text else part)
        previous = text.rstrip()
    return tuple(fixed)


class _Index:
    def __init__(self, segments: list[Segment], translations: Mapping[str, Translation]) -> None:
        self.by_field: dict[tuple[str, str], list[Segment]] = defaultdict(list)
        for segment in segments:
            self.by_field[(segment.scope, segment.field)].append(segment)
        self.translations = translations

    def paragraphs(self, scope: str, field_name: str, source: list[Paragraph]) -> tuple[Para, ...]:
        grouped: dict[int, list[Segment]] = defaultdict(list)
        for segment in self.by_field.get((scope, field_name), []):
            grouped[segment.paragraph].append(segment)
        result = []
        for index, paragraph in enumerate(source):
            parts = clause_case(tuple(_part(s, self.translations.get(s.id)) for s in grouped.get(index, [])))
            result.append(Para(zh=paragraph.text, parts=parts, label=paragraph.label))
        return tuple(result)

    def single(self, scope: str, field_name: str, zh: str, index: int = 0) -> Para:
        segments = [s for s in self.by_field.get((scope, field_name), []) if s.index == index]
        parts = tuple(_part(s, self.translations.get(s.id)) for s in segments)
        return Para(zh=zh, parts=parts)

    def counts(self) -> Translated:
        final = draft = untranslated = 0
        for segments in self.by_field.values():
            for segment in segments:
                kind = _part(segment, self.translations.get(segment.id)).kind
                if kind is PartKind.FINAL:
                    final += 1
                elif kind is PartKind.DRAFT:
                    draft += 1
                else:
                    untranslated += 1
        return Translated(final, draft, untranslated)


# --- target values ---------------------------------------------------------------------------


def _indicator_rows(paras: tuple[Para, ...]) -> tuple[IndicatorRow, ...]:
    rows = []
    for para in paras:
        targets = row_targets(para.zh, para.en if not para.has_draft else None)
        rows.append(
            IndicatorRow(
                label=para.label,
                para=para,
                values=targets.shown,
                certain=targets.certain,
                has_numbers=targets.has_numbers,
            )
        )
    return tuple(rows)


# --- building ----------------------------------------------------------------------------------


def _label_para(label_zh: str, terms: Termbase | None) -> Para | None:
    """A known field label with the English of its approved termbase entry, sentence-cased."""
    entry = terms.get(label_zh) if terms is not None else None
    if entry is None or entry.status != "approved" or not entry.en:
        return None
    english = entry.en[0].upper() + entry.en[1:]
    return Para(zh=label_zh, parts=(Part(PartKind.FINAL, english, label_zh, "termbase"),))


def _extra_fields(direction: Direction, index: _Index, terms: Termbase | None) -> tuple[ExtraField, ...]:
    """The untyped fields; their segments are numbered per segment field across fields (see segments)."""
    scope = direction.id
    unknown = unknown_labels(direction)
    paras = {key: index.paragraphs(scope, key, paragraphs) for key, paragraphs in extra_field_paragraphs(direction)}
    used: dict[str, int] = defaultdict(int)
    result = []
    for item in direction.extra_fields:
        start = used[item.segment_field]
        used[item.segment_field] += len(item.paragraphs)
        label = _label_para(item.label_zh, terms)
        if label is None:
            position = unknown.index(item.label_zh) if item.label_zh in unknown else 0
            label = index.single(scope, "label", item.label_zh, position) if item.label_zh else Para(zh="", parts=())
        result.append(ExtraField(label=label, paras=paras[item.segment_field][start : used[item.segment_field]]))
    return tuple(result)


def _field_order(direction: Direction) -> tuple[str, ...]:
    """The direction's fields in the guide's order: typed keys once each, untyped ones as "extra:N"."""
    if not direction.fields:  # a model without `fields` (schema 1): the typed fields, in the bundled order
        return ("keywords", "content", "indicators", "projects", "other")
    order: list[str] = []
    extra = 0
    for item in direction.fields:
        if item.key in TYPED_FIELD_KEYS:
            if item.key not in order:
                order.append(item.key)
        else:
            order.append(f"extra:{extra}")
            extra += 1
    return tuple(order)


def _direction_context(
    direction: Direction,
    index: _Index,
    area_title: Para,
    terms: Termbase | None = None,
    layout: Layout = Layout.TYPED_DIRECTIONS,
    projects_rule: bool = False,
) -> DirectionContext:
    scope = direction.id
    indicators = index.paragraphs(scope, "indicators", direction.indicators_zh)
    groups: list[IndicatorGroup] = []
    if direction.indicator_set_items and len(direction.indicator_set_items) > 1:
        by_text = {para.zh: para for para in indicators}
        for item in direction.indicator_set_items:
            members = tuple(by_text[p.text] for p in item.paragraphs if p.text in by_text)
            groups.append(IndicatorGroup(label_zh=item.label, paras=members))
        covered = {id(p) for group in groups for p in group.paras}
        leftovers = tuple(p for p in indicators if id(p) not in covered)
        if leftovers:
            groups.insert(0, IndicatorGroup(label_zh=None, paras=leftovers))
    else:
        groups.append(IndicatorGroup(label_zh=None, paras=indicators))
    return DirectionContext(
        id=direction.id,
        area_id=direction.area_id or "",
        area_title=area_title,
        title=index.single(scope, "title", direction.title_zh),
        type=direction.type.value if direction.type is not None else "",
        type_label_zh=direction.type_label_zh or "",
        keywords=tuple(
            index.single(scope, "keywords", keyword, position)
            for position, keyword in enumerate(direction.keywords_zh)
        ),
        content=index.paragraphs(scope, "content", direction.research_content_zh),
        indicators_note=(
            index.single(scope, "indicators_note", direction.indicators_note_zh)
            if direction.indicators_note_zh
            else None
        ),
        indicators=indicators,
        indicator_groups=tuple(groups),
        projects_supported=direction.projects_supported,
        projects_note=(
            index.single(scope, "projects_note", direction.projects_supported_note_zh)
            if direction.projects_supported_note_zh
            else None
        ),
        other_requirements=index.paragraphs(scope, "other_requirements", direction.other_requirements_zh),
        matching_ratio=direction.matching_ratio,
        enterprise_led=direction.enterprise_led,
        production_enterprise_required=direction.production_enterprise_required,
        source_lines=direction.source_lines,
        indicator_rows=_indicator_rows(indicators),
        extra_fields=_extra_fields(direction, index, terms),
        layout=layout.value,
        field_order=_field_order(direction),
        projects_rule=projects_rule,
    )


def _conditions(facts: GuideFacts) -> Conditions:
    funding = facts.national_funding_cny
    return Conditions(
        funding_compact=Pair(zh=money_compact(funding, "zh"), en=money_compact(funding, "en"))
        if funding
        else None,
        funding_full=Pair(zh=money_full(funding, "zh"), en=money_full(funding, "en")) if funding else None,
        max_chinese_units=facts.max_chinese_units,
        max_years=facts.max_years,
        min_foreign_partners=facts.min_foreign_partners,
        projects=facts.projects,
        directions=facts.directions,
        projects_per_direction=facts.projects_per_direction,
        projects_per_direction_note=None,
    )


_QUOTED = re.compile(r"[“\"「](.+?)[”\"」]")


def programme_name(title: Para) -> Pair:
    """The key special project's name: the quoted part of the guide title (战略性科技创新合作)."""
    zh_match = _QUOTED.search(title.zh)
    zh = zh_match.group(1).strip() if zh_match else title.zh
    english = title.en
    en_match = _QUOTED.search(english) if english else None
    return Pair(zh=zh, en=en_match.group(1).strip() if en_match else None)


def build_call_context(
    guide: Guide,
    translations: Mapping[str, Translation] | None = None,
    issued: dt.date | None = None,
    terms: Termbase | None = None,
    info: CallInfo | None = None,
) -> CallContext:
    """Everything the templates need, for the whole call. `info` is the `[call]` table of callpack.toml;
    `terms` gives the English of field labels such as 有关说明 (without it the bundled termbase is read
    when a direction has such fields).
    """
    info = info or CallInfo()
    if terms is None and any(d.extra_fields for d in guide.directions):
        from ..glossary.termbase import load_termbase

        terms = load_termbase()
    segments = segment_guide(guide)
    index = _Index(segments, translations if translations is not None else load_current_translations(guide))
    preamble_paragraphs = index.paragraphs(
        "guide", "preamble", [p for section in guide.preamble for p in section.paragraphs]
    )
    sections = []
    offset = 0
    for position, section in enumerate(guide.preamble):
        count = len(section.paragraphs)
        sections.append(
            PreambleSectionContext(
                heading=index.single("guide", "preamble_heading", section.title_zh, position),
                paragraphs=preamble_paragraphs[offset : offset + count],
            )
        )
        offset += count
    areas = tuple(
        AreaContext(
            id=area.id,
            title=index.single(f"area-{area.id}", "area_title", area.title_zh),
            direction_ids=tuple(area.direction_ids),
            intro=index.paragraphs(f"area-{area.id}", "area_intro", area.paragraphs),
        )
        for area in guide.areas
    )
    area_titles = {area.id: area.title for area in areas}
    rules = binding_rules(guide)
    # The general rule "1~2 projects per direction" is the preamble's, when it states it.
    projects_rule = guide.facts.projects_per_direction == "1~2" and any(rule.id == "projects" for rule in rules)
    directions = tuple(
        _direction_context(
            direction,
            index,
            area_titles.get(direction.area_id or "", Para(zh="", parts=())),
            terms,
            guide.layout,
            projects_rule,
        )
        for direction in guide.directions
    )
    title = index.single("guide", "guide_title", guide.title_zh)
    return CallContext(
        title=title,
        programme=programme_name(title),
        conditions=_conditions(guide.facts),
        preamble=tuple(sections),
        areas=areas,
        directions=directions,
        source_sha256=guide.source_sha256,
        issued=issued,
        counts=index.counts(),
        info=info,
        rules=rules,
        restricted=None if info.cleared_for_release else restricted_note(guide),
    )


def N_(msgid: str) -> str:
    """Mark a string for extraction; it is translated where it is used."""
    return msgid


DIRECTION_TYPE_MSGIDS: dict[str, str] = {
    DirectionType.BASIC_RESEARCH.value: N_("Basic research"),
    DirectionType.COMMON_KEY_TECHNOLOGY.value: N_("Common key technology"),
    DirectionType.APPLICATION_DEMONSTRATION.value: N_("Application demonstration"),
}


def format_count(value: int | None, lang: str) -> str:
    return "" if value is None else number(value, lang)


def direction_paras(direction: DirectionContext) -> list[Para]:
    """Every paragraph of a direction, in reading order."""
    paras: list[Para] = [direction.title, *direction.keywords, *direction.content]
    if direction.indicators_note:
        paras.append(direction.indicators_note)
    paras.extend(direction.indicators)
    if direction.projects_note:
        paras.append(direction.projects_note)
    paras.extend(direction.other_requirements)
    for item in direction.extra_fields:  # 合作协议, 有关说明…: their labels come from the termbase or are paragraphs
        paras.extend(item.paras)
    return paras


def counts_of(paras: Iterable[Para]) -> Translated:
    final = draft = untranslated = 0
    for para in paras:
        for part in para.parts:
            if part.kind is PartKind.FINAL:
                final += 1
            elif part.kind is PartKind.DRAFT:
                draft += 1
            else:
                untranslated += 1
    return Translated(final, draft, untranslated)
