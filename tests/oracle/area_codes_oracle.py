#!/usr/bin/env python3
"""Oracle for crates/compliance/data/area_codes.tsv, using the `phonenumbers` package.

For every US (and US territory) area code libphonenumber knows, every 4th exchange NXX and
one number under every zone-data prefix libphonenumber stores for it: the zones `phonenumbers.timezone.time_zones_for_number` gives must all be in
our row's zones (ours may be a superset), and the state its geocoder names must be our row's
state (or one of the row's other states). Area codes libphonenumber places in the US that
our table lacks are reported too. An answer listing every zone of country code 1 means "no
data" and is skipped, as the generator does.

Usage: area_codes_oracle.py TABLE.tsv   (prints a summary; exit 1 with every disagreement)
"""

import sys

import phonenumbers
from phonenumbers import geocoder, timezone
from phonenumbers.tzdata import TIMEZONE_DATA

US_REGIONS = {"US", "PR", "VI", "GU", "AS", "MP"}
NANP_FALLBACK = frozenset(TIMEZONE_DATA["1"])
NAMES = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
    "Colorado": "CO", "Connecticut": "CT", "Delaware": "DE", "District of Columbia": "DC",
    "Washington D.C.": "DC", "Florida": "FL", "Georgia": "GA", "Hawaii": "HI", "Idaho": "ID",
    "Illinois": "IL", "Indiana": "IN", "Iowa": "IA", "Kansas": "KS", "Kentucky": "KY",
    "Louisiana": "LA", "Maine": "ME", "Maryland": "MD", "Massachusetts": "MA",
    "Michigan": "MI", "Minnesota": "MN", "Mississippi": "MS", "Missouri": "MO",
    "Montana": "MT", "Nebraska": "NE", "Nevada": "NV", "New Hampshire": "NH",
    "New Jersey": "NJ", "New Mexico": "NM", "New York": "NY", "North Carolina": "NC",
    "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK", "Oregon": "OR",
    "Pennsylvania": "PA", "Rhode Island": "RI", "South Carolina": "SC", "South Dakota": "SD",
    "Tennessee": "TN", "Texas": "TX", "Utah": "UT", "Vermont": "VT", "Virginia": "VA",
    "Washington": "WA", "Washington State": "WA", "West Virginia": "WV", "Wisconsin": "WI",
    "Wyoming": "WY", "Puerto Rico": "PR", "Guam": "GU", "American Samoa": "AS",
    "Northern Mariana Islands": "MP", "U.S. Virgin Islands": "VI",
}


def state_of(description, region):
    if description in NAMES:
        return NAMES[description]
    tail = description.rsplit(",", 1)[-1].strip()
    if len(tail) == 2 and tail.isupper():
        return tail
    if tail in NAMES:
        return NAMES[tail]
    return region if region != "US" else None


ZONE_PREFIXES = {}
for _key in TIMEZONE_DATA:
    if _key.startswith("1") and len(_key) >= 4:
        ZONE_PREFIXES.setdefault(int(_key[1:4]), []).append(_key)


def main():
    table = {}
    for line in open(sys.argv[1], encoding="utf-8"):
        if line.startswith("#") or line.startswith("npa\t") or not line.strip():
            continue
        npa, state, zones, others = (line.rstrip("\n").split("\t") + [""])[:4]
        table[int(npa)] = (
            state,
            set() if zones == "-" else set(zones.split(",")),
            set(o for o in others.split(",") if o),
        )
    problems = []
    checked = 0
    for npa in range(200, 1000):
        row = table.get(npa)
        # The area code's region, from its first valid exchange (sampled).
        region = None
        for nxx in list(range(200, 1000, 9)) + list(range(201, 1000, 2)):
            number = phonenumbers.parse("+1%03d%03d1234" % (npa, nxx))
            if phonenumbers.is_valid_number(number):
                region = phonenumbers.region_code_for_number(number)
                break
        if region not in US_REGIONS:
            continue
        if row is None:
            problems.append("area code %d: libphonenumber places it in %s; the table lacks it" % (npa, region))
            continue
        state, zones, others = row
        # Every 4th exchange, plus one number under every zone-data prefix of the area
        # code (so every distinct zone answer libphonenumber stores is asked for).
        nationals = ["%03d%03d1234" % (npa, nxx) for nxx in range(200, 1000, 4)]
        nationals += [(k[1:] + "2222222")[:10] for k in ZONE_PREFIXES.get(npa, ())]
        for national in nationals:
            nxx = national[3:6]
            number = phonenumbers.parse("+1" + national)
            checked += 1
            found = timezone.time_zones_for_geographical_number(number)
            if frozenset(found) != NANP_FALLBACK:
                missing = set(found) - zones - {timezone.UNKNOWN_TIMEZONE}
                if missing:
                    problems.append("%d-%s: phonenumbers gives %s, not in our zones %s" % (npa, nxx, sorted(missing), sorted(zones)))
            description = geocoder.description_for_valid_number(number, "en")
            if description:
                theirs = state_of(description, region)
                if theirs is None:
                    problems.append("%d-%s: cannot read a state from %r" % (npa, nxx, description))
                elif theirs != state and theirs not in others:
                    problems.append("%d-%s: geocoder says %s (%r), our table says %s" % (npa, nxx, theirs, description, state))
    print("phonenumbers %s: %d exchanges of %d area codes checked, %d disagreements"
          % (phonenumbers.__version__, checked, len(table), len(problems)))
    for p in problems[:200]:
        print(p)
    sys.exit(1 if problems or checked == 0 else 0)


if __name__ == "__main__":
    main()
