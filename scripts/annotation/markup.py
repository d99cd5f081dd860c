#!/usr/bin/env python3
"""Annotation tooling for the project's entity gold (docs/entities-convention.md).

Annotators mark a paragraph inline, ⟦TYPE text⟧, and this script turns the marked lines into the JSONL the
project commits (code-point offsets into the pool paragraph, half-open), checking every mark on the way.

  markup.py batch POOL.tsv FIRST COUNT OUT          write paragraphs FIRST..FIRST+COUNT-1 of a pool file (0-based
                                                    line numbers; .tsv or .tsv.xz) to OUT, one `ID<TAB>text` a line
  markup.py check POOL.tsv MARKED...                check marked files (`ID<TAB>marked text`); exit 1 on an error
  markup.py jsonl POOL.tsv OUT.jsonl MARKED...      check, then write the JSONL (pool order, every ID once)
  markup.py agree A.jsonl B.jsonl [--list]          exact span+type agreement between two passes, per type;
                                                    --list prints every disagreement for adjudication
  markup.py render JSONL [IDS...]                   print paragraphs of a JSONL file back in the markup

Types: the API's EntityType names without the prefix, or the short codes PER LOC ORG NUM ORD QTY PCT.
A type followed by ~ (⟦DATE~ 15 آب 1947⟧ in في15 آب 1947) marks a span whose boundary lies inside a written
word because the source lacks a space; the boundary check skips it and `jsonl` lists it in OUT.typos.tsv.
"""
import json
import lzma
import sys
import unicodedata
from collections import Counter, defaultdict

OPEN, CLOSE = "\u27e6", "\u27e7"
TYPES = ["PERSON", "LOCATION", "ORGANIZATION", "MISC", "DATE", "TIME", "NUMBER", "ORDINAL", "QUANTITY",
         "PERCENT", "MONEY", "URL", "EMAIL", "PHONE", "HASHTAG", "MENTION"]
SHORT = {"PER": "PERSON", "PERS": "PERSON", "LOC": "LOCATION", "ORG": "ORGANIZATION", "NUM": "NUMBER",
         "ORD": "ORDINAL", "QTY": "QUANTITY", "PCT": "PERCENT"}
SHORT_OF = {"PERSON": "PER", "LOCATION": "LOC", "ORGANIZATION": "ORG", "NUMBER": "NUM", "ORDINAL": "ORD",
            "QUANTITY": "QTY", "PERCENT": "PCT"}
PROCLITICS = set("وفبكل")
TATWEEL = "\u0640"
# (id, mention) pairs whose boundary follows a typo of the source, marked ⟦TYPE~ text⟧.
TYPOS = []


def read_pool(path):
    opener = lzma.open if path.endswith(".xz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t", 1) for line in f if line.strip()]
    return rows


def is_word_char(c):
    cat = unicodedata.category(c)
    return cat[0] in "LMN" or c == TATWEEL


def parse(marked):
    """Returns (plain text, [(start, end, type)]) or raises ValueError."""
    out, spans, i = [], [], 0
    pos = 0
    while i < len(marked):
        c = marked[i]
        if c == CLOSE:
            raise ValueError(f"unmatched {CLOSE} at {i}")
        if c != OPEN:
            out.append(c)
            pos += 1
            i += 1
            continue
        j = marked.find(CLOSE, i)
        if j < 0:
            raise ValueError(f"unclosed {OPEN} at {i}")
        inner = marked[i + 1:j]
        if OPEN in inner:
            raise ValueError(f"nested {OPEN} at {i}")
        code, sep, body = inner.partition(" ")
        typo = code.endswith("~")
        code = code.rstrip("~")
        typ = SHORT.get(code, code)
        if not sep or typ not in TYPES:
            raise ValueError(f"bad type {code!r} in {OPEN}{inner}{CLOSE}")
        if not body:
            raise ValueError(f"empty span {OPEN}{inner}{CLOSE}")
        spans.append((pos, pos + len(body), typ, typo))
        out.append(body)
        pos += len(body)
        i = j + 1
    return "".join(out), spans


def span_problems(text, start, end, typ):
    """Boundary checks from the convention's general rules; returns a list of messages."""
    s = text[start:end]
    probs = []
    if s != s.strip():
        probs.append("leading or trailing space")
    if s and not is_word_char(s[0]) and typ not in ("URL", "EMAIL", "PHONE", "HASHTAG", "MENTION", "MONEY", "PERCENT"):
        probs.append(f"starts with {s[0]!r}")
    if s and not is_word_char(s[-1]) and typ not in ("URL", "PHONE", "PERCENT", "MONEY") and s[-1] not in ".)":
        probs.append(f"ends with {s[-1]!r}")
    # Start inside a word: only after proclitics (و ف ب ك ل, optionally a tatweel).
    k = start
    while k > 0 and is_word_char(text[k - 1]):
        k -= 1
    prefix = text[k:start]
    if prefix:
        core = "".join(ch for ch in prefix if ch in PROCLITICS or unicodedata.category(ch) != "Mn").rstrip(TATWEEL)
        if len(core) > 3:
            pass  # a missing space in the source (الدكتوراحمد): the span starts where the name does
        elif not core or any(ch not in PROCLITICS for ch in core):
            probs.append(f"starts inside the word after {prefix!r}")
    # End inside a word: the rest of the word is reported (pronoun suffixes are allowed but rare).
    k = end
    while k < len(text) and is_word_char(text[k]):
        k += 1
    if k > end:
        rest = text[end:k]
        if rest not in ("ه", "ها", "هم", "هما", "هن", "كم", "نا", "ي"):
            probs.append(f"ends inside the word before {rest!r}")
    return probs


def check_files(pool_path, marked_paths):
    pool = dict(read_pool(pool_path))
    order = [pid for pid, _ in read_pool(pool_path)]
    seen, errors, records = {}, [], {}
    for path in marked_paths:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if not line.strip():
                    continue
                where = f"{path}:{n}"
                pid, sep, marked = line.partition("\t")
                if not sep:
                    errors.append(f"{where}: no TAB after the ID")
                    continue
                if pid not in pool:
                    errors.append(f"{where}: {pid} is not in {pool_path}")
                    continue
                if pid in seen:
                    errors.append(f"{where}: {pid} already annotated at {seen[pid]}")
                    continue
                seen[pid] = where
                try:
                    text, spans = parse(marked)
                except ValueError as e:
                    errors.append(f"{where}: {pid}: {e}")
                    continue
                if text != pool[pid]:
                    a, b = text, pool[pid]
                    i = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
                    errors.append(f"{where}: {pid}: the text differs from the pool at char {i}: "
                                  f"marked …{a[max(0, i - 15):i + 15]!r}… pool …{b[max(0, i - 15):i + 15]!r}…")
                    continue
                for (s, e, t, typo) in spans:
                    if typo:
                        TYPOS.append(f"{pid}\t{text[s:e]}\tmarked by the annotator as following a typo of the source")
                        continue
                    for p in span_problems(text, s, e, t):
                        errors.append(f"{where}: {pid}: {t} {text[s:e]!r}: {p}")
                records[pid] = {"id": pid, "text": text,
                                "entities": [{"start": s, "end": e, "type": t, "text": text[s:e]} for s, e, t, _ in spans]}
    return order, records, errors


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def render(rec):
    text, out, pos = rec["text"], [], 0
    for e in sorted(rec["entities"], key=lambda e: e["start"]):
        out.append(text[pos:e["start"]])
        out.append(f"{OPEN}{SHORT_OF.get(e['type'], e['type'])} {text[e['start']:e['end']]}{CLOSE}")
        pos = e["end"]
    out.append(text[pos:])
    return "".join(out)


def prf(tp, n_pred, n_gold):
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return 100 * p, 100 * r, 100 * f


def agree(a_path, b_path, listing):
    a = {r["id"]: r for r in load_jsonl(a_path)}
    b = {r["id"]: r for r in load_jsonl(b_path)}
    common = [pid for pid in a if pid in b]
    per = defaultdict(lambda: [0, 0, 0])  # tp, a, b
    span_tp = 0
    n_a = n_b = 0
    for pid in common:
        sa = {(e["start"], e["end"], e["type"]) for e in a[pid]["entities"]}
        sb = {(e["start"], e["end"], e["type"]) for e in b[pid]["entities"]}
        span_tp += len({x[:2] for x in sa} & {x[:2] for x in sb})
        n_a += len(sa)
        n_b += len(sb)
        for t in TYPES:
            ta = {x for x in sa if x[2] == t}
            tb = {x for x in sb if x[2] == t}
            per[t][0] += len(ta & tb)
            per[t][1] += len(ta)
            per[t][2] += len(tb)
        if listing and sa != sb:
            text = a[pid]["text"]
            print(f"## {pid}")
            for s, e, t in sorted(sa - sb):
                print(f"  A only: {t} {text[s:e]!r} [{s},{e})")
            for s, e, t in sorted(sb - sa):
                print(f"  B only: {t} {text[s:e]!r} [{s},{e})")
    print(f"{len(common)} paragraphs in both passes; A {n_a} mentions, B {n_b}")
    print(f"{'type':<13} {'A':>5} {'B':>5} {'both':>5}  F1 (B against A)")
    tot = [0, 0, 0]
    names = [0, 0, 0]
    for t in TYPES:
        tp, na, nb = per[t]
        if na == 0 and nb == 0:
            continue
        for i in range(3):
            tot[i] += per[t][i]
            if t in ("PERSON", "LOCATION", "ORGANIZATION", "MISC"):
                names[i] += per[t][i]
        print(f"{t:<13} {na:>5} {nb:>5} {tp:>5}  {prf(tp, nb, na)[2]:5.1f}")
    print(f"{'names':<13} {names[1]:>5} {names[2]:>5} {names[0]:>5}  {prf(names[0], names[2], names[1])[2]:5.1f}")
    print(f"{'all':<13} {tot[1]:>5} {tot[2]:>5} {tot[0]:>5}  {prf(tot[0], tot[2], tot[1])[2]:5.1f}")
    print(f"{'spans only':<13} {n_a:>5} {n_b:>5} {span_tp:>5}  {prf(span_tp, n_b, n_a)[2]:5.1f}")


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0
    cmd = argv[1]
    if cmd == "batch":
        pool_path, first, count, out = argv[2], int(argv[3]), int(argv[4]), argv[5]
        rows = read_pool(pool_path)[first:first + count]
        with open(out, "w", encoding="utf-8") as f:
            for pid, text in rows:
                f.write(f"{pid}\t{text}\n")
        print(f"wrote {len(rows)} paragraphs to {out}")
        return 0
    if cmd == "check":
        order, records, errors = check_files(argv[2], argv[3:])
        for e in errors:
            print(e)
        n = sum(len(r["entities"]) for r in records.values())
        counts = Counter(e["type"] for r in records.values() for e in r["entities"])
        print(f"{len(records)} paragraphs, {n} mentions ({', '.join(f'{t} {c}' for t, c in counts.most_common())}); "
              f"{len(errors)} problems")
        return 1 if errors else 0
    if cmd == "jsonl":
        pool_path, out = argv[2], argv[3]
        order, records, errors = check_files(pool_path, argv[4:])
        for e in errors:
            print(e)
        if errors:
            return 1
        with open(out, "w", encoding="utf-8") as f:
            for pid in order:
                if pid in records:
                    f.write(json.dumps(records[pid], ensure_ascii=False) + "\n")
        print(f"wrote {len(records)} paragraphs to {out}")
        if TYPOS:
            with open(out + ".typos.tsv", "w", encoding="utf-8") as f:
                f.write("\n".join(TYPOS) + "\n")
            print(f"{len(TYPOS)} mentions marked as following a typo of the source: {out}.typos.tsv")
        return 0
    if cmd == "agree":
        agree(argv[2], argv[3], "--list" in argv)
        return 0
    if cmd == "render":
        recs = load_jsonl(argv[2])
        want = set(argv[3:])
        for r in recs:
            if not want or r["id"] in want:
                print(f"{r['id']}\t{render(r)}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
