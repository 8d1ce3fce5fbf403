//! A skill's per-destination-zone dialing windows (the curfews of CONTRACT §7),
//! `GET/PUT /skills/{id}/parameters/time-zones` (research §2.2).
//!
//! Readings taken where the research is low or unknown:
//! - The GET body is unpublished: `{"timeZoneSettings": […]}` or a bare array (or null:
//!   no zones) are read; items name their zone by `standardName` or `name` (the aggregate
//!   E4 uses `name`); times `HH:mm`, `HH:mm:ss` or null; missing flags are false.
//! - The PUT replaces the whole list (medium): zones left out are deactivated, so a zone
//!   absent from a list means inactive when comparing.
//! - `overrideTime: false` means the business unit's default window applies (low), so an
//!   active zone's times are compared only when it overrides them.

use cxsched_core::LocalTime;
use serde_json::{Map, Value, json};

use super::errors::Target;
use super::times::{read_time, write_time};
use super::{CxoneClient, Read, Sent};
use crate::error::ApiError;

/// One destination zone's window on a skill.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneWindow {
    /// The Windows zone name, e.g. `Eastern Standard Time`.
    pub standard_name: String,
    /// `timeZoneActiveToCall`.
    pub active: bool,
    /// `overrideTime`: this skill's times replace the business unit's default window.
    pub override_time: bool,
    pub start: Option<LocalTime>,
    pub end: Option<LocalTime>,
}

impl ZoneWindow {
    /// Reads a GET body.
    ///
    /// # Errors
    /// A message naming the item and field (`timeZoneSettings[2].startTime: …`).
    pub fn list_from_get_body(body: &Value) -> Result<Vec<ZoneWindow>, String> {
        let items = match body {
            Value::Null => return Ok(Vec::new()),
            Value::Array(items) => items,
            Value::Object(obj) => match obj.get("timeZoneSettings") {
                None | Some(Value::Null) => return Ok(Vec::new()),
                Some(Value::Array(items)) => items,
                Some(other) => {
                    return Err(format!("timeZoneSettings: expected a list, found {other}"));
                }
            },
            other => {
                return Err(format!(
                    "time-zones: expected {{\"timeZoneSettings\": [...]}} or a list, found {other}"
                ));
            }
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let at = |f: &str| format!("timeZoneSettings[{i}].{f}");
                let Value::Object(o) = item else {
                    return Err(format!(
                        "timeZoneSettings[{i}]: expected an object, found {item}"
                    ));
                };
                let name = ["standardName", "name"]
                    .iter()
                    .find_map(|k| o.get(*k).and_then(Value::as_str))
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .ok_or_else(|| {
                        format!("{}: missing (nor is there a name)", at("standardName"))
                    })?;
                let flag = |k: &str| match o.get(k) {
                    None | Some(Value::Null) => Ok(false),
                    Some(Value::Bool(b)) => Ok(*b),
                    Some(other) => Err(format!("{}: expected true or false, found {other}", at(k))),
                };
                Ok(ZoneWindow {
                    standard_name: name.to_owned(),
                    active: flag("timeZoneActiveToCall")?,
                    override_time: flag("overrideTime")?,
                    start: read_time(o.get("startTime"), &at("startTime"))?,
                    end: read_time(o.get("endTime"), &at("endTime"))?,
                })
            })
            .collect()
    }

    /// The PUT body `{"timeZoneSettings": [{standardName, startTime, endTime,
    /// timeZoneActiveToCall, overrideTime}]}`, times `HH:mm` or null.
    pub fn list_to_put_body(zones: &[ZoneWindow]) -> Value {
        let time = |t: Option<LocalTime>| t.map_or(Value::Null, |t| Value::String(write_time(t)));
        let items: Vec<Value> = zones
            .iter()
            .map(|z| {
                let mut o = Map::new();
                o.insert(
                    "standardName".into(),
                    Value::String(z.standard_name.clone()),
                );
                o.insert("startTime".into(), time(z.start));
                o.insert("endTime".into(), time(z.end));
                o.insert("timeZoneActiveToCall".into(), Value::Bool(z.active));
                o.insert("overrideTime".into(), Value::Bool(z.override_time));
                Value::Object(o)
            })
            .collect();
        json!({ "timeZoneSettings": items })
    }

    /// Equal by meaning: order-free by name; a zone absent is inactive; inactive zones'
    /// flags and times are ignored; an active zone's times count only when it overrides.
    pub fn same_list(a: &[ZoneWindow], b: &[ZoneWindow]) -> bool {
        use std::collections::BTreeMap;
        let active = |list: &[ZoneWindow]| -> BTreeMap<String, (bool, Option<LocalTime>, Option<LocalTime>)> {
            let mut map = BTreeMap::new();
            for z in list {
                // A later entry of the same name wins, as a replacing write would.
                map.remove(&z.standard_name);
                if z.active {
                    let times = if z.override_time { (z.start, z.end) } else { (None, None) };
                    map.insert(z.standard_name.clone(), (z.override_time, times.0, times.1));
                }
            }
            map
        };
        active(a) == active(b)
    }
}

fn path(skill_id: u64) -> String {
    format!("/skills/{skill_id}/parameters/time-zones")
}

impl CxoneClient {
    /// Reads a skill's zone windows.
    ///
    /// # Errors
    /// As [`CxoneClient::get_schedule_settings`].
    pub async fn get_time_zones(&self, skill_id: u64) -> Result<Read<Vec<ZoneWindow>>, ApiError> {
        let doing = format!("GET time-zones of skill {skill_id}");
        self.read(
            &doing,
            &path(skill_id),
            Target::Skill(skill_id),
            ZoneWindow::list_from_get_body,
        )
        .await
    }

    /// Replaces a skill's zone windows with `zones`.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Rejected`] for a 400 (for example a zone the business unit does not
    /// enable), with the platform's words; otherwise as [`CxoneClient::get_time_zones`].
    pub async fn put_time_zones(
        &self,
        skill_id: u64,
        zones: &[ZoneWindow],
    ) -> Result<Sent, ApiError> {
        let doing = format!("PUT time-zones of skill {skill_id}");
        self.write(
            &doing,
            &path(skill_id),
            &ZoneWindow::list_to_put_body(zones),
            Target::TimeZonesPut(skill_id),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str, active: bool, over: bool, times: Option<(u32, u32)>) -> ZoneWindow {
        ZoneWindow {
            standard_name: name.into(),
            active,
            override_time: over,
            start: times.and_then(|(s, _)| LocalTime::from_hms(s, 0, 0)),
            end: times.and_then(|(_, e)| LocalTime::from_hms(e, 0, 0)),
        }
    }

    #[test]
    fn both_shapes_and_both_name_fields_are_read() {
        let wrapped = json!({"timeZoneSettings": [
            {"standardName": "Eastern Standard Time", "timeZoneActiveToCall": true, "overrideTime": true, "startTime": "09:00", "endTime": "20:00:00"},
            {"name": "Pacific Standard Time", "description": "x", "timeZoneActiveToCall": true, "overrideTime": false, "startTime": null, "endTime": null}
        ]});
        let list = ZoneWindow::list_from_get_body(&wrapped).unwrap();
        assert_eq!(
            list[0],
            zone("Eastern Standard Time", true, true, Some((9, 20)))
        );
        assert_eq!(list[1], zone("Pacific Standard Time", true, false, None));
        let bare = wrapped["timeZoneSettings"].clone();
        assert_eq!(ZoneWindow::list_from_get_body(&bare).unwrap(), list);
        assert!(
            ZoneWindow::list_from_get_body(&Value::Null)
                .unwrap()
                .is_empty()
        );
        assert!(
            ZoneWindow::list_from_get_body(&json!({"timeZoneSettings": null}))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn errors_name_the_item_and_field() {
        let e = ZoneWindow::list_from_get_body(&json!([{"standardName": "X", "startTime": "9am"}]))
            .unwrap_err();
        assert!(e.starts_with("timeZoneSettings[0].startTime:"), "{e}");
        let e = ZoneWindow::list_from_get_body(&json!([{"startTime": "09:00"}])).unwrap_err();
        assert!(e.starts_with("timeZoneSettings[0].standardName:"), "{e}");
        let e =
            ZoneWindow::list_from_get_body(&json!([{"name": "X", "overrideTime": 1}])).unwrap_err();
        assert!(e.starts_with("timeZoneSettings[0].overrideTime:"), "{e}");
    }

    #[test]
    fn the_put_body_has_the_five_fields() {
        let body = ZoneWindow::list_to_put_body(&[
            zone("Eastern Standard Time", true, true, Some((8, 21))),
            zone("Hawaiian Standard Time", false, false, None),
        ]);
        assert_eq!(
            body,
            json!({"timeZoneSettings": [
                {"standardName": "Eastern Standard Time", "startTime": "08:00", "endTime": "21:00", "timeZoneActiveToCall": true, "overrideTime": true},
                {"standardName": "Hawaiian Standard Time", "startTime": null, "endTime": null, "timeZoneActiveToCall": false, "overrideTime": false}
            ]})
        );
        assert_eq!(ZoneWindow::list_from_get_body(&body).unwrap().len(), 2);
    }

    #[test]
    fn lists_compare_by_meaning() {
        let a = [
            zone("E", true, true, Some((8, 21))),
            zone("P", false, true, Some((9, 20))),
        ];
        let b = [
            zone("Q", false, false, None),
            zone("E", true, true, Some((8, 21))),
        ];
        assert!(
            ZoneWindow::same_list(&a, &b),
            "order, inactive and absent zones do not matter"
        );
        let c = [zone("E", true, true, Some((8, 20)))];
        assert!(!ZoneWindow::same_list(&a, &c));
        let d = [
            zone("E", true, true, Some((8, 21))),
            zone("P", true, false, None),
        ];
        assert!(!ZoneWindow::same_list(&a, &d));
        let e = [zone("E", true, false, Some((1, 2)))];
        let f = [zone("E", true, false, None)];
        assert!(
            ZoneWindow::same_list(&e, &f),
            "times of a zone that does not override"
        );
        assert!(!ZoneWindow::same_list(&e, &a[..1]));
    }
}
