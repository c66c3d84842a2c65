"""Candidate terms that the termbase lacks, from the keywords and from the guide text.

The text is segmented with jieba, with every termbase term loaded as a user word so that known
terms stay whole. Candidates are runs of 1–4 content words (noun-final, not starting with a generic
verb), ranked by C-value termhood (Frantzi, Ananiadou & Mima 2000): frequency, discounted by the
frequency of the longer candidates that contain them, weighted by length.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import Guide
from ..segments import Segment, segment_guide
from .sources import Context
from .termbase import Status, Termbase, TermEntry

MAX_WORDS = 4
MAX_CHARS = 16
CONTEXT_LIMIT = 3

# Part-of-speech tags (jieba/ICTCLAS) that may appear inside a term.
_CONTENT_TAGS = frozenset(
    {
        "n",
        "nr",
        "nrt",
        "ns",
        "nt",
        "nz",
        "ng",
        "nrfg",
        "vn",
        "v",
        "a",
        "an",
        "b",
        "j",
        "l",
        "eng",
        "zg",
        "i",
        "vg",
    }
)
# Tags a term may end with: nouns, nominal verbs, abbreviations, set phrases, Latin words.
_FINAL_TAGS = frozenset({"n", "nr", "nrt", "ns", "nt", "nz", "ng", "nrfg", "vn", "an", "j", "l", "eng"})
# Words that end a candidate even when their tag would allow them: generic verbs of the call's
# instructions and generic nouns that are never terms on their own.
_STOP_WORDS_TEXT = """
开展 研究 研制 开发 研发 突破 实现 建立 提出 提升 提高 形成 完成 达到 构建 掌握 揭示 发展 支撑 推动 攻克 解决
探索 验证 具备 满足 包括 具体 其中 相关 基于 面向 针对 通过 不少于 不低于 不超过 不高于 以上 以下 合作 联合 国际
项目 技术 方法 关键 重点 要求 进行 支持 主要 应用 工作 方面 能力 水平 问题 体系 标准 指标 目标 考核 内容 领域
国家 我国 单位 企业 申报 牵头 参与 利用 采用 结合 相结合 实施 推广 优化 提供 获得 取得 申请 发表 论文 专利
合作研究 合作研发 联合研发 联合研究 合作开发 关键技术 英寸 小时 厘米 毫米 公里 平方米 千克
中 等 种 个 项 类 套 台 条 次 年 月 日
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
# A single word this frequent in jieba's general dictionary is everyday vocabulary (模型, 系统, 设计),
# not a term; rarer ones (钙钛矿 5, 电解槽 9, 芯片 1031) stay candidates.
GENERAL_WORD_FREQUENCY = 2000
_SCRIPT_DIGITS = re.compile(r"^[₀-₉⁰-⁹]+$")
_LATIN_TOKEN = re.compile(r"^[A-Za-z][A-Za-z0-9₀-₉⁰-⁹+\-.]*$")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Candidate:
    zh: str
    count: int = 0
    cvalue: float = 0.0
    keyword: bool = False
    directions: list[str] = field(default_factory=list)
    contexts: list[Context] = field(default_factory=list)

    def to_entry(self) -> TermEntry:
        """A proposed termbase row with an empty English, for translators to fill in."""
        origin = "keyword of " + ", ".join(self.directions[:5]) if self.keyword else "guide text"
        note = f"candidate from {origin}; {self.count} occurrence(s); C-value {self.cvalue:.1f}"
        return TermEntry(zh=self.zh, status=Status.PROPOSED, sources=tuple(self.directions), note=note)


def _tokenizer(termbase: Termbase) -> Any:
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for entry in termbase:
        # A high frequency makes jieba keep the known term as one word.
        tokenizer.add_word(entry.zh, freq=100_000, tag="nz")
    return jieba.posseg.POSTokenizer(tokenizer)


def _tag(word: str, flag: str) -> str:
    if _LATIN_TOKEN.match(word):
        # Short lower-case Latin tokens are units (cm, nm, kg, mAh), not terms.
        return "unit" if len(word) <= 4 and not any(ch.isupper() for ch in word[1:]) else "eng"
    return flag


def _runs(tagged: Iterable[tuple[str, str]]) -> Iterable[list[tuple[str, str]]]:
    """Maximal runs of content words, split at function words, punctuation, numbers and stop words."""
    run: list[tuple[str, str]] = []
    for word, flag in tagged:
        tag = _tag(word, flag)
        locative = len(word) > 1 and word.endswith("中")  # 空气中 "in the air"
        if (
            tag in _CONTENT_TAGS
            and word not in STOP_WORDS
            and not locative
            and (_HAN.search(word) or tag == "eng")
        ):
            run.append((word, tag))
        else:
            if run:
                yield run
            run = []
    if run:
        yield run


def _ngrams(run: Sequence[tuple[str, str]]) -> Iterable[tuple[str, ...]]:
    for start in range(len(run)):
        if run[start][1] == "v":  # a term does not start with a bare verb (制备 工艺 → 工艺 only)
            continue
        for end in range(start + 1, min(start + MAX_WORDS, len(run)) + 1):
            if run[end - 1][1] not in _FINAL_TAGS:
                continue
            words = tuple(word for word, _ in run[start:end])
            text = _join(words)
            if len(text) < 2 or len(text) > MAX_CHARS:
                continue
            yield words


def _join(words: Sequence[str]) -> str:
    """Join words; two Latin words keep a space between them."""
    text = ""
    for word in words:
        if text and text[-1].isascii() and text[-1].isalnum() and word[0].isascii() and word[0].isalnum():
            text += " "
        text += word
    return text


def c_values(frequencies: Counter[tuple[str, ...]]) -> dict[tuple[str, ...], float]:
    """C-value of every candidate (word tuples), with log2(words + 1) so single words can rank."""
    containers: dict[tuple[str, ...], dict[tuple[str, ...], int]] = {}
    for longer, count in frequencies.items():
        size = len(longer)
        for sub_size in range(1, size):
            for start in range(size - sub_size + 1):
                sub = longer[start : start + sub_size]
                if sub in frequencies:
                    containers.setdefault(sub, {})[longer] = count
    values: dict[tuple[str, ...], float] = {}
    for words, count in frequencies.items():
        weight = math.log2(len(words) + 1)
        nested = containers.get(words)
        if nested:
            values[words] = weight * (count - sum(nested.values()) / len(nested))
        else:
            values[words] = weight * count
    return values


def extract_candidates(
    guide: Guide,
    termbase: Termbase,
    *,
    min_count: int = 2,
    segments: Sequence[Segment] | None = None,
) -> list[Candidate]:
    """Candidates not yet in the termbase: every missing keyword, then text n-grams by C-value."""
    segments = list(segments) if segments is not None else segment_guide(guide)
    known = {entry.zh.casefold() for entry in termbase}
    text_segments = [s for s in segments if s.field != "keywords"]
    candidates: dict[str, Candidate] = {}
    for direction in guide.directions:
        for keyword in direction.keywords_zh:
            if keyword.casefold() in known:
                continue
            candidate = candidates.setdefault(keyword, Candidate(keyword, keyword=True))
            if direction.id not in candidate.directions:
                candidate.directions.append(direction.id)
    tokenizer = _tokenizer(termbase)
    frequencies: Counter[tuple[str, ...]] = Counter()
    for segment in text_segments:
        tagged: list[tuple[str, str]] = []
        for pair in tokenizer.cut(segment.zh):
            if tagged and _SCRIPT_DIGITS.match(pair.word) and _LATIN_TOKEN.match(tagged[-1][0]):
                tagged[-1] = (tagged[-1][0] + pair.word, "eng")  # CO + ₂ → CO₂
            else:
                tagged.append((pair.word, pair.flag))
        for run in _runs(tagged):
            frequencies.update(_ngrams(run))
    scores = c_values(frequencies)
    general_frequency: dict[str, int] = tokenizer.tokenizer.FREQ
    for words, count in frequencies.items():
        text = _join(words)
        if count < min_count or text.casefold() in known or scores[words] <= 0:
            continue
        if len(words) == 1 and general_frequency.get(text, 0) > GENERAL_WORD_FREQUENCY:
            continue
        candidate = candidates.setdefault(text, Candidate(text))
        candidate.cvalue = max(candidate.cvalue, scores[words])
    for candidate in candidates.values():
        _attach_occurrences(candidate, text_segments)
    ranked = sorted(candidates.values(), key=lambda c: (not c.keyword, -c.cvalue, -c.count, c.zh))
    return [c for c in ranked if c.keyword or c.count >= min_count]


def _attach_occurrences(candidate: Candidate, segments: Sequence[Segment]) -> None:
    count = 0
    for segment in segments:
        occurrences = segment.zh.count(candidate.zh)
        if not occurrences:
            continue
        count += occurrences
        direction = segment.direction_id
        if direction and direction not in candidate.directions:
            candidate.directions.append(direction)
        if len(candidate.contexts) < CONTEXT_LIMIT and all(c.zh != segment.zh for c in candidate.contexts):
            candidate.contexts.append(Context(segment.zh, direction, segment.id))
    candidate.count = count
    candidate.directions.sort(key=_direction_key)


def _direction_key(direction_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in direction_id.split(".") if part.isdigit())
