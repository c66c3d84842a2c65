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


# --- concurrency, killed builds, forged manifests, write failures ------------------------------------

HTML = {"kinds": ["call"], "langs": ["en"], "formats": ["html"]}


def _manifest_paths(out):
    return {entry["path"] for entry in json.loads((out / "index.json").read_text(encoding="utf-8"))["files"]}


def test_concurrent_builds_of_different_directions_both_stay_in_the_manifest(guide, call, tmp_path):
    """Build A reads the manifest, build B runs to the end meanwhile, then A finishes."""
    done = []

    def during_a(job, built):
        if not done:
            done.append(_build(guide, call, tmp_path, direction_ids=["1.2"], **HTML))

    _build(guide, call, tmp_path, direction_ids=["1.1"], progress=during_a, **HTML)
    assert done and done[0].jobs_built == 1
    assert _manifest_paths(tmp_path) == {"directions/1.1/1.1-call.en.html", "directions/1.2/1.2-call.en.html"}
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "1.1-call.en.html" in index and "1.2-call.en.html" in index


def test_forged_manifest_entry_outside_the_output_folder_is_dropped(guide, call, tmp_path):
    _build(guide, call, tmp_path, **HTML)
    manifest = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    template = manifest["files"][0]
    for forged in ("../../etc/passwd", "/etc/passwd", "javascript:alert(1)", "a/../../x", "a\\..\\x"):
        manifest["files"].append({**template, "path": forged})
    (tmp_path / "index.json").write_text(json.dumps(manifest), encoding="utf-8")
    report = _build(guide, call, tmp_path, **HTML)
    assert report.jobs_skipped == 2
    assert len(report.warnings) == 5 and "../../etc/passwd" in report.warnings[0]
    assert _manifest_paths(tmp_path) == {"directions/1.1/1.1-call.en.html", "directions/1.2/1.2-call.en.html"}
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "passwd" not in index and "javascript" not in index


def test_a_symlink_out_of_the_output_folder_is_not_linked(guide, call, tmp_path):
    from generator.render.build import confined

    out = tmp_path / "out"
    out.mkdir()
    (out / "whole").symlink_to(tmp_path)
    assert confined(out, "directions/1.1/x.pdf") and not confined(out, "whole/x.pdf")


def test_noop_rebuild_writes_nothing_so_a_full_or_read_only_disk_is_fine(guide, call, tmp_path, monkeypatch):
    import errno

    from generator.render import build as build_module

    _build(guide, call, tmp_path, **HTML)
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    for failure in (OSError(errno.ENOSPC, "No space left on device"), PermissionError(errno.EACCES, "Permission denied")):

        def refuse(*args, failure=failure, **kwargs):
            raise failure

        monkeypatch.setattr(build_module, "write_atomic", refuse)
        # Nor can the lock file be created in a read-only folder: the build goes on without it.
        monkeypatch.setattr(build_module, "LOCK_NAME", "no-such-folder/.index.lock")
        report = _build(guide, call, tmp_path, **HTML)
        assert report.jobs_built == 0 and report.jobs_skipped == 2
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file() and p.name != ".index.lock"} == {
        p: t for p, t in before.items() if p.name != ".index.lock"
    }


def test_write_failures_are_render_errors(guide, call, tmp_path, monkeypatch):
    import errno

    from generator.render import build as build_module

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(build_module, "write_atomic", full)
    with pytest.raises(RenderError, match="No space left on device"):
        _build(guide, call, tmp_path, **HTML)
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(RenderError, match="cannot create the output folder"):
        _build(guide, call, blocker / "out", **HTML)


def test_cli_output_folder_under_a_read_only_parent(tmp_path, monkeypatch):
    """Tests run as root, which ignores permissions: the refusal is simulated where mkdir asks the OS."""
    import errno
    from pathlib import Path

    from typer.testing import CliRunner

    from generator.cli import app

    real_mkdir = Path.mkdir

    def mkdir(self, *args, **kwargs):
        if self.name == "out":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    result = CliRunner().invoke(app, ["build", "-d", "1.1", "-k", "call", "-l", "en", "-f", "html", "-o", str(tmp_path / "out")])
    assert result.exit_code == RenderError.exit_code, result.output
    assert "cannot create the output folder: Permission denied" in result.output
    assert "Traceback" not in result.output


KILL_SCRIPT = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from generator.render import build

build.warm_up = lambda: None  # the death signal is what is under test, not the fonts

def job():
    # One write per line: two workers printing at once must not interleave their digits.
    os.write(1, f"{os.getpid()}\\n".encode())
    time.sleep(120)

with ProcessPoolExecutor(2, initializer=build._init_worker, initargs=(None,)) as pool:
    pool.submit(job)
    pool.submit(job)
    time.sleep(120)
"""


def test_workers_exit_when_the_build_is_killed(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    parent = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    try:
        workers = [int(parent.stdout.readline()) for _ in range(2)]
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 30
        alive = workers
        while alive and time.monotonic() < deadline:
            alive = [pid for pid in workers if _running(pid)]
            time.sleep(0.1)
        assert not alive, f"orphaned workers still running: {alive}"
    finally:
        parent.kill()
        for pid in workers if "workers" in locals() else []:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)


def _running(pid):
    from pathlib import Path

    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")
