"""Workspaces: `callpack init`, finding callpack.toml, layers, and isolation."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.errors import SettingsError
from generator.paths import BUNDLED_GUIDE, MEMORY_DIR, PROJECT_ROOT, TERMS_DIR
from generator.workspace import create_workspace, locate_workspace

runner = CliRunner()


def test_the_repository_is_the_bundled_workspace() -> None:
    workspace, fallback = locate_workspace(PROJECT_ROOT / "generator")
    assert not fallback and workspace.is_bundled
    assert workspace.guide == BUNDLED_GUIDE
    assert workspace.terms_dir == TERMS_DIR.resolve() and workspace.reference_terms_dirs == ()
    assert workspace.memory_dir == MEMORY_DIR.resolve() and workspace.reference_memory_dirs == ()
    assert workspace.output_dir == PROJECT_ROOT / "output"
    assert workspace.memory_db == PROJECT_ROOT / ".callpack" / "memory.sqlite"


def test_init_lays_out_a_workspace(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    result = runner.invoke(app, ["init", str(folder), "--guide", str(BUNDLED_GUIDE)])
    assert result.exit_code == 0, result.output
    assert (folder / "callpack.toml").is_file()
    assert (folder / "guide" / BUNDLED_GUIDE.name).read_bytes() == BUNDLED_GUIDE.read_bytes()
    assert (folder / "terms" / "project.csv").read_text(encoding="utf-8").startswith("zh,en,status,")
    assert (folder / "memory").is_dir() and (folder / "output").is_dir()

    workspace, fallback = locate_workspace(folder / "output")
    assert not fallback and not workspace.is_bundled
    assert workspace.root == folder.resolve()
    assert workspace.guide == folder / "guide" / BUNDLED_GUIDE.name
    assert workspace.terms_layers == (TERMS_DIR.resolve(), (folder / "terms").resolve())
    assert workspace.reference_memory_dirs == (MEMORY_DIR.resolve(),)
    assert workspace.memory_dir == (folder / "memory").resolve()
    assert workspace.state_dir == folder.resolve() / ".callpack"
    assert workspace.output_dir == folder.resolve() / "output"


def test_init_refuses_an_existing_workspace_and_a_non_guide(tmp_path: Path) -> None:
    create_workspace(tmp_path / "ws", BUNDLED_GUIDE)
    again = runner.invoke(app, ["init", str(tmp_path / "ws"), "--guide", str(BUNDLED_GUIDE)])
    assert again.exit_code == 8 and "already exists" in again.output

    not_a_guide = tmp_path / "notes.txt"
    not_a_guide.write_text("minutes of the meeting\n", encoding="utf-8")
    result = runner.invoke(app, ["init", str(tmp_path / "other"), "--guide", str(not_a_guide)])
    assert result.exit_code == 3
    assert not (tmp_path / "other").exists()


def test_commands_find_the_workspace_upward(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "ws"
    create_workspace(folder, BUNDLED_GUIDE)
    (folder / "sub").mkdir()
    monkeypatch.chdir(folder / "sub")
    out = tmp_path / "model.json"
    result = runner.invoke(app, ["parse", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert str(folder / "guide" / BUNDLED_GUIDE.name) in out.read_text(encoding="utf-8")


def test_workspace_and_config_options(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    create_workspace(folder, BUNDLED_GUIDE)
    settings = folder / "callpack.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\n[mt]\nengine = \"warp\"\n", encoding="utf-8")
    for option in (["--workspace", str(folder)], ["--config", str(settings)]):
        result = runner.invoke(app, [*option, "parse"])
        assert result.exit_code == 8, result.output
        assert "callpack.toml:" in result.output and "'warp' is not one of" in result.output

    missing = runner.invoke(app, ["--workspace", str(tmp_path), "parse"])
    assert missing.exit_code == 8 and "callpack init" in missing.output


def test_without_a_workspace_the_bundled_one_is_used_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    workspace, fallback = locate_workspace(tmp_path)
    assert fallback and workspace.is_bundled


def test_a_workspace_without_a_guide_setting_takes_its_only_guide(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    create_workspace(folder, BUNDLED_GUIDE)
    settings = folder / "callpack.toml"
    text = "\n".join(line for line in settings.read_text(encoding="utf-8").splitlines() if not line.startswith("guide ="))
    settings.write_text(text, encoding="utf-8")
    workspace, _ = locate_workspace(folder)
    assert workspace.guide == folder / "guide" / BUNDLED_GUIDE.name
    (folder / "guide" / "second.txt").write_text("x", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"set \[workspace\] guide"):
        locate_workspace(folder)


def test_relative_paths_resolve_against_the_settings_file(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    create_workspace(folder, BUNDLED_GUIDE)
    workspace, _ = locate_workspace(PROJECT_ROOT, config=folder / "callpack.toml")
    assert workspace.root == folder.resolve() and workspace.memory_dir == (folder / "memory").resolve()
