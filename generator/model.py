"""The structured model of a call guide (申报指南).

Every Chinese text field keeps its repaired form (`text`) beside the text as extracted from the
PDF (`raw`), so that a reviewer can see what the parser changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

# Version 2 adds `layout`, `partial`, `notices`, `guide.closing`, direction `fields` and friends, area
# `parent_id` and `paragraphs`; `type`, `type_label_zh` and `area_id` may be null. Nothing was removed.
SCHEMA_VERSION = "2"


class DirectionType(StrEnum):
    BASIC_RESEARCH = "basic_research"
    COMMON_KEY_TECHNOLOGY = "common_key_technology"
    APPLICATION_DEMONSTRATION = "application_demonstration"


DIRECTION_TYPE_LABELS_ZH: dict[DirectionType, str] = {
    DirectionType.BASIC_RESEARCH: "基础研究类",
    DirectionType.COMMON_KEY_TECHNOLOGY: "共性关键技术类",
    DirectionType.APPLICATION_DEMONSTRATION: "应用示范类",
}


@dataclass(frozen=True)
class Repair:
    """One change the parser made to the extracted text."""

    line: int
    kind: str
    before: str
    after: str


@dataclass
class Paragraph:
    """A paragraph or a numbered sub-item such as (1)."""

    text: str
    raw: str
    lines: tuple[int, int]
    label: str | None = None


@dataclass
class IndicatorSet:
    """One of several alternative sets of assessment indicators; a project picks one."""

    label: str
    paragraphs: list[Paragraph]


class Layout(StrEnum):
    """The member of the family of MOST guide layouts that a guide follows."""

    TYPED_DIRECTIONS = "typed-directions"  # areas `1.`, directions `1.1 …（基础研究类）`, 关键词 (the bundled guide)
    KEY_SPECIAL_PROJECT = "key-special-project"  # no type labels or 关键词; 有关说明, 实施年限; `1.1.1`, `（一）`
    INTERGOVERNMENTAL = "intergovernmental"  # one item per partner: 合作协议, 领域方向, 共拟支持经费


# Field keys of the labels that the parser knows; any other label is kept with key None.
FIELD_KEYS: dict[str, str] = {
    "研究内容": "content",
    "考核指标": "indicators",
    "关键词": "keywords",
    "拟支持项目数": "projects",
    "其他要求": "other",
    "有关说明": "notes",
    "实施年限": "duration",
    "共拟支持经费": "funding",
    "合作协议": "agreement",
    "领域方向": "domains",
}
# Keys that have their own typed fields on `Direction` since schema version 1 (rendered by name).
TYPED_FIELD_KEYS = frozenset({"content", "indicators", "keywords", "projects", "other"})


@dataclass
class Field:
    """One labelled field of a direction, in the order of the guide: `研究内容：…`, `合作协议: …`."""

    label_zh: str
    key: str | None
    paragraphs: list[Paragraph]
    line: int
    note_zh: str | None = None

    @property
    def segment_field(self) -> str:
        """The `field` part of this field's segment ids: its key, or a stable name made from the label."""
        if self.key is not None:
            return self.key
        return "x-" + hashlib.sha1(self.label_zh.encode("utf-8")).hexdigest()[:8]


@dataclass
class Notice:
    """Something the parser could not place or had to guess at, with its line; validation reports it."""

    severity: str  # "error" or "warning"
    line: int | None
    message: str


@dataclass
class Direction:
    id: str
    area_id: str | None
    title_zh: str
    type: DirectionType | None
    type_label_zh: str | None
    research_content_zh: list[Paragraph]
    indicators_zh: list[Paragraph]
    keywords_zh: list[str]
    source_lines: tuple[int, int]
    indicators_note_zh: str | None = None
    indicator_sets: int = 1
    indicator_set_items: list[IndicatorSet] = field(default_factory=list)
    projects_supported: int | None = None
    projects_supported_note_zh: str | None = None
    other_requirements_zh: list[Paragraph] = field(default_factory=list)
    matching_ratio: str | None = None
    enterprise_led: bool = False
    production_enterprise_required: bool = False
    title_raw: str = ""
    keywords_raw: str = ""
    fields: list[Field] = field(default_factory=list)
    funding_cny: int | None = None
    funding_note_zh: str | None = None
    max_years: int | None = None
    youth_scientist: bool = False

    @property
    def extra_fields(self) -> list[Field]:
        """The fields without a typed field of their own (有关说明, 合作协议, unknown labels…), in order."""
        return [f for f in self.fields if f.key not in TYPED_FIELD_KEYS]


@dataclass
class Area:
    id: str
    title_zh: str
    direction_ids: list[str]
    line: int
    parent_id: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class PreambleSection:
    title_zh: str
    paragraphs: list[Paragraph]
    line: int


@dataclass
class GuideFacts:
    """What the preamble states about the call as a whole."""

    directions: int | None = None
    projects: int | None = None
    national_funding_cny: int | None = None
    max_chinese_units: int | None = None
    max_years: int | None = None
    min_foreign_partners: int | None = None
    projects_per_direction: str | None = None


@dataclass
class Guide:
    title_zh: str
    title_raw: str
    preamble: list[PreambleSection]
    facts: GuideFacts
    areas: list[Area]
    directions: list[Direction]
    repairs: list[Repair]
    source_path: str
    source_sha256: str
    source_encoding: str
    layout: Layout = Layout.TYPED_DIRECTIONS
    partial: bool = False
    closing: list[PreambleSection] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def direction(self, direction_id: str) -> Direction:
        for direction in self.directions:
            if direction.id == direction_id:
                return direction
        raise KeyError(direction_id)

    def area(self, area_id: str) -> Area:
        for area in self.areas:
            if area.id == area_id:
                return area
        raise KeyError(area_id)

    def to_json_dict(self) -> dict[str, Any]:
        """The `callpack parse --json` shape: guide, areas, directions, repairs."""
        return {
            "schema_version": SCHEMA_VERSION,
            "layout": self.layout.value,
            "partial": self.partial,
            "guide": {
                "title_zh": self.title_zh,
                "title_raw": self.title_raw,
                "preamble": [asdict(section) for section in self.preamble],
                "closing": [asdict(section) for section in self.closing],
                "facts": asdict(self.facts),
                "source": {
                    "path": self.source_path,
                    "sha256": self.source_sha256,
                    "encoding": self.source_encoding,
                },
            },
            "areas": [asdict(area) for area in self.areas],
            "directions": [_direction_dict(d) for d in self.directions],
            "repairs": [asdict(repair) for repair in self.repairs],
            "notices": [asdict(notice) for notice in self.notices],
        }


def _direction_dict(direction: Direction) -> dict[str, Any]:
    data = asdict(direction)
    data["type"] = direction.type.value if direction.type is not None else None
    data["source_lines"] = list(direction.source_lines)
    return data


def _paragraphs(items: list[dict[str, Any]]) -> list[Paragraph]:
    return [
        Paragraph(text=p["text"], raw=p["raw"], lines=(p["lines"][0], p["lines"][1]), label=p.get("label"))
        for p in items
    ]


def _fields(items: list[dict[str, Any]]) -> list[Field]:
    return [
        Field(label_zh=f["label_zh"], key=f["key"], paragraphs=_paragraphs(f["paragraphs"]), line=f["line"], note_zh=f.get("note_zh"))
        for f in items
    ]


def _sections(items: list[dict[str, Any]]) -> list[PreambleSection]:
    return [PreambleSection(title_zh=s["title_zh"], paragraphs=_paragraphs(s["paragraphs"]), line=s["line"]) for s in items]


def guide_from_json_dict(data: dict[str, Any]) -> Guide:
    """Inverse of `Guide.to_json_dict`."""
    meta = data["guide"]
    directions = []
    for d in data["directions"]:
        directions.append(
            Direction(
                id=d["id"],
                area_id=d["area_id"],
                title_zh=d["title_zh"],
                type=DirectionType(d["type"]) if d["type"] is not None else None,
                type_label_zh=d["type_label_zh"],
                research_content_zh=_paragraphs(d["research_content_zh"]),
                indicators_zh=_paragraphs(d["indicators_zh"]),
                keywords_zh=list(d["keywords_zh"]),
                source_lines=(d["source_lines"][0], d["source_lines"][1]),
                indicators_note_zh=d.get("indicators_note_zh"),
                indicator_sets=d.get("indicator_sets", 1),
                indicator_set_items=[
                    IndicatorSet(label=s["label"], paragraphs=_paragraphs(s["paragraphs"]))
                    for s in d.get("indicator_set_items", [])
                ],
                projects_supported=d.get("projects_supported"),
                projects_supported_note_zh=d.get("projects_supported_note_zh"),
                other_requirements_zh=_paragraphs(d.get("other_requirements_zh", [])),
                matching_ratio=d.get("matching_ratio"),
                enterprise_led=d.get("enterprise_led", False),
                production_enterprise_required=d.get("production_enterprise_required", False),
                title_raw=d.get("title_raw", ""),
                keywords_raw=d.get("keywords_raw", ""),
                fields=_fields(d.get("fields", [])),
                funding_cny=d.get("funding_cny"),
                funding_note_zh=d.get("funding_note_zh"),
                max_years=d.get("max_years"),
                youth_scientist=d.get("youth_scientist", False),
            )
        )
    return Guide(
        title_zh=meta["title_zh"],
        title_raw=meta.get("title_raw", ""),
        preamble=_sections(meta["preamble"]),
        facts=GuideFacts(**meta["facts"]),
        areas=[
            Area(
                id=a["id"],
                title_zh=a["title_zh"],
                direction_ids=list(a["direction_ids"]),
                line=a["line"],
                parent_id=a.get("parent_id"),
                paragraphs=_paragraphs(a.get("paragraphs", [])),
            )
            for a in data["areas"]
        ],
        directions=directions,
        repairs=[Repair(**r) for r in data.get("repairs", [])],
        source_path=meta["source"]["path"],
        source_sha256=meta["source"]["sha256"],
        source_encoding=meta["source"]["encoding"],
        layout=Layout(data.get("layout", Layout.TYPED_DIRECTIONS.value)),
        partial=data.get("partial", False),
        closing=_sections(meta.get("closing", [])),
        notices=[Notice(**n) for n in data.get("notices", [])],
    )
