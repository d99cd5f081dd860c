#!/usr/bin/env python3
"""Lists word-segmentation differences between a gold and a system CoNLL-U file
(both over the same characters), most frequent first. Use it on the TUNING part
only: python3 scripts/segment_errors.py target/eval-segment/gold-tune.conllu target/eval-segment/system-tune.conllu"""
import collections
import sys


def spans(path):
    out = []
    pos = 0
    for line in open(path, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if len(f) != 10 or not f[0].isdigit():
            continue
        form = f[1]
        out.append((pos, pos + len(form), form))
        pos += len(form)
    return out


def main():
    g = spans(sys.argv[1])
    s = spans(sys.argv[2])
    gset = {(a, b) for a, b, _ in g}
    sset = {(a, b) for a, b, _ in s}
    # group by gold token run: find words in gold not in system
    miss = collections.Counter()
    extra = collections.Counter()
    for a, b, f in g:
        if (a, b) not in sset:
            ctx = [x[2] for x in s if x[0] < b and x[1] > a]
            miss[f"gold {f} | sys {'+'.join(ctx)}"] += 1
    for a, b, f in s:
        if (a, b) not in gset:
            ctx = [x[2] for x in g if x[0] < b and x[1] > a]
            extra[f"sys {f} | gold {'+'.join(ctx)}"] += 1
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 60
    print("== gold words the system missed")
    for k, v in miss.most_common(n):
        print(v, k)
    print("== system words not in gold")
    for k, v in extra.most_common(n):
        print(v, k)


if __name__ == "__main__":
    main()
