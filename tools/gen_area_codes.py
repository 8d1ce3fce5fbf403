#!/usr/bin/env python3
"""Generates crates/compliance/data/area_codes.tsv from the `phonenumbers` package's data.

For every NANP area code (NPA) that libphonenumber assigns to the United States or one of
its territories, every exchange (NXX 200..999) is asked for:
  - its time zones (`phonenumbers.timezone.time_zones_for_number`), unioned over the
    exchanges, so an area code that spans zones lists every zone it may be in;
  - its place (`phonenumbers.geocoder.description_for_number`), reduced to a USPS code.
Area codes with no geography (toll-free 8XX, 500, 900, ...) are listed with state and zones
`-` so that a number in them is reported as "cannot be located" instead of "unknown area
code". Exchanges for which libphonenumber has no zone data answer with every zone of country
code 1; that answer means "unknown" and is left out of the union.

Usage: tools/gen_area_codes.py > crates/compliance/data/area_codes.tsv
The data is libphonenumber's (Apache-2.0) as carried by the phonenumbers package.
"""

import collections
import sys

import phonenumbers
from phonenumbers import geocoder, timezone
from phonenumbers.tzdata import TIMEZONE_DATA

# What libphonenumber answers for a NANP number it has no zone data for: every zone of
# country code 1. That is "unknown", not "may be anywhere", and is left out.
NANP_FALLBACK = frozenset(TIMEZONE_DATA["1"])

# Zones libphonenumber does not list for an area code but which the project's research notes
# (calling-hours.md) name as possible: the Navajo Nation, in Arizona's area codes, keeps DST
# (America/Denver); 931 reaches both Central and Eastern Tennessee.
SUPPLEMENT = {
    480: ["America/Denver"], 520: ["America/Denver"], 602: ["America/Denver"],
    928: ["America/Denver"], 931: ["America/Chicago", "America/New_York"],
}

REGIONS = {"US": None, "PR": "PR", "VI": "VI", "GU": "GU", "AS": "AS", "MP": "MP"}

STATES = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
    "Colorado": "CO", "Connecticut": "CT", "Delaware": "DE", "District of Columbia": "DC",
    "Washington D.C.": "DC", "Washington DC": "DC", "Florida": "FL", "Georgia": "GA",
    "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL", "Indiana": "IN", "Iowa": "IA",
    "Kansas": "KS", "Kentucky": "KY", "Louisiana": "LA", "Maine": "ME", "Maryland": "MD",
    "Massachusetts": "MA", "Michigan": "MI", "Minnesota": "MN", "Mississippi": "MS",
    "Missouri": "MO", "Montana": "MT", "Nebraska": "NE", "Nevada": "NV",
    "New Hampshire": "NH", "New Jersey": "NJ", "New Mexico": "NM", "New York": "NY",
    "North Carolina": "NC", "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK",
    "Oregon": "OR", "Pennsylvania": "PA", "Rhode Island": "RI", "South Carolina": "SC",
    "South Dakota": "SD", "Tennessee": "TN", "Texas": "TX", "Utah": "UT", "Vermont": "VT",
    "Virginia": "VA", "Washington": "WA", "West Virginia": "WV", "Wisconsin": "WI",
    "Washington State": "WA", "Wyoming": "WY", "Puerto Rico": "PR", "Guam": "GU", "American Samoa": "AS",
    "Northern Mariana Islands": "MP", "U.S. Virgin Islands": "VI",
    "US Virgin Islands": "VI",
}
CODES = set(STATES.values())


def state_of(description):
    """The USPS code in a geocoder description ("Miami, FL", "Florida"), or None."""
    if not description:
        return None
    if description in STATES:
        return STATES[description]
    tail = description.rsplit(",", 1)[-1].strip()
    if tail in CODES:
        return tail
    return STATES.get(tail)


def main():
    rows = []
    for npa in range(200, 1000):
        zones = set()
        states = collections.Counter()
        region = None
        valid = 0
        for nxx in range(200, 1000):
            number = phonenumbers.parse("+1%03d%03d1234" % (npa, nxx))
            if not phonenumbers.is_valid_number(number):
                continue
            r = phonenumbers.region_code_for_number(number)
            if r not in REGIONS:
                continue
            region = r
            valid += 1
            found = timezone.time_zones_for_number(number)
            if frozenset(found) != NANP_FALLBACK:
                zones.update(z for z in found if z != timezone.UNKNOWN_TIMEZONE)
            s = state_of(geocoder.description_for_number(number, "en"))
            if s is None and REGIONS[r] is not None:
                s = REGIONS[r]
            if s is not None:
                states[s] += 1
        if valid == 0:
            continue
        zones.update(SUPPLEMENT.get(npa, []))
        if states:
            state, _ = states.most_common(1)[0]
            others = sorted(s for s in states if s != state)
        else:
            state, others = "-", []
        rows.append((npa, state, sorted(zones), others))
    out = sys.stdout
    out.write(
        "# US (and US territory) area codes: NPA, USPS state code ('-' = no geography), every\n"
        "# IANA zone the area code may be in (comma-separated; '-' = none known), other states\n"
        "# seen among its exchanges (comma-separated, usually empty).\n"
        "# Source: libphonenumber data (Apache-2.0, https://github.com/google/libphonenumber),\n"
        "# resources/timezones/map_data.txt and the geocoding data, as carried by the Python\n"
        "# package phonenumbers %s; generated by tools/gen_area_codes.py from every exchange\n"
        "# (NXX 200..999) of each area code, plus the zones its SUPPLEMENT adds from the research\n"
        "# notes (Navajo Nation DST in 480/520/602/928; 931). Area code -> place is a\n"
        "# presumption, not a fact.\n"
        % phonenumbers.__version__
    )
    out.write("npa\tstate\tzones\tother_states\n")
    for npa, state, zones, others in rows:
        out.write("%d\t%s\t%s\t%s\n" % (npa, state, ",".join(zones) or "-", ",".join(others)))


if __name__ == "__main__":
    main()
