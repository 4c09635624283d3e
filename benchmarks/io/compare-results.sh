#!/bin/sh
# Same results within the certificate from two flexgen builds, for a change that may move GLPK to
# another optimal vertex (the assignment LP by column generation, docs/model.md): solves
# problems/*.json and generated instances of 10^3-10^5 clients (with and without a service target,
# and overloaded ones with --admission max-served) with both binaries. Per output: "identical"
# when the bytes agree (the timing line "solveTimeS" stripped), else "within" when the status and
# every client's configuration agree, the energy differs by less than the gap tolerance the solve
# certifies (1e-3 relative with service targets, 1e-9 without) and the lower bound by less than
# 1e-9 relative, else "DIFFERENT". Prints the counts and the largest differences; exits 1 on any
# DIFFERENT. Also compares `flexgen check PROBLEM SOLUTION` of AFTER's solution by both binaries.
# Usage: [SIZES="1000 10000 100000"] benchmarks/io/compare-results.sh BEFORE AFTER   (from the repository root; needs python3)
set -u
B="$1"; A="$2"; D="${OUT:-/tmp/flexgen-compare-results}"; mkdir -p "$D"
SIZES="${SIZES:-1000 10000 100000}"
command -v python3 >/dev/null || { echo "python3 is not installed" >&2; exit 2; }
# paper-default with F and B scaled by K/20 (feasible, as `flexgen bench --parts scaling`); an
# overloaded one has the compute rate cut by a factor $4.
gen() {  # name clients seed compute-factor [generate options...]
    n="$1"; k="$2"; seed="$3"; f="$4"; shift 4
    [ -f "$D/$n.json" ] || "$B" generate --preset paper-default --clients "$k" --seed "$seed" \
        --bandwidth "$(awk "BEGIN { print 1e6 * $k }")" --compute-rate "$(awk "BEGIN { print 5e13 * $k / $f }")" \
        "$@" -o "$D/$n.json" >/dev/null
}
cases=""
for p in problems/*.json; do cases="$cases $(basename "$p" .json):$p:"; done
for k in $SIZES; do
    gen "g-$k" "$k" 1 1 --no-service-target
    gen "g-$k-t5" "$k" 2 1 --service-target 0.5
    gen "g-$k-t9" "$k" 3 1 --service-target 0.9
    gen "g-$k-over3" "$k" 4 3 --service-target 0.5
    # Three overlapping group targets (column generation's first prices are then too high).
    [ -f "$D/g-$k-multi.json" ] || python3 -c '
import json, sys
p = json.load(open(sys.argv[1])); ids = [c["id"] for c in p["clients"]]; n = len(ids); t = p["serviceTargets"][0]["meanQualityTarget"]
p["name"] = "multi-" + str(n)
p["serviceTargets"] = [{"meanQualityTarget": t, "clients": ids[: 3 * n // 5]},
                       {"meanQualityTarget": t * 1.02, "clients": ids[2 * n // 5 :]},
                       {"meanQualityTarget": t * 1.05, "clients": ids[n // 4 : 3 * n // 4]}]
json.dump(p, open(sys.argv[2], "w"), indent=2)' "$D/g-$k-t5.json" "$D/g-$k-multi.json"
    cases="$cases g-$k:$D/g-$k.json: g-$k-t5:$D/g-$k-t5.json: g-$k-t9:$D/g-$k-t9.json: g-$k-multi:$D/g-$k-multi.json:"
    cases="$cases g-$k-t5-admission:$D/g-$k-t5.json:--admission=max-served g-$k-over3-admission:$D/g-$k-over3.json:--admission=max-served"
done
for c in $cases; do
    n="${c%%:*}"; rest="${c#*:}"; p="${rest%%:*}"; opt="${rest#*:}"
    for side in before after; do
        bin="$B"; [ $side = after ] && bin="$A"
        rm -f "$D/$n.$side.solution"
        # shellcheck disable=SC2086
        "$bin" solve "$p" $opt -o "$D/$n.$side.solution" >/dev/null 2>&1; echo "$?" > "$D/$n.$side.rc"
    done
    checks=same
    if [ -f "$D/$n.after.solution" ]; then
        "$B" check "$p" "$D/$n.after.solution" > "$D/$n.before.check" 2>&1; echo "exit $?" >> "$D/$n.before.check"
        "$A" check "$p" "$D/$n.after.solution" > "$D/$n.after.check" 2>&1; echo "exit $?" >> "$D/$n.after.check"
        cmp -s "$D/$n.before.check" "$D/$n.after.check" || checks=DIFFERENT
    fi
    python3 - "$D/$n" "$n" "$checks" "$p" <<'EOF'
import json, sys
base, name, checks, problem = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
# The gap tolerance the solve certifies by default (flexgen solve --help).
targeted = bool(json.load(open(problem)).get("serviceTargets"))
def load(side):
    rc = open(f"{base}.{side}.rc").read().strip()
    try:
        text = open(f"{base}.{side}.solution").read()
    except FileNotFoundError:
        return rc, None, None
    lines = [l for l in text.splitlines() if '"solveTimeS"' not in l]
    return rc, "\n".join(lines), json.loads(text)
rb, tb, jb = load("before")
ra, ta, ja = load("after")
def rel(a, b):
    if a is None or b is None: return 0.0 if a == b else float("inf")
    return abs(a - b) / max(abs(b), 1e-300)
verdict, detail = "DIFFERENT", ""
if rb == ra and tb == ta:
    verdict = "identical"
elif rb == ra and jb is not None and ja is not None:
    tol = 1e-3 if targeted else 1e-9
    cfg = lambda j: [(c["id"], c["width"], c["steps"]) for c in j.get("clients", [])]
    adm = lambda j: (j.get("admission") or {}).get("admittedCount")
    de, dl = rel(ja.get("totalEnergyJ"), jb.get("totalEnergyJ")), rel(ja.get("lowerBoundJ"), jb.get("lowerBoundJ"))
    same = ja["status"] == jb["status"] and cfg(ja) == cfg(jb) and adm(ja) == adm(jb)
    detail = (f"status {'same' if ja['status'] == jb['status'] else 'differs'}, configurations "
              f"{'same' if cfg(ja) == cfg(jb) else 'differ'}, energy rel {de:.3g}, bound rel {dl:.3g}")
    if same and de < tol and dl < 1e-9:
        verdict = "within"
if checks != "same": verdict, detail = "DIFFERENT", detail + "; check outputs differ"
print(f"{verdict:10} {name}" + (f": {detail}" if detail else ""))
with open(f"{base}.verdict", "w") as f: f.write(f"{verdict} {detail}\n")
EOF
done | tee "$D/summary.txt"
echo "identical: $(grep -c '^identical' "$D/summary.txt"), within the certificate: $(grep -c '^within' "$D/summary.txt"), different: $(grep -c '^DIFFERENT' "$D/summary.txt") of $(wc -l < "$D/summary.txt") solves"
! grep -q '^DIFFERENT' "$D/summary.txt"
