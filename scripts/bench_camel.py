#!/usr/bin/env python3
"""CAMeL Tools measured like `arabic-text bench`: one JSON line per (op, pass).

Usage: python3 scripts/bench_camel.py FILE [--passes 5]
       python3 scripts/bench_camel.py --check   (exit 0 when CAMeL Tools is installed, 1 when not)
Needs `pip install --no-deps camel-tools emoji six` (the utilities used here need no models).
Ops: normalize = dediac_ar + normalize_alef_ar + normalize_alef_maksura_ar +
normalize_teh_marbuta_ar (CAMeL's counterpart of the SEARCH letter folds, without
alignment); word_tokenize = simple_word_tokenize (words and punctuation, no sentences
or clitics). Time is this thread's CPU time; cold is the first pass in this process.
"""
import argparse
import json
import statistics
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", nargs="?", help="the text to measure (UTF-8)")
    parser.add_argument("--passes", type=int, default=5, help="passes over the text in this process (default 5)")
    parser.add_argument("--check", action="store_true", help="only say by the exit code whether CAMeL Tools is installed")
    args = parser.parse_args()
    if args.check:
        try:
            import camel_tools  # noqa: F401
        except Exception:
            sys.exit(1)
        sys.exit(0)
    if args.file is None:
        parser.error("FILE is required")

    from camel_tools.tokenizers.word import simple_word_tokenize
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import (normalize_alef_ar, normalize_alef_maksura_ar,
                                             normalize_teh_marbuta_ar)

    def normalize(text):
        return normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(text))))

    path, passes = args.file, args.passes
    text = open(path, encoding="utf-8").read()
    size = len(text.encode("utf-8"))
    tokens = len(simple_word_tokenize(text.replace("\n", " ")))
    for op, fn in (("normalize", normalize), ("word_tokenize", simple_word_tokenize)):
        secs = []
        for _ in range(passes):
            t0 = time.thread_time_ns()
            fn(text)
            secs.append(max(time.thread_time_ns() - t0, 1) / 1e9)
        for name, s in (("cold", secs[0]), ("warm", statistics.median(secs[1:]))):
            print(json.dumps({"tool": "camel-tools", "op": op, "pass": name, "bytes": size,
                              "mb_per_s": round(size / 1e6 / s, 1),
                              "tokens_per_s": round(tokens / s, 1)}))


if __name__ == "__main__":
    main()
