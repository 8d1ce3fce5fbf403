#!/usr/bin/env bash
# Prepares the TypeScript peer (the seed's module, ../shared/peer/ts-seed, read-only) for
# benchmarks: copies it into target/peer/ts-seed, then runs `npm ci` and `tsc` there. Runs
# again only when the peer's sources change (a stamp holds their checksum). Prints nothing but
# errors. Needs Node 20 and npm (with the npm registry reachable the first time).
set -euo pipefail
cd "$(dirname "$0")/.."

SRC="${CXSCHED_PEER:-../shared/peer/ts-seed}"
DEST=target/peer/ts-seed
[ -d "$SRC" ] || { echo "peer.sh: no peer at $SRC (set CXSCHED_PEER)" >&2; exit 2; }
command -v npm >/dev/null || { echo "peer.sh: npm is not installed (Node 20 is needed)" >&2; exit 2; }

stamp() {
  (cd "$SRC" && find package.json package-lock.json tsconfig.json .npmrc src -type f -print0 \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}
want="$(stamp)"
if [ -f "$DEST/.prepared" ] && [ "$(cat "$DEST/.prepared")" = "$want" ] \
  && [ -f "$DEST/dist/bench_validate.js" ]; then
  exit 0
fi

rm -rf "$DEST"
mkdir -p "$(dirname "$DEST")"
cp -R "$SRC" "$DEST"
chmod -R u+w "$DEST"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! (cd "$DEST" && npm ci --no-audit --no-fund --loglevel=error && npx tsc -p tsconfig.json) >"$log" 2>&1; then
  cat "$log" >&2
  echo "peer.sh: preparing the peer in $DEST failed" >&2
  exit 1
fi
echo "$want" >"$DEST/.prepared"
