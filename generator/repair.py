"""Repairs for PDF-extraction damage in Chinese guide text.

Each function takes a string and returns the repaired string with the list of `Repair`s it made,
so that the parser can keep the raw text beside the repaired text and report every change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from .model import Repair

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Characters after which a Chinese sentence or clause is complete.
TERMINAL_PUNCTUATION = "。；！？：:;"
CJK_PUNCTUATION = "，。；：！？、（）“”‘’《》「」—…"

_LATEX_SYMBOLS = {
    "geqslant": "≥",
    "leqslant": "≤",
    "geq": "≥",
    "leq": "≤",
    "ge": "≥",
    "le": "≤",
    "times": "×",
    "pm": "±",
    "sim": "~",
    "cdot": "·",
    "mu": "μ",
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "lambda": "λ",
    "pi": "π",
    "sigma": "σ",
    "Omega": "Ω",
    "varnothing": "∅",
    "circ": "°",
    "%": "%",
    "approx": "≈",
    "infty": "∞",
}
_SUPERSCRIPTS = str.maketrans("0123456789+-−=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿ")
_SUBSCRIPTS = str.maketrans("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_SUPERSCRIPTABLE = set("0123456789+-−=()n")
_SUBSCRIPTABLE = set("0123456789+-=()aehijklmnoprstuvx")

# OCR confusions that no rule can infer; each was checked against the printed guide's sense.
KNOWN_OCR_ERRORS = {
    "摆摆曲线": "摇摆曲线",  # XRD rocking curve
}


def _script(body: str, table: dict[int, int], allowed: set[str], marker: str) -> str:
    if body and all(ch in allowed for ch in body):
        return body.translate(table)
    return f"{marker}({body})" if len(body) > 1 else f"{marker}{body}"


_KNOWN_COMMAND = re.compile(
    r"\\(" + "|".join(sorted((re.escape(k) for k in _LATEX_SYMBOLS), key=len, reverse=True)) + r")(?![A-Za-z])"
)


def _latex_to_unicode(math: str) -> str:
    text = re.sub(r"\^\s*\{\s*\\circ\s*\}|\^\s*\\circ", "°", math)
    text = _KNOWN_COMMAND.sub(lambda m: _LATEX_SYMBOLS[m.group(1)], text)
    # \text{…}, \mathrm{…} and friends carry plain text; other commands lose their backslash.
    text = re.sub(r"\\(?:text|mathrm|textrm|mathit|rm|operatorname)\s*\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\\([A-Za-z]+)", r"\1", text)
    text = re.sub(r"\^\s*\{([^{}]*)\}", lambda m: _script(m.group(1).strip(), _SUPERSCRIPTS, _SUPERSCRIPTABLE, "^"), text)
    text = re.sub(r"\^\s*([0-9A-Za-z+\-−])", lambda m: _script(m.group(1), _SUPERSCRIPTS, _SUPERSCRIPTABLE, "^"), text)
    text = re.sub(r"_\s*\{([^{}]*)\}", lambda m: _script(m.group(1).strip(), _SUBSCRIPTS, _SUBSCRIPTABLE, "_"), text)
    text = re.sub(r"_\s*([0-9])", lambda m: m.group(1).translate(_SUBSCRIPTS), text)
    text = text.replace("{", "").replace("}", "")
    # Inside formulas spaces are layout, except between words ("kg Fe") or before a Chinese unit.
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(rf"(?<=[^{HAN}A-Za-z]) (?=[^{HAN}])|(?<=[^{HAN}]) (?=[^{HAN}A-Za-z])", "", text)
    return text


def repair_latex(text: str, line: int) -> tuple[str, list[Repair]]:
    """`$\\geq 20\\%$` → `≥20%`, `\\text{cm}^2` → `cm²`, `^{\\circ}C` → `°C`."""
    repairs: list[Repair] = []

    def replace(match: re.Match[str]) -> str:
        after = _latex_to_unicode(match.group(1))
        repairs.append(Repair(line, "latex", match.group(0), after))
        return after

    repaired = re.sub(r"\$([^$]*)\$", replace, text)
    return repaired, repairs


_CHEMICAL_SUBSCRIPT = re.compile(r"(?<=[A-Za-z)])_(?:\{([0-9a-z]+)\}|([0-9]+|[a-z](?![A-Za-z])))")
_BARE_SUPERSCRIPT = re.compile(r"(?<=[A-Za-z0-9)])\^\{?([0-9+\-−]+)\}?")


def repair_scripts(text: str, line: int) -> tuple[str, list[Repair]]:
    """Sub- and superscripts written outside formulas: `CO_2` → `CO₂`, `cm^2` → `cm²`, `^{\\circ}C` → `°C`."""
    repairs: list[Repair] = []
    repaired = text
    for pattern, convert in (
        (re.compile(r"\\(geqslant|leqslant|geq|leq|times|pm|sim|cdot|mu|lambda|Omega|alpha|pi|sigma)(?![A-Za-z])"),
         lambda m: _LATEX_SYMBOLS[m.group(1)]),
        (re.compile(r"\^\s*\{?\\circ\}?"), lambda m: "°"),
        (re.compile(r"\\text\{([^{}]*)\}"), lambda m: m.group(1)),
        (_CHEMICAL_SUBSCRIPT, lambda m: _script(m.group(1) or m.group(2), _SUBSCRIPTS, _SUBSCRIPTABLE, "_")),
        (_BARE_SUPERSCRIPT, lambda m: m.group(1).translate(_SUPERSCRIPTS)),
    ):
        repaired = _sub_recorded(pattern, convert, repaired, line, "script", repairs)
    return repaired, repairs


# What `_script` leaves when a subscript has letters with no Unicode subscript form: `g_(cat)`, `R_(pc)`.
_LETTER_SUBSCRIPT = re.compile(r"([A-Za-z])_(?:\(([A-Za-z]+)\)|([A-Za-z])(?![A-Za-z]))([A-Za-z])?")


def repair_letter_subscripts(text: str, line: int) -> tuple[str, list[Repair]]:
    """Subscripts that Unicode cannot set: `R_(pc)` → `Rpc`, `L/(g_(cat)h)` → `L/(gcat·h)`.

    The letters are written on the line, as a symbol reads when its subscript formatting is lost
    (Rpc, gcat); a unit symbol set right after the subscript is a product of units and gets the
    SI multiplication dot, so that `g_cat h` does not become the unreadable `gcath`.
    """
    repairs: list[Repair] = []

    def convert(match: re.Match[str]) -> str:
        base, letters, following = match.group(1), match.group(2) or match.group(3), match.group(4)
        return base + letters + (f"·{following}" if following else "")

    repaired = _sub_recorded(_LETTER_SUBSCRIPT, convert, text, line, "latex", repairs)
    return repaired, repairs


def _sub_recorded(
    pattern: re.Pattern[str],
    convert: Callable[[re.Match[str]], str],
    text: str,
    line: int,
    kind: str,
    repairs: list[Repair],
) -> str:
    def replace(match: re.Match[str]) -> str:
        after = convert(match)
        if after != match.group(0):
            repairs.append(Repair(line, kind, match.group(0), after))
        return after

    return pattern.sub(replace, text)


_FULLWIDTH_ASCII = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH_ASCII.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH_ASCII.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH_ASCII.update({"％": "%", "～": "~", "＋": "+", "＝": "=", "／": "/", "．": "."})
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"}


def _is_han(ch: str) -> bool:
    return bool(ch) and re.match(f"[{HAN}]", ch) is not None


def repair_punctuation(text: str, line: int) -> tuple[str, list[Repair]]:
    """One punctuation width: Chinese punctuation in Chinese text, ASCII digits, letters and signs."""
    repaired = "".join(_FULLWIDTH_ASCII.get(ch, ch) for ch in text)
    # Brackets around Chinese text, or a (1)-style item label, take the full-width form.
    repaired = re.sub(
        rf"\(([^()]*[{HAN}][^()]*)\)|\((\d{{1,2}})\)(?=\s*[{HAN}])",
        lambda m: f"（{m.group(1) if m.group(1) is not None else m.group(2)}）",
        repaired,
    )
    if re.search(f"[{HAN}]", repaired):
        # In Chinese prose ", " between Latin tokens is a comma of the sentence (1,000 has no space).
        repaired = re.sub(r",\s+(?=\S)", "，", repaired)
    chars = list(repaired)
    n = len(chars)

    def neighbour(index: int, step: int) -> str:
        j = index + step
        while 0 <= j < n and chars[j] == " ":
            j += step
        return chars[j] if 0 <= j < n else ""

    for i, ch in enumerate(chars):
        if ch not in _HALF_TO_FULL or ch in "()":
            continue
        before, after = neighbour(i, -1), neighbour(i, 1)
        if ch == ":" and before.isdigit() and after.isdigit():
            continue  # a ratio such as 3:1
        chinese_before = _is_han(before) or before in CJK_PUNCTUATION
        chinese_after = _is_han(after) or after in CJK_PUNCTUATION
        if ch == ";" or chinese_before or (chinese_after and ch != ":"):
            chars[i] = _HALF_TO_FULL[ch]
    repaired = "".join(chars)
    if repaired != text:
        return repaired, [Repair(line, "punctuation", text, repaired)]
    return repaired, []


_SPACE_NEAR_CJK = re.compile(
    rf"(?<=[{HAN}{CJK_PUNCTUATION}]) +| +(?=[{HAN}{CJK_PUNCTUATION}])"
)


def repair_spacing(text: str, line: int) -> tuple[str, list[Repair]]:
    """Drop the layout spaces that extraction puts beside Chinese characters and punctuation."""
    repaired = re.sub(r"[ \t\u00a0\u3000]+", " ", text).strip()
    repaired = _SPACE_NEAR_CJK.sub("", repaired)
    # "≥ 90%": keep comparison signs against their number, as the printed guide does.
    repaired = re.sub(r"([≥≤<>±~×])\s+(?=[-\d.])", r"\1", repaired)
    repaired = re.sub(r"(?<=\d)\s+(?=[%‰°])", "", repaired)
    if repaired != text.strip():
        return repaired, [Repair(line, "spacing", text, repaired)]
    return repaired, []


@lru_cache(maxsize=1)
def _word_frequencies() -> dict[str, int]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    frequencies: dict[str, int] = jieba.dt.FREQ
    return frequencies


def repair_duplicated_characters(text: str, line: int) -> tuple[str, list[Repair]]:
    """OCR doubles a character: `空空气` → `空气`, when no word explains the pair."""
    repairs: list[Repair] = []
    for wrong, right in KNOWN_OCR_ERRORS.items():
        if wrong in text:
            text = text.replace(wrong, right)
            repairs.append(Repair(line, "ocr", wrong, right))
    if not re.search(rf"([{HAN}])\1", text):
        return text, repairs
    import jieba

    _word_frequencies()
    words = list(jieba.cut(text, HMM=False))
    kept: list[str] = []
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if len(word) == 1 and _is_han(word) and following.startswith(word) and len(following) >= 2:
            preceding = kept[-1] if kept else ""
            # A single character before a word starting with it: a doubled character unless it
            # binds to the word before it (以前 前天 would be fine as 以/前/前天 only by accident).
            if not (preceding and _word_frequencies().get(preceding + word)):
                repairs.append(Repair(line, "duplicate", word + following, following))
                continue
        kept.append(word)
    return "".join(kept), repairs


def repair_line(text: str, line: int) -> tuple[str, list[Repair]]:
    """Every repair that works within one extracted line."""
    repairs: list[Repair] = []
    for step in (repair_latex, repair_scripts, repair_letter_subscripts, repair_duplicated_characters):
        text, found = step(text, line)
        repairs.extend(found)
    return text, repairs


def repair_paragraph(text: str, line: int) -> tuple[str, list[Repair]]:
    """Repairs that need the whole joined paragraph: punctuation width, then spacing."""
    repairs: list[Repair] = []
    for step in (repair_punctuation, repair_spacing):
        text, found = step(text, line)
        repairs.extend(found)
    return text, repairs


def join_broken_lines(first: str, second: str) -> str:
    """Join a paragraph split by a page break; no space between Chinese characters."""
    if not first or not second:
        return first + second
    if _is_han(first[-1]) or _is_han(second[0]) or first[-1] in CJK_PUNCTUATION or second[0] in CJK_PUNCTUATION:
        return first.rstrip() + second.lstrip()
    return first.rstrip() + " " + second.lstrip()


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip()
    # A closing bracket does not end a paragraph: "（LCOE）" may be followed by a page break.
    return bool(stripped) and stripped[-1] in TERMINAL_PUNCTUATION
