"""XLSX export for translators' review, and import of the reviewed workbook (openpyxl).

One row per entry: the ten termbase columns, the termbase file, a comment column for the reviewer, and
up to three contexts from the guide (Chinese sentence, direction id, current English of the sentence).
An `instructions` sheet says what to do; read-only columns are shaded, locked and the sheet protected
(no password: it prevents accidents, not intent); 500 spare rows are formatted as text so a typed
`5.10` stays `5.10`. A hidden `callpack-base` sheet records each entry as exported (`entry_hash`) so the
import applies a row only if the termbase has not changed since. Text that starts like a formula is
stored as a text cell (never a live formula). On import, reviewer comments (the column and cell
comments) are kept, and a formula cell without a computed value is an error, never an empty text.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import limits
from ..errors import GlossaryError
from ..fileio import atomic_path
from .rows import FORMULA_PREFIXES, ReviewFile, ReviewRow, entry_hash, restore
from .sources import Context
from .termbase import HEADER, PARTS_OF_SPEECH, Status, TermEntry, entry_from_fields

SHEET_TITLE = "termbase"
INSTRUCTIONS_TITLE = "instructions"
BASE_TITLE = "callpack-base"
SPARE_ROWS = 500
INSTRUCTIONS = (
    "How to review this termbase",
    "",
    "Edit the white columns: zh, en, status, variants, forbidden, domain, pos, case_sensitive, sources, note.",
    "Grey columns (file, contexts) are read-only: the sheet is protected without a password to avoid accidents.",
    "status: approved (use it), proposed (a suggestion), deprecated (do not use). Lists are separated by ' | '.",
    "Write anything for the terminologist in 'comment' or as a cell comment: comments are kept in the entry's note.",
    "Add new terms in the empty rows below the last entry (they are formatted as text: 5.10 stays 5.10).",
    "Do not type formulas: a cell starting with = + - @ is text here; a formula without a value is refused.",
    "Send the file back as it is (keep the hidden callpack-base sheet): callpack then applies your rows only",
    "where the termbase has not changed since this export, and lists every other row as a conflict.",
)
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
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
                cell.data_type = "s"  # text, never a live formula (OWASP: formula injection)
                cell.quotePrefix = True
    last_row = len(rows) + 1
    spare_last = last_row + SPARE_ROWS
    # Named styles are registered once, which is much faster than styling every cell. Every cell
    # is text: keeps "1.10" a direction id instead of the number 1.1.
    body = NamedStyle(
        name="callpack-body",
        number_format="@",
        alignment=Alignment(vertical="top", wrap_text=True),
        protection=Protection(locked=False),
    )
    shaded = NamedStyle(
        name="callpack-context",
        number_format="@",
        alignment=Alignment(vertical="top", wrap_text=True),
        fill=context_fill,
        protection=Protection(locked=True),
    )
    workbook.add_named_style(body)
    workbook.add_named_style(shaded)
    for index, name in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _WIDTHS.get(name, 16 if name.endswith("direction") else 45)
        style = shaded.name if name in _READ_ONLY else body.name
        # Spare rows too: what a reviewer types below the entries is text, not a number or a date.
        for (cell,) in sheet.iter_rows(min_row=2, max_row=spare_last, min_col=index, max_col=index):
            cell.style = style
        if name in _READ_ONLY:
            sheet.cell(row=1, column=index).fill = context_fill
            sheet.cell(row=1, column=index).comment = Comment("Read-only: written by callpack.", "callpack")
    _add_list_validation(sheet, "status", [s.value for s in Status], last_row)
    _add_list_validation(sheet, "pos", list(PARTS_OF_SPEECH), last_row, allow_blank=True)
    _add_list_validation(sheet, "case_sensitive", ["true", "false"], last_row)
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last_row}"
    protection = sheet.protection
    protection.sheet = True
    # False allows: reviewers may still sort, filter, resize and format.
    protection.sort = protection.autoFilter = False
    protection.formatColumns = protection.formatRows = protection.formatCells = False
    instructions = workbook.create_sheet(INSTRUCTIONS_TITLE)
    for line in INSTRUCTIONS:
        instructions.append([line])
    instructions["A1"].font = bold
    instructions.column_dimensions["A"].width = 110
    base = workbook.create_sheet(BASE_TITLE)
    base.append(["zh", "base"])
    for entry in rows:
        base.append([entry.zh, entry_hash(entry)])
        zh_cell = base.cell(row=base.max_row, column=1)
        if entry.zh.startswith(FORMULA_PREFIXES):
            zh_cell.data_type = "s"
    base.sheet_state = "hidden"
    base.protection.sheet = True
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
    return restore(str(value).strip())


def _is_formula(cell: Any) -> bool:
    return getattr(cell, "data_type", None) == "f" or (
        isinstance(cell.value, str) and cell.value.startswith("=") and cell.data_type != "s"
    )


def read_xlsx(path: Path) -> ReviewFile:
    """Read a reviewed workbook: the termbase sheet (or the first), columns found by their header names."""
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
        # Formulas and comments; the values the spreadsheet computed are read only if a formula needs them.
        formulas = load_workbook(path, data_only=False)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        review.errors.append(GlossaryError(f"cannot open workbook: {str(error)[:200]}", path))
        return review
    title = SHEET_TITLE if SHEET_TITLE in formulas.sheetnames else formulas.sheetnames[0]
    sheet = formulas[title]
    computed: Any = None
    where = f"{path} [{sheet.title}]"
    if sheet.max_row > _MAX_ROWS:
        review.errors.append(GlossaryError("too many rows", path, _MAX_ROWS))
        return review
    header = [_cell_text(cell.value) for cell in sheet[1]] if sheet.max_row >= 1 else []
    missing = [name for name in HEADER if name not in header]
    if missing:
        review.errors.append(GlossaryError(f"header row lacks the column(s) {', '.join(missing)}", where, 1))
        return review
    position = {name: header.index(name) for name in header if name}
    for number, cells in enumerate(sheet.iter_rows(min_row=2), start=2):
        texts: list[str] = []
        problem: str | None = None
        notes: list[str] = []
        for column, cell in enumerate(cells):
            if cell.comment is not None and cell.comment.text.strip():
                notes.append(" ".join(cell.comment.text.split()))
            if _is_formula(cell):
                if computed is None:
                    try:
                        computed = load_workbook(path, data_only=True)[title]
                    except Exception as error:  # as above: a damaged workbook
                        review.errors.append(GlossaryError(f"cannot open workbook: {str(error)[:200]}", path))
                        return review
                value_cell = computed.cell(row=number, column=column + 1)
                if value_cell.value is None:
                    name = header[column] if column < len(header) else get_column_letter(column + 1)
                    problem = (
                        f"column {name!r} holds a formula without a computed value ({cell.value}); "
                        "type the text instead"
                    )
                texts.append(_cell_text(value_cell.value))
            else:
                texts.append(_cell_text(cell.value))
        if not any(texts) and problem is None:
            continue
        fields = {name: texts[i] if i < len(texts) else "" for name, i in position.items()}
        if problem is not None:
            review.reject(GlossaryError(problem, where, number), fields.get("zh"))
            continue
        try:
            entry = entry_from_fields(fields, path, number)
        except GlossaryError as error:
            review.reject(error, fields.get("zh"))
            continue
        comment = " ".join(part for part in [fields.get("comment", ""), *notes] if part)
        review.rows.append(ReviewRow(entry, number, comment=comment, file=fields.get("file") or None))
    if BASE_TITLE in formulas.sheetnames:
        base_rows = formulas[BASE_TITLE].iter_rows(min_row=2, values_only=True)
        review.bases = {
            str(zh): str(base) for zh, base, *_ in base_rows if zh is not None and base is not None
        }
    return review
