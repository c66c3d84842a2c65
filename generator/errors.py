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


class SettingsError(CallpackError):
    """A `callpack.toml` that cannot be read or breaks a rule; or no workspace where one is needed."""

    exit_code = 8
    # Every (line, message) when one file has several problems.
    problems: tuple[tuple[int | None, str], ...] = ()

    @classmethod
    def many(cls, path: str | Path, problems: list[tuple[int | None, str]]) -> SettingsError:
        """One error listing every problem as `file:line: message`, the first one's line on the error."""
        ordered = sorted(problems, key=lambda item: (item[0] or 0, item[1]))
        first_line, first_message = ordered[0]
        rest = "".join(f"\n{path}:{line or '?'}: {message}" for line, message in ordered[1:])
        error = cls(first_message + rest, path, first_line)
        error.problems = tuple(ordered)
        return error


class ConflictError(CallpackError):
    """An import left units unapplied because the memory changed since the file was exported."""

    exit_code = 9
