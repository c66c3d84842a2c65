"""`callpack translate`, `export`, `qa`, `models …`, `xliff …` and `memory …`: the translation stage."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ..errors import ConflictError
from .common import (
    MESSAGE_LIMIT,
    console,
    current_workspace,
    err_console,
    exchange_languages,
    reported_errors,
    safe,
    workspace_memory,
    workspace_term_index,
)

if TYPE_CHECKING:
    from ..model import Guide
    from ..segments import Segment, Translation
    from ..settings import ExchangeSettings
    from ..translate.pipeline import PipelineResult
    from ..translate.qa import QAReport
    from ..translate.store import MergeResult, TranslationMemory
    from ..translate.termbase import TermIndex
    from ..translate.xliff import ImportResult


class EngineName(StrEnum):
    AUTO = "auto"
    MEMORY = "memory"
    ARGOS = "argos"
    CT2 = "ct2"
    LLM = "llm"


DirectionOption = Annotated[
    list[str] | None,
    typer.Option("--direction", "-d", help="Direction id (repeatable); default: the whole guide."),
]
GuideOption = Annotated[
    Path | None, typer.Option("--guide", help="Guide text (default: the workspace's guide).")
]

models_app = typer.Typer(
    name="models",
    help="MT models (zh→en) for `callpack translate`: Argos packages and converted CTranslate2 models.",
    no_args_is_help=True,
)
xliff_app = typer.Typer(name="xliff", help="XLIFF 2.0/1.2 post-editing round trip.", no_args_is_help=True)
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
            safe(scope.scope),
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

    report = run_qa(result.segments, result.translations, terms, engine)
    json_path, html_path = write_report(report, current_workspace().output_dir / "qa")
    console.print(_qa_table(report))
    checks = ", ".join(f"{name} {count}" for name, count in sorted(report.checks().items())) or "none"
    console.print(f"QA findings by check: {checks}")
    console.print(f"QA report: {safe(json_path)} and {safe(html_path)}", soft_wrap=True)
    return report


def translate_command(
    direction: DirectionOption = None,
    engine: Annotated[
        EngineName | None,
        typer.Option(
            "--engine",
            help="auto: MT if a model is installed; memory: no MT; argos/ct2: that kind of installed model; "
            "llm: the [mt.llm] endpoint. Default: [mt] engine in callpack.toml.",
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option("--model", help="An installed model's name or a model folder (default: [mt] model)."),
    ] = None,
    guide_path: GuideOption = None,
) -> None:
    """Translate the guide: reviewed memory → pattern rules and termbase → MT → untranslated; then QA."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.text import Text

    from ..translate.pipeline import select_engine, select_segments, translate_guide

    class Rate(ProgressColumn):
        """Segments per second over the run so far."""

        def render(self, task: Task) -> Text:
            elapsed = task.elapsed or 0.0
            rate = task.completed / elapsed if elapsed > 0 else 0.0
            return Text(f"{rate:.1f} seg/s", style="progress.data.speed")

    with reported_errors():
        workspace = current_workspace()
        settings = workspace.settings.mt
        guide = _guide(guide_path)
        terms = workspace_term_index()
        choice = engine.value if engine is not None else settings.engine
        mt_engine, message = select_engine(choice, model, settings, workspace.root)  # type: ignore[arg-type]
        if message:
            err_console.print(
                f"[yellow]note:[/] {safe(message, MESSAGE_LIMIT)}", soft_wrap=True, highlight=False
            )
        elif mt_engine is not None:
            console.print(f"MT engine: {safe(mt_engine.engine_id)}", highlight=False)
        total = len(select_segments(guide, direction))
        try:
            with Progress(
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                Rate(),
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
                    **workspace_memory(),
                )
        finally:
            close = getattr(mt_engine, "close", None)
            if close is not None:
                close()
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
        result = translate_guide(
            guide,
            engine=None,
            record=False,
            directions=direction,
            terms=workspace_term_index(),
            **workspace_memory(),
        )
        data = bilingual_guide(guide, result.segments, result.translations)
        write_bilingual_json(json_path, data)
        totals = data["totals"]
        console.print(
            f"Wrote {safe(json_path)}: {totals['segments']} segments, {totals['translated']} translated, "
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

    if documents:
        from .build_cmd import documents_qa

        documents_qa(out, guide_path)
        return
    with reported_errors():
        guide = _guide(guide_path)
        terms = workspace_term_index()
        result = translate_guide(
            guide, engine=None, record=False, directions=direction, terms=terms, **workspace_memory()
        )
        report = _write_qa(result, terms, None)
        if report.errors:
            raise typer.Exit(1)


@models_app.command("list")
def models_list() -> None:
    """List installed models: family, languages, size, and whether callpack can use them."""

    from ..translate.models import installed_models, models_dirs, package_dirs

    with reported_errors():
        console.print(
            "Model folders: " + ", ".join(safe(d) for d in [*models_dirs(), *package_dirs()]),
            highlight=False,
            soft_wrap=True,
        )
        models = installed_models()
        if not models:
            console.print(
                "No MT models installed. No zh→en model ships with callpack; install one with "
                "`callpack models install DIR|FILE` (see the README), or use `--engine llm`.",
                soft_wrap=True,
            )
            return
        chosen = next((model for model in models if not model.problems()), None)  # as find_model() picks
        for model in models:
            problems = model.problems()
            if problems:
                status = "[red]not usable:[/] " + safe("; ".join(problems), 1000)
            elif chosen is not None and chosen.path == model.path:
                status = "[green]usable, used for zh→en[/]"
            else:
                status = "usable"
            version = f"  version {safe(model.version)}" if model.version else ""
            console.print(
                f"{safe(model.name)}  {model.family}  {safe(model.languages)}  "
                f"{model.size_bytes / 1e6:.1f} MB{version}  {status}\n    {safe(model.path)}",
                soft_wrap=True,
                highlight=False,
            )


@models_app.command("install")
def models_install(
    source: Annotated[
        Path,
        typer.Argument(
            help="An .argosmodel file, or a converted CTranslate2 model folder (OPUS-MT, NLLB, M2M100)."
        ),
    ],
) -> None:
    """Install a model (checked before anything changes): Argos packages into argospm's folder,
    converted models into callpack's model folder."""

    from ..translate.models import install_model

    with reported_errors():
        model = install_model(source)
        console.print(
            f"Installed {safe(model.name)} ({model.family}, {safe(model.languages)}) in {safe(model.path)}",
            soft_wrap=True,
            highlight=False,
        )


class XliffVersion(StrEnum):
    V2 = "2.0"
    V12 = "1.2"


ForceOption = Annotated[
    bool,
    typer.Option("--force", help="Apply conflicting units too (the file's text wins over newer memory)."),
]
ResolveOption = Annotated[
    Path | None,
    typer.Option("--resolve", help="A conflicts report with each resolution set to 'theirs' or 'ours'."),
]
ReportOption = Annotated[
    Path | None,
    typer.Option("--report", help="Where to write the conflicts report (default: FILE.conflicts.json)."),
]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Report only; change nothing.")]


def _open_memory() -> TranslationMemory:
    from ..translate.store import open_memory

    paths = workspace_memory()
    return open_memory(paths["memory_path"], paths["memory_dir"], paths["reference_dirs"])


def _current(segments: list[Segment], memory: TranslationMemory) -> dict[str, Translation]:
    """What an imported unit is compared with: each segment's current translation (no MT), with the
    workspace's termbase, as `xliff export` computed it, in the memory session the import writes to."""
    from ..translate.pipeline import translate_segments

    return translate_segments(segments, memory, engine=None, record=False, terms=workspace_term_index()).by_id()


def _exchange() -> ExchangeSettings:
    return current_workspace().settings.exchange


def _translator() -> str:
    return _exchange().translator_id


def _report_unused(memory: TranslationMemory, segments: list[Segment]) -> None:
    """Say which units of id-less (CAT tool) TMX files in the memory folder translate nothing."""
    unused = memory.unused_units(segments)
    for entry, reason in unused[:20]:
        err_console.print(
            f"[yellow]note:[/] {safe(Path(entry.origin).name)}: {safe(entry.zh)} → {safe(entry.en)}: "
            f"not used, {safe(reason)}",
            highlight=False,
            soft_wrap=True,
        )
    if len(unused) > 20:
        err_console.print(f"[yellow]note:[/] … and {len(unused) - 20} more units not used")


def _report_merge(
    file: Path,
    result: ImportResult | MergeResult,
    report: Path | None,
    dry_run: bool,
    extra: str = "",
) -> None:
    """What an import wrote, applied and kept; the conflicts as a table and a resolution file."""
    from ..translate.conflicts import write_conflicts

    if result.written:
        console.print("Wrote " + ", ".join(safe(path) for path in result.written), highlight=False, soft_wrap=True)
    applied, unchanged, kept, conflicts = result.applied, result.unchanged, result.kept, result.conflicts

    verb = "Would apply" if dry_run else "Applied"
    console.print(
        f"{verb} {len(applied)} unit(s); {unchanged} unchanged{extra}; {len(kept)} kept as in the memory "
        f"(resolution 'ours'); {len(conflicts)} conflict(s).",
        highlight=False,
    )
    if applied:
        console.print("Changed: " + safe(", ".join(applied)), highlight=False, soft_wrap=True)
    if not conflicts:
        return
    table = Table(title="Conflicts: changed in the memory since the file was exported (not applied)")
    for column in ("id", "line", "exported", "file (theirs)", "memory (ours)"):
        table.add_column(column, overflow="fold")
    for conflict in conflicts:
        table.add_row(
            safe(conflict.segment_id),
            str(conflict.line or ""),
            safe(conflict.base or "—"),
            safe(conflict.theirs, 1000) + " " + safe("[" + conflict.theirs_state + "]"),
            safe(conflict.ours, 1000) + " " + safe("[" + conflict.ours_provenance + "]"),
        )
    console.print(table)
    target = report or file.with_name(file.name + ".conflicts.json")
    write_conflicts(target, file, conflicts)
    raise ConflictError(
        f"{len(conflicts)} conflict(s) not applied; both texts are in {target}. Set each 'resolution' to "
        f"'theirs' or 'ours' and import again with --resolve {target} (or --force to take the file's text)",
        file,
    )


@xliff_app.command("export")
def xliff_export(
    out: Annotated[Path, typer.Argument(help="XLIFF file to write.")],
    direction: DirectionOption = None,
    guide_path: GuideOption = None,
    version: Annotated[
        XliffVersion, typer.Option("--xliff-version", help="2.0 (default) or 1.2 for older tools.")
    ] = XliffVersion.V2,
) -> None:
    """Export the current translations for post-editing (states initial/translated/reviewed/final)."""
    from ..translate.pipeline import select_segments, translate_segments
    from ..translate.xliff import export_xliff, segment_terms

    with reported_errors():
        guide = _guide(guide_path)
        terms = workspace_term_index()
        segments = select_segments(guide, direction)
        with _open_memory() as memory:
            result = translate_segments(segments, memory, engine=None, record=False, terms=terms)
            source_language, target_language = exchange_languages()
            export_xliff(
                out,
                result.segments,
                result.translations,
                result.suggestions,
                original=Path(guide.source_path).name,
                terms=segment_terms(result.segments, terms),
                version=version.value,
                target_language=target_language,
                source_language=source_language,
            )
            console.print(
                f"Wrote {safe(out)}: {len(result.segments)} units (XLIFF {version.value})", soft_wrap=True
            )
            _report_unused(memory, result.segments)


@xliff_app.command("import")
def xliff_import(
    file: Annotated[Path, typer.Argument(help="A post-edited XLIFF 2.0 or 1.2 file.")],
    guide_path: GuideOption = None,
    force: ForceOption = False,
    resolve: ResolveOption = None,
    report: ReportOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Apply a translator's XLIFF to the memory's TMX files: units unchanged since export only.

    `translated` is stored as a post-edited draft, `reviewed`/`final` as reviewed. A unit whose
    segment changed in the memory since the export is a conflict: listed with both texts, written
    to a report, not applied (exit 9) unless resolved with --resolve or --force.
    """
    from ..segments import segment_guide
    from ..translate.conflicts import read_resolutions
    from ..translate.xliff import import_xliff

    with reported_errors():
        guide = _guide(guide_path)
        resolutions = read_resolutions(resolve) if resolve is not None else None
        segments = segment_guide(guide)
        with _open_memory() as memory:
            result = import_xliff(
                file,
                segments,
                _current(segments, memory),
                memory,
                force=force,
                resolutions=resolutions,
                translator=_translator(),
                dry_run=dry_run,
                languages=exchange_languages(),
            )
        for warning in result.warnings:
            err_console.print(
                f"[yellow]warning:[/] {safe(file)}:{warning.line}: {safe(warning.unit_id)}: {safe(warning.message, 1000)}",
                highlight=False,
                soft_wrap=True,
            )
        _report_merge(file, result, report, dry_run, extra=f", {result.skipped_initial} left in state initial")


@memory_app.command("import")
def memory_import(
    file: Annotated[Path, typer.Argument(help="A TMX file back from a CAT tool (ours, or one without ids).")],
    guide_path: GuideOption = None,
    force: ForceOption = False,
    resolve: ResolveOption = None,
    report: ReportOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """Merge a returned TMX into the memory's TMX files, matched by segment id or by source text.

    A unit applies when the memory has not changed since the export (its x-revision), or, without
    one, when its changedate is newer than the memory's; every other difference is a conflict.
    """
    from ..segments import segment_guide
    from ..translate.conflicts import read_resolutions
    from ..translate.store import incoming_from_tmx, merge
    from ..translate.tmx import read_tmx

    with reported_errors():
        guide = _guide(guide_path)
        resolutions = read_resolutions(resolve) if resolve is not None else None
        segments = segment_guide(guide)
        incoming, unmatched = incoming_from_tmx(read_tmx(file), segments, file)
        with _open_memory() as memory:
            result = merge(
                incoming,
                _current(segments, memory),
                memory,
                force=force,
                resolutions=resolutions,
                translator=_translator(),
                dry_run=dry_run,
                languages=exchange_languages(),
            )
        for unit in unmatched[:20]:
            err_console.print(
                f"[yellow]note:[/] {safe(file)}:{unit.line}: not imported, its Chinese matches no "
                f"segment: {safe(unit.zh)}",
                highlight=False,
                soft_wrap=True,
            )
        if len(unmatched) > 20:
            err_console.print(f"[yellow]note:[/] … and {len(unmatched) - 20} more units match no segment")
        _report_merge(file, result, report, dry_run, extra=f", {len(unmatched)} matching no segment")


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
        console.print(
            f"Wrote {safe(tmx)}: {len(units)} reviewed unit(s) from {len(files)} file(s)", soft_wrap=True
        )


@memory_app.command("export")
def memory_export(
    tmx: Annotated[Path, typer.Option("--tmx", help="TMX 1.4 file to write.")],
    everything: Annotated[
        bool, typer.Option("--all", help="Include MT entries (default: translators' work only).")
    ] = False,
) -> None:
    """Export the memory as TMX 1.4: one unit per segment id (the current one), with dates and ids."""
    from ..translate.tmx import write_tmx

    with reported_errors():
        with _open_memory() as memory:
            units = memory.export_units(everything)
        exchange = _exchange()
        write_tmx(tmx, units, exchange.target_language, exchange.source_language)
        console.print(f"Wrote {safe(tmx)}: {len(units)} unit(s)", soft_wrap=True)


@memory_app.command("status")
def memory_status(guide_path: GuideOption = None) -> None:
    """Entries in the memory by provenance, the TMX files read, and units that translate nothing."""
    with reported_errors():
        from ..segments import segment_guide

        with _open_memory() as memory:
            counts = memory.db.execute(
                "SELECT provenance, count(*) FROM entries GROUP BY provenance"
            ).fetchall()
            imports = memory.db.execute("SELECT path, units, imported FROM imports ORDER BY path").fetchall()
            console.print(f"Memory: {safe(memory.path)}", soft_wrap=True)
            for provenance, count in counts:
                console.print(f"  {safe(provenance)}: {count}")
            for path, units, imported in imports:
                console.print(f"  read {safe(path)}: {units} unit(s) at {safe(imported)}", soft_wrap=True)
            _report_unused(memory, segment_guide(_guide(guide_path)))
