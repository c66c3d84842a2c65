"""QA on every English segment, and the JSON and HTML report of a run.

Checks per segment: no empty translation; no CJK left; numbers equal as multisets (see
`numbers.py`); every approved term of the source rendered with its approved English or a variant;
no forbidden rendering; no placeholder left over; target not equal to source; and house-style
warnings (stray spaces, a repeated sub-item label, a full stop after a title). Across segments:
the same source translated differently. Untranslated segments are counted, not checked.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from ..fileio import write_atomic
from ..paths import OUTPUT_DIR
from ..segments import Provenance, Segment, Translation
from .numbers import number_difference
from .protect import PLACEHOLDER_RE
from .termbase import TermIndex, forbidden_used, is_approved, term_followed
from .text import cjk_characters, has_cjk, source_key

QA_DIR = OUTPUT_DIR / "qa"
TITLE_FIELDS = ("guide_title", "area_title", "title", "preamble_heading")
ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    segment_id: str
    scope: str
    field: str
    severity: str
    check: str
    message: str
    zh: str
    en: str | None
    provenance: str


@dataclass
class ScopeTotals:
    scope: str
    segments: int = 0
    translated: int = 0
    untranslated: int = 0
    errors: int = 0
    warnings: int = 0
    by_provenance: dict[str, int] = field(default_factory=dict)


@dataclass
class QAReport:
    created: str
    engine: str | None
    totals: ScopeTotals
    scopes: list[ScopeTotals]
    findings: list[Finding]

    @property
    def errors(self) -> int:
        return self.totals.errors

    def checks(self) -> Counter[str]:
        return Counter(f.check for f in self.findings)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "engine": self.engine,
            "totals": asdict(self.totals),
            "checks": dict(self.checks()),
            "directions": [asdict(scope) for scope in self.scopes],
            "findings": [asdict(finding) for finding in self.findings],
        }


def check_segment(segment: Segment, translation: Translation, terms: TermIndex | None) -> list[Finding]:
    """The findings of one segment (none for an untranslated segment)."""
    en = translation.en
    if en is None:
        return []
    found: list[Finding] = []

    def add(severity: str, check: str, message: str) -> None:
        found.append(
            Finding(
                segment.id,
                segment.scope,
                segment.field,
                severity,
                check,
                message,
                segment.zh,
                en,
                translation.provenance.value,
            )
        )

    if not en.strip():
        add(ERROR, "empty", "empty translation")
        return found
    cjk = cjk_characters(en)
    if cjk:
        add(ERROR, "cjk", "Chinese characters or full-width punctuation left: " + "".join(dict.fromkeys(cjk)))
    leftovers = PLACEHOLDER_RE.findall(en)
    if leftovers and translation.provenance == Provenance.MT:
        add(
            ERROR,
            "placeholder",
            f"unrestored placeholder(s): {', '.join('ZX' + p.upper() for p in leftovers)}",
        )
    missing, extra = number_difference(segment.zh, en)
    if missing or extra:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing))
        if extra:
            parts.append("added " + ", ".join(extra))
        add(ERROR, "numbers", "numbers differ: " + "; ".join(parts))
    if terms is not None:
        for hit in terms.find(segment.zh, include_deprecated=True):
            entry = hit.term
            if is_approved(entry) and not term_followed(entry, en):
                add(ERROR, "glossary", f"{entry.zh} must be rendered as {entry.en!r}")
            for form in forbidden_used(entry, en):
                add(ERROR, "forbidden", f"forbidden rendering {form!r} for {entry.zh} (use {entry.en!r})")
    if en != en.strip() or "  " in en:
        add(WARNING, "whitespace", "leading, trailing or double spaces")
    label = segment.label
    if label and re.match(rf"\s*[(（]?{re.escape(label)}[)）.、]", en):
        add(WARNING, "label_repeated", f"the label ({label}) is printed by the templates; do not repeat it")
    if segment.field in TITLE_FIELDS and en.rstrip().endswith("."):
        add(WARNING, "title_full_stop", "titles and headings have no final full stop")
    if en.strip() == segment.zh.strip() and has_cjk(segment.zh):
        add(WARNING, "same_as_source", "target equals source")
    if translation.provenance == Provenance.MT and translation.note:
        for issue in translation.note.split("; "):
            if issue.startswith("mt:"):
                add(WARNING, "mt", issue[3:].strip())
    return found


def check_consistency(segments: list[Segment], translations: list[Translation]) -> list[Finding]:
    """The same source translated in more than one way (reviewed and pattern segments only)."""
    by_key: dict[str, dict[str, list[tuple[Segment, Translation]]]] = {}
    for segment, translation in zip(segments, translations, strict=True):
        if translation.en and translation.provenance in (Provenance.REVIEWED, Provenance.PATTERN):
            by_key.setdefault(source_key(segment.zh), {}).setdefault(translation.en, []).append(
                (segment, translation)
            )
    found = []
    for variants in by_key.values():
        if len(variants) < 2:
            continue
        for en, pairs in variants.items():
            segment, translation = pairs[0]
            others = [other for other in variants if other != en]
            found.append(
                Finding(
                    segment.id,
                    segment.scope,
                    segment.field,
                    WARNING,
                    "inconsistent",
                    f"same source translated differently elsewhere: {others[0]!r}",
                    segment.zh,
                    en,
                    translation.provenance.value,
                )
            )
    return found


def _direction_scope(segment: Segment) -> str:
    return segment.scope if segment.direction_id else "guide"


def run_qa(
    segments: list[Segment],
    translations: list[Translation],
    terms: TermIndex | None,
    engine: str | None = None,
) -> QAReport:
    findings: list[Finding] = []
    for segment, translation in zip(segments, translations, strict=True):
        findings.extend(check_segment(segment, translation, terms))
    findings.extend(check_consistency(segments, translations))
    totals = ScopeTotals("all")
    scopes: dict[str, ScopeTotals] = {}
    for segment, translation in zip(segments, translations, strict=True):
        scope = scopes.setdefault(_direction_scope(segment), ScopeTotals(_direction_scope(segment)))
        for bucket in (totals, scope):
            bucket.segments += 1
            if translation.en:
                bucket.translated += 1
            else:
                bucket.untranslated += 1
            bucket.by_provenance[translation.provenance.value] = (
                bucket.by_provenance.get(translation.provenance.value, 0) + 1
            )
    id_to_scope = {segment.id: _direction_scope(segment) for segment in segments}
    for finding in findings:
        scope = scopes[id_to_scope[finding.segment_id]]
        for bucket in (totals, scope):
            if finding.severity == ERROR:
                bucket.errors += 1
            else:
                bucket.warnings += 1
    return QAReport(
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        engine=engine,
        totals=totals,
        scopes=list(scopes.values()),
        findings=findings,
    )


_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>callpack QA report {{ report.created }}</title>
<style>
body{font-family:sans-serif;margin:2em;max-width:80em} table{border-collapse:collapse;width:100%;margin-bottom:2em}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top;font-size:.9em}
th{background:#eee} .error{color:#a00;font-weight:bold} .warning{color:#a60} td.num{text-align:right}
</style></head><body>
<h1>QA report</h1>
<p>Created {{ report.created }}; engine: {{ report.engine or "none (memory, patterns, termbase only)" }}.</p>
<h2>Totals</h2>
<table><tr><th>Scope</th><th>Segments</th><th>Translated</th><th>Untranslated</th><th>Errors</th><th>Warnings</th><th>By provenance</th></tr>
{% for s in [report.totals] + report.scopes %}<tr><td>{{ s.scope }}</td><td class="num">{{ s.segments }}</td>
<td class="num">{{ s.translated }}</td><td class="num">{{ s.untranslated }}</td><td class="num">{{ s.errors }}</td>
<td class="num">{{ s.warnings }}</td><td>{% for k, v in s.by_provenance|dictsort %}{{ k }}: {{ v }}{% if not loop.last %}, {% endif %}{% endfor %}</td></tr>
{% endfor %}</table>
<h2>Findings ({{ report.findings|length }})</h2>
<table><tr><th>Segment</th><th>Severity</th><th>Check</th><th>Message</th><th>Chinese</th><th>English</th><th>Provenance</th></tr>
{% for f in report.findings %}<tr><td>{{ f.segment_id }}</td><td class="{{ f.severity }}">{{ f.severity }}</td><td>{{ f.check }}</td>
<td>{{ f.message }}</td><td lang="zh">{{ f.zh }}</td><td>{{ f.en or "" }}</td><td>{{ f.provenance }}</td></tr>
{% endfor %}</table></body></html>
"""


def report_html(report: QAReport) -> str:
    environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return environment.from_string(_HTML).render(report=report)


def write_report(report: QAReport, directory: Path | None = None) -> tuple[Path, Path]:
    """Write `qa-<time>.json` and `.html` (and `latest.json`/`latest.html`) atomically."""
    directory = directory or QA_DIR
    stamp = report.created.replace(":", "").replace("-", "").replace("+0000", "Z")
    json_bytes = json.dumps(report.to_json_dict(), ensure_ascii=False, indent=1).encode("utf-8")
    html_bytes = report_html(report).encode("utf-8")
    json_path = directory / f"qa-{stamp}.json"
    html_path = directory / f"qa-{stamp}.html"
    for path, data in (
        (json_path, json_bytes),
        (html_path, html_bytes),
        (directory / "latest.json", json_bytes),
        (directory / "latest.html", html_bytes),
    ):
        write_atomic(path, data)
    return json_path, html_path
