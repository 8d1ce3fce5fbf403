# Shared by the benchmark scripts (source it): the release binary and an emulator on a free
# loopback port.
#
#   cxsched_bin                  sets CXSCHED_BIN (absolute; builds a release unless given)
#   start_emulator DIR ARGS…     runs `cxsched emulator --listen 127.0.0.1:0 ARGS…` with its
#                                output in DIR; sets EMU_URL and EMU_PID
#   stop_emulator                stops it (safe to call when none runs)

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
  for _ in $(seq 100); do grep -q '^listening on ' "$dir/emu.out" 2>/dev/null && break; sleep 0.05; done
  EMU_URL="$(sed -n 's/^listening on //p' "$dir/emu.out" | head -1)"
  [ -n "$EMU_URL" ] || { cat "$dir/emu.err" >&2; echo "the emulator did not start" >&2; return 1; }
}

stop_emulator() {
  if [ -n "${EMU_PID:-}" ]; then
    kill "$EMU_PID" 2>/dev/null || true
    wait "$EMU_PID" 2>/dev/null || true
    EMU_PID=""
  fi
}
