#!/usr/bin/env bash
# Apply benchmarks on the cxone platform (`cxsched emulator --platform cxone`), with the seed
# platform's apply in the same run for reference:
#   1. N1 skills (default 2000: N1/PER documents × PER skills, PER default 5), LAT ms added
#      latency (default 50), no rate limit: a first apply per concurrency in CONC (default
#      "32 64"): wall time; requests per skill and the fixed per-run ones, counted from the
#      emulator's request log; the most requests in flight (from the log); the minimum the
#      requests, the concurrency and the latency allow, and wall / minimum. Then a second
#      apply (everything unchanged): wall time and requests.
#   2. N2 skills (default 100) under a client-side limit, `apply --rate-limit RPS` (default
#      20), the emulator without a limit or latency: wall time against (requests − RPS) / RPS
#      (the client's bucket starts with one second's worth); goal within 5 %, 0 failures.
#      2b (BOTH=1, the default): once more with the emulator limited to RPS too.
#   3. Peak RSS (/usr/bin/time -v) of one apply over N3 skills (default 10000), no latency,
#      and of the second (unchanged) apply; goal ≤ 64 MB.
#   4. The seed's batch driver (../shared/peer/ts-seed bench_apply) speaks only the seed's
#      API, so it does not apply to CXone; instead cxsched's apply of N1 campaigns at LAT ms
#      on the seed platform (bench/apply_vs_seed.sh's case 1, our side) runs here for the
#      requests per target and wall time of the two platforms side by side.
# Every measurement runs RUNS times (default 3; medians printed). ONLY=1,3 runs just those
# parts. Needs python3, curl, /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
N1="${N1:-2000}"; PER="${PER:-5}"; LAT="${LAT:-50}"; CONC="${CONC:-32 64}"
N2="${N2:-100}"; RPS="${RPS:-20}"; BOTH="${BOTH:-1}"; N3="${N3:-10000}"; RUNS="${RUNS:-3}"
. bench/lib.sh
cxsched_bin
BIN="$CXSCHED_BIN"
T="$(mktemp -d)"; trap 'stop_emulator; rm -rf "$T"' EXIT
FIG="$T/figures.tsv"   # part <TAB> what <TAB> value, for the table at the end
: >"$FIG"

want() { [ -z "${ONLY:-}" ] || [[ ",$ONLY," == *",$1,"* ]]; }
fig() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$FIG"; }

# The emulator's own settings: the request log keeps this many entries (CxoneConfig's and
# EmulatorConfig's request_log_capacity; not a command-line option), so each run clears it
# first and a count that reaches it is reported as capped.
LOG_CAP=100000

emulator() { # platform args… ; sets URL (a second try if the first start times out, as
  # happened twice on a loaded shared host)
  start_emulator "$T" --platform "$@" || { stop_emulator; start_emulator "$T" --platform "$@"; }
  URL="$EMU_URL"
}

# apply_run PLATFORM DIR AUDIT [time-file] extra-args… ; prints "seconds written unchanged failed"
apply_run() {
  local platform="$1" dir="$2" audit="$3" timef="$4"; shift 4
  local pre=()
  [ -n "$timef" ] && pre=(/usr/bin/time -v -o "$timef")
  curl -sf -X DELETE "$URL/_emulator/requests" >/dev/null
  local s e
  s=$(date +%s.%N)
  env -u CXONE_BASE_URL -u CXONE_ENV -u CXONE_API_ENDPOINT -u CXSCHED_RATE_LIMIT -u WEBHOOK_URL \
    CXSCHED_PLATFORM="$platform" CXONE_ISSUER="$URL" CXONE_BASE_URL="$URL" \
    CXONE_CLIENT_ID=demo-client CXONE_CLIENT_SECRET=demo-secret \
    CXONE_ACCESS_KEY_ID="$CXONE_KEY_ID" CXONE_ACCESS_KEY_SECRET="$CXONE_KEY_SECRET" \
    CXSCHED_AUDIT_LOG="$audit" CXSCHED_OUTBOX="$T/outbox" \
    "${pre[@]}" "$BIN" apply "$dir" --yes --output json "$@" >"$T/out.jsonl" 2>"$T/out.err" || true
  e=$(date +%s.%N)
  curl -sf "$URL/_emulator/requests" >"$T/log.json"
  python3 - "$T/out.jsonl" "$s" "$e" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
n = lambda s: sum(r.get("status") == s for r in rows)
w, u = n("written"), n("unchanged")
print(f"{float(sys.argv[3]) - float(sys.argv[2]):.3f} {w} {u} {len(rows) - w - u}")
PY
}
# The emulator's default access key (crates/emulator/src/cxone/config.rs).
CXONE_KEY_ID='DEMOKEY4Kx/9+Zq2='; CXONE_KEY_SECRET='s3cr3t+/Kd8PzQ=='

# requests TARGETS LATENCY_MS : the last run's request log, by kind; prints one line of
# "key=value" figures (per_target, fixed, total, rounds, inflight) and a breakdown on stderr.
requests() {
  python3 - "$T/log.json" "$1" "$2" "$LOG_CAP" <<'PY'
import json, re, sys
from collections import Counter
from datetime import datetime
log = json.load(open(sys.argv[1]))
log = log if isinstance(log, list) else log["requests"]
targets, lat, cap = int(sys.argv[2]), float(sys.argv[3]) / 1000, int(sys.argv[4])
def kind(r):
    p = r["path"]
    p = re.sub(r"/skills/\d+/", "/skills/{id}/", p)
    p = re.sub(r"/campaigns/[0-9a-f-]{36}/", "/campaigns/{id}/", p)
    p = re.sub(r"/services/v[\d.]+/", "/services/{v}/", p)
    return f'{r["method"]} {p}'
kinds = Counter(kind(r) for r in log)
per = {k: c for k, c in kinds.items() if "{id}" in k}
fixed = {k: c for k, c in kinds.items() if "{id}" not in k}
statuses = Counter(str(r.get("status")) for r in log)
sys.stderr.write("    requests by kind:" + "".join(f"\n      {c:>7}  {k}" + (f"  ({c / targets:.2f} per target)" if k in per else "") for k, c in sorted(kinds.items(), key=lambda kc: -kc[1])) + "\n")
sys.stderr.write(f"    statuses: {dict(statuses)}" + ("  [LOG CAPPED: counts are low]" if len(log) >= cap else "") + "\n")
# Sequential round trips per target: a read is the two GETs side by side (tokio::join!), a PUT
# one more; so rounds = the larger GET count + the PUTs, per target.
gets = [c for k, c in per.items() if k.startswith("GET")]
puts = sum(c for k, c in per.items() if not k.startswith("GET"))
rounds = (max(gets, default=0) + puts) / targets
# Requests in flight: the log's time is when the answer went out; with an added latency each
# request was in the emulator for [time − latency, time].
inflight = 0
if lat > 0:
    ev = []
    for r in log:
        t = datetime.fromisoformat(r["time"].replace("Z", "+00:00")).timestamp()
        ev += [(t - lat, 1), (t, -1)]
    cur = 0
    for _, d in sorted(ev, key=lambda e: (e[0], e[1])):
        cur += d
        inflight = max(inflight, cur)
print(f"per_target={sum(per.values()) / targets:.3f} fixed={sum(fixed.values())} total={len(log)} rounds={rounds:.3f} inflight={inflight} capped={int(len(log) >= cap)} r429={statuses.get('429', 0)}")
PY
}

median() { python3 -c 'import statistics,sys; v=[float(x) for x in sys.argv[1:]]; print(f"{statistics.median(v):.3f}")' "$@"; }

# gen_skill_docs DOCS PER DIR : DOCS documents (America/New_York, the business unit's zone),
# each naming PER skills (ids 2000000 + k); windows Monday–Friday from 09:00 to 12:00–17:00.
gen_skill_docs() {
  python3 - "$@" <<'PY'
import json, os, sys
docs, per, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
os.makedirs(out, exist_ok=True)
for i in range(docs):
    doc = {
        "campaignId": f"00000000-0000-4000-8000-{i:012d}",
        "timezone": "America/New_York",
        "businessHoursDirective": "STRICT",
        "maxConcurrentCalls": 1 + i % 500,
        "skillIds": [2000000 + i * per + j for j in range(per)],
        "timeWindows": [
            {"dayOfWeek": d, "startTime": "09:00:00", "endTime": f"{12 + i % 6:02d}:{(i % 4) * 15:02d}:00"}
            for d in ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]
        ],
    }
    # 17:xx would leave the 09:00–17:00 frame: cap at 17:00.
    for w in doc["timeWindows"]:
        if w["endTime"] > "17:00:00":
            w["endTime"] = "17:00:00"
    with open(os.path.join(out, f"d{i:05d}.json"), "w") as f:
        json.dump(doc, f)
PY
}

echo "cxsched $("$BIN" --version | head -1); $(nproc) cores; runs per figure: $RUNS (medians)"

if want 1; then
docs=$((N1 / PER))
gen_skill_docs "$docs" "$PER" "$T/s1"
echo
echo "== 1. $N1 skills ($docs documents × $PER skills), ${LAT} ms latency, no rate limit"
for c in $CONC; do
  walls=(); walls2=()
  for r in $(seq "$RUNS"); do
    emulator cxone --skills "$T/s1" --latency-ms "$LAT"
    rm -f "$T/a1.jsonl"
    read -r secs w u f < <(apply_run cxone "$T/s1" "$T/a1.jsonl" "" --concurrency "$c")
    if [ "$r" = 1 ]; then echo "  first apply, concurrency $c, requests of run 1:"; fi
    rq="$(requests "$N1" "$LAT" 2>"$T/kinds.txt")"
    [ "$r" = 1 ] && cat "$T/kinds.txt"
    eval "$rq"
    echo "  run $r: ${secs}s, written $w, unchanged $u, failed $f; $total requests ($per_target per skill + $fixed fixed), at most $inflight in flight"
    walls+=("$secs"); p1=$per_target; f1=$fixed; rd1=$rounds; inf1=$inflight
    read -r secs2 w u f < <(apply_run cxone "$T/s1" "$T/a1.jsonl" "" --concurrency "$c")
    eval "$(requests "$N1" "$LAT" 2>/dev/null)"
    echo "         second apply: ${secs2}s, written $w, unchanged $u, failed $f; $total requests ($per_target per skill + $fixed fixed)"
    walls2+=("$secs2"); p2=$per_target
    stop_emulator
  done
  m="$(median "${walls[@]}")"; m2="$(median "${walls2[@]}")"
  python3 - "$m" "$m2" "$p1" "$f1" "$rd1" "$inf1" "$N1" "$LAT" "$c" "$p2" <<'PY' | tee -a "$T/p1.txt"
import sys
wall, wall2, per, fixed, rounds, inflight = (float(x) for x in sys.argv[1:7])
n, lat, c, per2 = int(sys.argv[7]), float(sys.argv[8]) / 1000, int(sys.argv[9]), float(sys.argv[10])
# The brief's bound: the concurrency caps requests in flight.
by_requests = per * n * lat / c + fixed * lat
# What the code does: the concurrency caps skills in flight, each read sends its two GETs side
# by side, so a skill costs `rounds` sequential round trips.
by_rounds = rounds * n * lat / c + fixed * lat
by_rounds2 = 1 * n * lat / c + fixed * lat
print(f"  concurrency {c}: first apply median {wall:.2f}s; {per:g} requests per skill, {fixed:g} fixed; at most {inflight:g} in flight")
print(f"    minimum with {c} requests in flight: {per:g}×{n}×{lat:g}s/{c} + {fixed:g}×{lat:g}s = {by_requests:.2f}s → wall/minimum {wall / by_requests:.2f}")
print(f"    minimum with {c} skills in flight ({rounds:g} round trips each): {by_rounds:.2f}s → wall/minimum {wall / by_rounds:.2f}")
print(f"    second apply (unchanged) median {wall2:.2f}s, {per2:g} requests per skill; minimum ({c} skills in flight, 1 round trip each) {by_rounds2:.2f}s → {wall2 / by_rounds2:.2f}")
PY
  fig 1 "cxone first apply, $N1 skills, ${LAT} ms, C=$c (s)" "$m"
  fig 1 "  requests per skill / fixed / most in flight" "$p1 / $f1 / $inf1"
  fig 1 "  wall / min (C requests in flight)" "$(python3 -c "import sys; print(f'{float(sys.argv[1])/($p1*$N1*$LAT/1000/$c+$f1*$LAT/1000):.2f}')" "$m")"
  fig 1 "  wall / min (C skills in flight)" "$(python3 -c "import sys; print(f'{float(sys.argv[1])/($rd1*$N1*$LAT/1000/$c+$f1*$LAT/1000):.2f}')" "$m")"
  fig 1 "cxone second apply (unchanged), C=$c (s)" "$m2"
done
fi

if want 2; then
docs=$(( (N2 + PER - 1) / PER ))
gen_skill_docs "$docs" "$PER" "$T/s2"
n2=$((docs * PER))
echo
echo "== 2. $n2 skills at a client-side limit, apply --rate-limit $RPS (emulator: no limit, no latency)"
walls=(); worst=0
for r in $(seq "$RUNS"); do
  emulator cxone --skills "$T/s2"
  rm -f "$T/a2.jsonl"
  read -r secs w u f < <(apply_run cxone "$T/s2" "$T/a2.jsonl" "" --rate-limit "$RPS")
  eval "$(requests "$n2" 0 2>"$T/kinds.txt")"
  [ "$r" = 1 ] && cat "$T/kinds.txt"
  stop_emulator
  minimum=$(python3 -c "print(f'{max(0, $total - $RPS) / $RPS:.3f}')")
  echo "  run $r: ${secs}s for $total requests (minimum ${minimum}s, $(python3 -c "print(f'{100*($secs/$minimum-1):+.1f}')")%), written $w, failed $f"
  walls+=("$secs"); [ "$f" -gt "$worst" ] && worst=$f
done
m="$(median "${walls[@]}")"
pct=$(python3 -c "print(f'{100*($m/$minimum-1):+.1f}')")
echo "  median ${m}s against the minimum ${minimum}s ((${total} − ${RPS}) / ${RPS}): ${pct}% (goal: within 5 %); most failures in a run: $worst (goal 0)"
fig 2 "cxone apply --rate-limit $RPS, $n2 skills (s)" "$m"
fig 2 "  minimum (requests−$RPS)/$RPS (s), over" "$minimum, ${pct}%"
fig 2 "  failures (worst run)" "$worst"
if [ "$BOTH" = 1 ]; then
  echo "  2b. the same with the emulator limited to $RPS too (one run)"
  emulator cxone --skills "$T/s2" --rate-limit "$RPS"
  rm -f "$T/a2.jsonl"
  read -r secs w u f < <(apply_run cxone "$T/s2" "$T/a2.jsonl" "" --rate-limit "$RPS")
  eval "$(requests "$n2" 0 2>/dev/null)"
  stop_emulator
  minimum=$(python3 -c "print(f'{max(0, $total - $RPS) / $RPS:.3f}')")
  echo "  ${secs}s for $total requests, $r429 of them answered 429 (minimum ${minimum}s, $(python3 -c "print(f'{100*($secs/$minimum-1):+.1f}')")%), written $w, failed $f"
  fig 2 "  2b: both limited, one run (s), 429s, failed" "$secs, $r429, $f"
fi
fi

if want 3; then
docs=$(( (N3 + PER - 1) / PER ))
gen_skill_docs "$docs" "$PER" "$T/s3"
n3=$((docs * PER))
echo
echo "== 3. peak memory of one apply over $n3 skills ($docs documents), no latency"
rss=(); rss2=(); walls=(); walls2=()
for r in $(seq "$RUNS"); do
  emulator cxone --skills "$T/s3"
  rm -f "$T/a3.jsonl"
  read -r secs w u f < <(apply_run cxone "$T/s3" "$T/a3.jsonl" "$T/time3.txt")
  eval "$(requests "$n3" 0 2>/dev/null)"
  kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$T/time3.txt")
  read -r secs2 w2 u2 f2 < <(apply_run cxone "$T/s3" "$T/a3.jsonl" "$T/time3b.txt")
  kb2=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$T/time3b.txt")
  stop_emulator
  echo "  run $r: first ${secs}s, max RSS $((kb / 1024)) MB, written $w, failed $f ($total requests$([ "$capped" = 1 ] && echo ', log capped'));" \
       "second ${secs2}s, max RSS $((kb2 / 1024)) MB, unchanged $u2, failed $f2"
  rss+=("$kb"); rss2+=("$kb2"); walls+=("$secs"); walls2+=("$secs2")
done
m=$(median "${rss[@]}"); m2=$(median "${rss2[@]}")
mb=$(python3 -c "print(f'{$m/1024:.1f}')"); mb2=$(python3 -c "print(f'{$m2/1024:.1f}')")
echo "  median max RSS: first apply ${mb} MB, second ${mb2} MB (goal ≤ 64 MB); wall $(median "${walls[@]}")s / $(median "${walls2[@]}")s"
fig 3 "cxone max RSS, first apply, $n3 skills (MB)" "$mb"
fig 3 "cxone max RSS, second apply (MB)" "$mb2"
fig 3 "  wall first / second (s)" "$(median "${walls[@]}") / $(median "${walls2[@]}")"
fi

if want 4; then
echo
echo "== 4. the seed platform for reference: $N1 campaigns, ${LAT} ms latency (bench/apply_vs_seed.sh case 1, cxsched's side)"
echo "  The seed's batch driver (../shared/peer/ts-seed, bench_apply) speaks only the seed's API"
echo "  (/api/v2/campaigns/{id}/schedule with ETags); it has no CXone client, so it does not apply"
echo "  to parts 1–3. bench/apply_vs_seed.sh runs it against the seed emulator."
python3 bench/gen_campaigns.py "$N1" "$T/c4" "$T/c4.jsonl"
for c in $CONC; do
  walls=()
  for r in $(seq "$RUNS"); do
    emulator seed --accept-any-campaign --latency-ms "$LAT"
    rm -f "$T/a4.jsonl"
    read -r secs w u f < <(apply_run seed "$T/c4" "$T/a4.jsonl" "" --concurrency "$c")
    eval "$(requests "$N1" "$LAT" 2>"$T/kinds.txt")"
    [ "$r" = 1 ] && cat "$T/kinds.txt"
    stop_emulator
    echo "  run $r, concurrency $c: ${secs}s, written $w, failed $f; $per_target requests per campaign + $fixed fixed, at most $inflight in flight"
    walls+=("$secs")
  done
  m=$(median "${walls[@]}")
  minimum=$(python3 -c "print(f'{$per_target*$N1*$LAT/1000/$c + $fixed*$LAT/1000:.2f}')")
  echo "  concurrency $c: median ${m}s; minimum $per_target×$N1×${LAT}ms/$c + $fixed×${LAT}ms = ${minimum}s → wall/minimum $(python3 -c "print(f'{$m/$minimum:.2f}')")"
  fig 4 "seed first apply, $N1 campaigns, ${LAT} ms, C=$c (s)" "$m"
  fig 4 "  requests per campaign / fixed / wall/min" "$per_target / $fixed / $(python3 -c "print(f'{$m/$minimum:.2f}')")"
done
fi

echo
echo "== summary (medians of $RUNS runs)"
python3 - "$FIG" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
w = max((len(r[1]) for r in rows), default=10)
for part, what, value in rows:
    print(f"{part:>2}  {what:<{w}}  {value}")
PY
