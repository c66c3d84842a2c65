"""`callpack translate`, `export`, `qa`, `models …`, `xliff …` and `memory …`: the translation stage."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from .common import console, err_console, reported_errors

if TYPE_CHECKING:
    from ..model import Guide
    from ..translate.pipeline import PipelineResult
    from ..translate.qa import QAReport
    from ..translate.termbase import TermIndex


class EngineName(StrEnum):
    AUTO = "auto"
    MEMORY = "memory"
    ARGOS = "argos"


DirectionOption = Annotated[
    list[str] | None,
    typer.Option("--direction", "-d", help="Direction id (repeatable); default: the whole guide."),
]
GuideOption = Annotated[Path | None, typer.Option("--guide", help="Guide text (default: the workspace's guide).")]

models_app = typer.Typer(
    name="models", help="Argos Translate MT models (zh→en) for `callpack translate`.", no_args_is_help=True
)
xliff_app = typer.Typer(name="xliff", help="XLIFF 2.0 post-editing round trip.", no_args_is_help=True)
memory_app = typer.Typer(
    name="memory",
    help="The translation memory: TMX files and translators' JSON work files.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add this module's commands to `app`."""
    app.command("translate")(translate_command)
    app.command("export")(export_command)
    app.command("qa")(qa_command)
    app.add_typer(models_app, name="models")
    app.add_typer(xliff_app, name="xliff")
    app.add_typer(memory_app, name="memory")


def _guide(path: Path | None) -> Guide:
    from .common import load_workspace_guide

    return load_workspace_guide(path)


def _qa_table(report: QAReport) -> Table:
    from ..translate.qa import ScopeTotals

    table = Table(title="QA summary")
    for column in ("Scope", "Segments", "Translated", "Untranslated", "Errors", "Warnings"):
        table.add_column(column, justify="left" if column == "Scope" else "right", no_wrap=True)
    table.add_column("Provenance", overflow="fold")
    # One row per area (directions 1.1, 1.2, … roll up into area 1) keeps the table short.
    areas: dict[str, ScopeTotals] = {}
    for scope in report.scopes:
        name = "preamble" if scope.scope == "guide" else "area " + scope.scope.split(".")[0]
        row = areas.setdefault(name, ScopeTotals(name))
        row.segments += scope.segments
        row.translated += scope.translated
        row.untranslated += scope.untranslated
        row.errors += scope.errors
        row.warnings += scope.warnings
        for key, value in scope.by_provenance.items():
            row.by_provenance[key] = row.by_provenance.get(key, 0) + value
    for scope in [*areas.values(), report.totals]:
        provenance = ", ".join(f"{k} {v}" for k, v in sorted(scope.by_provenance.items()))
        table.add_row(
            scope.scope,
            str(scope.segments),
            str(scope.translated),
            str(scope.untranslated),
            f"[red]{scope.errors}[/]" if scope.errors else "0",
            str(scope.warnings),
            provenance,
            style="bold" if scope is report.totals else None,
        )
    return table


def _write_qa(result: PipelineResult, terms: TermIndex, engine: str | None) -> QAReport:
    from ..translate.qa import run_qa, write_report
    from .common import current_workspace

    report = run_qa(result.segments, result.translations, terms, engine)
    json_path, html_path = write_report(report, current_workspace().output_dir / "qa")
    console.print(_qa_table(report))
    checks = ", ".join(f"{name} {count}" for name, count in sorted(report.checks().items())) or "none"
    console.print(f"QA findings by check: {checks}")
    console.print(f"QA report: {json_path} and {html_path}")
    return report


def translate_command(
    direction: DirectionOption = None,
    engine: Annotated[
        EngineName,
        typer.Option("--engine", help="auto: MT if a model is installed; memory: no MT; argos: require MT."),
    ] = EngineName.AUTO,
    model: Annotated[
        Path | None, typer.Option("--model", help="An installed argos package folder to use.")
    ] = None,
    guide_path: GuideOption = None,
) -> None:
    """Translate the guide: reviewed memory → pattern rules and termbase → MT → untranslated; then QA."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..translate.pipeline import select_engine, translate_guide
    from ..translate.termbase import load_term_index

    with reported_errors():
        guide = _guide(guide_path)
        terms = load_term_index()
        mt_engine, message = select_engine(engine.value, model)
        if message:
            err_console.print(f"[yellow]note:[/] {message}", soft_wrap=True)
        elif mt_engine is not None:
            console.print(f"MT engine: {mt_engine.engine_id}")
        from ..translate.pipeline import select_segments

        total = len(select_segments(guide, direction))
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as progress:
            task = progress.add_task("Translating", total=total)
            result = translate_guide(
                guide,
                engine=mt_engine,
                directions=direction,
                terms=terms,
                progress=lambda done: progress.update(task, completed=done),
            )
        if mt_engine is not None:
            console.print(f"MT: {result.mt_segments} segments ({result.mt_cached} from the MT cache)")
        _write_qa(result, terms, result.engine_id)


def export_command(
    json_path: Annotated[Path, typer.Option("--json", help="Write the bilingual guide as JSON here.")],
    direction: DirectionOption = None,
    guide_path: GuideOption = None,
) -> None:
    """Write the bilingual guide (current translations, no MT) as JSON."""
    from ..translate.export import bilingual_guide, write_bilingual_json
    from ..translate.pipeline import translate_guide

    with reported_errors():
        guide = _guide(guide_path)
        result = translate_guide(guide, engine=None, record=False, directions=direction)
        data = bilingual_guide(guide, result.segments, result.translations)
        write_bilingual_json(json_path, data)
        totals = data["totals"]
        console.print(
            f"Wrote {json_path}: {totals['segments']} segments, {totals['translated']} translated, "
            f"{totals['untranslated']} untranslated ({', '.join(f'{k} {v}' for k, v in sorted(totals['by_provenance'].items()))})"
        )


def qa_command(
    direction: DirectionOption = None,
    guide_path: GuideOption = None,
    documents: Annotated[
        bool, typer.Option("--documents", help="Check the built documents against the guide instead.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="With --documents: the build folder (default: output/).")
    ] = None,
) -> None:
    """QA of the current translations (no MT), with the JSON and HTML report under output/qa/.

    With --documents: every built document checked against the guide (exit 1 on a finding).
    """
    from ..translate.pipeline import translate_guide
    from ..translate.termbase import load_term_index

    if documents:
        from .build_cmd import documents_qa

        documents_qa(out, guide_path)
        return
    with reported_errors():
        guide = _guide(guide_path)
        terms = load_term_index()
        result = translate_guide(guide, engine=None, record=False, directions=direction, terms=terms)
        report = _write_qa(result, terms, None)
        if report.errors:
            raise typer.Exit(1)


@models_app.command("list")
def models_list() -> None:
    """List installed argos packages and whether callpack can use them."""
    from ..translate.models import find_package, installed_packages, package_dirs

    with reported_errors():
        dirs = package_dirs()
        packages = installed_packages(dirs)
        console.print("Package folder(s): " + ", ".join(str(d) for d in dirs))
        if not packages:
            console.print(
                "No argos packages installed. No zh→en model is published; install one with "
                "`callpack models install FILE.argosmodel`."
            )
            return
        chosen = find_package(dirs=dirs)
        for package in packages:
            problems = package.problems()
            if problems:
                status = "[red]not usable:[/] " + "; ".join(problems)
            elif chosen is not None and chosen.path == package.path:
                status = "[green]usable, used for zh→en[/]"
            else:
                status = "usable"
            console.print(
                f"{package.name}  {package.from_code}→{package.to_code}  version {package.package_version or '?'}  "
                f"{status}\n    {package.path}",
                soft_wrap=True,
                highlight=False,
            )


@models_app.command("install")
def models_install(file: Annotated[Path, typer.Argument(help="An .argosmodel file.")]) -> None:
    """Install an .argosmodel file into argospm's package folder (checked before anything changes)."""
    from ..translate.models import install_package

    with reported_errors():
        package = install_package(file)
        console.print(
            f"Installed {package.name} ({package.from_code}→{package.to_code} {package.package_version}) in {package.path}"
        )


@xliff_app.command("export")
def xliff_export(
    out: Annotated[Path, typer.Argument(help="XLIFF 2.0 file to write.")],
    direction: DirectionOption = None,
    guide_path: GuideOption = None,
) -> None:
    """Export the current translations for post-editing (states initial/translated/reviewed/final)."""
    from ..translate.pipeline import translate_guide
    from ..translate.xliff import export_xliff

    with reported_errors():
        guide = _guide(guide_path)
        result = translate_guide(guide, engine=None, record=False, directions=direction)
        export_xliff(
            out,
            result.segments,
            result.translations,
            result.suggestions,
            original=Path(guide.source_path).name,
        )
        console.print(f"Wrote {out}: {len(result.segments)} units")


@xliff_app.command("import")
def xliff_import(
    file: Annotated[Path, typer.Argument(help="A post-edited XLIFF 2.0 file.")],
    guide_path: GuideOption = None,
) -> None:
    """Apply a translator's XLIFF as reviewed memory entries; nothing changes if any unit is invalid."""
    from ..segments import segment_guide
    from ..translate.pipeline import translate_guide
    from ..translate.store import open_memory
    from ..translate.xliff import import_xliff

    with reported_errors():
        guide = _guide(guide_path)
        current = translate_guide(guide, engine=None, record=False).by_id()
        with open_memory() as memory:
            result = import_xliff(file, segment_guide(guide), current, memory)
        for warning in result.warnings:
            err_console.print(
                f"[yellow]warning:[/] {file}:{warning.line}: {warning.unit_id}: {warning.message}"
            )
        console.print(
            f"Imported {len(result.applied)} reviewed unit(s); {result.unchanged} unchanged, "
            f"{result.skipped_initial} left in state initial. Run `callpack memory export --tmx FILE` to commit them."
        )


@memory_app.command("import-json")
def memory_import_json(
    files: Annotated[
        list[Path], typer.Argument(help="Translators' work files (glossary/memory/work/*.json).")
    ],
    tmx: Annotated[Path, typer.Option("--tmx", help="TMX 1.4 file to write.")],
    check: Annotated[bool, typer.Option(help="Check ids and zh against the guide's segments.")] = True,
    guide_path: GuideOption = None,
) -> None:
    """Convert JSON work files into a TMX 1.4 file of reviewed units (the file the lead commits)."""
    from ..segments import segment_guide
    from ..translate.tmx import write_tmx
    from ..translate.workfiles import read_work_files

    with reported_errors():
        segments = {s.id: s for s in segment_guide(_guide(guide_path))} if check else None
        units = read_work_files(files, segments)
        write_tmx(tmx, units)
        console.print(f"Wrote {tmx}: {len(units)} reviewed unit(s) from {len(files)} file(s)")


@memory_app.command("export")
def memory_export(
    tmx: Annotated[Path, typer.Option("--tmx", help="TMX 1.4 file to write.")],
    everything: Annotated[
        bool, typer.Option("--all", help="Include MT entries (default: reviewed only).")
    ] = False,
) -> None:
    """Export the memory (reviewed entries, or all with --all) as TMX 1.4."""
    from ..segments import Provenance
    from ..translate.store import open_memory
    from ..translate.tmx import TmxUnit, write_tmx

    with reported_errors():
        with open_memory() as memory:
            entries = list(memory.entries(None if everything else Provenance.REVIEWED))
        units = [
            TmxUnit(
                zh=e.zh,
                en=e.en,
                segment_id=e.segment_id,
                note=e.note,
                provenance=e.provenance.value,
                state=e.state.value,
            )
            for e in entries
        ]
        write_tmx(tmx, units)
        console.print(f"Wrote {tmx}: {len(units)} unit(s)")


@memory_app.command("status")
def memory_status() -> None:
    """Entries in the memory by provenance, and the TMX files imported."""
    from ..translate.store import open_memory

    with reported_errors():
        with open_memory() as memory:
            counts = memory.db.execute(
                "SELECT provenance, count(*) FROM entries GROUP BY provenance"
            ).fetchall()
            imports = memory.db.execute("SELECT path, units, imported FROM imports ORDER BY path").fetchall()
            console.print(f"Memory: {memory.path}")
        for provenance, count in counts:
            console.print(f"  {provenance}: {count}")
        for path, units, imported in imports:
            console.print(f"  imported {path}: {units} unit(s) at {imported}")
