"""What every command shares: the console, error reporting, loading the guide."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console

from ..errors import CallpackError

console = Console()
err_console = Console(stderr=True)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn a CallpackError into a one-line message and its exit code, never a traceback."""
    try:
        yield
    except CallpackError as error:
        err_console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(error.exit_code) from None


def guide_path_or_bundled(path: Path | None) -> Path:
    from ..paths import BUNDLED_GUIDE

    return path if path is not None else BUNDLED_GUIDE
