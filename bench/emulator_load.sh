#!/usr/bin/env bash
# Load figure of the bundled emulator on loopback, rate limiting off: `wrk` drives
# GET /api/v2/campaigns/{id}/schedule with a valid bearer token and prints requests/s and
# the latency distribution. A figure, not a test: wrk and the emulator share this machine's
# cores. Needs wrk (Debian: apt-get install -y wrk), curl and python3.
#
# Environment: DURATION (default 10s), THREADS (2), CONNECTIONS (64), CXSCHED_BIN (default:
# a release build of this checkout, built if missing or stale).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "emulator_load.sh: $tool is not installed" >&2; exit 2; }
done
if [ -z "${CXSCHED_BIN:-}" ]; then
  cargo build --release --quiet -p cxsched
  CXSCHED_BIN=target/release/cxsched
fi

work="$(mktemp -d)"
emu_pid=""
cleanup() {
  [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

id=3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab
cat >"$work/campaign.json" <<JSON
{"campaignId":"$id","timezone":"America/New_York","businessHoursDirective":"STRICT","maxConcurrentCalls":10,
 "timeWindows":[{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"12:00:00"},
                {"dayOfWeek":"MONDAY","startTime":"13:00:00","endTime":"17:00:00"}]}
JSON
"$CXSCHED_BIN" emulator --listen 127.0.0.1:0 --campaigns "$work/campaign.json" >"$work/out" 2>"$work/err" &
emu_pid=$!
for _ in $(seq 100); do grep -q '^listening on ' "$work/out" 2>/dev/null && break; sleep 0.05; done
url="$(sed -n 's/^listening on //p' "$work/out" | head -1)"
[ -n "$url" ] || { cat "$work/err" >&2; echo "emulator_load.sh: the emulator did not start" >&2; exit 1; }

token="$(curl -sf -u demo-client:demo-secret -d grant_type=client_credentials "$url/api/v2/oauth/token" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
curl -sf -o /dev/null -H "Authorization: Bearer $token" "$url/api/v2/campaigns/$id/schedule"

echo "emulator $("$CXSCHED_BIN" --version) on $url; wrk -t$THREADS -c$CONNECTIONS -d$DURATION; $(nproc) cores"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
  -H "Authorization: Bearer $token" -H "Accept: application/json" \
  "$url/api/v2/campaigns/$id/schedule"
