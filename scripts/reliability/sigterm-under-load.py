#!/usr/bin/env python3
"""The verdict of scripts/reliability/sigterm-under-load.sh: SIGTERM under load fails no admitted call.

    sigterm-under-load.py WORK T_SIG T_EXIT SERVER_RC DRAIN_TIMEOUT GRACE_MS STRICT_CODES

Reads WORK/server.log (JSON access log) and WORK/calls.csv (loadgen --record); T_SIG and T_EXIT are the
signal's and the exit's unix microseconds, SERVER_RC the server's exit status. Prints what the server
and the client saw, then PASS, or FAIL (exit 1) when: the exit status is not 0, the exit took longer
than DRAIN_TIMEOUT seconds (+0.25 s), an admitted call failed on the server, the client's OK count
differs from the server's, a call started GRACE_MS before the signal failed, no call in flight at the
signal finished OK, or (STRICT_CODES=1) a call that was not admitted failed with a code other than
UNAVAILABLE. The shell script's header defines these terms.
"""
import argparse
import csv
import json
import sys
from collections import Counter


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("work", help="the run's work dir")
    parser.add_argument("t_sig", type=int, help="when SIGTERM was sent (unix microseconds)")
    parser.add_argument("t_exit", type=int, help="when the server had exited (unix microseconds)")
    parser.add_argument("rc", metavar="server_rc", help="the server's exit status (or `killed`)")
    parser.add_argument("drain", metavar="drain_timeout", type=float, help="the server's --drain-timeout (seconds)")
    parser.add_argument("grace_ms", type=int, help="calls started this long before the signal must all succeed")
    parser.add_argument("strict", metavar="strict_codes", help="1: calls not admitted may fail only with UNAVAILABLE")
    a = parser.parse_args()
    work, t_sig, t_exit, rc, drain, strict = a.work, a.t_sig, a.t_exit, a.rc, a.drain, a.strict
    grace = a.grace_ms * 1000
    server = Counter()
    for line in open(f"{work}/server.log", encoding="utf-8", errors="replace"):
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        if ev.get("target") == "arabic_text::access" and str(ev.get("method", "")).startswith("/arabic.text.v1.TextAnalysisService/"):
            server[ev.get("code")] += 1
    calls = list(csv.DictReader(open(f"{work}/calls.csv")))
    client = Counter(c["code"] for c in calls)
    before = [c for c in calls if int(c["start_us"]) <= t_sig - grace]
    before_failed = [c for c in before if c["code"] != "Ok"]
    in_flight = [c for c in calls if int(c["start_us"]) < t_sig < int(c["end_us"])]
    in_flight_ok = sum(c["code"] == "Ok" for c in in_flight)
    after = [c for c in calls if int(c["start_us"]) >= t_sig]
    admitted = sum(n for code, n in server.items() if code != "RESOURCE_EXHAUSTED")
    admitted_failed = sum(n for code, n in server.items() if code not in ("OK", "RESOURCE_EXHAUSTED"))
    not_admitted = Counter(f'{c["code"]} "{c.get("message", "")}"' for c in calls if c["code"] != "Ok")
    bad_client_codes = {k: v for k, v in client.items() if k not in ("Ok", "Unavailable")}
    exit_s = (t_exit - t_sig) / 1e6
    print(f"signal->exit: {exit_s:.3f}s (drain timeout {drain:g}s), exit status: {rc}")
    print(f"server access log: {dict(server)}; admitted={admitted} failed_admitted={admitted_failed}")
    print(f"client: {dict(client)}; started >= {grace//1000}ms before signal: {len(before)} "
          f"(failed {len(before_failed)}); in flight at signal: {len(in_flight)} (ok {in_flight_ok}); "
          f"started after signal: {len(after)}")
    print("not admitted (client-side failures): " + "; ".join(f"{k} x{v}" for k, v in not_admitted.most_common()))
    problems = []
    if rc != "0": problems.append(f"server exit status {rc}")
    if exit_s > drain + 0.25: problems.append(f"exit took {exit_s:.3f}s > drain timeout {drain:g}s")
    if admitted_failed: problems.append(f"{admitted_failed} admitted calls failed on the server")
    if client.get("Ok", 0) != server.get("OK", 0):
        problems.append(f"client OK {client.get('Ok', 0)} != server OK {server.get('OK', 0)}: admitted answers lost")
    if strict == "1" and bad_client_codes:
        problems.append(f"STRICT_CODES: not-admitted calls failed with codes other than UNAVAILABLE: {bad_client_codes}")
    if before_failed: problems.append(f"{len(before_failed)} calls started before the signal failed, e.g. {before_failed[:3]}")
    if in_flight_ok == 0: problems.append("no call was in flight at the signal: the drain was not exercised")
    if problems:
        print("FAIL: " + "; ".join(problems)); sys.exit(1)
    print(f"PASS: zero failed admitted calls ({admitted} admitted, {in_flight_ok} drained after the signal), "
          f"exit 0 in {exit_s:.3f}s")


if __name__ == "__main__":
    main()
