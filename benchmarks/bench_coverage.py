"""Leave-one-area-out coverage: how much of an unseen area gets English, and from where.

For each of the bundled guide's areas: the reviewed memory minus every unit of that area (by
segment id) plays the memory of a programme office that has not seen the area; the area's
segments (area title and all its directions) go through the pipeline

- without MT: reviewed memory (exact matches from other areas), pattern rules and the termbase;
  the rest is a fuzzy suggestion (no English) or untranslated;
- with the fixture MT model: the same, and MT for the rest.

It reports, per provenance, the share of the area's segments, and the QA findings of the
segments that got English. Nothing is added to raise the figures (no word-by-word glosses): a
segment without a sentence a translator would keep stays untranslated.

The MT model is the tests' random-weight fixture (no zh→en weights can be installed here): its
share shows what MT would be asked to draft; its QA findings show what a real model's output has to
clear (every fixture draft fails QA, as it must). Caveat: the bundled termbase was built from the
whole guide, so the held-out area's own terms are known — the `keyword` share (a keyword that is an
approved term) is an upper bound for a new guide, whose terms may not be in the termbase yet.

Usage: python benchmarks/bench_coverage.py [--no-mt] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_translate import guide_lines  # noqa: E402  (the same vocabulary lines as the MT benchmark)

# Pattern output split: keywords looked up in the termbase, and the formulaic-sentence rules.
PROVENANCES = ("reviewed", "keyword", "rule", "mt", "fuzzy", "untranslated")


def kind(translation) -> str:
    value = translation.provenance.value
    if value == "pattern":
        return "keyword" if translation.note == "rule: keyword" else "rule"
    return value


def area_of(scope: str) -> str:
    return scope.removeprefix("area-").split(".")[0]


def fixture_engine(workdir: Path):
    """The tests' tiny random-weight zh→en model (2+2 layers, d_model 16)."""
    from generator.translate.engine import CTranslate2Engine
    from generator.translate.models import install_package
    from generator.translate.testing import build_argos_package

    english = [
        "The project shall be led by an enterprise.",
        "Develop key technologies for flexible perovskite solar cells.",
        "The ratio of matching funds to national funding shall be no less than 3:1.",
    ] * 40
    archive = build_argos_package(
        workdir / "coverage-fixture.argosmodel", guide_lines() + english, vocab_size=2000, eos_bias=6.0
    )
    return CTranslate2Engine(install_package(archive, workdir / "packages"))


def run(with_mt: bool) -> dict[str, object]:
    from generator.parse import load_bundled_guide
    from generator.paths import MEMORY_DIR
    from generator.segments import segment_guide
    from generator.translate.pipeline import translate_segments
    from generator.translate.qa import check_segment
    from generator.translate.store import open_memory
    from generator.translate.termbase import load_term_index
    from generator.translate.tmx import read_tmx, write_tmx

    guide = load_bundled_guide()
    segments = segment_guide(guide)
    terms = load_term_index()
    units = [unit for path in sorted(MEMORY_DIR.glob("*.tmx")) for unit in read_tmx(path)]
    scope_of = {segment.id: segment.scope for segment in segments}
    areas = sorted({area_of(s.scope) for s in segments if s.scope != "guide"}, key=int)
    report: dict[str, object] = {"areas": {}}
    totals: dict[str, Counter[str]] = {"without_mt": Counter(), "with_mt": Counter()}
    findings_total: dict[str, Counter[str]] = {"without_mt": Counter(), "with_mt": Counter()}
    with tempfile.TemporaryDirectory() as work:
        workdir = Path(work)
        engine = fixture_engine(workdir) if with_mt else None
        for area in areas:
            held_out = [s for s in segments if s.scope != "guide" and area_of(s.scope) == area]
            kept = [
                u for u in units if not (u.segment_id in scope_of and area_of(scope_of[u.segment_id]) == area)
            ]
            memory_dir = workdir / f"memory-{area}"
            memory_dir.mkdir()
            write_tmx(memory_dir / "reviewed.tmx", kept)
            row: dict[str, object] = {"segments": len(held_out)}
            runs = [("without_mt", None)] + ([("with_mt", engine)] if engine is not None else [])
            for name, mt in runs:
                with open_memory(workdir / f"memory-{area}-{name}.sqlite", memory_dir) as memory:
                    result = translate_segments(
                        held_out, memory, engine=mt, terms=terms, record=False, use_stored_mt=False
                    )
                counts = Counter(kind(t) for t in result.translations)
                findings: Counter[str] = Counter()
                flagged: Counter[str] = Counter()
                for segment, translation in zip(held_out, result.translations, strict=True):
                    found = check_segment(segment, translation, terms)
                    findings.update(f.check for f in found)
                    if any(f.severity == "error" for f in found):
                        flagged[kind(translation)] += 1
                totals[name].update(counts)
                totals[name]["segments"] += len(held_out)
                findings_total[name].update(findings)
                row[name] = {
                    "share": {p: counts.get(p, 0) / len(held_out) for p in PROVENANCES},
                    "with_english": sum(1 for t in result.translations if t.en) / len(held_out),
                    "qa_errors_by_provenance": dict(flagged),
                    "qa_findings": dict(findings),
                }
            report["areas"][area] = row  # type: ignore[index]
            print(f"area {area}: {len(held_out)} segments", file=sys.stderr)
    summary = {}
    for name, counts in totals.items():
        if not counts:
            continue
        n = counts["segments"]
        summary[name] = {
            "segments": n,
            "share": {p: counts.get(p, 0) / n for p in PROVENANCES},
            "qa_findings": dict(findings_total[name]),
        }
    report["overall"] = summary
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-mt", action="store_true", help="skip the run with the fixture MT model")
    parser.add_argument("--json", type=Path, help="write the full report here")
    args = parser.parse_args()
    report = run(not args.no_mt)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(
        f"{'area':>5} {'segs':>5}  " + "  ".join(f"{p:>12}" for p in PROVENANCES) + "   English (no MT / MT)"
    )
    for area, row in report["areas"].items():  # type: ignore[attr-defined]
        without = row["without_mt"]
        with_mt = row.get("with_mt")
        shares = "  ".join(f"{100 * without['share'][p]:11.1f}%" for p in PROVENANCES)
        english = f"{100 * without['with_english']:.1f}%" + (
            f" / {100 * with_mt['with_english']:.1f}%" if with_mt else ""
        )
        print(f"{area:>5} {row['segments']:>5}  {shares}   {english}")
    for name, summary in report["overall"].items():  # type: ignore[attr-defined]
        shares = ", ".join(f"{p} {100 * v:.1f}%" for p, v in summary["share"].items())
        print(f"overall {name} ({summary['segments']} segments): {shares}")
        print(f"  QA findings: {dict(sorted(summary['qa_findings'].items()))}")


if __name__ == "__main__":
    main()
