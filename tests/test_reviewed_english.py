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


# The checklist of "How the reviewed English is written" (README), one test per class that can be tested.

_LATEX_LEFTOVER = re.compile(r"[_^\\{}$]")


def _pairs(result: PipelineResult) -> list[tuple[str, str, str]]:
    return [(s.id, s.zh, t.en or "") for s, t in zip(result.segments, result.translations, strict=True)]


def _tmx_texts() -> list[tuple[str, str]]:
    """(file:tuid, text) for every segment and translator's note of the reviewed memory."""
    from lxml import etree

    from generator.paths import MEMORY_DIR

    texts = []
    for path in sorted(Path(MEMORY_DIR).glob("*.tmx")):
        for unit in etree.parse(str(path)).iter("tu"):
            where = f"{path.name}:{unit.get('tuid')}"
            texts += [(where, seg.text or "") for seg in unit.iter("seg")]
            texts += [(where, note.text or "") for note in unit.iter("note")]
    return texts


def test_no_latex_leftovers_in_chinese_or_english(memory_only: PipelineResult) -> None:
    found = [(sid, text) for sid, zh, en in _pairs(memory_only) for text in (zh, en) if _LATEX_LEFTOVER.search(text)]
    found += [(where, text) for where, text in _tmx_texts() if _LATEX_LEFTOVER.search(text)]
    assert found == []


def test_china_is_never_domestic(memory_only: PipelineResult) -> None:
    # 国产/国内 is Chinese, made in China or in China: "domestic" reads as the partner's own country.
    assert [sid for sid, _, en in _pairs(memory_only) if re.search(r"(?i)\bdomestic", en)] == []
    for sid, zh, en in _pairs(memory_only):
        if re.search("国产|国内", zh):
            assert re.search(r"\bChin(a|ese)", en), sid


def test_chinese_standards_and_laws_say_chinese(memory_only: PipelineResult) -> None:
    pattern = re.compile("国标|国家标准|国家[/或和]行业标准|国家[^，。；]{0,4}法规|国家法律")
    checked = 0
    for sid, zh, en in _pairs(memory_only):
        if pattern.search(zh):
            checked += 1
            assert re.search(r"Chinese (national|laws)", en), sid
            assert not re.search(r"(?<!Chinese )\bnational (laws|regulations)", en), sid
    assert checked >= 7


_NUMBER_BOUND = re.compile(r"(?<![低小于过大高\d.])(\d+(?:\.\d+)?)([^\d，。；、（）()]{0,6}?)(以上|以下)")
_EXCLUSIVE_BEFORE = r"(?:above|over|more than|greater than|higher than|below|under|less than|fewer than|lower than)"
_INCLUSIVE_AFTER = r"(?:or|and) (?:more|above|higher|greater|larger|longer|less|below|lower|fewer|smaller)"
_INCLUSIVE_BEFORE = r"(?:at least|no less than|not less than|at most|no more than|up to|within|≥|≤)"


def _english_number(number: str) -> str:
    if "." in number or int(number) < 10000:
        return number
    return f"{int(number):,}"


def test_yishang_and_yixia_include_their_number(memory_only: PipelineResult) -> None:
    # In MOST guides 300米以上 is "300 m or more" and 20nm以下 "20 nm and below", never "above 300 m".
    checked = 0
    for sid, zh, en in _pairs(memory_only):
        for match in _NUMBER_BOUND.finditer(zh):
            if re.search("[万亿]", match.group(2)):
                continue
            number = re.escape(_english_number(match.group(1)))
            checked += 1
            assert not re.search(rf"\b{_EXCLUSIVE_BEFORE}\s+{number}(?![\d,])", en), (sid, match.group(0))
            inclusive = (
                rf"(?<![\d.,]){number}(?![\d,])[^;:]{{0,40}}?\b{_INCLUSIVE_AFTER}\b"
                rf"|{_INCLUSIVE_BEFORE}\s*{number}(?![\d,])"
            )
            assert re.search(inclusive, en), (sid, match.group(0))
    assert checked >= 70


def test_resolution_is_finer_not_at_least(memory_only: PipelineResult) -> None:
    # 分辨率不低于 5 km: a resolution (like a detection limit, error or noise) is better when smaller.
    smaller_is_better = r"resolution|detection limit|limit of detection|error|noise|roughness|leakage"
    for sid, _, en in _pairs(memory_only):
        assert not re.search(rf"(?i)\b(?:{smaller_is_better})[^;,]{{0,20}}\b(?:at least|no less than|or more)\b", en), sid
    resolution = [(sid, en) for sid, zh, en in _pairs(memory_only) if re.search("分辨率不(低|小)于", zh)]
    assert resolution and all("or finer" in en for _, en in resolution)


def test_patterns_and_mechanisms_are_not_laws(memory_only: PipelineResult) -> None:
    # 规律 is a pattern, regularity or mechanism; "law" only for 物理规律 and named laws (标度律).
    for sid, zh, en in _pairs(memory_only):
        if "规律" in zh and "物理规律" not in zh:
            assert not re.search(r"(?i)\blaws?\b(?! and regulations)", en), sid


def test_model_base_is_a_foundation_model(memory_only: PipelineResult) -> None:
    pairs = [(sid, en) for sid, zh, en in _pairs(memory_only) if re.search("模型基座|基座模型", zh)]
    assert len(pairs) >= 2
    assert all("foundation model" in en and "model base" not in en for _, en in pairs)


_BRITISH = re.compile(
    r"\b(?:programmes?|licence|defence|ageing|aluminium|sulph\w*|grey|judgement|whilst|amongst|artefacts?|analogue"
    r"|(?:organ|author|character|optim|util|minim|maxim|standard|real|recogn|stabil|neutral|commercial|industrial"
    r"|visual|categor|normal|custom|general|local|harmon|priorit|summar|emphas|synthes|digital|special|mobil"
    r"|moderni|final|initial|serial|polar|capital|central|miniatur|vapor)is(?:e|ed|es|ing|ation|ations|er|ers)"
    r"|(?:analy|cataly|paraly|hydroly|electroly|pyroly)s(?:e|ed|ing)"
    r"|(?:colo|behavio|favo|hono|labo|neighbo|harbo|flavo|vapo|tumo|rigo|vigo|endeavo)urs?"
    r"|(?:cent|met|lit|fib|theat|calib|lust|meag|kilomet|centimet|millimet|nanomet|micromet)re[sd]?"
    r"|(?:model|label|travel|signal|cancel|fuel|tunnel|channel|level|counsel|total|dial|marshal|pixel|funnel)l(?:ed|ing))\b",
    re.IGNORECASE,
)


def _english_catalog() -> list[str]:
    from babel.messages.pofile import read_po

    from generator.render.i18n import LOCALE_DIR

    with open(LOCALE_DIR / "en" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    texts = []
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        # What the English documents print: the translation when there is one, else the source string.
        texts += [str(string or source) for source, string in zip(ids, strings, strict=False) if source]
    return texts


def test_american_spelling_everywhere(memory_only: PipelineResult) -> None:
    assert _BRITISH.search("the organisation's programme licence") and not _BRITISH.search("organization program")
    found = [(sid, m.group(0)) for sid, _, en in _pairs(memory_only) for m in _BRITISH.finditer(en)]
    found += [(where, m.group(0)) for where, text in _tmx_texts() for m in _BRITISH.finditer(text)]
    found += [(text[:40], m.group(0)) for text in _english_catalog() for m in _BRITISH.finditer(text)]
    termbase = load_termbase()
    found += [
        (entry.zh, m.group(0))
        for entry in termbase.entries
        if entry.status is Status.APPROVED
        for form in entry.renderings
        for m in _BRITISH.finditer(form)
    ]
    assert found == []


def test_foreign_partner_rule_includes_hong_kong_macao_taiwan(memory_only: PipelineResult) -> None:
    rule = [(sid, en) for sid, zh, en in _pairs(memory_only) if sid.startswith("guide:") and "国（境）外" in zh]
    assert rule and all("foreign (including Hong Kong, Macao and Taiwan)" in en for _, en in rule)


def test_negative_numbers_take_the_minus_sign(memory_only: PipelineResult) -> None:
    # One house style: −40 °C (U+2212), as SI typesetting does; "-" before a digit is a hyphen.
    assert [sid for sid, _, en in _pairs(memory_only) if re.search(r"(?<![\w.])-\d", en)] == []
    assert any("−40 °C" in en for _, _, en in _pairs(memory_only))
