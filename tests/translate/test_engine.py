"""The CTranslate2 runner on the tiny random-weight fixture package (real decoding, garbage output)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import TranslationError
from generator.translate.engine import CTranslate2Engine, cpu_workers
from generator.translate.models import find_package, install_package, installed_packages, read_package


@pytest.fixture
def engine(fixture_argosmodel: Path, isolated_state: Path) -> CTranslate2Engine:
    install_package(fixture_argosmodel)
    package = find_package()
    assert package is not None
    return CTranslate2Engine(package)


def test_nbest_output_in_score_order(engine: CTranslate2Engine) -> None:
    outputs = engine.translate(["项目由企业牵头申报。", "ZXA柔性ZXB。"], num_hypotheses=3)
    assert len(outputs) == 2
    for hypotheses in outputs:
        assert len(hypotheses) == 3
        scores = [h.score for h in hypotheses]
        assert scores == sorted(scores, reverse=True)


def test_suppressed_sequences_never_appear(engine: CTranslate2Engine) -> None:
    sentence = "构筑便携式柔性光电储一体化器件。"
    [[best, *_]] = engine.translate([sentence], num_hypotheses=2)
    pieces = engine.encode(best.text)
    banned = next(
        piece
        for piece in pieces
        if piece.strip("▁") and engine.tokenizer.piece_to_id(piece) != engine.tokenizer.unk_id()
    )
    text = banned.replace("▁", " ").strip()
    [again] = engine.translate([sentence], num_hypotheses=2, suppress=[text])
    for hypothesis in again:
        assert banned not in engine.encode(hypothesis.text)


def test_a_package_without_a_model_is_not_used(tmp_path: Path, isolated_state: Path) -> None:
    broken = isolated_state / "argos" / "broken"
    broken.mkdir(parents=True)
    (broken / "metadata.json").write_text('{"from_code": "zh", "to_code": "en"}', encoding="utf-8")
    assert [p.path for p in installed_packages()] == [broken]
    assert find_package() is None
    with pytest.raises(TranslationError, match="model.bin"):
        CTranslate2Engine(read_package(broken))


@pytest.mark.parametrize(
    ("threads", "expected"), [(1, (1, 1)), (2, (2, 1)), (4, (4, 1)), (8, (4, 2)), (16, (4, 4)), (6, (4, 1))]
)
def test_cores_go_to_parallel_batches_first(threads: int, expected: tuple[int, int]) -> None:
    assert cpu_workers(threads) == expected


def test_parallel_workers_give_the_output_of_one(engine: CTranslate2Engine) -> None:
    sentences = ["项目由企业牵头申报。", "ZXA柔性ZXB。", "设计生产大面积模组。"] * 20
    one = CTranslate2Engine(engine.model, threads=1, max_batch_tokens=64)
    two = CTranslate2Engine(engine.model, threads=2, max_batch_tokens=64)
    assert (one.translator.num_translators, two.translator.num_translators) == (1, 2)
    assert one.translate(sentences, num_hypotheses=2) == two.translate(sentences, num_hypotheses=2)
