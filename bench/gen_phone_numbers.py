#!/usr/bin/env python3
"""Writes N random US phone numbers (E.164, one a line) for the `when` benchmark: area codes
drawn uniformly from the geographic rows of crates/compliance/data/area_codes.tsv (a state
and at least one zone; toll-free and other non-geographic codes are left out, so every line
can be answered), exchange 200..999, line 0000..9999. Seeded: the same N and SEED always
give the same file.

    python3 bench/gen_phone_numbers.py N OUT [SEED]
"""
import os, random, sys

n, out = int(sys.argv[1]), sys.argv[2]
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 10
table = os.path.join(os.path.dirname(__file__), "..", "crates", "compliance", "data", "area_codes.tsv")
npas = []
with open(table) as f:
    for line in f:
        if line.startswith("#") or line.startswith("npa\t") or not line.strip():
            continue
        npa, state, zones = line.rstrip("\n").split("\t")[:3]
        if state != "-" and zones != "-":
            npas.append(int(npa))
rng = random.Random(seed)
with open(out, "w") as f:
    for _ in range(n):
        f.write(f"+1{rng.choice(npas)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}\n")
