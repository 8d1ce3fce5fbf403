#!/usr/bin/env python3
"""Oracle for crates/core/data/windows-zones.tsv (CLDR's Windows <-> IANA zone table).

The table is generated from the Unicode Consortium's CLDR-JSON (npm package cldr-core, see
tools/gen_windows_zones.py). Two independent copies of the same CLDR table, from PyPI, are
compared with it:
  - babel's `windows_zone_mapping` (Windows name -> the territory-001 zone): every Windows
    name must be ours, with the same primary zone, and ours must all be babel's;
  - tzlocal's `tzlocal.windows_tz` (`win_tz`: Windows name -> primary zone, and `tz_win`:
    every IANA zone of every territory -> Windows name): the same for `win_tz`, and every IANA
    zone of our table must be in `tz_win` under our Windows name. tzlocal also lists tz
    links (`US/Eastern`); their Windows names are not compared (the table holds CLDR's
    spellings only), but every zone tzlocal lists must, once resolved with the tz links of
    the tzdata package, be a zone of our table (so that no CLDR row went missing).
Zones are compared as both sides spell them (CLDR's spelling, e.g. Asia/Calcutta).

tzlocal 5.4.5 is ahead of CLDR 48 for Canada: Microsoft added Windows zones in 2026 for the
provinces that moved to permanent daylight time (tz 2026b-2026d), which CLDR does not have yet.
Those differences are listed in AHEAD_OF_CLDR; each must still be seen, so the list cannot go
stale unnoticed, and any other difference is a disagreement.

Usage: windows_zones_oracle.py TABLE.tsv   (prints a summary; exit 1 with every disagreement)
"""

import sys
from importlib import resources
from importlib.metadata import version

import babel
import tzlocal.windows_tz
from babel.core import get_global

# Windows names tzlocal has and CLDR 48 does not, with the zones it moves under them.
AHEAD_OF_CLDR = {
    "Alberta Standard Time": {"America/Edmonton", "America/Inuvik"},
    "British Columbia Standard Time": {"America/Vancouver"},
    "Manitoba Standard Time": {"America/Winnipeg"},
}


def read_table(path):
    """(primary zone by Windows name, Windows name by zone, row count) of our table."""
    primary, windows_of, rows = {}, {}, 0
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#") or line.startswith("windows\t"):
            continue
        windows, territory, zones = line.split("\t")
        rows += 1
        zones = zones.split(",")
        if territory == "001":
            if len(zones) != 1 or windows in primary:
                sys.exit("%s: a territory-001 row must name one zone, once: %r" % (path, line))
            primary[windows] = zones[0]
        for zone in zones:
            if windows_of.setdefault(zone, windows) != windows:
                sys.exit("%s: %s is under two Windows names" % (path, zone))
    return primary, windows_of, rows


def tz_links():
    """Link name -> target, from the tzdata package's tzdata.zi."""
    text = resources.files("tzdata").joinpath("zoneinfo/tzdata.zi").read_text(encoding="utf-8")
    return {f[2]: f[1] for f in (l.split() for l in text.splitlines()) if f and f[0] == "L"}


def main():
    primary, windows_of, rows = read_table(sys.argv[1])
    problems, known, compared = [], [], 0
    moved = {z: w for w, zones in AHEAD_OF_CLDR.items() for z in zones}

    babel_map = get_global("windows_zone_mapping")
    for windows in sorted(set(primary) | set(babel_map)):
        compared += 1
        ours, theirs = primary.get(windows), babel_map.get(windows)
        if ours != theirs:
            problems.append("babel: %s: primary zone ours %s, babel %s" % (windows, ours, theirs))

    for windows in sorted(set(primary) | set(tzlocal.windows_tz.win_tz)):
        compared += 1
        ours, theirs = primary.get(windows), tzlocal.windows_tz.win_tz.get(windows)
        if ours == theirs:
            continue
        if ours is None and windows in AHEAD_OF_CLDR:
            known.append("tzlocal has %s (%s)" % (windows, theirs))
        else:
            problems.append("tzlocal: %s: primary zone ours %s, tzlocal %s" % (windows, ours, theirs))

    for zone in sorted(windows_of):
        compared += 1
        ours, theirs = windows_of[zone], tzlocal.windows_tz.tz_win.get(zone)
        if ours == theirs:
            continue
        if moved.get(zone) == theirs:
            known.append("tzlocal moves %s from %s to %s" % (zone, ours, theirs))
        else:
            problems.append("tzlocal: %s: ours %s, tzlocal %s" % (zone, ours, theirs))

    links = tz_links()
    ours_resolved = {links.get(z, z) for z in windows_of}
    for zone in sorted(set(tzlocal.windows_tz.tz_win) - set(windows_of)):
        if not zone:
            continue  # tzlocal's table has an entry with an empty name; it names no zone
        compared += 1
        if links.get(zone, zone) not in ours_resolved:
            problems.append("tzlocal: %s (%s) is not in our table, even as a link"
                            % (zone, tzlocal.windows_tz.tz_win[zone]))

    expected = len(AHEAD_OF_CLDR) + len(moved)
    if len(known) != expected:
        problems.append(
            "AHEAD_OF_CLDR is stale: %d of its %d differences seen (%s)"
            % (len(known), expected, "; ".join(known))
        )
    for p in problems:
        print("DISAGREE " + p)
    print(
        "windows_zones oracle: %d rows, %d Windows names, %d zones; %d entries compared with "
        "babel %s (CLDR %s) and tzlocal %s; %d known differences (tzlocal ahead of CLDR: %s), "
        "%d disagreements"
        % (
            rows, len(primary), len(windows_of), compared, babel.__version__,
            get_global("cldr")["version"], version("tzlocal"), len(known), "; ".join(known),
            len(problems),
        )
    )
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
