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
from .rows import ReviewFile, ReviewRow, entry_hash
from .termbase import DEFAULT_FILE, HEADER, Status, Termbase, TermEntry, write_termbase

__all__ = [
    "Change",
    "ImportReport",
    "ReviewFile",
    "ReviewRow",
    "apply_import",
    "plan_import",
    "read_review_file",
]

_FILE_NAME = re.compile(r"^[\w.-]+\.csv$")


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
    # Imported here: openpyxl and lxml would otherwise load on every callpack command's start-up.
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


def with_comment(note: str, comment: str) -> str:
    """The entry's note with a reviewer's comment kept in it (once)."""
    comment = " ".join(comment.split())
    if not comment or comment in note:
        return note
    return f"{note} [review: {comment}]".strip()


_STALE = "changed in the termbase since this file was exported; edit the termbase or import with --force"


def plan_import(termbase: Termbase, review: ReviewFile, *, force: bool = False) -> ImportReport:
    """Compare a reviewed file with the termbase. Nothing is written here.

    With the bases of an exported review sheet, a row applies only if its entry has not changed in
    the termbase since the export (else a conflict, applied with `force`); an untouched row never
    changes anything; an entry added after the export is not "deleted in the file".
    """
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
    bases = review.bases
    for zh, row in first_row.items():
        existing = termbase.get(zh)
        base = bases.get(zh) if bases is not None else None
        if existing is None:
            entry = replace(row.entry, note=with_comment(row.entry.note, row.comment))
            if base is not None and not force:
                report.conflicts.append(
                    Change(
                        zh,
                        row.line,
                        None,
                        entry,
                        reason="deleted from the termbase since this file was exported",
                    )
                )
                continue
            origin = file_for_new_entry(row.entry, row.file, files)
            report.added.append(
                Change(zh, row.line, None, replace(entry, origin=origin), comment=row.comment)
            )
            continue
        untouched = base is not None and entry_hash(row.entry) == base
        source = existing if untouched else row.entry
        after = replace(
            source, origin=existing.origin, line=existing.line, note=with_comment(source.note, row.comment)
        )
        fields = changed_fields(existing, after)
        if not fields:
            report.unchanged += 1
        elif base is not None and not untouched and entry_hash(existing) != base and not force:
            report.conflicts.append(
                Change(zh, row.line, existing, after, fields, reason=_STALE, comment=row.comment)
            )
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
        if entry.zh in first_row or entry.zh in review.bad_zh or entry.zh in termbase.reference_zh:
            continue
        if bases is not None:
            if entry.zh not in bases:
                continue  # added to the termbase after the export
            if entry_hash(entry) != bases[entry.zh] and not force:
                report.conflicts.append(
                    Change(entry.zh, entry.line, entry, None, reason="deleted in the file but " + _STALE)
                )
                continue
        report.deleted_in_file.append(Change(entry.zh, entry.line, entry, None))
    return report


def apply_import(
    termbase: Termbase, report: ImportReport, folder: Path, *, delete: bool = False
) -> list[Path]:
    """Write the added and changed entries (and the deletions when `delete`) to the termbase files.

    Only the project layer (`folder`) is written, and only the files an applied change touches: a
    no-op or conflicts-only import writes nothing. Refuses (GlossaryError) when the report has
    errors, so that a bad file changes nothing.
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
    touched: set[str] = set()
    for change in [*report.changed, *report.added, *(report.deleted_in_file if delete else [])]:
        for entry in (change.before, change.after):
            if entry is not None:
                touched.add(entry.origin or DEFAULT_FILE)
    report.deleted = delete
    if not touched:
        return []
    own = [entry for entry in termbase if entry.zh not in termbase.reference_zh]
    entries: list[TermEntry] = []
    for entry in own:
        if entry.zh in removed:
            continue
        entries.append(replacements.pop(entry.zh, entry))
    entries.extend(replacements.values())  # changed reference entries become project entries
    entries.extend(change.after for change in report.added if change.after is not None)
    Termbase(entries)  # re-validates uniqueness before anything is written
    own_files = sorted({entry.origin or DEFAULT_FILE for entry in own})
    written = write_termbase(entries, folder, files=own_files, only=touched)
    report.written = written
    return written
