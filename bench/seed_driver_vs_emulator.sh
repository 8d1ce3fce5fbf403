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
. bench/lib.sh
cxsched_bin

work="$(mktemp -d)"
trap 'stop_emulator; rm -rf "$work"' EXIT

start_emulator "$work" --accept-any-campaign --rate-limit "$RATE" --client seed-client:seed-secret
url="$EMU_URL"

cd target/peer/ts-seed
BASE_URL="$url" CLIENT_ID=seed-client CLIENT_SECRET=seed-secret \
  node dist/bench_apply.js --input bench/payloads.jsonl --limit "$LIMIT" 2>"$work/driver.err"
