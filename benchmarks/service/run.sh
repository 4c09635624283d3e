#!/usr/bin/env bash
# Load benchmark of `flexgen serve` (issue 7): wrk on loopback against POST /v1/solve with the
# 20-client problems/paper-default.json (its profile inlined into the body), at 2, 16 and 64
# connections, then a 60-second run with the server's RSS sampled every 5 s.
#
#   bash benchmarks/service/run.sh            # release build, 10 s per level, 60 s soak
#   DURATION=5 SOAK=20 bash benchmarks/service/run.sh
#
# Needs wrk (apt-get install -y wrk) and python3. Prints one table; exits 1 if any request
# failed (socket error or a status other than 200).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${DURATION:-10}"
SOAK="${SOAK:-60}"
THREADS="${THREADS:-2}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }

swift build -c release --product flexgen -j 2 >&2
BIN="$(swift build -c release --show-bin-path)/flexgen"
WORK="$(mktemp -d)"
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

# The request body: paper-default with its profile file inlined (the service reads no files).
python3 - "$WORK/body.json" <<'PY'
import json, os, sys
problem = json.load(open("problems/paper-default.json"))
if isinstance(problem["profile"], str):
    problem["profile"] = json.load(open(os.path.join("problems", problem["profile"])))
json.dump(problem, open(sys.argv[1], "w"))
PY

"$BIN" serve --host 127.0.0.1 --port 0 --log-level warning > "$WORK/serve.out" 2> "$WORK/serve.err" &
SERVER=$!
for _ in $(seq 100); do grep -q "listening on" "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
URL="$(sed -n 's/^listening on //p' "$WORK/serve.out" | head -1)/v1/solve"
[ -n "$URL" ] || { echo "the server did not start" >&2; cat "$WORK/serve.err" >&2; exit 2; }
# One request first: the answer must be a solution (and warms the server up).
curl -sf -X POST --data-binary @"$WORK/body.json" -H 'Content-Type: application/json' "$URL" | grep -q '"status" : "optimal"'

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$SERVER/status"; }

# Runs wrk and prints: requests/s, p50 ms, p99 ms, requests, errors.
load() {  # connections seconds
    FLEXGEN_BODY="$WORK/body.json" wrk -t"$THREADS" -c"$1" -d"$2"s --latency -s benchmarks/service/post.lua "$URL" > "$WORK/wrk.txt"
    python3 - "$WORK/wrk.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(label):
    m = re.search(r"^\s*%s%%\s+([\d.]+)(us|ms|s)\s*$" % label, text, re.M)
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
total = int(re.search(r"(\d+) requests in", text).group(1))
errors = 0
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
if m: errors += sum(int(g) for g in m.groups())
m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if m: errors += int(m.group(1))
print(f"{rps:.0f} {ms('50'):.2f} {ms('99'):.2f} {total} {errors}")
PY
}

FAILED=0
echo "flexgen serve, POST /v1/solve, problems/paper-default.json (20 clients), wrk -t$THREADS, $(nproc) cores, release build"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine shares the cores)"
printf "%-12s %10s %10s %10s %10s %8s\n" connections "req/s" "p50 ms" "p99 ms" requests errors
for c in 2 16 64; do
    read -r rps p50 p99 total errors < <(load "$c" "$DURATION")
    printf "%-12s %10s %10s %10s %10s %8s\n" "$c" "$rps" "$p50" "$p99" "$total" "$errors"
    [ "$errors" = 0 ] || FAILED=1
done

# Soak: SOAK seconds at 16 connections, RSS every 5 s.
samples=("$(rss_kib)")
FLEXGEN_BODY="$WORK/body.json" wrk -t"$THREADS" -c16 -d"$SOAK"s --latency -s benchmarks/service/post.lua "$URL" > "$WORK/soak.txt" &
WRK=$!
for _ in $(seq $((SOAK / 5))); do sleep 5; samples+=("$(rss_kib)"); done
wait "$WRK"
soak_errors=$(python3 -c "
import re; t = open('$WORK/soak.txt').read(); e = 0
m = re.search(r'Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)', t); e += sum(map(int, m.groups())) if m else 0
m = re.search(r'Non-2xx or 3xx responses: (\d+)', t); e += int(m.group(1)) if m else 0
print(e)")
soak_requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$WORK/soak.txt")
[ "$soak_errors" = 0 ] || FAILED=1
echo
echo "soak: ${SOAK} s at 16 connections, $soak_requests requests, $soak_errors errors"
echo "server RSS (MiB) every 5 s: $(for s in "${samples[@]}"; do printf '%.1f ' "$(echo "$s / 1024" | bc -l)"; done)"
python3 - "${samples[@]}" <<'PY'
import sys
kib = [int(x) for x in sys.argv[1:]]
after_warmup = kib[2:] if len(kib) > 3 else kib
print(f"RSS first/last after 10 s: {after_warmup[0]/1024:.1f} / {after_warmup[-1]/1024:.1f} MiB, "
      f"max {max(kib)/1024:.1f} MiB, growth after 10 s {(after_warmup[-1]-after_warmup[0])/1024:+.1f} MiB")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
kill -TERM "$SERVER"; wait "$SERVER" || true
exit "$FAILED"
