#!/usr/bin/env bash
# Benchmark (not a test) of issue 11's goals:
#   - `report` of 1,000 campaigns (documents as bench/gen_campaigns.py writes them, with
#     recipients in several states so that they have findings) on one page: wall time
#     (goal <= 3 s) and HTML size per campaign (goal <= 60 KB), peak RSS by /usr/bin/time -v;
#   - `fix --jsonl` of the seed's 20,000-payload corpus against `check --jsonl` on it
#     (goal: within 2x), hyperfine medians of both in one run.
#
#   bench/report_fix.sh [CAMPAIGNS] [RUNS]     (defaults 1000, 5)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

N="${1:-1000}"
RUNS="${2:-5}"
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 2; }
cxsched_bin
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
echo "CPUs: $(nproc)"

# The campaigns: gen_campaigns.py's documents, each with recipients in 2-4 states.
python3 - "$N" "$TMP/docs" <<'PY'
import json, os, sys
n, out_dir = int(sys.argv[1]), sys.argv[2]
os.makedirs(out_dir, exist_ok=True)
zones = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]
states = ["FL", "TX", "CA", "NY", "UT", "OK", "WA", "LA", "AL", "MS", "IN", "GA"]
for i in range(n):
    doc = {
        "campaignId": f"00000000-0000-4000-8000-{i:012d}",
        "timezone": zones[i % 4],
        "businessHoursDirective": "STRICT",
        "maxConcurrentCalls": 1 + i % 500,
        "timeWindows": [
            {"dayOfWeek": day, "startTime": "08:00:00", "endTime": f"{18 + i % 4:02d}:30:00"}
            for day in ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"][: 5 + i % 3]
        ],
        "compliance": {"recipients": {"states": [states[(i + k * 5) % len(states)] for k in range(2 + i % 3)]}},
    }
    with open(os.path.join(out_dir, f"c{i:05d}.json"), "w") as f:
        json.dump(doc, f)
PY

echo
echo "== report: $N campaigns, one page"
REPORT="$CXSCHED_BIN report $TMP/docs -o $TMP/report.html"
LOG="$TMP/time.log"
/usr/bin/time -v $REPORT 2>"$LOG" || true
SIZE="$(stat -c %s "$TMP/report.html")"
FINDINGS="$(sed -n 's/.*<span id="total-findings">\([0-9]*\)<.*/\1/p' "$TMP/report.html" | head -1)"
echo "  one run: wall $(grep 'Elapsed (wall clock)' "$LOG" | awk '{print $NF}'), peak RSS $(grep 'Maximum resident' "$LOG" | awk '{print $NF}') KB"
echo "  page: $SIZE bytes, $FINDINGS findings; $((SIZE / N)) bytes a campaign (goal <= 61440)"
python3 - "$TMP/report.html" <<'PY'
import sys
sections = open(sys.argv[1], encoding="utf-8").read().split('<section class="campaign"')[1:]
sizes = sorted(len(s.encode()) for s in sections)
rows = max(s.count('<tr class="finding ') for s in sections)
print(f"  a campaign's section: median {sizes[len(sizes) // 2]} bytes, largest {sizes[-1]} bytes (up to {rows} findings); goal: every one <= 61440")
PY
hyperfine --style basic --warmup 1 --runs "$RUNS" -N --ignore-failure --export-json "$TMP/report.json" \
  -n report "$REPORT" >/dev/null
python3 - "$TMP/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"  hyperfine: median {r['median']:.3f} s (min {r['min']:.3f}, max {r['max']:.3f}); goal <= 3 s")
PY

echo
echo "== fix --jsonl vs check --jsonl: the seed's corpus"
SRC="${CXSCHED_PEER:-../shared/peer/ts-seed}"
PAYLOADS="$SRC/bench/payloads.jsonl"
[ -f "$PAYLOADS" ] || { echo "no $PAYLOADS" >&2; exit 2; }
echo "  $(wc -l <"$PAYLOADS") payloads"
for cmd in check fix; do
  /usr/bin/time -v "$CXSCHED_BIN" "$cmd" --jsonl "$PAYLOADS" --output json >"$TMP/$cmd.out" 2>"$LOG" || true
  echo "  $cmd: $(wc -l <"$TMP/$cmd.out") lines, wall $(grep 'Elapsed (wall clock)' "$LOG" | awk '{print $NF}'), peak RSS $(grep 'Maximum resident' "$LOG" | awk '{print $NF}') KB"
done
hyperfine --style basic --warmup 1 --runs "$RUNS" -N --ignore-failure --export-json "$TMP/fix.json" \
  -n check "$CXSCHED_BIN check --jsonl $PAYLOADS --output json" \
  -n fix "$CXSCHED_BIN fix --jsonl $PAYLOADS" >/dev/null
python3 - "$TMP/fix.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
for k in ("check", "fix"):
    print(f"  {k:6} median {r[k]['median']:.3f} s (min {r[k]['min']:.3f}, max {r[k]['max']:.3f})")
print(f"  fix / check (medians): {r['fix']['median'] / r['check']['median']:.2f}x; goal <= 2x")
PY
