"""Benchmark of the translation pipeline on a random-weight model the size of opus-mt.

No zh→en model exists to download, so the script builds one offline: a CTranslate2 Transformer
with 6+6 layers, d_model 512, 8 heads, FFN 2048 and a 32,000-piece vocabulary, random weights
(the end-of-sentence bias is set so that outputs have a few dozen tokens), a sentencepiece model
trained on the guide, packed as a `.argosmodel` and installed in a private argos package folder.

Each phase runs in its own subprocess so that its peak memory (ru_maxrss) is its own:
- raw:      CTranslate2 `translate_batch` on the already protected and tokenized sentences;
- ours:     `translate_texts` (split, protect, batch, n-best rerank, restore) on the same segments,
            first with one decoding pass (as raw), then with the default inline retry of sentences
            whose placeholders were lost (a random model loses them almost everywhere: worst case);
- naive:    `argostranslate.translate.translate()` once per segment (its network sentence splitter
            replaced by our splitter, so nothing is downloaded), with argos's default threads (CTranslate2's
            default of 4 OpenMP threads) as a user runs it, and again with `ARGOS_INTRA_THREADS=1`, its
            fastest setting on a 2-core machine;
- lengths:  the tokens the random model reads and writes for our protected sentences and for the raw
            ones (a random model's output length follows its input pieces; a trained model's follows
            the meaning);
- pipeline: `translate_guide` on the whole bundled guide with a fresh memory, then a second run
            with the memory filled.

Usage: python benchmarks/bench_translate.py [--segments 120] [--no-pipeline] [--workdir DIR]
Ratios are measured in the same run; no absolute target is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NUM_HYPOTHESES = 1  # the first pass (the default); the inline retry asks for 4
REPEATS = 2


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def guide_lines() -> list[str]:
    """The bundled guide's non-empty lines: the Chinese side of every benchmark model's vocabulary."""
    from generator.paths import BUNDLED_GUIDE

    return [line.strip() for line in BUNDLED_GUIDE.read_text(encoding="utf-8").splitlines() if line.strip()]


def build_model(workdir: Path) -> Path:
    """Build (once) and install the benchmark package; returns the package folder."""
    from generator.translate.models import install_package, read_package
    from generator.translate.testing import build_argos_package

    packages = workdir / "argos"
    installed = packages / "bench-opus-size-zh-en"
    if (installed / "model" / "model.bin").is_file() and (packages / "calibration.json").is_file():
        return installed
    lines = guide_lines()
    # Fixed English lines (not the translators' changing files) keep the vocabulary, and so the random
    # model's outputs, the same from run to run.
    english = [
        "The project shall be led by an enterprise.",
        "The ratio of matching funds to national funding shall be no less than 3:1.",
        "A manufacturing enterprise must take part in the project.",
        "Develop key technologies for flexible perovskite solar cells and integrated storage devices.",
        "Produce a product prototype with an area of > 1000 cm² and complete pilot batch production.",
        "Investigate the mechanism of charge transfer and establish a multiphysics coupling model.",
        "Apply for ≥ 5 invention patents and publish at least 5 high-level papers jointly.",
        "Carry out collaborative research on carbon capture, utilization and storage.",
    ] * 40
    # Random weights give random output lengths: search the end-of-sentence bias that makes the
    # greedy outputs of a sample of guide sentences about as long as their sources (1–1.5×).
    import ctranslate2
    import sentencepiece

    sample = [line for line in lines if 20 <= len(line) <= 120][:24]
    low, high = 30.0, 120.0
    started = time.perf_counter()
    for _ in range(6):
        bias = (low + high) / 2
        shutil.rmtree(packages, ignore_errors=True)
        archive = build_argos_package(
            workdir / "bench-opus-size-zh-en.argosmodel",
            lines + english,
            name="bench-opus-size-zh-en",
            vocab_size=8000,
            layers=6,
            d_model=512,
            heads=8,
            ffn=2048,
            eos_bias=bias,
            projection_scale=1.0,
            vocabulary_size=32000,
            compress=False,
        )
        package = install_package(archive, packages)
        archive.unlink()  # 300+ MB; the installed folder is what the phases use
        tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(package.tokenizer_path))
        sources = [tokenizer.encode(line, out_type=str) for line in sample]
        translator = ctranslate2.Translator(str(package.model_dir), device="cpu")
        outputs = translator.translate_batch(sources, beam_size=1, max_decoding_length=256)
        ratio = sum(len(o.hypotheses[0]) for o in outputs) / sum(len(t) for t in sources)
        print(f"eos bias {bias:.1f}: output/source length {ratio:.2f}", file=sys.stderr)
        if ratio > 1.5:
            low = bias
        elif ratio < 1.0:
            high = bias
        else:
            break
    (packages / "calibration.json").write_text(
        json.dumps({"eos_bias": bias, "length_ratio": ratio}), encoding="utf-8"
    )
    print(
        f"built and installed {read_package(package.path).name} in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return package.path


def mt_segment_texts(count: int) -> list[str]:
    """`count` distinct Chinese segments of the bundled guide that the pipeline sends to MT, spread evenly."""
    from generator.translate.pipeline import translate_guide
    from generator.translate.termbase import load_term_index

    with tempfile.TemporaryDirectory() as empty:
        result = translate_guide(
            engine=None,
            record=False,
            memory_path=Path(empty) / "m.sqlite",
            memory_dir=Path(empty),
            terms=load_term_index(),
        )
    texts = list(
        dict.fromkeys(s.zh for s, t in zip(result.segments, result.translations, strict=True) if t.en is None)
    )
    step = max(1, len(texts) // count)
    return texts[::step][:count]


def phase_raw(package_dir: Path, texts: list[str]) -> dict[str, float]:
    import ctranslate2

    from generator.translate.engine import CTranslate2Engine
    from generator.translate.models import read_package
    from generator.translate.mt import _suppressed_forms, mt_sentences
    from generator.translate.protect import protect
    from generator.translate.termbase import load_term_index

    terms = load_term_index()
    engine = CTranslate2Engine(read_package(package_dir))
    sentences = list(dict.fromkeys(protect(s, terms).text for text in texts for s in mt_sentences(text)))
    tokens = [engine.encode(sentence) for sentence in sentences]
    # The forbidden renderings that `translate_texts` suppresses, so that both decode the same way.
    suppress = engine._suppressed(_suppressed_forms([s for text in texts for s in mt_sentences(text)], terms))
    translator: ctranslate2.Translator = engine.translator
    warm = [engine.encode(protect("预热：钙钛矿太阳能电池效率≥20%。", terms).text)]
    translator.translate_batch(
        warm, beam_size=4, num_hypotheses=NUM_HYPOTHESES
    )  # warm-up, as in the other phases
    times = []
    for _ in range(REPEATS):  # the first run is cold; the best of the others is the warm figure
        started = time.perf_counter()
        translator.translate_batch(
            tokens,
            max_batch_size=engine.max_batch_tokens,
            batch_type="tokens",
            beam_size=4,
            num_hypotheses=NUM_HYPOTHESES,
            return_scores=True,
            replace_unknowns=True,
            max_decoding_length=256,
            length_penalty=0.2,
            suppress_sequences=suppress,
        )
        times.append(time.perf_counter() - started)
    return {
        "seconds": times[0],
        "warm_seconds": min(times[1:]),
        "sentences": len(sentences),
        "peak_mib": peak_mib(),
    }


def phase_lengths(package_dir: Path, texts: list[str]) -> dict[str, float]:
    """Source and output pieces of one beam-4 decoding of the protected and of the raw sentences."""
    from generator.segments import split_sentences
    from generator.translate.engine import CTranslate2Engine
    from generator.translate.models import read_package
    from generator.translate.mt import mt_sentences
    from generator.translate.protect import protect
    from generator.translate.termbase import load_term_index

    terms = load_term_index()
    engine = CTranslate2Engine(read_package(package_dir))
    inputs = {
        "protected": list(
            dict.fromkeys(protect(s, terms).text for text in texts for s in mt_sentences(text))
        ),
        "raw": list(dict.fromkeys(s for text in texts for s in (split_sentences(text) or [text]))),
    }
    result: dict[str, float] = {}
    for name, sentences in inputs.items():
        tokens = [engine.encode(sentence) for sentence in sentences]
        outputs = engine.translator.translate_batch(
            tokens,
            max_batch_size=engine.max_batch_tokens,
            batch_type="tokens",
            beam_size=4,
            max_decoding_length=256,
            length_penalty=0.2,
        )
        result[f"{name}_source_pieces"] = sum(len(t) for t in tokens)
        result[f"{name}_output_pieces"] = sum(len(o.hypotheses[0]) for o in outputs)
    return result


def phase_ours(package_dir: Path, texts: list[str]) -> dict[str, float]:
    from generator.translate.engine import CTranslate2Engine
    from generator.translate.models import read_package
    from generator.translate.mt import translate_texts
    from generator.translate.termbase import load_term_index

    terms = load_term_index()
    loaded = time.perf_counter()
    engine = CTranslate2Engine(read_package(package_dir))
    load_seconds = time.perf_counter() - loaded
    # Warm-up, as in the other phases (also builds the termbase match index once).
    translate_texts(["预热：钙钛矿太阳能电池效率≥20%。"], engine, terms)
    times = []
    # One decoding pass, like the raw phase. The first run is cold (glossary regexes compiled on first use).
    for _ in range(REPEATS):
        started = time.perf_counter()
        translate_texts(texts, engine, terms, num_hypotheses=NUM_HYPOTHESES, retry_inline=False)
        times.append(time.perf_counter() - started)
    # The default: sentences whose placeholders were lost are decoded a second time with inline English.
    # A random-weight model loses them in nearly every sentence, so this is the worst case.
    started = time.perf_counter()
    results = translate_texts(texts, engine, terms, num_hypotheses=NUM_HYPOTHESES)
    retry_seconds = time.perf_counter() - started
    retried = sum(1 for r in results if any("decoded again" in issue for issue in r.issues))
    return {
        "seconds": times[0],
        "warm_seconds": min(times[1:]),
        "with_retry_seconds": retry_seconds,
        "segments_retried": retried,
        "load_seconds": load_seconds,
        "segments": len(texts),
        "peak_mib": peak_mib(),
    }


def phase_naive_protected(package_dir: Path, texts: list[str]) -> dict[str, float]:
    """Naive argostranslate on the very sentences our pipeline decodes (protected, placeholders in):
    the same input tokens, so the ratio is batching against one call per sentence."""
    from generator.translate.mt import mt_sentences
    from generator.translate.protect import protect
    from generator.translate.termbase import load_term_index

    terms = load_term_index()
    sentences = list(dict.fromkeys(protect(s, terms).text for text in texts for s in mt_sentences(text)))
    return phase_naive(package_dir, sentences)


def phase_naive(package_dir: Path, texts: list[str]) -> dict[str, float]:
    os.environ["ARGOS_PACKAGES_DIR"] = str(package_dir.parent)
    imported = time.perf_counter()
    import argostranslate.sbd as sbd
    import argostranslate.translate as argos

    from generator.segments import split_sentences

    class OurSentencizer(sbd.ISentenceBoundaryDetectionModel):
        """Replaces argos's sentence splitters, which download a model at run time."""

        def __init__(self, pkg: object) -> None:
            self.pkg = pkg

        def split_sentences(self, text: str) -> list[str]:
            return split_sentences(text) or [text]

    argos.MiniSBDSentencizer = OurSentencizer
    argos.StanzaSentencizer = OurSentencizer
    import_seconds = time.perf_counter() - imported
    argos.translate(texts[0], "zh", "en")  # load the model outside the timed loop, as ours does
    started = time.perf_counter()
    for text in texts:
        argos.translate(text, "zh", "en")
    elapsed = time.perf_counter() - started
    return {
        "seconds": elapsed,
        "import_seconds": import_seconds,
        "segments": len(texts),
        "peak_mib": peak_mib(),
    }


def phase_pipeline(package_dir: Path, area: str) -> dict[str, float]:
    from generator.parse import load_bundled_guide
    from generator.translate.engine import CTranslate2Engine
    from generator.translate.models import read_package
    from generator.translate.pipeline import translate_guide
    from generator.translate.termbase import load_term_index

    directions = (
        None if area == "all" else [d.id for d in load_bundled_guide().directions if d.area_id == area]
    )
    terms = load_term_index()
    engine = CTranslate2Engine(read_package(package_dir))
    engine.translate(["预热。"])  # warm-up, as in the other phases
    with tempfile.TemporaryDirectory() as state:
        memory = Path(state) / "memory.sqlite"
        started = time.perf_counter()
        # An empty reviewed memory, so the first run measures MT on every segment patterns do not cover.
        first = translate_guide(
            engine=engine, memory_path=memory, memory_dir=Path(state), terms=terms, directions=directions
        )
        first_seconds = time.perf_counter() - started
        started = time.perf_counter()
        second = translate_guide(
            engine=engine, memory_path=memory, memory_dir=Path(state), terms=terms, directions=directions
        )
        second_seconds = time.perf_counter() - started
    return {
        "segments": len(first.segments),
        "mt_segments": first.mt_segments,
        "first_seconds": first_seconds,
        "second_seconds": second_seconds,
        "second_mt_cached": second.mt_cached,
        "peak_mib": peak_mib(),
    }


def run_phase(name: str, package_dir: Path, texts_file: Path, pipeline_area: str = "1") -> dict[str, float]:
    completed = subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            name,
            "--package",
            str(package_dir),
            "--texts",
            str(texts_file),
            "--pipeline-area",
            pipeline_area,
        ],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "ARGOS_PACKAGES_DIR": str(package_dir.parent)},
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--segments", type=int, default=120, help="MT segments for the naive/ours/raw comparison"
    )
    parser.add_argument("--no-pipeline", action="store_true", help="skip the whole-guide pipeline runs")
    parser.add_argument(
        "--pipeline-area",
        default="1",
        help="area whose directions the pipeline runs translate ('all': whole guide)",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds; the fastest run of each phase counts"
    )
    parser.add_argument("--workdir", type=Path, default=ROOT / ".callpack" / "bench")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--package", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--texts", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        texts = json.loads(args.texts.read_text(encoding="utf-8"))
        if args.phase == "naive_1thread":
            os.environ["ARGOS_INTRA_THREADS"] = "1"  # read by argostranslate.settings at import
        phases = {
            "raw": phase_raw,
            "ours": phase_ours,
            "naive": phase_naive,
            "naive_1thread": phase_naive,
            "naive_protected": phase_naive_protected,
            "lengths": phase_lengths,
        }
        result = (
            phase_pipeline(args.package, args.pipeline_area)
            if args.phase == "pipeline"
            else phases[args.phase](args.package, texts)
        )
        print(json.dumps(result))
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    package_dir = build_model(args.workdir)
    texts = mt_segment_texts(args.segments)
    texts_file = args.workdir / "texts.json"
    texts_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    results: dict[str, dict[str, float]] = {}
    # The machine may be shared: interleave the phases and keep each one's fastest run.
    for round_number in range(args.rounds):
        for name in ("raw", "ours", "naive", "naive_1thread", "naive_protected"):
            print(f"round {round_number + 1}: {name} …", file=sys.stderr)
            result = run_phase(name, package_dir, texts_file)
            best = results.get(name)
            if best is None or result["seconds"] < best["seconds"]:
                results[name] = result
    print("lengths …", file=sys.stderr)
    lengths = run_phase("lengths", package_dir, texts_file)
    if not args.no_pipeline:
        print("pipeline …", file=sys.stderr)
        results["pipeline"] = run_phase("pipeline", package_dir, texts_file, args.pipeline_area)
    raw, ours, naive, naive_1thread = (results[k] for k in ("raw", "ours", "naive", "naive_1thread"))
    n = len(texts)
    summary = {
        "model": "random weights, 6+6 layers, d_model 512, 8 heads, FFN 2048, vocabulary 32,000, beam 4",
        "calibration": json.loads((package_dir.parent / "calibration.json").read_text(encoding="utf-8")),
        "segments_compared": n,
        "ours_segments_per_second": n / ours["seconds"],
        "naive_segments_per_second": n / naive["seconds"],
        "speedup_over_naive": naive["seconds"] / ours["seconds"],
        "speedup_over_naive_1thread": naive_1thread["seconds"] / ours["seconds"],
        "ours_with_retry_segments_per_second": n / ours["with_retry_seconds"],
        "speedup_over_naive_with_retry": naive["seconds"] / ours["with_retry_seconds"],
        "speedup_over_naive_same_inputs": results["naive_protected"]["seconds"] / ours["seconds"],
        "pieces": lengths,
        "overhead_over_translate_batch": ours["seconds"] / raw["seconds"] - 1,
        "overhead_over_translate_batch_warm": ours["warm_seconds"] / raw["warm_seconds"] - 1,
        "peak_mib": {name: result["peak_mib"] for name, result in results.items()},
        "naive_import_seconds": naive["import_seconds"],
        "phases": results,
    }
    if "pipeline" in results:
        pipeline = results["pipeline"]
        summary["pipeline_segments_per_second_first_run"] = pipeline["segments"] / pipeline["first_seconds"]
        summary["pipeline_segments_per_second_second_run"] = pipeline["segments"] / pipeline["second_seconds"]
    print(json.dumps(summary, indent=1))
    print(
        f"\n{n} MT segments: ours {n / ours['seconds']:.2f} seg/s, naive argostranslate {n / naive['seconds']:.2f} seg/s "
        f"→ ours is {naive['seconds'] / ours['seconds']:.2f}× faster; overhead over translate_batch "
        f"{100 * (ours['seconds'] / raw['seconds'] - 1):+.1f}% (first run), "
        f"{100 * (ours['warm_seconds'] / raw['warm_seconds'] - 1):+.1f}% (best of the later runs); "
        f"with the inline retry of lost placeholders ({ours['segments_retried']:.0f} segments): "
        f"{n / ours['with_retry_seconds']:.2f} seg/s, {naive['seconds'] / ours['with_retry_seconds']:.2f}× naive; "
        f"on the same (protected) inputs: {results['naive_protected']['seconds'] / ours['seconds']:.2f}× naive; "
        f"{naive_1thread['seconds'] / ours['seconds']:.2f}× naive with ARGOS_INTRA_THREADS=1; pieces read/written: "
        f"protected {lengths['protected_source_pieces']:.0f}/{lengths['protected_output_pieces']:.0f}, "
        f"raw {lengths['raw_source_pieces']:.0f}/{lengths['raw_output_pieces']:.0f}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
