#!/usr/bin/env bash
# Benchmark (not a test): curfews of 10,000 generated schedules (campaign zones and windows
# varied as in check_scale), each reaching every (zone, state) target of the area-code
# table, compiled with compile_for_schedule over 366 days on all cores
# (crates/compliance/benches/curfews.rs), under /usr/bin/time -v.
#
#   bench/curfews.sh [SCHEDULES] [RUNS]     (defaults 10000 and 7)
#
# Prints the harness's JSON line (compile wall time per run and their median, curfews and
# problems compiled, a digest of them to compare builds) and the process's wall, CPU time
# and peak RSS. Goal (issue 10): 10,000 documents in at most 1 s.
set -euo pipefail
cd "$(dirname "$0")/.."

N="${1:-10000}"
RUNS="${2:-7}"
cargo bench -p cxsched-compliance --bench curfews --no-run --quiet 2>/dev/null
BIN="$(cargo bench -p cxsched-compliance --bench curfews --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "curfews" and m.get("executable"):
        print(m["executable"])')"
echo "CPUs: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
LOG="$(mktemp)"
/usr/bin/time -v "$BIN" --schedules "$N" --days 366 --runs "$RUNS" 2>"$LOG"
CPU="$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$LOG")"
echo "  process: wall $(grep 'Elapsed (wall clock)' "$LOG" | awk '{print $NF}'), CPU (user+sys) ${CPU} s for $RUNS compiles, peak RSS $(grep 'Maximum resident' "$LOG" | awk '{print $NF}') KB"
rm -f "$LOG"
