//! The business unit and the zones the platform knows: `GET /business-unit` →
//! `businessUnits[0]` (research §9, high: `businessUnitId`, `businessUnitName`,
//! `defaultTimeZone`, `timeZones[{displayName, standardName}]`) and `GET /timezones` →
//! `{"timeZones": [{displayName, standardName, offset}]}` (medium; a bare list is read too).
//! `defaultTimeZone` is taken to be a Windows standard name (medium), the zone skill
//! schedules run in (low).

use reqwest::Method;
use serde_json::Value;

use super::errors::{Target, refusal};
use super::{CxoneClient, json_of, protocol, text_or_number};
use crate::error::ApiError;

/// A Windows time zone as the platform names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowsZone {
    /// e.g. `Eastern Standard Time`.
    pub standard_name: String,
    /// e.g. `(UTC-05:00) Eastern Time (US & Canada)`.
    pub display_name: String,
}

/// The business unit of the access key's user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BusinessUnit {
    pub id: i64,
    pub name: String,
    /// A Windows standard name.
    pub default_time_zone: String,
    /// The zones the business unit enables.
    pub time_zones: Vec<WindowsZone>,
}

fn zones(items: Option<&Value>) -> Vec<WindowsZone> {
    items
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|z| {
                    let standard = z.get("standardName").and_then(Value::as_str)?;
                    Some(WindowsZone {
                        standard_name: standard.to_owned(),
                        display_name: z
                            .get("displayName")
                            .and_then(Value::as_str)
                            .unwrap_or(standard)
                            .to_owned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Reads `businessUnits[0]` of a `GET /business-unit` body.
pub(crate) fn business_unit_from_body(body: &Value) -> Result<BusinessUnit, String> {
    let bu = body
        .get("businessUnits")
        .and_then(Value::as_array)
        .and_then(|l| l.first())
        .ok_or("businessUnits: expected a list with one business unit")?;
    let id = bu
        .get("businessUnitId")
        .and_then(text_or_number)
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or("businessUnits[0].businessUnitId: expected a number")?;
    let default_time_zone = bu
        .get("defaultTimeZone")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or("businessUnits[0].defaultTimeZone: expected a zone name")?
        .to_owned();
    Ok(BusinessUnit {
        id,
        name: bu
            .get("businessUnitName")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        default_time_zone,
        time_zones: zones(bu.get("timeZones")),
    })
}

impl CxoneClient {
    /// The business unit (`businessUnits[0]`).
    ///
    /// # Errors
    /// Auth, transport and retry exhaustion; a body without a business unit is
    /// [`crate::ErrorKind::Protocol`].
    pub async fn business_unit(&self) -> Result<BusinessUnit, ApiError> {
        let doing = "GET business-unit";
        let answer = self
            .call(doing, Method::GET, "/business-unit", &[], None)
            .await?;
        if answer.status != 200 {
            return Err(refusal(doing, &answer, Target::Tenant));
        }
        let body = json_of(doing, &answer)?;
        business_unit_from_body(&body).map_err(|why| protocol(doing, &answer, why))
    }

    /// Every zone name the platform accepts.
    ///
    /// # Errors
    /// As [`CxoneClient::business_unit`].
    pub async fn timezones(&self) -> Result<Vec<WindowsZone>, ApiError> {
        let doing = "GET timezones";
        let answer = self
            .call(doing, Method::GET, "/timezones", &[], None)
            .await?;
        if answer.status != 200 {
            return Err(refusal(doing, &answer, Target::Tenant));
        }
        let body = json_of(doing, &answer)?;
        Ok(match &body {
            Value::Array(_) => zones(Some(&body)),
            _ => zones(body.get("timeZones")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_first_business_unit_is_read() {
        let bu = business_unit_from_body(&json!({"businessUnits": [{
            "businessUnitId": 4600123, "businessUnitName": "Acme", "tenantId": "t",
            "defaultTimeZone": "Eastern Standard Time",
            "timeZones": [{"displayName": "(UTC-05:00) Eastern", "standardName": "Eastern Standard Time"}],
            "startDayOfWeek": 0
        }]}))
        .unwrap();
        assert_eq!(bu.id, 4_600_123);
        assert_eq!(bu.default_time_zone, "Eastern Standard Time");
        assert_eq!(bu.time_zones[0].display_name, "(UTC-05:00) Eastern");
        assert!(business_unit_from_body(&json!({"businessUnits": []})).is_err());
        let e = business_unit_from_body(&json!({"businessUnits": [{"businessUnitId": 1}]}))
            .unwrap_err();
        assert!(e.contains("defaultTimeZone"), "{e}");
    }
}
