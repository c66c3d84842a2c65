"""Importing a reviewed termbase file: compare it with the termbase, report, and apply decisions.

The rules: every row is validated and a file with any bad row changes nothing; an entry missing from
the file is reported but deleted only on request; a proposed row never replaces an approved entry
(that is a conflict, left for a person to resolve).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import GlossaryError
from .termbase import DEFAULT_FILE, HEADER, Status, Termbase, TermEntry, write_termbase

_FILE_NAME = re.compile(r"^[\w.-]+\.csv$")


@dataclass(frozen=True)
class ReviewRow:
    """One validated row of a reviewed file; `line` is the row (XLSX/CSV) or the line (TBX)."""

    entry: TermEntry
    line: int
    comment: str = ""
    file: str | None = None


@dataclass
class ReviewFile:
    path: Path
    rows: list[ReviewRow] = field(default_factory=list)
    errors: list[GlossaryError] = field(default_factory=list)
    # zh of the rows in error: they are in the file, so they are not "deleted in file".
    bad_zh: set[str] = field(default_factory=set)

    def reject(self, error: GlossaryError, zh: str | None) -> None:
        self.errors.append(error)
        if zh and zh.strip():
            self.bad_zh.add(zh.strip())


@dataclass(frozen=True)
class Change:
    zh: str
    line: int | None
    before: TermEntry | None
    after: TermEntry | None
    fields: tuple[str, ...] = ()
    reason: str = ""
    comment: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "zh": self.zh,
            "line": self.line,
            "fields": list(self.fields),
            "before": self.before.to_row() if self.before else None,
            "after": self.after.to_row() if self.after else None,
            "reason": self.reason,
            "comment": self.comment,
        }


@dataclass
class ImportReport:
    path: Path
    added: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    deleted_in_file: list[Change] = field(default_factory=list)
    conflicts: list[Change] = field(default_factory=list)
    unchanged: int = 0
    errors: list[GlossaryError] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    deleted: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "added": [c.to_json() for c in self.added],
            "changed": [c.to_json() for c in self.changed],
            "deleted_in_file": [c.to_json() for c in self.deleted_in_file],
            "deletions_applied": self.deleted,
            "conflicts": [c.to_json() for c in self.conflicts],
            "unchanged": self.unchanged,
            "errors": [{"path": e.path, "line": e.line, "message": e.message} for e in self.errors],
            "written": [str(p) for p in self.written],
        }


def read_review_file(path: Path) -> ReviewFile:
    """Read a reviewed XLSX, TBX or CSV file by its extension."""
    from . import csv_format, tbx_format, xlsx_format

    suffix = path.suffix.lower()
    if not path.is_file():
        raise GlossaryError("file not found", path)
    if suffix == ".xlsx":
        return xlsx_format.read_xlsx(path)
    if suffix in (".tbx", ".xml"):
        return tbx_format.read_tbx(path)
    if suffix == ".csv":
        return csv_format.read_csv(path)
    raise GlossaryError(f"unknown review file type {suffix!r} (use .xlsx, .tbx or .csv)", path)


def changed_fields(before: TermEntry, after: TermEntry) -> tuple[str, ...]:
    old, new = before.to_row(), after.to_row()
    return tuple(name for name in HEADER if old[name] != new[name])


def file_for_new_entry(entry: TermEntry, requested: str | None, existing_files: list[str]) -> str:
    """The termbase file for an added entry: the one named in the review file, else its first area's."""
    if requested and _FILE_NAME.match(requested):
        return requested
    if entry.sources:
        area = entry.sources[0].split(".")[0]
        prefix = f"{int(area):02d}-"
        for name in existing_files:
            if name.startswith(prefix):
                return name
    return DEFAULT_FILE


def plan_import(termbase: Termbase, review: ReviewFile) -> ImportReport:
    """Compare a reviewed file with the termbase. Nothing is written here."""
    report = ImportReport(path=review.path, errors=list(review.errors))
    first_row: dict[str, ReviewRow] = {}
    for row in review.rows:
        earlier = first_row.get(row.entry.zh)
        if earlier is not None:
            report.errors.append(
                GlossaryError(
                    f"duplicate zh {row.entry.zh!r} (also at row {earlier.line})", review.path, row.line
                )
            )
            continue
        first_row[row.entry.zh] = row
    files = termbase.files()
    for zh, row in first_row.items():
        existing = termbase.get(zh)
        if existing is None:
            origin = file_for_new_entry(row.entry, row.file, files)
            report.added.append(
                Change(zh, row.line, None, replace(row.entry, origin=origin), comment=row.comment)
            )
            continue
        after = replace(row.entry, origin=existing.origin, line=existing.line)
        fields = changed_fields(existing, after)
        if not fields:
            report.unchanged += 1
        elif existing.status is Status.APPROVED and after.status is Status.PROPOSED:
            report.conflicts.append(
                Change(
                    zh,
                    row.line,
                    existing,
                    after,
                    fields,
                    reason="a proposed row would replace an approved entry; edit the termbase or approve the row",
                    comment=row.comment,
                )
            )
        else:
            report.changed.append(Change(zh, row.line, existing, after, fields, comment=row.comment))
    if review.errors and not review.rows:
        return report  # an unreadable file deletes nothing, even on paper
    for entry in termbase:
        if entry.zh not in first_row and entry.zh not in review.bad_zh:
            report.deleted_in_file.append(Change(entry.zh, entry.line, entry, None))
    return report


def apply_import(
    termbase: Termbase, report: ImportReport, folder: Path, *, delete: bool = False
) -> list[Path]:
    """Write the added and changed entries (and the deletions when `delete`) to the termbase files.

    Refuses (GlossaryError) when the report has errors, so that a bad file changes nothing.
    """
    if report.errors:
        first = report.errors[0]
        raise GlossaryError(
            f"{len(report.errors)} error(s) in the file; nothing was changed. First: {first.message}",
            first.path,
            first.line,
        )
    replacements = {change.zh: change.after for change in report.changed if change.after is not None}
    removed = {change.zh for change in report.deleted_in_file} if delete else set()
    entries: list[TermEntry] = []
    for entry in termbase:
        if entry.zh in removed:
            continue
        entries.append(replacements.get(entry.zh, entry))
    entries.extend(change.after for change in report.added if change.after is not None)
    Termbase(entries)  # re-validates uniqueness before anything is written
    written = write_termbase(entries, folder, files=termbase.files())
    report.written = written
    report.deleted = delete
    return written
