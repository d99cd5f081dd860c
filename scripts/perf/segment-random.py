#!/usr/bin/env python3
"""Writes deterministic random text for the segmenter's differential check
(scripts/perf/segment-diff.sh): words and runs mixing what the tokenizer,
the letter classes and the clitic analysis branch on.

Usage: segment-random.py SEED COUNT KIND > FILE
KIND: mixed  - every class below, strings separated by newlines
      glued  - the same strings concatenated with no separator
      clitic - Arabic words built from proclitics, stems and enclitics, with
               marks U+0610..U+061A, U+064B..U+065F, U+0670, tatweel and the
               letters U+063B..U+063F between their letters
"""
import random
import sys

BASIC = [chr(c) for c in range(0x0621, 0x064B) if c != 0x0640]
EXTRA_LETTERS = [chr(c) for c in range(0x063B, 0x0640)] + [
    chr(c) for c in (0x0620, 0x066E, 0x066F, 0x0671, 0x067E, 0x0686, 0x06A9, 0x06AF, 0x06CC, 0x06D5, 0x06FA, 0x06FF, 0x0750, 0x08A0)
]
MARKS = [chr(c) for c in range(0x064B, 0x0660)] + ["\u0670"] + [chr(c) for c in range(0x0610, 0x061B)]
QURANIC = ["\u06D6", "\u06DC", "\u06DF", "\u06E4", "\u06E7", "\u06E8", "\u06EA", "\u06ED"]
TATWEEL = "\u0640"
PRESENTATION = ["\uFB50", "\uFB8A", "\uFDF2", "\uFDFA", "\uFE70", "\uFE8D", "\uFEDF", "\uFEFB", "\uFEFC"]
LATIN = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") + ["é", "ß", "ж", "Ω", "中", "ก", "\u0E31"]
DIGITS = list("0123456789") + [chr(c) for c in range(0x0660, 0x066A)] + [chr(c) for c in range(0x06F0, 0x06FA)]
PUNCT = list(".!?,;:-()[]{}\"'/#@%&*_\\") + [
    "؟", "،", "؛", "…", "«", "»", "“", "”", "’", "‘", "۔", "٪", "٫", "٬", "٭", "﴾", "﴿", "‼", "⁉", "。", "！", "–", "—",
]
SPACE = [" ", " ", " ", "\n", "\t", "\r\n", "\u00A0", "\u2028", "\u2029", "\u0085", "\u3000", "\x0b", "\x0c"]
INVISIBLE = ["\u200C", "\u200D", "\u200B", "\u200E", "\u061C", "\uFEFF", "\u00AD", "\u0301", "\uFE0F"]
EMOJI = ["😀", "👍", "🏽", "❤", "☀", "🇸", "🇦", "⌚", "©", "™", "\u20E3", "\U000E0067"]
PIECES = ["http://", "https://", "www.", "ftp://", ".com", ".org", "@", "#", "...", "…", "د.", "أ.", "Mr.", "e.g.", "ق.م", "١٢:٣٠", "3.14", "1,000", "O'Brien", "don't"]

PROCLITICS = ["", "", "و", "ف", "ب", "ل", "ك", "س", "وب", "ول", "فس", "ال", "وال", "بال", "لل", "ولل", "فال", "كال"]
ENCLITICS = ["", "", "ه", "ها", "هما", "هم", "هن", "ك", "كما", "كم", "كن", "ي", "ني", "نا"]
STEMS = ["كتاب", "مدرسة", "عاصمة", "قال", "الله", "الذي", "معلم", "رئيس", "حكومة", "إلى", "على", "مستشفى", "شيء", "بناء", "رأى", "ذهبوا", "ت", "لي", "لكن", "الا"]
WORDLIKE = BASIC * 3 + EXTRA_LETTERS + MARKS + [TATWEEL] * 3 + PRESENTATION


def mixed(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(1, 24)):
        r = rng.random()
        if r < 0.35:
            out.append("".join(rng.choice(WORDLIKE) for _ in range(rng.randint(1, 12))))
        elif r < 0.45:
            out.append("".join(rng.choice(LATIN) for _ in range(rng.randint(1, 8))))
        elif r < 0.52:
            out.append("".join(rng.choice(DIGITS + list(".,:'٫٬\u2019")) for _ in range(rng.randint(1, 8))))
        elif r < 0.62:
            out.append(rng.choice(PUNCT))
        elif r < 0.67:
            out.append(rng.choice(INVISIBLE + QURANIC))
        elif r < 0.72:
            out.append(rng.choice(EMOJI))
        elif r < 0.80:
            out.append(rng.choice(PIECES))
        else:
            out.append(rng.choice(SPACE))
    return "".join(out)


def clitic(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(1, 12)):
        stem = rng.choice(STEMS) if rng.random() < 0.6 else "".join(rng.choice(BASIC) for _ in range(rng.randint(1, 9)))
        w = rng.choice(PROCLITICS) + stem + rng.choice(ENCLITICS)
        chars = []
        for ch in w:
            chars.append(ch)
            r = rng.random()
            if r < 0.08:
                chars.append(rng.choice(MARKS))
            elif r < 0.11:
                chars.append(TATWEEL)
            elif r < 0.13:
                chars.append(rng.choice(EXTRA_LETTERS[:5]))
            elif r < 0.14:
                chars.append(rng.choice(["\u200C", "\u200D"]))
        words.append("".join(chars))
    sep = rng.choice([" ", " ", " ", "، ", ". ", "\n", "؟ ", " «", "» "])
    return sep.join(words)


def main() -> None:
    seed, count, kind = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = random.Random(seed)
    gen = clitic if kind == "clitic" else mixed
    sep = "" if kind == "glued" else "\n"
    sys.stdout.write(sep.join(gen(rng) for _ in range(count)))


if __name__ == "__main__":
    main()
