"""Documents of every guide layout show what that guide states, and nothing of the bundled guide's layout.

Faithful or silent: a guide of another layout (or a partial one) states no general rule on the number of
projects, no call-wide limits and no type labels, so its documents show none; the bundled guide keeps them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import lxml.html
import pytest

from generator.glossary.termbase import load_termbase
from generator.parse import parse_guide
from generator.render.context import CallContext, build_call_context
from generator.render.html import render_html
from generator.render.i18n import gettext_pair
from generator.segments import Provenance, State, Translation, segment_guide

GUIDES = Path(__file__).parent.parent / "fixtures" / "guides"
ISSUED = dt.date(2024, 1, 1)

# Some English, so that "present in both languages" can be checked on English that exists.
ENGLISH = {
    "1:funding:0": "CNY 10 million.",
    "1:agreement:0": "Agreement on Scientific and Technological Cooperation between China and Austria.",
    "1:domains:0": "Artificial intelligence;",
    "1.1.1:content:0": "Study the active sites of catalysts for methane dehydroaromatization.",
}

# Wordings that belong to the bundled guide's preamble: never shown unless the guide states them.
BUNDLED_ONLY = (
    "1–2 (general rule of the call)",
    "No number is stated for this direction: the general rule of the call applies (in principle 1 project; 2 "
    "when the two best proposals score closely and follow clearly different technical routes).",
    "the lead institution and the foreign partners sign a cooperation agreement with a clear division of work",
    "co-authored papers, joint international patents or standards, international conferences, exchange and "
    "training of researchers, joint platforms",
    "Binding rules of the call",
    "General conditions of the call",
    "National funding (whole call)",
)
# Wordings of the bundled layout's facts table that another layout does not state.
TYPED_LAYOUT_ONLY = ("Not stated", "None stated for this direction.", "One set: all indicators apply")

DOCUMENTS = (
    ("call", "en"),
    ("call", "bilingual"),
    ("call", "zh"),
    ("briefing", "en"),
    ("agreement", "bilingual"),
    ("whole", "en"),
    ("whole", "zh"),
)
FIXTURES = (
    "intergovernmental-numbered.txt",
    "intergovernmental-unnumbered.txt",
    "key-special-three-level.txt",
    "key-special-chinese-sections.txt",
    "partial-typed.txt",
)


def _call(name: str) -> CallContext:
    guide = parse_guide(GUIDES / name)
    translations = {
        s.id: Translation(s.id, ENGLISH[s.id], Provenance.REVIEWED, State.FINAL)
        for s in segment_guide(guide)
        if s.id in ENGLISH
    }
    return build_call_context(guide, translations, issued=ISSUED, terms=load_termbase())


@pytest.fixture(scope="module")
def calls() -> dict[str, CallContext]:
    return {name: _call(name) for name in FIXTURES}


def _text(html: str) -> str:
    return " ".join(lxml.html.document_fromstring(html).body.text_content().split())


def _headings(html: str) -> list[str]:
    root = lxml.html.document_fromstring(html)
    return [" ".join(h.text_content().split()) for h in root.xpath("//h2|//h3")]


def _wordings(msgid: str, lang: str) -> list[str]:
    """The msgid as the document of `lang` prints it: English, Chinese, or both."""
    pair = gettext_pair(msgid)
    return {"en": [pair.en or msgid], "zh": [pair.zh], "bilingual": [pair.en or msgid, pair.zh]}[lang]


def _render(call: CallContext, kind: str, lang: str, direction_id: str) -> str:
    return render_html(kind, lang, call, None if kind == "whole" else direction_id).html


@pytest.mark.parametrize("name", FIXTURES)
@pytest.mark.parametrize(("kind", "lang"), DOCUMENTS)
def test_nothing_of_the_bundled_preamble_is_shown(calls, name: str, kind: str, lang: str) -> None:
    call = calls[name]
    assert not call.rules and not call.has_conditions
    direction = call.directions[0]
    assert not direction.projects_rule
    text = _text(_render(call, kind, lang, direction.id))
    # The facts table's wordings (not the agreement's clauses, which may truly say "states no ratio").
    facts_table = not direction.typed_layout and kind != "agreement"
    absent: tuple[str, ...] = BUNDLED_ONLY + TYPED_LAYOUT_ONLY if facts_table else BUNDLED_ONLY
    if direction.type is None:  # the advice stands on the direction's type or the preamble's rules
        absent += ("What a foreign partner would bring",)
    for msgid in absent:
        for wording in _wordings(msgid, lang):
            assert " ".join(wording.split()) not in text, (name, kind, lang, wording)
    assert "None" not in text.replace("None stated", "")  # no unformatted empty value
    assert "a signed cooperation agreement" not in text  # the briefing's partner rule
    if direction.type is None:
        for wording in _wordings("Type", lang):
            assert f"{wording} " not in text.replace("Type of", ""), (name, kind, lang)


@pytest.mark.parametrize("lang", ["en", "bilingual", "zh"])
def test_an_intergovernmental_item_shows_its_fields_in_guide_order(calls, lang: str) -> None:
    call = calls["intergovernmental-numbered.txt"]
    html = _render(call, "call", lang, "1")
    headings = _headings(html)
    labels = [("合作协议", "Cooperation agreement"), ("领域方向", "Priority fields"),
              ("拟支持项目数", "Number of projects to be supported"), ("共拟支持经费", "Total planned funding"),
              ("其他要求", "Other requirements")]
    expected = [zh if lang == "zh" else en for zh, en in labels]
    found = [next(i for i, h in enumerate(headings) if wording in h) for wording in expected]
    assert found == sorted(found), headings
    for msgid in ("Keywords", "Research content", "Assessment indicators"):
        for wording in _wordings(msgid, lang):
            assert not any(h == wording for h in headings), (lang, msgid)
    text = _text(html)
    assert "不超过5项" in text  # untranslated: the Chinese, flagged
    if lang != "zh":
        assert "CNY 10 million." in text and "Artificial intelligence;" in text
    if lang != "en":
        assert "人工智能；" in text and "1000万元" in text


def test_a_key_special_direction_shows_its_own_fields_only(calls) -> None:
    call = calls["key-special-three-level.txt"]
    en = _headings(_render(call, "call", "en", "1.1.1"))
    body = en[en.index("Research content") :]
    assert body[:5] == [
        "Research content",
        "Assessment indicators",
        "Notes",
        "Implementation period",
        "Number of projects to be supported",
    ]
    assert "Keywords" not in en and "Other requirements" not in en
    zh = _text(_render(call, "call", "zh", "1.1.1"))
    assert "有关说明" in zh and "1~2项，国拨经费不超过2000万元" in zh
    briefing = _text(_render(call, "briefing", "en", "1.1.1"))
    assert "Study the active sites of catalysts" in briefing and "Implementation period" in briefing
    assert "Keywords" not in briefing


def test_the_whole_call_holds_items_outside_areas(calls) -> None:
    call = calls["intergovernmental-numbered.txt"]
    assert not call.areas and len(call.loose_directions) == 2
    html = render_html("whole", "en", call, None).html
    root = lxml.html.document_fromstring(html)
    assert root.xpath("//section[@id='d-1']") and root.xpath("//section[@id='d-2']")
    assert [a.get("href") for a in root.xpath("//nav//li[@class='toc-direction']/a")] == ["#d-1", "#d-2"]
    assert "0 areas" not in _text(html)


def test_the_agreement_annex_holds_the_items_fields(calls) -> None:
    call = calls["intergovernmental-numbered.txt"]
    root = lxml.html.document_fromstring(_render(call, "agreement", "bilingual", "1"))
    annex = " ".join(root.xpath("//section[h2[@id='annex-a']]")[0].text_content().split())
    assert "合作协议" in annex and "Priority fields" in annex and "1000万元" in annex


def test_the_agreement_names_no_parts_an_item_does_not_have(calls) -> None:
    """An intergovernmental item states no research content or indicators: Annex A holds neither."""
    text = _text(_render(calls["intergovernmental-numbered.txt"], "agreement", "bilingual", "1"))
    assert "research content" not in text.lower() and "研究内容" not in text
    assert "indicators in Annex A" not in text and "indicators of Annex A" not in text
    assert "附件A考核指标" not in text and "附件A所列考核指标" not in text
    assert "Annex A: 申报指南所列指南方向 · The direction as published in the call" in text
    assert "carried out under direction 1 of the call" in text and "indicators set in the Task Agreement" in text
    both = _text(_render(calls["key-special-three-level.txt"], "agreement", "bilingual", "1.1.1"))
    assert "research content and assessment indicators of direction 1.1.1" in both
    assert "assessment indicators in Annex A" in both


def test_the_bundled_guide_still_shows_its_general_rules() -> None:
    parse = pytest.importorskip("generator.parse")
    call = build_call_context(parse.load_bundled_guide(), issued=ISSUED)
    assert {"projects", "agreement", "cooperation-outputs", "partner"} <= call.rule_ids
    unnumbered = next(d for d in call.directions if not d.projects_supported and not d.projects_note)
    assert unnumbered.projects_rule and unnumbered.typed_layout
    text = _text(render_html("call", "en", call, unnumbered.id).html)
    for wording in BUNDLED_ONLY[:2] + ("Expected cooperation outputs", "Binding rules of the call", "Type"):
        assert " ".join(wording.split()) in text, wording
    zh = _text(render_html("call", "zh", call, unnumbered.id).html)
    assert gettext_pair("1–2 (general rule of the call)").zh in zh
    briefing = _text(render_html("briefing", "en", call, unnumbered.id).html)
    for wording in ("National funding (whole call)", "Partners", "What a foreign partner would bring"):
        assert wording in briefing, wording


def test_one_intergovernmental_pdf(calls) -> None:
    pypdf = pytest.importorskip("pypdf")
    import io

    from generator.render.pdf import layout_pdf

    rendered = layout_pdf(_render(calls["intergovernmental-numbered.txt"], "call", "en", "1"))
    text = " ".join(
        " ".join((page.extract_text() or "").split()) for page in pypdf.PdfReader(io.BytesIO(rendered.write())).pages
    )
    assert "Priority fields" in text and "CNY 10 million." in text
    assert "general rule" not in text and "Keywords" not in text


def test_field_order_follows_the_guide(calls) -> None:
    assert calls["intergovernmental-numbered.txt"].directions[0].field_order == (
        "extra:0",
        "extra:1",
        "projects",
        "extra:2",
        "other",
    )
    assert calls["key-special-three-level.txt"].direction("1.1.2").field_order == ("content", "indicators", "extra:0")


@pytest.mark.parametrize("lang", ["en", "zh", "bilingual"])
def test_an_areas_introduction_is_shown_under_its_heading(lang: str) -> None:
    from generator.parse import parse_text

    text = (GUIDES / "key-special-chinese-sections.txt").read_text(encoding="utf-8").replace(
        "（一）高性能轻合金\n", "（一）高性能轻合金\n\n本领域部署轻合金构件制备方向。\n", 1
    )
    call = build_call_context(parse_text(text), issued=ISSUED)
    root = lxml.html.document_fromstring(_render(call, "whole", lang, ""))
    [area] = root.xpath("//section[@id='area-（一）']")
    assert "本领域部署轻合金构件制备方向。" in area.text_content()
    first_direction = area.xpath(".//section[starts-with(@id, 'd-')]")[0]
    assert "本领域部署轻合金构件制备方向。" not in first_direction.text_content()
