//! A skill's two dialing-hours resources and their wire forms: the weekly
//! schedule-settings (flat on GET, wrapped in `scheduleSettings` on PUT; one window per
//! weekday; times `HH:mm`, `HH:mm:ss` accepted on whole minutes, stored as minutes) and the
//! per-destination-zone time-zones (`timeZoneSettings`, a PUT replaces the whole list).
//!
//! Choices where the research note is silent (§8): a PUT may leave fields out (they keep
//! their stored values; clients should send all 22); `null` times are taken as `00:00` on
//! inactive days and refused on active ones; `24:00` and overnight windows (end before
//! start) are refused, as is an active day whose start equals its end.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::config::{TimeFormat, ZoneItemKey};

/// `sunday`…`saturday`, the prefixes of the flat fields.
pub const DAYS: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

/// One weekday of the schedule; times in minutes after midnight.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Day {
    pub active: bool,
    pub start: u16,
    pub end: u16,
}

/// A skill's weekly run schedule. A new skill is unscheduled, every day inactive `00:00`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleSettings {
    pub is_scheduled: bool,
    /// Sunday first.
    pub days: [Day; 7],
}

/// One zone's setting on a skill; times in minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ZoneSetting {
    pub time_zone_active_to_call: bool,
    pub override_time: bool,
    pub start: Option<u16>,
    pub end: Option<u16>,
}

impl Default for ZoneSetting {
    /// What a zone enabled for the business unit is on a skill never written: dialed, in
    /// the business unit's default window (S8: by default PC dials the BU's zones).
    fn default() -> ZoneSetting {
        ZoneSetting {
            time_zone_active_to_call: true,
            override_time: false,
            start: None,
            end: None,
        }
    }
}

/// Formats minutes as `HH:mm` or `HH:mm:ss`.
pub fn format_time(minutes: u16, format: TimeFormat) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match format {
        TimeFormat::HourMinute => format!("{h:02}:{m:02}"),
        TimeFormat::WithSeconds => format!("{h:02}:{m:02}:00"),
    }
}

/// Parses `HH:mm` or `HH:mm:ss` (seconds `00` only), `00:00`…`23:59`, into minutes.
pub fn parse_time(s: &str) -> Option<u16> {
    let b = s.as_bytes();
    let two = |i: usize| -> Option<u16> {
        let (x, y) = (*b.get(i)?, *b.get(i + 1)?);
        (x.is_ascii_digit() && y.is_ascii_digit()).then(|| u16::from((x - b'0') * 10 + (y - b'0')))
    };
    let ok_len = match b.len() {
        5 => b[2] == b':',
        8 => b[2] == b':' && b[5] == b':' && two(6) == Some(0),
        _ => false,
    };
    let (h, m) = (two(0)?, two(3)?);
    (ok_len && h < 24 && m < 60).then_some(h * 60 + m)
}

impl ScheduleSettings {
    /// The flat GET body.
    pub fn flat(&self, format: TimeFormat) -> Value {
        let mut out = Map::new();
        out.insert("isScheduled".into(), self.is_scheduled.into());
        for (name, day) in DAYS.iter().zip(&self.days) {
            out.insert(
                format!("{name}StartTime"),
                format_time(day.start, format).into(),
            );
            out.insert(
                format!("{name}EndTime"),
                format_time(day.end, format).into(),
            );
            out.insert(format!("{name}IsActive"), day.active.into());
        }
        Value::Object(out)
    }

    /// This schedule with the fields of a PUT body (`{"scheduleSettings": {…}}`) applied.
    /// `reject_inactive_days` is the tenant quirk of S4.
    ///
    /// # Errors
    /// The words of a 400 `InvalidParameter`.
    pub fn with_put(
        &self,
        body: &Value,
        reject_inactive_days: bool,
    ) -> Result<ScheduleSettings, String> {
        let outer = body
            .as_object()
            .ok_or("the body must be a JSON object {\"scheduleSettings\": {...}}")?;
        if let Some(extra) = outer.keys().find(|k| *k != "scheduleSettings") {
            return Err(format!(
                "unknown field {extra:?}; the body is {{\"scheduleSettings\": {{...}}}}"
            ));
        }
        let fields = outer
            .get("scheduleSettings")
            .ok_or("scheduleSettings is required: the body is {\"scheduleSettings\": {...}}")?
            .as_object()
            .ok_or("scheduleSettings must be an object")?;
        let mut next = self.clone();
        for (key, value) in fields {
            if key == "isScheduled" {
                next.is_scheduled = value.as_bool().ok_or("isScheduled must be true or false")?;
                continue;
            }
            let Some((i, field)) = DAYS
                .iter()
                .enumerate()
                .find_map(|(i, d)| key.strip_prefix(d).map(|rest| (i, rest)))
            else {
                return Err(format!("unknown field scheduleSettings.{key}"));
            };
            let day = &mut next.days[i];
            match field {
                "IsActive" => {
                    day.active = value
                        .as_bool()
                        .ok_or_else(|| format!("{key} must be true or false"))?;
                }
                "StartTime" | "EndTime" => {
                    let minutes = match value {
                        // Checked below: only an inactive day may leave its times null.
                        Value::Null => u16::MAX,
                        Value::String(s) => parse_time(s).ok_or_else(|| {
                            format!("{key} must be a time HH:mm (00:00 to 23:59), found {s:?}")
                        })?,
                        other => return Err(format!("{key} must be a time HH:mm, found {other}")),
                    };
                    if field == "StartTime" {
                        day.start = minutes;
                    } else {
                        day.end = minutes;
                    }
                }
                _ => return Err(format!("unknown field scheduleSettings.{key}")),
            }
        }
        for (name, day) in DAYS.iter().zip(next.days.iter_mut()) {
            let null = day.start == u16::MAX || day.end == u16::MAX;
            if day.active {
                if null {
                    return Err(format!(
                        "{name}: an active day needs a start and an end time"
                    ));
                }
                if day.start >= day.end {
                    return Err(format!(
                        "{name}: the start time must be before the end time (no empty or \
                         overnight windows)"
                    ));
                }
            } else if null {
                if day.start == u16::MAX {
                    day.start = 0;
                }
                if day.end == u16::MAX {
                    day.end = 0;
                }
            }
            if reject_inactive_days && !day.active {
                return Err(format!(
                    "{name}IsActive is false; this business unit accepts schedules only with \
                     every day active"
                ));
            }
            if reject_inactive_days && day.start == day.end {
                return Err(format!("{name}: the start time equals the end time"));
            }
        }
        Ok(next)
    }
}

/// The GET time-zones body for the business unit's `zones`, in that order.
pub fn zones_body(
    stored: &BTreeMap<String, ZoneSetting>,
    zones: &[String],
    format: TimeFormat,
    key: ZoneItemKey,
) -> Value {
    let items: Vec<Value> = zones
        .iter()
        .map(|name| {
            let s = stored.get(name).copied().unwrap_or_default();
            let key = match key {
                ZoneItemKey::Name => "name",
                ZoneItemKey::StandardName => "standardName",
            };
            let description = super::zones::find(name).map_or(name.as_str(), |z| z.display_name);
            let mut item = Map::new();
            item.insert(key.into(), name.clone().into());
            item.insert("description".into(), description.into());
            item.insert(
                "startTime".into(),
                s.start.map(|m| format_time(m, format)).into(),
            );
            item.insert(
                "endTime".into(),
                s.end.map(|m| format_time(m, format)).into(),
            );
            item.insert(
                "timeZoneActiveToCall".into(),
                s.time_zone_active_to_call.into(),
            );
            item.insert("overrideTime".into(), s.override_time.into());
            Value::Object(item)
        })
        .collect();
    json!({ "timeZoneSettings": items })
}

/// The settings a PUT time-zones body (`{"timeZoneSettings": [...]}`) leaves: every zone of
/// `zones` is set, those the request leaves out inactive (S2: "all timezone boundings not in
/// the request will be deactivated").
///
/// # Errors
/// The words of a 400 `InvalidParameter` (a zone not enabled for the business unit is named).
pub fn zones_from_put(
    body: &Value,
    zones: &[String],
) -> Result<BTreeMap<String, ZoneSetting>, String> {
    let outer = body
        .as_object()
        .ok_or("the body must be a JSON object {\"timeZoneSettings\": [...]}")?;
    if let Some(extra) = outer.keys().find(|k| *k != "timeZoneSettings") {
        return Err(format!(
            "unknown field {extra:?}; the body is {{\"timeZoneSettings\": [...]}}"
        ));
    }
    let items = match outer.get("timeZoneSettings") {
        None => {
            return Err(
                "timeZoneSettings is required: the body is {\"timeZoneSettings\": [...]}".into(),
            );
        }
        Some(Value::Null) => &Vec::new(),
        Some(Value::Array(a)) => a,
        Some(_) => return Err("timeZoneSettings must be a list".into()),
    };
    let mut out: BTreeMap<String, ZoneSetting> = zones
        .iter()
        .map(|z| {
            (
                z.clone(),
                ZoneSetting {
                    time_zone_active_to_call: false,
                    ..ZoneSetting::default()
                },
            )
        })
        .collect();
    let mut given = std::collections::HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("timeZoneSettings[{i}]");
        let obj = item
            .as_object()
            .ok_or_else(|| format!("{at} must be an object"))?;
        const KNOWN: [&str; 5] = [
            "standardName",
            "startTime",
            "endTime",
            "timeZoneActiveToCall",
            "overrideTime",
        ];
        if let Some(extra) = obj.keys().find(|k| !KNOWN.contains(&k.as_str())) {
            return Err(format!("unknown field {at}.{extra}"));
        }
        let name = obj
            .get("standardName")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{at}.standardName is required (a Windows zone name)"))?;
        if !zones.iter().any(|z| z == name) {
            return Err(format!(
                "{at}.standardName {name:?} is not a time zone enabled for this business unit"
            ));
        }
        if !given.insert(name.to_owned()) {
            return Err(format!("{at}.standardName {name:?} is given twice"));
        }
        let flag = |k: &str| -> Result<bool, String> {
            match obj.get(k) {
                None | Some(Value::Null) => Ok(false),
                Some(Value::Bool(b)) => Ok(*b),
                Some(other) => Err(format!("{at}.{k} must be true or false, found {other}")),
            }
        };
        let time = |k: &str| -> Result<Option<u16>, String> {
            match obj.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => parse_time(s)
                    .map(Some)
                    .ok_or_else(|| format!("{at}.{k} must be a time HH:mm, found {s:?}")),
                Some(other) => Err(format!("{at}.{k} must be a time HH:mm, found {other}")),
            }
        };
        let setting = ZoneSetting {
            time_zone_active_to_call: flag("timeZoneActiveToCall")?,
            override_time: flag("overrideTime")?,
            start: time("startTime")?,
            end: time("endTime")?,
        };
        if setting.override_time {
            match (setting.start, setting.end) {
                (Some(s), Some(e)) if s < e => {}
                (Some(_), Some(_)) => {
                    return Err(format!("{at}: the start time must be before the end time"));
                }
                _ => {
                    return Err(format!(
                        "{at}: overrideTime needs a startTime and an endTime"
                    ));
                }
            }
        }
        out.insert(name.to_owned(), setting);
    }
    Ok(out)
}
