"""Parse time per MB: the cost should grow linearly.

Run: python benchmarks/bench_parse.py [--repeat N] [--long-mb N]
Two cases, each against a baseline in the same run:
- the bundled guide against a guide 20x larger (the directions repeated with renumbered areas, so
  every heading stays valid);
- long paragraphs without sentence ends (page-break joins line after line, issue 12): a guide whose
  one direction holds 1 MB of such lines, against the same with 8 MB.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time

from generator.parse import parse_text
from generator.paths import BUNDLED_GUIDE


def scaled_guide(text: str, factor: int) -> str:
    """The preamble once, then the 10 areas `factor` times with areas renumbered 1..10*factor."""
    start = text.index("\n1. 新能源")
    preamble, body = text[:start], text[start:]
    copies = []
    for copy in range(factor):
        offset = copy * 10

        def renumber(match: re.Match[str], offset: int = offset) -> str:
            return f"\n{int(match.group(1)) + offset}{match.group(2)}"

        copies.append(re.sub(r"\n(\d{1,2})(\.\s|\s*\.\s*\d)", renumber, body))
    total = 107 * factor
    return preamble.replace("共计 107 个", f"共计 {total} 个") + "".join(copies)


def long_paragraph_guide(text: str, megabytes: float) -> str:
    """The bundled preamble and one direction whose research content is `megabytes` of lines with no
    sentence end, so that every line is joined to the one before as a page-break repair."""
    preamble = text[: text.index("\n1. 新能源")].replace("共计 107 个", "共计 1 个")
    lines = []
    size, index = 0, 0
    while size < megabytes * 1_000_000:
        line = f"研究第{index}类材料的制备方法与表征技术及其在能源转化中的应用"
        lines.append(line)
        size += len(line.encode("utf-8")) + 1
        index += 1
    body = "\n".join(lines)
    return (
        f"{preamble}\n1. 新能源\n\n1.1 长段落合作研究（基础研究类）\n\n研究内容：{body}\n\n"
        "考核指标：指标。\n\n关键词：长段落\n"
    )


def seconds(text: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        guide = parse_text(text)
        times.append(time.perf_counter() - started)
    assert guide.directions
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--long-mb", type=int, default=8, help="size of the large long-paragraph guide (MB)")
    args = parser.parse_args()
    text = BUNDLED_GUIDE.read_text(encoding="utf-8")
    parse_text(text)  # warm up: jieba's dictionary loads once per process
    big = scaled_guide(text, 20)
    assert len(parse_text(big).directions) == 107 * 20
    rows = []
    for name, sample, repeat in (("bundled", text, args.repeat), ("20x", big, max(1, args.repeat // 2))):
        megabytes = len(sample.encode("utf-8")) / 1_000_000
        elapsed = seconds(sample, repeat)
        rows.append((name, megabytes, elapsed, elapsed / megabytes))
    print(f"{'guide':<8} {'MB':>7} {'seconds':>9} {'s/MB':>8}")
    for name, megabytes, elapsed, per_mb in rows:
        print(f"{name:<8} {megabytes:7.2f} {elapsed:9.3f} {per_mb:8.3f}")
    ratio = rows[1][3] / rows[0][3]
    print(f"cost per MB, 20x guide / bundled guide: {ratio:.2f} (1.0 = linear)")
    print()
    small, large = long_paragraph_guide(text, 1), long_paragraph_guide(text, args.long_mb)
    timings = []
    for sample in (small, large):
        megabytes = len(sample.encode("utf-8")) / 1_000_000
        timings.append((megabytes, seconds(sample, max(1, args.repeat // 2))))
    print(f"{'long paragraphs':<16} {'MB':>7} {'seconds':>9} {'s/MB':>8}")
    for megabytes, elapsed in timings:
        print(f"{'':<16} {megabytes:7.2f} {elapsed:9.3f} {elapsed / megabytes:8.3f}")
    (small_mb, small_s), (large_mb, large_s) = timings
    print(
        f"time {large_mb:.0f} MB / {small_mb:.0f} MB: {large_s / small_s:.2f} "
        f"(size ratio {large_mb / small_mb:.2f}); cost per MB ratio {(large_s / large_mb) / (small_s / small_mb):.2f} (1.0 = linear)"
    )


if __name__ == "__main__":
    main()
