#!/usr/bin/env bash
# Latency of a small POST /v1/validate (issue 7 follow-up: the model and classifier are loaded
# once per process instead of on every request). Starts `flexgen serve`, solves
# problems/digits-small.json through /v1/solve, then sends REQUESTS validate requests of
# SEEDS seeds × SAMPLES images per configuration, one after the other, and prints the first
# request's latency (it loads the model if the server caches it) and the median and min/max of
# the others.
#
#   bash benchmarks/service/validate-latency.sh                 # builds and uses the release flexgen
#   BIN=/path/to/flexgen bash benchmarks/service/validate-latency.sh   # another build (e.g. an older commit)
#   REQUESTS=20 SEEDS=2 SAMPLES=2 bash benchmarks/service/validate-latency.sh
#   ADMISSION="0.1:100 1:2000" bash benchmarks/service/validate-latency.sh
#
# With ADMISSION (pairs LIMIT:SAMPLES), it then also checks the admission rule's estimate: for each
# pair, a server with --time-limit LIMIT is asked for 2 seeds × SAMPLES images; the 422's reason
# (estimate vs budget) is printed, and the largest samplesPerSeed it suggests is sent 3 times
# with the wall time of each answer.
#
# Needs curl and python3. Exits 1 if any answer is not a 200.
set -euo pipefail
cd "$(dirname "$0")/../.."
REQUESTS="${REQUESTS:-11}"
SEEDS="${SEEDS:-2}"
SAMPLES="${SAMPLES:-2}"
if [ -z "${BIN:-}" ]; then
    swift build -c release --product flexgen -j 2 >&2
    BIN="$(swift build -c release --show-bin-path)/flexgen"
fi
WORK="$(mktemp -d)"
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

python3 - "$WORK/problem.json" <<'PY'
import json, os, sys
problem = json.load(open("problems/digits-small.json"))
if isinstance(problem["profile"], str):
    problem["profile"] = json.load(open(os.path.join("problems", problem["profile"])))
json.dump(problem, open(sys.argv[1], "w"))
PY

# start_server LIMIT: a server with that --time-limit; sets SERVER and BASE.
start_server() {
    "$BIN" serve --host 127.0.0.1 --port 0 --time-limit "$1" --log-level warning > "$WORK/serve.out" 2> "$WORK/serve.err" &
    SERVER=$!
    for _ in $(seq 100); do grep -q "listening on" "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
    BASE="$(sed -n 's/^listening on //p' "$WORK/serve.out" | head -1)"
    [ -n "$BASE" ] || { echo "the server did not start" >&2; cat "$WORK/serve.err" >&2; exit 2; }
}
# body SEEDS SAMPLES: the validate request body in $WORK/validate.json.
body() {
    python3 - "$WORK" "$1" "$2" <<'PY'
import json, sys
work, seeds, samples = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
body = {"problem": json.load(open(f"{work}/problem.json")), "solution": json.load(open(f"{work}/solution.json")),
        "seeds": seeds, "samplesPerSeed": samples}
json.dump(body, open(f"{work}/validate.json", "w"))
PY
}

start_server 60
curl -sf -X POST --data-binary @"$WORK/problem.json" -H 'Content-Type: application/json' "$BASE/v1/solve" > "$WORK/solution.json"
body "$SEEDS" "$SAMPLES"

: > "$WORK/times"
for i in $(seq "$REQUESTS"); do
    status=$(curl -s -o "$WORK/reply.json" -w '%{http_code} %{time_total}' -X POST --data-binary @"$WORK/validate.json" \
             -H 'Content-Type: application/json' "$BASE/v1/validate")
    [ "${status%% *}" = 200 ] || { echo "request $i: HTTP ${status%% *}: $(cat "$WORK/reply.json")" >&2; exit 1; }
    echo "${status#* }" >> "$WORK/times"
done
python3 - "$WORK/times" "$SEEDS" "$SAMPLES" "$BIN" <<'PY'
import statistics, sys
times = [float(line) * 1000 for line in open(sys.argv[1])]
rest = times[1:]
print(f"POST /v1/validate, digits-small, {sys.argv[2]} seeds x {sys.argv[3]} images per configuration ({sys.argv[4]})")
print(f"first request: {times[0]:.1f} ms")
if rest:
    print(f"next {len(rest)}: median {statistics.median(rest):.1f} ms, min {min(rest):.1f} ms, max {max(rest):.1f} ms")
PY

for pair in ${ADMISSION:-}; do
    limit="${pair%%:*}"; samples="${pair#*:}"
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
    start_server "$limit"
    body 2 "$samples"
    code=$(curl -s -o "$WORK/reply.json" -w '%{http_code}' -X POST --data-binary @"$WORK/validate.json" "$BASE/v1/validate")
    reason=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("error", {}).get("reason", "admitted"))' "$WORK/reply.json")
    echo "--time-limit $limit, 2 seeds x $samples: HTTP $code: $reason"
    fit=$(echo "$reason" | sed -n 's/.*samplesPerSeed ≤ \([0-9]*\).*/\1/p')
    [ -n "$fit" ] || continue
    body 2 "$fit"
    times=""
    for _ in 1 2 3; do
        times="$times $(curl -s -o /dev/null -w '%{http_code}:%{time_total}s' -X POST --data-binary @"$WORK/validate.json" "$BASE/v1/validate")"
    done
    echo "  2 seeds x $fit (the largest admitted): HTTP:wall time of 3 runs:$times"
done
