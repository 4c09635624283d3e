#!/usr/bin/env bash
# Round trip of one `POST /v1/solve` with a large problem (default 10 000 clients) against a
# release `flexgen serve` on loopback: curl sends the body and reads the whole answer; the time is
# curl's time_total (request written → last byte of the answer read). The problem is the
# paper-default scenario with F and B scaled by K/20 (as benchmarks/io/cli-timings.sh and
# `flexgen bench --parts scaling,io`), its profile inline as `flexgen generate` writes it. curl is
# told not to send `Expect: 100-continue` (which it adds to bodies over 1 MiB and then waits up to
# 1 s for an interim answer the server does not send: a client-side second in every round trip).
# Prints every run, the median round trip, the median CPU time the server spent per request (user +
# system, from /proc: on a loaded machine the wall time mostly measures the queue for the cores, the
# CPU time what the request costs), the answer's size, the server's peak RSS and the load average.
# Each answer must be an `optimal` solution, else the script exits 1.
#
#   bash benchmarks/service/solve-large.sh [CLIENTS]      # REPEATS=7; BIN=path/to/flexgen to skip the build
set -euo pipefail
cd "$(dirname "$0")/../.."
CLIENTS="${1:-10000}"
REPEATS="${REPEATS:-7}"
command -v curl >/dev/null || { echo "curl is missing: apt-get install -y curl" >&2; exit 2; }
if [ -z "${BIN:-}" ]; then
    swift build -c release --product flexgen >&2
    BIN="$(swift build -c release --show-bin-path)/flexgen"
fi
WORK="$(mktemp -d)"
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

"$BIN" generate --preset paper-default --clients "$CLIENTS" --seed 1 --no-service-target \
    --bandwidth "$(awk "BEGIN { print 1e6 * $CLIENTS }")" --compute-rate "$(awk "BEGIN { print 5e13 * $CLIENTS }")" \
    -o "$WORK/body.json"
BYTES="$(wc -c < "$WORK/body.json")"

"$BIN" serve --host 127.0.0.1 --port 0 --log-level warning --max-clients "$CLIENTS" \
    --max-body-bytes "$(( BYTES * 2 ))" > "$WORK/serve.out" 2> "$WORK/serve.err" &
SERVER=$!
for _ in $(seq 100); do grep -q "listening on" "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
URL="$(sed -n 's/^listening on //p' "$WORK/serve.out" | head -1)/v1/solve"
[ -n "$URL" ] || { echo "the server did not start" >&2; cat "$WORK/serve.err" >&2; exit 2; }

: > "$WORK/times"; : > "$WORK/cpu"
TICKS="$(getconf CLK_TCK)"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER/stat"; }
for i in $(seq 0 "$REPEATS"); do
    before="$(cpu_ticks)"
    t="$(curl -s -o "$WORK/answer.json" -w '%{http_code} %{time_total}' -X POST --data-binary @"$WORK/body.json" \
        -H 'Content-Type: application/json' -H 'Expect:' "$URL")"
    code="${t%% *}"; seconds="${t##* }"
    [ "$code" = 200 ] && grep -q '"status" : "optimal"' "$WORK/answer.json" \
        || { echo "run $i: HTTP $code, not an optimal solution" >&2; head -c 400 "$WORK/answer.json" >&2; exit 1; }
    # Run 0 warms the server up and is not counted.
    cpu="$(awk "BEGIN { print ($(cpu_ticks) - $before) / $TICKS }")"
    if [ "$i" -gt 0 ]; then
        echo "$seconds" >> "$WORK/times"; echo "$cpu" >> "$WORK/cpu"
        echo "run $i: round trip ${seconds} s, server CPU ${cpu} s"
    fi
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "POST /v1/solve, $CLIENTS clients: request $BYTES bytes, answer $(wc -c < "$WORK/answer.json") bytes"
echo "median round trip over $REPEATS runs: $(median < "$WORK/times") s; server CPU per request: $(median < "$WORK/cpu") s"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server peak RSS: $(( $(awk '/^VmHWM/ {print $2}' "/proc/$SERVER/status") / 1024 )) MiB"
