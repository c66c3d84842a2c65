"""HTML from the Jinja templates: one standalone document per (kind, language, direction).

Autoescaping is on for every template. Guide text reaches the templates only as plain strings
inside the context dataclasses, so markup in the guide prints literally; it is never compiled as a
template (a `{{ 7*7 }}` in the guide stays `{{ 7*7 }}`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from ..errors import RenderError
from ..paths import TEMPLATES_DIR
from .agreement import AgreementContext, build_agreement_context
from .context import (
    DIRECTION_TYPE_MSGIDS,
    N_,
    CallContext,
    DirectionContext,
    Para,
    PartKind,
    counts_of,
    direction_paras,
)
from .i18n import Pair, gettext_pair, load_translations, long_date, money_compact, money_full, number
from .rules import FOREIGN

KINDS = ("call", "briefing", "agreement", "whole")
# Which languages each kind is made in.
KIND_LANGUAGES: dict[str, tuple[str, ...]] = {
    "call": ("en", "bilingual", "zh"),
    "briefing": ("en",),
    "agreement": ("bilingual",),
    "whole": ("en", "bilingual", "zh"),
}
TEMPLATE_FILES = {
    "call": "call.html.j2",
    "briefing": "briefing.html.j2",
    "agreement": "agreement.html.j2",
    "whole": "whole.html.j2",
}
STYLESHEET = "style.css"
HTML_LANG = {"en": "en", "zh": "zh-CN", "bilingual": "en"}
_BLANK = re.compile(r"\[\[(.+?)\]\]")


@dataclass(frozen=True)
class HtmlDocument:
    kind: str
    lang: str
    direction_id: str | None
    title: str
    subject: str
    keywords: str
    html: str


def templates_dir() -> Path:
    return TEMPLATES_DIR


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        label=_label,
        t=gettext_pair,
        type_label=_type_label,
        bookmark=_bookmark,
        money_compact=money_compact,
        money_full=money_full,
        number=number,
        long_date=long_date,
        PartKind=PartKind,
        N_=N_,
        direction_counts=lambda d: counts_of(direction_paras(d)),
        Pair=Pair,
        FOREIGN=FOREIGN,
        FOREIGN_PAIR=Pair(zh="国（境）外", en=FOREIGN),
    )
    env.filters["blanks"] = blanks
    env.filters["lang_of"] = _lang_text
    env.filters["nobreak"] = nobreak
    env.filters["zh_tag"] = zh_tag
    return env


def blanks(text: str | None) -> Markup:
    """Escape text, then mark `[[...]]` as a fill-in blank (brackets kept, so it survives copy and paste),
    and a `[Untranslated: …]` value (i18n._fill) as flagged Chinese."""
    escaped = str(escape(text or ""))
    escaped = _UNTRANSLATED.sub(
        lambda m: f'<span class="untranslated">[Untranslated: <span lang="zh-CN">{m.group(1)}</span>]</span>', escaped
    )
    return Markup(_BLANK.sub(lambda m: f'<span class="blank">[{m.group(1)}]</span>', escaped))


_UNTRANSLATED = re.compile(r"\[Untranslated: ([^\]]*)\]")


NBSP = "\u00a0"
# A number and its unit, a comparator and its number: one line each (thin no-break space kept).
_NUMBER_UNIT = re.compile(r"(?<=\d) (?=(?:%|‰|°|℃|[A-Za-zµμΩ][A-Za-z0-9µμΩ²³⁻¹/·()]*\b))")
_COMPARATOR_NUMBER = re.compile(r"([≥≤<>±~⩾⩽×]|\b(?:least|most|than|exceed|exceeding|reach|reaching)) (?=[-−]?\d)")
_CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def nobreak(text: str | None) -> str:
    """English with no line break between a number and its unit or a comparator and its number."""
    text = _NUMBER_UNIT.sub(NBSP, text or "")
    return _COMPARATOR_NUMBER.sub(lambda m: m.group(1) + NBSP, text)


def zh_tag(text: str | None) -> Markup:
    """Escape text and tag its Chinese runs lang="zh-CN" (notes that quote the source)."""
    escaped = str(escape(text or ""))
    return Markup(_CJK_RUN.sub(lambda m: f'<span lang="zh-CN">{m.group(0)}</span>', escaped))


def _lang_text(pair: Pair, lang: str) -> str:
    value = pair.get("zh" if lang == "zh" else "en")
    return value if value is not None else pair.zh


@pass_context
def _label(context: Context, msgid: str, **values: Any) -> Markup:
    """A fixed label in the document's language; both languages in bilingual documents."""
    pair = gettext_pair(msgid, **values)
    lang = context["lang"]
    if lang == "bilingual":
        # Short labels share a line; sentences get a line each.
        separator = '<br class="bi-break">' if len(pair.en or "") > 60 else '<span class="sep"> · </span>'
        return Markup(
            '<span class="zh" lang="zh-CN">{}</span>' + separator + '<span class="en">{}</span>'
        ).format(pair.zh, pair.en)
    return Markup(escape(pair.zh if lang == "zh" else pair.en))


def _bookmark(para: Para, lang: str) -> str:
    """A short plain-text PDF bookmark: no long flags, but untranslated still says so."""
    if lang == "zh":
        return para.zh
    english = para.en
    if lang == "bilingual":
        return para.zh + (f" · {english}" if english else "")
    return english if english else f"{para.zh} [untranslated]"


def _type_label(direction: DirectionContext) -> Pair:
    if direction.type not in DIRECTION_TYPE_MSGIDS:  # a guide whose headings carry no type label
        return gettext_pair("Not stated")
    pair = gettext_pair(DIRECTION_TYPE_MSGIDS[direction.type])
    return Pair(zh=direction.type_label_zh, en=pair.en)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def document_title(kind: str, lang: str, call: CallContext, direction: DirectionContext | None) -> Pair:
    if direction is None:
        name = Pair(zh=call.programme.zh, en=call.programme.en or call.programme.zh)
        return gettext_pair(N_("Call for proposals: key special project “%(name)s”"), name=name)
    msgid = {
        "call": N_("Call pack, direction %(id)s"),
        "briefing": N_("Briefing, direction %(id)s"),
        "agreement": N_("Cooperation agreement skeleton, direction %(id)s"),
    }[kind]
    return gettext_pair(msgid, id=direction.id)


def render_html(
    kind: str,
    lang: str,
    call: CallContext,
    direction_id: str | None = None,
    *,
    detail: int = 0,
) -> HtmlDocument:
    """Render one document. `detail` > 0 asks the briefing for a shorter form (page fitting)."""
    if kind not in TEMPLATE_FILES:
        raise RenderError(f"unknown document kind {kind!r}")
    if lang not in KIND_LANGUAGES[kind]:
        raise RenderError(f"{kind} documents are made in {', '.join(KIND_LANGUAGES[kind])}, not {lang!r}")
    direction = call.direction(direction_id) if direction_id else None
    if kind != "whole" and direction is None:
        raise RenderError(f"{kind} documents need a direction")
    text_lang = "zh" if lang == "zh" else "en"
    translations = load_translations(text_lang)
    title = document_title(kind, lang, call, direction)
    title_text = _lang_text(title, text_lang)
    if direction is not None:
        heading = _lang_text(direction.title.pair, text_lang)
        subject = f"{direction.id} {heading}"
        keywords = ", ".join((k.en if k.en and text_lang == "en" else k.zh) for k in direction.keywords)
    else:
        subject = _lang_text(call.title.pair, text_lang)
        keywords = ", ".join(_lang_text(area.title.pair, text_lang) for area in call.areas)
    if lang == "bilingual":
        title_text = f"{title.en} / {title.zh}"
    env = environment()
    try:
        template = env.get_template(TEMPLATE_FILES[kind])
        stylesheet = (templates_dir() / STYLESHEET).read_text(encoding="utf-8")
        html = template.render(
            kind=kind,
            lang=lang,
            text_lang=text_lang,
            html_lang=HTML_LANG[lang],
            call=call,
            direction=direction,
            detail=detail,
            agreement=_agreement_context(kind, call, direction),
            doc_title=title_text,
            doc_subject=subject,
            doc_keywords=keywords,
            running_title=_truncate(title_text if direction is None else subject, 72),
            stylesheet=Markup(stylesheet),
            gettext=translations.gettext,
            ngettext=translations.ngettext,
            _=translations.gettext,
        )
    except RenderError:
        raise
    except Exception as error:  # template bugs surface as one readable line
        raise RenderError(
            f"template {TEMPLATE_FILES[kind]} failed: {type(error).__name__}: {error}"
        ) from error
    return HtmlDocument(kind, lang, direction_id, title_text, subject, keywords, html)


def _agreement_context(kind: str, call: CallContext, direction: DirectionContext | None) -> AgreementContext | None:
    """The clause set and parties of an agreement skeleton (None for the other kinds)."""
    if kind != "agreement" or direction is None:
        return None
    return build_agreement_context(call, direction, call.parties, call.agreement_choices)


def para_text_en(para: Para) -> str:
    return para.en_or_flagged
