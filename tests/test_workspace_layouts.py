"""A new guide end to end: `callpack init`, then parse, translate and build, for each layout; and
nothing of one workspace leaks into another."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.paths import PROJECT_ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "guides"
LAYOUTS = {
    "key-special-three-level.txt": "key-special-project",
    "key-special-chinese-sections.txt": "key-special-project",
    "intergovernmental-numbered.txt": "intergovernmental",
    "intergovernmental-unnumbered.txt": "intergovernmental",
    "partial-typed.txt": "typed-directions",
}

runner = CliRunner()


def cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def bundled_state() -> dict[str, float]:
    """Modification times of what a workspace must never touch in the bundled one."""
    watched = [*(PROJECT_ROOT / "glossary" / "memory").glob("*.tmx"), *(PROJECT_ROOT / "glossary" / "terms").glob("*.csv")]
    return {str(path): path.stat().st_mtime_ns for path in watched}


@pytest.mark.parametrize("fixture", sorted(LAYOUTS))
def test_init_parse_translate_build_in_a_new_workspace(
    fixture: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = bundled_state()
    folder = tmp_path / "ws"
    cli("init", str(folder), "--guide", str(FIXTURES / fixture))
    monkeypatch.chdir(folder)

    model_path = tmp_path / "model.json"
    cli("parse", "--json", str(model_path))
    model = json.loads(model_path.read_text(encoding="utf-8"))
    assert model["layout"] == LAYOUTS[fixture]
    first = model["directions"][0]["id"]

    cli("translate")
    assert (folder / ".callpack" / "memory.sqlite").is_file()
    assert list((folder / "output" / "qa").glob("*.json"))

    cli("build", "-d", first, "-k", "call", "-l", "en", "-f", "html", "-j", "1")
    index = json.loads((folder / "output" / "index.json").read_text(encoding="utf-8"))
    listed = [item["path"] for item in index["files"] if item["direction"] == first]
    assert listed == [f"directions/{first}/{first}-call.en.html"]
    text = (folder / "output" / listed[0]).read_text(encoding="utf-8")
    assert model["directions"][0]["title_zh"] in text  # the Chinese title beside the English one
    assert bundled_state() == before  # nothing of the bundled workspace was written


def test_two_workspaces_keep_their_memory_and_output_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    cli("init", str(one), "--guide", str(FIXTURES / "intergovernmental-numbered.txt"))
    cli("init", str(two), "--guide", str(FIXTURES / "intergovernmental-numbered.txt"))
    monkeypatch.chdir(one)
    cli("translate")
    # A reviewed translation in workspace one only.
    xlf = tmp_path / "one.xlf"
    cli("xliff", "export", str(xlf))
    text = xlf.read_text(encoding="utf-8")
    marker = "<source>须与奥方合作伙伴同步申报。</source>"
    assert marker in text, text[:2000]
    start = text.index(marker)
    segment_open = text.rindex("<segment", 0, start)
    closing = text.index("</segment>", start)
    edited_segment = (
        '<segment id="s1" state="reviewed">'
        + marker
        + "<target>Proposals must be submitted at the same time as the Austrian partner's.</target>"
    )
    xlf.write_text(text[:segment_open] + edited_segment + text[closing:], encoding="utf-8")
    cli("xliff", "import", str(xlf))
    assert list((one / "memory").glob("*.tmx")), "the import writes the workspace's own memory folder"
    assert not list((two / "memory").glob("*.tmx"))

    one_export = tmp_path / "one.json"
    two_export = tmp_path / "two.json"
    cli("export", "--json", str(one_export))
    monkeypatch.chdir(two)
    cli("export", "--json", str(two_export))
    english_one = one_export.read_text(encoding="utf-8")
    english_two = two_export.read_text(encoding="utf-8")
    assert "Austrian partner's" in english_one and "Austrian partner's" not in english_two


def test_two_workspaces_build_at_the_same_time(tmp_path: Path) -> None:
    folders = [tmp_path / "a", tmp_path / "b"]
    for folder in folders:
        cli("init", str(folder), "--guide", str(FIXTURES / "key-special-three-level.txt"))
    command = [sys.executable, "-m", "generator", "build", "-k", "call", "-l", "en", "-f", "html", "-j", "1"]
    processes = [
        subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for folder in folders
    ]
    for process in processes:
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, output
    for folder in folders:
        index = json.loads((folder / "output" / "index.json").read_text(encoding="utf-8"))
        paths = {item["path"] for item in index["files"]}
        assert len(paths) == 4 and all((folder / "output" / path).is_file() for path in paths)
