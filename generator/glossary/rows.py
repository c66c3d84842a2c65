"""What the review-file readers produce (rows of a reviewed termbase file) and the cell rules they share.

The readers (`csv_format`, `xlsx_format`, `tbx_format`) import this module; `review` imports the
readers. Nothing here imports either, so the dependencies point one way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GlossaryError
from .termbase import HEADER, TermEntry

# OWASP CSV injection: a cell starting with one of these is a formula in a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """Text that a spreadsheet shows as text, never runs: a formula-looking cell gets a leading `'`."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def restore(text: str) -> str:
    """Undo `neutralize` on import: drop the `'` that protects a formula-looking cell."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES) else text


def entry_hash(entry: TermEntry) -> str:
    """What an entry is (its ten fields), as a short hash: the base of an exported row."""
    row = entry.to_row()
    return hashlib.sha256("\x1f".join(row[name] for name in HEADER).encode("utf-8")).hexdigest()[:16]


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
    # zh → `entry_hash` of every entry as exported (XLSX review sheet); None when the file has no base.
    bases: dict[str, str] | None = None

    def reject(self, error: GlossaryError, zh: str | None) -> None:
        self.errors.append(error)
        if zh and zh.strip():
            self.bad_zh.add(zh.strip())
