//! The Windows ↔ IANA zone table (`cxsched_core::windows_zone`): the US zones the dialer
//! needs, links, unknown names, every zone of the US area-code table, round trips, and every
//! zone of the table against the bundled tz database.

use std::collections::BTreeSet;
use std::path::Path;

use cxsched_core::windows_zone::{
    cldr_version, iana_zones, maps_to, primary_iana, windows_name, windows_names,
};
use cxsched_core::zone;

/// IANA zones of US states and territories, and the Windows name CXone knows each by.
const US_ZONES: &[(&str, &str)] = &[
    ("America/New_York", "Eastern Standard Time"),
    ("America/Detroit", "Eastern Standard Time"),
    ("America/Kentucky/Louisville", "Eastern Standard Time"),
    ("America/Kentucky/Monticello", "Eastern Standard Time"),
    ("America/Indiana/Petersburg", "Eastern Standard Time"),
    ("America/Indiana/Vincennes", "Eastern Standard Time"),
    ("America/Indiana/Winamac", "Eastern Standard Time"),
    ("America/Indiana/Indianapolis", "US Eastern Standard Time"),
    ("America/Indiana/Marengo", "US Eastern Standard Time"),
    ("America/Indiana/Vevay", "US Eastern Standard Time"),
    ("America/Chicago", "Central Standard Time"),
    ("America/Indiana/Knox", "Central Standard Time"),
    ("America/Indiana/Tell_City", "Central Standard Time"),
    ("America/Menominee", "Central Standard Time"),
    ("America/North_Dakota/Center", "Central Standard Time"),
    ("America/Denver", "Mountain Standard Time"),
    ("America/Boise", "Mountain Standard Time"),
    ("America/Phoenix", "US Mountain Standard Time"),
    ("America/Los_Angeles", "Pacific Standard Time"),
    ("America/Anchorage", "Alaskan Standard Time"),
    ("America/Juneau", "Alaskan Standard Time"),
    ("America/Nome", "Alaskan Standard Time"),
    ("America/Adak", "Aleutian Standard Time"),
    ("Pacific/Honolulu", "Hawaiian Standard Time"),
    ("America/Puerto_Rico", "SA Western Standard Time"),
    ("America/St_Thomas", "SA Western Standard Time"),
    ("Pacific/Guam", "West Pacific Standard Time"),
    ("Pacific/Saipan", "West Pacific Standard Time"),
    ("Pacific/Pago_Pago", "UTC-11"),
];

#[test]
fn us_zones_have_their_windows_names() {
    for &(iana, windows) in US_ZONES {
        assert_eq!(windows_name(iana), Some(windows), "{iana}");
        assert!(maps_to(iana, windows), "{iana} should map to {windows}");
        assert!(
            iana_zones(windows).contains(&iana),
            "{windows} should list {iana}: {:?}",
            iana_zones(windows)
        );
    }
}

#[test]
fn primary_zones_of_the_us_windows_zones() {
    for (windows, iana) in [
        ("Eastern Standard Time", "America/New_York"),
        ("US Eastern Standard Time", "America/Indiana/Indianapolis"),
        ("Central Standard Time", "America/Chicago"),
        ("Mountain Standard Time", "America/Denver"),
        ("US Mountain Standard Time", "America/Phoenix"),
        ("Pacific Standard Time", "America/Los_Angeles"),
        ("Alaskan Standard Time", "America/Anchorage"),
        ("Aleutian Standard Time", "America/Adak"),
        ("Hawaiian Standard Time", "Pacific/Honolulu"),
        ("SA Western Standard Time", "America/La_Paz"),
        ("West Pacific Standard Time", "Pacific/Port_Moresby"),
        ("UTC-11", "Etc/GMT+11"),
        ("UTC", "Etc/UTC"),
    ] {
        assert_eq!(primary_iana(windows), Some(iana), "{windows}");
        assert_eq!(iana_zones(windows).first(), Some(&iana), "{windows}");
    }
}

#[test]
fn links_resolve_to_their_zones_windows_name() {
    for (link, windows) in [
        ("US/Eastern", "Eastern Standard Time"),
        ("US/Central", "Central Standard Time"),
        ("US/Mountain", "Mountain Standard Time"),
        ("US/Arizona", "US Mountain Standard Time"),
        ("US/Pacific", "Pacific Standard Time"),
        ("US/Alaska", "Alaskan Standard Time"),
        ("US/Aleutian", "Aleutian Standard Time"),
        ("US/Hawaii", "Hawaiian Standard Time"),
        ("US/East-Indiana", "US Eastern Standard Time"),
        ("US/Michigan", "Eastern Standard Time"),
        ("US/Samoa", "UTC-11"),
        ("America/Indianapolis", "US Eastern Standard Time"),
        ("America/Louisville", "Eastern Standard Time"),
        // CLDR spells India's zone by its link name; both spellings work.
        ("Asia/Calcutta", "India Standard Time"),
        ("Asia/Kolkata", "India Standard Time"),
        ("Europe/Kiev", "FLE Standard Time"),
        ("Europe/Kyiv", "FLE Standard Time"),
        ("UTC", "UTC"),
        ("Etc/UTC", "UTC"),
        ("Etc/GMT", "UTC"),
    ] {
        assert_eq!(windows_name(link), Some(windows), "{link}");
        assert!(maps_to(link, windows), "{link} should map to {windows}");
    }
    // What is handed out is the name a document writes, not CLDR's old spelling.
    assert_eq!(primary_iana("India Standard Time"), Some("Asia/Kolkata"));
    assert!(!iana_zones("India Standard Time").contains(&"Asia/Calcutta"));
    assert!(!iana_zones("US Eastern Standard Time").contains(&"America/Indianapolis"));
}

#[test]
fn fixed_offset_zones_are_cldrs_zz_rows() {
    assert_eq!(windows_name("Etc/GMT+5"), Some("SA Pacific Standard Time"));
    assert_eq!(windows_name("Etc/GMT+12"), Some("Dateline Standard Time"));
    assert_eq!(
        windows_name("Etc/GMT-14"),
        Some("Line Islands Standard Time")
    );
    assert!(maps_to("Etc/GMT+5", "SA Pacific Standard Time"));
    // A fixed-offset zone is never the primary zone of a place's Windows zone.
    assert_eq!(
        primary_iana("SA Pacific Standard Time"),
        Some("America/Bogota")
    );
}

#[test]
fn unknown_and_odd_names_give_nothing() {
    for name in [
        "",
        " ",
        "Mars/Olympus",
        "america/new_york",
        "America/New_York ",
        "EST",
        "CST",
        "EST5EDT",
        "Factory",
        "\0",
        "日本/東京",
        &"A/".repeat(10_000),
    ] {
        assert_eq!(windows_name(name), None, "{name:?}");
        assert!(iana_zones(name).is_empty(), "{name:?}");
        assert_eq!(primary_iana(name), None, "{name:?}");
        assert!(!maps_to(name, "Eastern Standard Time"), "{name:?}");
        assert!(!maps_to("America/New_York", name), "{name:?}");
    }
    // A Windows name is no IANA zone, and Windows names are compared exactly, as CXone
    // sends them.
    assert_eq!(windows_name("Eastern Standard Time"), None);
    assert_eq!(primary_iana("eastern standard time"), None);
    assert_eq!(primary_iana("America/New_York"), None);
}

#[test]
fn zones_do_not_map_to_a_neighbouring_windows_zone() {
    assert!(!maps_to("America/Chicago", "Eastern Standard Time"));
    assert!(!maps_to("America/Phoenix", "Mountain Standard Time"));
    assert!(!maps_to("America/Denver", "US Mountain Standard Time"));
    assert!(!maps_to(
        "America/Indiana/Indianapolis",
        "Eastern Standard Time"
    ));
    assert!(!maps_to("America/New_York", "US Eastern Standard Time"));
    assert!(!maps_to("America/Adak", "Hawaiian Standard Time"));
}

#[test]
fn every_area_code_zone_has_a_windows_name() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../compliance/data/area_codes.tsv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let zones: BTreeSet<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("npa\t"))
        .filter_map(|l| l.split('\t').nth(2))
        .flat_map(|zones| zones.split(','))
        .filter(|z| *z != "-" && !z.is_empty())
        .collect();
    assert!(zones.len() >= 10, "too few zones read: {zones:?}");
    let missing: Vec<&str> = zones
        .iter()
        .copied()
        .filter(|z| windows_name(z).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "area-code zones without a Windows name: {missing:?}"
    );
    for z in zones {
        let windows = windows_name(z).unwrap_or_default();
        assert!(maps_to(z, windows), "{z} → {windows}");
    }
}

#[test]
fn primary_zones_round_trip() {
    let names: Vec<&str> = windows_names().collect();
    assert!(names.len() > 100, "{}", names.len());
    assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
    for w in names {
        let primary = primary_iana(w).unwrap_or_else(|| panic!("{w} has no primary zone"));
        assert_eq!(windows_name(primary), Some(w), "{w} → {primary}");
        for &iana in iana_zones(w) {
            assert!(maps_to(iana, w), "{iana} ∈ {w}");
        }
    }
}

#[test]
fn every_zone_of_the_table_is_in_the_bundled_database() {
    let table = include_str!("../data/windows-zones.tsv");
    let mut unknown = Vec::new();
    let mut count = 0;
    for line in table.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let zones = line.split('\t').nth(2).unwrap_or_default();
        for z in zones.split(',') {
            count += 1;
            if zone::database().get(z).is_err() {
                unknown.push(z);
            }
        }
    }
    assert!(count > 400, "{count}");
    assert!(
        unknown.is_empty(),
        "zones the bundled tz database lacks: {unknown:?}"
    );
    // And every name handed out is one too.
    for w in windows_names() {
        for z in iana_zones(w) {
            assert!(zone::database().get(z).is_ok(), "{w}: {z}");
        }
    }
}

#[test]
fn handed_out_names_are_canonical() {
    for w in windows_names() {
        for &z in iana_zones(w) {
            if let Ok(resolved) = zone::resolve(z) {
                assert!(
                    resolved.warning.is_none(),
                    "{w}: {z}: {:?}",
                    resolved.warning
                );
                assert_eq!(resolved.zone.canonical, z, "{w}");
            } else {
                // Only the fixed-offset and UTC-alias zones are refused for documents.
                assert!(
                    z.starts_with("Etc/"),
                    "{w}: {z} is refused: {:?}",
                    zone::resolve(z).err()
                );
            }
        }
    }
}

#[test]
fn the_cldr_version_is_named() {
    let major: u32 = cldr_version()
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    assert!(major >= 48, "{}", cldr_version());
}

/// Zones whose clock in 2027 differs from their Windows zone's primary zone, as CLDR 48 maps
/// them against the bundled tz database: the Canadian provinces that keep daylight time all
/// year from late 2026 (tz 2026b–2026d; Microsoft added Windows zones for them that CLDR does
/// not have yet), Scoresbysund (Greenland's UTC-2 since 2024, still under "Azores Standard
/// Time"), and Casey and Vostok in Antarctica (UTC+8 and UTC+5 now). A zone joining this list
/// means CLDR and the tz database disagree about it: look before adding it.
const RULES_DIFFER_FROM_WINDOWS_ZONE: &[&str] = &[
    "America/Edmonton",
    "America/Inuvik",
    "America/Scoresbysund",
    "America/Vancouver",
    "America/Winnipeg",
    "Antarctica/Casey",
    "Antarctica/Vostok",
];

#[test]
fn zones_keep_their_windows_zones_clock() {
    use jiff::Timestamp;
    let instants: Vec<Timestamp> = ["2027-01-15T12:00:00Z", "2027-07-15T12:00:00Z"]
        .iter()
        .map(|t| t.parse().expect("a timestamp"))
        .collect();
    let offsets = |name: &str| -> Vec<i32> {
        let tz = zone::database().get(name).expect("a bundled zone");
        instants
            .iter()
            .map(|&t| tz.to_offset(t).seconds())
            .collect()
    };
    let mut differ = Vec::new();
    for w in windows_names() {
        let primary = offsets(primary_iana(w).unwrap_or_default());
        for &z in iana_zones(w) {
            if offsets(z) != primary {
                differ.push(z);
            }
        }
    }
    differ.sort_unstable();
    assert_eq!(differ, RULES_DIFFER_FROM_WINDOWS_ZONE);
}
