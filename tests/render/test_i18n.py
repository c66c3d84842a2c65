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
