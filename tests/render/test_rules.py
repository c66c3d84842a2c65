"""Binding rules of the preamble: found in the guide, one English wording."""

from __future__ import annotations

from generator.parse import load_bundled_guide
from generator.render.rules import FOREIGN, binding_rules, restricted_note


def test_bundled_guide_rules():
    guide = load_bundled_guide()
    rules = {rule.id: rule for rule in binding_rules(guide)}
    assert set(rules) == {"cover-all", "projects", "partner", "agreement", "limits", "cooperation-outputs"}
    assert "全部研究内容和考核指标" in rules["cover-all"].zh
    assert "all the assessment indicators" in rules["cover-all"].en
    assert "2 may be supported" in rules["projects"].en and "two phases" in rules["projects"].en
    assert FOREIGN in rules["partner"].en and "at least 1 " in rules["partner"].en
    assert "no more than 10" in rules["limits"].en and "3 years" in rules["limits"].en
    assert rules["partner"].zh in "".join(p.text for s in guide.preamble for p in s.paragraphs)


def test_rules_absent_from_the_guide_are_not_printed(guide):
    # The hand-built guide's preamble states none of the rules: nothing is invented.
    assert binding_rules(guide) == ()


def test_restricted_note_follows_the_source_title():
    guide = load_bundled_guide()
    note = restricted_note(guide)
    assert note is not None and "注册用户" in note.zh and "registered users" in note.en
