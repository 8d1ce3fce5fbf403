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
. bench/lib.sh
cxsched_bin

work="$(mktemp -d)"
trap 'stop_emulator; rm -rf "$work"' EXIT

id=3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab
cat >"$work/campaign.json" <<JSON
{"campaignId":"$id","timezone":"America/New_York","businessHoursDirective":"STRICT","maxConcurrentCalls":10,
 "timeWindows":[{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"12:00:00"},
                {"dayOfWeek":"MONDAY","startTime":"13:00:00","endTime":"17:00:00"}]}
JSON
start_emulator "$work" --campaigns "$work/campaign.json"
url="$EMU_URL"

token="$(curl -sf -u demo-client:demo-secret -d grant_type=client_credentials "$url/api/v2/oauth/token" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
curl -sf -o /dev/null -H "Authorization: Bearer $token" "$url/api/v2/campaigns/$id/schedule"

echo "emulator $("$CXSCHED_BIN" --version) on $url; wrk -t$THREADS -c$CONNECTIONS -d$DURATION; $(nproc) cores"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
  -H "Authorization: Bearer $token" -H "Accept: application/json" \
  "$url/api/v2/campaigns/$id/schedule"
