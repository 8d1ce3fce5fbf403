# Shared by the benchmark scripts (source it): the release binary and an emulator on a free
# loopback port.
#
#   cxsched_bin                  sets CXSCHED_BIN (absolute; builds a release unless given)
#   start_emulator DIR ARGS…     runs `cxsched emulator --listen 127.0.0.1:0 ARGS…` with its
#                                output in DIR; sets EMU_URL and EMU_PID
#   stop_emulator                stops it (safe to call when none runs)
#   peer_corpus                  checks the peer's payloads, builds both sides; sets PAYLOADS,
#                                N (payload count) and PEER (the peer's command)
#   race_peer N RUNS OURS PEER   times both in one hyperfine run and prints the ratio

cxsched_bin() {
  if [ -z "${CXSCHED_BIN:-}" ]; then
    cargo build --release --quiet -p cxsched
    CXSCHED_BIN=target/release/cxsched
  fi
  CXSCHED_BIN="$(realpath "$CXSCHED_BIN")"
}

start_emulator() {
  local dir="$1"; shift
  "$CXSCHED_BIN" emulator --listen 127.0.0.1:0 "$@" >"$dir/emu.out" 2>"$dir/emu.err" &
  EMU_PID=$!
  # Up to 20 s: on a loaded shared host, start-up (loading --skills/--campaigns) can take a while.
  for _ in $(seq 400); do grep -q '^listening on ' "$dir/emu.out" 2>/dev/null && break; sleep 0.05; done
  EMU_URL="$(sed -n 's/^listening on //p' "$dir/emu.out" | head -1)"
  [ -n "$EMU_URL" ] || { cat "$dir/emu.err" >&2; echo "the emulator did not start (stdout: $(head -c 200 "$dir/emu.out"))" >&2; return 1; }
}

stop_emulator() {
  if [ -n "${EMU_PID:-}" ]; then
    kill "$EMU_PID" 2>/dev/null || true
    wait "$EMU_PID" 2>/dev/null || true
    EMU_PID=""
  fi
}

peer_corpus() {
  local src="${CXSCHED_PEER:-../shared/peer/ts-seed}"
  command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 2; }
  (cd "$src/bench" && sha256sum --quiet -c SHA256SUMS) || { echo "bench data does not match SHA256SUMS" >&2; exit 1; }
  cargo build --release --quiet -p cxsched
  bench/peer.sh
  PAYLOADS="$src/bench/payloads.jsonl"
  N="$(wc -l <"$PAYLOADS")"
  PEER="node target/peer/ts-seed/dist/bench_validate.js --input $PAYLOADS"
}

# race_peer N RUNS OURS PEER: times both whole commands in one hyperfine run (TZ=UTC, as the
# peer's verdicts are pinned) and prints medians, payloads/s and the throughput ratio.
race_peer() {
  local n="$1" runs="$2" ours="$3" peer="$4" result
  result="$(mktemp)"
  TZ=UTC hyperfine --style basic --warmup 2 --runs "$runs" -N --ignore-failure \
    --export-json "$result" -n cxsched "$ours" -n peer "$peer" >/dev/null
  python3 - "$result" "$n" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
n = int(sys.argv[2])
print(f"{'':10}{'median s':>10}{'min s':>10}{'max s':>10}{'payloads/s':>14}")
for name in ("cxsched", "peer"):
    r = results[name]
    print(f"{name:10}{r['median']:>10.4f}{r['min']:>10.4f}{r['max']:>10.4f}{n / r['median']:>14,.0f}")
ratio = results["peer"]["median"] / results["cxsched"]["median"]
print(f"\nthroughput ratio (whole processes, medians): {ratio:.1f}x the peer")
# On a shared host the slow outliers come from the host; the fastest runs show the programs.
best = results["peer"]["min"] / results["cxsched"]["min"]
print(f"throughput ratio (fastest runs):             {best:.1f}x the peer")
PY
  rm -f "$result"
}
