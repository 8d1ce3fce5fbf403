#!/usr/bin/env bash
# Benchmark (not a test): `check --jsonl` and `validate --jsonl` on a corpus of about 1 GB
# (the seed's 20,000 payloads repeated), under /usr/bin/time -v: peak RSS (goal ≤ 64 MB,
# bounded however long the file) and lines per second, beside the same commands on the
# seed's own file, so that throughput per line can be compared.
#
#   bench/check_big.sh [COPIES]          (default 120: 120 × 8.4 MB ≈ 1 GB)
#
# The corpus is written to a temporary file and removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

COPIES="${1:-120}"
cxsched_bin
SEED="${CXSCHED_PEER:-../shared/peer/ts-seed}/bench/payloads.jsonl"
BIG="$(mktemp --suffix=.jsonl)"
LOG="$(mktemp)"
trap 'rm -f "$BIG" "$LOG"' EXIT
for _ in $(seq "$COPIES"); do cat "$SEED"; done >"$BIG"
echo "corpus: $(du -h "$BIG" | cut -f1), $(wc -l <"$BIG") lines; CPUs: $(nproc)"

run() {
  local label="$1" file="$2"; shift 2
  local lines start end rss
  lines="$(wc -l <"$file")"
  start="$EPOCHREALTIME"
  /usr/bin/time -v "$CXSCHED_BIN" "$@" --jsonl "$file" --output json >/dev/null 2>"$LOG" || true
  end="$EPOCHREALTIME"
  rss="$(grep 'Maximum resident' "$LOG" | awk '{print $NF}')"
  python3 -c 'import sys; n, s, kb = int(sys.argv[1]), float(sys.argv[3]) - float(sys.argv[2]), int(sys.argv[4]); print(f"  {sys.argv[5]:<22} {s:8.3f} s  {n / s:>12,.0f} lines/s  peak RSS {kb / 1024:6.1f} MB")' \
    "$lines" "$start" "$end" "$rss" "$label"
}

for cmd in "check --from 2026-11-27 --horizon-days 366" "validate"; do
  echo "$cmd --jsonl FILE --output json:"
  # shellcheck disable=SC2086
  run "seed file (8.4 MB)" "$SEED" $cmd
  # shellcheck disable=SC2086
  run "repeated ($COPIES×)" "$BIG" $cmd
done
