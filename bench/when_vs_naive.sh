#!/usr/bin/env bash
# Benchmark (not a test): `cxsched when --phone-numbers FILE --jsonl` on N random US numbers
# (bench/gen_phone_numbers.py, seeded) over 7 days from 2027-03-08 (the week of the US
# spring-forward, 2027-03-14), whole process, to /dev/null and to a file, against the naive
# per-minute scan bench/when_naive.py (Python, zoneinfo; no holidays) in the same hyperfine
# run, on the first NAIVE_N numbers and scaled to N. Then peak RSS and wall time of each
# under /usr/bin/time -v (medians of RUNS), and the naive scan's answers compared with ours,
# number by number and date by date (dates a holiday closes in some zone left out).
#
#   bench/when_vs_naive.sh [N] [NAIVE_N]      (defaults 100000 and 1000; RUNS=5)
#
# Goal (issue 10): N = 100,000 in at most 2 s and 100 MB, whole process.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

N="${1:-100000}"
NAIVE_N="${2:-1000}"
RUNS="${RUNS:-5}"
FROM=2027-03-08
DAYS=7
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 2; }
cxsched_bin
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

python3 bench/gen_phone_numbers.py "$N" "$WORK/numbers.txt"
OURS="$CXSCHED_BIN when --phone-numbers $WORK/numbers.txt --jsonl --from $FROM --days $DAYS"
NAIVE="python3 bench/when_naive.py $WORK/numbers.txt $FROM $DAYS $NAIVE_N"

echo "CPUs: $(nproc); $N numbers, $DAYS days from $FROM; naive scan on the first $NAIVE_N; $RUNS runs"
hyperfine --style basic --warmup 1 --runs "$RUNS" -N --export-json "$WORK/hyperfine.json" \
  -n "cxsched>null" "$OURS" \
  -n "cxsched>file" "sh -c '$OURS > $WORK/ours.jsonl'" \
  -n "naive>null" "$NAIVE" >/dev/null

# Peak memory (and wall) of each, RUNS times.
for i in $(seq "$RUNS"); do
  /usr/bin/time -v $OURS >/dev/null 2>>"$WORK/time.null"
  /usr/bin/time -v $OURS >"$WORK/ours.jsonl" 2>>"$WORK/time.file"
done
/usr/bin/time -v $NAIVE >"$WORK/naive.jsonl" 2>>"$WORK/time.naive"

python3 - "$WORK" "$N" "$NAIVE_N" <<'PY'
import json, statistics, sys
work, n, naive_n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
hf = {r["command"]: r for r in json.load(open(f"{work}/hyperfine.json"))["results"]}

def times(name):
    walls, rss = [], []
    for line in open(f"{work}/time.{name}"):
        line = line.strip()
        if line.startswith("Elapsed (wall clock)"):
            parts = line.split()[-1].split(":")
            walls.append(sum(float(p) * 60 ** i for i, p in enumerate(reversed(parts))))
        elif line.startswith("Maximum resident set size"):
            rss.append(int(line.split()[-1]) / 1024)
    return walls, rss

print(f"\n{'hyperfine':16}{'median s':>10}{'min s':>9}{'max s':>9}{'numbers/s':>13}{'s per 100k':>12}")
for name, count in (("cxsched>null", n), ("cxsched>file", n), ("naive>null", naive_n)):
    r = hf[name]
    print(f"{name:16}{r['median']:>10.3f}{r['min']:>9.3f}{r['max']:>9.3f}"
          f"{count / r['median']:>13,.0f}{r['median'] * 100_000 / count:>12.2f}")
print(f"\n{'/usr/bin/time -v':16}{'wall median s':>14}{'peak RSS median MB':>20}{'max MB':>8}")
for name in ("null", "file", "naive"):
    w, m = times(name)
    print(f"{name:16}{statistics.median(w):>14.2f}{statistics.median(m):>20.1f}{max(m):>8.1f}")

per_ours = hf["cxsched>null"]["median"] / n
per_naive = hf["naive>null"]["median"] / naive_n
print(f"\nnaive scan scaled to {n:,} numbers: {per_naive * n:,.0f} s; "
      f"cxsched is {per_naive / per_ours:,.0f}x faster per number (medians, whole processes)")
best = (hf["naive>null"]["min"] / naive_n) / (hf["cxsched>null"]["min"] / n)
print(f"                                      {best:,.0f}x (fastest runs)")

wall = max(hf["cxsched>null"]["median"], hf["cxsched>file"]["median"])
rss = max(statistics.median(times(k)[1]) for k in ("null", "file"))
print(f"goal for 100,000 numbers, <= 2 s and <= 100 MB: {wall:.2f} s, {rss:.1f} MB"
      f"{'' if n == 100_000 else f' (at {n:,} numbers)'}: {'met' if wall <= 2 and rss <= 100 else 'NOT met'}")

import os
size = os.path.getsize(f"{work}/ours.jsonl")
lines = sum(1 for _ in open(f"{work}/ours.jsonl"))
print(f"cxsched's output: {lines:,} lines, {size / 1e6:,.1f} MB")

# Agreement, number by number and date by date.
ours = [json.loads(l) for _, l in zip(range(naive_n), open(f"{work}/ours.jsonl"))]
naive = [json.loads(l) for l in open(f"{work}/naive.jsonl")]
assert len(ours) == len(naive) == min(naive_n, n)
numbers = dates = holiday = agree = 0
differ = []
for o, v in zip(ours, naive):
    assert o["recipient"] == v["recipient"], (o["recipient"], v["recipient"])
    numbers += 1
    if (o["zones"], o["states"]) != (v["zones"], v["states"]):
        differ.append((o["recipient"], "zones/states", o["zones"], v["zones"]))
        continue
    for od, vd in zip(o["days"], v["days"], strict=True):
        assert od["date"] == vd["date"]
        if set(od["closedBecause"]) - set(vd["closedBecause"]):
            holiday += 1  # closed by a holiday, which the naive scan does not read
            continue
        dates += 1
        a = [(i["startUtc"], i["endUtc"]) for i in od["intervals"]]
        b = [(i["startUtc"], i["endUtc"]) for i in vd["intervals"]]
        if a == b and od["closedBecause"] == vd["closedBecause"]:
            agree += 1
        else:
            differ.append((o["recipient"], od["date"], (a, od["closedBecause"]), (b, vd["closedBecause"])))
print(f"\nagreement with the naive scan: {numbers:,} numbers, {dates:,} dates compared, "
      f"{agree:,} identical (intervals and closedBecause), {len(differ)} different, "
      f"{holiday} holiday dates left out")
for d in differ[:10]:
    print("  differs:", d)
sys.exit(1 if differ else 0)
PY
