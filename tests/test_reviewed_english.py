"""The reviewed English of the bundled guide: complete, clean under QA, faithful to the termbase."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.glossary.check import run_check
from generator.glossary.termbase import Status, load_termbase
from generator.model import Guide
from generator.paths import TERMS_DIR
from generator.segments import Provenance
from generator.translate.pipeline import PipelineResult, translate_guide
from generator.translate.qa import run_qa
from generator.translate.termbase import load_term_index


@pytest.fixture(scope="module")
def memory_only(bundled_guide: Guide, tmp_path_factory: pytest.TempPathFactory) -> PipelineResult:
    # A fresh memory database seeded from glossary/memory/*.tmx, and no MT engine.
    memory = tmp_path_factory.mktemp("memory") / "memory.sqlite"
    return translate_guide(bundled_guide, engine=None, record=False, memory_path=memory)


def test_no_segment_is_left_untranslated(memory_only: PipelineResult) -> None:
    translations = memory_only.translations
    assert len(translations) == 1470
    assert all(t.en for t in translations)
    provenances = {t.provenance for t in translations}
    assert provenances <= {Provenance.REVIEWED, Provenance.PATTERN}


def test_qa_finds_nothing(memory_only: PipelineResult) -> None:
    translations = memory_only.translations
    report = run_qa(memory_only.segments, translations, load_term_index())
    assert report.totals.untranslated == 0
    assert [f"{f.segment_id}: {f.message}" for f in report.findings] == []


def test_glossary_is_followed(memory_only: PipelineResult) -> None:
    triples = [(s.id, s.zh, t.en or "") for s, t in zip(memory_only.segments, memory_only.translations, strict=True)]
    report = run_check(TERMS_DIR, triples)
    assert [f"{f.segment_id}: {f.message}" for f in report.errors] == []


def test_every_keyword_has_an_approved_entry(bundled_guide: Guide) -> None:
    termbase = load_termbase()
    missing = {
        keyword
        for direction in bundled_guide.directions
        for keyword in direction.keywords_zh
        if (entry := termbase.get(keyword)) is None or entry.status is not Status.APPROVED
    }
    assert missing == set()
    assert sum(1 for e in termbase.entries if e.status is Status.APPROVED) >= 1000


def test_english_house_style(memory_only: PipelineResult) -> None:
    for segment, translation in zip(memory_only.segments, memory_only.translations, strict=True):
        en = translation.en or ""
        assert not re.search(r"[\u4e00-\u9fff]", en), segment.id
        assert "CO2" not in en and "10^" not in en, segment.id
        if segment.field == "title":
            assert not en.endswith("."), segment.id


def test_type_names_and_fixed_sentences_are_identical_everywhere(memory_only: PipelineResult) -> None:
    english_by_zh: dict[str, set[str]] = {}
    for segment, translation in zip(memory_only.segments, memory_only.translations, strict=True):
        english_by_zh.setdefault(segment.zh, set()).add(translation.en or "")
    assert {zh: en for zh, en in english_by_zh.items() if len(en) > 1} == {}


def test_memory_files_exist() -> None:
    from generator.paths import MEMORY_DIR

    files = sorted(Path(MEMORY_DIR).glob("*.tmx"))
    assert len(files) == 11
