from __future__ import annotations

from pathlib import Path

import pytest

from generator.glossary.termbase import render_term_file
from generator.model import Guide
from generator.parse import parse_guide
from generator.translate import qa, store
from generator.translate import termbase as termbase_module
from generator.translate.termbase import TermIndex, term
from generator.translate.testing import build_argos_package, build_ct2_model

FIXTURES = Path(__file__).parent / "fixtures"
MINI_GUIDE = FIXTURES / "mini-guide.zh.txt"

TERMS = [
    term("钙钛矿太阳能电池", "perovskite solar cell", forbidden=["perovskite solar battery"]),
    term("库伦效率", "Coulombic efficiency", forbidden=["coulomb efficiency", "Coulomb's efficiency"]),
    term(
        "光电储一体化器件",
        "integrated photovoltaic–storage device",
        forbidden=["photoelectric storage device"],
    ),
    term("柔性", "flexible"),
    term("碳足迹核算", "carbon footprint accounting"),
    term("光伏系统规划", "PV system planning", status="proposed"),
]


@pytest.fixture(scope="session")
def mini_guide() -> Guide:
    return parse_guide(MINI_GUIDE)


@pytest.fixture
def terms() -> TermIndex:
    return TermIndex(TERMS)


@pytest.fixture(autouse=True)
def isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Memory database, TMX folder, QA reports, termbase and argos packages all under tmp_path."""
    memory_dir = tmp_path / "memory"
    memory_dir.mkdir()
    terms_dir = tmp_path / "terms"
    terms_dir.mkdir()
    (terms_dir / "01-test.csv").write_text(render_term_file(TERMS), encoding="utf-8")
    monkeypatch.setattr(store, "DEFAULT_DB", tmp_path / "state" / "memory.sqlite")
    monkeypatch.setattr(store, "MEMORY_DIR", memory_dir)
    monkeypatch.setattr(qa, "QA_DIR", tmp_path / "qa")
    monkeypatch.setattr(termbase_module, "TERMS_DIR", terms_dir)
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "argos"))
    monkeypatch.setenv("CALLPACK_MODELS_DIR", str(tmp_path / "models"))
    # A workspace of its own, so the CLI reads and writes nothing of the repository's.
    (tmp_path / "callpack.toml").write_text(
        "[workspace]\n"
        f'guide = "{MINI_GUIDE.as_posix()}"\n'
        'terms = "terms"\nmemory = "memory"\noutput = "."\nbundled_reference = false\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _training_lines() -> list[str]:
    lines = [line.strip() for line in MINI_GUIDE.read_text(encoding="utf-8").splitlines() if line.strip()]
    english = [
        "The project shall be led by an enterprise.",
        "Develop key technologies for flexible perovskite solar cells.",
        "The ratio of matching funds to national funding shall be no less than 3:1.",
        "Produce a product prototype and complete pilot batch production.",
    ]
    return lines * 3 + english * 20


@pytest.fixture(scope="session")
def copy_argosmodel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A hand-set zh→en package whose model copies its input token by token (placeholders included)."""
    directory = tmp_path_factory.mktemp("argos-copy")
    return build_argos_package(
        directory / "callpack-copy-zh-en.argosmodel",
        _training_lines(),
        name="callpack-copy-zh-en",
        vocab_size=300,
        copy=True,
    )


@pytest.fixture(scope="session")
def fixture_argosmodel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight zh→en package (2+2 layers, d_model 16), built once per session."""
    lines = [line.strip() for line in MINI_GUIDE.read_text(encoding="utf-8").splitlines() if line.strip()]
    english = [
        "The project shall be led by an enterprise.",
        "Develop key technologies for flexible perovskite solar cells.",
        "The ratio of matching funds to national funding shall be no less than 3:1.",
        "Produce a product prototype and complete pilot batch production.",
    ]
    directory = tmp_path_factory.mktemp("argos-fixture")
    return build_argos_package(
        directory / "callpack-fixture-zh-en.argosmodel",
        lines * 3 + english * 20,
        vocab_size=300,
        eos_bias=6.0,
    )


@pytest.fixture(scope="session")
def ct2_copy_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Converted-model folders of each family (opus-mt, nllb, m2m100) whose model copies its input."""
    directory = tmp_path_factory.mktemp("ct2-copy")
    return {
        family: build_ct2_model(directory / f"{family}-zh-en", family, _training_lines(), vocab_size=300)
        for family in ("opus-mt", "nllb", "m2m100")
    }
