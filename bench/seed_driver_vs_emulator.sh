#!/usr/bin/env bash
# Runs the seed's own batch driver (the TypeScript peer's dist/bench_apply.js, unchanged)
# against `cxsched emulator --accept-any-campaign`, as a client no one here wrote: token,
# then GET for the ETag, then the seed's PUT with If-Match, per payload. Prints the driver's
# result line {n, ok, failed, seconds, failures_by_status}.
#
# Environment: LIMIT (default 2000 payloads), RATE (emulator --rate-limit, default 0 = none),
# CXSCHED_BIN (default: a release build of this checkout). Needs Node 20 and npm (bench/peer.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
LIMIT="${LIMIT:-2000}"
RATE="${RATE:-0}"
bench/peer.sh
if [ -z "${CXSCHED_BIN:-}" ]; then
  cargo build --release --quiet -p cxsched
  CXSCHED_BIN=target/release/cxsched
fi
CXSCHED_BIN="$(realpath "$CXSCHED_BIN")"

work="$(mktemp -d)"
emu_pid=""
cleanup() {
  [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$CXSCHED_BIN" emulator --listen 127.0.0.1:0 --accept-any-campaign --rate-limit "$RATE" \
  --client seed-client:seed-secret >"$work/out" 2>"$work/err" &
emu_pid=$!
for _ in $(seq 100); do grep -q '^listening on ' "$work/out" 2>/dev/null && break; sleep 0.05; done
url="$(sed -n 's/^listening on //p' "$work/out" | head -1)"
[ -n "$url" ] || { cat "$work/err" >&2; echo "seed_driver_vs_emulator.sh: the emulator did not start" >&2; exit 1; }

cd target/peer/ts-seed
BASE_URL="$url" CLIENT_ID=seed-client CLIENT_SECRET=seed-secret \
  node dist/bench_apply.js --input bench/payloads.jsonl --limit "$LIMIT" 2>"$work/driver.err"
