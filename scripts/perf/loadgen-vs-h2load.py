#!/usr/bin/env python3
"""The summary of scripts/perf/loadgen-vs-h2load.sh: loadgen's and h2load's latency on the same server.

    loadgen-vs-h2load.py WORK ROUNDS WARMUP

Reads, for each round R, WORK/loadgen-R.txt (loadgen's summary), WORK/h2load-R.tsv (h2load --log-file:
start us, status, duration us; the first WARMUP seconds dropped) and, when present, WORK/baseline-R.txt
(another loadgen build). Prints each round's p50, p99 and rate and the loadgen/h2load p99 ratio, then the
medians over the rounds. Exits non-zero when loadgen saw a failed call (an in-flight cap overflow is
only a warning).
"""
import re
import statistics
import sys

import h2load_log
from h2load_log import pct


def main():
    a = h2load_log.parser(__doc__).parse_args()
    work, rounds, warmup = a.work, a.rounds, a.warmup
    rows = []
    for r in range(1, rounds + 1):
        text = open(f"{work}/loadgen-{r}.txt").read()
        lg = {k: float(v) for k, v in re.findall(r"(p50|p99|rps|failed)=([\d.]+)", text)}
        errors = dict(re.findall(r"errors (\w+)=(\d+)", text))
        overflow = int(errors.pop("ClientOverflow", 0))
        if errors:
            sys.exit(f"round {r}: loadgen saw failed calls: {text}")
        if overflow:
            print(f"round {r}: WARNING: {overflow} calls not started, the in-flight cap was reached "
                  "(the server could not keep up at this rate)")
        # The first WARMUP seconds dropped, as loadgen does.
        _, kept, bad, lat = h2load_log.read(f"{work}/h2load-{r}.tsv", warmup)
        span = (max(t[0] for t in kept) - min(t[0] for t in kept)) / 1e6 if kept else 1
        h2 = {"p50": pct(lat, 0.5), "p99": pct(lat, 0.99), "rps": len(kept) / span, "bad": bad}
        base = None
        try:
            base = {k: float(v) for k, v in re.findall(r"(p50|p99|rps|failed)=([\d.]+)", open(f"{work}/baseline-{r}.txt").read())}
        except OSError:
            pass
        rows.append((lg, h2, base))
        print(f"round {r}: loadgen p50 {lg['p50']:.2f} ms p99 {lg['p99']:.2f} ms ({lg['rps']:.0f}/s) | "
              f"h2load p50 {h2['p50']:.2f} ms p99 {h2['p99']:.2f} ms ({h2['rps']:.0f}/s, non-200 {bad}) | "
              f"p99 ratio {lg['p99'] / h2['p99']:.2f}"
              + (f" | baseline p50 {base['p50']:.2f} ms p99 {base['p99']:.2f} ms ({base['rps']:.0f}/s, failed {base['failed']:.0f})" if base else ""))
    med = lambda xs: statistics.median(xs)
    lp50, lp99 = med([r[0]["p50"] for r in rows]), med([r[0]["p99"] for r in rows])
    hp50, hp99 = med([r[1]["p50"] for r in rows]), med([r[1]["p99"] for r in rows])
    print(f"median of {rounds}: loadgen p50 {lp50:.2f} ms p99 {lp99:.2f} ms | h2load p50 {hp50:.2f} ms "
          f"p99 {hp99:.2f} ms | loadgen/h2load p50 {lp50 / hp50:.2f} p99 {lp99 / hp99:.2f}")
    if all(r[2] for r in rows):
        bp50, bp99 = med([r[2]["p50"] for r in rows]), med([r[2]["p99"] for r in rows])
        print(f"median of {rounds}: baseline p50 {bp50:.2f} ms p99 {bp99:.2f} ms | baseline/h2load p99 {bp99 / hp99:.2f}")


if __name__ == "__main__":
    main()
