"""Reading h2load's per-request log (`--log-file`): shared by the summaries of grpc-vs-echo.sh and
loadgen-vs-h2load.sh, with the arguments both take. Imported, not run."""
import argparse


def parser(doc):
    """The command line of a summary described by `doc`: the run's work dir, its rounds and the warm-up
    seconds its h2load runs logged (more arguments may follow)."""
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("work", help="the run's work dir")
    p.add_argument("rounds", type=int, help="how many rounds ran")
    p.add_argument("warmup", type=float, help="seconds skipped at the start of each h2load run")
    return p


def pct(xs, p):
    """The `p` quantile of `xs` (nearest rank), NaN when there is none."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round((len(xs) - 1) * p))] if xs else float("nan")


def read(path, warmup):
    """The requests of an h2load log as (start us, status, duration us): all of them, those after the
    first `warmup` seconds (h2load logs its warm-up requests too), how many of these were not HTTP 200,
    and the latencies in ms of those that were."""
    rows = []
    for line in open(path):
        f = line.split("\t")
        if len(f) >= 3:
            rows.append((int(f[0]), int(f[1]), int(f[2])))
    t0 = min(t[0] for t in rows)
    kept = [t for t in rows if t[0] >= t0 + warmup * 1e6]
    bad = sum(1 for t in kept if t[1] != 200)
    lat = [t[2] / 1000 for t in kept if t[1] == 200]
    return rows, kept, bad, lat
