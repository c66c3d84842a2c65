"""The numbers of a text as a multiset of exact values, for Chinese sources and English targets.

Both sides reduce to `Decimal` values so that "3.6 亿" equals "360 million", "1 万" equals "10,000" and
"10¹²" equals "10^12". Signs are ignored (a range "1-2" and a minus sign cannot be told apart
reliably); each side of a range, ratio or ± counts as one number. Chemical subscripts (CO₂) and
unit exponents (cm², Fe²⁺) are not numbers. Numbers written in words ("two", 两个) are not counted,
as the house style asks translators to keep words as words and digits as digits.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal, InvalidOperation, getcontext

from .text import nfkc_keep_scripts

_SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉"
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPER_TO_ASCII = str.maketrans(_SUPERSCRIPTS + "⁻⁺", "0123456789-+")

ZH_MULTIPLIERS: dict[str, Decimal] = {
    "万亿": Decimal(10) ** 12,
    "千万": Decimal(10) ** 7,
    "百万": Decimal(10) ** 6,
    "亿": Decimal(10) ** 8,
    "万": Decimal(10) ** 4,
}
EN_MULTIPLIERS: dict[str, Decimal] = {
    "trillion": Decimal(10) ** 12,
    "billion": Decimal(10) ** 9,
    "million": Decimal(10) ** 6,
    "thousand": Decimal(10) ** 3,
}

# A power of ten written with superscripts (10¹², 10⁻⁶) or TeX-like (10^12, 10^{12}).
_POWER = r"(?P<base>\d+(?:\.\d+)?)(?:(?P<sup>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)|\^\{?(?P<caret>[-+]?\d+)\}?)"
_NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?)"
_ZH_NUMBER_RE = re.compile(_POWER + "|" + _NUMBER + r"\s*(?P<mult>" + "|".join(ZH_MULTIPLIERS) + r")?")
_EN_NUMBER_RE = re.compile(
    _POWER + "|" + _NUMBER + r"(?:\s*(?P<mult>" + "|".join(EN_MULTIPLIERS) + r")(?![A-Za-z]))?", re.IGNORECASE
)
# Element symbols, to tell a chemical formula written with plain digits (CO2, TiO2) from a model
# name or standard (AM1.5G, IEC61215) whose digits do count.
_ELEMENTS = set(
    [
        "H",
        "He",
        "Li",
        "Be",
        "B",
        "C",
        "N",
        "O",
        "F",
        "Ne",
        "Na",
        "Mg",
        "Al",
        "Si",
        "P",
        "S",
        "Cl",
        "Ar",
        "K",
        "Ca",
        "Sc",
        "Ti",
        "V",
        "Cr",
        "Mn",
        "Fe",
        "Co",
        "Ni",
        "Cu",
        "Zn",
        "Ga",
        "Ge",
        "As",
        "Se",
        "Br",
        "Kr",
        "Rb",
        "Sr",
        "Y",
        "Zr",
        "Nb",
        "Mo",
        "Tc",
        "Ru",
        "Rh",
        "Pd",
        "Ag",
        "Cd",
        "In",
        "Sn",
        "Sb",
        "Te",
        "I",
        "Xe",
        "Cs",
        "Ba",
        "La",
        "Ce",
        "Pr",
        "Nd",
        "Pm",
        "Sm",
        "Eu",
        "Gd",
        "Tb",
        "Dy",
        "Ho",
        "Er",
        "Tm",
        "Yb",
        "Lu",
        "Hf",
        "Ta",
        "W",
        "Re",
        "Os",
        "Ir",
        "Pt",
        "Au",
        "Hg",
        "Tl",
        "Pb",
        "Bi",
        "Po",
        "At",
        "Rn",
        "Fr",
        "Ra",
        "Ac",
        "Th",
        "Pa",
        "U",
    ]
)
_FORMULA_TOKEN_RE = re.compile(r"(?<![A-Za-z0-9.])((?:[A-Z][a-z]?\d{0,2}){1,6})(?![A-Za-z0-9.])")
_ELEMENT_RE = re.compile(r"([A-Z][a-z]?)(\d{0,2})")
_DIATOMIC = {"H2", "N2", "O2", "F2", "Cl2", "Br2", "I2"}


def _is_plain_formula(token: str) -> bool:
    parts = _ELEMENT_RE.findall(token)
    if "".join(symbol + count for symbol, count in parts) != token:
        return False
    if not any(count for _, count in parts) or not all(symbol in _ELEMENTS for symbol, _ in parts):
        return False
    return len(parts) >= 2 or token in _DIATOMIC


def _strip_formula_digits(text: str) -> str:
    """Remove the digits of chemical formulas (subscripts, and plain digits inside CO2, TiO2)."""
    text = "".join(" " if char in _SUBSCRIPTS else char for char in text)

    def replace(match: re.Match[str]) -> str:
        token = match.group(1)
        return re.sub(r"\d", " ", token) if _is_plain_formula(token) else token

    return _FORMULA_TOKEN_RE.sub(replace, text)


def _strip_unit_exponents(text: str) -> str:
    """Superscripts after a letter or a closing bracket are unit exponents or charges (cm², Fe²⁺)."""
    return re.sub(r"(?<=[A-Za-zµμ)\]°])[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+[⁺⁻]?", " ", text)


def _value(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regexes only pass digits
        return Decimal(0)


def _canonical(value: Decimal) -> Decimal:
    normalized = value.normalize()
    # Decimal("1E+4") and Decimal("10000") compare equal, but keep a readable exponent-free form
    # (as long as the digits fit the context's precision: quantize cannot write more).
    fits = normalized.is_finite() and normalized.adjusted() < getcontext().prec
    return normalized.quantize(Decimal(1)) if fits and normalized == normalized.to_integral() else normalized


def _power(base: Decimal, exponent: int) -> Decimal:
    """`base ** exponent`; a power beyond Decimal's range (MT output can hold anything) is infinite or 0."""
    if base == 0:
        return Decimal(0)
    try:
        return base**exponent
    except ArithmeticError:
        return Decimal("Infinity") if (base > 1) == (exponent > 0) else Decimal(0)


def _extract(text: str, pattern: re.Pattern[str], multipliers: dict[str, Decimal]) -> list[Decimal]:
    values: list[Decimal] = []
    for match in pattern.finditer(text):
        if match.group("base") is not None:
            exponent_text = match.group("sup") or match.group("caret") or "0"
            exponent_text = exponent_text.translate(_SUPER_TO_ASCII)
            # Python refuses ints of over 4,300 digits; 12 digits are already far out of Decimal's range.
            exponent = int(exponent_text[:13])
            values.append(_canonical(_power(_value(match.group("base")), exponent)))
            continue
        value = _value(match.group("num"))
        multiplier = match.group("mult")
        if multiplier:
            value *= multipliers[multiplier.lower()]
        values.append(_canonical(value))
    return values


def zh_numbers(text: str) -> list[Decimal]:
    """The Arabic numbers of a Chinese source, with 万/亿 applied."""
    text = _strip_unit_exponents(_strip_formula_digits(nfkc_keep_scripts(text)))
    return _extract(text, _ZH_NUMBER_RE, ZH_MULTIPLIERS)


def en_numbers(text: str) -> list[Decimal]:
    """The Arabic numbers of an English target, with thousand/million/billion applied."""
    text = _strip_unit_exponents(_strip_formula_digits(nfkc_keep_scripts(text)))
    return _extract(text, _EN_NUMBER_RE, EN_MULTIPLIERS)


def number_difference(zh: str, en: str) -> tuple[list[str], list[str]]:
    """(numbers missing from the English, numbers the English adds), each sorted."""
    source = Counter(zh_numbers(zh))
    target = Counter(en_numbers(en))
    missing = sorted(str(v) for v in (source - target).elements())
    extra = sorted(str(v) for v in (target - source).elements())
    return missing, extra
