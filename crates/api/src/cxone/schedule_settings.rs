//! A skill's weekly run schedule, `GET/PUT /skills/{id}/parameters/schedule-settings`
//! (CONTRACT §6.2, research §2.1): one window per weekday, `isScheduled`, no time zone
//! (it runs in the business unit's zone: low, inferred).
//!
//! Readings taken where the research is low or unknown:
//! - GET is flat, PUT wrapped in `{"scheduleSettings": …}` (high). Times `HH:mm` on the wire;
//!   `HH:mm:ss` accepted when reading (low).
//! - A day missing from a GET is inactive; an active day must carry both times.
//! - PUT always sends all 22 fields (partial PUTs are unknown, so never relied on).
//! - An inactive day is sent `{day}IsActive: false` with the times it had when they are
//!   known, else `"00:00"`–`"23:59"`: a well-formed non-empty window, because the one live
//!   client seen (S4) reports zero-length windows (start == end, as `"00:00"`/`"00:00"` would
//!   be) refused with `InvalidParameter`. Some tenants refuse inactive days whatever their
//!   times; that 400 is reported with a hint ([`super::errors`]).

use cxsched_core::LocalTime;
use serde_json::{Map, Value};

use super::errors::Target;
use super::times::{read_time, write_time};
use super::{CxoneClient, Read, Sent};
use crate::error::ApiError;

/// The weekday prefixes of the wire fields, Monday first
/// (index = `jiff::civil::Weekday::to_monday_zero_offset()`).
pub const DAY_PREFIXES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// One weekday of a skill schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct DayHours {
    pub active: bool,
    pub start: Option<LocalTime>,
    pub end: Option<LocalTime>,
}

/// A skill's weekly schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkillSchedule {
    pub is_scheduled: bool,
    /// Monday first (index = `Weekday::to_monday_zero_offset()`).
    pub days: [DayHours; 7],
}

impl SkillSchedule {
    /// Reads a GET body (the flat object).
    ///
    /// # Errors
    /// A message naming the field: not an object, a flag that is not a bool, a time that is
    /// not `HH:mm`/`HH:mm:ss` on a whole minute, an active day without both times.
    ///
    /// # Example
    /// ```
    /// use cxsched_api::cxone::SkillSchedule;
    /// let s = SkillSchedule::from_get_body(&serde_json::json!({
    ///     "isScheduled": true,
    ///     "mondayIsActive": true, "mondayStartTime": "09:00", "mondayEndTime": "17:00:00"
    /// })).unwrap();
    /// assert!(s.days[0].active && !s.days[6].active);
    /// ```
    pub fn from_get_body(body: &Value) -> Result<SkillSchedule, String> {
        let Value::Object(obj) = body else {
            return Err(format!(
                "schedule-settings: expected an object, found {body}"
            ));
        };
        let flag = |k: &str| match obj.get(k) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(format!("{k}: expected true or false, found {other}")),
        };
        let mut days = [DayHours::default(); 7];
        for (day, prefix) in days.iter_mut().zip(DAY_PREFIXES) {
            let (a, s, e) = (
                format!("{prefix}IsActive"),
                format!("{prefix}StartTime"),
                format!("{prefix}EndTime"),
            );
            *day = DayHours {
                active: flag(&a)?,
                start: read_time(obj.get(&s), &s)?,
                end: read_time(obj.get(&e), &e)?,
            };
            if day.active && (day.start.is_none() || day.end.is_none()) {
                let missing = if day.start.is_none() { s } else { e };
                return Err(format!(
                    "{missing}: missing for an active day ({a} is true)"
                ));
            }
        }
        Ok(SkillSchedule {
            is_scheduled: flag("isScheduled")?,
            days,
        })
    }

    /// The PUT body: `{"scheduleSettings": {all 22 fields}}`, times `HH:mm` (see the module
    /// docs for inactive days).
    pub fn to_put_body(&self) -> Value {
        let mut fields = Map::new();
        fields.insert("isScheduled".into(), Value::Bool(self.is_scheduled));
        for (day, prefix) in self.days.iter().zip(DAY_PREFIXES) {
            // An inactive day's own times only when they make a non-empty window.
            let (start, end) = match (day.start, day.end) {
                (Some(s), Some(e)) if day.active || s < e => (write_time(s), write_time(e)),
                _ => ("00:00".to_owned(), "23:59".to_owned()),
            };
            fields.insert(format!("{prefix}StartTime"), Value::String(start));
            fields.insert(format!("{prefix}EndTime"), Value::String(end));
            fields.insert(format!("{prefix}IsActive"), Value::Bool(day.active));
        }
        let mut body = Map::new();
        body.insert("scheduleSettings".into(), Value::Object(fields));
        Value::Object(body)
    }

    /// Equal by meaning: `is_scheduled`, which days are active, and the active days' times
    /// (inactive days' times are ignored).
    pub fn same_meaning(&self, other: &SkillSchedule) -> bool {
        self.is_scheduled == other.is_scheduled
            && self.days.iter().zip(&other.days).all(|(a, b)| {
                a.active == b.active && (!a.active || (a.start == b.start && a.end == b.end))
            })
    }
}

fn path(skill_id: u64) -> String {
    format!("/skills/{skill_id}/parameters/schedule-settings")
}

impl CxoneClient {
    /// Reads a skill's weekly schedule.
    ///
    /// # Errors
    /// Not found (404: unknown or not a Personal Connection skill), auth, transport and
    /// retry exhaustion; a body that does not read as a schedule is
    /// [`crate::ErrorKind::Protocol`] naming the field.
    pub async fn get_schedule_settings(
        &self,
        skill_id: u64,
    ) -> Result<Read<SkillSchedule>, ApiError> {
        let doing = format!("GET schedule-settings of skill {skill_id}");
        self.read(
            &doing,
            &path(skill_id),
            Target::Skill(skill_id),
            SkillSchedule::from_get_body,
        )
        .await
    }

    /// Writes a skill's weekly schedule (all 22 fields, wrapped).
    ///
    /// # Errors
    /// [`crate::ErrorKind::Rejected`] for a 400, with the platform's words and a hint that some
    /// tenants refuse inactive days; otherwise as [`CxoneClient::get_schedule_settings`].
    pub async fn put_schedule_settings(
        &self,
        skill_id: u64,
        schedule: &SkillSchedule,
    ) -> Result<Sent, ApiError> {
        let doing = format!("PUT schedule-settings of skill {skill_id}");
        self.write(
            &doing,
            &path(skill_id),
            &schedule.to_put_body(),
            Target::SchedulePut(skill_id),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(h: u32, m: u32) -> Option<LocalTime> {
        LocalTime::from_hms(h, m, 0)
    }

    fn example() -> Value {
        let mut o = json!({"isScheduled": true});
        for d in DAY_PREFIXES {
            o[format!("{d}StartTime")] = json!("09:00");
            o[format!("{d}EndTime")] = json!("19:00:00");
            o[format!("{d}IsActive")] = json!(d != "sunday");
        }
        o
    }

    #[test]
    fn a_flat_get_body_is_read_monday_first() {
        let s = SkillSchedule::from_get_body(&example()).unwrap();
        assert!(s.is_scheduled);
        assert_eq!(
            s.days[0],
            DayHours {
                active: true,
                start: t(9, 0),
                end: t(19, 0)
            }
        );
        assert!(!s.days[6].active, "Sunday is last and inactive");
        assert_eq!(s.days[6].start, t(9, 0), "its times are kept");
    }

    #[test]
    fn missing_days_are_inactive_and_errors_name_the_field() {
        let s = SkillSchedule::from_get_body(&json!({"isScheduled": false})).unwrap();
        assert!(s.days.iter().all(|d| !d.active));
        let mut bad = example();
        bad["tuesdayEndTime"] = json!("19:00:30");
        assert!(
            SkillSchedule::from_get_body(&bad)
                .unwrap_err()
                .starts_with("tuesdayEndTime:")
        );
        let mut bad = example();
        bad["fridayStartTime"] = Value::Null;
        assert!(
            SkillSchedule::from_get_body(&bad)
                .unwrap_err()
                .starts_with("fridayStartTime:")
        );
        let mut bad = example();
        bad["mondayIsActive"] = json!("yes");
        assert!(
            SkillSchedule::from_get_body(&bad)
                .unwrap_err()
                .starts_with("mondayIsActive:")
        );
        assert!(SkillSchedule::from_get_body(&json!([])).is_err());
    }

    #[test]
    fn the_put_body_is_wrapped_with_all_22_fields() {
        let s = SkillSchedule::from_get_body(&example()).unwrap();
        let body = s.to_put_body();
        let fields = body["scheduleSettings"].as_object().unwrap();
        assert_eq!(fields.len(), 22);
        assert_eq!(fields["mondayStartTime"], "09:00");
        assert_eq!(fields["mondayEndTime"], "19:00");
        assert_eq!(fields["sundayIsActive"], false);
        assert_eq!(fields["sundayStartTime"], "09:00", "known times kept");
        let back = SkillSchedule::from_get_body(&body["scheduleSettings"]).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn an_inactive_day_without_times_is_sent_as_a_whole_day_placeholder() {
        let s = SkillSchedule {
            is_scheduled: true,
            days: [DayHours::default(); 7],
        };
        let body = s.to_put_body();
        let f = &body["scheduleSettings"];
        assert_eq!(f["wednesdayStartTime"], "00:00");
        assert_eq!(f["wednesdayEndTime"], "23:59");
        assert_eq!(f["wednesdayIsActive"], false);
    }

    #[test]
    fn meaning_ignores_inactive_days_times() {
        let a = SkillSchedule::from_get_body(&example()).unwrap();
        let mut b = a.clone();
        b.days[6].start = t(1, 0);
        assert!(a.same_meaning(&b));
        b.days[0].end = t(18, 0);
        assert!(!a.same_meaning(&b));
        let mut c = a.clone();
        c.is_scheduled = false;
        assert!(!a.same_meaning(&c));
        let mut d = a.clone();
        d.days[6].active = true;
        assert!(!a.same_meaning(&d));
    }
}
