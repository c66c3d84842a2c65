"""Benchmark of `callpack build` on the bundled guide (107 directions, every kind, PDF+DOCX+HTML).

Measures, in one run on this machine:
  0. the machine's own parallelism: two processes of pure CPU work against one (the ceiling);
  1. the full build with --jobs 1 and with --jobs 2 (ratio = speed-up), each in a fresh folder;
  2. a no-op rebuild (everything up to date) against the full build;
  3. our per-document cost (HTML render + PDF + DOCX + hashing + atomic writes) against bare
     WeasyPrint (`HTML(string=...).write_pdf()` with the same HTML and stylesheet, default options);
  4. peak memory (max RSS of this process and of the worker processes).

Usage:  python benchmarks/bench_build.py [--sample N] [--skip-full] [--out DIR]
Results print as a table and are written to benchmarks/results/bench_build.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run_build(out: Path, jobs: int, extra: list[str] | None = None) -> dict[str, float]:
    """Run `callpack build` in a child process; returns wall time and the child's peak RSS."""
    arguments = ["build", "--out", str(out), "--jobs", str(jobs), *(extra or [])]
    code = (
        "import resource, sys\n"
        "sys.argv = ['callpack'] + sys.argv[1:]\n"
        "from generator.cli import app\n"
        "try:\n    app()\nexcept SystemExit as e:\n    code = e.code\nelse:\n    code = 0\n"
        "self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(f'@@rss {self_kb} {kids_kb}', file=sys.stderr)\n"
        "sys.exit(code)"
    )
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", code, *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "100"},
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"build failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    rss_line = [line for line in result.stderr.splitlines() if line.startswith("@@rss")][-1]
    _tag, self_kb, kids_kb = rss_line.split()
    # "N documents built (M files), K up to date": a no-op run must report 0 built.
    summary = [line for line in result.stdout.splitlines() if "documents built" in line]
    built = int(summary[-1].split()[0]) if summary else -1
    return {
        "seconds": elapsed,
        "documents_built": built,
        "peak_rss_mb": int(self_kb) / 1024,
        "peak_worker_rss_mb": int(kids_kb) / 1024,
    }


def _spin(n: int) -> float:
    started = time.perf_counter()
    total = 0
    for i in range(n):
        total += i * i
    return time.perf_counter() - started


def _machine_parallelism(n: int = 20_000_000) -> dict[str, float]:
    """What 2 processes buy on this machine for pure CPU work: the ceiling for --jobs 2.

    Virtual machines may show 2 CPUs but deliver about one CPU of throughput.
    """
    from concurrent.futures import ProcessPoolExecutor

    one = _spin(n)
    with ProcessPoolExecutor(2) as pool:
        started = time.perf_counter()
        list(pool.map(_spin, [n, n]))
        two = time.perf_counter() - started
    return {"one_process_s": one, "two_processes_double_work_s": two, "speedup": 2 * one / two}


def _output_stats(out: Path) -> dict[str, object]:
    manifest = json.loads((out / "index.json").read_text(encoding="utf-8"))
    files = manifest["files"]
    pdf_pages = [f["pages"] for f in files if f["format"] == "pdf" and f["pages"]]
    by_kind: dict[str, dict[str, float]] = {}
    for entry in files:
        key = f"{entry['kind']}.{entry['lang']}.{entry['format']}"
        bucket = by_kind.setdefault(key, {"files": 0, "bytes": 0, "pages": 0})
        bucket["files"] += 1
        bucket["bytes"] += entry["bytes"]
        bucket["pages"] += entry["pages"] or 0
    briefing_pages = [f["pages"] for f in files if f["kind"] == "briefing" and f["format"] == "pdf"]
    return {
        "files": len(files),
        "total_mb": sum(f["bytes"] for f in files) / 1e6,
        "pdf_pages": sum(pdf_pages),
        "briefing_max_pages": max(briefing_pages) if briefing_pages else None,
        "by_kind": by_kind,
    }


def _per_document(sample: int) -> dict[str, float]:
    """Our cost per document against bare WeasyPrint on the same HTML."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from generator.parse import load_bundled_guide
    from generator.render.build import Job, job_input_hash, render_job, warm_up
    from generator.render.context import build_call_context
    from generator.render.fonts import font_face_css

    call = build_call_context(load_bundled_guide())
    warm_up()
    directions = [d.id for d in call.directions][:: max(1, len(call.directions) // sample)][:sample]
    kinds = [("call", "en"), ("call", "bilingual"), ("briefing", "en"), ("agreement", "bilingual")]
    ours: list[float] = []
    ours_pdf_only: list[float] = []
    bare: list[float] = []
    from generator.render.html import render_html

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        # Warm both paths once (fonts, caches) so neither pays first-use costs in the timings.
        job = Job("call", "en", directions[0], ("pdf",))
        render_job(job, call, out, job_input_hash(job, call))
        HTML(string=render_html("call", "en", call, directions[0]).html).write_pdf()
        for direction_id in directions:
            for kind, lang in kinds:
                html = render_html(kind, lang, call, direction_id).html
                started = time.perf_counter()
                # Bare WeasyPrint as a first-time user would call it: same HTML, same font files,
                # a new FontConfiguration per document, default options (no tags).
                fonts = FontConfiguration()
                HTML(string=html).write_pdf(
                    stylesheets=[CSS(string=font_face_css(), font_config=fonts)], font_config=fonts
                )
                bare.append(time.perf_counter() - started)
                job = Job(kind, lang, direction_id, ("pdf",))
                started = time.perf_counter()
                render_job(job, call, out, job_input_hash(job, call))
                ours_pdf_only.append(time.perf_counter() - started)
                job = Job(kind, lang, direction_id, ("pdf", "docx", "html"))
                started = time.perf_counter()
                render_job(job, call, out, job_input_hash(job, call))
                ours.append(time.perf_counter() - started)
    return {
        "documents": len(bare),
        "bare_weasyprint_ms": statistics.mean(bare) * 1000,
        "ours_pdf_ms": statistics.mean(ours_pdf_only) * 1000,
        "ours_pdf_docx_html_ms": statistics.mean(ours) * 1000,
        "ratio_pdf_vs_bare": statistics.mean(ours_pdf_only) / statistics.mean(bare),
        "ratio_all_formats_vs_bare": statistics.mean(ours) / statistics.mean(bare),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sample", type=int, default=6, help="directions for the per-document comparison")
    parser.add_argument("--skip-full", action="store_true", help="only the per-document comparison")
    parser.add_argument("--out", type=Path, default=None, help="keep the build outputs here")
    args = parser.parse_args()
    results: dict[str, object] = {"cpus": os.cpu_count(), "machine_parallelism": _machine_parallelism()}
    base = args.out or Path(tempfile.mkdtemp(prefix="callpack-bench-"))
    try:
        if not args.skip_full:
            one = _run_build(base / "jobs1", 1)
            two = _run_build(base / "jobs2", 2)
            noop = _run_build(base / "jobs2", 2)
            results["full_jobs1"] = one
            results["full_jobs2"] = two
            results["speedup_jobs2_vs_jobs1"] = one["seconds"] / two["seconds"]
            machine = results["machine_parallelism"]
            assert isinstance(machine, dict)
            # 1.0 means --jobs 2 gets all the parallelism this machine can give.
            results["jobs2_efficiency_vs_machine"] = results["speedup_jobs2_vs_jobs1"] / machine["speedup"]
            results["noop_rebuild"] = noop
            results["noop_vs_full_jobs2"] = noop["seconds"] / two["seconds"]
            results["outputs"] = _output_stats(base / "jobs2")
        results["per_document"] = _per_document(args.sample)
    finally:
        if args.out is None:
            shutil.rmtree(base, ignore_errors=True)
    target = ROOT / "benchmarks" / "results" / "bench_build.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
