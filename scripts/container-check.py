#!/usr/bin/env python3
"""The checks scripts/container-check.sh makes on the image, the container and the engine's leftovers.

Each subcommand prints a PASS line (or, for health and leftovers, a value) and exits non-zero with the
reason when the check fails:

    static-elf BIN          BIN is a 64-bit ELF file with no PT_INTERP header (runs FROM scratch)
    image-config FILE       `docker image inspect -f '{{json .Config}}'`: numeric non-root USER,
                            exec-form ENTRYPOINT /app/arabic-text, EXPOSE 50051 and 9464
    health-status           stdin is grpcurl's answer to grpc.health.v1.Health/Check: prints its status,
                            else the error text (first 200 characters) or "no answer"
    process PID             /proc/PID/status: PID 1 in its namespace, uid/gid 65532, no effective
                            capability, no_new_privs set
    normalize-answer JSON   Normalize's answer to the check's text is "السلام عليكم ورحمة الله"
    metrics PORT            GET http://127.0.0.1:PORT/metrics answers 200 with metric families
    json-logs FILE          every non-empty line of the container's log is a JSON object
    leftovers DIR           prints the processes (pid, start of the command line) whose command line
                            mentions DIR (the check's work dir), other than this one
"""
import argparse
import glob
import json
import os
import struct
import sys
import urllib.request


def static_elf(path):
    data = open(path, "rb").read()
    assert data[:4] == b"\x7fELF" and data[4] == 2, "not a 64-bit ELF file"
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    types = [struct.unpack_from("<I", data, phoff + i * phentsize)[0] for i in range(phnum)]
    assert 3 not in types, "has a PT_INTERP program header (dynamically linked)"


def image_config(path):
    c = json.load(open(path))
    user = c.get("User") or ""
    uid = user.split(":")[0]
    assert uid.isdigit() and uid != "0", f"USER must be a numeric non-root uid, got {user!r}"
    ep = c.get("Entrypoint") or []
    assert ep == ["/app/arabic-text"], f"exec-form ENTRYPOINT expected, got {ep!r}"
    ports = sorted(c.get("ExposedPorts") or {})
    assert {"50051/tcp", "9464/tcp"} <= set(ports), f"EXPOSE 50051 and 9464 expected, got {ports}"
    cmd = c.get("Cmd")
    print(f"PASS image config: USER {user}, ENTRYPOINT {ep}, CMD {cmd}, EXPOSE {ports}")


def health_status():
    t = sys.stdin.read()
    try:
        print(json.loads(t).get("status", "UNKNOWN"))
    except ValueError:
        print(" ".join(t.split())[:200] or "no answer")


def process(pid):
    status = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status"))
    uids, gids = status["Uid"].split(), status["Gid"].split()
    nspid = status["NSpid"].split()
    cap_eff, nnp = status["CapEff"].strip(), status["NoNewPrivs"].strip()
    assert set(uids) == {"65532"} and set(gids) == {"65532"}, (uids, gids)
    assert nspid[-1] == "1", f"not PID 1 in the container: NSpid {nspid}"
    assert int(cap_eff, 16) == 0, f"effective capabilities {cap_eff}"
    assert nnp == "1", "no_new_privs not set"
    print(f"PASS process: PID 1 in the container, uid/gid 65532, CapEff {cap_eff}, NoNewPrivs 1")


def normalize_answer(answer):
    r = json.loads(answer)
    got = r.get("normalizedText", "")
    assert got == "السلام عليكم ورحمة الله", f"normalizedText {got!r}"
    edits = len(r.get("alignment", []))
    print(f"PASS Normalize: {got} ({edits} alignment edits)")


def metrics(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        body = r.read().decode()
        assert r.status == 200, r.status
    types = [l for l in body.splitlines() if l.startswith("# TYPE")]
    assert types, "no metric in the exposition"
    print(f"PASS metrics: GET /metrics 200, {len(types)} metric families")


def json_logs(path):
    lines = [l for l in open(path, encoding="utf-8") if l.strip()]
    assert lines, "no log line"
    bad = [l for l in lines if not l.lstrip().startswith("{")]
    for l in lines:
        if l.lstrip().startswith("{"):
            json.loads(l)
    assert not bad, f"{len(bad)} non-JSON log lines, first: {bad[0]!r}"
    print(f"PASS logs: {len(lines)} JSON lines (ARABIC_TEXT_LOG_FORMAT=json)")


def leftovers(work):
    w = work.encode()
    me = str(os.getpid())
    for f in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            if w in open(f, "rb").read() and f.split("/")[2] != me:
                print(f.split("/")[2], open(f, "rb").read().replace(b"\0", b" ").decode(errors="replace")[:120])
        except OSError:
            pass


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("static-elf", help="BIN has no ELF interpreter").add_argument("bin")
    sub.add_parser("image-config", help="the image's config (JSON file) is as the Dockerfile means").add_argument("file")
    sub.add_parser("health-status", help="the status in grpcurl's health answer on stdin")
    sub.add_parser("process", help="the container's process identity").add_argument("pid")
    sub.add_parser("normalize-answer", help="grpcurl's Normalize answer (JSON text)").add_argument("answer")
    sub.add_parser("metrics", help="GET /metrics on 127.0.0.1:PORT").add_argument("port")
    sub.add_parser("json-logs", help="the container log is JSON lines").add_argument("file")
    sub.add_parser("leftovers", help="processes that still mention DIR").add_argument("dir")
    a = parser.parse_args()
    {
        "static-elf": lambda: static_elf(a.bin),
        "image-config": lambda: image_config(a.file),
        "health-status": health_status,
        "process": lambda: process(a.pid),
        "normalize-answer": lambda: normalize_answer(a.answer),
        "metrics": lambda: metrics(a.port),
        "json-logs": lambda: json_logs(a.file),
        "leftovers": lambda: leftovers(a.dir),
    }[a.command]()


if __name__ == "__main__":
    main()
