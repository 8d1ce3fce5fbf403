//! The schedule model: what one campaign's schedule document means once validated.

use jiff::civil::Weekday;
use uuid::Uuid;

use crate::time::LocalTime;
use crate::zone::Zone;

/// How the dialer treats the campaign's business hours (sent to the API as is).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Directive {
    Strict,
    Flexible,
    Ignore,
}

impl Directive {
    pub const ALL: [Directive; 3] = [Directive::Strict, Directive::Flexible, Directive::Ignore];

    /// The wire name (`STRICT`, `FLEXIBLE`, `IGNORE`).
    pub fn as_str(self) -> &'static str {
        match self {
            Directive::Strict => "STRICT",
            Directive::Flexible => "FLEXIBLE",
            Directive::Ignore => "IGNORE",
        }
    }

    pub fn parse(s: &str) -> Option<Directive> {
        Directive::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// Why the campaign calls people; decides which rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Purpose {
    #[default]
    Telemarketing,
    DebtCollection,
    Informational,
}

impl Purpose {
    pub const ALL: [Purpose; 3] = [
        Purpose::Telemarketing,
        Purpose::DebtCollection,
        Purpose::Informational,
    ];

    /// The document name (`telemarketing`, `debt_collection`, `informational`).
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Telemarketing => "telemarketing",
            Purpose::DebtCollection => "debt_collection",
            Purpose::Informational => "informational",
        }
    }

    pub fn parse(s: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// Where the called people are, as the document says (resolution happens in compliance).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recipients {
    /// IANA zones, as written.
    pub zones: Vec<String>,
    /// USPS state codes, upper case.
    pub states: Vec<String>,
    /// A file of phone numbers, one a line, relative to the document's folder.
    pub phone_numbers_file: Option<String>,
}

impl Recipients {
    pub fn is_empty(&self) -> bool {
        self.zones.is_empty() && self.states.is_empty() && self.phone_numbers_file.is_none()
    }
}

/// The `compliance` table of a document, with defaults applied. Never sent to the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compliance {
    pub purpose: Purpose,
    pub recipients: Recipients,
    pub horizon_days: u32,
    pub ruleset: String,
    /// Dated prohibitions (`compliance.blackouts`, CONTRACT §9), in document order.
    pub blackouts: Vec<Blackout>,
}

/// A dated prohibition: no calls to the recipients it covers on its dates (the recipient's
/// local dates, `from` and `to` both included). It covers every recipient whose state is in
/// `states` or whose zone is in `zones`; with neither, every recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blackout {
    pub name: String,
    pub from: jiff::civil::Date,
    /// The last blacked-out date (inclusive).
    pub to: jiff::civil::Date,
    /// USPS codes, upper case.
    pub states: Vec<String>,
    /// IANA zones, as written.
    pub zones: Vec<String>,
    /// Where the prohibition comes from (a `--blackouts` file's `source`).
    pub source: Option<String>,
    pub reason: Option<String>,
}

/// The USPS codes of the states, the District of Columbia and the territories.
pub const USPS_CODES: [&str; 56] = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI",
];

impl Compliance {
    pub const DEFAULT_HORIZON_DAYS: u32 = 366;
    pub const MAX_HORIZON_DAYS: u32 = 3660 * 2;
}

impl Default for Compliance {
    fn default() -> Compliance {
        Compliance {
            purpose: Purpose::Telemarketing,
            recipients: Recipients::default(),
            horizon_days: Compliance::DEFAULT_HORIZON_DAYS,
            ruleset: "us".into(),
            blackouts: Vec::new(),
        }
    }
}

/// One weekly window: on `day`, from `start` (inclusive) to `end` (exclusive), campaign-local.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeWindow {
    pub day: Weekday,
    pub start: LocalTime,
    pub end: LocalTime,
}

/// The wire name of a weekday (`MONDAY` … `SUNDAY`).
pub fn weekday_name(day: Weekday) -> &'static str {
    WEEKDAY_NAMES[day.to_monday_zero_offset() as usize]
}

/// The weekdays, Monday first (the order of [`WEEKDAY_NAMES`] and of CXone's day fields).
pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

/// The wire weekday names, Monday first.
pub const WEEKDAY_NAMES: [&str; 7] = [
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
    "SUNDAY",
];

/// Parses a wire weekday name (upper case, as the API spells it).
pub fn parse_weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "MONDAY" => Weekday::Monday,
        "TUESDAY" => Weekday::Tuesday,
        "WEDNESDAY" => Weekday::Wednesday,
        "THURSDAY" => Weekday::Thursday,
        "FRIDAY" => Weekday::Friday,
        "SATURDAY" => Weekday::Saturday,
        "SUNDAY" => Weekday::Sunday,
        _ => return None,
    })
}

/// Most skills one document may name.
pub const MAX_SKILL_IDS: usize = 50;

/// One campaign's validated schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub campaign_id: Uuid,
    pub schedule_id: Option<Uuid>,
    pub timezone: Zone,
    pub directive: Directive,
    pub max_concurrent_calls: u16,
    pub windows: Vec<TimeWindow>,
    /// Present with defaults even when the document has no `compliance` table.
    pub compliance: Compliance,
    /// The CXone Personal Connection skills that dial this campaign (`skillIds`; required on
    /// the `cxone` platform, never sent to the seed API).
    pub skill_ids: Vec<u64>,
}

impl Schedule {
    /// The body the API expects for a PUT (wire names; no `compliance`).
    pub fn to_wire(&self) -> serde_json::Value {
        let windows: Vec<serde_json::Value> = self
            .windows
            .iter()
            .map(|w| {
                serde_json::json!({
                    "dayOfWeek": weekday_name(w.day),
                    "startTime": w.start.to_string(),
                    "endTime": w.end.to_string(),
                })
            })
            .collect();
        let mut body = serde_json::Map::new();
        body.insert("campaignId".into(), self.campaign_id.to_string().into());
        if let Some(id) = self.schedule_id {
            body.insert("scheduleId".into(), id.to_string().into());
        }
        body.insert("timezone".into(), (*self.timezone.name).into());
        body.insert(
            "businessHoursDirective".into(),
            self.directive.as_str().into(),
        );
        body.insert(
            "maxConcurrentCalls".into(),
            self.max_concurrent_calls.into(),
        );
        body.insert("timeWindows".into(), windows.into());
        serde_json::Value::Object(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exactly the seven names, as written: each read as its day, and anything one byte off
    /// (case, a letter changed, cut short, run on) refused.
    #[test]
    fn weekdays_are_read_by_their_exact_names() {
        for day in WEEKDAYS {
            let name = weekday_name(day);
            assert_eq!(parse_weekday(name), Some(day), "{name}");
            let mut near: Vec<String> = vec![
                name.to_lowercase(),
                name[..name.len() - 1].to_owned(),
                format!("{name}S"),
                format!(" {name}"),
            ];
            for i in 0..name.len() {
                let mut b = name.as_bytes().to_vec();
                b[i] ^= 0x01;
                near.push(String::from_utf8(b).unwrap());
            }
            for other in near {
                assert_eq!(parse_weekday(&other), None, "{other:?}");
            }
        }
        for other in [
            "",
            "M",
            "MONDAYMONDAY",
            "WEDNESDAX",
            "TUESDAY\0",
            "SUNDAY\n",
        ] {
            assert_eq!(parse_weekday(other), None, "{other:?}");
        }
    }
}
