//! Skills: `GET /skills` (every page) and `GET /skills/{id}` (research §2.3).
//!
//! Readings taken where the research is low or unknown:
//! - Pages are asked for with `skip`/`top` ([`PAGE_SIZE`] a page; the default and maximum
//!   `top` are unknown, 100 is what one live client uses). The list is `skills` at the top or
//!   inside `resultSet`; `totalRecords` is a number or a string. Paging stops at a short or
//!   empty page, at `totalRecords`, or at a 204 (no content).
//! - `GET /skills/{id}` is a flat object in v34; `{"skills": [...]}` is accepted too.
//! - Ids and numbers may come as strings.

use reqwest::Method;
use serde_json::Value;

use super::errors::{Target, refusal};
use super::{CxoneClient, json_of, protocol, text_or_number};
use crate::error::ApiError;

/// Skills asked for per page.
pub const PAGE_SIZE: usize = 100;

/// A skill, as far as cxsched needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skill {
    pub id: u64,
    pub name: String,
    pub is_active: bool,
    /// `"Personal Connection"` for the skills that dial.
    pub outbound_strategy: Option<String>,
    pub campaign_id: Option<i64>,
    pub campaign_name: Option<String>,
}

/// Reads one skill object.
pub(crate) fn skill_from_value(v: &Value, at: &str) -> Result<Skill, String> {
    let text = |k: &str| v.get(k).and_then(text_or_number);
    let id = text("skillId")
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or_else(|| format!("{at}.skillId: expected a positive integer"))?;
    let is_active = match v.get("isActive") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    };
    Ok(Skill {
        id,
        name: text("skillName").unwrap_or_default(),
        is_active,
        outbound_strategy: text("outboundStrategy").filter(|s| !s.is_empty()),
        campaign_id: text("campaignId").and_then(|s| s.parse().ok()),
        campaign_name: text("campaignName").filter(|s| !s.is_empty()),
    })
}

/// One page of `GET /skills`: its skills and `totalRecords`.
pub(crate) fn page_from_body(body: &Value) -> Result<(Vec<Skill>, Option<usize>), String> {
    let holder = body.get("resultSet").unwrap_or(body);
    let total = holder
        .get("totalRecords")
        .or_else(|| body.get("totalRecords"))
        .and_then(text_or_number)
        .and_then(|s| s.parse().ok());
    let items = match holder.get("skills") {
        None | Some(Value::Null) => return Ok((Vec::new(), total)),
        Some(Value::Array(items)) => items,
        Some(other) => return Err(format!("skills: expected a list, found {other}")),
    };
    let skills = items
        .iter()
        .enumerate()
        .map(|(i, v)| skill_from_value(v, &format!("skills[{i}]")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((skills, total))
}

impl CxoneClient {
    /// Every skill of the business unit, page by page.
    ///
    /// # Errors
    /// Auth, transport and retry exhaustion; a page that does not read is
    /// [`crate::ErrorKind::Protocol`] naming the field.
    pub async fn skills(&self) -> Result<Vec<Skill>, ApiError> {
        let mut all: Vec<Skill> = Vec::new();
        loop {
            let skip = all.len();
            let doing = format!("GET skills (skip {skip})");
            let query = [("skip", skip.to_string()), ("top", PAGE_SIZE.to_string())];
            let answer = self
                .call(&doing, Method::GET, "/skills", &query, None)
                .await?;
            if answer.status == 204 {
                break;
            }
            if answer.status != 200 {
                return Err(refusal(&doing, &answer, Target::Tenant));
            }
            let body = json_of(&doing, &answer)?;
            let (page, total) =
                page_from_body(&body).map_err(|why| protocol(&doing, &answer, why))?;
            let short = page.len() < PAGE_SIZE;
            all.extend(page);
            if short || total.is_some_and(|t| all.len() >= t) {
                break;
            }
        }
        Ok(all)
    }

    /// One skill.
    ///
    /// # Errors
    /// [`crate::ErrorKind::NotFound`] for an unknown skill; otherwise as
    /// [`CxoneClient::skills`].
    pub async fn skill(&self, skill_id: u64) -> Result<Skill, ApiError> {
        let doing = format!("GET skill {skill_id}");
        let answer = self
            .call(
                &doing,
                Method::GET,
                &format!("/skills/{skill_id}"),
                &[],
                None,
            )
            .await?;
        if answer.status != 200 {
            return Err(refusal(&doing, &answer, Target::Skill(skill_id)));
        }
        let body = json_of(&doing, &answer)?;
        let one = match body.get("skills").and_then(Value::as_array) {
            Some(list) => list
                .first()
                .ok_or_else(|| protocol(&doing, &answer, "skills: an empty list".into()))?,
            None => &body,
        };
        skill_from_value(one, "skill").map_err(|why| protocol(&doing, &answer, why))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pages_in_both_shapes_with_total_as_number_or_string() {
        let (skills, total) = page_from_body(&json!({"totalRecords": "3", "skills": [
            {"skillId": 11, "skillName": "PC East", "isActive": true, "outboundStrategy": "Personal Connection", "campaignId": 5, "campaignName": "Renewals"},
            {"skillId": "12", "skillName": "Inbound", "isActive": false}
        ]}))
        .unwrap();
        assert_eq!(total, Some(3));
        assert_eq!(
            skills[0].outbound_strategy.as_deref(),
            Some("Personal Connection")
        );
        assert_eq!(skills[0].campaign_id, Some(5));
        assert_eq!(skills[1].id, 12);
        let (skills, total) =
            page_from_body(&json!({"resultSet": {"totalRecords": 1, "skills": [{"skillId": 1}]}}))
                .unwrap();
        assert_eq!((skills.len(), total), (1, Some(1)));
        assert!(
            page_from_body(&json!({"skills": [{"skillName": "no id"}]}))
                .unwrap_err()
                .starts_with("skills[0].skillId")
        );
    }
}
