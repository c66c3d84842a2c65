"""Gettext catalogs for the templates' fixed strings, and Babel formatting of money, numbers and dates.

Message ids are English. The `zh` catalog translates them; the `en` catalog is the identity
(empty msgstr falls back to the id). Catalogs live in `generator/render/locale/<lang>/LC_MESSAGES/`.
Maintainers refresh them with (from the project root):

    pybabel extract -F generator/render/babel.cfg -k t -k label -k gettext_pair -o generator/render/locale/messages.pot .
    pybabel update --ignore-obsolete -i generator/render/locale/messages.pot -d generator/render/locale

The .po files are the only catalogs in the repository: `load_translations` compiles them in
memory, so neither a build nor the tests ever write into the source tree.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_compact_decimal, format_decimal
from babel.support import Translations
from markupsafe import Markup, escape

from ..errors import RenderError

LOCALE_DIR = Path(__file__).parent / "locale"
DOCUMENT_LANGUAGES = ("en", "zh")
BABEL_LOCALES = {"en": "en", "zh": "zh_CN"}


@cache
def load_translations(lang: str) -> Translations:
    """The gettext catalog of one language, compiled in memory from its .po (never written to disk)."""
    po_path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    try:
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=BABEL_LOCALES[lang])
    except FileNotFoundError:
        raise RenderError("message catalog missing", path=po_path) from None
    except OSError as error:
        raise RenderError(f"message catalog unreadable: {error.strerror}", path=po_path) from None
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def catalog_files() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/messages.po"))


@dataclass(frozen=True)
class Pair:
    """A piece of text in both languages; `en` is None when no English exists yet."""

    zh: str
    en: str | None

    def get(self, lang: str) -> str | None:
        return self.zh if lang == "zh" else self.en


def gettext_pair(msgid: str, **values: Any) -> Pair:
    """A fixed string in English and Chinese, with %(name)s values filled in per language."""
    return Pair(
        zh=_fill(load_translations("zh").gettext(msgid), values, "zh"),
        en=_fill(load_translations("en").gettext(msgid), values, "en"),
    )


def _fill(template: str, values: dict[str, Any], lang: str) -> str:
    if not values:
        return template
    filled = {}
    for key, value in values.items():
        if isinstance(value, Pair):
            text = value.get(lang)
            if text is None:
                text = value.zh if lang == "zh" else f"[Untranslated: {value.zh}]"
            filled[key] = text
        else:
            filled[key] = value
    try:
        return template % filled
    except (KeyError, ValueError, TypeError) as error:
        raise RenderError(f"catalog entry {template!r} does not match its values: {error}") from error


def pair_markup(pair: Pair, lang: str) -> Markup:
    return Markup(escape(pair.get(lang) or pair.zh))


# --- Babel formatting ---------------------------------------------------------------------------


def money_compact(amount: int, lang: str) -> str:
    """3.6亿元 → "CNY 360 million" (en) / "3.6亿元" (zh)."""
    if lang == "zh":
        return format_compact_decimal(amount, locale="zh_CN", fraction_digits=2) + "元"
    return "CNY " + format_compact_decimal(amount, format_type="long", locale="en", fraction_digits=2)


def money_full(amount: int, lang: str) -> str:
    """ "RMB 360,000,000" (en) / "人民币360,000,000元" (zh)."""
    if lang == "zh":
        return "人民币" + format_decimal(amount, "#,##0", locale="zh_CN") + "元"
    return "RMB " + format_decimal(amount, "#,##0", locale="en")


def number(value: int | float, lang: str) -> str:
    return format_decimal(value, locale=BABEL_LOCALES[lang])


def long_date(day: dt.date, lang: str) -> str:
    return format_date(day, "long", locale=BABEL_LOCALES[lang])
