#!/usr/bin/env python3
"""Converts tests/data/patterns.src.txt (sentences with inline marks) into
tests/data/patterns.jsonl, the pattern test set read by `cargo test` and
`arabic-text eval-patterns`.

Marks: [K text|value] where K is D (DATE), T (TIME), N (NUMBER), O (ORDINAL),
P (PERCENT), M (MONEY), Q (QUANTITY), U (URL), E (EMAIL), H (PHONE),
G (HASHTAG), A (MENTION). Lines starting with "# " set the domain; blank
lines are skipped. Offsets in the JSON are Unicode code points.

Usage: python3 scripts/patterns-markup.py [SRC] [OUT]
"""
import json
import re
import sys

KINDS = {"D": "DATE", "T": "TIME", "N": "NUMBER", "O": "ORDINAL", "P": "PERCENT",
         "M": "MONEY", "Q": "QUANTITY", "U": "URL", "E": "EMAIL", "H": "PHONE",
         "G": "HASHTAG", "A": "MENTION"}
MARK = re.compile(r"\[([DTNOPMQUEHGA]) ([^\[\]|]+?)(?:\|([^\[\]]*))?\]")


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "tests/data/patterns.src.txt"
    out = sys.argv[2] if len(sys.argv) > 2 else "tests/data/patterns.jsonl"
    domain = "general"
    rows = []
    for n, line in enumerate(open(src, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if line.startswith("# "):
            domain = line[2:].strip()
            continue
        if not line.strip():
            continue
        text, mentions, pos = "", [], 0
        for m in MARK.finditer(line):
            text += line[pos:m.start()]
            start = len(text)
            text += m.group(2)
            mention = {"start": start, "end": len(text), "type": KINDS[m.group(1)],
                       "text": m.group(2)}
            if m.group(3) is not None:
                mention["value"] = m.group(3)
            mentions.append(mention)
            pos = m.end()
        text += line[pos:]
        if "[" in text and "]" in text and re.search(r"\[[DTNOPMQUEHGA] ", text):
            sys.exit(f"{src}:{n}: unparsed mark")
        rows.append({"id": f"p{len(rows) + 1:04d}", "domain": domain, "text": text,
                     "mentions": mentions})
    with open(out, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} sentences, {sum(len(r['mentions']) for r in rows)} mentions -> {out}")


if __name__ == "__main__":
    main()
