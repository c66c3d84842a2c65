"""Model folders: family detection, installation and listing (Argos packages and converted CTranslate2 models)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.errors import TranslationError
from generator.translate.models import detect_model, find_model, install_model, installed_models

runner = CliRunner()


@pytest.mark.parametrize(
    ("family", "prefix", "suffix", "target_prefix", "tokenizer"),
    [
        ("opus-mt", (), ("</s>",), (), "source.spm"),
        ("nllb", ("zho_Hans",), ("</s>",), ("eng_Latn",), "sentencepiece.bpe.model"),
        ("m2m100", ("__zh__",), ("</s>",), ("__en__",), "sentencepiece.bpe.model"),
    ],
)
def test_family_detected_with_its_conventions(
    ct2_copy_models: dict[str, Path],
    family: str,
    prefix: tuple[str, ...],
    suffix: tuple[str, ...],
    target_prefix: tuple[str, ...],
    tokenizer: str,
) -> None:
    model = detect_model(ct2_copy_models[family])
    assert model.family == family
    assert (model.source_language, model.target_language) == ("zh", "en")
    assert (model.source_prefix, model.source_suffix, model.target_prefix) == (prefix, suffix, target_prefix)
    assert model.source_tokenizer.name == tokenizer
    assert model.problems() == []
    assert model.size_bytes > 1000
    if family != "opus-mt":
        assert model.languages == "zh→en (of 5 languages)"


def test_opus_mt_languages_from_the_folder_name(ct2_copy_models: dict[str, Path], tmp_path: Path) -> None:
    copy = tmp_path / "opus-mt-en-de"
    shutil.copytree(ct2_copy_models["opus-mt"], copy)
    (copy / "tokenizer_config.json").unlink()
    model = detect_model(copy)
    assert (model.source_language, model.target_language) == ("en", "de")
    assert model.problems() == ["translates en→de, not zh→en"]
    with pytest.raises(TranslationError, match="not zh→en"):
        install_model(copy)


def test_opus_mt_three_letter_codes(ct2_copy_models: dict[str, Path], tmp_path: Path) -> None:
    copy = tmp_path / "converted"
    shutil.copytree(ct2_copy_models["opus-mt"], copy)
    (copy / "tokenizer_config.json").write_text(
        '{"source_lang": "zho", "target_lang": "eng"}', encoding="utf-8"
    )
    model = detect_model(copy)
    assert (model.source_language, model.target_language) == ("zh", "en") and model.problems() == []


def test_multilingual_model_without_chinese_is_not_usable(
    ct2_copy_models: dict[str, Path], tmp_path: Path
) -> None:
    copy = tmp_path / "nllb-no-zh"
    shutil.copytree(ct2_copy_models["nllb"], copy)
    vocabulary = json.loads((copy / "shared_vocabulary.json").read_text(encoding="utf-8"))
    vocabulary[vocabulary.index("zho_Hans")] = "kor_Hang"
    (copy / "shared_vocabulary.json").write_text(json.dumps(vocabulary), encoding="utf-8")
    assert detect_model(copy).problems() == ["translates ?→?, not zh→en"]


def test_unknown_folders_are_refused_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(TranslationError, match="no model.bin"):
        detect_model(tmp_path)
    (tmp_path / "model.bin").write_bytes(b"x")
    (tmp_path / "shared_vocabulary.json").write_text('["<unk>", "a"]', encoding="utf-8")
    with pytest.raises(TranslationError, match="unknown CTranslate2 model family"):
        detect_model(tmp_path)


def test_install_copies_the_folder_and_find_prefers_it(
    ct2_copy_models: dict[str, Path], isolated_state: Path
) -> None:
    installed = install_model(ct2_copy_models["m2m100"])
    assert installed.path == isolated_state / "models" / "m2m100-zh-en"
    assert (installed.path / "model.bin").is_file()
    assert not [p for p in (isolated_state / "models").iterdir() if p.name.startswith(".")]
    assert [m.name for m in installed_models()] == ["m2m100-zh-en"]
    found = find_model()
    assert found is not None and found.family == "m2m100"
    assert find_model(family="argos") is None
    assert find_model("no-such-model") is None
    # A folder given by path is used where it is, relative to the workspace root.
    by_path = find_model("nllb-zh-en", root=ct2_copy_models["nllb"].parent)
    assert by_path is not None and by_path.family == "nllb"


def test_cli_install_and_list(ct2_copy_models: dict[str, Path], fixture_argosmodel: Path) -> None:
    for source in (ct2_copy_models["opus-mt"], ct2_copy_models["nllb"], fixture_argosmodel):
        result = runner.invoke(app, ["models", "install", str(source)])
        assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["models", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output
    assert "opus-mt-zh-en" in lines and "nllb-zh-en" in lines and "callpack-fixture-zh-en" in lines
    assert "opus-mt" in lines and "nllb" in lines and "argos" in lines
    assert "zh→en (of 5 languages)" in lines
    assert "MB" in lines


def test_cli_install_of_a_bad_folder_fails_cleanly(tmp_path: Path) -> None:
    result = runner.invoke(app, ["models", "install", str(tmp_path)])
    assert result.exit_code != 0
    assert "no model.bin" in result.output and "Traceback" not in result.output
