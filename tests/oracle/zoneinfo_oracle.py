"""Oracle for `cxsched expand`: recomputes every occurrence with Python's zoneinfo.

Reads one JSON object on stdin:
    {"from": "YYYY-MM-DD", "days": N, "tzdb": "2026f",
     "cases": [{"document": {schedule document}, "expand": {output of expand --output json}}]}
and writes one JSON report on stdout:
    {"cases", "occurrences", "void", "gap", "fold", "zones", "mismatches": [...]}
Exit status 0 when every occurrence agrees, 1 on any mismatch, 2 when the setup is wrong.

For each date of the range and each window on that date's weekday, the start and end are
`datetime(date, time, tzinfo=ZoneInfo(zone), fold=0).astimezone(timezone.utc)`: a wall time in
a gap is read with the offset before the gap (moved forward by the gap), one in a fold takes
the earlier instant. An occurrence whose start is not before its end after that is void and
must be absent from cxsched's output. Run with PYTHONTZPATH= (empty) so that zoneinfo reads
the pinned `tzdata` package, never the host's /usr/share/zoneinfo.
"""

import json
import sys
import zoneinfo
from datetime import date, datetime, time, timedelta, timezone

DAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]


def fail_setup(message):
    print(json.dumps({"setup_error": message}))
    sys.exit(2)


def utc_text(dt):
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_hms(text):
    h, m, s = (int(p) for p in text.split(":"))
    return time(h, m, s)


def wall_kind(zone, day, t):
    """'gap' when the wall time does not exist, 'fold' when it exists twice, else None."""
    naive = datetime.combine(day, t)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    # A gap: the wall time read either way does not come back from UTC unchanged.
    back = first.astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None)
    return "fold" if back == naive else "gap"


def expected_occurrences(document, start_date, days):
    zone = zoneinfo.ZoneInfo(document["timezone"])
    out = {}
    void = 0
    for n in range(days):
        day = start_date + timedelta(days=n)
        weekday = DAYS[day.weekday()]
        for index, window in enumerate(document["timeWindows"]):
            if window["dayOfWeek"] != weekday:
                continue
            t0, t1 = parse_hms(window["startTime"]), parse_hms(window["endTime"])
            start = datetime.combine(day, t0, tzinfo=zone).replace(fold=0)
            end = datetime.combine(day, t1, tzinfo=zone).replace(fold=0)
            start_utc, end_utc = start.astimezone(timezone.utc), end.astimezone(timezone.utc)
            if start_utc >= end_utc:
                void += 1
                continue
            local_len = (datetime.combine(day, t1) - datetime.combine(day, t0)).total_seconds()
            real_len = (end_utc - start_utc).total_seconds()
            kinds = {wall_kind(zone, day, t0), wall_kind(zone, day, t1)} - {None}
            out[(day.isoformat(), index)] = {
                "dayOfWeek": weekday,
                "startUtc": utc_text(start_utc),
                "endUtc": utc_text(end_utc),
                "start": start_utc.astimezone(zone).isoformat(),
                "end": end_utc.astimezone(zone).isoformat(),
                "shift": real_len - local_len,
                "boundary_kinds": kinds,
            }
    return out, void


def main():
    if zoneinfo.TZPATH:
        fail_setup(f"zoneinfo.TZPATH is {zoneinfo.TZPATH}; run with PYTHONTZPATH= (empty)")
    try:
        import tzdata
    except ImportError:
        fail_setup("the tzdata package is missing; pip install -r tests/oracle/requirements.txt")
    request = json.load(sys.stdin)
    if tzdata.IANA_VERSION != request["tzdb"]:
        fail_setup(f"tzdata carries tz {tzdata.IANA_VERSION}, cxsched bundles {request['tzdb']}")
    start_date = date.fromisoformat(request["from"])
    days = request["days"]
    report = {"tzdata": tzdata.IANA_VERSION, "cases": 0, "occurrences": 0, "void": 0,
              "gap": 0, "fold": 0, "zones": {}, "mismatches": []}

    def mismatch(doc, key, what):
        report["mismatches"].append({"timezone": doc["timezone"], "date": key[0],
                                     "window": key[1], "problem": what})

    for case in request["cases"]:
        doc, got = case["document"], case["expand"]
        expected, void = expected_occurrences(doc, start_date, days)
        report["cases"] += 1
        report["void"] += void
        zone_stats = report["zones"].setdefault(doc["timezone"], {"occurrences": 0, "shifted": 0})
        actual = {}
        for occ in got["occurrences"]:
            key = (occ["date"], occ["window"])
            if key in actual:
                mismatch(doc, key, "listed twice")
            actual[key] = occ
        for key in sorted(set(expected) - set(actual)):
            mismatch(doc, key, f"missing from cxsched; zoneinfo gives {expected[key]['startUtc']}")
        for key in sorted(set(actual) - set(expected)):
            mismatch(doc, key, f"cxsched lists it ({actual[key]['startUtc']}..{actual[key]['endUtc']}) "
                               "but zoneinfo finds it void or off its weekday")
        for key in sorted(set(expected) & set(actual)):
            want, occ = expected[key], actual[key]
            report["occurrences"] += 1
            zone_stats["occurrences"] += 1
            for field in ("dayOfWeek", "startUtc", "endUtc", "start", "end"):
                if occ[field] != want[field]:
                    mismatch(doc, key, f"{field}: cxsched {occ[field]}, zoneinfo {want[field]}")
            shift = want["shift"]
            if shift or want["boundary_kinds"]:
                zone_stats["shifted"] += 1
            if shift < 0:
                report["gap"] += 1
            elif shift > 0:
                report["fold"] += 1
            # An occurrence whose real length differs from its local length must be marked,
            # with the kind of transition that made the difference.
            if shift < 0 and occ["dst"] != "gap":
                mismatch(doc, key, f"{-shift:.0f}s shorter than written but dst is {occ['dst']}")
            if shift > 0 and occ["dst"] != "fold":
                mismatch(doc, key, f"{shift:.0f}s longer than written but dst is {occ['dst']}")
            for kind in want["boundary_kinds"]:
                if occ["dst"] is None:
                    mismatch(doc, key, f"a boundary falls in a {kind} but dst is null")
    report["mismatch_count"] = len(report["mismatches"])
    report["mismatches"] = report["mismatches"][:25]
    print(json.dumps(report, indent=1))
    sys.exit(1 if report["mismatch_count"] else 0)


if __name__ == "__main__":
    main()
