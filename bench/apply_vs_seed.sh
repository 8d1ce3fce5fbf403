#!/usr/bin/env bash
# Apply benchmarks, each side by side with the seed's batch driver (bench_apply, sequential)
# against the same emulator settings in the same run:
#   1. N1 campaigns (default 2000), 50 ms added latency, no rate limit: wall time and failures.
#   2. N2 campaigns (default 1000) at a 20 requests/s server limit: wall time against the
#      minimum the limit allows for the requests made (token + GET + PUT per campaign).
#   3. Peak memory (max RSS) of one apply over N3 campaigns (default 10000).
# Prints the figures. Needs python3, Node/npm (bench/peer.sh), /usr/bin/time.
# ONLY=1,3 runs just those parts.
set -euo pipefail
cd "$(dirname "$0")/.."
N1="${N1:-2000}"; N2="${N2:-1000}"; N3="${N3:-10000}"; RPS="${RPS:-20}"
. bench/lib.sh
cxsched_bin
bench/peer.sh
BIN="$CXSCHED_BIN"
PEER="$PWD/target/peer/ts-seed"
T="$(mktemp -d)"; trap 'stop_emulator; rm -rf "$T"' EXIT

emulator() { # args… ; an emulator accepting any campaign; sets URL
  start_emulator "$T" --accept-any-campaign "$@"
  URL="$EMU_URL"
}
ours() { # dir extra-args… ; prints "seconds written failed"
  local dir="$1"; shift
  rm -f "$T/audit.jsonl"
  local s e
  s=$(date +%s.%N)
  CXONE_BASE_URL="$URL" CXONE_CLIENT_ID=demo-client CXONE_CLIENT_SECRET=demo-secret \
    CXSCHED_AUDIT_LOG="$T/audit.jsonl" "$BIN" apply "$dir" --yes --output json "$@" >"$T/ours.jsonl" || true
  e=$(date +%s.%N)
  python3 - "$T/ours.jsonl" "$s" "$e" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
written = sum(r["status"] == "written" for r in rows)
print(f"{float(sys.argv[3]) - float(sys.argv[2]):.3f} {written} {len(rows) - written}")
PY
}
seed() { # jsonl limit ; prints the driver's JSON line
  BASE_URL="$URL" CLIENT_ID=demo-client CLIENT_SECRET=demo-secret \
    node "$PEER/dist/bench_apply.js" --input "$1" --limit "$2" 2>/dev/null
}

want() { [ -z "${ONLY:-}" ] || [[ ",$ONLY," == *",$1,"* ]]; }

if want 1; then
python3 bench/gen_campaigns.py "$N1" "$T/c1" "$T/c1.jsonl"
echo "== 1. $N1 campaigns, 50 ms latency, no rate limit"
emulator --latency-ms 50
read -r secs written failed < <(ours "$T/c1" --concurrency 64)
stop_emulator
echo "cxsched apply (concurrency 64): ${secs}s, written $written, failed $failed"
emulator --latency-ms 50
seed_line="$(seed "$T/c1.jsonl" "$N1")"
stop_emulator
echo "seed bench_apply:              $seed_line"
python3 -c "import json,sys; s=json.loads(sys.argv[1])['seconds']; print(f'ratio (seed / cxsched): {s/float(sys.argv[2]):.1f}x')" "$seed_line" "$secs"

fi

if want 2; then
python3 bench/gen_campaigns.py "$N2" "$T/c2" "$T/c2.jsonl"
echo "== 2. $N2 campaigns at a $RPS requests/s server limit"
emulator --rate-limit "$RPS"
read -r secs written failed < <(ours "$T/c2" --rate-limit "$RPS")
requests=$(curl -s "$URL/_emulator/requests" | python3 -c 'import json,sys; d=json.load(sys.stdin); d=d if isinstance(d,list) else d["requests"]; print(sum(r["path"].startswith("/api/") for r in d))')
stop_emulator
python3 - "$secs" "$requests" "$RPS" "$written" "$failed" <<'PY'
import sys
secs, reqs, rps, w, f = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
# The emulator's bucket starts full and holds one second of requests (capacity = rate), so
# the first `rps` requests are free and the rest come at `rps` a second.
minimum = max(0.0, reqs - rps) / rps
print(f"cxsched apply --rate-limit {rps:g}: {secs:.2f}s for {reqs} requests (minimum {minimum:.2f}s, {100*(secs/minimum-1):+.1f}%), written {w}, failed {f}")
PY
emulator --rate-limit "$RPS"
echo "seed bench_apply:              $(seed "$T/c2.jsonl" "$N2")"
stop_emulator

fi

if want 3; then
python3 bench/gen_campaigns.py "$N3" "$T/c3" "$T/c3.jsonl"
echo "== 3. peak memory of one apply over $N3 campaigns"
emulator
CXONE_BASE_URL="$URL" CXONE_CLIENT_ID=demo-client CXONE_CLIENT_SECRET=demo-secret \
  CXSCHED_AUDIT_LOG="$T/audit3.jsonl" /usr/bin/time -v "$BIN" apply "$T/c3" --yes --output json \
  >"$T/ours3.jsonl" 2>"$T/time3.txt" || true
grep -E "Maximum resident set size|Elapsed \(wall" "$T/time3.txt"
echo "written: $(grep -c '"status":"written"' "$T/ours3.jsonl") of $N3"
echo "== 3b. the same apply again (everything unchanged, the audit log read for drift)"
CXONE_BASE_URL="$URL" CXONE_CLIENT_ID=demo-client CXONE_CLIENT_SECRET=demo-secret \
  CXSCHED_AUDIT_LOG="$T/audit3.jsonl" /usr/bin/time -v "$BIN" apply "$T/c3" --yes --output json \
  >"$T/ours3b.jsonl" 2>"$T/time3b.txt" || true
stop_emulator
grep -E "Maximum resident set size|Elapsed \(wall" "$T/time3b.txt"
echo "unchanged: $(grep -c '"status":"unchanged"' "$T/ours3b.jsonl") of $N3"
fi
