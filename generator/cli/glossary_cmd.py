"""`callpack glossary …`: extract candidates, export for review, import decisions, check."""

from __future__ import annotations

import json
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import CallpackError, GlossaryError
from ..fileio import write_atomic
from ..glossary.review import ImportReport
from ..model import Guide
from ..segments import Translation
from .common import (
    MESSAGE_LIMIT,
    console,
    current_workspace,
    err_console,
    exchange_languages,
    reported_errors,
    safe,
    workspace_termbase,
    workspace_translations,
)

TermsOption = Annotated[
    Path | None, typer.Option("--terms", help="Termbase folder (default: the workspace's layers).")
]
GuideOption = Annotated[
    Path | None,
    typer.Option("--guide", help="Guide text to take contexts from (default: the workspace's guide)."),
]


class ExportFormat(StrEnum):
    XLSX = "xlsx"
    TBX = "tbx"
    TBX2008 = "tbx2008"
    CSV = "csv"


glossary_app = typer.Typer(
    name="glossary",
    help="The zh→en termbase: extract candidates, export for review (XLSX/TBX/CSV), import decisions, QA.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the `glossary` sub-command group to `app`."""
    app.add_typer(glossary_app, name="glossary")


def _guide(path: Path | None) -> Guide:
    from .common import load_workspace_guide

    return load_workspace_guide(path)


def _translations(guide: Guide | None) -> dict[str, Translation]:
    """The current translations, or none (with a warning) when the translation stage fails."""
    if guide is None:
        return {}
    try:
        return workspace_translations(guide)
    except CallpackError as error:
        err_console.print(f"[yellow]note:[/] no translations used ({safe(error, MESSAGE_LIMIT)})", highlight=False, soft_wrap=True)
        return {}


@glossary_app.command("extract")
def extract_command(
    terms: TermsOption = None,
    guide_path: GuideOption = None,
    min_count: Annotated[int, typer.Option(help="Minimum occurrences of a text candidate.")] = 2,
    limit: Annotated[int, typer.Option(help="Rows to show in the table (0: all).")] = 60,
    csv_path: Annotated[
        Path | None, typer.Option("--csv", help="Write the candidates as a termbase CSV (status proposed).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing --csv file.")] = False,
) -> None:
    """List candidate terms not yet in the termbase, from the keywords and the guide text."""
    with reported_errors():
        from ..glossary.csv_format import export_csv
        from ..glossary.extract import extract_candidates

        termbase = workspace_termbase(terms)
        guide = _guide(guide_path)
        if guide is None:
            raise GlossaryError("extraction needs the parsed guide (generator.parse is not available yet)")
        candidates = extract_candidates(guide, termbase, min_count=min_count)
        if csv_path is not None:
            if csv_path.exists() and not force:
                raise GlossaryError("file exists; use --force to overwrite it", csv_path)
            export_csv([c.to_entry() for c in candidates], csv_path)
            console.print(f"{len(candidates)} candidates written to {safe(csv_path)}", soft_wrap=True)
            return
        table = Table(
            title=f"{len(candidates)} candidate terms not in the termbase ({len(termbase)} entries)"
        )
        for column in ("zh", "from", "count", "C-value", "directions", "context"):
            table.add_column(column, overflow="fold")
        shown = candidates if limit <= 0 else candidates[:limit]
        for candidate in shown:
            context = candidate.contexts[0] if candidate.contexts else None
            table.add_row(
                safe(candidate.zh),
                "keyword" if candidate.keyword else "text",
                str(candidate.count),
                f"{candidate.cvalue:.1f}",
                safe(" ".join(candidate.directions[:6])) + (" …" if len(candidate.directions) > 6 else ""),
                safe(f"[{context.direction_id or '-'}] {_shorten(context.zh)}") if context else "",
            )
        console.print(table)


def _shorten(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


@glossary_app.command("export")
def export_command(
    format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="xlsx, tbx (TBX v3), tbx2008 (martif, for OmegaT/translate-toolkit) or csv.",
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    terms: Annotated[
        Path | None, typer.Option("--terms", help="Termbase folder (default: the workspace's layers).")
    ] = None,
    guide_path: GuideOption = None,
    contexts: Annotated[bool, typer.Option(help="Add guide contexts (XLSX and TBX).")] = True,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Export the termbase for review: XLSX for translators, TBX-Basic for CAT tools, or CSV."""
    with reported_errors():
        from ..glossary import csv_format, sources, tbx_format, xlsx_format

        if output.exists() and not force:
            raise GlossaryError(
                "file exists (it may hold reviewed work); use --force to overwrite it", output
            )
        started = time.perf_counter()
        termbase = workspace_termbase(terms)
        found: dict[str, list[sources.Context]] = {}
        if contexts and format is not ExportFormat.CSV:
            guide = _guide(guide_path)
            segments = sources.guide_segments(guide)
            english = sources.sentence_translations(segments, _translations(guide))
            found = sources.term_contexts(termbase, segments, english)
        if format is ExportFormat.XLSX:
            xlsx_format.export_xlsx(termbase, output, found)
        elif format is ExportFormat.TBX:
            tbx_format.export_tbx(termbase, output, found, *exchange_languages())
        elif format is ExportFormat.TBX2008:
            tbx_format.export_tbx2008(termbase, output, found, *exchange_languages())
        else:
            csv_format.export_csv(termbase, output)
        elapsed = time.perf_counter() - started
        console.print(
            f"{len(termbase)} entries ({len(termbase.approved())} approved) exported to {safe(output)} in {elapsed:.2f} s",
            soft_wrap=True,
        )


@glossary_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="Reviewed .xlsx, .tbx or .csv file.")],
    terms: Annotated[
        Path | None,
        typer.Option(
            "--terms", help="Termbase folder (default: the workspace's; imports write its own layer)."
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; change nothing.")] = False,
    delete: Annotated[
        bool, typer.Option("--delete", help="Also delete the entries that are missing from the file.")
    ] = False,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the report as JSON.")] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Apply rows whose entry changed in the termbase since the export too."),
    ] = False,
) -> None:
    """Import a reviewed file: report added / changed / deleted-in-file / conflicts, then apply.

    Rows of an exported review sheet apply only where the termbase has not changed since the export;
    the others are conflicts (listed with both values; --force applies them).
    """
    with reported_errors():
        from ..glossary.review import apply_import, plan_import, read_review_file

        termbase = workspace_termbase(terms)
        report = plan_import(termbase, read_review_file(file), force=force)
        _print_import_report(report)
        if report.errors:
            if json_path is not None:
                write_atomic(json_path, json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n")
            err_console.print(
                f"[bold red]error:[/] {len(report.errors)} bad row(s) in {safe(file)}; nothing was changed.",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(GlossaryError.exit_code)
        if not dry_run:
            assert termbase.folder is not None
            written = apply_import(termbase, report, termbase.folder, delete=delete)
            console.print(f"written: {safe(', '.join(p.name for p in written)) or 'nothing to change'}", soft_wrap=True)
        else:
            console.print("dry run: nothing was changed.")
        if report.deleted_in_file and not delete:
            console.print(
                f"{len(report.deleted_in_file)} entries missing from the file were kept (use --delete)."
            )
        if report.conflicts:
            console.print(
                f"[yellow]{len(report.conflicts)} conflict(s) not applied[/]: edit the termbase, or import "
                "again with --force to take the file's rows."
            )
        if json_path is not None:
            write_atomic(json_path, json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n")


def _print_import_report(report: ImportReport) -> None:
    console.print(
        f"{safe(report.path)}: {len(report.added)} added, {len(report.changed)} changed, "
        f"{len(report.deleted_in_file)} deleted in file, {len(report.conflicts)} conflicts, "
        f"{report.unchanged} unchanged, {len(report.errors)} errors",
        soft_wrap=True,
        highlight=False,
    )
    for title, changes in (
        ("added", report.added),
        ("changed", report.changed),
        ("conflicts", report.conflicts),
        ("deleted in file (kept unless --delete)", report.deleted_in_file),
    ):
        if not changes:
            continue
        table = Table(title=title, title_justify="left")
        for column in ("row", "zh", "fields", "before → after"):
            table.add_column(column, overflow="fold")
        for change in changes:
            before, after = change.before, change.after
            detail = "; ".join(
                f"{name}: {(before.to_row()[name] if before else '')!r} → {(after.to_row()[name] if after else '')!r}"
                for name in change.fields
            )
            if change.reason:
                detail = f"{change.reason}. {detail}"
            if after is not None and before is None:
                detail = f"{after.en!r} ({after.status.value}) → {after.origin}"
            table.add_row(str(change.line or ""), safe(change.zh), safe(", ".join(change.fields)), safe(detail, 1000))
        console.print(table)
    for error in report.errors:
        err_console.print(f"[red]row error:[/] {safe(error, 1000)}", highlight=False, soft_wrap=True)


@glossary_app.command("check")
def check_command(
    terms: TermsOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder for glossary-check.json and .md (default: the workspace's output/glossary)."
        ),
    ] = None,
    guide_path: GuideOption = None,
    translations: Annotated[
        bool, typer.Option(help="Also check term use in the current translations, when there are any.")
    ] = True,
) -> None:
    """QA of the termbase (and of term use in the translations); exits non-zero on errors."""
    with reported_errors():
        from ..glossary import sources
        from ..glossary.check import run_check, write_reports

        guide = _guide(guide_path)
        triples: list[tuple[str, str, str]] = []
        if translations and guide is not None:
            triples = sources.translation_triples(sources.guide_segments(guide), _translations(guide))
        workspace = current_workspace()
        report = run_check(terms or workspace.terms_layers, triples, sources.known_direction_ids(guide))
        json_path, md_path = write_reports(report, out or workspace.output_dir / "glossary")
        for finding in report.errors[:40]:
            err_console.print(
                f"[red]{safe(finding.code)}[/] {safe(finding.where())}: {safe(finding.message, 1000)}",
                highlight=False,
                soft_wrap=True,
            )
        if len(report.errors) > 40:
            err_console.print(f"… and {len(report.errors) - 40} more errors")
        console.print(
            f"{report.entries} entries ({report.approved} approved), {report.segments_checked} translated "
            f"segments checked: {len(report.errors)} errors, {len(report.warnings)} warnings. "
            f"Reports: {safe(json_path)}, {safe(md_path)}",
            soft_wrap=True,
        )
        if report.errors:
            raise typer.Exit(1)
