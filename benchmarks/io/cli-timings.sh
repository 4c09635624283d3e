#!/bin/sh
# End-to-end CLI timings on a generated problem: `flexgen check PROBLEM`, `flexgen solve PROBLEM -o`,
# `flexgen check PROBLEM SOLUTION`; median over REPEATS runs of wall time, user CPU and peak RSS
# (GNU time). With BEFORE=path/to/another/flexgen, each command is also run with that binary,
# interleaved with this one so that both see the same machine load.
# SOLVE_ARGS and BEFORE_SOLVE_ARGS are extra arguments of the two sides' `solve` (e.g. BEFORE=the same
# binary with BEFORE_SOLVE_ARGS="--threads 1": one thread against the default, interleaved).
# Usage: [BEFORE=...] [AFTER=...] [REPEATS=3] [SOLVE_ARGS=...] [BEFORE_SOLVE_ARGS=...] benchmarks/io/cli-timings.sh [CLIENTS]
#        (from the repository root)
set -eu
CLIENTS="${1:-100000}"
REPEATS="${REPEATS:-3}"
OUT="${OUT:-/tmp/flexgen-cli-timings}"
mkdir -p "$OUT"
[ -x /usr/bin/time ] || { echo "GNU time is not installed (apt-get install time)" >&2; exit 2; }
if [ -z "${AFTER:-}" ]; then swift build -c release --product flexgen >/dev/null 2>&1; AFTER=.build/release/flexgen; fi
# paper-default with F and B scaled by K/20 (ScenarioSettings.scaled, as in `flexgen bench --parts scaling,io`),
# so that the load per client, and feasibility, are those of paper-default.
"$AFTER" generate --preset paper-default --clients "$CLIENTS" --seed 1 --no-service-target \
    --bandwidth "$(awk "BEGIN { print 1e6 * $CLIENTS }")" --compute-rate "$(awk "BEGIN { print 5e13 * $CLIENTS }")" \
    -o "$OUT/problem.json"
"$AFTER" solve "$OUT/problem.json" -o "$OUT/solution.json" >/dev/null
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
run() {  # label side binary args...
    label="$1"; side="$2"; bin="$3"; shift 3
    : > "$OUT/t"
    for _ in $(seq "$REPEATS"); do
        /usr/bin/time -f "%e %U %M" -o "$OUT/t1" "$bin" "$@" >/dev/null 2>&1 || true
        cat "$OUT/t1" >> "$OUT/t"
    done
    printf "%-34s %-6s wall %6ss  user %6ss  maxrss %5s MiB\n" "$label" "$side" \
        "$(cut -d' ' -f1 "$OUT/t" | median)" "$(cut -d' ' -f2 "$OUT/t" | median)" \
        "$(( $(cut -d' ' -f3 "$OUT/t" | median) / 1024 ))"
}
echo "K = $CLIENTS, $(wc -c < "$OUT/problem.json") bytes problem, $(wc -c < "$OUT/solution.json") bytes solution, median of $REPEATS"
for cmd in "check problem" "solve -o" "check problem+solution"; do
    for side in after ${BEFORE:+before}; do
        bin="$AFTER"; [ "$side" = before ] && bin="$BEFORE"
        case "$cmd" in
            "check problem") run "flexgen check PROBLEM" "$side" "$bin" check "$OUT/problem.json" ;;
            "solve -o")
                args="${SOLVE_ARGS:-}"; [ "$side" = before ] && args="${BEFORE_SOLVE_ARGS:-}"
                # shellcheck disable=SC2086 # the extra arguments are meant to split
                run "flexgen solve PROBLEM -o SOLUTION" "$side" "$bin" solve "$OUT/problem.json" -o "$OUT/s-$side.json" $args ;;
            *) run "flexgen check PROBLEM SOLUTION" "$side" "$bin" check "$OUT/problem.json" "$OUT/solution.json" ;;
        esac
    done
done
