#!/usr/bin/env bash
# Stalled connections against `flexgen serve` (issue 19's scenario): a server limited to 1024
# descriptors (ulimit -n 1024, soft and hard), 2000 connections per round that send a POST's
# headers and a few body bytes and stall, 20 ordinary POST /v1/solve requests (paper-default,
# 20 clients) on fresh connections while they are held, 3 rounds; all on 127.0.0.1.
#
#   bash benchmarks/service/stalled.sh
#   STALLED=2000 ROUNDS=3 READ_TIMEOUT=5 NOFILE=1024 bash benchmarks/service/stalled.sh
#
# Per round: how many stalled connections got a 408 and were closed at the read timeout, how
# many were closed without an answer (evicted at --max-connections to admit newer ones), the
# ordinary requests' statuses and latency, the latest 408 close after its request began, and
# the server's RSS while the connections are held and after they are gone. Exits 1 if an
# ordinary request failed or took ≥ 1 s, a stalled connection outlived the read timeout + 1 s,
# or the server logged a 5xx.
set -euo pipefail
cd "$(dirname "$0")/../.."
STALLED="${STALLED:-2000}"
ROUNDS="${ROUNDS:-3}"
READ_TIMEOUT="${READ_TIMEOUT:-5}"
NOFILE="${NOFILE:-1024}"

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

# ulimit -n sets soft and hard: the server cannot raise it, as on a host configured that way.
( ulimit -n "$NOFILE"; exec "$BIN" serve --host 127.0.0.1 --port 0 --read-timeout "$READ_TIMEOUT" ) \
    > "$WORK/serve.out" 2> "$WORK/serve.err" &
SERVER=$!
for _ in $(seq 100); do grep -q "listening on" "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
PORT="$(sed -n 's/^listening on http:\/\/127.0.0.1://p' "$WORK/serve.out" | head -1)"
[ -n "$PORT" ] || { echo "the server did not start" >&2; cat "$WORK/serve.err" >&2; exit 2; }
curl -sf -X POST --data-binary @"$WORK/body.json" "http://127.0.0.1:$PORT/v1/solve" >/dev/null

echo "flexgen serve, ulimit -n $NOFILE, --read-timeout $READ_TIMEOUT, $STALLED stalled connections per round, release build, $(nproc) cores"
echo "server: $(grep 'descriptor limit' "$WORK/serve.err" | head -1 | sed 's/^.*flexgen.service: //')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
set +e
python3 benchmarks/service/stalled.py --port "$PORT" --pid "$SERVER" --body "$WORK/body.json" \
    --stalled "$STALLED" --rounds "$ROUNDS" --read-timeout "$READ_TIMEOUT"
status=$?
set -e
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
metrics="$(curl -sf "http://127.0.0.1:$PORT/metrics")"
echo "connections closed by the server: $(grep '^flexgen_http_connections_closed_total' <<<"$metrics" | sed 's/flexgen_http_connections_closed_total//' | tr '\n' ' ')"
fivexx=$(grep -c 'status=5' "$WORK/serve.err" || true)
echo "server log lines with a 5xx status: $fivexx; client aborts logged: $(grep -c 'request aborted by client' "$WORK/serve.err" || true)"
[ "$fivexx" = 0 ] || status=1
kill -TERM "$SERVER"; wait "$SERVER" || true
exit "$status"
