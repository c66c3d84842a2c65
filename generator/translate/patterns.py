"""Pattern rules: formulaic sentences translated from `patterns.toml`, and keywords from the termbase."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import TranslationError
from ..segments import Segment
from .protect import format_quantity
from .termbase import TermIndex
from .text import source_key

RULES_FILE = Path(__file__).with_name("patterns.toml")
_FIELD_RE = re.compile(r"\{(\w+)(?::([\w-]+))?\}")
_AMOUNT_WORDS = {"不少于": "at least ", "不低于": "at least ", "至少": "at least "}


class RuleFailed(Exception):
    """A rule matched the Chinese but cannot render it (e.g. a topic with no termbase entry)."""


@dataclass(frozen=True)
class Rule:
    name: str
    zh: re.Pattern[str]
    en: str
    fields: tuple[str, ...] = ()
    parts: tuple[Rule, ...] = field(default=())


@dataclass(frozen=True)
class PatternMatch:
    rule: str
    en: str


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    clauses: tuple[Rule, ...]


def _compile(item: dict[str, object], path: Path, kind: str, number: int) -> Rule:
    name = str(item.get("name") or f"{kind}-{number}")
    zh, en = item.get("zh"), item.get("en")
    if not isinstance(zh, str) or not isinstance(en, str):
        raise TranslationError(f"{kind} {name!r} needs string 'zh' and 'en'", path)
    try:
        pattern = re.compile(zh)
    except re.error as error:
        raise TranslationError(f"{kind} {name!r}: bad regular expression: {error}", path) from None
    fields = item.get("fields") or []
    parts = item.get("parts") or []
    if not isinstance(fields, list) or not isinstance(parts, list):
        raise TranslationError(f"{kind} {name!r}: 'fields' and 'parts' must be lists", path)
    return Rule(
        name=name,
        zh=pattern,
        en=en,
        fields=tuple(str(f) for f in fields),
        parts=tuple(_compile(part, path, f"{name} part", i) for i, part in enumerate(parts)),
    )


def load_rules(path: Path | None = None) -> RuleSet:
    path = path or RULES_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TranslationError(f"cannot read pattern rules: {error.strerror}", path) from None
    except tomllib.TOMLDecodeError as error:
        raise TranslationError(f"malformed pattern rules: {error}", path) from None
    rules = tuple(_compile(item, path, "rule", i) for i, item in enumerate(data.get("rule", [])))
    clauses = tuple(_compile(item, path, "clause", i) for i, item in enumerate(data.get("clause", [])))
    return RuleSet(rules, clauses)


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    return load_rules()


def _amount(text: str, more: str | None) -> str:
    for word, english in _AMOUNT_WORDS.items():
        if text.startswith(word):
            return english + format_quantity(text[len(word) :])
    rendered = format_quantity(text)
    return rendered + " or more" if more else rendered


def _render(rule: Rule, match: re.Match[str], terms: TermIndex | None) -> str:
    groups = match.groupdict()

    def field(found: re.Match[str]) -> str:
        name, renderer = found.group(1), found.group(2)
        if name not in groups:
            raise TranslationError(f"rule {rule.name!r} uses unknown group {name!r}")
        value = groups[name] or ""
        if renderer is None:
            return value
        if renderer == "quantity":
            return format_quantity(value)
        if renderer == "amount":
            return _amount(value, groups.get("more"))
        if renderer == "s":
            numbers = re.findall(r"\d+(?:\.\d+)?", value)
            return "" if numbers == ["1"] and "~" not in value and not groups.get("more") else "s"
        if renderer in ("term", "terms"):
            names = value.split("、") if renderer == "terms" else [value]
            english = []
            for zh in names:
                term = terms.get(zh) if terms is not None else None
                if term is None or term.status != "approved":
                    raise RuleFailed(zh)
                english.append(term.en)
            return (
                " and ".join(english)
                if len(english) <= 2
                else ", ".join(english[:-1]) + " and " + english[-1]
            )
        if renderer == "parts":
            return "; ".join(_render_part(rule, part, terms) for part in value.split(","))
        raise TranslationError(f"rule {rule.name!r} uses unknown renderer {renderer!r}")

    return _FIELD_RE.sub(field, rule.en)


def _render_part(rule: Rule, part: str, terms: TermIndex | None) -> str:
    for sub in rule.parts:
        match = sub.zh.fullmatch(part)
        if match:
            return _render(sub, match, terms)
    raise RuleFailed(part)


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join_clauses(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def apply_rules(
    segment: Segment, rules: RuleSet | None = None, terms: TermIndex | None = None
) -> PatternMatch | None:
    """The pattern translation of `segment`, or None when no rule covers all of it."""
    rules = rules or default_rules()
    key = source_key(segment.zh)
    for rule in rules.rules:
        if rule.fields and segment.field not in rule.fields:
            continue
        match = rule.zh.fullmatch(key)
        if match:
            try:
                return PatternMatch(rule.name, _render(rule, match, terms))
            except RuleFailed:
                continue
    return _apply_clauses(key, rules, terms)


def _apply_clauses(key: str, rules: RuleSet, terms: TermIndex | None) -> PatternMatch | None:
    if not rules.clauses:
        return None
    ending = ";" if key.endswith(";") else "."
    body = key.rstrip("。;")
    english: list[str] = []
    names: list[str] = []
    for clause in body.split(","):
        for rule in rules.clauses:
            match = rule.zh.fullmatch(clause)
            if match:
                try:
                    english.append(_render(rule, match, terms))
                except RuleFailed:
                    return None
                names.append(rule.name)
                break
        else:
            return None
    return PatternMatch("+".join(names), _capitalize(_join_clauses(english)) + ending)


def keyword_translation(segment: Segment, terms: TermIndex | None) -> PatternMatch | None:
    """A keyword segment translated by its approved termbase entry."""
    if segment.field != "keywords" or terms is None:
        return None
    term = terms.get(segment.zh)
    if term is None or term.status != "approved":
        return None
    return PatternMatch("keyword", term.en)
