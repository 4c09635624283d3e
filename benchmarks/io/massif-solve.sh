#!/bin/sh
# Where the heap goes at the peak of a full solve with a service target: valgrind's massif on
# `flexgen solve` of a generated problem (default 20 000 clients: paper-default with F and B scaled
# by K/20, as `flexgen bench --parts scaling`, and a mean-quality target of tightness 0.5).
# Prints the peak heap and, from the peak snapshot, the allocation sites above 2 % of it (up to
# four frames deep) that name FlexGen or GLPK.
# Usage: [BIN=path/to/flexgen] benchmarks/io/massif-solve.sh [CLIENTS]   (from the repository root; needs valgrind)
set -eu
CLIENTS="${1:-20000}"
OUT="${OUT:-/tmp/flexgen-massif}"
mkdir -p "$OUT"
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
if [ -z "${BIN:-}" ]; then swift build -c release --product flexgen >/dev/null; BIN=.build/release/flexgen; fi
"$BIN" generate --preset paper-default --clients "$CLIENTS" --seed 1 --service-target 0.5 \
    --bandwidth "$(awk "BEGIN { print 1e6 * $CLIENTS }")" --compute-rate "$(awk "BEGIN { print 5e13 * $CLIENTS }")" \
    -o "$OUT/problem.json"
# Valgrind cannot read the DWARF of Swift 6 release builds: measure a copy without debug sections.
strip --strip-debug -o "$OUT/flexgen" "$BIN"
valgrind --tool=massif --massif-out-file="$OUT/massif.out" "$OUT/flexgen" solve "$OUT/problem.json" >/dev/null 2>"$OUT/valgrind.log"
ms_print --threshold=2 "$OUT/massif.out" > "$OUT/report.txt"
echo "peak heap of flexgen solve on $CLIENTS clients with a service target:"
grep -m1 -A1 "^    MB" "$OUT/report.txt" | tail -1 | awk '{ print "  " $1 " MB (ms_print axis)" }'
peak=$(grep -m1 "(peak)" "$OUT/report.txt" | sed 's/.*\[//; s/\].*//' | tr ',' '\n' | grep peak | awk '{ print $1 }')
# The peak snapshot's tree only (up to the next snapshot's table row), sites naming FlexGen or GLPK.
awk -v n="$peak" '
    /^ *[0-9]+ +[0-9,]+ +[0-9,]+ +[0-9,]+ +[0-9,]+ +[0-9,]+ *$/ { if (found) exit; if ($1 == n) found = 1; next }
    found' "$OUT/report.txt" \
    | grep -E '^(\| ){0,3}->' | grep -E "FlexGen|libglpk|glp_" | sed -E 's|\(in [^)]*/([^/)]+)\)|[\1]|' | cut -c1-190 | head -25
