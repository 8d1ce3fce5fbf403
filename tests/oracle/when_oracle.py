"""Independent computation of `cxsched when` intervals with Python's zoneinfo (tzdata pinned
in requirements.txt), for crates/compliance/tests/when_oracle.rs.

Reads JSON on stdin: {"cases": [{"from": "YYYY-MM-DD", "days": N, "targets": [{"zone": IANA,
"hours": [[open, close] | null] * 7 (Monday first, seconds after local midnight, the rules'
intersection per weekday, null = closed), "closed": ["YYYY-MM-DD", ...] (holiday dates)}]}]}
(the rule pack's reading is the Rust side's; this checks the calendar and DST arithmetic).
Writes {"cases": [[{"date", "intervals": [[startUnix, endUnix], ...]}, ...], ...]}.

Local times are resolved like the core: a time in a gap moves forward by the gap's length
(read with the offset before the gap, fold=0), one in a fold takes the earlier instant.
"""

import json
import sys
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

MARGIN = 2


def instant(tz, d, secs):
    if secs >= 86400:
        d, secs = d + timedelta(days=1), secs - 86400
    naive = datetime(d.year, d.month, d.day, secs // 3600, secs // 60 % 60, secs % 60)
    local = naive.replace(tzinfo=tz, fold=0)
    # fold=0 gives the earlier instant in a fold and, in a gap, the offset before the gap.
    return int(local.timestamp())


def legal_spans(target, first, last):
    tz = ZoneInfo(target["zone"])
    closed = set(target["closed"])
    out = []
    d = first - timedelta(days=MARGIN)
    while d <= last + timedelta(days=MARGIN):
        hours = target["hours"][d.weekday()]
        if hours is not None and d.isoformat() not in closed and hours[0] < hours[1]:
            out.append((instant(tz, d, hours[0]), instant(tz, d, hours[1])))
        d += timedelta(days=1)
    return out


def intersect(a, b):
    out = []
    for s1, e1 in a:
        for s2, e2 in b:
            s, e = max(s1, s2), min(e1, e2)
            if s < e:
                out.append((s, e))
    return sorted(out)


def main():
    req = json.load(sys.stdin)
    answers = []
    for case in req["cases"]:
        first = date.fromisoformat(case["from"])
        last = first + timedelta(days=case["days"] - 1)
        legal = None
        for t in case["targets"]:
            spans = legal_spans(t, first, last)
            legal = spans if legal is None else intersect(legal, spans)
        merged = []
        for s, e in legal or []:
            if merged and merged[-1][1] >= s:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        tz = ZoneInfo(case["targets"][0]["zone"])
        days = []
        d = first
        while d <= last:
            d0, d1 = instant(tz, d, 0), instant(tz, d, 86400)
            iv = [[max(s, d0), min(e, d1)] for s, e in merged if s < d1 and e > d0]
            days.append({"date": d.isoformat(), "intervals": iv})
            d += timedelta(days=1)
        answers.append(days)
    json.dump({"cases": answers}, sys.stdout)


if __name__ == "__main__":
    main()
