#!/usr/bin/env python3
"""Oracle for `cxsched when --output json` (crates/cli/tests/when_cli_oracle.rs).

Independent of the Rust side: the candidate zones of each number's area code come from
libphonenumber's zone data (`phonenumbers.tzdata`, every prefix of the area code), the
local times and offsets from Python's `zoneinfo` with the pinned `tzdata` package (never
the host's zone files), and the calling hours from the rules the test writes out by hand
(federal and state hours per weekday, prohibited weekdays). Holidays are not modelled: the
test picks date ranges without any.

Reads JSON on stdin:
  {"tzdb": "2026f", "cases": [{"number": "+1…", "from": "YYYY-MM-DD", "days": N,
    "rules": [{"id", "hours": "HH:MM-HH:MM", "days": {"sunday": "HH:MM-HH:MM"},
               "prohibited": ["sunday"]}],
    "answer": <the cxsched JSON object for that number>}]}
For each case: the answer's zones must be the area code's zones (any order; the first is the
primary zone, whose civil dates the days are); on every date, in every candidate zone, the
intersection of the rules' hours is turned into instants (a time in a gap moves forward by
the gap, one in a fold takes the earlier instant: zoneinfo's fold=0), intersected over the
zones, cut at the primary zone's midnights, and printed as cxsched prints them (`start`/`end`
RFC 3339 with the primary zone's offset, `startUtc`/`endUtc` with `Z`); `closedBecause` must
name the rules that prohibit the weekday.

Prints a JSON summary; exit 1 with every disagreement, 2 when the setup is wrong.
"""

import json
import sys
from datetime import date, datetime, timedelta, timezone

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MARGIN = 2


def fail_setup(message):
    print(message, file=sys.stderr)
    sys.exit(2)


def seconds(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 3600 + int(m) * 60


def span(text):
    a, b = text.split("-")
    return seconds(a), seconds(b)


def day_hours(rules, weekday):
    """The rules' common [open, close) on a weekday, or the ids closing it."""
    name = WEEKDAYS[weekday]
    closed = [r["id"] for r in rules if name in r.get("prohibited", [])]
    if closed:
        return None, closed
    opens, closes = [], []
    for r in rules:
        text = r.get("days", {}).get(name, r.get("hours"))
        if text is None:
            continue
        o, c = span(text)
        opens.append(o)
        closes.append(c)
    return (max(opens), min(closes)), []


def instant(tz, d, secs):
    if secs >= 86400:
        d, secs = d + timedelta(days=secs // 86400), secs % 86400
    naive = datetime(d.year, d.month, d.day, secs // 3600, secs // 60 % 60, secs % 60)
    return int(naive.replace(tzinfo=tz, fold=0).timestamp())


def local_text(tz, t):
    return datetime.fromtimestamp(t, tz).isoformat()


def utc_text(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def area_code_zones(number):
    from phonenumbers.tzdata import TIMEZONE_DATA

    digits = "".join(c for c in number if c.isdigit())
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    npa = digits[:3]
    fallback = frozenset(TIMEZONE_DATA["1"])
    zones = set()
    for key, value in TIMEZONE_DATA.items():
        if key.startswith("1" + npa) and frozenset(value) != fallback:
            zones |= set(value)
    return zones


def expected_days(case, zones, primary):
    from zoneinfo import ZoneInfo

    first = date.fromisoformat(case["from"])
    last = first + timedelta(days=case["days"] - 1)
    legal = None
    for z in zones:
        tz = ZoneInfo(z)
        spans = []
        d = first - timedelta(days=MARGIN)
        while d <= last + timedelta(days=MARGIN):
            hours, _ = day_hours(case["rules"], d.weekday())
            if hours and hours[0] < hours[1]:
                spans.append((instant(tz, d, hours[0]), instant(tz, d, hours[1])))
            d += timedelta(days=1)
        if legal is None:
            legal = spans
        else:
            legal = sorted(
                (max(a, c), min(b, e))
                for a, b in legal
                for c, e in spans
                if max(a, c) < min(b, e)
            )
    merged = []
    for s, e in legal:
        if merged and merged[-1][1] >= s:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    ptz = ZoneInfo(primary)
    days = []
    d = first
    while d <= last:
        d0, d1 = instant(ptz, d, 0), instant(ptz, d, 86400)
        intervals = [
            {
                "start": local_text(ptz, max(s, d0)),
                "end": local_text(ptz, min(e, d1)),
                "startUtc": utc_text(max(s, d0)),
                "endUtc": utc_text(min(e, d1)),
            }
            for s, e in merged
            if s < d1 and e > d0
        ]
        _, closed = day_hours(case["rules"], d.weekday())
        days.append({"date": d.isoformat(), "intervals": intervals, "closedBecause": closed})
        d += timedelta(days=1)
    return days


def main():
    request = json.load(sys.stdin)
    try:
        import tzdata
    except ImportError:
        fail_setup("the tzdata package is missing; pip install -r tests/oracle/requirements.txt")
    try:
        import phonenumbers  # noqa: F401
    except ImportError:
        fail_setup("the phonenumbers package is missing; pip install -r tests/oracle/requirements.txt")
    if tzdata.IANA_VERSION != request["tzdb"]:
        fail_setup(f"tzdata carries tz {tzdata.IANA_VERSION}, cxsched bundles {request['tzdb']}")

    problems = []
    report = {"tzdata": tzdata.IANA_VERSION, "cases": 0, "days": 0, "intervals": 0,
              "multiZone": 0, "offsetChanges": 0, "closedDays": 0}
    for case in request["cases"]:
        report["cases"] += 1
        answer = case["answer"]
        who = f"{case['number']} from {case['from']}"
        zones = area_code_zones(case["number"])
        if not zones or set(answer["zones"]) != zones or len(answer["zones"]) != len(zones):
            problems.append(f"{who}: zones {answer['zones']}, libphonenumber {sorted(zones)}")
            continue
        if len(zones) > 1:
            report["multiZone"] += 1
        primary = answer["zones"][0]
        want = expected_days(case, sorted(zones), primary)
        got = answer["days"]
        if len(got) != len(want):
            problems.append(f"{who}: {len(got)} days, expected {len(want)}")
            continue
        offsets = set()
        for g, w in zip(got, want):
            report["days"] += 1
            report["intervals"] += len(w["intervals"])
            report["closedDays"] += int(bool(w["closedBecause"]))
            for i in w["intervals"]:
                offsets.add(i["start"][-6:])
            if g != w:
                problems.append(f"{who}: {g['date']}: cxsched {json.dumps(g)}\n  zoneinfo {json.dumps(w)}")
        report["offsetChanges"] += len(offsets) - 1 if offsets else 0
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
