"""iCalendar oracle: expands a calendar written by `cxsched calendar` with the `icalendar`
and `recurring_ical_events` packages and prints every occurrence in UTC.

usage: ical_oracle.py FILE.ics --from YYYY-MM-DD --to YYYY-MM-DD [--use-vtimezone]

Prints one JSON array, sorted: [{"campaignId", "window", "uid", "date", "startUtc",
"endUtc"}] where "date" is the start's local date in the event's zone.
Occurrences starting in [from - 2 days, to + 2 days) are listed (the calendar itself is
bounded to its span).

Time zones: `icalendar` resolves a TZID that names an IANA zone through zoneinfo (run with
PYTHONTZPATH= so the pinned `tzdata` package is used, not the host's database). With
--use-vtimezone every TZID is renamed to one zoneinfo does not know, so the calendar's own
VTIMEZONE definitions are used instead: that checks the VTIMEZONE cxsched wrote.
"""

import argparse
import json
import re
import sys
from datetime import date, datetime, timedelta, timezone

import icalendar
import recurring_ical_events


def utc(dt: datetime) -> str:
    if not isinstance(dt, datetime) or dt.tzinfo is None:
        sys.exit(f"ical_oracle.py: expected a zoned date-time, found {dt!r}")
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("ics")
    ap.add_argument("--from", dest="start", required=True)
    ap.add_argument("--to", dest="end", required=True)
    ap.add_argument("--use-vtimezone", action="store_true")
    args = ap.parse_args()

    with open(args.ics, "rb") as f:
        raw = f.read()
    if b"\n" in raw.replace(b"\r\n", b""):
        sys.exit("ical_oracle.py: found a bare LF; RFC 5545 lines end in CRLF")
    for n, line in enumerate(raw.split(b"\r\n"), 1):
        if len(line) > 75:
            sys.exit(f"ical_oracle.py: line {n} has {len(line)} octets; RFC 5545 allows 75")
    text = raw.decode("utf-8")
    if args.use_vtimezone:
        # Rename every TZID (in TZID:… and ;TZID=…) to a name zoneinfo does not know.
        text = re.sub(r"(TZID[:=])([^:;\r\n]+)", lambda m: m.group(1) + "CXSCHED-" + m.group(2).replace("/", "-"), text)

    cal = icalendar.Calendar.from_ical(text)
    start = date.fromisoformat(args.start) - timedelta(days=2)
    end = date.fromisoformat(args.end) + timedelta(days=2)
    out = []
    for ev in recurring_ical_events.of(cal).between(start, end):
        s, e = ev.start, ev.end
        if args.use_vtimezone:
            for dt in (s, e):
                name = str(getattr(dt.tzinfo, "key", "") or dt.tzinfo)
                if dt.tzinfo is not timezone.utc and "CXSCHED" not in name and dt.utcoffset() != timedelta(0):
                    sys.exit(f"ical_oracle.py: expected the calendar's own VTIMEZONE, got {name}")
        out.append(
            {
                "campaignId": str(ev.get("X-CXSCHED-CAMPAIGN-ID")),
                "window": int(str(ev.get("X-CXSCHED-WINDOW"))),
                "uid": str(ev.get("UID")),
                "date": s.date().isoformat(),
                "startUtc": utc(s),
                "endUtc": utc(e),
            }
        )
    out.sort(key=lambda o: (o["campaignId"], o["startUtc"], o["window"]))
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
