"""The build: files, manifest, index, incremental skips, atomic writes, errors, CLI."""

from __future__ import annotations

import json

import pytest

from generator.errors import RenderError
from generator.render.build import build, plan_jobs
from generator.render.context import build_call_context
from generator.segments import Provenance, State, Translation

from .conftest import ISSUED, make_translations


def _build(guide, call, out, **options):
    return build(guide, out, call=call, **options)


def test_build_writes_files_manifest_and_index(guide, call, tmp_path):
    report = _build(guide, call, tmp_path, kinds=["briefing", "agreement"], formats=["pdf", "docx", "html"])
    assert report.jobs_built == 4 and report.jobs_skipped == 0
    manifest = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    paths = {entry["path"]: entry for entry in manifest["files"]}
    assert "directions/1.1/1.1-briefing.en.pdf" in paths
    assert "directions/1.2/1.2-agreement.bilingual.docx" in paths
    entry = paths["directions/1.1/1.1-briefing.en.pdf"]
    assert entry["direction"] == "1.1" and entry["kind"] == "briefing" and entry["pages"] <= 2
    import hashlib

    for path, item in paths.items():
        assert hashlib.sha256((tmp_path / path).read_bytes()).hexdigest() == item["sha256"]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for path in paths:
        assert f'href="{path}"' in index
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_rebuild_skips_unchanged_and_redoes_changed(guide, call, tmp_path):
    _build(guide, call, tmp_path, kinds=["call"], langs=["en"], formats=["html"])
    again = _build(guide, call, tmp_path, kinds=["call"], langs=["en"], formats=["html"])
    assert again.jobs_built == 0 and again.jobs_skipped == 2
    translations = make_translations(guide)
    translations["1.2:title:0"] = Translation(
        "1.2:title:0", "CO2 conversion", Provenance.REVIEWED, State.REVIEWED
    )
    changed = build_call_context(guide, translations, issued=ISSUED)
    third = _build(guide, changed, tmp_path, kinds=["call"], langs=["en"], formats=["html"])
    assert third.jobs_built == 1 and [r.direction for r in third.built] == ["1.2"]
    # A file changed by hand is rebuilt.
    target = tmp_path / "directions/1.1/1.1-call.en.html"
    target.write_text("tampered", encoding="utf-8")
    fourth = _build(guide, changed, tmp_path, kinds=["call"], langs=["en"], formats=["html"])
    assert fourth.jobs_built == 1 and "tampered" not in target.read_text(encoding="utf-8")


def test_whole_call_only_without_direction_filter(call):
    jobs = plan_jobs(call, ["whole", "call"], ["en"], ["pdf"])
    assert [j.direction_id for j in jobs] == [None, "1.1", "1.2"]
    jobs = plan_jobs(call, ["whole", "call"], ["en"], ["pdf"], ["1.2"])
    assert [j.direction_id for j in jobs] == ["1.2"]


def test_bad_choices_are_render_errors(call):
    with pytest.raises(RenderError, match="no direction '9.9'"):
        plan_jobs(call, ["call"], ["en"], ["pdf"], ["9.9"])
    with pytest.raises(RenderError, match="nothing to build"):
        plan_jobs(call, ["briefing"], ["zh"], ["pdf"])
    with pytest.raises(RenderError, match="unknown kind"):
        plan_jobs(call, ["poster"], ["en"], ["pdf"])


def test_cli_reports_a_bad_direction_in_one_line():
    from typer.testing import CliRunner

    from generator.cli import app

    result = CliRunner().invoke(
        app, ["build", "--direction", "99.9", "--format", "html", "--out", "/tmp/callpack-x"]
    )
    assert result.exit_code == 7
    assert "no direction '99.9'" in result.output
    assert "Traceback" not in result.output


def test_index_lists_english_and_chinese_titles_and_keeps_its_stylesheet(guide, call, tmp_path):
    _build(guide, call, tmp_path, kinds=["call"], langs=["en"], formats=["html"])
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Joint R&amp;D of flexible perovskite solar cells" in index
    assert '<span lang="zh-CN">柔性钙钛矿太阳能电池合作研发</span>' in index
    assert "&#34;" not in index and "&quot;" not in index.split("</style>")[0]  # quotes kept in CSS
    assert '"Callpack Noto Sans SC"' in index


def test_settings_that_reach_a_document_change_its_hash(guide, call):
    import dataclasses

    from generator.render.build import Job, job_input_hash
    from generator.settings import CallInfo

    job = Job("call", "en", "1.1", ("html",))
    other = dataclasses.replace(call, info=CallInfo(id="STIC-2027"))
    cleared = dataclasses.replace(call, info=CallInfo(cleared_for_release=True), restricted=None)
    hashes = {job_input_hash(job, c) for c in (call, other, cleared)}
    assert len(hashes) == 3
