"""Each CTranslate2 family decoded for real: the copying fixture models give back their input only when
the family's language tokens, end of sentence and target prefix are placed right."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.translate.engine import CTranslate2Engine
from generator.translate.models import detect_model
from generator.translate.mt import translate_texts
from generator.translate.termbase import TermIndex

FAMILIES = ("opus-mt", "nllb", "m2m100")
SENTENCE = "项目由企业牵头申报。"


@pytest.mark.parametrize("family", FAMILIES)
def test_copy_model_round_trips_through_the_family_conventions(
    ct2_copy_models: dict[str, Path], family: str
) -> None:
    engine = CTranslate2Engine(detect_model(ct2_copy_models[family]))
    [[best, *_]] = engine.translate([SENTENCE], num_hypotheses=2)
    assert best.text == SENTENCE
    assert "eng_Latn" not in best.text and "__en__" not in best.text


@pytest.mark.parametrize(("family", "language"), [("nllb", "zho_Hans"), ("m2m100", "__zh__")])
def test_multilingual_input_carries_the_language_token_the_model_reads(
    ct2_copy_models: dict[str, Path], family: str, language: str
) -> None:
    engine = CTranslate2Engine(detect_model(ct2_copy_models[family]))
    tokens = engine.encode(SENTENCE)
    assert tokens[0] == language and tokens[-1] == "</s>"
    prefix = list(engine.model.target_prefix)
    [right] = engine.translator.translate_batch([tokens], target_prefix=[prefix])
    assert right.hypotheses[0] == [*prefix, *tokens[1:-1]]
    # Without the language token the copy is shifted by one piece: the position matters.
    [shifted] = engine.translator.translate_batch([tokens[1:]], target_prefix=[prefix])
    assert shifted.hypotheses[0] == [*prefix, *tokens[2:-1]]


@pytest.mark.parametrize("family", FAMILIES)
def test_placeholders_and_terms_restored_for_every_family(
    ct2_copy_models: dict[str, Path], family: str, terms: TermIndex
) -> None:
    engine = CTranslate2Engine(detect_model(ct2_copy_models[family]))
    [result] = translate_texts(["研制柔性钙钛矿太阳能电池，效率≥20%。"], engine, terms)
    assert "flexible" in result.en and "perovskite solar cell" in result.en and "≥ 20%" in result.en
    assert not [issue for issue in result.issues if "placeholder" in issue]


def test_beam_size_is_part_of_the_engine_id(ct2_copy_models: dict[str, Path]) -> None:
    model = detect_model(ct2_copy_models["opus-mt"])
    default, wider = CTranslate2Engine(model), CTranslate2Engine(model, beam_size=6)
    assert default.engine_id.startswith("ct2:opus-mt:opus-mt-zh-en:")
    assert wider.engine_id == default.engine_id + ":beam6"
