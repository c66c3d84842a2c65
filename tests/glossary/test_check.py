"""QA: planted errors in the termbase and in translations are caught; clean input passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.glossary.check import (
    check_entries,
    forbidden_used,
    run_check,
    term_followed,
    write_reports,
)
from generator.glossary.termbase import Status, TermEntry

from .conftest import HEADER, write_terms


def entry(zh: str, en: str, **kwargs: object) -> TermEntry:
    return TermEntry(zh, en, Status.APPROVED, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("en_text", "expected"),
    [
        ("Fabricate perovskite solar cells.", True),
        ("Perovskite solar cell modules.", True),
        ("Perovskite Solar Cell", True),
        ("perovskite-solar cell", True),
        ("Fabricate PSCs with high efficiency.", True),
        ("Fabricate perovskite cells.", False),
        ("Fabricate solar cells.", False),
        ("superperovskite solar cell", False),
    ],
)
def test_term_followed_inflection_case_and_variants(en_text: str, expected: bool) -> None:
    psc = entry("钙钛矿太阳能电池", "perovskite solar cell", variants=("PSC",))
    assert term_followed(psc, en_text) is expected


def test_term_followed_plural_y_and_case_sensitive() -> None:
    battery = entry("电池", "battery")
    assert term_followed(battery, "Two batteries were tested.")
    assert not term_followed(battery, "Two cells were tested.")
    gan = entry("氮化镓", "GaN", case_sensitive=True)
    assert term_followed(gan, "GaN devices")
    assert not term_followed(gan, "gan devices")
    assert not term_followed(gan, "GaNx devices")
    dope = entry("掺杂", "dope", pos="verb")
    assert term_followed(dope, "doping of the film")
    assert term_followed(dope, "the doped film")
    assert term_followed(entry("分析", "analysis"), "failure analyses")


def test_forbidden_used() -> None:
    coulombic = entry(
        "库伦效率", "coulombic efficiency", forbidden=("coulomb efficiency", "Coulomb's efficiency")
    )
    assert forbidden_used(coulombic, "The Coulomb efficiency exceeds 99%.") == ["coulomb efficiency"]
    assert forbidden_used(coulombic, "The coulombic efficiency exceeds 99%.") == []
    assert forbidden_used(coulombic, "Coulomb efficiencies vary.") == ["coulomb efficiency"]
    # Inflection is not stretched for forbidden forms: "programming framework" is right.
    framework = entry("编程框架", "programming framework", forbidden=("program framework",))
    assert forbidden_used(framework, "a programming framework") == []
    assert forbidden_used(framework, "a program framework") == ["program framework"]
    # An occurrence inside an admitted form does not count.
    prototype = entry("原理样机", "proof-of-principle prototype", forbidden=("principle prototype",))
    assert forbidden_used(prototype, "Build a proof-of-principle prototype.") == []
    assert forbidden_used(prototype, "Build a principle prototype.") == ["principle prototype"]


def test_planted_entry_errors() -> None:
    entries = [
        entry("存算一体", "compute-in-memory", forbidden=("memory",), origin="a.csv", line=2),
        entry("RISC-V", "RISC-V", origin="a.csv", line=3),
        entry("risc-v", "RISC five", origin="b.csv", line=9),
        entry("锂电池", "lithium battery", sources=("1.1", "9.99"), origin="a.csv", line=4),
        entry("钠电池", "sodium battery", variants=("钠 battery",), origin="a.csv", line=5),
    ]
    findings = check_entries(entries, known_directions={"1.1", "1.2"})
    errors = {(f.code, f.zh) for f in findings if f.severity == "error"}
    assert errors == {
        ("forbidden-in-own-rendering", "存算一体"),
        ("two-approved-renderings", "risc-v"),
        ("unknown-direction", "锂电池"),
        ("chinese-in-english", "钠电池"),
    }
    two = next(f for f in findings if f.code == "two-approved-renderings")
    assert "a.csv:3" in two.message and "b.csv:9" in two.message


def test_clean_entries_have_no_errors() -> None:
    entries = [
        entry("存算一体", "compute-in-memory", forbidden=("storage-computing integration",)),
        entry("氮化镓", "GaN", case_sensitive=True, variants=("gallium nitride",), sources=("1.1",)),
    ]
    assert [f for f in check_entries(entries, {"1.1"}) if f.severity == "error"] == []


TERMS = HEADER + (
    "库伦效率,coulombic efficiency,approved,CE,coulomb efficiency,electrochemistry,noun,false,2.1,\n"
    "储能电池,energy storage battery,approved,energy storage batteries,,electrochemistry,noun,false,2.1,\n"
    "锌离子储能电池,zinc-ion energy storage battery,approved,,zinc ion storage cell,electrochemistry,noun,false,2.1,\n"
)


def test_run_check_on_translations(tmp_path: Path) -> None:
    folder = write_terms(tmp_path / "t", {"02-energy-storage.csv": TERMS})
    translations = [
        (
            "2.1:content:0",
            "提升锌离子储能电池的库伦效率。",
            "Raise the coulombic efficiency of zinc-ion energy storage batteries.",
        ),
        ("2.1:content:1", "库伦效率不低于99%。", "Coulomb efficiency of at least 99%."),
        ("2.1:content:2", "研制储能电池。", "Develop energy storage cells."),
    ]
    report = run_check(folder, translations, {"2.1"})
    found = sorted((f.segment_id, f.code, f.zh) for f in report.errors)
    assert found == [
        ("2.1:content:1", "forbidden-used", "库伦效率"),
        ("2.1:content:1", "term-not-followed", "库伦效率"),
        ("2.1:content:2", "term-not-followed", "储能电池"),
    ]
    assert report.segments_checked == 3
    json_path, md_path = write_reports(report, tmp_path / "out")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["errors"] == 3 and data["entries"] == 3
    assert "forbidden-used" in md_path.read_text(encoding="utf-8")


def test_run_check_reports_malformed_files_and_duplicates(tmp_path: Path) -> None:
    folder = write_terms(
        tmp_path / "t",
        {
            "01-a.csv": TERMS,
            "02-b.csv": HEADER
            + "库伦效率,coulomb efficiency,approved,,,,noun,false,,\n甲,a,wrong,,,,noun,false,,\n",
        },
    )
    report = run_check(folder)
    assert sorted((f.code, Path(f.path or "").name, f.line) for f in report.errors) == [
        ("duplicate-zh", "02-b.csv", 2),
        ("malformed", "02-b.csv", 3),
    ]
