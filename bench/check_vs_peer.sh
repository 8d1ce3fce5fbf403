#!/usr/bin/env bash
# Benchmark (not a test): `cxsched check --jsonl` against the TypeScript peer's
# bench_validate on the peer's own 20,000 payloads, whole processes, in the same run.
#
#   bench/check_vs_peer.sh [RUNS]        (default 10 runs each, after 2 warm-ups)
#
# cxsched validates every payload and checks each valid one over a 366-day horizon with the
# recipients in the campaign's own zone (nothing given: the contract's default), federal and
# DST findings per date; the peer checks one clock comparison per window in the campaign zone
# plus its (host-dependent) DST probe. Prints medians, payloads per second and the ratio.
# Needs hyperfine, Node 20 + npm (for bench/peer.sh) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

RUNS="${1:-10}"
peer_corpus
OURS="target/release/cxsched check --jsonl $PAYLOADS --output json --from 2026-11-27 --horizon-days 366"

echo "payloads: $N ($PAYLOADS)"
echo "cxsched:  $(target/release/cxsched --version)"
echo "          $($OURS | python3 -c '
import json, sys
st = {}
findings = 0
for line in sys.stdin:
    r = json.loads(line)
    st[r["status"]] = st.get(r["status"], 0) + 1
    findings += len(r.get("findings", []))
print("statuses", st, "findings", findings)')"
echo "peer:     node $(node --version); its own timing of the validation loop (parsing excluded):"
echo "          $(TZ=UTC $PEER)"
echo "CPUs:     $(nproc)"
echo
race_peer "$N" "$RUNS" "$OURS" "$PEER"
