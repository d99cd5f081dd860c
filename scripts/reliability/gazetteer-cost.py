#!/usr/bin/env python3
"""Issue 14 item 1, the two gazetteer cases, against a release binary:

A. two concurrent ExtractEntities calls of a 10 KB text with one 2,000-word
   request gazetteer phrase, while a health check runs every 50 ms: the
   calls' code and time, and the slowest health check;
B. Analyze of the sample article: median time over N calls without and with
   an operator --gazetteer file holding one 400-word line, and the ratio.

    python3 scripts/reliability/gazetteer-cost.py BIN [SAMPLE.txt]
(needs examples/python/requirements.txt installed; SAMPLE defaults to
../shared/samples/erem-news-2024-01-22.txt). Prints one line per measure.
With CHECK=1 (CI) it fails unless A's calls are INVALID_ARGUMENT (the phrase is
over the request bounds), A's slowest health check is under 1 s, and B's
ratio is under 3.
"""

import os
import pathlib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import grpc

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples" / "python"))
from client import load_stubs  # noqa: E402

pb2, pb2_grpc = load_stubs()
CHECK = os.environ.get("CHECK") == "1"
FAILED = []


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def health(channel, timeout=30.0):
    # grpc.health.v1.HealthCheckRequest{service: "liveness"}, hand-encoded.
    check = channel.unary_unary("/grpc.health.v1.Health/Check")
    return check(b"\x0a\x08liveness", timeout=timeout)


class Server:
    def __init__(self, binary, gazetteer=None):
        self.port = free_port()
        env = dict(os.environ, ARABIC_TEXT_LISTEN=f"127.0.0.1:{self.port}",
                   ARABIC_TEXT_METRICS_LISTEN=f"127.0.0.1:{free_port()}", ARABIC_TEXT_LOG="warn")
        if gazetteer:
            env["ARABIC_TEXT_GAZETTEER"] = gazetteer
        self.proc = subprocess.Popen([binary, "serve"], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addr = f"127.0.0.1:{self.port}"
        deadline = time.time() + 60
        while True:
            try:
                with grpc.insecure_channel(self.addr) as ch:
                    pb2_grpc.TextAnalysisServiceStub(ch).Normalize(
                        pb2.NormalizeRequest(document=pb2.Document(content="نص")), timeout=2)
                return
            except grpc.RpcError:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise SystemExit("server did not start")
                time.sleep(0.1)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def case_a(binary, article):
    words = article.split()
    text = " ".join(words)
    while len(text.encode()) < 10 * 1024:
        text += " " + " ".join(words)
    text = text.encode()[:10 * 1024].decode(errors="ignore")
    phrase = " ".join((words * 10)[:2000])
    server = Server(binary)
    results = []

    def call():
        with grpc.insecure_channel(server.addr, options=[("grpc.max_send_message_length", 1 << 24)]) as ch:
            stub = pb2_grpc.TextAnalysisServiceStub(ch)
            t = time.time()
            try:
                stub.ExtractEntities(pb2.ExtractEntitiesRequest(
                    document=pb2.Document(content=text),
                    options=pb2.EntityOptions(gazetteer=[pb2.GazetteerEntry(
                        phrase=phrase, type=pb2.ENTITY_TYPE_ORGANIZATION)])), timeout=120)
                code = "OK"
            except grpc.RpcError as e:
                code = e.code().name
            results.append((code, time.time() - t))

    threads = [threading.Thread(target=call) for _ in range(2)]
    slowest = 0.0
    with grpc.insecure_channel(server.addr) as ch:
        health(ch)
        for th in threads:
            th.start()
        while any(th.is_alive() for th in threads):
            t = time.time()
            health(ch)
            slowest = max(slowest, time.time() - t)
            time.sleep(0.05)
    server.stop()
    if CHECK and (any(c != "INVALID_ARGUMENT" for c, _ in results) or slowest >= 1.0):
        FAILED.append("A")
    print(f"A: 2 concurrent ExtractEntities, 10 KB text, one 2,000-word phrase: "
          f"{', '.join(f'{c} in {s:.2f} s' for c, s in results)}; slowest health check {slowest * 1000:.0f} ms")


def median_analyze(addr, text, n):
    with grpc.insecure_channel(addr) as ch:
        stub = pb2_grpc.TextAnalysisServiceStub(ch)
        times = []
        for _ in range(n):
            t = time.time()
            stub.Analyze(pb2.AnalyzeRequest(document=pb2.Document(content=text)), timeout=120)
            times.append(time.time() - t)
    return statistics.median(times)


def case_b(binary, article, n=15):
    words = article.split()
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "operator.tsv"
        path.write_text(" ".join((words * 10)[:400]) + "\tORG\n", encoding="utf-8")
        plain, with_file = Server(binary), Server(binary, str(path))
        median_analyze(plain.addr, article, 2)
        median_analyze(with_file.addr, article, 2)
        base = median_analyze(plain.addr, article, n)
        withg = median_analyze(with_file.addr, article, n)
        plain.stop()
        with_file.stop()
    if CHECK and withg / base >= 3.0:
        FAILED.append("B")
    print(f"B: Analyze of the sample article ({len(article.encode())} bytes), median of {n}: "
          f"{base * 1000:.1f} ms without, {withg * 1000:.1f} ms with a 400-word operator line: "
          f"{withg / base:.2f}x")


def main():
    binary = sys.argv[1]
    sample = sys.argv[2] if len(sys.argv) > 2 else str(ROOT.parent / "shared/samples/erem-news-2024-01-22.txt")
    article = pathlib.Path(sample).read_text(encoding="utf-8")
    case_a(binary, article)
    case_b(binary, article)
    if FAILED:
        raise SystemExit(f"FAIL: case(s) {', '.join(FAILED)} over the bounds")


if __name__ == "__main__":
    main()
