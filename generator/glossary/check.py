"""Termbase QA: consistency of the entries, and terminology use in the translations.

`term_followed` and `forbidden_used` are pure functions that the translation QA reuses.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import GlossaryError
from ..fileio import write_atomic
from .termbase import Status, Termbase, TermEntry, read_termbase

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SEPARATORS = r"[\s\-\u2010\u2011\u2012\u2013\u2014/]+"
_TOKEN_SPLIT = re.compile(_SEPARATORS)
_WORDISH = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" or "warning"
    code: str
    message: str
    zh: str | None = None
    path: str | None = None
    line: int | None = None
    segment_id: str | None = None

    def where(self) -> str:
        if self.segment_id:
            return self.segment_id
        if self.path:
            return f"{self.path}:{self.line}" if self.line else self.path
        return ""


@dataclass
class CheckReport:
    entries: int
    approved: int
    segments_checked: int
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def to_json(self) -> dict[str, Any]:
        return {
            "entries": self.entries,
            "approved": self.approved,
            "segments_checked": self.segments_checked,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [asdict(f) for f in self.findings],
        }


def _word_pattern(word: str) -> str:
    """A word with simple English inflection allowed: cell→cells, battery→batteries, dope→doped/doping."""
    escaped = re.escape(word)
    if not word[-1:].isalpha() or not word.isascii():
        return escaped
    if word.isupper() and len(word) > 1:  # acronyms: LCOE, LCOEs
        return escaped + "s?"
    endings = ["s", "es", "ed", "d", "ing", "er", "ers"]
    alternatives = [escaped + "(?:" + "|".join(endings) + ")?"]
    if word.endswith("y") and len(word) > 2:
        alternatives.append(re.escape(word[:-1]) + "(?:ies|ied)")
    if word.endswith("e") and len(word) > 2:
        alternatives.append(re.escape(word[:-1]) + "ing")
    if re.search(r"[^aeiou][aeiou][bdgmnprt]$", word):  # doping is regular, but scan → scanning
        alternatives.append(escaped + re.escape(word[-1]) + "(?:ed|ing)")
    if re.search(r"(?:is)$", word):  # analysis → analyses
        alternatives.append(re.escape(word[:-2]) + "es")
    return "(?:" + "|".join(alternatives) + ")"


def _plural_pattern(word: str) -> str:
    """A word with only its plural allowed (for forbidden forms, where a looser match misfires)."""
    escaped = re.escape(word)
    if not word[-1:].isalpha() or not word.isascii():
        return escaped
    if word.endswith("y") and len(word) > 2:
        return "(?:" + escaped + "|" + re.escape(word[:-1]) + "ies)"
    return escaped + "(?:s|es)?"


@lru_cache(maxsize=20000)
def _form_regex(form: str, case_sensitive: bool, loose: bool = True) -> re.Pattern[str] | None:
    """The regex of an English form: inflection on every word when `loose`, else a plural last word."""
    tokens = [token for token in _TOKEN_SPLIT.split(form.strip()) if token]
    if not tokens:
        return None
    if loose:
        parts = [_word_pattern(token) for token in tokens]
    else:
        parts = [re.escape(token) for token in tokens[:-1]] + [_plural_pattern(tokens[-1])]
    body = _SEPARATORS.join(parts)
    start = r"(?<![A-Za-z0-9])" if _WORDISH.match(tokens[0][0]) else ""
    end = r"(?![A-Za-z0-9])" if _WORDISH.match(tokens[-1][-1]) else ""
    return re.compile(start + body + end, 0 if case_sensitive else re.IGNORECASE)


def form_used(form: str, en_text: str, case_sensitive: bool = False) -> bool:
    """Whether the English `form` occurs in `en_text` as whole words, allowing simple inflection."""
    pattern = _form_regex(form, case_sensitive)
    return bool(pattern and pattern.search(en_text))


def term_followed(entry: TermEntry, en_text: str) -> bool:
    """Whether `en_text` uses the entry's English or one of its admitted variants.

    Case-insensitive unless the entry is case-sensitive; plural and simple inflections are accepted
    (cell/cells, battery/batteries, dope/doping), and hyphen, dash and space count as the same separator.
    """
    return any(form_used(form, en_text, entry.case_sensitive) for form in entry.renderings)


def forbidden_used(entry: TermEntry, en_text: str) -> list[str]:
    """The entry's forbidden renderings that occur in `en_text`.

    Matching is case-insensitive and allows only a plural last word, and an occurrence inside an
    admitted form of the entry does not count (so "coulomb efficiency" never fires on a correct text).
    """
    admitted: list[tuple[int, int]] = []
    for form in entry.renderings:
        pattern = _form_regex(form, entry.case_sensitive)
        if pattern is not None:
            admitted.extend(match.span() for match in pattern.finditer(en_text))
    used = []
    for form in entry.forbidden:
        pattern = _form_regex(form, False, loose=False)
        if pattern is None:
            continue
        for match in pattern.finditer(en_text):
            if not any(start <= match.start() and match.end() <= end for start, end in admitted):
                used.append(form)
                break
    return used


def check_entries(entries: Sequence[TermEntry], known_directions: set[str] | None = None) -> list[Finding]:
    """Consistency findings on the entries themselves."""
    findings: list[Finding] = []

    def add(severity: str, code: str, message: str, entry: TermEntry) -> None:
        findings.append(Finding(severity, code, message, entry.zh, entry.origin, entry.line))

    by_folded: dict[str, list[TermEntry]] = {}
    by_en: dict[str, list[TermEntry]] = {}
    for entry in entries:
        by_folded.setdefault(entry.zh.casefold(), []).append(entry)
        if entry.status is Status.APPROVED and entry.en:
            by_en.setdefault(entry.en.casefold(), []).append(entry)
        forms = entry.renderings
        for forbidden in entry.forbidden:
            for form in forms:
                if forbidden.casefold() in form.casefold():
                    add(
                        "error",
                        "forbidden-in-own-rendering",
                        f"forbidden {forbidden!r} is part of its own admitted form {form!r}",
                        entry,
                    )
        seen_variants: set[str] = set()
        fold = (lambda text: text) if entry.case_sensitive else str.casefold
        for variant in entry.variants:
            key = fold(variant)
            if key == fold(entry.en) or key in seen_variants:
                add("warning", "duplicate-variant", f"variant {variant!r} repeats another form", entry)
            seen_variants.add(key)
        for form in (*forms, *entry.forbidden):
            if _CJK.search(form):
                add(
                    "error", "chinese-in-english", f"English form {form!r} contains Chinese characters", entry
                )
        if known_directions is not None:
            unknown = [s for s in entry.sources if s not in known_directions]
            if unknown:
                add(
                    "error",
                    "unknown-direction",
                    f"sources name unknown direction(s) {', '.join(unknown)}",
                    entry,
                )
        if entry.status is Status.PROPOSED and not entry.en:
            add("warning", "proposed-without-en", "proposed entry has no English yet", entry)
    for group in by_folded.values():
        if len(group) < 2:
            continue
        approved = [e for e in group if e.status is Status.APPROVED]
        renderings = {e.en.casefold() for e in approved}
        places = ", ".join(f"{e.zh!r} at {e.where()}" for e in group)
        if len(approved) > 1 and len(renderings) > 1:
            add(
                "error",
                "two-approved-renderings",
                f"one Chinese term with two approved English renderings ({', '.join(e.en for e in approved)}): {places}",
                group[-1],
            )
        else:
            add("warning", "case-variant-entries", f"entries differ only by case: {places}", group[-1])
    for group in by_en.values():
        zh_terms = {e.zh for e in group}
        if len(zh_terms) > 1 and len({e.domain for e in group}) == 1:
            add(
                "warning",
                "shared-english",
                f"{len(zh_terms)} approved entries share the English {group[0].en!r}: {', '.join(sorted(zh_terms))}",
                group[-1],
            )
    approved_en = {e.en.casefold(): e for e in entries if e.status is Status.APPROVED and e.en}
    for entry in entries:
        for forbidden in entry.forbidden:
            other = approved_en.get(forbidden.casefold())
            if other is not None and other.zh != entry.zh:
                add(
                    "warning",
                    "forbidden-is-approved-elsewhere",
                    f"forbidden {forbidden!r} is the approved English of {other.zh!r} ({other.where()})",
                    entry,
                )
    return findings


def check_translations(
    termbase: Termbase, translations: Iterable[tuple[str, str, str]]
) -> tuple[list[Finding], int]:
    """Findings on (segment id, zh, en) triples: approved terms not followed, forbidden forms used."""
    findings: list[Finding] = []
    count = 0
    for segment_id, zh, en in translations:
        count += 1
        for match in termbase.find_terms(zh):
            entry = match.entry
            if not term_followed(entry, en):
                wanted = " / ".join(entry.renderings)
                findings.append(
                    Finding(
                        "error",
                        "term-not-followed",
                        f"{entry.zh!r} should be rendered {wanted!r}",
                        entry.zh,
                        entry.origin,
                        entry.line,
                        segment_id,
                    )
                )
            for forbidden in forbidden_used(entry, en):
                findings.append(
                    Finding(
                        "error",
                        "forbidden-used",
                        f"forbidden rendering {forbidden!r} of {entry.zh!r} used (write {entry.en!r})",
                        entry.zh,
                        entry.origin,
                        entry.line,
                        segment_id,
                    )
                )
    return findings, count


def run_check(
    folders: Path | Sequence[Path],
    translations: Iterable[tuple[str, str, str]] = (),
    known_directions: set[str] | None = None,
) -> CheckReport:
    """Every check on the termbase folder, or on layered folders (lowest first, a later entry
    overriding one with the same zh); malformed files become findings instead of stopping it."""
    layers = [folders] if isinstance(folders, Path) else list(folders)
    by_zh: dict[str, TermEntry] = {}
    findings: list[Finding] = []
    for folder in layers:
        layer_entries, errors = read_termbase(folder)
        findings += [_load_finding(error) for error in errors]
        by_zh.update((entry.zh, entry) for entry in layer_entries)
    entries = list(by_zh.values())
    findings += check_entries(entries, known_directions)
    termbase = Termbase(entries, folder=layers[-1])
    translation_findings, checked = check_translations(termbase, translations)
    findings += translation_findings
    return CheckReport(
        entries=len(entries),
        approved=sum(1 for e in entries if e.status is Status.APPROVED),
        segments_checked=checked,
        findings=findings,
    )


def _load_finding(error: GlossaryError) -> Finding:
    code = "duplicate-zh" if error.message.startswith("duplicate zh") else "malformed"
    return Finding("error", code, error.message, None, error.path, error.line)


def render_markdown(report: CheckReport) -> str:
    lines = [
        "# Termbase check",
        "",
        f"- entries: {report.entries} ({report.approved} approved)",
        f"- translated segments checked: {report.segments_checked}",
        f"- errors: {len(report.errors)}, warnings: {len(report.warnings)}",
        "",
    ]
    for severity, findings in (("Errors", report.errors), ("Warnings", report.warnings)):
        if not findings:
            continue
        lines += [f"## {severity}", "", "| where | check | term | message |", "|---|---|---|---|"]
        for finding in findings:
            cells = [finding.where(), finding.code, finding.zh or "", finding.message]
            lines.append("| " + " | ".join(_md_cell(cell) for cell in cells) + " |")
        lines.append("")
    return "\n".join(lines)


def _md_cell(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def write_reports(report: CheckReport, folder: Path) -> tuple[Path, Path]:
    """Write `glossary-check.json` and `glossary-check.md` into `folder` (atomically)."""
    json_path = folder / "glossary-check.json"
    md_path = folder / "glossary-check.md"
    write_atomic(json_path, json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n")
    write_atomic(md_path, render_markdown(report))
    return json_path, md_path
