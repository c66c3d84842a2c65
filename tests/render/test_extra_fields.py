"""Fields without a typed field of their own (有关说明, 合作协议, unknown labels) render in both languages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import lxml.html

from generator.glossary.termbase import load_termbase
from generator.parse import parse_guide
from generator.render.context import build_call_context
from generator.render.html import render_html
from generator.segments import Provenance, State, Translation, segment_guide

GUIDES = Path(__file__).parent.parent / "fixtures" / "guides"


def _call(name: str, english: dict[str, str] | None = None):
    guide = parse_guide(GUIDES / name)
    translations = {
        s.id: Translation(s.id, english[s.id], Provenance.REVIEWED, State.FINAL)
        for s in segment_guide(guide)
        if english and s.id in english
    }
    return build_call_context(guide, translations, issued=dt.date(2024, 1, 1), terms=load_termbase())


def test_labels_come_from_the_termbase_and_text_keeps_its_order() -> None:
    call = _call("intergovernmental-numbered.txt", {"1:funding:0": "CNY 10 million."})
    direction = call.directions[0]
    assert [(f.label.zh, f.label.en) for f in direction.extra_fields] == [
        ("合作协议", "Cooperation agreement"),
        ("领域方向", "Priority fields"),
        ("共拟支持经费", "Total planned funding"),
    ]
    domains = direction.extra_fields[1].paras
    assert [(p.label, p.zh) for p in domains] == [("1", "人工智能；"), ("2", "生命科学与健康。")]
    assert direction.extra_fields[2].paras[0].en == "CNY 10 million."


def test_every_field_is_in_the_documents_in_both_languages() -> None:
    call = _call("key-special-three-level.txt", {"1.1.2:label:0": "Application notes"})
    for lang in ("en", "bilingual", "zh"):
        html = render_html("call", lang, call, "1.1.2").html
        text = lxml.html.document_fromstring(html).text_content()
        assert "须提供中试装置运行数据" in text, lang  # untranslated: shown in Chinese, flagged
        if lang != "zh":
            assert "Application notes" in text, lang
        if lang != "en":
            assert "申报说明" in text, lang
    html = render_html("call", "en", call, "1.1.1").html
    root = lxml.html.document_fromstring(html)
    headings = [h.text_content().strip() for h in root.xpath("//*[contains(@class, 'extra-field')]")]
    assert headings == ["Notes", "Implementation period"]


def test_a_direction_without_extra_fields_renders_none() -> None:
    call = _call("key-special-chinese-sections.txt")
    html = render_html("call", "en", call, "2").html
    assert "extra-field" not in html
