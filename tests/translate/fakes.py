"""A deterministic fake MT engine: dictionary lookup that copies placeholders, with planted faults."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from generator.translate.engine import Hypothesis

DICTIONARY = {
    "制备出": "produce ",
    "光电转换效率": "a power conversion efficiency of ",
    "的": " ",
    "柔性": "flexible ",
    "循环后": "cycles, then ",
    "次": " ",
    "设计生产大面积": "design and produce large-area ",
    "模组": "modules",
    "构筑便携式": "build portable ",
    "研究城市": "study urban ",
    "光伏系统": "PV system ",
    "碳足迹核算方法": "carbon footprint accounting methods",
    "适用城市的最大面积": "for cities up to ",
    "带隙": "band gap ",
    "排放降低": " emissions reduced by ",
}


@dataclass
class FakeEngine:
    """Translates word by word; Chinese it does not know stays Chinese (QA must catch it).

    - `drop`: placeholders (e.g. "ZXA") to drop from the FIRST hypothesis only;
    - `drop_always`: placeholders to drop from every hypothesis;
    - `first_hypothesis`: replaces the best hypothesis text (e.g. with a forbidden rendering);
    - `suppress` given by the caller removes hypotheses that contain a suppressed form.
    """

    engine_id: str = "fake:1"
    drop: set[str] = field(default_factory=set)
    drop_always: set[str] = field(default_factory=set)
    first_hypothesis: dict[str, str] = field(default_factory=dict)
    calls: list[list[str]] = field(default_factory=list)
    suppressed: list[list[str]] = field(default_factory=list)

    def _translate(self, text: str) -> str:
        for zh in sorted(DICTIONARY, key=len, reverse=True):
            # Words come out as words, as a model's pieces do, even next to a placeholder ("ZXA模组").
            text = text.replace(zh, f" {DICTIONARY[zh]} ")
        text = text.replace("。", ".").replace("；", ";").replace("，", ",")
        return re.sub(r"\s+", " ", text).strip()

    def translate(
        self, sentences: Sequence[str], *, num_hypotheses: int = 1, suppress: Sequence[str] = ()
    ) -> list[list[Hypothesis]]:
        self.calls.append(list(sentences))
        self.suppressed.append(list(suppress))
        output = []
        for sentence in sentences:
            good = self._translate(sentence)
            for name in self.drop_always:
                good = good.replace(name, "")
            first = good
            for name in self.drop:
                first = first.replace(name, "")
            for key, replacement in self.first_hypothesis.items():
                if key in sentence:
                    first = replacement
            hypotheses = [Hypothesis(first, -1.0), Hypothesis(good, -2.0)][: max(num_hypotheses, 1)]
            hypotheses = [
                h for h in hypotheses if not any(f.lower() in h.text.lower() for f in suppress)
            ] or hypotheses
            output.append(hypotheses)
        return output
