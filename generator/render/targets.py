"""Target values of an indicator: (quantity, comparator, value, unit) from the Chinese, checked against the English.

Pure functions. A target is a number the indicator sets a threshold on: it carries a comparator
(≥, 不低于, 以上 …). Numbers without one (test conditions such as "在CO₂浓度为10%~30%…条件下",
counts of prototypes) are not targets. Each target is then looked up in the English segment: the
same number, the same unit and a comparator of the same sense near it. Only then is it certain;
anything else makes the row fall back to the indicator text (faithful or silent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Comparators in the Chinese, with the sign they are shown as.
_ZH_BEFORE: dict[str, str] = {
    "≥": "≥",
    "⩾": "≥",
    "≤": "≤",
    "⩽": "≤",
    ">": ">",
    "＞": ">",
    "<": "<",
    "＜": "<",
    "不低于": "≥",
    "不少于": "≥",
    "不小于": "≥",
    "不短于": "≥",
    "达到": "≥",
    "不超过": "≤",
    "不高于": "≤",
    "不大于": "≤",
    "不多于": "≤",
    "不长于": "≤",
    "大于": ">",
    "高于": ">",
    "超过": ">",
    "多于": ">",
    "小于": "<",
    "低于": "<",
    "优于": "better than",
}
_ZH_AFTER: dict[str, str] = {"以上": "≥", "（或以上）": "≥", "(或以上)": "≥", "以下": "≤", "以内": "≤"}

# Chinese unit words → the forms the English may use (symbol first: that is what is shown).
ZH_UNITS: dict[str, tuple[str, ...]] = {
    "平方厘米": ("cm²", "square centimetres", "square centimeters"),
    "平方米": ("m²", "square metres", "square meters"),
    "平方公里": ("km²", "square kilometres", "square kilometers"),
    "欧姆·厘米": ("Ω·cm", "ohm·cm", "Ω cm"),
    "欧姆每方块": ("Ω/sq", "ohms per square", "Ω/□"),
    "吉比特每秒": ("Gbit/s", "Gb/s", "Gbps"),
    "兆比特/秒": ("Mbit/s", "Mb/s", "Mbps"),
    "像素每英寸": ("ppi", "PPI", "pixels per inch"),
    "分贝/厘米": ("dB/cm",),
    "分贝/毫米": ("dB/mm",),
    "伏/纳秒": ("V/ns",),
    "纳安/毫米": ("nA/mm",),
    "摄氏度": ("°C",),
    "吉赫兹": ("GHz",),
    "伏特": ("V",),
    "千伏": ("kV",),
    "伏": ("V",),
    "毫安": ("mA",),
    "微安": ("µA", "μA"),
    "皮安": ("pA",),
    "皮法": ("pF",),
    "毫欧": ("mΩ",),
    "分贝": ("dB",),
    "尼特": ("nits", "nit", "cd/m²"),
    "弧秒": ("arcsec", "arc seconds", "arcseconds", "″"),
    "英寸": ("inches", "inch", "in"),
    "微米": ("µm", "μm"),
    "纳米": ("nm",),
    "毫米": ("mm",),
    "厘米": ("cm",),
    "公里": ("km",),
    "千米": ("km",),
    "米": ("m",),
    "公斤": ("kg",),
    "千克": ("kg",),
    "克": ("g",),
    "吨": ("t", "tonnes", "tons"),
    "小时": ("h", "hours", "hour"),
    "分钟": ("min", "minutes", "minute"),
    "毫秒": ("ms",),
    "微秒": ("µs", "μs"),
    "秒": ("s", "seconds", "second"),
    "天": ("days", "day", "d"),
    "个月": ("months", "month"),
    "年": ("years", "year"),
    "千瓦时": ("kWh",),
    "千瓦": ("kW",),
    "兆瓦": ("MW",),
    "瓦": ("W",),
}
# Units of counting: the English names the thing counted, so the number and sense are checked and
# the value is shown with the English noun that follows it.
COUNT_WORDS = ("项", "件", "篇", "种", "个", "次", "台", "套", "家", "条", "部", "份", "层", "片", "位", "类", "人次", "人")

_SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺"
_NUMBER = (
    rf"(?:10[{_SUPERSCRIPT}]+|\d+(?:\.\d+)?(?:\s*[×xX]\s*10(?:[{_SUPERSCRIPT}]+|\^[-−]?\d+))?)(?:万|亿)?"
)
_RANGE = rf"(?P<num>{_NUMBER})(?:\s*(?P<unit1>%|°C|℃)?\s*(?P<dash>[~～－—–]|至)\s*(?P<num2>{_NUMBER}))?"
# A symbolic unit: Latin letters, symbols, sub/superscripts, / and ·, bracketed groups.
_SYMBOLIC_UNIT = rf"(?:%|‰|°C|℃|°|(?:[A-Za-zµμΩ₀-₉{_SUPERSCRIPT}²³%]|[·/](?=[A-Za-zµμΩ°(（])|\([A-Za-zµμΩ·/²³⁻¹ ]{{1,12}}\))+)"
_ZH_UNIT = "|".join(sorted((re.escape(u) for u in (*ZH_UNITS, *COUNT_WORDS)), key=len, reverse=True))
_BEFORE = "|".join(sorted((re.escape(c) for c in _ZH_BEFORE), key=len, reverse=True))
_AFTER = "|".join(sorted((re.escape(c) for c in _ZH_AFTER), key=len, reverse=True))
_ZH_TARGET = re.compile(
    rf"(?:(?P<before>{_BEFORE})\s*)?{_RANGE}\s*(?P<unit>{_SYMBOLIC_UNIT}|{_ZH_UNIT})?(?P<rest>\s*(?P<after>{_AFTER}))?"
)
_CLAUSE_END = frozenset("，,；;。、）)和与及或 \n")
_QUANTITY_STOP = re.compile(r".*[，,；;。：:、（(]")


@dataclass(frozen=True)
class Target:
    """One threshold of an indicator, as the Chinese states it."""

    quantity: str  # the Chinese words before the comparator, e.g. "CO₂渗透速率"
    comparator: str  # ≥ ≤ > < or "better than"
    value: str  # "5000", "1×10⁻⁹" or a range "2–4"
    unit: str  # as written in the Chinese ("GPU", "%", "微米", "项"); "" for a bare number
    zh: str  # the matched source text
    complete: bool = True  # False when the unit runs on in a form not understood (…/（伏·秒）)

    @property
    def count(self) -> bool:
        return self.unit in COUNT_WORDS


@dataclass(frozen=True)
class CheckedTarget:
    """A target with its English rendering, when the English segment confirms it."""

    target: Target
    shown: str | None  # e.g. "≥ 5000 GPU"; None when the English does not confirm it
    reason: str = ""


_MULTIPLIER = {"万": 10_000, "亿": 100_000_000}


def _norm_number(value: str) -> str:
    """Spaces out, × for x; 万 and 亿 multiplied out (1万 → 10000), since the English writes the product."""
    value = re.sub(r"\s+", "", value).replace("x", "×").replace("X", "×").replace("−", "-")
    if value and value[-1] in _MULTIPLIER:
        number = value[:-1]
        if "×" in number or not re.fullmatch(r"\d+(?:\.\d+)?", number):
            return value  # left as written: the check below will not confirm it
        product = round(float(number) * _MULTIPLIER[value[-1]], 6)
        value = str(int(product)) if product == int(product) else str(product)
    return value


# Pure and asked again for the same indicator by every document that shows it (and by docqa).
@lru_cache(maxsize=4096)
def extract_targets(zh: str) -> tuple[Target, ...]:
    """Every comparator-bearing number of a Chinese indicator, with its unit complete."""
    found: list[Target] = []
    for match in _ZH_TARGET.finditer(zh):
        before, after = match.group("before"), match.group("after")
        if before is None and after is None:
            continue  # no comparator: a condition or a plain count, not a target
        if before is not None and after is not None and _ZH_BEFORE[before] != _ZH_AFTER[after]:
            continue  # contradictory: leave it to the text
        comparator = _ZH_BEFORE[before] if before else _ZH_AFTER[after or ""]
        unit = (match.group("unit") or "").strip()
        if unit == "" and match.group("unit1"):
            unit = match.group("unit1")
        unit = unit.replace("℃", "°C")
        value = _norm_number(match.group("num"))
        if match.group("num2"):
            value += "–" + _norm_number(match.group("num2"))
        head = zh[: match.start()]
        quantity = _QUANTITY_STOP.sub("", head).strip()
        following = zh[match.end() : match.end() + 1]
        if unit:
            complete = following not in ("/", "·", "（", "(", "@", "^", "×", "⁻", ":", "：")
        else:  # a bare number must end the clause, else its unit is something not understood
            complete = following == "" or following in _CLAUSE_END
        found.append(Target(quantity, comparator, value, unit, match.group(0).strip(), complete))
    return tuple(found)


# English comparator phrases by sense; searched in a window around the number.
_EN_BEFORE: dict[str, tuple[str, ...]] = {
    "≥": ("≥", "⩾", "at least", "not less than", "no less than", "not lower than", "no lower than",
          "no fewer than", "not fewer than", "not shorter than", "no shorter than", "a minimum of",
          "minimum", "reach", "reaching", "reaches", "achieve", "achieving", "of up to", "up to"),
    "≤": ("≤", "⩽", "at most", "no more than", "not more than", "not exceed", "not exceeding",
          "no higher than", "not higher than", "no greater than", "not greater than", "within",
          "a maximum of", "maximum", "no longer than", "not longer than", "up to"),
    ">": (">", "more than", "greater than", "higher than", "larger than", "over", "exceed", "exceeding", "above"),
    "<": ("<", "less than", "lower than", "below", "under", "fewer than", "smaller than", "shorter than"),
    "better than": ("better than",),
}
_EN_AFTER: dict[str, tuple[str, ...]] = {
    "≥": ("or more", "or above", "or higher", "or longer", "or greater", "and above", "or over", "or better",
          "or finer"),
    "≤": ("or less", "or below", "or lower", "or fewer", "or shorter", "or better", "and below",
          "or finer"),
    ">": (), "<": (), "better than": (),
}


def _en_normal(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ").replace("\u2060", "")
    text = text.replace("℃", "°C").replace("−", "-").replace("μ", "µ")
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    return re.sub(r"\s*×\s*", "×", text)


def _sense_before(text: str, start: int, sense: str) -> bool:
    before = text[max(0, start - 60) : start].lower()
    return any(phrase in before for phrase in _EN_BEFORE[sense])


def _sense_after(text: str, end: int, sense: str) -> bool:
    after = text[end : end + 24].lower().lstrip(" ,")
    return any(after.startswith(phrase) for phrase in _EN_AFTER[sense])


@lru_cache(maxsize=4096)
def comparator_confirmed(target: Target, en: str) -> bool:
    """The number of the target is in the English with a comparator of the same sense (unit not checked).

    达到 ("reach") is not asked for: "a resolution of 1 μs" renders 达到1微秒 faithfully.
    """
    text = _en_normal(en)
    first = target.value.split("–")[0].replace("μ", "µ")
    reach = target.zh.startswith("达到") and not target.zh.endswith(tuple(_ZH_AFTER))
    for match in re.finditer(rf"(?<![\d.]){re.escape(first)}(?!\.?\d)", text):
        if reach or _sense_before(text, match.start(), target.comparator):
            return True
        # "3 or more patents", "3 patents or more", "5 km × 5 km or finer": look past up to 5 words.
        stop = match.end()
        step = _TAIL.match(text, stop)
        end = step.end() if step else stop
        for cut in range(stop, end + 1):
            if text[cut : cut + 1] in (" ", "") and _sense_after(text, cut, target.comparator):
                return True
    return False


_TAIL = re.compile(r"(?:\s?[^\s,;]+){0,5}")  # up to five words after a number


def _unit_forms(unit: str) -> tuple[str, ...]:
    if unit in ZH_UNITS:
        return ZH_UNITS[unit]
    return (unit.replace("μ", "µ"),)


def check_target(target: Target, en: str) -> CheckedTarget:
    """Confirm a target in the English segment: same number(s), same unit, same sense of comparison."""
    text = _en_normal(en)
    numbers = [n.replace("μ", "µ") for n in target.value.split("–")]
    first = re.compile(rf"(?<![\d.]){re.escape(numbers[0])}(?!\.?\d)")
    for match in first.finditer(text):
        end = match.end()
        if len(numbers) > 1:
            second = re.compile(rf"\s*(?:%|°C)?\s*(?:–|-|~|to|and)\s*{re.escape(numbers[1])}(?!\.?\d)")
            m2 = second.match(text, end)
            if not m2:
                continue
            end = m2.end()
        unit_shown = ""
        if target.unit and not target.count:
            for form in _unit_forms(target.unit):
                form_n = _en_normal(form)
                m3 = re.compile(rf"(\s?){re.escape(form_n)}(?![A-Za-z0-9²³⁻¹/·])").match(text, end)
                if m3:
                    unit_shown, end = ("\u00a0" if m3.group(1) else "") + form_n, m3.end()
                    break
            else:
                continue
        elif target.count and not _sense_after(text, end, target.comparator):
            noun = re.compile(r"\s[a-z][\w-]*").match(text, end)  # "3 patents or more"
            if noun:
                end = noun.end()
        sense = target.comparator
        if not (_sense_before(text, match.start(), sense) or _sense_after(text, end, sense)):
            continue
        sign = "better than\u00a0" if sense == "better than" else f"{sense}\u00a0"
        # Counts are confirmed but not shown: their noun is in the indicator text beside them.
        shown = None if target.count else f"{sign}{target.value}{unit_shown}"
        return CheckedTarget(target, shown, "count" if target.count else "")
    return CheckedTarget(target, None, f"{target.zh!r} not confirmed by the English")


@dataclass(frozen=True)
class TargetRow:
    """The verified targets of one indicator paragraph, or why none are shown."""

    shown: tuple[str, ...]
    certain: bool  # every target of the Chinese was confirmed
    has_numbers: bool  # the Chinese states numbers (targets or conditions)


def row_targets(zh: str, en: str | None) -> TargetRow:
    """The targets of one indicator. Shown only if the English is final and confirms every one."""
    has_numbers = bool(re.search(r"\d", zh))
    targets = extract_targets(zh)
    if not targets:
        return TargetRow((), True, has_numbers)
    if en is None:
        return TargetRow((), False, has_numbers)
    if not all(target.complete for target in targets):
        return TargetRow((), False, has_numbers)
    checked = [check_target(target, en) for target in targets]
    if any(item.shown is None and item.reason != "count" for item in checked):
        return TargetRow((), False, has_numbers)
    shown: list[str] = []
    for item in checked:
        if item.shown and item.shown not in shown:
            shown.append(item.shown)
    return TargetRow(tuple(shown), True, has_numbers)
