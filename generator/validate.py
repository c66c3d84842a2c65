"""Rules a parsed guide must follow, reported as problems with line numbers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .model import Guide


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    severity: Severity
    line: int | None
    message: str
    direction_id: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{self.severity.value}: {where}{self.message}"


def validate_guide(guide: Guide) -> list[Problem]:
    """Errors and warnings about the structure and the stated facts; repairs are not included."""
    problems: list[Problem] = []
    error, warning = Severity.ERROR, Severity.WARNING
    facts = guide.facts
    for name, value in (
        ("number of directions (共计 N 个二级指南方向)", facts.directions),
        ("number of projects (拟支持约 N 个项目)", facts.projects),
        ("national funding (国拨经费概算)", facts.national_funding_cny),
        ("limit on Chinese participating units (中方参与单位总数不超过)", facts.max_chinese_units),
        ("project duration (实施周期一般不超过)", facts.max_years),
        ("foreign partner requirement (须有 N 个国（境）外合作单位)", facts.min_foreign_partners),
    ):
        if value is None:
            problems.append(Problem(warning, None, f"the preamble does not state the {name}"))
    if facts.directions is not None and facts.directions != len(guide.directions):
        problems.append(
            Problem(error, None, f"the preamble states {facts.directions} directions but {len(guide.directions)} were found")
        )

    seen: dict[str, int] = {}
    for direction in guide.directions:
        line = direction.source_lines[0]
        if direction.id in seen:
            problems.append(
                Problem(error, line, f"direction id {direction.id} is duplicated (first at line {seen[direction.id]})", direction.id)
            )
        else:
            seen[direction.id] = line
        for label, present in (
            ("research content (研究内容)", bool(direction.research_content_zh)),
            ("assessment indicators (考核指标)", bool(direction.indicators_zh)),
            ("keywords (关键词)", bool(direction.keywords_zh)),
        ):
            if not present:
                problems.append(Problem(error, line, f"direction {direction.id} has no {label}", direction.id))
        if len(set(direction.keywords_zh)) != len(direction.keywords_zh):
            problems.append(Problem(warning, line, f"direction {direction.id} repeats a keyword", direction.id))
        if (
            direction.indicator_sets > 1
            and direction.projects_supported is not None
            and direction.projects_supported != direction.indicator_sets
        ):
            problems.append(
                Problem(
                    warning,
                    line,
                    f"direction {direction.id} offers {direction.indicator_sets} indicator sets "
                    f"but supports {direction.projects_supported} projects",
                    direction.id,
                )
            )

    for expected_number, area in enumerate(guide.areas, start=1):
        if area.id != str(expected_number):
            problems.append(Problem(error, area.line, f"area {area.id} is out of sequence (expected {expected_number})"))
        # By position, not by id: a duplicated id must cite the duplicate's own line.
        in_area = [d for d in guide.directions if d.area_id == area.id]
        for expected_index, direction in enumerate(in_area, start=1):
            expected_id = f"{area.id}.{expected_index}"
            if direction.id != expected_id:
                problems.append(
                    Problem(
                        error,
                        direction.source_lines[0],
                        f"direction {direction.id} is out of sequence in area {area.id} (expected {expected_id})",
                        direction.id,
                    )
                )
                break
        if not area.direction_ids:
            problems.append(Problem(error, area.line, f"area {area.id} has no directions"))

    if facts.projects is not None:
        supported = sum(d.projects_supported or 1 for d in guide.directions)
        if abs(supported - facts.projects) > max(10, facts.projects // 5):
            problems.append(
                Problem(warning, None, f"the directions support at least {supported} projects; the preamble says about {facts.projects}")
            )
    return problems


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)
