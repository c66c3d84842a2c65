"""`callpack init`: start a workspace for a new guide."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from .common import console, reported_errors, safe


def register(app: typer.Typer) -> None:
    """Add `callpack init` to the app."""
    app.command("init")(init_command)


def init_command(
    folder: Annotated[Path, typer.Argument(help="Folder for the new workspace (created if missing).")],
    guide: Annotated[
        Path,
        typer.Option(
            "--guide", "-g", help="The guide's text file (copied into the workspace).", dir_okay=False
        ),
    ],
) -> None:
    """Create a workspace: callpack.toml, a copy of the guide, terms/, memory/ and output/."""
    from ..parse import parse_guide
    from ..workspace import create_workspace

    with reported_errors():
        # Parse first: a file that is not a guide creates nothing.
        model = parse_guide(guide)
        settings_path = create_workspace(folder, guide)
        console.print(
            f"Created the workspace {safe(folder)}: {len(model.directions)} items parsed from "
            f"{safe(guide.name)}.\nNext: fill in [bold]{safe(settings_path)}[/] "
            f"({escape('[call], [[parties]]')}), "
            f"then in that folder: callpack parse --check, callpack translate, callpack build.",
            highlight=False,
            soft_wrap=True,
        )
