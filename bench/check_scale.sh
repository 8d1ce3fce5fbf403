#!/usr/bin/env bash
# Benchmark (not a test): 10,000 generated schedules (up to 8 windows a day) checked
# against every US state and every zone the area-code table can name, at 366 and 3,660
# days, and at 366 days with every rule in two versions (the same hours, then an hour
# shorter) and 50 blackouts, each under
# /usr/bin/time -v for peak memory.
#
#   bench/check_scale.sh [SCHEDULES]     (default 10000)
#
# Prints the benchmark's JSON line (check wall time, schedules per second, findings) and the
# process's wall time and peak RSS for each horizon.
set -euo pipefail
cd "$(dirname "$0")/.."

N="${1:-10000}"
cargo bench -p cxsched-compliance --bench check_scale --no-run --quiet 2>/dev/null
BIN="$(cargo bench -p cxsched-compliance --bench check_scale --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "check_scale" and m.get("executable"):
        print(m["executable"])')"
echo "CPUs: $(nproc)"
run() {
  LOG="$(mktemp)"
  /usr/bin/time -v "$BIN" --schedules "$N" --render-sample 100 "$@" 2>"$LOG"
  echo "  $*: process wall $(grep 'Elapsed (wall clock)' "$LOG" | awk '{print $NF}'), peak RSS $(grep 'Maximum resident' "$LOG" | awk '{print $NF}') KB"
  rm -f "$LOG"
}
for DAYS in 366 3660; do
  run --days "$DAYS"
done
# Every rule in two versions changing mid-horizon (the same hours, then an hour shorter),
# and 50 blackouts (issue 12).
run --days 366 --versions 1 --blackouts 50
run --days 366 --versions 2 --blackouts 50
