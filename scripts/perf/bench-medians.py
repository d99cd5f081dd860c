#!/usr/bin/env python3
"""Medians over rounds of `bench` JSON lines, for the segmenter comparisons.

Both subcommands read FILE, one JSON object per line as `arabic-text bench`, charabia-bench and
scripts/bench_camel.py print them (with "mb_per_s", "pass", "op" and "tokens_per_s"), each tagged by the
calling script with "tool" (and "file"):

    bench-medians.py peers FILE          scripts/peers/segment-peers.sh: per (file, tool, op, pass) the
                                         median MB/s and tokens/s and every round's MB/s
    bench-medians.py before-after FILE   scripts/perf/segment-before-after.sh: per (tool, pass) the median
                                         MB/s and every round's, then after/before, after/charabia and
                                         before/charabia for the cold and warm passes
"""
import argparse
import json
import statistics
from collections import defaultdict


def rounds(path, key):
    """The measurements in `path` grouped by `key(measurement)`, in the order they first appear."""
    runs = defaultdict(list)
    for line in open(path):
        m = json.loads(line)
        runs[key(m)].append(m)
    return runs


def peers(path):
    runs = rounds(path, lambda m: (m["file"], m["tool"], m["op"], m["pass"]))
    print(f"{'file':<40} {'tool':<12} {'op':<14} {'pass':<5} {'MB/s':>7} {'tokens/s':>11}  rounds")
    for (file, tool, op, pss), ms in runs.items():
        mb = statistics.median(m["mb_per_s"] for m in ms)
        tok = statistics.median(m["tokens_per_s"] for m in ms)
        print(f"{file[-40:]:<40} {tool:<12} {op:<14} {pss:<5} {mb:>7.1f} {tok:>11,.0f}  "
              + " ".join(f"{m['mb_per_s']:.1f}" for m in ms))


def before_after(path):
    runs = {k: [m["mb_per_s"] for m in ms] for k, ms in rounds(path, lambda m: (m["tool"], m["pass"])).items()}
    med = {k: statistics.median(v) for k, v in runs.items()}
    for (tool, pss), v in sorted(runs.items()):
        print(f"{tool:<9} {pss:<5} median {med[(tool, pss)]:7.1f} MB/s   rounds: " + " ".join(f"{x:.1f}" for x in v))
    for pss in ("cold", "warm"):
        a, b, c = med.get(("after", pss)), med.get(("before", pss)), med.get(("charabia", pss))
        line = f"{pss}: after/before {a / b:.2f}x" if a and b else pss
        if a and c:
            line += f", after/charabia {a / c:.2f}x, before/charabia {b / c:.2f}x"
        print(line)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("peers", help="medians per file, tool, op and pass").add_argument("file")
    sub.add_parser("before-after", help="medians per tool and pass, and their ratios").add_argument("file")
    a = parser.parse_args()
    (peers if a.command == "peers" else before_after)(a.file)


if __name__ == "__main__":
    main()
