#!/usr/bin/env python3
"""Where cxsched's `validate` verdicts differ from the TypeScript seed's, and why.

    bench/verdicts.py [--cxsched target/release/cxsched] [--ours OURS.jsonl] [--peer DIR]

Runs `cxsched validate --jsonl PAYLOADS --output json` (or reads its output from --ours), reads
the seed's verdicts (`bench/expected.jsonl` of the peer, made under TZ=UTC) after checking
both bench files against the peer's SHA256SUMS, and prints a table of the disagreements by
category, each with a one-line explanation. A line may have several reasons: "lines" counts
every line with that reason, "only" the lines where it is the sole reason.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
from collections import Counter

# (key, test on one of our errors {path, message}, explanation)
WE_REFUSE = [
    ("start >= end", lambda e: "expected an end after the start" in e["message"],
     "seed never checks startTime < endTime (NOTES #3); the API answers 422"),
    ("overlapping windows", lambda e: "overlaps timeWindows" in e["message"],
     "seed never checks overlaps within a day (NOTES #4; its 3,192 counts windows we already "
     "refuse for start >= end); the API answers 409"),
    ("abbreviation as zone (CST, EST…)", lambda e: e["path"] == "timezone" and "abbreviation" in e["message"],
     "seed's ICU check accepts abbreviations (NOTES #6); they follow no place's DST rules"),
    ("zone misspelled in case", lambda e: e["path"] == "timezone" and "not spelled" in e["message"],
     "seed accepts america/new_york (NOTES #6); the API takes exact tz names only"),
    ("other zone error", lambda e: e["path"] == "timezone"
     and not any(k in e["message"] for k in ("abbreviation", "not spelled")),
     "zone names the tz database does not have as places"),
    ("nil UUID", lambda e: "nil UUID" in e["message"],
     "zod's uuid() accepts the nil UUID; it identifies no campaign"),
    ("unknown field", lambda e: "unknown field" in e["message"],
     "zod strips unknown keys silently; CONTRACT §1 makes them errors"),
    ("more than 8 windows on one day", lambda e: "windows per day" in e["message"],
     "the seed caps the whole schedule instead (checked per schedule)"),
]

SEED_REFUSES = [
    ("regulatory hours (08:00–21:00)", lambda m: "regulatory limit" in m,
     "hours are `check`'s job, in the recipients' zones; the seed compares the window's "
     "wall-clock strings in the campaign zone (NOTES #1)"),
    ("more than 8 windows per schedule", lambda m: "Maximum 8 time windows per schedule" in m,
     "the seed's cap is per schedule; the prose and CONTRACT §1 say 8 per day (NOTES #5)"),
    ("DST check", lambda m: "DST" in m or "daylight" in m.lower(),
     "the seed's DST check measures the host's zone (NOTES #2); none fire under TZ=UTC"),
]

WE_WARN = [
    ("deprecated zone link (US/Eastern)", lambda w: w["path"] == "timezone" and "deprecated link" in w["message"],
     "valid for both; we add a warning naming the canonical zone"),
    ("empty timeWindows", lambda w: "never dials" in w["message"],
     "valid for both; we warn that the campaign never dials"),
]


def check_sums(bench_dir):
    for line in open(os.path.join(bench_dir, "SHA256SUMS")):
        digest, name = line.split()
        name = name.lstrip("*")
        h = hashlib.sha256(open(os.path.join(bench_dir, name), "rb").read()).hexdigest()
        if h != digest:
            sys.exit(f"{name}: checksum mismatch with SHA256SUMS; the bench data is not the shared one")


def reasons(items, table, text=lambda x: x):
    found = []
    for key, test, _ in table:
        if any(test(text(i)) for i in items):
            found.append(key)
    return found


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer", default=os.path.join(root, "..", "shared", "peer", "ts-seed"))
    ap.add_argument("--cxsched", default=os.path.join(root, "target", "release", "cxsched"))
    ap.add_argument("--ours", help="read cxsched's JSON Lines output from this file instead of running it")
    args = ap.parse_args()

    bench = os.path.join(args.peer, "bench")
    check_sums(bench)
    payloads = os.path.join(bench, "payloads.jsonl")
    if args.ours:
        ours_text = open(args.ours).read()
    else:
        run = subprocess.run([args.cxsched, "validate", "--jsonl", payloads, "--output", "json"],
                             capture_output=True, text=True)
        if run.returncode not in (0, 1):
            sys.exit(f"cxsched exited {run.returncode}: {run.stderr}")
        ours_text = run.stdout
    ours = {}
    for line in ours_text.splitlines():
        report = json.loads(line)
        ours[report["line"] - 1] = report
    seed = {}
    for line in open(os.path.join(bench, "expected.jsonl")):
        verdict = json.loads(line)
        seed[verdict["i"]] = verdict
    if set(ours) != set(seed):
        sys.exit(f"line sets differ: {len(ours)} reports from cxsched, {len(seed)} seed verdicts")

    both = Counter()
    we_refuse, we_refuse_only, seed_refuses, seed_refuses_only, warn = Counter(), Counter(), Counter(), Counter(), Counter()
    unexplained = []
    for i in sorted(seed):
        o, s = ours[i], seed[i]
        both[(s["valid"], o["valid"])] += 1
        if s["valid"] and not o["valid"]:
            rs = reasons(o["errors"], WE_REFUSE)
            we_refuse.update(rs)
            if len(rs) == 1:
                we_refuse_only[rs[0]] += 1
            if not rs:
                unexplained.append((i, "we refuse", o["errors"]))
        elif o["valid"] and not s["valid"]:
            rs = reasons(s["errors"], SEED_REFUSES)
            seed_refuses.update(rs)
            if len(rs) == 1:
                seed_refuses_only[rs[0]] += 1
            if not rs:
                unexplained.append((i, "seed refuses", s["errors"]))
        elif o["valid"] and s["valid"]:
            warn.update(reasons(o["warnings"], WE_WARN))

    n = len(seed)
    print(f"{n} payloads; seed (TZ=UTC): {sum(v for (sv, _), v in both.items() if sv)} valid; "
          f"cxsched: {sum(v for (_, ov), v in both.items() if ov)} valid")
    print(f"agree: {both[(True, True)]} valid, {both[(False, False)]} invalid; "
          f"differ: {both[(True, False)]} seed-valid but invalid for cxsched, "
          f"{both[(False, True)]} seed-invalid but valid for cxsched\n")

    def table(title, counts, only, spec):
        print(f"| {title} | lines | only | why |")
        print("|---|---:|---:|---|")
        for key, _, why in spec:
            if counts[key]:
                print(f"| {key} | {counts[key]} | {only[key]} | {why} |")
        print()

    table(f"seed valid, cxsched invalid ({both[(True, False)]})", we_refuse, we_refuse_only, WE_REFUSE)
    table(f"seed invalid, cxsched valid ({both[(False, True)]})", seed_refuses, seed_refuses_only, SEED_REFUSES)
    table("both valid, cxsched warns", warn, Counter(), WE_WARN)
    if unexplained:
        print(f"{len(unexplained)} differences fit no category, for example:")
        for i, side, errors in unexplained[:10]:
            print(f"  line {i + 1} ({side}): {errors}")
        sys.exit(1)


if __name__ == "__main__":
    main()
