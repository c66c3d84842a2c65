"""Real CTranslate2 decoding with a hand-set model that copies its source: what MT code must preserve."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.translate.engine import CTranslate2Engine
from generator.translate.models import find_package, install_package
from generator.translate.mt import translate_texts
from generator.translate.termbase import TermIndex

from .conftest import MINI_GUIDE


@pytest.fixture
def engine(copy_argosmodel: Path, isolated_state: Path) -> CTranslate2Engine:
    install_package(copy_argosmodel)
    package = find_package()
    assert package is not None
    return CTranslate2Engine(package)


def test_the_model_copies_its_input(engine: CTranslate2Engine) -> None:
    [[best, *_]] = engine.translate(["The project shall be led by an enterprise."], num_hypotheses=2)
    assert best.text == "The project shall be led by an enterprise."


def test_placeholders_survive_real_decoding_and_are_restored(
    engine: CTranslate2Engine, terms: TermIndex
) -> None:
    [result] = translate_texts(["制备出光电转换效率≥20%的柔性钙钛矿太阳能电池，循环10000次。"], engine, terms)
    assert not any(issue.startswith("mt: placeholder") for issue in result.issues), result.issues
    assert "≥ 20%" in result.en and "10,000" in result.en
    assert "flexible" in result.en and "perovskite solar cell" in result.en


def test_suppress_sequences_forces_another_rendering(engine: CTranslate2Engine) -> None:
    [hypotheses] = engine.translate(
        ["The project shall be led by an enterprise."], num_hypotheses=2, suppress=["enterprise"]
    )
    assert all("enterprise" not in h.text for h in hypotheses)


def test_unknown_source_pieces_are_copied_back(engine: CTranslate2Engine) -> None:
    # 鑫 never occurs in the training lines: the decoder emits <unk>, which replace_unknowns maps back.
    [[best, *_]] = engine.translate(["鑫项目。"], num_hypotheses=1)
    assert best.text == "鑫项目。"


def test_cli_end_to_end_with_the_copy_model(copy_argosmodel: Path, isolated_state: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["models", "install", str(copy_argosmodel)]).exit_code == 0
    result = runner.invoke(app, ["translate", "--guide", str(MINI_GUIDE), "--engine", "argos"])
    assert result.exit_code == 0, result.output
    report = json.loads((isolated_state / "qa" / "latest.json").read_text(encoding="utf-8"))
    mt_findings = [f for f in report["findings"] if f["provenance"] == "mt"]
    # The copied Chinese is flagged (CJK; target = source where nothing was protected), but the
    # protected numbers and terms all came back: no numbers, glossary, placeholder or mt findings.
    assert {f["check"] for f in mt_findings} == {"cjk", "same_as_source"}
    assert report["totals"]["by_provenance"] == {"mt": 16, "pattern": 8}
