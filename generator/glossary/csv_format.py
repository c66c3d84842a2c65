"""CSV export and import: the termbase format itself, all entries in one file."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import GlossaryError
from ..fileio import write_atomic
from .rows import ReviewFile, ReviewRow, neutralize, restore
from .termbase import HEADER, TermEntry, entry_from_fields, iter_csv_records, read_text, render_term_file

# Optional extra columns a reviewer may add after the ten of the format.
EXTRA_COLUMNS = ("file", "comment")


def render_csv(entries: Iterable[TermEntry]) -> str:
    """The termbase format for a spreadsheet: formula-looking cells neutralized (OWASP `'` prefix)."""
    return render_term_file(entries, neutralize)


def export_csv(entries: Iterable[TermEntry], path: Path) -> None:
    """All entries in one UTF-8 CSV (header `zh,en,status,…`), sorted by zh, safe to open in a spreadsheet."""
    write_atomic(path, render_csv(entries))


def read_csv(path: Path) -> ReviewFile:
    """Read a reviewed CSV: the ten termbase columns first, optionally `file` and `comment` after."""
    review = ReviewFile(path)
    text = read_text(path)
    records = iter_csv_records(text, path)
    try:
        first = next(records, None)
    except GlossaryError as error:
        review.errors.append(error)
        return review
    if first is None:
        review.errors.append(GlossaryError("empty file", path, 1))
        return review
    header_line, raw_header = first
    header = [cell.strip() for cell in raw_header]
    if tuple(header[: len(HEADER)]) != HEADER or any(
        name not in EXTRA_COLUMNS for name in header[len(HEADER) :]
    ):
        review.errors.append(
            GlossaryError(
                f"bad header {','.join(raw_header)!r}; expected {','.join(HEADER)}", path, header_line
            )
        )
        return review
    while True:
        try:
            item = next(records, None)
        except GlossaryError as error:
            review.errors.append(error)
            break
        if item is None:
            break
        line, record = item
        if len(record) != len(header):
            column_error = GlossaryError(f"{len(record)} columns instead of {len(header)}", path, line)
            review.reject(column_error, record[0] if record else None)
            continue
        fields = {name: restore(value) for name, value in zip(header, record, strict=True)}
        try:
            entry = entry_from_fields(fields, path, line)
        except GlossaryError as error:
            review.reject(error, fields.get("zh"))
            continue
        review.rows.append(
            ReviewRow(
                entry,
                line,
                comment=fields.get("comment", "").strip(),
                file=fields.get("file", "").strip() or None,
            )
        )
    return review
