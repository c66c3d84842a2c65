"""Document QA: the built HTML of every document checked against the model.

Reads `index.json` of a build folder and each document's HTML; checks, per document:
- every indicator's English, segment by segment, is present in full (English and bilingual
  documents that list indicators); untranslated segments are present in Chinese, flagged;
- every number of the Chinese indicator is in the document, and every comparator-bearing target
  of the Chinese is confirmed in the indicator's English (same number, unit and sense);
- no Chinese outside an element tagged lang="zh…" in English and bilingual documents;
- every binding rule of the preamble and the restricted-access note (unless cleared) is present,
  in the document's language, with the one wording (packs, briefings, the whole call);
- every translator's note of the shown segments is printed;
- a briefing that leaves out research content says it summarizes.
Pure apart from reading the files; the CLI prints the report and sets the exit code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
from lxml.html import HtmlElement

from ..errors import RenderError
from .context import CallContext, DirectionContext, Para, PartKind
from .targets import comparator_confirmed, extract_targets

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]")
_SPACES = re.compile(r"\s+")
_ZH_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?:万|亿)?")
# Kinds that list indicators (the agreement in its annex); the binding rules are for the first three.
INDICATOR_KINDS = ("call", "briefing", "whole", "agreement")
RULE_KINDS = ("call", "briefing", "whole")


@dataclass(frozen=True)
class Finding:
    document: str
    check: str
    message: str


@dataclass
class DocumentQAReport:
    documents: int = 0
    checks: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.findings


def normalize(text: str) -> str:
    """Whitespace as the reader sees it: no-break and thin spaces are spaces, runs collapse."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ").replace("\u2060", "")
    return _SPACES.sub(" ", text).strip()


def _tree(path: Path) -> HtmlElement:
    try:
        return lxml.html.fromstring(path.read_bytes())
    except (OSError, ValueError) as error:
        raise RenderError(f"cannot read the built document: {error}", path=path) from error


def _body(tree: HtmlElement) -> HtmlElement:
    body = tree.find("body")
    return body if body is not None else tree


def _without_notes(body: HtmlElement) -> str:
    """The body's text with translator's notes taken out (they sit inside sentences)."""
    clone = lxml.html.fromstring(lxml.html.tostring(body))
    for note in clone.find_class("tnote"):
        note.drop_tree()
    return normalize(clone.text_content())


def _notes_text(body: HtmlElement) -> str:
    return normalize(" ".join(note.text_content() for note in body.find_class("tnote")))


def _lang_of(element: HtmlElement) -> str:
    node: HtmlElement | None = element
    while node is not None:
        lang = node.get("lang")
        if lang:
            return lang.lower()
        node = node.getparent()
    return ""


def unflagged_chinese(body: HtmlElement) -> list[str]:
    """Chinese text that no lang="zh…" element holds."""
    found: list[str] = []
    for element in body.iter():
        if not isinstance(element.tag, str) or element.tag in ("style", "script"):
            continue
        for text, owner in ((element.text, element), (element.tail, element.getparent())):
            if text and _CJK.search(text) and owner is not None and not _lang_of(owner).startswith("zh"):
                found.append(normalize(text)[:60])
    return found


def _numbers(zh: str) -> list[str]:
    """The numbers of a Chinese indicator as the English writes them (万 and 亿 multiplied out)."""
    numbers = []
    for match in _ZH_NUMBER.finditer(zh):
        value = match.group(0)
        if value[-1] in "万亿":
            product = float(value[:-1]) * (10_000 if value[-1] == "万" else 100_000_000)
            value = str(int(product)) if product == int(product) else str(product)
        numbers.append(value)
    return numbers


def _number_present(number: str, text: str) -> bool:
    """The number as digits, or in millions/billions as English writes large round numbers."""
    plain = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    forms = [number]
    value = float(number)
    for size, word in ((1_000_000_000, "billion"), (1_000_000, "million")):
        if value >= size:
            forms.append(f"{value / size:g} {word}")
            break
    return any(re.search(rf"(?<![\d.]){re.escape(form)}(?!\.?\d)", plain) for form in forms)


class _Checker:
    def __init__(self, report: DocumentQAReport, document: str) -> None:
        self.report = report
        self.document = document

    def check(self, ok: bool, check: str, message: str) -> None:
        self.report.checks += 1
        if not ok:
            self.report.findings.append(Finding(self.document, check, message))


def _shown_paras(direction: DirectionContext, kind: str, detail_summarized: bool) -> list[Para]:
    """The paragraphs whose full English a document of this kind must hold."""
    if kind == "briefing":
        paras = list(direction.indicators)
        if not detail_summarized:
            paras.extend(direction.content)
        paras.extend(direction.other_requirements)
        return paras
    paras = [*direction.content, *direction.indicators]
    if kind != "agreement":
        paras.extend(direction.other_requirements)
    if direction.indicators_note:
        paras.append(direction.indicators_note)
    if direction.projects_note and kind != "agreement":
        paras.append(direction.projects_note)
    return paras


def _check_direction(
    checker: _Checker, direction: DirectionContext, kind: str, text: str, notes: str, summarized: bool
) -> None:
    for para in _shown_paras(direction, kind, summarized):
        for part in para.parts:
            if part.kind is PartKind.UNTRANSLATED:
                checker.check(
                    normalize(part.zh) in text,
                    "untranslated-shown",
                    f"{direction.id}: untranslated segment missing: {part.zh[:50]}",
                )
                continue
            checker.check(
                normalize(part.text) in text,
                "full-text",
                f"{direction.id}: English missing or shortened: {part.text[:60]}",
            )
            if part.note:
                checker.check(
                    normalize(part.note) in notes,
                    "translator-note",
                    f"{direction.id}: translator's note not printed: {part.note[:60]}",
                )
    for para in direction.indicators:
        for number in _numbers(para.zh):
            checker.check(
                _number_present(number, text),
                "numbers",
                f"{direction.id}: number {number} of the Chinese indicator is not in the English document",
            )
        english = para.en
        if english is None or para.has_draft:
            continue
        for target in extract_targets(para.zh):
            checker.check(
                comparator_confirmed(target, english),
                "comparators",
                f"{direction.id}: {target.zh} — no comparator of that sense beside the number in the English",
            )


def _check_rules(checker: _Checker, call: CallContext, lang: str, text: str) -> None:
    rules = list(call.rules) + ([call.restricted] if call.restricted else [])
    for rule in rules:
        wanted = [rule.zh] if lang == "zh" else [rule.en] + ([rule.zh] if lang == "bilingual" else [])
        for wording in wanted:
            checker.check(
                normalize(wording) in text,
                "binding-rule",
                f"rule {rule.id} missing or worded differently",
            )


def check_documents(out: Path, call: CallContext, documents: Iterable[str] | None = None) -> DocumentQAReport:
    """Check every built HTML document in `out` (or only the listed paths) against the model."""
    from .build import MANIFEST_NAME, load_manifest

    manifest_path = out / MANIFEST_NAME
    if not manifest_path.is_file():
        raise RenderError("no build here: index.json not found (run `callpack build` first)", path=manifest_path)
    warnings: list[str] = []
    # The build's own reader: entries whose path leaves `out` are dropped, never read.
    records = load_manifest(out, warnings)
    if warnings and not records:
        raise RenderError(warnings[0], path=manifest_path)
    wanted = set(documents) if documents is not None else None
    report = DocumentQAReport()
    for entry in records.values():
        if entry.format != "html" or entry.kind not in INDICATOR_KINDS:
            continue
        if wanted is not None and entry.path not in wanted:
            continue
        path = out / entry.path
        if not path.is_file():
            report.findings.append(Finding(entry.path, "missing", "listed in index.json but not on disk"))
            continue
        report.documents += 1
        checker = _Checker(report, entry.path)
        body = _body(_tree(path))
        lang = entry.lang
        text = _without_notes(body)
        if entry.kind in RULE_KINDS:
            _check_rules(checker, call, lang, text)
        if lang == "zh":
            continue
        stray = unflagged_chinese(body)
        checker.check(not stray, "unflagged-chinese", "Chinese outside lang=zh: " + "; ".join(stray[:3]))
        notes = _notes_text(body)
        summarized = bool(body.find_class("summarized"))
        if entry.kind == "whole":
            directions = list(call.directions)
        else:
            try:
                directions = [call.direction(entry.direction or "")]
            except KeyError:
                checker.check(False, "direction", f"direction {entry.direction} is not in the guide")
                continue
        for direction in directions:
            _check_direction(checker, direction, entry.kind, text, notes, summarized)
        if entry.kind == "briefing":
            content_shown = all(
                normalize(part.text) in text
                for para in directions[0].content
                for part in para.parts
                if part.kind is not PartKind.UNTRANSLATED
            )
            checker.check(
                content_shown or summarized,
                "summary-flagged",
                "research content shortened without saying so",
            )
    return report
