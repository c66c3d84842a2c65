"""Placeholders for what MT must not touch: numbers with units, formulas, Latin tokens, glossary terms.

`protect()` replaces each such span of a Chinese sentence with a placeholder the model copies
(an all-capital Latin token such as ``ZXB``; MT models copy unknown acronyms as they are) and
remembers the English each placeholder stands for. Placeholders are short and written without
spaces next to Chinese, as Chinese writes Latin tokens: every piece is read by the encoder and
copied by the decoder (in the benchmark model, ``␣ZXAB␣`` cost six pieces, ``ZXB`` three or four).
Numbers and units get their house-style English at this point (``≥20%`` → ``≥ 20%``, ``1 万平方公里``
→ ``10,000 km²``, ``1~2`` → ``1–2``), glossary terms their approved English. `restore()` puts the
English back and reports every placeholder the model lost or repeated, so that the failure reaches
QA instead of being hidden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .numbers import ZH_MULTIPLIERS
from .termbase import TermIndex
from .text import nfkc_keep_scripts

PLACEHOLDER_PREFIX = "ZX"
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# ZXA … ZXZ, then ZXAA … ZXZZ: a sentence rarely has more than 26 spans.
MAX_PLACEHOLDERS = 26 + 26 * 26
# Tolerate what a model does to a placeholder it copies: a space inside, lower case.
PLACEHOLDER_RE = re.compile(
    r"(?<![A-Za-z])" + PLACEHOLDER_PREFIX + r"\s?([A-Z]{1,2})(?![A-Za-z])", re.IGNORECASE
)

ZH_UNITS: dict[str, str] = {
    "平方公里": "km²",
    "平方千米": "km²",
    "平方厘米": "cm²",
    "平方毫米": "mm²",
    "平方米": "m²",
    "立方米": "m³",
    "千米": "km",
    "公里": "km",
    "厘米": "cm",
    "毫米": "mm",
    "微米": "μm",
    "纳米": "nm",
    "米": "m",
    "小时": "h",
    "分钟": "min",
    "毫秒": "ms",
    "微秒": "μs",
    "纳秒": "ns",
    "皮秒": "ps",
    "飞秒": "fs",
    "兆比特/秒": "Mb/s",
    "吉比特/秒": "Gb/s",
    "太比特/秒": "Tb/s",
    "毫瓦": "mW",
    "兆帕": "MPa",
    "吉帕": "GPa",
    "千帕": "kPa",
    "秒": "s",
    "电子伏特": "eV",
    "瓦每平方米": "W/m²",
    "千瓦时": "kWh",
    "兆瓦": "MW",
    "吉瓦": "GW",
    "千瓦": "kW",
    "瓦": "W",
    "千伏": "kV",
    "伏": "V",
    "吨": "t",
    "千克": "kg",
    "公斤": "kg",
    "摄氏度": "°C",
    "℃": "°C",
}
_CNY_WORDS = ("元人民币", "元")
_UNIT_ALTERNATION = "|".join(sorted(ZH_UNITS, key=len, reverse=True))
_MULT_ALTERNATION = "|".join(ZH_MULTIPLIERS)

# Latin units that get a space after the number ("15mm" → "15 mm"); % and angle degrees attach.
_LATIN_UNIT_RE = re.compile(
    r"(?:[kMGTPcdmμµnpf]?(?:Wh|Ah|eV|Hz|Pa|bps|Wp|Nm|W|V|A|J|g|t|s|h|m|L|b|B|Ω|N)|ppm|ppb|dB|°C|K|mol|cd|lm|lx)"
    r"(?:⁻?[¹²³])?(?:/[A-Za-z0-9²³₂]+(?:\s?[A-Z][a-z]?)?)*"
)
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?(?:/\d+(?:\.\d+)?)?"
_NUMBER_RE = re.compile(_NUMBER)
# A technical run: starts with a comparator, a sign or a digit, continues over numbers, ranges,
# powers, ratios and Latin units; Chinese multipliers and units right after a number belong to it.
_QUANTITY_RE = re.compile(
    r"(?<![A-Za-z0-9.₀-₉])(?:[≥≤><±×]=?\s*){0,2}" + _NUMBER + r"(?:[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+|\^\{?-?\d+\}?)?"
    r"(?:\s*(?:" + _MULT_ALTERNATION + r"))?"
    r"(?:\s*(?:" + _UNIT_ALTERNATION + r"|元人民币|元)|[ ]?[A-Za-zμµΩ°%‰¹²³⁰⁴-⁹⁻/₂]+)?"
    r"(?:\s*(?:[~～至到\-–—±:×]|to)\s*(?:[≥≤><]=?\s*)?" + _NUMBER + r"(?:[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+|\^\{?-?\d+\}?)?"
    r"(?:\s*(?:" + _MULT_ALTERNATION + r"))?"
    r"(?:\s*(?:" + _UNIT_ALTERNATION + r"|元人民币|元)|[ ]?[A-Za-zμµΩ°%‰¹²³⁰⁴-⁹⁻/₂]+)?)*"
)
# Latin-script tokens: acronyms, formulas, model names, standards (kept exactly as in the source).
_LATIN_RE = re.compile(r"[A-Za-z][A-Za-z0-9₀-₉⁰-⁹¹²³⁺⁻.\-/+]*(?:\s[A-Z0-9][A-Za-z0-9₀-₉⁰-⁹.\-/+]*)*")


@dataclass(frozen=True)
class ProtectedSpan:
    placeholder: str
    kind: str  # "term", "quantity" or "literal"
    zh: str
    en: str
    term_zh: str | None = None


@dataclass
class ProtectedText:
    source: str
    text: str
    spans: list[ProtectedSpan] = field(default_factory=list)


@dataclass
class Restored:
    en: str
    missing: list[ProtectedSpan]
    repeated: list[ProtectedSpan]

    @property
    def ok(self) -> bool:
        return not self.missing and not self.repeated


def placeholder(index: int) -> str:
    if not 0 <= index < MAX_PLACEHOLDERS:
        raise ValueError(f"placeholder index {index} out of range")
    if index < 26:
        return PLACEHOLDER_PREFIX + _LETTERS[index]
    index -= 26
    return PLACEHOLDER_PREFIX + _LETTERS[index // 26] + _LETTERS[index % 26]


def _thousands(number: str) -> str:
    """5+ digit integers get comma separators; 4-digit ones and decimals stay as written."""
    plain = number.replace(",", "")
    if "." in plain or "/" in plain:
        return plain
    return f"{int(plain):,}" if len(plain) >= 5 else plain


def _scaled(value: Decimal) -> str:
    if value >= Decimal(10) ** 9 and value % (Decimal(10) ** 7) == 0:
        return f"{_plain(value / Decimal(10) ** 9)} billion"
    if value >= Decimal(10) ** 6 and value % (Decimal(10) ** 4) == 0:
        return f"{_plain(value / Decimal(10) ** 6)} million"
    return _thousands(_plain(value))


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


_PIECE_RE = re.compile(
    r"(?P<num>" + _NUMBER + r")(?P<power>[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+|\^\{?-?\d+\}?)?"
    r"(?:\s*(?P<mult>" + _MULT_ALTERNATION + r"))?"
    r"(?:\s*(?P<zhunit>"
    + _UNIT_ALTERNATION
    + r"|元人民币|元)|(?P<sp>[ ]?)(?P<unit>[A-Za-zμµΩ°%‰¹²³⁰⁴-⁹⁻/₂]+))?"
)


def format_quantity(zh: str) -> str:
    """House-style English of a number run: spacing, ranges, separators, multipliers, units."""
    text = nfkc_keep_scripts(zh) if not any(c in zh for c in "²³") else zh
    out: list[str] = []
    position = 0
    pieces = list(_PIECE_RE.finditer(text))
    for index, match in enumerate(pieces):
        between = text[position : match.start()]
        out.append(_format_between(between, first=index == 0))
        number = match.group("num")
        power = match.group("power") or ""
        if power.startswith("^"):
            power = "^" + power.strip("^{}")
        multiplier = match.group("mult")
        zh_unit = match.group("zhunit")
        unit = match.group("unit")
        if multiplier:
            value = Decimal(number.replace(",", "")) * ZH_MULTIPLIERS[multiplier]
            rendered = _scaled(value)
        else:
            rendered = _thousands(number) if not power else number
        rendered += power
        if zh_unit in _CNY_WORDS:
            rendered = "CNY " + rendered
        elif zh_unit:
            rendered += (" " if ZH_UNITS[zh_unit] != "°" else "") + ZH_UNITS[zh_unit]
        elif unit:
            if unit[0] in "%‰" or (unit == "°"):
                rendered += unit
            elif _LATIN_UNIT_RE.fullmatch(unit):
                rendered += " " + unit
            else:
                rendered += match.group("sp") + unit
        out.append(rendered)
        position = match.end()
    out.append(text[position:])
    result = "".join(out)
    # A range shares its unit: "200 m–400 m" → "200–400 m" (but "30%–80%" keeps both signs).
    result = re.sub(r"(\d) ([A-Za-zμ°][^\s–]*)–([\d.,]+) \2\b", r"\1–\3 \2", result)
    return re.sub(r"\s{2,}", " ", result).strip()


def _format_between(between: str, first: bool) -> str:
    stripped = between.strip()
    if not stripped:
        return between
    if stripped in ("~", "～", "至", "到", "-", "–", "—", "to"):
        return "–"
    if stripped in ("±", ":", "×"):
        return stripped if stripped == ":" else f" {stripped} "
    # A leading comparator: "≥20%" → "≥ 20%".
    comparator = re.fullmatch(r"[≥≤><±×=\s]+", stripped)
    if comparator:
        return ("" if first else " ") + " ".join(stripped.replace(" ", "")) + " "
    combined = re.fullmatch(r"([~～至到\-–—])\s*([≥≤><]=?)", stripped)
    if combined:
        return f"–{combined.group(2)} "
    return between


_CJK_PUNCTUATION = set("（），：；！？")


def fold_width(text: str) -> str:
    """Full-width digits, letters and symbols to ASCII; Chinese punctuation stays as the model saw it."""
    return "".join(
        chr(ord(char) - 0xFEE0) if "\uff01" <= char <= "\uff5e" and char not in _CJK_PUNCTUATION else char
        for char in text
    )


def protect(zh: str, terms: TermIndex | None = None) -> ProtectedText:
    """Replace glossary terms, quantities and Latin tokens of `zh` with placeholders."""
    text = fold_width(zh)
    covered: list[tuple[int, int, str, str, str | None]] = []  # start, end, kind, en, term zh
    if terms is not None:
        for hit in terms.find(text):
            if hit.term.status == "approved":
                covered.append((hit.start, hit.end, "term", hit.term.en, hit.term.zh))

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, *_ in covered)

    for match in _QUANTITY_RE.finditer(text):
        start, end = match.span()
        # Trim a trailing space or separator the run swallowed.
        while end > start and text[end - 1] in " ~-–:":
            end -= 1
        if end <= start or not any(ch.isdigit() for ch in text[start:end]):
            continue
        overlapping = [item for item in covered if not (end <= item[0] or start >= item[1])]
        # A term wholly inside a quantity is its unit ("3.6亿元人民币" holds the term 人民币): the
        # quantity wins. A term that only overlaps one ("5G通信") wins over it.
        if all(start <= item[0] and item[1] <= end for item in overlapping):
            for item in overlapping:
                covered.remove(item)
            covered.append((start, end, "quantity", format_quantity(text[start:end]), None))
    for match in _LATIN_RE.finditer(text):
        start, end = match.span()
        if free(start, end):
            covered.append((start, end, "literal", text[start:end], None))
    # Beyond the last placeholder name a span stays as it is; the checks after MT still see it.
    covered = sorted(covered)[:MAX_PLACEHOLDERS]
    spans: list[ProtectedSpan] = []
    protected = ""
    position = 0
    for start, end, kind, en, term_zh in covered:
        name = placeholder(len(spans))
        spans.append(ProtectedSpan(name, kind, text[start:end], en, term_zh))
        protected = _joined(protected, text[position:start])
        protected = _joined(protected, name)
        position = end
    protected = _joined(protected, text[position:])
    return ProtectedText(source=zh, text=re.sub(r" {2,}", " ", protected).strip(), spans=spans)


def _joined(left: str, right: str) -> str:
    """`left + right`, with a space where a Latin letter or digit would run into a placeholder's."""
    meeting = left[-1:] + right[:1]
    if len(meeting) == 2 and meeting.isascii() and meeting.isalnum():
        return left + " " + right
    return left + right


def restore(mt_output: str, protected: ProtectedText) -> Restored:
    """Put the English of every placeholder back; report lost and repeated placeholders."""
    by_name = {span.placeholder: span for span in protected.spans}
    seen: dict[str, int] = {}

    def replace(match: re.Match[str]) -> str:
        name = PLACEHOLDER_PREFIX + match.group(1).upper()
        span = by_name.get(name)
        if span is None:
            return match.group(0)
        seen[name] = seen.get(name, 0) + 1
        return span.en

    text = PLACEHOLDER_RE.sub(replace, mt_output)
    missing = [span for span in protected.spans if seen.get(span.placeholder, 0) == 0]
    repeated = [span for span in protected.spans if seen.get(span.placeholder, 0) > 1]
    return Restored(en=tidy_english(text), missing=missing, repeated=repeated)


def tidy_english(text: str) -> str:
    """Spacing the decoder and the restoration leave behind."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.;:!?)%])", r"\1", text)
    text = re.sub(r"([(])\s+", r"\1", text)
    # Restore the space before a unit that the punctuation rule above removed ("3:1" stays).
    return text


def inline_text(protected: ProtectedText) -> str:
    """The protected sentence with each placeholder replaced by its English (the retry input when a
    model mangles placeholders: models tend to copy Latin text, numbers and symbols)."""
    by_name = {span.placeholder: span.en for span in protected.spans}
    # Spaced, so that inline English reaches the tokenizer as words ("▁perovskite"), not word pieces.
    text = PLACEHOLDER_RE.sub(
        lambda m: f" {by_name.get(PLACEHOLDER_PREFIX + m.group(1).upper(), m.group(0))} ", protected.text
    )
    return re.sub(r" {2,}", " ", text).strip()


def verify_inline(mt_output: str, protected: ProtectedText) -> Restored:
    """Check that the English of every span is in the output of an inline-English input."""
    text = tidy_english(mt_output)
    folded = text.casefold()
    missing: list[ProtectedSpan] = []
    expected: dict[str, list[ProtectedSpan]] = {}
    for span in protected.spans:
        expected.setdefault(span.en, []).append(span)
    for english, spans in expected.items():
        found = folded.count(english.casefold()) if spans[0].kind == "term" else text.count(english)
        missing.extend(spans[found:])
    return Restored(en=text, missing=missing, repeated=[])
