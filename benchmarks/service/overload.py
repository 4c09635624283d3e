#!/usr/bin/env python3
"""Overload run against a running `flexgen serve` (driven by overload.sh): CONNECTIONS threads,
each with its own keep-alive connection, send POST /v1/solve back to back for DURATION seconds;
the server's RSS is sampled every 5 s. Prints the status counts, latency percentiles per status,
the largest queue depth seen in /metrics, and the RSS samples. All traffic to 127.0.0.1."""
import argparse, http.client, statistics, sys, threading, time


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def metric(port, name):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", "/metrics")
    text = c.getresponse().read().decode()
    c.close()
    return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith(name))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--body", required=True)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--duration", type=float, default=60)
    p.add_argument("--time-limit", type=float, required=True)
    p.add_argument("--capacity", type=int, required=True, help="max concurrent + max queued solves")
    a = p.parse_args()
    body = open(a.body, "rb").read()
    results = []  # (status, seconds)
    lock = threading.Lock()
    stop = time.monotonic() + a.duration

    def worker():
        local = []
        c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
        while time.monotonic() < stop:
            start = time.monotonic()
            try:
                c.request("POST", "/v1/solve", body=body, headers={"Content-Type": "application/json"})
                r = c.getresponse()
                r.read()
                local.append((r.status, time.monotonic() - start))
                if r.getheader("Connection", "").lower() == "close":
                    c.close()
                    c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
            except OSError as error:
                local.append((f"error:{type(error).__name__}", time.monotonic() - start))
                c.close()
                c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
        c.close()
        with lock:
            results.extend(local)

    threads = [threading.Thread(target=worker) for _ in range(a.connections)]
    for t in threads:
        t.start()
    rss, depth = [rss_mib(a.pid)], 0.0
    while any(t.is_alive() for t in threads):
        time.sleep(5)
        rss.append(rss_mib(a.pid))
        depth = max(depth, metric(a.port, "flexgen_solve_queue_depth"))
    for t in threads:
        t.join()
    by_status = {}
    for status, seconds in results:
        by_status.setdefault(status, []).append(seconds)
    print(f"{a.connections} connections, {a.duration:.0f} s, capacity {a.capacity} (concurrent + queued), "
          f"--time-limit {a.time_limit} s: {len(results)} requests")
    for status in sorted(by_status, key=str):
        s = sorted(by_status[status])
        p = lambda q: s[min(len(s) - 1, int(q * len(s)))] * 1e3
        print(f"  status {status}: {len(s)} requests, p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, max {s[-1] * 1e3:.1f} ms")
    print(f"  largest queue depth seen in /metrics (every 5 s): {depth:.0f} (bound {a.capacity})")
    print(f"  server RSS (MiB) every 5 s: {' '.join(f'{x:.1f}' for x in rss)}")
    steady = rss[2:] if len(rss) > 3 else rss
    growth = (steady[-1] - steady[0]) / steady[0] * 100
    print(f"  RSS from 10 s to the end: {steady[0]:.1f} -> {steady[-1]:.1f} MiB ({growth:+.1f} %)")
    ok = set(by_status) <= {200, 503}
    accepted = sorted(by_status.get(200, []))
    ok = ok and bool(accepted) and accepted[min(len(accepted) - 1, int(0.99 * len(accepted)))] <= a.time_limit
    ok = ok and depth <= a.capacity and abs(growth) <= 10
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
