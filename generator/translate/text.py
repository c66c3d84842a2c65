"""Text helpers shared by the memory, MT and QA: source normalization and script detection."""

from __future__ import annotations

import re
import unicodedata

# CJK ideographs, CJK punctuation and full-width forms: none of them may stay in English.
CJK_RE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")

# Sub- and superscript digits carry meaning (CO₂, 10¹², cm²) that NFKC would flatten into plain digits.
_KEEP_SCRIPTS = "₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻"
_SPACE_RE = re.compile(r"\s+")
# Spaces between CJK text and digits or Latin letters are an artifact of PDF extraction and
# typing habits, not meaning: "不低于 3:1" and "不低于3:1" are the same source sentence.
_CJK_GAP_RE = re.compile(
    r"(?<=[\u3400-\u9fff\u3000-\u303f\uff00-\uffef])\s+|\s+(?=[\u3400-\u9fff\u3000-\u303f\uff00-\uffef])"
)
# Punctuation that PDFs and typists write in either width; the key uses one form.
_WIDTH_MAP = str.maketrans(
    {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?", "～": "~", "﹕": ":"}
)


def has_cjk(text: str) -> bool:
    return CJK_RE.search(text) is not None


def cjk_characters(text: str) -> list[str]:
    return CJK_RE.findall(text)


def nfkc_keep_scripts(text: str) -> str:
    """NFKC normalization that keeps sub- and superscript digits as they are."""
    out: list[str] = []
    for char in text:
        out.append(char if char in _KEEP_SCRIPTS else unicodedata.normalize("NFKC", char))
    return "".join(out)


def source_key(zh: str) -> str:
    """The memory lookup key of a Chinese source: width, spacing and punctuation normalized."""
    text = nfkc_keep_scripts(zh)
    text = text.translate(_WIDTH_MAP)
    text = _SPACE_RE.sub(" ", text).strip()
    text = _CJK_GAP_RE.sub("", text)
    text = re.sub(r"\s*([:;,()~≥≤<>±])\s*", r"\1", text)
    return text
