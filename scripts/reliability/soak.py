#!/usr/bin/env python3
"""The verdict of scripts/reliability/soak.sh: the server's RSS stays flat under a long moderate load.

    soak.py WORK T_START DURATION WARMUP TOLERANCE

Reads WORK/rss.txt ("unix_seconds rss_kb" lines) and WORK/loadgen-*.txt; prints the RSS maximum of each
minute since T_START (unix seconds), then PASS, or FAIL (exit 1) when the last minute's maximum is more
than TOLERANCE (a fraction) above the maximum of the first minute after WARMUP seconds, when there are
too few samples, or when a call failed.
"""
import argparse
import glob
import re
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("work", help="the run's work dir")
    parser.add_argument("t_start", type=float, help="when the load started (unix seconds)")
    parser.add_argument("duration", type=float, help="the load's length (seconds)")
    parser.add_argument("warmup", type=float, help="seconds not compared at the start")
    parser.add_argument("tol", metavar="tolerance", type=float, help="growth allowed, as a fraction (0.10)")
    a = parser.parse_args()
    work, t_start, duration, warmup, tol = a.work, a.t_start, a.duration, a.warmup, a.tol
    samples = [(float(t) - t_start, int(kb) / 1024) for t, kb in (l.split() for l in open(f"{work}/rss.txt")) if kb != "0"]
    first = [r for t, r in samples if warmup <= t < warmup + 60]
    last = [r for t, r in samples if duration - 60 <= t < duration]
    failed = sum(int(m) for f in glob.glob(f"{work}/loadgen-*.txt") for m in re.findall(r"failed=(\d+)", open(f).read()))
    print("RSS MB by minute (max): " + " ".join(
        f"{m}:{max((r for t, r in samples if m*60 <= t < (m+1)*60), default=0):.1f}" for m in range(int(duration // 60))))
    fmax, lmax = max(first, default=0), max(last, default=0)
    print(f"first minute after warm-up max {fmax:.1f} MB, last minute max {lmax:.1f} MB "
          f"({(lmax / fmax - 1) * 100 if fmax else 0:+.1f}%), failed calls {failed}")
    problems = []
    if not first or not last: problems.append("too few RSS samples")
    elif lmax > fmax * (1 + tol): problems.append(f"RSS grew {lmax:.1f} > {fmax:.1f} MB + {tol:.0%}")
    if failed: problems.append(f"{failed} calls failed")
    if problems:
        print("FAIL: " + "; ".join(problems)); sys.exit(1)
    print("PASS: RSS flat")


if __name__ == "__main__":
    main()
