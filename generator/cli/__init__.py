"""The `callpack` command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import build_cmd, glossary_cmd, parse_cmd, translate_cmd, workspace_cmd
from .common import select_workspace

app = typer.Typer(
    name="callpack",
    help="Turn a Chinese call for proposals (申报指南) into a validated model, English drafts and documents.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)



@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", help="Show the version and exit.", is_eager=True),
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help="Workspace folder (holds callpack.toml). Default: the nearest callpack.toml upward from here.",
            file_okay=False,
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Settings file to use (its folder is the workspace).", dir_okay=False),
    ] = None,
) -> None:
    """callpack: calls for proposals from MOST guides, in English and bilingual."""
    select_workspace(workspace, config)
    if version:
        from .. import __version__

        typer.echo(f"callpack {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit()


for module in (workspace_cmd, parse_cmd, glossary_cmd, translate_cmd, build_cmd):
    module.register(app)


def main() -> None:
    app()
