"""Benchmark of the `llm` engine against a local chat-completions server with a simulated latency.

The server (generator/translate/testing.py) answers every request after `--latency` seconds, as a
model server would, with deterministic translations that pass verification. Measured in the same
run, interleaved, best of `--rounds`:

- overhead: the engine's own time per request (prompt building, placeholders, strict parsing,
  verification, HTTP) = (wall time at concurrency 1 − requests × latency) / requests, and the same
  against a server with no latency;
- speed-up of concurrency N over one request at a time (the ideal is min(N, batches)).

Usage: python benchmarks/bench_llm.py [--segments 96] [--latency 0.25] [--batch-size 4] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_translate import mt_segment_texts  # noqa: E402  (the same segments as the MT benchmark)


def timed(texts: list[str], latency: float, concurrency: int, batch_size: int) -> tuple[float, int, int]:
    """Wall seconds, requests and accepted translations of one run against a fresh server."""
    from generator.settings import LlmSettings
    from generator.translate.llm import LlmEngine
    from generator.translate.termbase import load_term_index
    from generator.translate.testing import ChatServerScript, chat_server

    terms = load_term_index()
    with chat_server(ChatServerScript(latency=latency)) as (url, script):
        engine = LlmEngine(
            LlmSettings(base_url=url, model="fixture-llm", concurrency=concurrency, batch_size=batch_size)
        )
        started = time.perf_counter()
        results = engine.translate_texts(texts, terms)
        elapsed = time.perf_counter() - started
        engine.close()
        return elapsed, len(script.requests), sum(1 for r in results if r.en and not r.issues)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--segments", type=int, default=96)
    parser.add_argument("--latency", type=float, default=0.25, help="simulated seconds per request")
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts = mt_segment_texts(args.segments)
    best: dict[str, tuple[float, int, int]] = {}
    runs = [("no latency, concurrency 1", 0.0, 1)] + [
        (f"concurrency {c}", args.latency, c) for c in args.concurrency
    ]
    for round_number in range(args.rounds):
        for name, latency, concurrency in runs:
            result = timed(texts, latency, concurrency, args.batch_size)
            print(f"round {round_number + 1}: {name}: {result[0]:.2f} s", file=sys.stderr)
            if name not in best or result[0] < best[name][0]:
                best[name] = result
    n = len(texts)
    serial, requests, accepted = best["concurrency 1"]
    bare = best["no latency, concurrency 1"]
    summary = {
        "segments": n,
        "batch_size": args.batch_size,
        "latency_seconds": args.latency,
        "requests": requests,
        "accepted_first_time": accepted,
        "overhead_ms_per_request": 1000 * (serial - requests * args.latency) / requests,
        "overhead_ms_per_request_no_latency": 1000 * bare[0] / bare[1],
        "segments_per_second": {name: n / seconds for name, (seconds, _, _) in best.items()},
        "speedup_over_one_request_at_a_time": {
            name: serial / seconds for name, (seconds, _, _) in best.items() if name.startswith("concurrency")
        },
    }
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
