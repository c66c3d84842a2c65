"""`callpack build`: call packs, briefings, agreement skeletons and the whole call."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .common import (
    console,
    current_workspace,
    err_console,
    load_workspace_guide,
    reported_errors,
    safe,
    workspace_termbase,
    workspace_translations,
)

if TYPE_CHECKING:
    from ..model import Guide
    from ..render.context import CallContext


def _split(values: list[str] | None, default: tuple[str, ...]) -> list[str]:
    if not values:
        return list(default)
    items: list[str] = []
    for value in values:
        items.extend(part.strip() for part in value.split(",") if part.strip())
    return items


def register(app: typer.Typer) -> None:
    """Add `callpack build` to the app."""

    @app.command("build")
    def build_command(
        direction: Annotated[
            list[str] | None, typer.Option("--direction", "-d", help="Direction id such as 1.1 (repeatable).")
        ] = None,
        kind: Annotated[
            list[str] | None,
            typer.Option("--kind", "-k", help="call, briefing, agreement, whole or all (repeatable)."),
        ] = None,
        fmt: Annotated[
            str, typer.Option("--format", "-f", help="Comma-separated: pdf,docx,html.")
        ] = "pdf,docx,html",
        lang: Annotated[
            list[str] | None,
            typer.Option(
                "--lang", "-l", help="en, bilingual or zh (repeatable or comma-separated); default all."
            ),
        ] = None,
        out: Annotated[
            Path | None, typer.Option("--out", "-o", help="Output folder (default: the workspace's output/).")
        ] = None,
        jobs: Annotated[
            int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes (default: one per CPU).")
        ] = None,
        guide: Annotated[
            Path | None, typer.Option("--guide", help="Guide text file (default: the workspace's guide).")
        ] = None,
        force: Annotated[bool, typer.Option("--force", help="Rebuild even when nothing changed.")] = False,
    ) -> None:
        """Build the documents (PDF, DOCX, HTML), an index.html and an index.json manifest."""
        with reported_errors():
            from ..render.build import FORMATS, KINDS, build

            kinds = _split(kind, ("all",))
            if "all" in kinds:
                kinds = list(KINDS)
            langs = _split(lang, ("en", "bilingual", "zh"))
            for value in langs:
                if value not in ("en", "bilingual", "zh"):
                    raise typer.BadParameter(
                        f"unknown language {value!r}; use en, bilingual or zh", param_hint="--lang"
                    )
            formats = _split([fmt], FORMATS)
            for value in formats:
                if value not in FORMATS:
                    raise typer.BadParameter(
                        f"unknown format {value!r}; use pdf, docx, html", param_hint="--format"
                    )
            workspace = current_workspace()
            loaded = load_workspace_guide(guide)
            call = workspace_call_context(loaded)
            started = time.perf_counter()
            with Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[current]}"),
                console=console,
                transient=False,
            ) as progress:
                task = progress.add_task("building", total=None, current="")

                def on_start(count: int) -> None:
                    progress.update(task, total=count)

                def on_done(job: object, built: bool) -> None:
                    if built:
                        progress.update(task, advance=1, current=safe(getattr(job, "stem", "")))

                report = build(
                    loaded,
                    out if out is not None else workspace.output_dir,
                    kinds=kinds,
                    langs=langs,
                    formats=formats,
                    direction_ids=_split(direction, ()) or None,
                    jobs=jobs if jobs is not None else (os.cpu_count() or 1),
                    force=force,
                    progress=on_done,
                    on_start=on_start,
                    settings=workspace.settings,
                    call=call,
                )
            elapsed = time.perf_counter() - started
            for warning in report.warnings:
                err_console.print(f"[yellow]warning:[/] {safe(warning, 500)}", highlight=False, soft_wrap=True)
            console.print(
                f"{report.jobs_built} documents built ({len(report.built)} files), "
                f"{report.jobs_skipped} up to date, in {elapsed:.1f} s → {safe(report.out / 'index.html')}",
                highlight=False,
            )


def workspace_call_context(guide: Guide) -> CallContext:
    """The render context from the workspace: its memory, termbase layers and `[call]` information."""
    from ..render.build import issued_date
    from ..render.context import build_call_context
    from ..translate.termbase import TermIndex

    termbase = workspace_termbase()  # read once: the translations' index and the documents' labels
    return build_call_context(
        guide,
        translations=workspace_translations(guide, TermIndex(termbase)),
        issued=issued_date(current_workspace().settings.call),
        terms=termbase,
        info=current_workspace().settings.call,
    )


def documents_qa(out: Path | None, guide: Path | None) -> None:
    """`callpack qa --documents`: the built HTML of every document against the model; exit 1 on a finding."""
    with reported_errors():
        from ..render.docqa import check_documents

        workspace = current_workspace()
        loaded = load_workspace_guide(guide)
        call = workspace_call_context(loaded)
        folder = out if out is not None else workspace.output_dir
        report = check_documents(folder, call)
        for finding in report.findings[:200]:
            console.print(
                f"[red]✗[/] {safe(finding.document)} {safe('[' + finding.check + ']')} {safe(finding.message, 1000)}",
                highlight=False,
            )
        if len(report.findings) > 200:
            console.print(f"… and {len(report.findings) - 200} more findings", highlight=False)
        console.print(
            f"Document QA: {report.documents} documents, {report.checks} checks, "
            f"{len(report.findings)} findings ({safe(folder)})",
            highlight=False,
        )
    if report.findings:
        raise typer.Exit(1)
