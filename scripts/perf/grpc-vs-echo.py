#!/usr/bin/env python3
"""The summary of scripts/perf/grpc-vs-echo.sh: each server's calls/s, latency and CPU per call, and
the ratios to echo.

    grpc-vs-echo.py WORK ROUNDS WARMUP HZ LABEL...

Reads, for each LABEL and round R, WORK/LABEL-R.tsv (h2load --log-file: start us, status, duration us;
the first WARMUP seconds dropped), WORK/LABEL-R.cpu (the server's CPU ticks over the run, HZ a second)
and, when present, WORK/LABEL-R.ok (the server's own count of OK calls). Prints each round, then the
medians over the rounds. Exits non-zero when a response was not HTTP 200 or the server counted fewer
OK calls than h2load sent (h2load ignores grpc-status). One LABEL must be `echo`.
"""
import os
import statistics
import sys

import h2load_log


def main():
    parser = h2load_log.parser(__doc__)
    parser.add_argument("hz", type=int, help="clock ticks a second of /proc/PID/stat (getconf CLK_TCK)")
    parser.add_argument("labels", nargs="+", help="the servers, echo among them")
    a = parser.parse_args()
    work, rounds, warmup, hz, labels = a.work, a.rounds, a.warmup, a.hz, a.labels
    pct = h2load_log.pct
    res = {l: [] for l in labels}
    for l in labels:
        for r in range(1, rounds + 1):
            rows, kept, bad, lat = h2load_log.read(f"{work}/{l}-{r}.tsv", warmup)
            span = (max(t[0] + t[2] for t in kept) - min(t[0] for t in kept)) / 1e6
            ok_path = f"{work}/{l}-{r}.ok"
            if os.path.exists(ok_path):
                ok = int(open(ok_path).read())
                # h2load ignores grpc-status: the server's own count must cover every request it sent.
                if ok < len(rows) - bad:
                    sys.exit(f"{l} round {r}: the server counted {ok} OK calls of {len(rows)} sent")
            if bad:
                sys.exit(f"{l} round {r}: {bad} responses were not HTTP 200")
            rps = len(kept) / span
            # Server CPU (user + system, /proc/PID/stat) over the whole h2load run, warm-up included.
            cpu_us = int(open(f"{work}/{l}-{r}.cpu").read()) / hz * 1e6 / len(rows)
            res[l].append({"rps": rps, "p50": pct(lat, 0.5), "p99": pct(lat, 0.99), "cpu": cpu_us})
            print(f"{l:>10} round {r}: {rps:8.0f} calls/s  p50 {pct(lat, 0.5):6.2f} ms  p99 {pct(lat, 0.99):6.2f} ms"
                  f"  server CPU {cpu_us:5.1f} us/call")
    med = statistics.median
    keys = ("rps", "p50", "p99", "cpu")
    e = {k: med([x[k] for x in res["echo"]]) for k in keys}
    print(f"\nmedian of {rounds} rounds (alternated):")
    for l in labels:
        m = {k: med([x[k] for x in res[l]]) for k in keys}
        per_round = ", ".join(f"{x['rps'] / y['rps']:.2f}" for x, y in zip(res[l], res["echo"]))
        print(f"{l:>10}: {m['rps']:8.0f} calls/s  p50 {m['p50']:6.2f} ms  p99 {m['p99']:6.2f} ms  "
              f"CPU {m['cpu']:5.1f} us/call  |  "
              f"rps/echo {m['rps'] / e['rps']:.3f} (rounds {per_round})  p99/echo {m['p99'] / e['p99']:.2f}")


if __name__ == "__main__":
    main()
