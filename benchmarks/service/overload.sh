#!/usr/bin/env bash
# Overload of `flexgen serve` (issue 18's bounded-work target): 64 connections sending
# POST /v1/solve (paper-default, 20 clients) back to back for 60 s against a server whose
# capacity (--max-concurrent-solves + --max-queued-solves) is half that, all on 127.0.0.1.
#
#   bash benchmarks/service/overload.sh
#   CONNECTIONS=64 DURATION=60 SOLVES=2 QUEUED=30 TIME_LIMIT=1 bash benchmarks/service/overload.sh
#
# Exits 1 unless every answer is a 200 or a 503, the p99 of the 200s is within --time-limit, the
# queue depth seen never exceeds the bound, and the RSS from 10 s to the end stays within ±10 %.
set -euo pipefail
cd "$(dirname "$0")/../.."
CONNECTIONS="${CONNECTIONS:-64}"
DURATION="${DURATION:-60}"
SOLVES="${SOLVES:-2}"
QUEUED="${QUEUED:-30}"
TIME_LIMIT="${TIME_LIMIT:-1}"

[ -n "${BIN:-}" ] || swift build -c release --product flexgen -j 2 >&2
BIN="${BIN:-$(swift build -c release --show-bin-path)/flexgen}"
WORK="$(mktemp -d)"
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

python3 - "$WORK/body.json" <<'PY'
import json, os, sys
problem = json.load(open("problems/paper-default.json"))
if isinstance(problem["profile"], str):
    problem["profile"] = json.load(open(os.path.join("problems", problem["profile"])))
json.dump(problem, open(sys.argv[1], "w"))
PY

"$BIN" serve --host 127.0.0.1 --port 0 --log-level warning --time-limit "$TIME_LIMIT" \
    --max-concurrent-solves "$SOLVES" --max-queued-solves "$QUEUED" > "$WORK/serve.out" 2> "$WORK/serve.err" &
SERVER=$!
for _ in $(seq 100); do grep -q "listening on" "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
PORT="$(sed -n 's/^listening on http:\/\/127.0.0.1://p' "$WORK/serve.out" | head -1)"
[ -n "$PORT" ] || { echo "the server did not start" >&2; cat "$WORK/serve.err" >&2; exit 2; }
curl -sf -X POST --data-binary @"$WORK/body.json" "http://127.0.0.1:$PORT/v1/solve" >/dev/null

echo "flexgen serve --max-concurrent-solves $SOLVES --max-queued-solves $QUEUED --time-limit $TIME_LIMIT, release build, $(nproc) cores"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
set +e
python3 benchmarks/service/overload.py --port "$PORT" --pid "$SERVER" --body "$WORK/body.json" \
    --connections "$CONNECTIONS" --duration "$DURATION" --time-limit "$TIME_LIMIT" --capacity $((SOLVES + QUEUED))
status=$?
set -e
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rejections: $(curl -sf "http://127.0.0.1:$PORT/metrics" | grep '^flexgen_solve_rejections_total' | sed 's/flexgen_solve_rejections_total//' | tr '\n' ' ')"
echo "server log lines at warning or above: $(wc -l < "$WORK/serve.err")"; head -5 "$WORK/serve.err"
kill -TERM "$SERVER"; wait "$SERVER" || true
exit "$status"
