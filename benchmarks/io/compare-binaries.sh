#!/bin/sh
# Same results from two flexgen builds: solves problems/*.json and generated instances (with and
# without a service target, overlapping group targets, non-ASCII client ids) with both binaries,
# strips the one timing line ("solveTimeS") of each solution and compares the bytes and exit
# codes; then compares `flexgen check PROBLEM` and `flexgen check PROBLEM SOLUTION` (report bytes
# and exit code). Prints one line per file ("identical" or "DIFFERENT"); exits 1 on any difference.
# Usage: benchmarks/io/compare-binaries.sh BEFORE AFTER   (from the repository root; needs jq)
#   e.g. BEFORE = main's .build/release/flexgen copied aside, AFTER = this checkout's release build.
set -u
B="$1"; A="$2"; D="${OUT:-/tmp/flexgen-compare}"; mkdir -p "$D"
command -v jq >/dev/null || { echo "jq is not installed (apt-get install jq)" >&2; exit 2; }
fail=0
# paper-default with F and B scaled by K/20 (feasible, as `flexgen bench --parts scaling`).
gen() {  # name clients seed [generate options...]
    n="$1"; k="$2"; seed="$3"; shift 3
    [ -f "$D/$n.json" ] || "$B" generate --preset paper-default --clients "$k" --seed "$seed" \
        --bandwidth "$(awk "BEGIN { print 1e6 * $k }")" --compute-rate "$(awk "BEGIN { print 5e13 * $k }")" \
        "$@" -o "$D/$n.json" >/dev/null
}
gen g-50-t9 50 9 --service-target 0.9
gen g-200-t 200 3 --service-target 0.5
gen g-500-t2 500 4 --service-target 0.2
gen g-1000-t 1000 5 --service-target 0.7
gen g-2000-t3 2000 2 --service-target 0.3
gen g-3000-t95 3000 11 --service-target 0.95
gen g-5000 5000 7 --no-service-target
gen g-20000-t 20000 1 --service-target 0.5
# Three overlapping group targets, and non-ASCII ids (the check table's widths count characters).
[ -f "$D/g-multi-200.json" ] || jq '.serviceTargets[0].meanQualityTarget as $t | .name = "multi-200"
    | .serviceTargets = [{"meanQualityTarget": $t, "clients": [.clients[0:120][].id]},
                         {"meanQualityTarget": ($t * 1.02), "clients": [.clients[80:200][].id]},
                         {"meanQualityTarget": ($t * 1.05), "clients": [.clients[50:150][].id]}]' \
    "$D/g-200-t.json" > "$D/g-multi-200.json"
[ -f "$D/g-unicode-60.json" ] || jq '.name = "unicode-60" | del(.serviceTargets) | .clients = [.clients[0:60] | to_entries[]
    | .value.id = (if .key % 3 == 0 then "é客户-\(.key)" elif .key % 3 == 1 then "e\u0301-\(.key)" else .value.id end)
    | .value]' "$D/g-200-t.json" > "$D/g-unicode-60.json"
for p in problems/*.json "$D"/g-*.json; do
    n=$(basename "$p" .json)
    for side in before after; do
        bin="$B"; [ $side = after ] && bin="$A"
        rm -f "$D/$n.$side.solution"
        "$bin" solve "$p" -o "$D/$n.$side.solution" >/dev/null 2>&1; echo "exit $?" > "$D/$n.$side.rc"
        { [ -f "$D/$n.$side.solution" ] && grep -v '"solveTimeS"' "$D/$n.$side.solution"; cat "$D/$n.$side.rc"; } > "$D/$n.$side.solve"
        "$bin" check "$p" > "$D/$n.$side.check" 2>&1; echo "exit $?" >> "$D/$n.$side.check"
    done
    # Both binaries check the same solution (AFTER's), so that only the checkers differ.
    if [ -f "$D/$n.after.solution" ]; then
        for side in before after; do
            bin="$B"; [ $side = after ] && bin="$A"
            "$bin" check "$p" "$D/$n.after.solution" >> "$D/$n.$side.check" 2>&1; echo "exit $?" >> "$D/$n.$side.check"
        done
    fi
    if cmp -s "$D/$n.before.solve" "$D/$n.after.solve" && cmp -s "$D/$n.before.check" "$D/$n.after.check"; then
        echo "identical  $n: solution $(wc -c < "$D/$n.after.solve") bytes ($(cat "$D/$n.after.rc")), check $(wc -l < "$D/$n.after.check") lines"
    else
        echo "DIFFERENT  $n"; fail=1
    fi
done
exit $fail
