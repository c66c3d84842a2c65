"""XLSX export for translators' review, and import of the reviewed workbook (openpyxl).

One row per entry: the ten termbase columns, the termbase file, a comment column for the reviewer, and
up to three contexts from the guide (Chinese sentence, direction id, current English of the sentence).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import limits
from ..errors import GlossaryError
from ..fileio import atomic_path
from .review import ReviewFile, ReviewRow
from .sources import Context
from .termbase import HEADER, PARTS_OF_SPEECH, Status, TermEntry, entry_from_fields

SHEET_TITLE = "termbase"
CONTEXT_LIMIT = 3
CONTEXT_COLUMNS: tuple[str, ...] = tuple(
    name
    for i in range(1, CONTEXT_LIMIT + 1)
    for name in (f"context {i} zh", f"context {i} direction", f"context {i} en")
)
COLUMNS: tuple[str, ...] = (*HEADER, "file", "comment", *CONTEXT_COLUMNS)
_WIDTHS = {
    "zh": 22,
    "en": 34,
    "status": 12,
    "variants": 30,
    "forbidden": 30,
    "domain": 20,
    "pos": 10,
    "case_sensitive": 14,
    "sources": 14,
    "note": 40,
    "file": 24,
    "comment": 40,
}
_READ_ONLY = {"file", *CONTEXT_COLUMNS}
_MAX_ROWS = 200_000


def export_xlsx(
    entries: Iterable[TermEntry],
    path: Path,
    contexts: Mapping[str, Sequence[Context]] | None = None,
) -> None:
    """Write the review workbook atomically. `contexts` maps zh → guide sentences (see `term_contexts`)."""
    contexts = contexts or {}
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append(list(COLUMNS))
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    context_fill = PatternFill("solid", fgColor="F3F3F3")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    rows = sorted(entries, key=lambda e: e.zh)
    for entry in rows:
        values = entry.to_row()
        row: list[str] = [values[name] for name in HEADER]
        row += [entry.origin or "", ""]
        for context in list(contexts.get(entry.zh, ()))[:CONTEXT_LIMIT]:
            row += [context.zh, context.direction_id or "", context.en or ""]
        row += [""] * (len(COLUMNS) - len(row))
        sheet.append(row)
    last_row = len(rows) + 1
    # Named styles are registered once, which is much faster than styling every cell. Every cell
    # is text: keeps "1.10" a direction id instead of the number 1.1.
    body = NamedStyle(
        name="callpack-body", number_format="@", alignment=Alignment(vertical="top", wrap_text=True)
    )
    shaded = NamedStyle(
        name="callpack-context",
        number_format="@",
        alignment=Alignment(vertical="top", wrap_text=True),
        fill=context_fill,
    )
    workbook.add_named_style(body)
    workbook.add_named_style(shaded)
    for index, name in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _WIDTHS.get(name, 16 if name.endswith("direction") else 45)
        style = shaded.name if name in _READ_ONLY else body.name
        for (cell,) in sheet.iter_rows(min_row=2, max_row=last_row, min_col=index, max_col=index):
            cell.style = style
    _add_list_validation(sheet, "status", [s.value for s in Status], last_row)
    _add_list_validation(sheet, "pos", list(PARTS_OF_SPEECH), last_row, allow_blank=True)
    _add_list_validation(sheet, "case_sensitive", ["true", "false"], last_row)
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last_row}"
    _save_atomically(workbook, path)


def _add_list_validation(
    sheet: Any, column: str, values: list[str], last_row: int, allow_blank: bool = False
) -> None:
    letter = get_column_letter(COLUMNS.index(column) + 1)
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(values) + '"',
        allow_blank=allow_blank,
        showErrorMessage=True,
        errorTitle=f"Invalid {column}",
        error=f"{column} must be one of: {', '.join(values)}",
    )
    sheet.add_data_validation(validation)
    # Cover rows the reviewer may add below the exported ones too.
    validation.add(f"{letter}2:{letter}{max(last_row, 2) + 500}")


def _save_atomically(workbook: Workbook, path: Path) -> None:
    with atomic_path(path) as temporary:
        workbook.save(temporary)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsx(path: Path) -> ReviewFile:
    """Read a reviewed workbook: the first sheet, columns found by their header names."""
    review = ReviewFile(path)
    if not zipfile.is_zipfile(path):
        review.errors.append(GlossaryError("not an XLSX workbook", path))
        return review
    try:
        limits.check_zip_file(path, limits.XLSX_LIMITS, GlossaryError, limits.MAX_XLSX_BYTES)
    except GlossaryError as error:
        review.errors.append(error)
        return review
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        review.errors.append(GlossaryError(f"cannot open workbook: {str(error)[:200]}", path))
        return review
    try:
        sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_values = next(rows, None)
        header = [_cell_text(value) for value in header_values or ()]
        missing = [name for name in HEADER if name not in header]
        if missing:
            review.errors.append(
                GlossaryError(
                    f"header row lacks the column(s) {', '.join(missing)}", f"{path} [{sheet.title}]", 1
                )
            )
            return review
        position = {name: header.index(name) for name in header if name}
        for number, values in enumerate(rows, start=2):
            if number > _MAX_ROWS:
                review.errors.append(GlossaryError("too many rows", path, number))
                break
            cells = [_cell_text(value) for value in values]
            if not any(cells):
                continue
            fields = {name: cells[i] if i < len(cells) else "" for name, i in position.items()}
            try:
                entry = entry_from_fields(fields, path, number)
            except GlossaryError as error:
                review.reject(error, fields.get("zh"))
                continue
            review.rows.append(
                ReviewRow(entry, number, comment=fields.get("comment", ""), file=fields.get("file") or None)
            )
    finally:
        workbook.close()
    return review
