"""The binding rules of the preamble, one wording per rule for every document kind.

Pure functions from the Guide. A rule is printed only when the guide states it: each is found by
the Chinese sentence that states it (its key phrase includes the numbers the English repeats), and
the Chinese printed beside it is the guide's own sentence. The English wording is fixed here, so a
call pack, a briefing and the whole call say the same words. 国（境）外 always reads FOREIGN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Guide

# 国（境）外: outside the Chinese mainland's customs territory, so Hong Kong, Macao and Taiwan count.
FOREIGN = "foreign (including Hong Kong, Macao and Taiwan)"


@dataclass(frozen=True)
class Rule:
    id: str
    zh: str  # the guide's own sentence(s)
    en: str  # the one English wording


def _sentences(guide: Guide) -> list[str]:
    text = "".join(p.text for section in guide.preamble for p in section.paragraphs)
    return [s for s in re.split(r"(?<=[。；])", text) if s.strip()]


def _find(sentences: list[str], *phrases: str) -> tuple[int, str] | None:
    for index, sentence in enumerate(sentences):
        if all(phrase in sentence for phrase in phrases):
            return index, sentence
    return None


def binding_rules(guide: Guide) -> tuple[Rule, ...]:
    """The rules of the preamble that bind every proposal, in the guide's order."""
    sentences = _sentences(guide)
    rules: list[Rule] = []
    found = _find(sentences, "必须涵盖", "全部研究内容和考核指标")
    if found:
        rules.append(
            Rule(
                "cover-all",
                found[1],
                "Unless the direction states otherwise, a proposal must cover all the research content and "
                "all the assessment indicators listed under its direction.",
            )
        )
    found = _find(sentences, "拟支持项目数为1~2项")
    if found:
        index = found[0]
        # The rule runs on over the next sentences: in principle 1; 2 when close; two phases; evaluation.
        tail = [s for s in sentences[index + 1 : index + 4] if "2" in s and "项" in s]
        zh = found[1] + "".join(tail)
        two = "可同时支持2项" in zh
        phases = "分两个阶段" in zh
        en = "Unless the direction states otherwise, each direction supports 1–2 projects: in principle 1"
        if two:
            en += (
                "; 2 may be supported at the same time when the two top-ranked proposals receive similar "
                "review results and follow clearly different technical approaches"
            )
        en += "."
        if two and phases:
            en += (
                " The 2 projects are then supported in two phases; after the first phase their "
                "implementation is evaluated, and the evaluation decides the further support."
            )
        rules.append(Rule("projects", zh, en))
    found = _find(sentences, "国（境）外合作单位共同参与申报")
    if found:
        count = re.search(r"须有(\d+)个", found[1])
        if count:
            n = int(count.group(1))
            en = f"Each proposal must be submitted jointly with at least {n} {FOREIGN} partner institution"
            en += "" if n == 1 else "s"
            if "不设上限" in found[1]:
                en += "; there is no upper limit on their number"
            rules.append(Rule("partner", found[1], en + "."))
    found = _find(sentences, "国（境）外合作单位", "签订合作协议")
    if found:
        rules.append(
            Rule(
                "agreement",
                found[1],
                f"The applicant institution must have a sound basis for cooperation with its {FOREIGN} "
                "partner institutions; the two sides must sign a cooperation agreement; each partner team "
                "must bring specific technical strengths; and the research is carried out jointly, with a "
                "clear division of work.",
            )
        )
    found = _find(sentences, "项目不下设课题")
    if found:
        units = re.search(r"中方参与单位总数不超过(\d+)家", found[1])
        years = re.search(r"实施周期一般不超过(\d+)年", found[1])
        if units and years:
            rules.append(
                Rule(
                    "limits",
                    found[1],
                    "Projects are not divided into sub-projects; the total number of Chinese participating "
                    f"institutions is no more than {units.group(1)}, and the implementation period is "
                    f"normally no more than {years.group(1)} years.",
                )
            )
    found = _find(sentences, "国际合作成效", "合著论文")
    if found:
        rules.append(
            Rule(
                "cooperation-outputs",
                found[1],
                "Besides completing the research content and assessment indicators of the guide, a project "
                "must show the effectiveness of the international cooperation in indicators such as "
                "co-authored papers, joint applications for international patents or standards, "
                "international conferences, exchange and training of researchers, and joint platforms.",
            )
        )
    return tuple(rules)


_RESTRICTED = re.compile(r"[（(]\s*仅国家科技管理信息系统注册用户登录可见\s*[)）]")


def restricted_note(guide: Guide) -> Rule | None:
    """The source's own access mark, when its title carries one."""
    match = _RESTRICTED.search(guide.title_raw)
    if not match:
        return None
    return Rule(
        "restricted",
        match.group(0).strip(),
        "The Chinese guide is marked as visible only to registered users of the National Science and "
        "Technology Management Information System. Do not pass this document on unless the issuing office "
        "has cleared the text for release.",
    )
