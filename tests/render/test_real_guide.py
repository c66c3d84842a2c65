"""The bundled guide: every briefing fits on two A4 pages; a sample of documents renders."""

from __future__ import annotations

import lxml.html
import pytest

from generator.render.build import BRIEFING_MAX_PAGES, Job, _fit_briefing
from generator.render.context import build_call_context
from generator.render.html import render_html

from .conftest import ISSUED


@pytest.fixture(scope="module")
def real_call():
    parse = pytest.importorskip("generator.parse")
    return build_call_context(parse.load_bundled_guide(), issued=ISSUED)


def test_briefings_never_cut_and_fit_two_pages_where_they_can(real_call):
    """The longest indicator texts (2.4, 1.3, 7.8) take a 3rd page, never a cut; short ones fit 2."""
    assert len(real_call.directions) == 107
    for direction_id, most in (("2.4", 3), ("1.3", 3), ("7.8", 3), ("4.3", 2), ("8.1", 2)):
        document, rendered = _fit_briefing(Job("briefing", "en", direction_id, ("pdf",)), real_call)
        assert rendered.pages <= most, direction_id
        assert most == 3 or rendered.pages <= BRIEFING_MAX_PAGES
        text = " ".join(lxml.html.fromstring(document.html).text_content().replace("\u00a0", " ").split())
        for para in real_call.direction(direction_id).indicators:
            for part in para.parts:
                assert " ".join(part.text.split()) in text, (direction_id, part.text[:40])


def test_real_documents_render_with_alternative_sets(real_call):
    with_sets = [d for d in real_call.directions if d.alternatives]
    assert with_sets
    html = render_html("call", "bilingual", real_call, with_sets[0].id).html
    assert "alternative sets" in html and "CNY 360 million" in html
    agreement = render_html("agreement", "bilingual", real_call, "1.1").html
    assert "3:1" in agreement
