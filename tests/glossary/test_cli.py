from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from generator.cli import app

from .conftest import HEADER, write_terms

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["glossary", *args])
    return result.exit_code, result.output


def test_export_csv_lists_every_entry(terms_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    code, output = run("export", "--format", "csv", "-o", str(out), "--terms", str(terms_dir))
    assert code == 0, output
    assert "8 entries (6 approved)" in output
    assert out.read_text(encoding="utf-8").startswith("zh,en,status,")
    code, output = run("export", "--format", "csv", "-o", str(out), "--terms", str(terms_dir))
    assert code != 0 and "--force" in output


def test_export_import_xlsx_and_tbx(terms_dir: Path, tmp_path: Path) -> None:
    for kind in ("xlsx", "tbx"):
        out = tmp_path / f"review.{kind}"
        code, output = run("export", "-f", kind, "-o", str(out), "--terms", str(terms_dir), "--no-contexts")
        assert code == 0, output
        code, output = run("import", str(out), "--terms", str(terms_dir), "--dry-run")
        assert code == 0, output
        assert "0 added, 0 changed, 0 deleted in file, 0 conflicts, 8 unchanged, 0 errors" in output


def test_import_with_bad_row_changes_nothing(terms_dir: Path, tmp_path: Path) -> None:
    review = tmp_path / "review.csv"
    run("export", "-f", "csv", "-o", str(review), "--terms", str(terms_dir))
    text = review.read_text(encoding="utf-8")
    review.write_text(
        text.replace("太阳能电池,solar cell,approved", "太阳能电池,solar cells,approved").replace(
            "钙钛矿,perovskite,approved", "钙钛矿,perovskite,aproved"
        ),
        encoding="utf-8",
    )
    before = {p.name: p.read_bytes() for p in terms_dir.glob("*.csv")}
    code, output = run("import", str(review), "--terms", str(terms_dir))
    assert code == 5
    assert "review.csv:7" in output and "nothing was changed" in output
    assert {p.name: p.read_bytes() for p in terms_dir.glob("*.csv")} == before
    review.write_text(
        text.replace("太阳能电池,solar cell,approved", "太阳能电池,solar cells,approved"), encoding="utf-8"
    )
    code, output = run("import", str(review), "--terms", str(terms_dir), "--json", str(tmp_path / "r.json"))
    assert code == 0, output
    assert "1 changed" in output and "01-new-energy.csv" in output
    assert "太阳能电池,solar cells,approved" in (terms_dir / "01-new-energy.csv").read_text(encoding="utf-8")
    assert (tmp_path / "r.json").exists()


def test_check_exit_codes(terms_dir: Path, tmp_path: Path) -> None:
    code, output = run("check", "--terms", str(terms_dir), "--out", str(tmp_path / "ok"), "--no-translations")
    assert code == 0, output
    assert (tmp_path / "ok" / "glossary-check.json").exists()
    bad = write_terms(
        tmp_path / "bad",
        {"01-x.csv": HEADER + "存算一体,compute-in-memory,approved,,memory,,noun,false,,\n"},
    )
    code, output = run("check", "--terms", str(bad), "--out", str(tmp_path / "ko"), "--no-translations")
    assert code == 1
    assert "forbidden-in-own-rendering" in output


def test_malformed_termbase_is_one_line_error(tmp_path: Path) -> None:
    bad = write_terms(tmp_path / "bad", {"01-x.csv": HEADER + "钙钛矿,,approved,,,,noun,false,,\n"})
    code, output = run("export", "-f", "csv", "-o", str(tmp_path / "x.csv"), "--terms", str(bad))
    assert code == 5
    assert "01-x.csv:2" in output and "Traceback" not in output


def test_hostile_terms_and_paths_print_as_text(terms_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "r[").mkdir()
    review = tmp_path / "r[" / "][bold]\x1b[31m.csv"  # the path reads …/r[/][bold]…
    code, output = run("export", "-f", "csv", "-o", str(review), "--terms", str(terms_dir))
    assert code == 0, output
    text = review.read_text(encoding="utf-8")
    edited = text.replace("太阳能电池,solar cell,approved", "太阳能电池,solar [/]cell\x1b[31m,approved").replace(
        "钙钛矿,perovskite,approved", "钙钛矿[bold],perovskite,approved"
    )
    review.write_text(edited, encoding="utf-8")
    for extra in (["--dry-run"], []):
        code, output = run("import", str(review), "--terms", str(terms_dir), *extra)
        assert code == 0, output
        assert "r[/][bold]" in output and "solar [/]cell" in output and "钙钛矿[bold]" in output
        assert "\x1b" not in output
    review.write_text(edited.replace("钙钛矿[bold],perovskite,approved", "钙钛矿,perovskite,[/]"), encoding="utf-8")
    code, output = run("import", str(review), "--terms", str(terms_dir), "--dry-run")
    assert code == 5 and "[/]" in output and "nothing was changed" in output
