"""Error types. Every error that reaches the user names the file and, where known, the line."""

from __future__ import annotations

from pathlib import Path


class CallpackError(Exception):
    """Base class for errors that the CLI reports without a traceback."""

    exit_code = 1

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path + (f":{self.line}" if self.line else "") + ": "
        elif self.line:
            where = f"line {self.line}: "
        return where + self.message


class InputFileError(CallpackError):
    """A file that cannot be read as text: missing, a directory, empty, binary, undecodable."""

    exit_code = 2


class GuideFormatError(CallpackError):
    """Text that does not have the shape of a call guide."""

    exit_code = 3


class GuideValidationError(CallpackError):
    """A parsed guide that breaks a rule (counts, ids, missing fields)."""

    exit_code = 4


class GlossaryError(CallpackError):
    """A malformed termbase or review file."""

    exit_code = 5


class TranslationError(CallpackError):
    """Translation memory, model or XLIFF problems."""

    exit_code = 6


class RenderError(CallpackError):
    """Template, font or document-writing problems."""

    exit_code = 7
