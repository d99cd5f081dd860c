#!/usr/bin/env python3
"""The arithmetic and the verdict of scripts/reliability/overload.sh (overload at FACTOR x capacity).

    overload.py plan CAP FACTOR CAP_P99
        prints three numbers: the open-loop rate round(CAP * FACTOR), the default bound on the admitted
        calls' p99 max(100, 2 * CAP_P99) and on the shed calls' p99 max(50, CAP_P99) (milliseconds)
    overload.py check WORK P99_MAX_MS SHED_P99_MAX_MS RSS_MAX_MB CAP RATE
        reads WORK/calls.csv (loadgen --record), rss.txt, metrics-{before,after}.txt and after.txt;
        prints the codes, latencies, shed count and RSS, then PASS, or FAIL with the reasons (exit 1):
        nothing shed, failures other than RESOURCE_EXHAUSTED/UNAVAILABLE, admitted or shed p99 over its
        bound, RSS over RSS_MAX_MB, or failed calls after the overload
"""
import argparse
import ast
import csv
import re
import sys
from collections import Counter


def number(text):
    """A number as the shell wrote it (an integer stays one, as in `python3 -c "print($X)"`)."""
    value = ast.literal_eval(text)
    if not isinstance(value, (int, float)):
        raise ValueError(f"not a number: {text!r}")
    return value


def plan(cap, factor, cap_p99):
    print(round(cap * factor), max(100, 2 * cap_p99), max(50, cap_p99))


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round((len(xs) - 1) * p))] if xs else 0.0


def metric(path, name):
    total = 0.0
    try:
        for line in open(path):
            if line.startswith(name):
                total += float(line.split()[-1])
    except OSError:
        pass
    return total


def check(work, p99_max, shed_max, rss_max, cap, rate):
    p99_max, shed_max, rss_max = float(p99_max), float(shed_max), float(rss_max)
    calls = list(csv.DictReader(open(f"{work}/calls.csv")))
    # Measured window: the run's warm-up second excluded.
    t0 = min(int(c["start_us"]) for c in calls) + 1_000_000 if calls else 0
    calls = [c for c in calls if int(c["start_us"]) >= t0]
    codes = Counter(c["code"] for c in calls)
    lat = lambda c: (int(c["end_us"]) - int(c["start_us"])) / 1000
    ok = [lat(c) for c in calls if c["code"] == "Ok"]
    shed = [lat(c) for c in calls if c["code"] in ("ResourceExhausted", "Unavailable")]
    other = {k: v for k, v in codes.items() if k not in ("Ok", "ResourceExhausted", "Unavailable")}
    rss = [int(l.split()[1]) / 1024 for l in open(f"{work}/rss.txt") if l.split()[1] != "0"]
    shed_server = metric(f"{work}/metrics-after.txt", "arabic_text_grpc_calls_shed") - metric(f"{work}/metrics-before.txt", "arabic_text_grpc_calls_shed")
    after = open(f"{work}/after.txt").read()
    after_failed = int(re.search(r"failed=(\d+)", after).group(1))
    dur = (max(int(c["start_us"]) for c in calls) - t0) / 1e6 if calls else 1
    print(f"capacity {cap}/s; offered {rate}/s; answered {len(calls)/max(dur,1e-9):.0f}/s; codes {dict(codes)}")
    print(f"admitted (OK): {len(ok)} ({len(ok)/max(dur,1e-9):.0f}/s) p50={pct(ok,.5):.2f}ms p99={pct(ok,.99):.2f}ms max={pct(ok,1):.2f}ms")
    print(f"shed: {len(shed)} (server counter {shed_server:.0f}) p50={pct(shed,.5):.2f}ms p99={pct(shed,.99):.2f}ms")
    print(f"server RSS: start {rss[0] if rss else 0:.1f} MB, max {max(rss, default=0):.1f} MB")
    print(f"after the overload: failed={after_failed}")
    problems = []
    if not shed: problems.append("nothing was shed: the server was not overloaded (raise FACTOR or lower LIMIT)")
    if other: problems.append(f"failures other than RESOURCE_EXHAUSTED/UNAVAILABLE: {other}")
    if pct(ok, .99) > p99_max: problems.append(f"admitted p99 {pct(ok,.99):.2f}ms > {p99_max}ms")
    if pct(shed, .99) > shed_max: problems.append(f"shed p99 {pct(shed,.99):.2f}ms > {shed_max}ms: not shed at once")
    if max(rss, default=0) > rss_max: problems.append(f"RSS {max(rss):.1f} MB > {rss_max} MB")
    if after_failed: problems.append(f"{after_failed} calls failed after the overload")
    if problems:
        print("FAIL: " + "; ".join(problems)); sys.exit(1)
    print("PASS: sheds cleanly, admitted p99 bounded, RSS bounded, healthy afterwards")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("plan", help="the open-loop rate and the default p99 bounds")
    for name in ("cap", "factor", "cap_p99"):
        p.add_argument(name, type=number)
    p = sub.add_parser("check", help="the verdict on the run's files in WORK")
    for name in ("work", "p99_max_ms", "shed_p99_max_ms", "rss_max_mb", "cap", "rate"):
        p.add_argument(name)
    a = parser.parse_args()
    if a.command == "plan":
        plan(a.cap, a.factor, a.cap_p99)
    else:
        check(a.work, a.p99_max_ms, a.shed_p99_max_ms, a.rss_max_mb, a.cap, a.rate)


if __name__ == "__main__":
    main()
