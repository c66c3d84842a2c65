"""`callpack parse` through Typer's test runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from generator.cli import app

from .test_parse import SMALL_GUIDE

runner = CliRunner()


def test_summary_of_the_bundled_guide() -> None:
    result = runner.invoke(app, ["parse"])
    assert result.exit_code == 0, result.output
    assert "107" in result.output and "新能源" in result.output


def test_json_output(tmp_path: Path) -> None:
    out = tmp_path / "guide.json"
    result = runner.invoke(app, ["parse", "--json", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) == {"guide", "areas", "directions", "repairs"}
    assert len(data["directions"]) == 107
    first = data["directions"][0]
    for key in (
        "id", "area_id", "title_zh", "type", "research_content_zh", "indicators_zh", "indicator_sets",
        "keywords_zh", "projects_supported", "projects_supported_note_zh", "other_requirements_zh",
        "matching_ratio", "enterprise_led", "source_lines",
    ):
        assert key in first
    assert first["type"] == "common_key_technology" and first["source_lines"] == [27, 49]
    assert data["guide"]["facts"]["national_funding_cny"] == 360_000_000


def test_check_lists_repairs_with_lines(tmp_path: Path) -> None:
    guide = tmp_path / "g.txt"
    guide.write_text(SMALL_GUIDE, encoding="utf-8")
    result = runner.invoke(app, ["parse", str(guide), "--check"])
    assert result.exit_code == 0, result.output
    assert f"{guide}:25: warning: repaired latex" in result.output


def test_check_fails_on_errors(tmp_path: Path) -> None:
    guide = tmp_path / "g.txt"
    guide.write_text(SMALL_GUIDE.replace("1.2 二氧化碳", "1.1 二氧化碳"), encoding="utf-8")
    result = runner.invoke(app, ["parse", str(guide), "--check"])
    assert result.exit_code == 4
    assert "1.1 is duplicated" in result.output
    assert runner.invoke(app, ["parse", str(guide)]).exit_code == 4


def test_bad_files_exit_with_a_message(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "x.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    undecodable = tmp_path / "bad.txt"
    undecodable.write_bytes("正文\n".encode() + b"\xff\xfe\xfa\x80\x81" * 3)
    for path, message in (
        (tmp_path / "missing.txt", "no such file"),
        (tmp_path, "directory"),
        (empty, "empty"),
        (binary, "binary"),
        (undecodable, "not UTF-8 or GB18030"),
    ):
        result = runner.invoke(app, ["parse", str(path)])
        assert result.exit_code == 2, (path, result.output)
        assert message in result.output and str(path) in result.output
        assert "Traceback" not in result.output


def test_gb18030_guide_parses_the_same(tmp_path: Path) -> None:
    guide = tmp_path / "gbk.txt"
    guide.write_bytes(SMALL_GUIDE.encode("gb18030"))
    out = tmp_path / "g.json"
    assert runner.invoke(app, ["parse", str(guide), "--json", str(out)]).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["guide"]["source"]["encoding"] == "gb18030"
    assert data["directions"][0]["keywords_zh"] == ["柔性", "太阳能电池"]


def test_json_matches_the_published_schema(tmp_path: Path) -> None:
    import jsonschema

    from generator.paths import PROJECT_ROOT

    schema = json.loads((PROJECT_ROOT / "schema" / "guide.schema.json").read_text(encoding="utf-8"))
    out = tmp_path / "guide.json"
    assert runner.invoke(app, ["parse", "--json", str(out)]).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    data["directions"][0]["type"] = "basic"
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError:
        return
    raise AssertionError("the schema accepted an unknown direction type")


HOSTILE = "[/][bold]\x1b[31m"


def test_hostile_title_and_path_print_as_text(tmp_path: Path) -> None:
    text = (Path(__file__).parent / "translate" / "fixtures" / "mini-guide.zh.txt").read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    (tmp_path / "g[").mkdir()
    guide = tmp_path / "g[" / "][bold]\x1b[31m.txt"  # the path reads …/g[/][bold]…
    guide.write_text(first.replace("申报指南", f"申报指南{HOSTILE}") + "\n" + rest, encoding="utf-8")
    for args in ([str(guide)], [str(guide), "--check"], [str(guide), "--json", str(tmp_path / "g[" / "]o.json")]):
        result = runner.invoke(app, ["parse", *args])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "\x1b" not in result.output
        assert "g[/]" in result.output or "申报指南[/][bold]" in result.output, result.output


def test_missing_file_with_hostile_name_is_a_clean_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["parse", str(tmp_path / "missing[" / "][bold]\x1b[31m.txt")])
    assert result.exit_code == 2, result.output
    assert "missing[/][bold]" in result.output and "\x1b" not in result.output


def test_json_to_a_folder_or_an_unwritable_path_is_a_clean_error(tmp_path: Path, monkeypatch) -> None:
    import errno

    from generator.cli import parse_cmd

    result = runner.invoke(app, ["parse", "--json", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert f"{tmp_path}: is a folder" in result.output

    def refuse(path, data):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(parse_cmd, "write_atomic", refuse)
    result = runner.invoke(app, ["parse", "--json", str(tmp_path / "g.json")])
    assert result.exit_code == 2, result.output
    assert "g.json: cannot write: Permission denied" in result.output
