"""What every command shares: the console, error reporting, loading the guide."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import CallpackError

if TYPE_CHECKING:
    from ..model import Guide
    from ..workspace import Workspace

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


class _Selection:
    """The workspace chosen by the global options, resolved once per process."""

    workspace: Path | None = None
    config: Path | None = None
    resolved: Workspace | None = None


def select_workspace(workspace: Path | None, config: Path | None) -> None:
    """Record `--workspace`/`--config` (the root command's options); resolved on first use."""
    _Selection.workspace, _Selection.config, _Selection.resolved = workspace, config, None


def current_workspace() -> Workspace:
    """The workspace of this command: `--config`, `--workspace`, or `callpack.toml` upward from here."""
    if _Selection.resolved is None:
        from ..workspace import locate_workspace

        workspace, fallback = locate_workspace(Path.cwd(), _Selection.workspace, _Selection.config)
        if fallback:
            err_console.print(
                "[yellow]note:[/] no callpack.toml here or above; using the bundled guide's workspace "
                f"({escape(str(workspace.root))}). Start your own with `callpack init`.",
                highlight=False,
                soft_wrap=True,
            )
        _Selection.resolved = workspace
    return _Selection.resolved


def guide_path_or_bundled(path: Path | None) -> Path:
    """`path`, or the current workspace's guide."""
    return path if path is not None else current_workspace().guide


def load_workspace_guide(path: Path | None) -> Guide:
    """The guide at `path`, or the workspace's (the bundled one parsed once per process)."""
    from ..parse import load_bundled_guide, parse_guide
    from ..paths import BUNDLED_GUIDE

    chosen = guide_path_or_bundled(path)
    if chosen.resolve() == BUNDLED_GUIDE.resolve():
        return load_bundled_guide()
    return parse_guide(chosen)
