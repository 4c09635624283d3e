#!/bin/sh
# Instructions executed by `flexgen check PROBLEM` (read + validate + summary) on a 10^4-client
# problem, counted by valgrind's callgrind so that the figure does not depend on the machine's load.
# Usage: [BIN=path/to/flexgen] benchmarks/io/callgrind.sh [CLIENTS]   (from the repository root; needs valgrind)
# Prints the total instruction count (Ir) and the top functions; the raw output stays in $OUT.
set -eu
CLIENTS="${1:-10000}"
OUT="${OUT:-/tmp/flexgen-callgrind}"
mkdir -p "$OUT"
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
# BIN: the flexgen binary to measure (default: this checkout's release build), e.g. another
# commit's build for a before/after comparison.
if [ -z "${BIN:-}" ]; then swift build -c release --product flexgen >/dev/null; BIN=.build/release/flexgen; fi
"$BIN" generate --preset large --clients "$CLIENTS" --seed 1 -o "$OUT/problem-$CLIENTS.json"
# Valgrind cannot read the DWARF of Swift 6 release builds ("possibly corrupted debuginfo"): measure
# a copy without debug sections (symbols stay, so functions are still named).
strip --strip-debug -o "$OUT/flexgen" "$BIN"
valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out" "$OUT/flexgen" check "$OUT/problem-$CLIENTS.json" \
    >/dev/null 2>"$OUT/valgrind.log"
echo "instructions (Ir) for flexgen check on $CLIENTS clients:"
callgrind_annotate "$OUT/callgrind.out" 2>/dev/null | grep -m1 "PROGRAM TOTALS"
callgrind_annotate "$OUT/callgrind.out" 2>/dev/null | sed -n '/file:function/,$p' | sed -n 2,12p | cut -c1-160
