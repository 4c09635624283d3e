#!/usr/bin/env python3
"""Stalled-connection rounds against a running `flexgen serve` (driven by stalled.sh).

Each round opens N connections that send a POST's headers and a few body bytes and then stall,
sends ordinary POST /v1/solve requests on fresh connections while they are open, then waits
until the server has closed every stalled connection. Prints one line per round; every address
is 127.0.0.1.
"""
import argparse, http.client, os, resource, selectors, socket, statistics, sys, time

STALLED_HEAD = (b"POST /v1/solve HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: 5000\r\n\r\n{\"format\"")


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def open_stalled(port, count):
    conns = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.connect(("127.0.0.1", port))
        try:
            s.sendall(STALLED_HEAD)
        except OSError:
            pass  # already closed by the server: still counted below
        conns.append((s, time.monotonic()))
    return conns


def ordinary(port, body, count):
    latencies, statuses = [], []
    for _ in range(count):
        start = time.monotonic()
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("POST", "/v1/solve", body=body, headers={"Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            statuses.append(r.status)
            c.close()
        except OSError as error:
            statuses.append(f"error:{type(error).__name__}")
        latencies.append(time.monotonic() - start)
    return latencies, statuses


def wait_closed(conns, limit_s):
    """Returns, per connection, (seconds from its send to its close, first bytes received)."""
    sel = selectors.DefaultSelector()
    pending = {}
    for s, sent in conns:
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        pending[s] = [sent, b""]
    result = []
    deadline = time.monotonic() + limit_s
    while pending and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.2):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except (ConnectionResetError, BlockingIOError) as error:
                if isinstance(error, BlockingIOError):
                    continue
                data = b""
            if data:
                pending[s][1] += data
                continue
            sent, received = pending.pop(s)
            result.append((time.monotonic() - sent, received))
            sel.unregister(s)
            s.close()
    for s, (sent, received) in pending.items():
        result.append((float("inf"), received))
        s.close()
    return result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--body", required=True)
    p.add_argument("--stalled", type=int, default=2000)
    p.add_argument("--ordinary", type=int, default=20)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--read-timeout", type=float, required=True)
    a = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    body = open(a.body, "rb").read()
    print(f"{'round':>5} {'stalled':>7} {'408+close':>9} {'closed':>6} {'other':>5} {'ordinary 200':>12} "
          f"{'p50 ms':>7} {'max ms':>7} {'408 close after s (max)':>24} {'RSS MiB held':>12} {'RSS MiB after':>13}")
    failed = False
    for round_ in range(1, a.rounds + 1):
        conns = open_stalled(a.port, a.stalled)
        time.sleep(0.5)
        latencies, statuses = ordinary(a.port, body, a.ordinary)
        held_rss = rss_mib(a.pid)
        closes = wait_closed(conns, a.read_timeout + 30)
        timed_out = [t for t, data in closes if data.startswith(b"HTTP/1.1 408")]
        silent = [t for t, data in closes if not data]
        other = len(closes) - len(timed_out) - len(silent)
        time.sleep(0.5)
        after_rss = rss_mib(a.pid)
        ok = sum(1 for s in statuses if s == 200)
        worst_408 = max(timed_out) if timed_out else float("nan")
        print(f"{round_:>5} {a.stalled:>7} {len(timed_out):>9} {len(silent):>6} {other:>5} {ok:>9}/{len(statuses):<2} "
              f"{statistics.median(latencies) * 1e3:>7.1f} {max(latencies) * 1e3:>7.1f} {worst_408:>24.2f} "
              f"{held_rss:>12.1f} {after_rss:>13.1f}", flush=True)
        if ok != len(statuses) or max(latencies) >= 1 or other or any(t == float("inf") for t, _ in closes) \
                or (timed_out and worst_408 > a.read_timeout + 1):
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
