#!/usr/bin/env python3
"""Builds models/segment-lexicon.bin.gz: the stem lexicon of the clitic segmenter.

Source: wordfreq 3.1.1 (`pip install wordfreq==3.1.1`), Arabic frequency list
(data CC BY-SA 4.0, code Apache-2.0). Keeps every form made only of Arabic
letters (U+0621..U+063A, U+0641..U+064A, U+0671..U+06D3) and stores its Zipf
frequency quantized to 1/20 (one byte).

Format (after gzip): records `[q: u8][len: u8][len bytes of UTF-8]`, most frequent first.
Usage: python3 scripts/build_segment_lexicon.py [OUT]
"""
import gzip
import math
import re
import sys

import wordfreq

OUT = sys.argv[1] if len(sys.argv) > 1 else "models/segment-lexicon.bin.gz"
ARABIC = re.compile(r"^[\u0621-\u063A\u0641-\u064A\u0671-\u06D3]+$")


def main() -> None:
    freqs = wordfreq.get_frequency_dict("ar")
    out = bytearray()
    kept = 0
    for form, f in sorted(freqs.items(), key=lambda kv: (-kv[1], kv[0])):
        if not ARABIC.match(form):
            continue
        b = form.encode("utf-8")
        if len(b) > 255:
            continue
        zipf = math.log10(f) + 9.0
        q = max(0, min(255, round(zipf * 20)))
        out.append(q)
        out.append(len(b))
        out += b
        kept += 1
    with gzip.GzipFile(OUT, "wb", compresslevel=9, mtime=0) as fh:
        fh.write(bytes(out))
    print(f"{kept} forms of {len(freqs)} -> {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
