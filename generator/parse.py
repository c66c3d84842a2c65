"""Parse the text of a call guide into a `Guide`.

Stages: read and decode the file (I/O), split it into numbered lines, repair each line, join
paragraphs broken by page breaks, then walk the paragraphs: a heading followed by a field label
(`研究内容：`, `合作协议:`…) starts a direction; numbered headings around directions are areas.
The same walk reads the whole family of MOST guide layouts (see `Layout`); what it cannot place
it reports as a `Notice` with its line.
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
    FIELD_KEYS,
    Area,
    Direction,
    DirectionType,
    Field,
    Guide,
    GuideFacts,
    IndicatorSet,
    Layout,
    Notice,
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

_CN = "一二三四五六七八九十"
# `1.` `1、` (one level, the dot required) or `1.1` `1.1.1` (the dot after the number optional).
_NUMBER = re.compile(r"^(\d{1,3})((?:\s*[.．]\s*\d{1,2}){0,2})(\s*[.．、])?\s*")
# The same with the OCR confusions l/I/O/o for 1 and 0: a line that looks like a direction heading.
_LOOSE_NUMBER = re.compile(r"^([0-9lIOo〇]{1,3})((?:\s*[.．]\s*[0-9lIOo〇]{1,2}){1,2})\s*(?=\S)")
_TYPE_LABEL = re.compile(r"[（(]\s*((?:基\s*础\s*研\s*究|共\s*性\s*关\s*键\s*技\s*术|应\s*用\s*示\s*范)\s*类?)\s*[）)]?\s*$")
_PREAMBLE_HEADING = re.compile(rf"^([{_CN}]+)\s*[、.．]\s*(.+)$")  # 一、总体目标
# The guide's title line: it ends in 指南 (…申报指南, …申报指南（仅国内部分）).
_TITLE_END = re.compile(r"指南\s*(?:[（(][^（）()]*[）)])?$")
_TITLE_BLOCKS = 4  # the title is among the first few blocks (附件, a file number, the title)
# The annex mark above a guide published as an annex to a notice: 附件, 附件1, 附件 2, 附件三.
_ANNEX_MARK = re.compile(rf"附件\s*(?:\d{{1,2}}|[{_CN}]{{1,3}})?")
_SUBSECTION_HEADING = re.compile(rf"^[（(]\s*([{_CN}]+)\s*[）)]\s*(.+)$")  # （一）新能源
_ITEM_LABEL = re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*")
_INLINE_ITEM = re.compile(r"[（(](\d{1,2})[）)]")
# The labels of schema version 1 may stand without a colon (考核指标（…）); the others need one.
_OLD_LABELS = ("研究内容", "考核指标", "关键词", "拟支持项目数", "其他要求")
_NEW_LABELS = tuple(label for label in FIELD_KEYS if label not in _OLD_LABELS)
_FIELD_LABEL = re.compile(
    rf"^({'|'.join(_OLD_LABELS)})\s*(?:[（(]([^（）()]*)[）)])?\s*[：:]?\s*"
    rf"|^({'|'.join(_NEW_LABELS)})\s*(?:[（(]([^（）()]*)[）)])?\s*[：:]\s*"
)
# Any other short label: `申报说明：…`. Words that introduce a list in running text are not labels.
_GENERIC_LABEL = re.compile(rf"^([{HAN}]{{2,8}})\s*(?:[（(]([^（）()]*)[）)])?\s*[：:]\s*")
_NOT_A_LABEL = re.compile(r"包括|如下|其中|例如|以下|具体|主要|分别")
# A known label with its colon in the middle of a line, after the end of the field before it
# (`…协定》领域方向:`): PDF extraction glued it to that line. After a Chinese character it is prose
# (`须满足以下考核指标：`) and stays.
_GLUED_LABEL = re.compile(rf"(?<=[》。；;.）)」”\s])\s*({'|'.join(FIELD_KEYS)})\s*(?:[（(][^（）()]*[）)])?\s*[：:]")
_SENTENCE_PUNCTUATION = re.compile("[，。；,;]")
_YOUTH = "青年科学家"
# Fields whose first label after an unnumbered title starts an item (intergovernmental guides).
_ITEM_OPENING_KEYS = {"agreement", "domains"}


@dataclass
class _Label:
    label: str
    key: str | None
    note: str | None
    end: int


def _label(text: str, generic: bool = True) -> _Label | None:
    """The field label at the start of a paragraph, if any."""
    known = _FIELD_LABEL.match(text)
    if known:
        label = known.group(1) or known.group(3)
        note = known.group(2) if known.group(1) else known.group(4)
        return _Label(label, FIELD_KEYS[label], note, known.end())
    other = _GENERIC_LABEL.match(text) if generic else None
    if other and not _NOT_A_LABEL.search(other.group(1)):
        return _Label(other.group(1), None, other.group(2), other.end())
    return None


def _numbered(text: str) -> tuple[tuple[int, ...], str] | None:
    """`1.1 标题` → ((1, 1), "标题"); None when the line does not start with a heading number."""
    match = _NUMBER.match(text)
    if not match:
        return None
    parts = (int(match.group(1)), *(int(n) for n in re.findall(r"\d+", match.group(2))))
    rest = text[match.end() :]
    if (len(parts) == 1 and not match.group(3)) or not rest:
        return None
    return parts, rest


def _successors(last: tuple[int, ...] | None) -> set[tuple[int, ...]]:
    """The numbers a heading after `last` may carry: its first child, or the next at any level."""
    if last is None:
        return {(1,), (1, 1)}
    following = {(*last, 1)}
    for level in range(len(last)):
        following.add((*last[:level], last[level] + 1))
    return following


def _title_like(rest: str, limit: int = 60) -> bool:
    """A heading title: starts with a Chinese character, short, no sentence punctuation."""
    rest = rest.strip()
    return bool(rest) and re.match(f"[{HAN}]", rest) is not None and len(rest) <= limit and not _SENTENCE_PUNCTUATION.search(rest)


def _accepted_number(text: str, expected: set[tuple[int, ...]]) -> tuple[int, ...] | None:
    """The number of a numbered heading that the page-break joiner must not swallow.

    A heading with a type label is a heading whatever its number (so that a duplicated or skipped id
    is reported); without one it must carry one of the expected next numbers.
    """
    numbered = _numbered(text)
    if numbered is None:
        return None
    parts, rest = numbered
    typed = _TYPE_LABEL.search(rest) if len(parts) >= 2 else None
    if typed is not None and rest[: typed.start()].strip():
        return parts
    if parts in expected:
        return parts if _title_like(rest, 60 if len(parts) == 1 else 200) else None
    return None


def _heading_like(text: str) -> str | None:
    """'strong' for a line that looks like a direction heading (`l.2 乙方向（基础研究类）`), 'weak' for one
    that might be (`1.7 某某技术`), None otherwise."""
    match = _LOOSE_NUMBER.match(text)
    if not match:
        return None
    rest = text[match.end() :]
    if _TYPE_LABEL.search(rest):
        return "strong"
    if not _title_like(rest, 80) or len(rest.strip()) < 2:
        return None
    return "weak" if (match.group(1) + match.group(2)).replace(".", "").replace("．", "").strip().isdigit() else "strong"


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
class _OpenBlock:
    """A block while lines are still being joined to it: the parts are joined once, at the end."""

    parts: list[str]
    raw_lines: list[str]
    first: int
    last: int
    closed: bool  # a heading: nothing is joined to it

    def tail(self, size: int) -> str:
        """The last `size` characters, without joining the whole text (joins stay linear)."""
        pieces: list[str] = []
        length = 0
        for part in reversed(self.parts):
            pieces.append(part)
            length += len(part)
            if length >= size:
                break
        return "".join(reversed(pieces))[-size:]


def _is_structural(text: str, expected: set[tuple[int, ...]]) -> bool:
    """True when a line starts something new rather than continuing the paragraph before it."""
    if _label(text) or _ITEM_LABEL.match(text) or _PREAMBLE_HEADING.match(text) or _subsection(text):
        return True
    if text.startswith("具体指南方向如下"):
        return True
    # A line that looks like a heading is never joined: accepted or not, the walk decides and reports.
    return _accepted_number(text, expected) is not None or _heading_like(text) is not None


def _subsection(text: str) -> re.Match[str] | None:
    """`（一）新能源` as a heading (not a paragraph that starts with （一）)."""
    match = _SUBSECTION_HEADING.match(text)
    return match if match and _title_like(match.group(2)) else None


def _opens_heading(text: str) -> bool:
    """A block that nothing is joined to: headings of any level, and the annex mark (附件1)."""
    if _PREAMBLE_HEADING.match(text) or _subsection(text) or _ANNEX_MARK.fullmatch(text):
        return True
    numbered = _numbered(text)
    return numbered is not None and _accepted_number(text, {numbered[0]}) is not None


def _next_lines(lines: list[str]) -> list[str]:
    """For each line, the next non-blank line after it (stripped)."""
    result = [""] * len(lines)
    upcoming = ""
    for index in range(len(lines) - 1, -1, -1):
        result[index] = upcoming
        if lines[index].strip():
            upcoming = lines[index].strip()
    return result


def _is_item_title(text: str, next_line: str) -> bool:
    """An unnumbered item title (中国和埃及科技合作项目) is followed by 合作协议: or 领域方向:."""
    label = _label(next_line, generic=False)
    return label is not None and label.key in _ITEM_OPENING_KEYS and _title_like(text, 80)


def _continues_heading(previous: _OpenBlock, text: str, expected: set[tuple[int, ...]]) -> bool:
    """`1.2 某某很长的标题` ⏎ `技术合作研究（基础研究类）`: a heading title wrapped onto a second line."""
    return (
        previous.closed
        and len(previous.parts) == 1
        and _numbered(previous.parts[0]) is not None
        and _TYPE_LABEL.search(previous.parts[0]) is None
        and len(text) <= 60
        and _TYPE_LABEL.search(text) is not None
        and re.match(f"[{HAN}]", text) is not None
        and not _is_structural(text, expected)
    )


def _blocks(source: SourceText, builder: _Builder) -> list[_Block]:
    """Repair each line and join the paragraphs that page breaks and blank lines split.

    Work per line is bounded by the line (the open block keeps its parts in a list), so that long
    paragraphs without a sentence end cost linear time.
    """
    blocks: list[_OpenBlock] = []
    last: tuple[int, ...] | None = None  # the last heading number, to know which numbers may come next
    following = _next_lines(source.lines)
    for number, raw_line in enumerate(source.lines, start=1):
        stripped = raw_line.strip()
        if not stripped:
            continue
        text, repairs = repair_line(stripped, number)
        builder.repairs.extend(repairs)
        text = text.strip()
        if not text:
            continue
        previous = blocks[-1] if blocks else None
        expected = _successors(last)
        if previous is not None and (
            (
                not previous.closed
                and not ends_sentence(previous.parts[-1])
                and not _is_structural(text, expected)
                and not _is_item_title(text, following[number - 1])
            )
            or _continues_heading(previous, text, expected)
        ):
            before = previous.tail(12)
            joined = join_broken_lines(before, text[:12])
            builder.repairs.append(Repair(number, "page-break", f"{before}⏎{text[:12]}", joined))
            separator = join_broken_lines(previous.parts[-1][-1], text[0])[1:-1]
            if separator:
                previous.parts.append(separator)
            previous.parts.append(text)
            previous.raw_lines.append(stripped)
            previous.last = number
            # A title wrapped over lines ends at 指南; the paragraph below it is not its continuation.
            previous.closed = previous.closed or (len(blocks) <= _TITLE_BLOCKS and bool(_TITLE_END.search(text)))
            continue
        closed = _opens_heading(text) or _heading_like(text) is not None
        closed = closed or (len(blocks) < _TITLE_BLOCKS and bool(_TITLE_END.search(text)))
        blocks.append(_OpenBlock(parts=[text], raw_lines=[stripped], first=number, last=number, closed=closed))
        heading = _accepted_number(text, expected)
        if heading is not None:
            last = heading
    return [_Block(raw="\n".join(b.raw_lines), text="".join(b.parts), first=b.first, last=b.last) for b in blocks]


@dataclass
class _Builder:
    """Mutable state of the walk over the blocks."""

    path: str
    repairs: list[Repair] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    preamble: list[PreambleSection] = field(default_factory=list)
    closing: list[PreambleSection] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    directions: list[Direction] = field(default_factory=list)
    sections: list[tuple[int, Area]] = field(default_factory=list)  # open sections, outermost first, with rank
    direction: Direction | None = None
    current: Field | None = None
    last: tuple[int, ...] | None = None
    unplaced: list[_Block] = field(default_factory=list)
    unplaced_reason: str = ""

    def notice(self, severity: str, line: int | None, message: str) -> None:
        self.notices.append(Notice(severity, line, message))


@dataclass
class _Heading:
    """An item (direction) or section heading: its number, id and title text."""

    number: tuple[int, ...] | None
    id: str | None
    rest: str
    rank: int  # 0 for 一、, 1 for （一）, 1 + levels for 1. / 1.1 / 1.1.1


def _cn_number(numeral: str) -> int | None:
    if numeral == "十":
        return 10
    if len(numeral) == 1:
        return _CHINESE_DIGITS.get(numeral)
    if len(numeral) == 2 and numeral[0] == "十":
        return 10 + _CHINESE_DIGITS.get(numeral[1], 0)
    if len(numeral) == 2 and numeral[1] == "十":
        return 10 * _CHINESE_DIGITS.get(numeral[0], 0)
    if len(numeral) == 3 and numeral[1] == "十":
        return 10 * _CHINESE_DIGITS.get(numeral[0], 0) + _CHINESE_DIGITS.get(numeral[2], 0)
    return None


def _heading_shape(text: str) -> _Heading | None:
    """Any heading shape: `1.` `1.1` `1.1.1` `一、` `（一）`, with the title text after the number."""
    numbered = _numbered(text)
    if numbered:
        parts, rest = numbered
        return _Heading(parts, ".".join(str(n) for n in parts), rest, 1 + len(parts))
    chinese = _PREAMBLE_HEADING.match(text)
    if chinese:
        return _Heading(None, chinese.group(1), chinese.group(2), 0)
    sub = _subsection(text)
    if sub:
        return _Heading(None, f"（{sub.group(1)}）", sub.group(2), 1)
    return None


def _item_at(blocks: list[_Block], index: int) -> _Heading | None:
    """The heading of a direction (item): a heading, or an unnumbered title line, followed by a field label."""
    text = blocks[index].text
    if _label(text):
        return None
    following = _label(blocks[index + 1].text, generic=False) if index + 1 < len(blocks) else None
    shape = _heading_shape(text)
    if shape is not None:
        typed = _TYPE_LABEL.search(shape.rest)
        if shape.number is not None and len(shape.number) >= 2 and typed and shape.rest[: typed.start()].strip():
            return shape
        if following is not None and shape.rest.strip() and len(shape.rest) <= 200 and not re.search("[。；]", shape.rest):
            if shape.number is None:  # 一、中国—奥地利: the item's id is its number
                value = _cn_number(shape.id.strip("（）")) if shape.id else None
                shape.id = str(value) if value is not None else shape.id
            return shape
        return None
    if (
        following is not None
        and following.key in _ITEM_OPENING_KEYS
        and not _ITEM_LABEL.match(text)
        and len(text) <= 80
        and re.search(f"[{HAN}]", text)
        and not re.search("[。；：:]", text)
    ):
        return _Heading(None, None, text, 99)
    return None


def _section_at(blocks: list[_Block], index: int, last: tuple[int, ...] | None) -> _Heading | None:
    """A section (area) heading inside the directions part: a short numbered title in sequence, or （一）."""
    shape = _heading_shape(blocks[index].text)
    if shape is None:
        return None
    if shape.number is not None:
        if shape.number in _successors(last) or last is None or shape.number == (1,):
            return shape if _title_like(shape.rest, 40) else None
        return None
    if not _title_like(shape.rest, 40):
        return None
    if shape.rank == 1:
        return shape
    # 一、… groups the items that follow it; otherwise it starts the closing part (三、申报要求, even
    # when （一）… subsections follow: they hold no directions).
    return shape if _groups_directions(blocks, index) else None


def _groups_directions(blocks: list[_Block], index: int) -> bool:
    """Whether a direction follows the 一、 heading at `index` before the next 一、 heading (below it,
    after an introduction, or under its （一） sections)."""
    for later in range(index + 1, len(blocks)):
        if _item_at(blocks, later) is not None:
            return True
        if _PREAMBLE_HEADING.match(blocks[later].text):
            return False
    return False


def _section_shape(text: str) -> bool:
    shape = _heading_shape(text)
    return shape is not None and shape.rank > 0 and _title_like(shape.rest, 40)


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


def _start_section(block: _Block, heading: _Heading, builder: _Builder) -> None:
    while builder.sections and builder.sections[-1][0] >= heading.rank:
        builder.sections.pop()
    parent = builder.sections[-1][1].id if builder.sections else None
    area_id = heading.id or str(len(builder.areas) + 1)
    if any(area.id == area_id for area in builder.areas):
        builder.notice("error", block.first, f"section {area_id} is duplicated")
    area = Area(id=area_id, title_zh=_clean_title(heading.rest), direction_ids=[], line=block.first, parent_id=parent)
    builder.areas.append(area)
    builder.sections.append((heading.rank, area))
    builder.direction, builder.current = None, None
    if heading.number is not None:
        builder.last = heading.number


def _start_direction(block: _Block, heading: _Heading, builder: _Builder) -> None:
    while builder.sections and builder.sections[-1][0] >= heading.rank:
        builder.sections.pop()
    direction_id = heading.id or str(len(builder.directions) + 1)
    rest = heading.rest
    type_match = _TYPE_LABEL.search(rest)
    kind: DirectionType | None = None
    canonical_label: str | None = None
    title_text = rest
    if type_match is not None:
        label = re.sub(r"\s+", "", type_match.group(1))
        kind = _TYPE_BY_LABEL[label.removesuffix("类")]
        canonical_label = DIRECTION_TYPE_LABELS_ZH[kind]
        title_text = rest[: type_match.start()]
        if label != canonical_label or rest[type_match.start() :].strip() != f"（{canonical_label}）":
            builder.repairs.append(Repair(block.first, "heading", rest[type_match.start() :].strip(), f"（{canonical_label}）"))
    title = _clean_title(title_text)
    if title != title_text.strip():
        builder.repairs.append(Repair(block.first, "heading", title_text.strip(), title))
    area = builder.sections[-1][1] if builder.sections else None
    if area is not None:
        area.direction_ids.append(direction_id)
    youth = _YOUTH in title or any(_YOUTH in a.title_zh for _, a in builder.sections)
    direction = Direction(
        id=direction_id,
        area_id=area.id if area is not None else None,
        title_zh=title,
        title_raw=block.raw,
        type=kind,
        type_label_zh=canonical_label,
        research_content_zh=[],
        indicators_zh=[],
        keywords_zh=[],
        source_lines=(block.first, block.last),
        youth_scientist=youth,
    )
    builder.directions.append(direction)
    builder.direction, builder.current = direction, None
    if heading.number is not None:
        builder.last = heading.number


def _split_glued_labels(block: _Block, builder: _Builder) -> list[_Block]:
    """`…合作协定》领域方向: 人工智能` → two blocks: a label that extraction glued to the line before."""
    pieces: list[_Block] = []
    text, raw, first = block.text, block.raw, block.first
    while True:
        match = _GLUED_LABEL.search(text, 1)
        if match is None:
            break
        raw_match = _GLUED_LABEL.search(raw, 1)
        raw_at = raw_match.start() if raw_match is not None and raw_match.group(1) == match.group(1) else len(raw)
        line = first + raw[:raw_at].count("\n")
        builder.repairs.append(Repair(line, "label", text[max(0, match.start() - 12) : match.end()], "⏎" + match.group(0).strip()))
        pieces.append(_Block(raw=raw[:raw_at].rstrip(), text=text[: match.start()].rstrip(), first=first, last=line))
        text, raw, first = text[match.start() :].lstrip(), raw[raw_at:].lstrip() or text[match.start() :].lstrip(), line
    pieces.append(_Block(raw=raw, text=text, first=first, last=block.last))
    return [piece for piece in pieces if piece.text.strip()]


_DUPLICATE_LABEL_KEYS = {"content", "indicators", "keywords"}


def _add_field_text(block: _Block, builder: _Builder) -> None:
    direction = builder.directions[-1]
    direction.source_lines = (direction.source_lines[0], block.last)
    text = block.text
    label = _label(text)
    if label is not None:
        earlier = next((f for f in direction.fields if f.key is not None and f.key == label.key), None)
        if earlier is not None and label.key in _DUPLICATE_LABEL_KEYS:
            builder.notice(
                "error",
                block.first,
                f"direction {direction.id} has a second {label.label} label (the first is at line {earlier.line})",
            )
        builder.current = Field(label_zh=label.label, key=label.key, paragraphs=[], line=block.first, note_zh=None)
        direction.fields.append(builder.current)
        text = text[label.end :]
        if label.note is not None:
            note, repairs = repair_paragraph(label.note, block.first)
            builder.repairs.extend(repairs)
            builder.current.note_zh = note
            if label.key == "indicators":
                direction.indicators_note_zh = note
    elif builder.current is None or builder.current.key == "keywords":
        where = "before any field label" if builder.current is None else "after the keywords"
        builder.notice("error", block.first, f"text in direction {direction.id} {where}: {text[:30]}")
        builder.current = Field(label_zh="", key=None, paragraphs=[], line=block.first)
        direction.fields.append(builder.current)
    current = builder.current
    raw = block.raw
    if label is not None:
        raw_label = _label(raw)
        raw = raw[raw_label.end :] if raw_label else raw
    if current.key == "keywords":
        repaired, repairs = repair_paragraph(text, block.first)
        builder.repairs.extend(repairs)
        direction.keywords_raw = block.raw
        direction.keywords_zh.extend(k.strip() for k in re.split(r"[；;，,、]", repaired.rstrip("。.")) if k.strip())
        current.paragraphs.append(Paragraph(text=repaired, raw=raw, lines=(block.first, block.last)))
        return
    if current.key in ("projects", "funding", "duration"):
        repaired, repairs = repair_paragraph(text, block.first)
        builder.repairs.extend(repairs)
        if not repaired:
            return
        current.paragraphs.append(Paragraph(text=repaired, raw=raw, lines=(block.first, block.last)))
        joined = "".join(p.text for p in current.paragraphs)
        if current.key == "projects":
            count = re.match(r"(\d+)\s*项", joined)
            direction.projects_supported = int(count.group(1)) if count else None
            direction.projects_supported_note_zh = joined
            if direction.funding_cny is None and re.search("经费", joined):
                direction.funding_cny = _amount(joined)
        elif current.key == "funding":
            direction.funding_note_zh = joined
            direction.funding_cny = _amount(joined)
        else:
            years = re.fullmatch(rf"(?:不超过|一般不超过)?\s*(\d+|[{_CN}])\s*年[。.]?", joined)
            direction.max_years = _int_or_chinese(years.group(1)) if years else None
        return
    if not text.strip():
        return
    pieces = _split_inline_items(_paragraph(text, raw, block.first, block.last, builder))
    current.paragraphs.extend(pieces)
    typed = {
        "content": direction.research_content_zh,
        "indicators": direction.indicators_zh,
        "other": direction.other_requirements_zh,
    }.get(current.key or "")
    if typed is not None:
        typed.extend(pieces)


def _amount(text: str) -> int | None:
    """One stated amount in 万元 or 亿元 (`共拟支持经费: 1000万元`); None unless exactly one, unqualified."""
    found = re.findall(r"(\d+(?:\.\d+)?)\s*(亿|万)元", text)
    # 不超过 2000 万元 is a ceiling, not an amount: the note keeps the words.
    if len(found) != 1 or re.search("不超过|不高于|以内|约|左右|以上", text):
        return None
    value, unit = found[0]
    return int(Decimal(value) * (Decimal(100_000_000) if unit == "亿" else Decimal(10_000)))


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


def _opens_first_area(blocks: list[_Block], index: int) -> bool:
    """Whether the 一、… or （一）… heading at `index`, above the first direction, opens the first area.

    The first area's heading stands where a preamble section heading could. It is an area when the
    heading with the next numeral of its kind heads directions too (二、… or （二）… followed by
    directions); 二、指南方向 above the areas is not, as 三、申报要求 opens the closing part.
    """
    text = blocks[index].text
    chinese = _PREAMBLE_HEADING.match(text)
    heading = chinese or _subsection(text)
    if heading is None or not _title_like(heading.group(2), 40):
        return False
    number = _cn_number(heading.group(1).strip())
    if number is None:
        return False
    for later in range(index + 1, len(blocks)):
        rank_zero = _PREAMBLE_HEADING.match(blocks[later].text)
        sibling = rank_zero if chinese else _subsection(blocks[later].text)
        if sibling is not None and _cn_number(sibling.group(1).strip()) == number + 1:
            return _section_at(blocks, later, None) is not None
        if rank_zero is not None and not chinese:
            return False  # （二） must come before the next 一、 heading
    return False


def _first_item(blocks: list[_Block]) -> int | None:
    return next((index for index in range(len(blocks)) if _item_at(blocks, index) is not None), None)


def _place(block: _Block, builder: _Builder) -> None:
    """Text inside the directions part that is not a heading."""
    strength = _heading_like(block.text)
    if builder.unplaced and strength is None:
        builder.unplaced.append(block)
        return
    _flush_unplaced(builder)  # each heading-like line gets its own report
    if strength == "strong":
        builder.unplaced = [block]
        builder.unplaced_reason = "looks like a direction heading but its number or shape is not one the parser accepts"
        return
    if strength == "weak":
        last = builder.last
        expected = ", ".join(".".join(map(str, n)) for n in sorted(_successors(last)) if last is None or len(n) <= len(last))
        builder.notice(
            "warning",
            block.first,
            f"looks like a heading but is not the next number (expected {expected}); kept as text: {block.text[:40]}",
        )
    if builder.direction is not None:
        for piece in _split_glued_labels(block, builder):
            _add_field_text(piece, builder)
    elif builder.sections:
        builder.sections[-1][1].paragraphs.append(_paragraph(block.text, block.raw, block.first, block.last, builder))
    else:
        builder.unplaced = [block]
        builder.unplaced_reason = "is outside any section or direction"


def _flush_unplaced(builder: _Builder) -> None:
    """Report the lines that could not be placed, once, from the damaged heading to the next good one."""
    if not builder.unplaced:
        return
    first, last = builder.unplaced[0], builder.unplaced[-1]
    span = f"lines {first.first}–{last.last}" if last.last != first.first else f"line {first.first}"
    builder.notice(
        "error",
        first.first,
        f"{span} not placed: '{first.text[:60]}' {builder.unplaced_reason}",
    )
    builder.unplaced = []
    # The text after a damaged heading belongs to a direction the parser did not see.
    builder.direction, builder.current = None, None


def _walk_directions(blocks: list[_Block], start: int, builder: _Builder) -> None:
    closing = False
    for index in range(start, len(blocks)):
        block = blocks[index]
        item = _item_at(blocks, index)
        if item is not None:
            _flush_unplaced(builder)
            _start_direction(block, item, builder)
            closing = False
            continue
        if closing:
            if _PREAMBLE_HEADING.match(block.text):
                builder.closing.append(PreambleSection(title_zh=_clean_title(block.text), paragraphs=[], line=block.first))
            else:
                builder.closing[-1].paragraphs.append(_paragraph(block.text, block.raw, block.first, block.last, builder))
            continue
        section = _section_at(blocks, index, builder.last)
        if section is not None:
            _flush_unplaced(builder)
            _start_section(block, section, builder)
            continue
        if _PREAMBLE_HEADING.match(block.text) and not builder.unplaced:
            builder.closing.append(PreambleSection(title_zh=_clean_title(block.text), paragraphs=[], line=block.first))
            builder.direction, builder.current, closing = None, None, True
            continue
        _place(block, builder)
    _flush_unplaced(builder)


def _layout(title: str, directions: list[Direction], areas: list[Area]) -> Layout:
    keys = {f.key for d in directions for f in d.fields}
    if "政府间" in title or keys & {"agreement", "domains"}:
        return Layout.INTERGOVERNMENTAL
    typed = sum(1 for d in directions if d.type is not None)
    two_level = all(d.id.count(".") == 1 for d in directions)
    numbered_areas = all(a.id.isdigit() and a.parent_id is None for a in areas)
    if typed * 2 >= len(directions) and two_level and numbered_areas and "keywords" in keys:
        return Layout.TYPED_DIRECTIONS
    return Layout.KEY_SPECIAL_PROJECT


def parse_source(source: SourceText) -> Guide:
    """Build the `Guide` from decoded text."""
    builder = _Builder(path=source.path)
    blocks = _blocks(source, builder)
    if not blocks:
        raise GuideFormatError("no text found", source.path)
    first_item = _first_item(blocks)
    if first_item is None:
        raise GuideFormatError(
            "no research directions found (a heading such as '1.1 …（基础研究类）' or '1.1 …' followed by "
            "a field label such as 研究内容： or 合作协议:)",
            source.path,
        )
    title_block = next((b for b in blocks[: min(5, first_item)] if "指南" in b.text), None)
    title, title_raw = "", ""
    if title_block is not None:
        title, title_repairs = repair_paragraph(re.sub(r"[（(]仅[^（）()]*[）)]\s*$", "", title_block.text), title_block.first)
        builder.repairs.extend(title_repairs)
        if title != title_block.text:
            builder.repairs.append(Repair(title_block.first, "title", title_block.text, title))
        title_raw = title_block.raw
    else:
        builder.notice("warning", blocks[0].first, "no title: no line containing 指南 before the first direction")
    # The directions part starts at the section headings right above the first direction (or above
    # a damaged direction heading before it, which the walk then reports).
    floor = blocks.index(title_block) + 1 if title_block is not None else 0
    start = next((i for i in range(floor, first_item) if _heading_like(blocks[i].text) == "strong"), first_item)
    while start > floor and (_section_shape(blocks[start - 1].text) and not _PREAMBLE_HEADING.match(blocks[start - 1].text)):
        start -= 1
    # The first area's 一、 or （一） heading, perhaps with an introduction before its first direction.
    above = start - 1
    if start == first_item:
        while above > floor and not _heading_shape(blocks[above].text) and _heading_like(blocks[above].text) is None:
            above -= 1
    if above >= floor and _opens_first_area(blocks, above):
        start = above
    for block in blocks[floor:start]:
        section = _PREAMBLE_HEADING.match(block.text)
        if section:
            builder.preamble.append(PreambleSection(title_zh=_clean_title(block.text), paragraphs=[], line=block.first))
            continue
        if _ANNEX_MARK.fullmatch(block.text) and not builder.preamble:
            continue
        if not builder.preamble:
            builder.preamble.append(PreambleSection(title_zh="", paragraphs=[], line=block.first))
        builder.preamble[-1].paragraphs.append(_paragraph(block.text, block.raw, block.first, block.last, builder))
    partial = not any(section.paragraphs for section in builder.preamble)
    if partial:
        builder.notice(
            "warning",
            None,
            "no preamble: this file holds only part of a guide, so the call's facts (number of directions, "
            "projects, funding, limits) are absent",
        )
    _walk_directions(blocks, start, builder)
    for direction in builder.directions:
        _finish_direction(direction)
    preamble_text = "".join(p.text for s in builder.preamble for p in s.paragraphs)
    return Guide(
        title_zh=title,
        title_raw=title_raw,
        preamble=builder.preamble,
        facts=read_facts(preamble_text),
        areas=builder.areas,
        directions=builder.directions,
        repairs=sorted(builder.repairs, key=lambda r: r.line),
        source_path=source.path,
        source_sha256=source.sha256,
        source_encoding=source.encoding,
        layout=_layout(title, builder.directions, builder.areas),
        partial=partial,
        closing=builder.closing,
        notices=sorted(builder.notices, key=lambda n: n.line or 0),
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
