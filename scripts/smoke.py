#!/usr/bin/env python3
"""The JSON side of scripts/smoke.sh (the release binary's smoke test with grpcurl).

    smoke.py request SAMPLE      print the request every RPC gets: SAMPLE's text as Document.content,
                                 offsets in UTF-16 code units
    smoke.py check WORK SAMPLE   check the answers grpcurl wrote to WORK/{Normalize,Segment,
                                 ExtractEntities,Analyze}.json: a normalized text, at least 10 sentences
                                 and 300 tokens, every token's and mention's span cutting its text out
                                 of SAMPLE, a DATE entity, as many Analyze tokens as Segment tokens;
                                 prints a PASS line, or fails with the first broken assertion
"""
import argparse
import json


def request(sample):
    print(json.dumps({"document": {"content": open(sample, encoding="utf-8").read()},
                      "offset_encoding": "OFFSET_ENCODING_UTF16"}, ensure_ascii=False))


def check(work, sample):
    text = open(sample, encoding="utf-8").read()
    u16 = text.encode("utf-16-le")

    def sub(span):  # spans are UTF-16 code units, as requested
        s, e = span.get("start", 0), span.get("end", 0)
        return u16[2 * s:2 * e].decode("utf-16-le")

    norm = json.load(open(f"{work}/Normalize.json"))
    assert norm["normalizedText"], "empty normalization"
    seg = json.load(open(f"{work}/Segment.json"))
    assert len(seg["sentences"]) >= 10, len(seg["sentences"])
    assert len(seg["tokens"]) >= 300, len(seg["tokens"])
    for t in seg["tokens"]:
        assert sub(t["span"]) == t["text"], t
    ents = json.load(open(f"{work}/ExtractEntities.json"))
    mentions = [m for e in ents.get("entities", []) for m in e["mentions"]]
    for m in mentions:
        assert sub(m["span"]) == m["text"], m
    types = {e["type"] for e in ents.get("entities", [])}
    assert "ENTITY_TYPE_DATE" in types, types
    ana = json.load(open(f"{work}/Analyze.json"))
    assert len(ana["tokens"]) == len(seg["tokens"])
    print(f"PASS RPCs on the sample: {len(seg['sentences'])} sentences, {len(seg['tokens'])} tokens, "
          f"{len(mentions)} mentions of types {sorted(types)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("request", help="the request JSON for SAMPLE").add_argument("sample")
    p = sub.add_parser("check", help="check the four answers in WORK against SAMPLE")
    p.add_argument("work")
    p.add_argument("sample")
    a = parser.parse_args()
    if a.command == "request":
        request(a.sample)
    else:
        check(a.work, a.sample)


if __name__ == "__main__":
    main()
