"""The bundled guide: every briefing fits on two A4 pages; a sample of documents renders."""

from __future__ import annotations

import pytest

from generator.render.build import BRIEFING_MAX_PAGES, Job, _fit_briefing
from generator.render.context import build_call_context
from generator.render.html import render_html

from .conftest import ISSUED


@pytest.fixture(scope="module")
def real_call():
    parse = pytest.importorskip("generator.parse")
    return build_call_context(parse.load_bundled_guide(), issued=ISSUED)


def test_every_briefing_fits_two_pages(real_call):
    assert len(real_call.directions) == 107
    too_long = []
    for direction in real_call.directions:
        _document, rendered = _fit_briefing(Job("briefing", "en", direction.id, ("pdf",)), real_call)
        if rendered.pages > BRIEFING_MAX_PAGES:
            too_long.append((direction.id, rendered.pages))
    assert not too_long


def test_real_documents_render_with_alternative_sets(real_call):
    with_sets = [d for d in real_call.directions if d.alternatives]
    assert with_sets
    html = render_html("call", "bilingual", real_call, with_sets[0].id).html
    assert "alternative sets" in html and "CNY 360 million" in html
    agreement = render_html("agreement", "bilingual", real_call, "1.1").html
    assert "3:1" in agreement
