#!/usr/bin/env bash
# Fills corpus/parse_document with seeds: every document of tests/corpus/invalid and examples/,
# each prefixed with the format byte the target expects (0 JSON, 1 TOML, 2 YAML).
set -euo pipefail
cd "$(dirname "$0")"
out=corpus/parse_document
mkdir -p "$out"
find ../tests/corpus/invalid ../examples -type f \( -name '*.json' -o -name '*.toml' -o -name '*.yaml' \) -print0 |
  while IFS= read -r -d '' f; do
    case "$f" in *.json) b='\x00' ;; *.toml) b='\x01' ;; *.yaml) b='\x02' ;; esac
    name="$(printf '%s' "$f" | sha1sum | cut -c1-16)"
    { printf "$b"; cat "$f"; } >"$out/seed-$name"
  done
