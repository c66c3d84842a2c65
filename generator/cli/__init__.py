"""The `callpack` command line."""

from __future__ import annotations

import typer

from . import build_cmd, glossary_cmd, parse_cmd, translate_cmd

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
) -> None:
    """callpack: calls for proposals from MOST guides, in English and bilingual."""
    if version:
        from .. import __version__

        typer.echo(f"callpack {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit()


for module in (parse_cmd, glossary_cmd, translate_cmd, build_cmd):
    module.register(app)


def main() -> None:
    app()
