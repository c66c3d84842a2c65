from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.render import i18n


def test_catalogs_compile_in_memory_and_never_write_the_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locale = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale, ignore=shutil.ignore_patterns("*.mo"))
    for po in locale.glob("*/LC_MESSAGES/messages.po"):
        os.utime(po, (2_000_000_000, 2_000_000_000))  # newer than anything: a stale-.mo check would recompile
    before = sorted(p.relative_to(locale) for p in locale.rglob("*"))
    monkeypatch.setattr(i18n, "LOCALE_DIR", locale)
    i18n.load_translations.cache_clear()
    try:
        pair = i18n.gettext_pair("Research content")
    finally:
        i18n.load_translations.cache_clear()
    assert pair.en == "Research content" and pair.zh == "研究内容"
    assert sorted(p.relative_to(locale) for p in locale.rglob("*")) == before


def test_missing_catalog_is_a_render_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.load_translations.cache_clear()
    try:
        with pytest.raises(i18n.RenderError, match="catalog missing"):
            i18n.load_translations("zh")
    finally:
        i18n.load_translations.cache_clear()


def test_every_extracted_string_has_its_chinese() -> None:
    """What extraction finds in the templates and render code is in the zh catalog, translated and
    not fuzzy (a string a template builds from a list must be marked N_ or it is missed)."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    from generator.paths import PROJECT_ROOT

    method_map = [("generator/render/**.py", "python"), ("templates/**.j2", "jinja2")]
    options = {"templates/**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "t": None, "label": None, "gettext_pair": None}
    extracted = {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(
            str(PROJECT_ROOT), method_map, options, keywords=keywords, comment_tags=(), strip_comment_tags=True
        )
        if message
    }
    assert "Call identifier" in extracted and "Deadline" in extracted  # N_-marked names in a template list
    with open(i18n.LOCALE_DIR / "zh" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string}
    missing = sorted(extracted - translated)
    fuzzy = sorted(str(m.id) for m in catalog if m.id and m.fuzzy)
    assert not missing and not fuzzy, (missing[:10], fuzzy[:10])
