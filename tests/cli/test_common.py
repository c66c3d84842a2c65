"""Untrusted text on the console: `safe` and `reported_errors`."""

from __future__ import annotations

import pytest
import typer
from rich.console import Console

from generator.cli.common import clean, reported_errors, safe
from generator.errors import InputFileError

HOSTILE = "a[/]b[bold]c\x1b[31mred\x1b]8;;http://x\x07link\x1b]8;;\x07\x00\u202e\r\nz"


def render(markup: str) -> str:
    console = Console(width=400, force_terminal=False, color_system=None)
    with console.capture() as capture:
        console.print(markup, highlight=False, soft_wrap=True)
    return capture.get()


def test_safe_prints_the_text_itself_without_markup_or_escapes() -> None:
    printed = render(f"[bold]x[/] {safe(HOSTILE)}")
    assert printed.rstrip("\n") == "x a[/]b[bold]credlink  z"
    assert "\x1b" not in printed and "\u202e" not in printed


def test_clean_bounds_the_length_and_keeps_lines_only_when_asked() -> None:
    assert clean("x" * 1000, 10) == "x" * 10 + "… (990 more characters)"
    assert clean("a\nb") == "a b"
    assert clean("a\nb", multiline=True) == "a\nb"
    assert safe("trailing\\") == "trailing\\\\"  # a lone backslash cannot escape the next tag


def test_reported_errors_prints_a_hostile_message_verbatim(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as exit_info, reported_errors():
        raise InputFileError("cannot read [/]\x1b[31m" + "y" * 10_000, "f[bold].txt", 3)
    assert exit_info.value.exit_code == 2
    err = capsys.readouterr().err
    assert "f[bold].txt:3: cannot read [/]" in err and "\x1b[31m" not in err
    assert len(err) < 5000
