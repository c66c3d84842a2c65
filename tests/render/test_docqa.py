"""`callpack qa --documents`: a build of a few directions of the bundled guide is clean; tampering is found."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.parse import load_bundled_guide
from generator.render.build import build
from generator.render.context import build_call_context
from generator.render.docqa import check_documents, unflagged_chinese

DIRECTIONS = ["4.3", "5.3", "1.5"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("docqa")
    guide = load_bundled_guide()
    call = build_call_context(guide, issued=dt.date(2026, 12, 1))
    build(guide, out, kinds=["call", "briefing"], formats=["html"], direction_ids=DIRECTIONS, call=call)
    return out, call


def _copy(built, tmp_path: Path) -> Path:
    out, _ = built
    target = tmp_path / "out"
    shutil.copytree(out, target)
    return target


def test_build_of_a_few_directions_is_clean(built):
    out, call = built
    report = check_documents(out, call)
    assert report.documents == len(DIRECTIONS) * 4  # call en, bilingual, zh + briefing
    assert report.checks > 300
    assert report.findings == []


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_shortened_indicator_is_found(built, tmp_path):
    out = _copy(built, tmp_path)
    _edit(out / "directions/4.3/4.3-briefing.en.html", "proof-of-principle prototype that operates", "")
    report = check_documents(out, built[1])
    assert {f.check for f in report.findings} >= {"full-text"}


def test_a_lost_comparator_or_number_is_found(built, tmp_path):
    out = _copy(built, tmp_path)
    path = out / "directions/4.3/4.3-call.en.html"
    text = path.read_text(encoding="utf-8").replace("5000\u00a0GPU", "500\u00a0GPU")
    path.write_text(text, encoding="utf-8")
    checks = {f.check for f in check_documents(out, built[1]).findings}
    assert "numbers" in checks


def test_unflagged_chinese_is_found(built, tmp_path):
    out = _copy(built, tmp_path)
    _edit(out / "directions/5.3/5.3-briefing.en.html", "<h2>", "<h2>2~4项 ")
    checks = {f.check for f in check_documents(out, built[1]).findings}
    assert "unflagged-chinese" in checks


def test_a_missing_binding_rule_is_found(built, tmp_path):
    out = _copy(built, tmp_path)
    path = out / "directions/1.5/1.5-call.zh.html"
    text = path.read_text(encoding="utf-8")
    rule = next(r for r in built[1].rules if r.id == "cover-all")
    path.write_text(text.replace(rule.zh, ""), encoding="utf-8")
    findings = check_documents(out, built[1]).findings
    assert any(f.check == "binding-rule" and "cover-all" in f.message for f in findings)


def test_every_binding_rule_and_the_restriction_are_in_every_document(built):
    out, call = built
    assert call.restricted is not None and len(call.rules) == 6
    for entry in json.loads((out / "index.json").read_text())["files"]:
        text = (out / entry["path"]).read_text(encoding="utf-8")
        for rule in [*call.rules, call.restricted]:
            assert (rule.zh if entry["lang"] == "zh" else rule.en) in text.replace("\u00a0", " ")


def test_cleared_for_release_drops_the_restriction():
    from generator.settings import CallInfo

    call = build_call_context(load_bundled_guide(), info=CallInfo(cleared_for_release=True))
    assert call.restricted is None


def test_lang_check_accepts_tagged_chinese():
    import lxml.html

    body = lxml.html.fromstring('<body><p>Title <span lang="zh-CN">中文</span> 未标</p></body>')
    assert unflagged_chinese(body) == ["未标"]


def test_cli_exits_non_zero_on_a_finding(built, tmp_path):
    from generator.cli import app

    out = _copy(built, tmp_path)
    runner = CliRunner()
    clean = runner.invoke(app, ["qa", "--documents", "--out", str(out)])
    assert clean.exit_code == 0, clean.output
    assert "12 documents" in clean.output and "0 findings" in clean.output
    _edit(out / "directions/5.3/5.3-briefing.en.html", "<h2>", "<h2>未译 ")
    dirty = runner.invoke(app, ["qa", "--documents", "--out", str(out)])
    assert dirty.exit_code == 1
    assert "unflagged-chinese" in dirty.output


def test_a_forged_manifest_entry_outside_the_output_is_never_read(tmp_path: Path) -> None:
    from generator.errors import RenderError

    out = tmp_path / "output"
    out.mkdir()
    (tmp_path / "secret.html").write_text("<html><body>secret</body></html>", encoding="utf-8")
    entry = {
        "path": "../secret.html", "sha256": "0", "bytes": 0, "kind": "call", "lang": "en",
        "format": "html", "direction": "1.1", "input_hash": "0",
    }
    (out / "index.json").write_text(json.dumps({"files": [entry]}), encoding="utf-8")
    call = build_call_context(load_bundled_guide(), issued=dt.date(2026, 1, 1))
    with pytest.raises(RenderError, match="outside the output folder"):
        check_documents(out, call)
