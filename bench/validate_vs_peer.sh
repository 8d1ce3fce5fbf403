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
PEER_SRC="${CXSCHED_PEER:-../shared/peer/ts-seed}"
PAYLOADS="$PEER_SRC/bench/payloads.jsonl"
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 2; }

(cd "$PEER_SRC/bench" && sha256sum --quiet -c SHA256SUMS) || { echo "bench data does not match SHA256SUMS" >&2; exit 1; }
cargo build --release --quiet -p cxsched
bench/peer.sh

N="$(wc -l <"$PAYLOADS")"
OURS="target/release/cxsched validate --jsonl $PAYLOADS --output json"
PEER="node target/peer/ts-seed/dist/bench_validate.js --input $PAYLOADS"

echo "payloads: $N ($PAYLOADS)"
echo "cxsched:  $(target/release/cxsched --version)"
echo "peer:     node $(node --version); its own timing of the validation loop (parsing excluded):"
echo "          $(TZ=UTC $PEER)"
echo "CPUs:     $(nproc)"
echo
race_peer "$N" "$RUNS" "$OURS" "$PEER"
