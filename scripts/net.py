#!/usr/bin/env python3
"""Loopback port helpers for the shell scripts (smoke, reliability, perf, container checks).

    python3 scripts/net.py free-ports [N]    print N (default 1) free TCP ports on 127.0.0.1, on one line
    python3 scripts/net.py connect PORT      exit 0 when 127.0.0.1:PORT accepts a TCP connection within 0.2 s

free-ports binds all N sockets at once, so the N ports differ; they are closed when it exits, so
another process may take one before the caller binds it (the scripts' servers fail loudly then).
"""
import argparse
import socket
import sys


def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("free-ports", help="print N free TCP ports on 127.0.0.1 (distinct), space-separated")
    p.add_argument("n", nargs="?", type=int, default=1, help="how many ports (default 1)")
    p = sub.add_parser("connect", help="exit 0 if 127.0.0.1:PORT accepts a TCP connection within 0.2 s, else 1")
    p.add_argument("port", type=int)
    args = parser.parse_args()
    if args.command == "free-ports":
        print(*free_ports(args.n))
    else:
        try:
            socket.create_connection(("127.0.0.1", args.port), 0.2).close()
        except OSError:
            sys.exit(1)


if __name__ == "__main__":
    main()
