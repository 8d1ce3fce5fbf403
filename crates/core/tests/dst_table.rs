//! DST resolution of occurrences (CONTRACT §3) as a table: a schedule (zone, windows) and a
//! span of dates → every occurrence that happens, with its instants and its DST mark. A
//! start or end in a gap moves forward (read with the offset before the gap); in a fold it
//! takes the earlier instant; an occurrence a gap leaves empty (void) does not happen; the
//! date of the weekday is kept even when an instant moves past midnight.
//!
//! These were end-to-end tests of `cxsched expand` (which prints exactly these
//! occurrences); the binary's tests keep one representative, New York's spring forward.

use cxsched_core::model::parse_weekday;
use cxsched_core::{
    Compliance, Directive, LocalTime, Occurrence, Schedule, TimeWindow, occurrences, zone,
};
use jiff::civil::Date;

/// One occurrence as `expand --output json` shows it: date, window, `start` and `end`
/// (campaign-local with offset; `None` where the case does not pin it), `startUtc`,
/// `endUtc`, `dst`.
type Expected = (
    &'static str,
    usize,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
    &'static str,
    Option<&'static str>,
);

struct Case {
    name: &'static str,
    zone: &'static str,
    windows: &'static [(&'static str, &'static str, &'static str)],
    from: &'static str,
    days: u32,
    /// Every occurrence that happens, in order.
    occurrences: &'static [Expected],
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    Case {
        name: "New York spring forward: gap times move forward, the window it empties is void",
        zone: "America/New_York",
        windows: &[
            ("SUNDAY", "01:00:00", "02:00:00"), // ends where the gap starts
            ("SUNDAY", "02:00:00", "02:30:00"), // inside the gap: moved forward
            ("SUNDAY", "02:30:00", "03:00:00"), // left empty by the gap: void
            ("SUNDAY", "03:00:00", "04:00:00"), // after the gap: plain
            ("SUNDAY", "00:30:00", "01:00:00"), // before the gap: plain
        ],
        from: "2026-03-08",
        days: 1,
        occurrences: &[
            ("2026-03-08", 4, None, None, "2026-03-08T05:30:00Z", "2026-03-08T06:00:00Z", None),
            ("2026-03-08", 0, None, None, "2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", Some("gap")),
            // The moved start is shown in the offset in force at that instant.
            ("2026-03-08", 1, Some("2026-03-08T03:00:00-04:00"), None, "2026-03-08T07:00:00Z", "2026-03-08T07:30:00Z", Some("gap")),
            ("2026-03-08", 3, None, None, "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z", None),
        ],
    },
    Case {
        // 01:00–03:00 on the spring day lasts one hour, not two.
        name: "a window ending at the end of the gap is marked",
        zone: "America/New_York",
        windows: &[("SUNDAY", "01:00:00", "03:00:00")],
        from: "2026-03-08",
        days: 1,
        occurrences: &[
            ("2026-03-08", 0, None, None, "2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", Some("gap")),
        ],
    },
    Case {
        name: "New York fall back takes the earlier instant",
        zone: "America/New_York",
        windows: &[("SUNDAY", "01:30:00", "02:30:00")],
        from: "2026-11-01",
        days: 1,
        occurrences: &[
            ("2026-11-01", 0, Some("2026-11-01T01:30:00-04:00"), Some("2026-11-01T02:30:00-05:00"), "2026-11-01T05:30:00Z", "2026-11-01T07:30:00Z", Some("fold")),
        ],
    },
    Case {
        // Lord Howe Island: +10:30 standard, +11:00 summer; 02:00 → 02:30 on 2026-10-04.
        // 02:15 does not exist; read with the offset before the gap, it is 02:45 (+11:00).
        name: "Lord Howe's half-hour spring gap",
        zone: "Australia/Lord_Howe",
        windows: &[("SUNDAY", "01:45:00", "02:15:00")],
        from: "2026-10-04",
        days: 1,
        occurrences: &[
            ("2026-10-04", 0, None, Some("2026-10-04T02:45:00+11:00"), "2026-10-03T15:15:00Z", "2026-10-03T15:45:00Z", Some("gap")),
        ],
    },
    Case {
        // 02:00 → 01:30 on 2026-04-05.
        name: "Lord Howe's half-hour autumn fold",
        zone: "Australia/Lord_Howe",
        windows: &[("SUNDAY", "01:45:00", "02:15:00")],
        from: "2026-04-05",
        days: 1,
        occurrences: &[
            ("2026-04-05", 0, None, None, "2026-04-04T14:45:00Z", "2026-04-04T15:45:00Z", Some("fold")),
        ],
    },
    Case {
        // Chile springs forward at 24:00 on Saturday 2026-09-05: Sunday starts at 01:00. Both
        // boundaries of the first window move forward by the hour; the second window starts
        // in the gap (moved to 01:30) and ends at 01:00, so it does not happen.
        name: "Santiago's midnight gap keeps the date of the weekday",
        zone: "America/Santiago",
        windows: &[
            ("SUNDAY", "00:00:00", "00:30:00"),
            ("SUNDAY", "00:30:00", "01:00:00"),
        ],
        from: "2026-09-06",
        days: 1,
        occurrences: &[
            ("2026-09-06", 0, Some("2026-09-06T01:00:00-03:00"), None, "2026-09-06T04:00:00Z", "2026-09-06T04:30:00Z", Some("gap")),
        ],
    },
];

/// The case's schedule, built from the model (the resolution is what is under test, not
/// the document reader).
fn schedule(case: &Case) -> Schedule {
    let time = |t: &str| LocalTime::parse(t).unwrap_or_else(|e| panic!("{}: {e}", case.name));
    Schedule {
        campaign_id: "3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab".parse().unwrap(),
        schedule_id: None,
        timezone: zone::resolve(case.zone).unwrap().zone,
        directive: Directive::Strict,
        max_concurrent_calls: 10,
        windows: case
            .windows
            .iter()
            .map(|(day, start, end)| TimeWindow {
                day: parse_weekday(day).unwrap(),
                start: time(start),
                end: time(end),
            })
            .collect(),
        compliance: Compliance::default(),
        skill_ids: Vec::new(),
    }
}

/// An [`Expected`] row with its text owned, to compare with what an occurrence shows.
type Shown = (
    String,
    usize,
    Option<String>,
    Option<String>,
    String,
    String,
    Option<&'static str>,
);

fn owned(e: &Expected) -> Shown {
    (
        e.0.to_owned(),
        e.1,
        e.2.map(str::to_owned),
        e.3.map(str::to_owned),
        e.4.to_owned(),
        e.5.to_owned(),
        e.6,
    )
}

/// An occurrence in the table's terms, `start` and `end` kept only where `like` pins them.
fn shown(o: &Occurrence, like: &Expected) -> Shown {
    (
        o.date.to_string(),
        o.window,
        like.2
            .map(|_| o.start.display_with_offset(o.start_offset).to_string()),
        like.3
            .map(|_| o.end.display_with_offset(o.end_offset).to_string()),
        o.start.to_string(),
        o.end.to_string(),
        o.dst.map(|d| d.as_str()),
    )
}

#[test]
fn dst_resolution_of_every_case() {
    for case in CASES {
        let s = schedule(case);
        let from: Date = case.from.parse().unwrap();
        // What happens: the void occurrences are left out, as `expand` leaves them out.
        let got: Vec<Occurrence> = occurrences(&s, from, case.days)
            .filter(|o| !o.is_void())
            .collect();
        assert_eq!(got.len(), case.occurrences.len(), "{}: {got:#?}", case.name);
        for (o, want) in got.iter().zip(case.occurrences) {
            assert_eq!(shown(o, want), owned(want), "{}", case.name);
            // The date is the window's weekday, whatever the instants.
            assert_eq!(o.weekday(), s.windows[o.window].day, "{}: {o:?}", case.name);
        }
    }
}
