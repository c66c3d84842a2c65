"""`callpack parse`: read a guide, repair it, validate it, show or write the model."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import InputFileError
from ..fileio import write_atomic
from ..model import DirectionType, Guide
from ..parse import parse_guide
from ..validate import Problem, Severity, has_errors, validate_guide
from .common import console, err_console, guide_path_or_bundled, reported_errors, safe

GuideArgument = Annotated[
    Path | None,
    typer.Argument(help="Guide text file (UTF-8 or GB18030). Default: the workspace's guide.", show_default=False),
]


def parse(
    guide: GuideArgument = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the model as JSON to this file.", show_default=False)
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="List every problem and repair with its line; exit 4 on errors.")
    ] = False,
) -> None:
    """Parse a call guide into a validated model; print a summary, or write JSON."""
    with reported_errors():
        path = guide_path_or_bundled(guide)
        model = parse_guide(path)
        problems = validate_guide(model)
        if check:
            _print_problems(path, problems, model)
        elif has_errors(problems):
            _print_problems(path, [p for p in problems if p.severity is Severity.ERROR], None)
        if has_errors(problems):
            raise typer.Exit(4)
        if json_out is not None:
            data = json.dumps(model.to_json_dict(), ensure_ascii=False, indent=1) + "\n"
            if json_out.is_dir():
                raise InputFileError("is a folder; --json needs a file name", json_out)
            try:
                write_atomic(json_out, data)
            except OSError as error:
                raise InputFileError(f"cannot write: {error.strerror}", json_out) from None
            console.print(
                f"Wrote {safe(json_out)}: {len(model.areas)} areas, {len(model.directions)} directions, "
                f"{len(model.repairs)} repairs."
            )
        elif not check:
            console.print(summary_table(model))


def _print_problems(path: Path, problems: list[Problem], guide: Guide | None) -> None:
    for problem in problems:
        where = f"{safe(path)}:{problem.line}" if problem.line else safe(path)
        style = "red" if problem.severity is Severity.ERROR else "yellow"
        err_console.print(
            f"{where}: [{style}]{problem.severity.value}[/]: {safe(problem.message, 1000)}",
            highlight=False,
            soft_wrap=True,
        )
    if guide is not None:
        for repair in guide.repairs:
            err_console.print(
                f"{safe(path)}:{repair.line}: [yellow]warning[/]: repaired {repair.kind}: "
                + safe(f"{repair.before!r} → {repair.after!r}"),
                highlight=False,
                soft_wrap=True,
            )
        errors = sum(1 for p in problems if p.severity is Severity.ERROR)
        err_console.print(
            f"{errors} errors, {len(problems) - errors} warnings, {len(guide.repairs)} repairs in {safe(path)}",
            highlight=False,
            soft_wrap=True,
        )


_TYPE_HEADERS = {
    DirectionType.BASIC_RESEARCH: "Basic",
    DirectionType.COMMON_KEY_TECHNOLOGY: "Key tech.",
    DirectionType.APPLICATION_DEMONSTRATION: "Demo.",
}


def summary_table(guide: Guide) -> Table:
    types = list(DirectionType)
    table = Table(title=safe(guide.title_zh), caption=_caption(guide))
    table.add_column("Area", justify="right")
    table.add_column("Title")
    table.add_column("Directions", justify="right")
    for kind in types:
        table.add_column(_TYPE_HEADERS[kind], justify="right")
    table.add_column("Lines", justify="right")
    for area in guide.areas:
        directions = [guide.direction(i) for i in area.direction_ids]
        counts = Counter(d.type for d in directions)
        last = directions[-1].source_lines[1] if directions else area.line
        table.add_row(
            safe(area.id), safe(area.title_zh), str(len(directions)), *(str(counts[k]) for k in types), f"{area.line}–{last}"
        )
    totals = Counter(d.type for d in guide.directions)
    table.add_section()
    table.add_row("", "total", str(len(guide.directions)), *(str(totals[k]) for k in types), "")
    return table


def _caption(guide: Guide) -> str:
    facts = guide.facts
    funding = f"CNY {facts.national_funding_cny:,}" if facts.national_funding_cny else "not stated"
    return (
        f"stated: {facts.directions} directions, about {facts.projects} projects, national funding {funding}, "
        f"≤ {facts.max_chinese_units} Chinese units, ≤ {facts.max_years} years, "
        f"≥ {facts.min_foreign_partners} foreign partner; {len(guide.repairs)} repairs (see --check)"
    )


def register(app: typer.Typer) -> None:
    app.command("parse")(parse)
