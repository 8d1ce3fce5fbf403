#!/usr/bin/env python3
"""A naive `cxsched when --phone-numbers FILE --jsonl`, written for bench/when_vs_naive.sh:
for each number, for every minute of the horizon, the minute is legal when it is legal in
every candidate zone of the number's area code under every telemarketing rule that applies
there (the federal rule and the state's), each rule's hours of the local weekday read from
crates/compliance/data/rules/us.toml with tomllib; local times from Python's zoneinfo.
Nothing is cached between numbers or minutes.

Holidays are ignored (a rule's holiday calendar is not read): compare dates without them.

    python3 bench/when_naive.py NUMBERS FROM DAYS [LIMIT]   > answers.jsonl

One JSON line per number: recipient, zones (the primary first, ranked as cxsched ranks
them: most of the state's area codes first, then by name), states, and per civil date of the
primary zone its legal intervals (startUtc, endUtc) and closedBecause (the rules prohibiting
that weekday in some candidate zone).
"""
import datetime as dt
import json
import os
import sys
import tomllib
from zoneinfo import ZoneInfo

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = os.path.join(ROOT, "crates", "compliance", "data")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
UTC = dt.timezone.utc


def minutes(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def span(text):
    a, b = text.split("-")
    return minutes(a), minutes(b)


def load_rules():
    with open(os.path.join(DATA, "rules", "us.toml"), "rb") as f:
        pack = tomllib.load(f)
    rules = []
    for r in pack["rules"]:
        if "telemarketing" not in r["purposes"]:
            continue
        week = []
        for day in WEEKDAYS:
            if day in r.get("prohibited_days", []):
                week.append(None)
            elif day in r.get("days", {}):
                week.append(span(r["days"][day]))
            else:
                week.append(span(r["hours"]))
        rules.append((r["id"], r.get("state"), week))
    return rules


def load_area_codes():
    codes, weights = {}, {}
    with open(os.path.join(DATA, "area_codes.tsv")) as f:
        for line in f:
            if line.startswith("#") or line.startswith("npa\t") or not line.strip():
                continue
            npa, state, zones = line.rstrip("\n").split("\t")[:3]
            if state == "-" or zones == "-":
                continue
            zones = zones.split(",")
            codes[int(npa)] = (state, zones)
            for z in zones:
                weights[(state, z)] = weights.get((state, z), 0) + 1
    return codes, weights


def main():
    path, start, days = sys.argv[1], dt.date.fromisoformat(sys.argv[2]), int(sys.argv[3])
    limit = int(sys.argv[4]) if len(sys.argv) > 4 else None
    rules = load_rules()
    codes, weights = load_area_codes()
    out = sys.stdout
    with open(path) as f:
        numbers = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    for number in numbers[:limit]:
        digits = "".join(c for c in number if c.isdigit())
        npa = int(digits[-10:-7])
        state, zones = codes[npa]
        zones = sorted(zones, key=lambda z: (-weights[(state, z)], z))
        candidates = [
            (ZoneInfo(z), [(rid, week) for rid, s, week in rules if s is None or s == state])
            for z in zones
        ]
        primary = candidates[0][0]
        answer = []
        for i in range(days):
            date = start + dt.timedelta(days=i)
            lo = int(dt.datetime.combine(date, dt.time(), primary).timestamp())
            hi = int(dt.datetime.combine(date + dt.timedelta(days=1), dt.time(), primary).timestamp())
            intervals, run = [], None
            for t in range(lo, hi, 60):
                legal = True
                for tz, rs in candidates:
                    local = dt.datetime.fromtimestamp(t, tz)
                    m = local.hour * 60 + local.minute
                    for _, week in rs:
                        hours = week[local.weekday()]
                        if hours is None or not hours[0] <= m < hours[1]:
                            legal = False
                            break
                    if not legal:
                        break
                if legal and run is None:
                    run = t
                elif not legal and run is not None:
                    intervals.append((run, t))
                    run = None
            if run is not None:
                intervals.append((run, hi))
            closed = sorted(
                {rid for _, rs in candidates for rid, week in rs if week[date.weekday()] is None}
            )
            answer.append(
                {
                    "date": date.isoformat(),
                    "intervals": [
                        {
                            "startUtc": dt.datetime.fromtimestamp(a, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                            "endUtc": dt.datetime.fromtimestamp(b, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        }
                        for a, b in intervals
                    ],
                    "closedBecause": closed,
                }
            )
        out.write(
            json.dumps({"recipient": number, "zones": zones, "states": [state], "days": answer})
            + "\n"
        )


main()
