//! What a schedule document means on NICE CXone (CONTRACT §6.2), as far as the document
//! alone can tell: the platform's limits, checked before anything is written.
//!
//! A Personal Connection skill's weekly schedule holds **one window per weekday**, with start
//! and end in **whole minutes** (`HH:mm`), and a document must say which skills dial it
//! (`skillIds`). Each problem is an [`Issue`] with its field path and what to do. What needs
//! the tenant (the business unit's zone) is checked by the platform when it has read it.

use crate::model::{Schedule, weekday_name};
use crate::time::LocalTime;
use crate::validate::Issue;

/// The problems that stop `schedule` from being written to CXone skills.
///
/// # Example
/// ```
/// use cxsched_core::{Format, cxone, parse_document};
/// let v = parse_document(r#"{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab",
///   "timezone":"America/New_York","businessHoursDirective":"STRICT","maxConcurrentCalls":10,
///   "skillIds":[4711],
///   "timeWindows":[{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"12:00:00"},
///                  {"dayOfWeek":"MONDAY","startTime":"13:00:00","endTime":"17:00:30"}]}"#,
///   Format::Json);
/// let issues = cxone::limits(v.schedule.as_ref().unwrap());
/// assert_eq!(issues[0].path, "timeWindows[1]");
/// assert_eq!(issues[1].path, "timeWindows[1].endTime");
/// ```
pub fn limits(schedule: &Schedule) -> Vec<Issue> {
    let mut issues = Vec::new();
    if schedule.skill_ids.is_empty() {
        issues.push(Issue {
            path: "skillIds".into(),
            message: "the cxone platform writes a document to its Personal Connection skills: \
                      add \"skillIds\": [ID, …] naming the skills that dial this campaign"
                .into(),
        });
    }
    let mut first_of_day: [Option<usize>; 7] = [None; 7];
    for (i, w) in schedule.windows.iter().enumerate() {
        let day = usize::from(w.day.to_monday_zero_offset() as u8);
        match first_of_day[day] {
            None => first_of_day[day] = Some(i),
            Some(first) => {
                let a = schedule.windows[first];
                issues.push(Issue {
                    path: format!("timeWindows[{i}]"),
                    message: format!(
                        "a CXone skill holds one window per weekday, and {} already has window \
                         {first} ({}–{}); merge them into one ({}–{}) if the gap may be dialled, \
                         or give the second shift its own skill in another document",
                        weekday_name(w.day),
                        a.start,
                        a.end,
                        a.start.min(w.start),
                        a.end.max(w.end),
                    ),
                });
            }
        }
        for (field, t) in [("startTime", w.start), ("endTime", w.end)] {
            if !whole_minute(t) {
                issues.push(Issue {
                    path: format!("timeWindows[{i}].{field}"),
                    message: match minute_ceil(t) {
                        Some(up) => format!(
                            "CXone takes times in whole minutes (HH:mm), found {t}; use {} or {up}",
                            minute_floor(t),
                        ),
                        None => format!(
                            "CXone takes times in whole minutes (HH:mm), found {t}; use {}",
                            minute_floor(t),
                        ),
                    },
                });
            }
        }
    }
    issues
}

/// Adds the platform's limits to a document's validation: a valid schedule that breaks one
/// becomes invalid, with each problem among its errors.
pub fn restrict(v: &mut crate::Validation) {
    if let Some(s) = &v.schedule {
        let issues = limits(s);
        if !issues.is_empty() {
            v.errors.extend(issues);
            v.schedule = None;
        }
    }
}

fn whole_minute(t: LocalTime) -> bool {
    t.seconds() % 60 == 0
}

fn minute_floor(t: LocalTime) -> LocalTime {
    LocalTime::from_seconds(t.seconds() / 60 * 60).unwrap_or(t)
}

/// The next whole minute, when it is still on the same day.
fn minute_ceil(t: LocalTime) -> Option<LocalTime> {
    LocalTime::from_seconds(t.seconds().div_ceil(60) * 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Format, parse_document};

    fn doc(extra: &str, windows: &str) -> Schedule {
        let text = format!(
            r#"{{"campaignId":"3f1c2a4e-7b8d-4c9e-a1f2-0123456789ab","timezone":"America/New_York",
            "businessHoursDirective":"STRICT","maxConcurrentCalls":10{extra},"timeWindows":[{windows}]}}"#
        );
        let v = parse_document(&text, Format::Json);
        *v.schedule.unwrap_or_else(|| panic!("{:?}", v.errors))
    }

    #[test]
    fn a_document_within_the_limits_has_no_issue() {
        let s = doc(
            r#","skillIds":[1,2]"#,
            r#"{"dayOfWeek":"MONDAY","startTime":"09:00:00","endTime":"17:00:00"},
               {"dayOfWeek":"TUESDAY","startTime":"09:30:00","endTime":"23:59:00"}"#,
        );
        assert_eq!(limits(&s), vec![]);
    }

    #[test]
    fn missing_skills_two_windows_a_day_and_seconds_are_named_with_a_way_out() {
        let s = doc(
            "",
            r#"{"dayOfWeek":"FRIDAY","startTime":"08:00:00","endTime":"12:00:00"},
               {"dayOfWeek":"FRIDAY","startTime":"13:00:00","endTime":"20:59:30"},
               {"dayOfWeek":"SATURDAY","startTime":"13:00:00","endTime":"23:59:59"}"#,
        );
        let issues = limits(&s);
        let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "skillIds",
                "timeWindows[1]",
                "timeWindows[1].endTime",
                "timeWindows[2].endTime"
            ]
        );
        assert!(issues[1].message.contains("FRIDAY already has window 0"));
        assert!(
            issues[1]
                .message
                .contains("merge them into one (08:00:00–20:59:30)")
        );
        assert!(issues[2].message.contains("use 20:59:00 or 21:00:00"));
        assert!(issues[3].message.ends_with("found 23:59:59; use 23:59:00"));
    }
}
