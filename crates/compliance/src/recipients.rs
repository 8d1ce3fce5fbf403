//! Recipients: where the called people are, as zones and states to check against.
//!
//! CONTRACT §3: recipients are given as IANA zones, USPS state codes and/or a file of phone
//! numbers (E.164 `+1NPANXXXXXX` or NANP 10-digit). A number is resolved by its area code,
//! through the embedded area-code table (`data/area_codes.tsv`, generated from
//! libphonenumber's data by `tools/gen_area_codes.py`), to a state and to *every* zone the
//! area code may be in; a state implies every zone the table places its area codes in (TX →
//! America/Chicago and America/Denver). A zone given alone implies no state (only federal
//! rules apply to it). With nothing given, the campaign's own zone is assumed. Every such
//! step is a presumption, and each [`Target`] says which one it rests on.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use cxsched_core::Zone;
use cxsched_core::zone;

/// The embedded area-code table.
pub const AREA_CODES_TSV: &str = include_str!("../data/area_codes.tsv");

/// One area code: its state (`None` for non-geographic codes such as 800) and zones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AreaCode {
    pub npa: u16,
    pub state: Option<String>,
    pub zones: Vec<String>,
}

/// The area-code table: area code → state and candidate zones.
#[derive(Clone, Debug)]
pub struct AreaCodeTable {
    by_npa: HashMap<u16, AreaCode>,
    /// The header's source lines (data origin and version).
    pub source: String,
}

impl AreaCodeTable {
    /// The table embedded in the binary, parsed once.
    ///
    /// # Panics
    /// Never in a released build: the embedded table is checked by this crate's tests.
    pub fn embedded() -> &'static AreaCodeTable {
        static TABLE: OnceLock<AreaCodeTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            AreaCodeTable::parse(AREA_CODES_TSV).expect("embedded area-code table is valid")
        })
    }

    /// Parses a table: `#` header lines, a column line, then `npa<TAB>state<TAB>zones<TAB>other`.
    ///
    /// # Errors
    /// A message naming the line that is malformed or names an unknown zone.
    pub fn parse(text: &str) -> Result<AreaCodeTable, String> {
        let mut by_npa = HashMap::new();
        let mut source = String::new();
        for (i, line) in text.lines().enumerate() {
            let at = i + 1;
            if let Some(comment) = line.strip_prefix('#') {
                source.push_str(comment.trim());
                source.push(' ');
                continue;
            }
            if line.is_empty() || line.starts_with("npa\t") {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 3 {
                return Err(format!(
                    "area-code table line {at}: expected npa, state, zones"
                ));
            }
            let npa: u16 = cols[0]
                .parse()
                .map_err(|_| format!("area-code table line {at}: bad area code {:?}", cols[0]))?;
            let state = (cols[1] != "-").then(|| cols[1].to_owned());
            let zones: Vec<String> = if cols[2] == "-" {
                Vec::new()
            } else {
                cols[2].split(',').map(str::to_owned).collect()
            };
            for z in &zones {
                if zone::database().get(z).is_err() {
                    return Err(format!("area-code table line {at}: unknown zone {z:?}"));
                }
            }
            by_npa.insert(npa, AreaCode { npa, state, zones });
        }
        Ok(AreaCodeTable {
            by_npa,
            source: source.trim().to_owned(),
        })
    }

    pub fn get(&self, npa: u16) -> Option<&AreaCode> {
        self.by_npa.get(&npa)
    }

    /// Every area code, in numeric order.
    pub fn iter(&self) -> impl Iterator<Item = &AreaCode> {
        let mut v: Vec<&AreaCode> = self.by_npa.values().collect();
        v.sort_by_key(|a| a.npa);
        v.into_iter()
    }

    /// Every zone the state's area codes may be in, sorted; empty for an unknown state.
    pub fn zones_of_state(&self, state: &str) -> Vec<String> {
        let set: BTreeSet<&String> = self
            .by_npa
            .values()
            .filter(|a| a.state.as_deref() == Some(state))
            .flat_map(|a| a.zones.iter())
            .collect();
        set.into_iter().cloned().collect()
    }

    /// Every state (and territory) code in the table, sorted.
    pub fn states(&self) -> Vec<String> {
        let set: BTreeSet<&String> = self
            .by_npa
            .values()
            .filter_map(|a| a.state.as_ref())
            .collect();
        set.into_iter().cloned().collect()
    }

    /// Every zone the table can name, sorted.
    pub fn zones(&self) -> Vec<String> {
        let set: BTreeSet<&String> = self.by_npa.values().flat_map(|a| a.zones.iter()).collect();
        set.into_iter().cloned().collect()
    }
}

/// Reads one phone number and returns its area code.
///
/// Accepts E.164 (`+12125550123`) and NANP 10-digit (`2125550123`) numbers; spaces, dashes,
/// dots and parentheses between digits are ignored, as is a leading `1` before 10 digits.
///
/// # Errors
/// A message saying what was expected and what was found.
pub fn area_code_of(number: &str) -> Result<u16, String> {
    let trimmed = number.trim();
    let (plus, rest) = match trimmed.strip_prefix('+') {
        Some(r) => (true, r),
        None => (false, trimmed),
    };
    let mut digits = String::with_capacity(12);
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => {
                return Err(format!(
                    "expected a phone number as +1NPANXXXXXX or a 10-digit NANP number, found {trimmed:?} (unexpected {c:?})"
                ));
            }
        }
    }
    let national = match (plus, digits.len()) {
        (true, 11) if digits.starts_with('1') => &digits[1..],
        (true, _) => {
            return Err(format!(
                "expected an E.164 number in country code 1 (+1 and 10 digits), found {trimmed:?}"
            ));
        }
        (false, 10) => &digits[..],
        (false, 11) if digits.starts_with('1') => &digits[1..],
        (false, n) => {
            return Err(format!(
                "expected a 10-digit NANP number, found {n} digits in {trimmed:?}"
            ));
        }
    };
    let b = national.as_bytes();
    if !(b'2'..=b'9').contains(&b[0]) || !(b'2'..=b'9').contains(&b[3]) {
        return Err(format!(
            "expected a NANP number whose area code and exchange start with 2-9, found {trimmed:?}"
        ));
    }
    Ok(national[..3].parse().expect("three digits"))
}

/// One place the check decides legality for: a zone, and the state when known.
#[derive(Clone, Debug)]
pub struct Target {
    pub zone: Zone,
    pub state: Option<String>,
    /// What this target rests on ("zone given", "state TX", "area code 850 (2 numbers)",
    /// "campaign zone assumed"), joined when several inputs lead to it.
    pub basis: String,
}

/// What the check is told about recipients.
#[derive(Clone, Debug, Default)]
pub struct RecipientInput<'a> {
    pub zones: &'a [String],
    pub states: &'a [String],
    /// The phone-number file's name (for messages) and text.
    pub phone_numbers: Option<(&'a str, &'a str)>,
}

/// The resolved recipients and the presumptions made to get them.
#[derive(Clone, Debug)]
pub struct Resolution {
    pub targets: Vec<Target>,
    /// Sentences for the report: what was presumed and why.
    pub presumptions: Vec<String>,
}

/// Resolves recipients to targets. The area-code table is asked for only when states or
/// phone numbers are given (parsing the embedded one costs a visible share of a short run).
///
/// # Errors
/// Every problem found, each a full sentence naming the zone, state or `file:line`.
pub fn resolve<'t>(
    input: &RecipientInput<'_>,
    campaign_zone: &Zone,
    table: impl FnOnce() -> &'t AreaCodeTable,
) -> Result<Resolution, Vec<String>> {
    if input.zones.is_empty() && input.states.is_empty() && input.phone_numbers.is_none() {
        // The common case, answered without the bookkeeping below (same result).
        return Ok(campaign_zone_assumed(campaign_zone));
    }
    let table = table();
    let mut errors = Vec::new();
    let mut presumptions = Vec::new();
    // (canonical zone, state) → (zone, bases)
    type Found = BTreeMap<(String, Option<String>), (Zone, Vec<String>)>;
    let mut found: Found = BTreeMap::new();
    fn add(found: &mut Found, z: Zone, state: Option<String>, basis: String) {
        let e = found
            .entry((z.canonical.to_string(), state))
            .or_insert_with(|| (z, Vec::new()));
        if !e.1.contains(&basis) {
            e.1.push(basis);
        }
    }
    let lookup = |name: &str| -> Result<Zone, String> {
        zone::resolve(name).map(|r| r.zone).map_err(|e| e.message)
    };

    for z in input.zones {
        match lookup(z) {
            Ok(zone) => add(&mut found, zone, None, "zone given".into()),
            Err(m) => errors.push(format!("recipient zone {z:?}: {m}")),
        }
    }
    for s in input.states {
        let code = s.trim().to_ascii_uppercase();
        let zones = table.zones_of_state(&code);
        if zones.is_empty() {
            errors.push(format!(
                "recipient state {s:?}: expected a USPS code of a US state or territory such as \"TX\""
            ));
            continue;
        }
        if zones.len() > 1 {
            presumptions.push(format!(
                "state {code} may be in {}: each is checked (the zones of its area codes)",
                zones.join(", ")
            ));
        }
        for z in zones {
            match lookup(&z) {
                Ok(zone) => add(
                    &mut found,
                    zone,
                    Some(code.clone()),
                    format!("state {code}"),
                ),
                Err(m) => errors.push(format!("zone {z:?} of state {code}: {m}")),
            }
        }
    }
    if let Some((file, text)) = input.phone_numbers {
        let mut per_npa: BTreeMap<u16, usize> = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            let content = line.split('#').next().unwrap_or("").trim();
            if content.is_empty() {
                continue;
            }
            let at = format!("{file}:{}", i + 1);
            match area_code_of(content) {
                Err(m) => errors.push(format!("{at}: {m}")),
                Ok(npa) => match table.get(npa) {
                    None => errors.push(format!(
                        "{at}: area code {npa} of {content:?} is not a US area code in service; \
                         give the recipient's state or zone instead"
                    )),
                    Some(a) if a.state.is_none() || a.zones.is_empty() => errors.push(format!(
                        "{at}: area code {npa} of {content:?} is non-geographic (toll-free or \
                         special service), so it says nothing about where the person is; give \
                         the recipient's state or zone instead"
                    )),
                    Some(_) => *per_npa.entry(npa).or_default() += 1,
                },
            }
        }
        if per_npa.is_empty() && errors.is_empty() {
            errors.push(format!(
                "{file}: no phone numbers found (one number a line)"
            ));
        }
        for (npa, count) in per_npa {
            let a = table.get(npa).expect("checked above");
            let state = a.state.clone().expect("checked above");
            let basis = format!(
                "area code {npa} ({count} number{})",
                if count == 1 { "" } else { "s" }
            );
            presumptions.push(format!(
                "area code {npa} presumed to reach {state}, in {}{}",
                a.zones.join(" or "),
                if a.zones.len() > 1 {
                    " (each is checked)"
                } else {
                    ""
                }
            ));
            for z in &a.zones {
                match lookup(z) {
                    Ok(zone) => add(&mut found, zone, Some(state.clone()), basis.clone()),
                    Err(m) => errors.push(format!("zone {z:?} of area code {npa}: {m}")),
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if found.is_empty() {
        return Ok(campaign_zone_assumed(campaign_zone));
    }
    let targets = found
        .into_iter()
        .map(|((_, state), (zone, bases))| Target {
            zone,
            state,
            basis: bases.join("; "),
        })
        .collect();
    Ok(Resolution {
        targets,
        presumptions,
    })
}

/// With no recipients given: the campaign's own zone, no state, and the presumption said.
fn campaign_zone_assumed(campaign_zone: &Zone) -> Resolution {
    Resolution {
        targets: vec![Target {
            zone: *campaign_zone,
            state: None,
            basis: "campaign zone assumed".into(),
        }],
        presumptions: vec![
            [
                "no recipients given: recipients presumed to be in the campaign's zone, ",
                campaign_zone.canonical,
                ", with no state (federal rules only)",
            ]
            .concat(),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ny() -> Zone {
        zone::resolve("America/New_York").unwrap().zone
    }

    #[test]
    fn embedded_table_has_multi_zone_area_codes() {
        let t = AreaCodeTable::embedded();
        let a850 = t.get(850).unwrap();
        assert_eq!(a850.state.as_deref(), Some("FL"));
        assert_eq!(a850.zones, ["America/Chicago", "America/New_York"]);
        assert_eq!(t.get(212).unwrap().zones, ["America/New_York"]);
        assert!(t.get(800).unwrap().state.is_none());
        assert!(
            t.get(928)
                .unwrap()
                .zones
                .contains(&"America/Denver".to_string())
        );
        assert!(t.get(416).is_none(), "Toronto is not a US area code");
    }

    #[test]
    fn states_imply_every_zone_of_their_area_codes() {
        let t = AreaCodeTable::embedded();
        assert_eq!(
            t.zones_of_state("TX"),
            ["America/Chicago", "America/Denver"]
        );
        assert_eq!(
            t.zones_of_state("FL"),
            ["America/Chicago", "America/New_York"]
        );
        assert_eq!(t.zones_of_state("MS"), ["America/Chicago"]);
        assert!(t.zones_of_state("ZZ").is_empty());
    }

    #[test]
    fn phone_numbers_parse_in_both_forms() {
        assert_eq!(area_code_of("+18505550123"), Ok(850));
        assert_eq!(area_code_of("850-555-0123"), Ok(850));
        assert_eq!(area_code_of("(212) 555.0123"), Ok(212));
        assert_eq!(area_code_of("18505550123"), Ok(850));
        for bad in [
            "+448505550123",
            "85055501",
            "0505550123",
            "8501550123",
            "850555012x",
            "+1 850",
        ] {
            assert!(area_code_of(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let t = AreaCodeTable::embedded();
        let text = "+18505550123\n\n# comment\n8005550123\nnot a number\n";
        let input = RecipientInput {
            phone_numbers: Some(("numbers.txt", text)),
            ..Default::default()
        };
        let errs = resolve(&input, &ny(), || t).unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(
            errs[0].starts_with("numbers.txt:4: area code 800"),
            "{}",
            errs[0]
        );
        assert!(
            errs[1].starts_with("numbers.txt:5: expected"),
            "{}",
            errs[1]
        );
    }

    #[test]
    fn an_850_number_reaches_both_florida_zones() {
        let t = AreaCodeTable::embedded();
        let input = RecipientInput {
            phone_numbers: Some(("n.txt", "+18505550123\n+18505550124\n")),
            ..Default::default()
        };
        let r = resolve(&input, &ny(), || t).unwrap();
        let got: Vec<(String, Option<String>)> = r
            .targets
            .iter()
            .map(|t| (t.zone.canonical.to_string(), t.state.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("America/Chicago".into(), Some("FL".into())),
                ("America/New_York".into(), Some("FL".into()))
            ]
        );
        assert_eq!(r.targets[0].basis, "area code 850 (2 numbers)");
        assert!(r.presumptions[0].contains("area code 850 presumed to reach FL"));
    }

    #[test]
    fn nothing_given_assumes_the_campaign_zone() {
        let r = resolve(&RecipientInput::default(), &ny(), AreaCodeTable::embedded).unwrap();
        assert_eq!(r.targets.len(), 1);
        assert_eq!(r.targets[0].zone.canonical, "America/New_York");
        assert_eq!(r.targets[0].state, None);
        assert!(r.presumptions[0].contains("presumed to be in the campaign's zone"));
    }
}
