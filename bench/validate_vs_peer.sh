#!/usr/bin/env bash
# Benchmark (not a test): `cxsched validate --jsonl` against the TypeScript peer's
# bench_validate on the same 20,000 payloads, whole processes, in the same run.
#
#   bench/validate_vs_peer.sh [RUNS]        (default 10 runs each, after 2 warm-ups)
#
# Prints the median wall time of each, payloads per second and the ratio. Needs hyperfine
# (`apt-get install hyperfine`), Node 20 + npm (for bench/peer.sh) and python3.
# The peer also runs its regulatory-hour and DST pass; cxsched validate does structure and
# field rules only (hours are `check`'s job), so this is not like-for-like.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

RUNS="${1:-10}"
peer_corpus
OURS="target/release/cxsched validate --jsonl $PAYLOADS --output json"

echo "payloads: $N ($PAYLOADS)"
echo "cxsched:  $(target/release/cxsched --version)"
echo "peer:     node $(node --version); its own timing of the validation loop (parsing excluded):"
echo "          $(TZ=UTC $PEER)"
echo "CPUs:     $(nproc)"
echo
race_peer "$N" "$RUNS" "$OURS" "$PEER"
