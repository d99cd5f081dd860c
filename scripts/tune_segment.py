#!/usr/bin/env python3
"""Coordinate-descent tuning of the clitic weights on the TUNING part of UD
Arabic-PUD (documents whose id ends in an even digit) only.

Runs `arabic-text eval-segment --part tune --weights ...` for each trial and
scores Words F1 from the gold/system spans (the same alignment udeval uses when
there are no multi-word tokens). Prints the best weight string.
Usage: python3 scripts/tune_segment.py [BINARY] [STEPS, e.g. 16,8,4]
"""
import subprocess
import sys

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/debug/arabic-text"
OUT = "target/eval-segment-tune"


def spans(path):
    out, pos = set(), 0
    for line in open(path, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if len(f) == 10 and f[0].isdigit():
            out.add((pos, pos + len(f[1])))
            pos += len(f[1])
    return out


def words_f1(weights):
    spec = ",".join(f"{k}={v}" for k, v in weights.items())
    r = subprocess.run([BIN, "eval-segment", "--part", "tune", "--out", OUT, "--weights", spec],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(r.stderr)
    g = spans(f"{OUT}/gold-tune.conllu")
    s = spans(f"{OUT}/system-tune.conllu")
    tp = len(g & s)
    return 2 * tp / (len(g) + len(s))


def main():
    # start from the committed defaults (crates/arabic-text-core/src/segment/clitics.rs)
    w = {"keep": -16, "conj0": -7, "conj1": -13, "prep0": 8, "prep1": -8, "prep2": -30,
         "prep3": -14, "enclitic0": -8, "enclitic1": -16, "enclitic2": -76, "enclitic3": -40,
         "enclitic4": -32, "restored_article": 27, "restored_final": 11, "min_stem": 18,
         "short_stem": -8}
    steps = [int(x) for x in sys.argv[2].split(",")] if len(sys.argv) > 2 else [16, 8, 4]
    best = words_f1(w)
    print(f"start {best:.5f}", flush=True)
    for step in steps:
        improved = True
        while improved:
            improved = False
            for k in list(w):
                for d in (step, -step):
                    t = dict(w)
                    t[k] += d
                    f = words_f1(t)
                    if f > best + 1e-9:
                        best, w, improved = f, t, True
                        print(f"{best:.5f} {k}={t[k]}", flush=True)
                        break
    print("best", f"{best:.5f}", ",".join(f"{k}={v}" for k, v in w.items()))


if __name__ == "__main__":
    main()
