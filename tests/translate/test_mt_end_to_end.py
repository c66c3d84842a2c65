"""`callpack translate --engine ct2` and `--engine llm` on the bundled guide, with one area's reviewed
memory held out: reviewed segments stay exactly as reviewed, MT segments become flagged drafts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.cli.common import select_workspace, workspace_translations
from generator.paths import BUNDLED_GUIDE, MEMORY_DIR
from generator.render.context import PartKind, _part
from generator.segments import Provenance
from generator.translate.pipeline import select_segments
from generator.translate.testing import chat_server
from generator.translate.tmx import read_tmx

runner = CliRunner()
DIRECTIONS = ("1.1", "2.1")  # 1.1 has reviewed memory; area 2's memory is held out


@pytest.fixture
def bundled_workspace(isolated_state: Path) -> Path:
    """The bundled guide with the reviewed memory of every area but area 2."""
    for tmx in MEMORY_DIR.glob("*.tmx"):
        if tmx.name != "area-02.tmx":
            shutil.copy(tmx, isolated_state / "memory" / tmx.name)
    return isolated_state


def write_settings(root: Path, mt: str) -> None:
    (root / "callpack.toml").write_text(
        "[workspace]\n"
        f'guide = "{BUNDLED_GUIDE.as_posix()}"\n'
        'terms = "terms"\nmemory = "memory"\noutput = "."\nbundled_reference = false\n\n' + mt,
        encoding="utf-8",
    )


def check_outcome(root: Path, engine_prefix: str, output: str) -> None:
    from generator.parse import load_bundled_guide

    guide = load_bundled_guide()
    reviewed = {
        unit.segment_id: unit.en
        for tmx in (root / "memory").glob("*.tmx")
        for unit in read_tmx(tmx)
        if unit.segment_id
    }
    assert f"MT engine: {engine_prefix}" in output
    select_workspace(None, None)  # the workspace of `root` (the working directory), read afresh
    translations = workspace_translations(guide)
    mt_seen = reviewed_seen = 0
    for segment in select_segments(guide, list(DIRECTIONS)):
        translation = translations[segment.id]
        if segment.id in reviewed:
            reviewed_seen += 1
            assert translation.provenance == Provenance.REVIEWED
            assert translation.en == reviewed[segment.id]
        elif translation.provenance == Provenance.MT:
            mt_seen += 1
            assert _part(segment, translation).kind == PartKind.DRAFT
    assert mt_seen > 0 and reviewed_seen > 10


def test_translate_engine_ct2_on_the_bundled_guide(
    bundled_workspace: Path, ct2_copy_models: dict[str, Path]
) -> None:
    write_settings(bundled_workspace, '[mt]\nengine = "ct2"\n')
    result = runner.invoke(app, ["models", "install", str(ct2_copy_models["nllb"])])
    assert result.exit_code == 0, result.output
    args = ["translate", *[arg for d in DIRECTIONS for arg in ("-d", d)]]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "seg/s" in result.output
    check_outcome(bundled_workspace, "ct2:nllb:nllb-zh-en:", result.output)


def test_translate_engine_llm_on_the_bundled_guide(bundled_workspace: Path) -> None:
    with chat_server() as (url, script):
        write_settings(
            bundled_workspace,
            f'[mt]\nengine = "memory"\n\n[mt.llm]\nbase_url = "{url}"\nmodel = "fixture-llm"\nbackoff = 0.01\n',
        )
        args = ["translate", "--engine", "llm", *[arg for d in DIRECTIONS for arg in ("-d", d)]]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        check_outcome(bundled_workspace, "llm:fixture-llm:", result.output)
        requests = len(script.requests)
        assert requests > 0
        # A rerun costs nothing: everything comes from the MT cache.
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert len(script.requests) == requests
        assert "from the MT cache" in result.output


def test_translate_engine_llm_with_the_server_down_names_the_url(bundled_workspace: Path) -> None:
    write_settings(
        bundled_workspace,
        '[mt.llm]\nbase_url = "http://127.0.0.1:9/v1"\nmodel = "fixture-llm"\nmax_retries = 0\n',
    )
    result = runner.invoke(app, ["translate", "--engine", "llm", "-d", "2.1"])
    assert result.exit_code != 0
    assert "http://127.0.0.1:9/v1/chat/completions" in result.output and "Traceback" not in result.output
