"""Benchmark of the `ct2` engine's families against raw CTranslate2 `translate_batch` on the same models.

For each family (OPUS-MT/Marian, NLLB-200, M2M100) a random-weight model is built offline with the
family's tokenizer files and language tokens (3+3 layers, d_model 256, vocabulary 16,000; the
end-of-sentence bias is calibrated so outputs are about as long as their inputs). On the same
segments of the bundled guide, interleaved, best of `--rounds`:

- raw:  `translate_batch` on the already protected and tokenized sentences (language tokens and
        target prefix included) with our decoding settings;
- ours: `translate_texts` (split, protect, batch, rerank, restore), one decoding pass.

Usage: python benchmarks/bench_ct2_families.py [--segments 60] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_translate import guide_lines, mt_segment_texts  # noqa: E402  (the same segments as the MT benchmark)

Family = Literal["opus-mt", "nllb", "m2m100"]
FAMILIES: tuple[Family, ...] = ("opus-mt", "nllb", "m2m100")


def build(workdir: Path, family: Family) -> Any:
    """A calibrated random-weight model of `family` and its engine."""
    from generator.translate.engine import CTranslate2Engine
    from generator.translate.models import detect_model
    from generator.translate.testing import build_ct2_model

    lines = guide_lines()
    english = ["The project shall be led by an enterprise.", "Develop key technologies for solar cells."] * 40
    sample = [line for line in lines if 20 <= len(line) <= 120][:16]
    low, high = 5.0, 80.0
    engine = None
    for _ in range(5):
        bias = (low + high) / 2
        folder = workdir / f"{family}-zh-en-{bias:.0f}"
        build_ct2_model(
            folder,
            family,
            lines + english,
            vocab_size=6000,
            copy=False,
            eos_bias=bias,
            layers=3,
            d_model=256,
            heads=4,
            ffn=1024,
            vocabulary_size=16000,
        )
        engine = CTranslate2Engine(detect_model(folder))
        tokens = [engine.encode(line) for line in sample]
        outputs = engine.translator.translate_batch(tokens, beam_size=1, max_decoding_length=256)
        ratio = sum(len(o.hypotheses[0]) for o in outputs) / sum(len(t) for t in tokens)
        if ratio > 1.5:
            low = bias
        elif ratio < 1.0:
            high = bias
        else:
            break
    assert engine is not None
    print(f"{family}: eos bias {bias:.1f}, output/input length {ratio:.2f}", file=sys.stderr)
    return engine


def raw(engine: Any, texts: list[str]) -> float:
    from generator.translate.mt import _suppressed_forms, mt_sentences
    from generator.translate.protect import protect
    from generator.translate.termbase import load_term_index

    terms = load_term_index()
    sentences = [s for text in texts for s in mt_sentences(text)]
    inputs = sorted(dict.fromkeys(protect(s, terms).text for s in sentences), key=len, reverse=True)
    tokens = [engine.encode(s) for s in inputs]
    prefix = list(engine.model.target_prefix)
    suppress = engine._suppressed(_suppressed_forms(sentences, terms))
    started = time.perf_counter()
    engine.translator.translate_batch(
        tokens,
        target_prefix=[prefix] * len(tokens) if prefix else None,
        max_batch_size=engine.max_batch_tokens,
        batch_type="tokens",
        beam_size=engine.beam_size,
        num_hypotheses=1,
        return_scores=True,
        replace_unknowns=True,
        max_decoding_length=256,
        length_penalty=0.2,
        suppress_sequences=suppress,
    )
    return time.perf_counter() - started


def ours(engine: Any, texts: list[str]) -> float:
    from generator.translate.mt import translate_texts
    from generator.translate.termbase import load_term_index

    terms = load_term_index()
    started = time.perf_counter()
    translate_texts(texts, engine, terms, retry_inline=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--segments", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts = mt_segment_texts(args.segments)
    with tempfile.TemporaryDirectory() as work:
        engines = {family: build(Path(work), family) for family in FAMILIES}
        for engine in engines.values():
            ours(engine, texts[:2])  # warm-up (termbase index, regexes)
        best: dict[tuple[str, str], float] = {}
        for round_number in range(args.rounds):
            for family, engine in engines.items():
                for name, phase in (("raw", raw), ("ours", ours)):
                    seconds = phase(engine, texts)
                    print(f"round {round_number + 1}: {family} {name}: {seconds:.2f} s", file=sys.stderr)
                    best[(family, name)] = min(best.get((family, name), seconds), seconds)
    summary = {
        family: {
            "raw_seconds": best[(family, "raw")],
            "ours_seconds": best[(family, "ours")],
            "overhead_over_translate_batch": best[(family, "ours")] / best[(family, "raw")] - 1,
        }
        for family in FAMILIES
    }
    print(json.dumps({"segments": len(texts), "families": summary}, indent=1))


if __name__ == "__main__":
    main()
