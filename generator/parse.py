"""Parse the text of a call guide into a `Guide`.

Stages: read and decode the file (I/O), split it into numbered lines, repair each line, join
paragraphs broken by page breaks, then walk the paragraphs with a small state machine that knows
the guide's headings and field labels.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from .errors import GuideFormatError, InputFileError
from .model import (
    DIRECTION_TYPE_LABELS_ZH,
    Area,
    Direction,
    DirectionType,
    Guide,
    GuideFacts,
    IndicatorSet,
    Paragraph,
    PreambleSection,
    Repair,
)
from .repair import HAN, ends_sentence, join_broken_lines, repair_line, repair_paragraph

_TYPE_BY_LABEL = {
    "基础研究": DirectionType.BASIC_RESEARCH,
    "共性关键技术": DirectionType.COMMON_KEY_TECHNOLOGY,
    "应用示范": DirectionType.APPLICATION_DEMONSTRATION,
}

_AREA_HEADING = re.compile(rf"^(\d{{1,3}})\s*[.．、]\s*([{HAN}][{HAN}A-Za-z0-9 ]{{0,24}})$")
_DIRECTION_HEADING = re.compile(r"^(\d{1,3})\s*[.．]\s*(\d{1,2})\s*(?=\S)(.*)$")
_TYPE_LABEL = re.compile(r"[（(]\s*((?:基\s*础\s*研\s*究|共\s*性\s*关\s*键\s*技\s*术|应\s*用\s*示\s*范)\s*类?)\s*[）)]?\s*$")
_PREAMBLE_HEADING = re.compile(r"^([一二三四五六七八九十]+)\s*[、.．]\s*(.+)$")
_ITEM_LABEL = re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*")
_INLINE_ITEM = re.compile(r"[（(](\d{1,2})[）)]")
_FIELD_LABEL = re.compile(
    r"^(研究内容|考核指标|关键词|拟支持项目数|其他要求)\s*(?:[（(]([^（）()]*)[）)])?\s*[：:]?\s*"
)
_FIELD_BY_LABEL = {
    "研究内容": "content",
    "考核指标": "indicators",
    "关键词": "keywords",
    "拟支持项目数": "projects",
    "其他要求": "other",
}


@dataclass
class SourceText:
    """A decoded guide file, as numbered lines."""

    path: str
    lines: list[str]
    encoding: str
    sha256: str


def read_guide_text(path: str | Path) -> SourceText:
    """Read and decode a guide file, with errors that say what is wrong with it."""
    source = Path(path)
    if not source.exists():
        raise InputFileError("no such file", source)
    if source.is_dir():
        raise InputFileError("is a directory, not a guide text file", source)
    try:
        data = source.read_bytes()
    except OSError as error:
        raise InputFileError(f"cannot read: {error.strerror}", source) from None
    return decode_guide_bytes(data, str(source))


def decode_guide_bytes(data: bytes, path: str) -> SourceText:
    if not data.strip():
        raise InputFileError("the file is empty", path)
    if b"\x00" in data[:4096]:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            try:
                return _source(data.decode("utf-16"), "utf-16", data, path)
            except UnicodeDecodeError:
                pass
        raise InputFileError("this is a binary file, not a guide text file (a PDF? extract its text first)", path)
    if data.startswith(b"%PDF"):
        raise InputFileError("this is a PDF; extract its text first (e.g. pdftotext -layout)", path)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            if encoding == "utf-8-sig":
                utf8_error = error
            continue
        return _source(text, "utf-8" if encoding == "utf-8-sig" else encoding, data, path)
    line = data[: utf8_error.start].count(b"\n") + 1
    raise InputFileError(
        f"not UTF-8 or GB18030 text (undecodable byte 0x{data[utf8_error.start]:02x}); re-save it as UTF-8",
        path,
        line,
    )


def _source(text: str, encoding: str, data: bytes, path: str) -> SourceText:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text) // 200):
        raise InputFileError("this looks like a binary file, not a guide text file", path)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return SourceText(path=path, lines=lines, encoding=encoding, sha256=hashlib.sha256(data).hexdigest())


@dataclass
class _Block:
    """A paragraph of the source after page-break joining."""

    raw: str
    text: str
    first: int
    last: int


@dataclass
class _Builder:
    """Mutable state of the walk over the blocks."""

    path: str
    repairs: list[Repair] = field(default_factory=list)
    preamble: list[PreambleSection] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    directions: list[Direction] = field(default_factory=list)
    current_field: str | None = None


def _is_structural(text: str, expected: set[str]) -> bool:
    """True when a line starts something new rather than continuing the paragraph before it."""
    if _FIELD_LABEL.match(text) or _ITEM_LABEL.match(text) or _PREAMBLE_HEADING.match(text):
        return True
    if text.startswith("具体指南方向如下"):
        return True
    return _heading_id(text, expected) is not None


def _heading_id(text: str, expected: set[str]) -> str | None:
    """The id of an area or direction heading, or None when the line only looks like one.

    A direction heading with its type label is a heading whatever its number (so that a duplicated
    or skipped id is reported); without a label, or an area heading, it must be the expected next id.
    """
    direction = _DIRECTION_HEADING.match(text)
    if direction:
        direction_id = f"{int(direction.group(1))}.{int(direction.group(2))}"
        rest = direction.group(3)
        if _TYPE_LABEL.search(rest) and re.match(f"[{HAN}A-Za-z0-9]", rest):
            return direction_id
        if direction_id in expected and re.match(f"[{HAN}]", rest.strip()) and not re.search("[，。；]", rest):
            return direction_id
    area = _AREA_HEADING.match(text)
    if area and area.group(1) in expected:
        return area.group(1)
    return None


def _expected_ids(builder: _Builder) -> set[str]:
    if not builder.areas:
        return {"1"}
    area = builder.areas[-1]
    count = len(area.direction_ids)
    return {f"{area.id}.{count + 1}", str(int(area.id) + 1)}


def _blocks(source: SourceText, builder: _Builder) -> list[_Block]:
    """Repair each line and join the paragraphs that page breaks and blank lines split."""
    blocks: list[_Block] = []
    area_id, count = "0", 0  # the last heading seen, to know which heading ids may come next
    for number, raw_line in enumerate(source.lines, start=1):
        if not raw_line.strip():
            continue
        text, repairs = repair_line(raw_line.strip(), number)
        builder.repairs.extend(repairs)
        previous = blocks[-1] if blocks else None
        expected = _ids_after(area_id, count)
        if (
            previous is not None
            and not ends_sentence(previous.text)
            and not _is_structural(text.lstrip(), expected)
            and not _is_heading_block(previous.text, expected)
        ):
            joined = join_broken_lines(previous.text[-12:], text[:12])
            builder.repairs.append(Repair(number, "page-break", f"{previous.text[-12:]}⏎{text[:12]}", joined))
            previous.text = join_broken_lines(previous.text, text)
            previous.raw = previous.raw + "\n" + raw_line.strip()
            previous.last = number
            continue
        blocks.append(_Block(raw=raw_line.strip(), text=text, first=number, last=number))
        heading = _heading_id(text, expected)
        if heading is not None and "." in heading:
            area_id, count = heading.split(".")[0], int(heading.split(".")[1])
        elif heading is not None:
            area_id, count = heading, 0
    return blocks


def _ids_after(area_id: str, count: int) -> set[str]:
    return {f"{area_id}.{count + 1}", str(int(area_id) + 1)}


def _is_heading_block(text: str, expected: set[str]) -> bool:
    return bool(_PREAMBLE_HEADING.match(text)) or text in {"附件"} or _heading_id(text, expected | _ids_around(text)) is not None


def _ids_around(text: str) -> set[str]:
    match = _DIRECTION_HEADING.match(text)
    return {f"{int(match.group(1))}.{int(match.group(2))}"} if match else set()


def _paragraph(text: str, raw: str, first: int, last: int, builder: _Builder) -> Paragraph:
    repaired, repairs = repair_paragraph(text, first)
    builder.repairs.extend(repairs)
    label = None
    item = _ITEM_LABEL.match(repaired)
    if item:
        label = item.group(1)
        repaired = repaired[item.end() :]
    return Paragraph(text=repaired, raw=raw, lines=(first, last), label=label)


def _split_inline_items(paragraph: Paragraph) -> list[Paragraph]:
    """`包括：（1）…；（2）…` in one paragraph becomes an intro and labelled items."""
    matches = list(_INLINE_ITEM.finditer(paragraph.text))
    numbers = [int(m.group(1)) for m in matches]
    if len(matches) < 2 or numbers != list(range(1, len(numbers) + 1)) or paragraph.label:
        return [paragraph]
    pieces = []
    intro = paragraph.text[: matches[0].start()].strip()
    if intro:
        pieces.append(Paragraph(text=intro, raw=paragraph.raw, lines=paragraph.lines))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(paragraph.text)
        pieces.append(
            Paragraph(text=paragraph.text[match.end() : end].strip(), raw=paragraph.raw, lines=paragraph.lines, label=match.group(1))
        )
    return pieces


def _clean_title(text: str) -> str:
    repaired, _ = repair_paragraph(text.strip(), 0)
    return repaired


def _start_direction(block: _Block, builder: _Builder) -> None:
    match = _DIRECTION_HEADING.match(block.text)
    assert match is not None
    area_number, direction_number, rest = match.groups()
    direction_id = f"{int(area_number)}.{int(direction_number)}"
    type_match = _TYPE_LABEL.search(rest)
    if type_match is None:
        raise GuideFormatError(f"direction {direction_id} has no type label (基础研究类 / 共性关键技术类 / 应用示范类)", builder.path, block.first)
    label = re.sub(r"\s+", "", type_match.group(1))
    kind = _TYPE_BY_LABEL[label.removesuffix("类")]
    canonical_label = DIRECTION_TYPE_LABELS_ZH[kind]
    title = _clean_title(rest[: type_match.start()])
    if label != canonical_label or rest[type_match.start() :].strip() != f"（{canonical_label}）":
        builder.repairs.append(Repair(block.first, "heading", rest[type_match.start() :].strip(), f"（{canonical_label}）"))
    if title != rest[: type_match.start()].strip():
        builder.repairs.append(Repair(block.first, "heading", rest[: type_match.start()].strip(), title))
    if not builder.areas:
        raise GuideFormatError(f"direction {direction_id} comes before any area heading", builder.path, block.first)
    area = builder.areas[-1]
    area.direction_ids.append(direction_id)
    builder.directions.append(
        Direction(
            id=direction_id,
            area_id=str(int(area_number)),
            title_zh=title,
            title_raw=block.raw,
            type=kind,
            type_label_zh=canonical_label,
            research_content_zh=[],
            indicators_zh=[],
            keywords_zh=[],
            source_lines=(block.first, block.last),
        )
    )
    builder.current_field = None


def _add_field_text(block: _Block, builder: _Builder) -> None:
    direction = builder.directions[-1]
    direction.source_lines = (direction.source_lines[0], block.last)
    text = block.text
    label_match = _FIELD_LABEL.match(text)
    note = None
    if label_match:
        builder.current_field = _FIELD_BY_LABEL[label_match.group(1)]
        note = label_match.group(2)
        text = text[label_match.end() :]
    if builder.current_field is None:
        raise GuideFormatError(
            f"text in direction {direction.id} before any field label (研究内容/考核指标/关键词): {text[:30]}",
            builder.path,
            block.first,
        )
    if builder.current_field == "keywords":
        if label_match is None:
            raise GuideFormatError(f"unexpected text after the keywords of direction {direction.id}", builder.path, block.first)
        repaired, repairs = repair_paragraph(text, block.first)
        builder.repairs.extend(repairs)
        direction.keywords_raw = block.raw
        direction.keywords_zh = [k.strip() for k in re.split(r"[；;，,、]", repaired.rstrip("。.")) if k.strip()]
        return
    if builder.current_field == "projects":
        repaired, repairs = repair_paragraph(text, block.first)
        builder.repairs.extend(repairs)
        count = re.match(r"(\d+)\s*项", repaired)
        direction.projects_supported = int(count.group(1)) if count else None
        direction.projects_supported_note_zh = repaired
        return
    if note is not None and builder.current_field == "indicators":
        repaired_note, repairs = repair_paragraph(note, block.first)
        builder.repairs.extend(repairs)
        direction.indicators_note_zh = repaired_note
    if not text.strip():
        return
    raw = block.raw
    if label_match:
        raw_label = _FIELD_LABEL.match(raw)
        raw = raw[raw_label.end() :] if raw_label else raw
    paragraph = _paragraph(text, raw, block.first, block.last, builder)
    target = {
        "content": direction.research_content_zh,
        "indicators": direction.indicators_zh,
        "other": direction.other_requirements_zh,
    }[builder.current_field]
    target.extend(_split_inline_items(paragraph))


def _finish_direction(direction: Direction) -> None:
    """Fields that are read off the text: ratio, enterprise lead, indicator sets."""
    requirements = "".join(p.text for p in direction.other_requirements_zh)
    ratio = re.search(r"配套经费与国拨经费的比例不低于\s*(\d+(?:\.\d+)?)\s*[:：]\s*(\d+(?:\.\d+)?)", requirements)
    direction.matching_ratio = f"{ratio.group(1)}:{ratio.group(2)}" if ratio else None
    direction.enterprise_led = "企业牵头" in requirements
    direction.production_enterprise_required = "生产型企业参加" in requirements
    if direction.indicators_note_zh and re.search(r"选择其中\s*1\s*套|任选\s*1\s*套|选择.*一套", direction.indicators_note_zh):
        sets: list[IndicatorSet] = []
        for paragraph in direction.indicators_zh:
            if paragraph.label is not None:
                sets.append(IndicatorSet(label=paragraph.label, paragraphs=[paragraph]))
            elif sets:
                sets[-1].paragraphs.append(paragraph)
        direction.indicator_set_items = sets
        direction.indicator_sets = max(1, len(sets))


_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _int_or_chinese(value: str) -> int:
    return int(value) if value.isdigit() else _CHINESE_DIGITS[value]


def read_facts(preamble_text: str) -> GuideFacts:
    """The call-wide facts that the preamble states in words."""
    facts = GuideFacts()
    found = re.search(r"共计\s*(\d+)\s*个二级指南方向", preamble_text)
    facts.directions = int(found.group(1)) if found else None
    found = re.search(r"拟支持约?\s*(\d+)\s*个项目", preamble_text)
    facts.projects = int(found.group(1)) if found else None
    found = re.search(r"国拨经费概算\s*(\d+(?:\.\d+)?)\s*(亿|万)元", preamble_text)
    if found:
        unit = Decimal(100_000_000) if found.group(2) == "亿" else Decimal(10_000)
        facts.national_funding_cny = int(Decimal(found.group(1)) * unit)
    found = re.search(r"中方参与单位总数不超过\s*(\d+|[一二三四五六七八九十])\s*家", preamble_text)
    facts.max_chinese_units = _int_or_chinese(found.group(1)) if found else None
    found = re.search(r"实施周期一般不超过\s*(\d+|[一二三四五六七八九十])\s*年", preamble_text)
    facts.max_years = _int_or_chinese(found.group(1)) if found else None
    found = re.search(r"须有\s*(\d+|[一二三四五六七八九十])\s*个[（(]或以上[）)]国[（(]境[）)]外合作单位", preamble_text)
    facts.min_foreign_partners = _int_or_chinese(found.group(1)) if found else None
    found = re.search(r"每个指南方向拟支持项目数为\s*(\d+\s*[~～-]\s*\d+)\s*项", preamble_text)
    facts.projects_per_direction = re.sub(r"\s|～", lambda m: "~" if m.group(0) == "～" else "", found.group(1)) if found else None
    return facts


def parse_source(source: SourceText) -> Guide:
    """Build the `Guide` from decoded text."""
    builder = _Builder(path=source.path)
    blocks = _blocks(source, builder)
    if not blocks:
        raise GuideFormatError("no text found", source.path)
    title_block = next((b for b in blocks[:5] if "指南" in b.text), None)
    if title_block is None:
        raise GuideFormatError("no title: expected a line containing 申报指南 near the top", source.path, blocks[0].first)
    title, title_repairs = repair_paragraph(re.sub(r"[（(]仅[^（）()]*[）)]\s*$", "", title_block.text), title_block.first)
    builder.repairs.extend(title_repairs)
    if title != title_block.text:
        builder.repairs.append(Repair(title_block.first, "title", title_block.text, title))
    expected: set[str] = {"1"}
    in_directions = False
    for block in blocks[blocks.index(title_block) + 1 :]:
        heading = _heading_id(block.text, expected)
        if heading is not None and (in_directions or heading == "1"):
            in_directions = True
            if "." in heading:
                _start_direction(block, builder)
            else:
                area_match = _AREA_HEADING.match(block.text)
                assert area_match is not None
                builder.areas.append(Area(id=heading, title_zh=_clean_title(area_match.group(2)), direction_ids=[], line=block.first))
                builder.current_field = None
            expected = _expected_ids(builder)
            continue
        if in_directions:
            if not builder.directions or builder.directions[-1].area_id != builder.areas[-1].id:
                raise GuideFormatError(f"text under area {builder.areas[-1].id} before its first direction: {block.text[:30]}", source.path, block.first)
            _add_field_text(block, builder)
            continue
        section = _PREAMBLE_HEADING.match(block.text)
        if section:
            builder.preamble.append(PreambleSection(title_zh=_clean_title(block.text), paragraphs=[], line=block.first))
            continue
        if not builder.preamble:
            builder.preamble.append(PreambleSection(title_zh="", paragraphs=[], line=block.first))
        builder.preamble[-1].paragraphs.append(_paragraph(block.text, block.raw, block.first, block.last, builder))
    if not builder.directions:
        raise GuideFormatError("no research directions found (headings like '1.1 …（基础研究类）')", source.path)
    for direction in builder.directions:
        _finish_direction(direction)
    preamble_text = "".join(p.text for s in builder.preamble for p in s.paragraphs)
    return Guide(
        title_zh=title,
        title_raw=title_block.raw,
        preamble=builder.preamble,
        facts=read_facts(preamble_text),
        areas=builder.areas,
        directions=builder.directions,
        repairs=sorted(builder.repairs, key=lambda r: r.line),
        source_path=source.path,
        source_sha256=source.sha256,
        source_encoding=source.encoding,
    )


def parse_guide(path: str | Path) -> Guide:
    return parse_source(read_guide_text(path))


def parse_text(text: str, path: str = "<text>") -> Guide:
    """Parse a guide given as a string (tests, other front ends)."""
    return parse_source(_source(text, "utf-8", text.encode("utf-8"), path))


@lru_cache(maxsize=1)
def load_bundled_guide() -> Guide:
    """The guide that ships with callpack, parsed once per process."""
    from .paths import BUNDLED_GUIDE

    return parse_guide(BUNDLED_GUIDE)
