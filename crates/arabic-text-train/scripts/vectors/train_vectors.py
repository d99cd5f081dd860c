"""Subword vectors for the name tagger: floret (fastText skip-gram, hashed
character n-grams) on the text `arabic-text dump-corpus` writes, then the
compact table the tagger reads (models/ner-vectors.bin.gz) and the check file
its Rust test compares against (crates/arabic-text-core/tests/data/vectors-check.tsv.gz).

Run through train-vectors.sh (which pins the environment); see its --help.

Deterministic: one thread, fastText's fixed seed (0: the Python binding keeps
its default), the corpus in a fixed order.
"""

import argparse
import gzip
import io
import json
import struct
import sys
import time

import numpy as np
import floret

# The file format (read by crates/arabic-text-core/src/entities/vectors.rs).
MAGIC = b"ARVEC01\n"


def parse_args():
    p = argparse.ArgumentParser(
        description="Train floret subword vectors on a dump-corpus text and write the quantized table.")
    p.add_argument("--corpus", required=True, help="text from `arabic-text dump-corpus`")
    p.add_argument("--out", required=True, help="the table (models/ner-vectors.bin.gz)")
    p.add_argument("--check", required=True, help="the check file for the Rust test (.tsv.gz)")
    p.add_argument("--model", default="", help="also keep floret's own model file here")
    p.add_argument("--from-model", default="",
                   help="skip training: write the table and check file of this floret model file")
    p.add_argument("--dim", type=int, default=64)
    p.add_argument("--minn", type=int, default=3)
    p.add_argument("--maxn", type=int, default=5)
    p.add_argument("--bucket", type=int, default=100_000)
    p.add_argument("--hash-count", type=int, default=2)
    p.add_argument("--epoch", type=int, default=1)
    p.add_argument("--ws", type=int, default=5)
    p.add_argument("--neg", type=int, default=5)
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--t", type=float, default=1e-4)
    p.add_argument("--check-words", type=int, default=300,
                   help="words in the check file (half frequent, half unseen by the trainer)")
    return p.parse_args()


def quantize(m):
    """Per-row symmetric i8: x ~ scale * q."""
    amax = np.abs(m).max(axis=1)
    scale = np.where(amax > 0, amax / 127.0, 0.0).astype(np.float32)
    safe = np.where(scale > 0, scale, 1.0)
    q = np.clip(np.rint(m / safe[:, None]), -127, 127).astype(np.int8)
    return scale, q


def main():
    a = parse_args()
    settings = {
        "trainer": f"floret {getattr(floret, '__version__', '0.10.5')}",
        "model": "skipgram", "mode": "floret", "dim": a.dim, "minn": a.minn, "maxn": a.maxn,
        "bucket": a.bucket, "hashCount": a.hash_count, "epoch": a.epoch, "ws": a.ws,
        "neg": a.neg, "minCount": a.min_count, "lr": a.lr, "t": a.t, "thread": 1,
    }
    t0 = time.time()
    if a.from_model:
        m = floret.load_model(a.from_model)
    else:
        m = floret.train_unsupervised(
            a.corpus, model="skipgram", mode="floret", dim=a.dim, minn=a.minn, maxn=a.maxn,
            bucket=a.bucket, hashCount=a.hash_count, epoch=a.epoch, ws=a.ws, neg=a.neg,
            minCount=a.min_count, lr=a.lr, t=a.t, thread=1, verbose=2)
        print(f"\ntrained in {time.time() - t0:.0f} s", file=sys.stderr)
        if a.model:
            m.save_model(a.model)
    words = m.get_words()
    nwords = len(words)
    full = m.get_input_matrix()
    # floret mode: every subword (the whole <word> too) hashes into the
    # bucket rows, which follow the word rows in the input matrix.
    table = np.ascontiguousarray(full[nwords:nwords + a.bucket], dtype=np.float32)
    assert table.shape == (a.bucket, a.dim), table.shape
    scale, q = quantize(table)
    meta = json.dumps(settings, sort_keys=True).encode()
    raw = bytearray(MAGIC)
    raw += struct.pack("<IIIIII", a.dim, a.bucket, a.minn, a.maxn, a.hash_count, len(meta))
    raw += meta
    raw += scale.astype("<f4").tobytes()
    raw += q.tobytes()
    # No file name and no time in the gzip header: a rerun writes the same bytes.
    with open(a.out, "wb") as out, gzip.GzipFile(filename="", mode="wb", compresslevel=9,
                                                 fileobj=out, mtime=0) as f:
        f.write(bytes(raw))
    # The check file: floret's own subword rows and vectors of frequent
    # words and of strings the trainer never saw.
    n = a.check_words // 2
    # Word 0 is left out: floret's get_word_vector scales the vector of its
    # first word (by 0.906 in a trial run) rather than return the mean of its
    # rows, which is what training used and what the tagger computes.
    seen = [w for w in words[1 : 4 * n + 8 : 4] if w != "</s>"][:n]
    rng = np.random.default_rng(20261205)
    letters = list("ابتثجحخدذرسشصضطظعغفقكلمنهويءئؤ")
    unseen = []
    vocab = set(words)
    while len(unseen) < a.check_words - len(seen):
        k = int(rng.integers(2, 10))
        w = "".join(rng.choice(letters, size=k))
        if w not in vocab:
            unseen.append(w)
    unseen[:4] = ["x", "covid19", "2024م", "بنيامين_"]
    with open(a.check, "wb") as out, gzip.GzipFile(filename="", mode="wb", compresslevel=9,
                                                   fileobj=out, mtime=0) as gz, \
            io.TextIOWrapper(gz, encoding="utf-8") as f:
        f.write("# word\tfloret's subword rows (hash 1 of each subword, then hash 2, ...)\tfloret's vector\n")
        for w in seen + unseen:
            _, ids = m.get_subwords(w)
            rows = " ".join(str(int(i) - nwords) for i in ids)
            vec = " ".join(f"{x:.6g}" for x in m.get_word_vector(w))
            f.write(f"{w}\t{rows}\t{vec}\n")
    print(json.dumps({"vocabulary": nwords, "rows": a.bucket, "dim": a.dim,
                      "max_scale": float(scale.max()), **settings}), file=sys.stderr)


if __name__ == "__main__":
    main()
