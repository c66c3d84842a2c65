"""Validation problems cite the line of the offending heading."""

from __future__ import annotations

from generator.parse import parse_text
from generator.validate import Severity, validate_guide

from .test_parse import SMALL_GUIDE


def test_duplicate_id_errors_cite_the_duplicate_line() -> None:
    text = SMALL_GUIDE.replace("1.2 二氧化碳", "1.1 二氧化碳")
    duplicate_line = next(n for n, line in enumerate(text.splitlines(), start=1) if line.startswith("1.1 二氧化碳"))
    first_line = next(n for n, line in enumerate(text.splitlines(), start=1) if line.startswith("1.1 "))
    assert first_line < duplicate_line
    errors = [p for p in validate_guide(parse_text(text)) if p.severity is Severity.ERROR]
    sequence = [p for p in errors if "out of sequence" in p.message]
    duplicated = [p for p in errors if "is duplicated" in p.message]
    assert [p.line for p in sequence] == [duplicate_line]
    assert [p.line for p in duplicated] == [duplicate_line] and f"first at line {first_line}" in duplicated[0].message
