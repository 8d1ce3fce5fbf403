//! Where the API is: unless `api_endpoint` is configured,
//! `GET {issuer}/.well-known/cxone-configuration?tenantId=<tenantId claim>` → `api_endpoint`
//! (research §1.2, high). The answer's URL must be https unless loopback, like every URL.
//! No fallback is guessed from `area` or the cluster id (low in the research): without
//! `api_endpoint` the error says to set `CXONE_API_ENDPOINT`. Requests then go to
//! `{api_endpoint}/inContactAPI/services/{version}/…`.

use serde_json::Value;

use super::Inner;
use crate::error::{ApiError, ErrorKind};
use crate::urls::check_url;

/// `{endpoint}/inContactAPI/services/{version}`.
pub(crate) fn api_base(endpoint: &str, version: &str) -> String {
    format!(
        "{}/inContactAPI/services/{version}",
        endpoint.trim_end_matches('/')
    )
}

impl Inner {
    /// The API endpoint of the token's tenant, from the issuer.
    pub(crate) async fn discover_api_endpoint(&self) -> Result<String, ApiError> {
        let doing = "discovering the API endpoint";
        let tenant = self
            .session()
            .claims
            .as_ref()
            .and_then(|c| c.tenant_id.clone())
            .ok_or_else(|| {
                ApiError::new(
                    ErrorKind::Protocol,
                    doing,
                    "the access token carries no tenantId claim to discover the API endpoint with; \
                 set CXONE_API_ENDPOINT (for example https://api-na1.niceincontact.com)",
                )
            })?;
        let url = format!("{}/.well-known/cxone-configuration", self.issuer);
        let deadline = self.transport.deadline_from_now();
        let answer = self
            .transport
            .send(doing, deadline, None, |http| {
                http.get(&url).query(&[("tenantId", tenant.as_str())])
            })
            .await?;
        if answer.status != 200 {
            let kind = if answer.status == 404 {
                ErrorKind::Config
            } else {
                ErrorKind::Protocol
            };
            return Err(ApiError::new(
                kind,
                doing,
                format!(
                    "the issuer answered {} for tenant {tenant}; check CXONE_ISSUER, or set \
                     CXONE_API_ENDPOINT",
                    answer.status
                ),
            )
            .with_status(answer.status, &answer.body));
        }
        let endpoint = answer
            .json()
            .and_then(|v| {
                v.get("api_endpoint")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .filter(|e| !e.trim().is_empty())
            .ok_or_else(|| {
                ApiError::new(
                    ErrorKind::Protocol,
                    doing,
                    "the cxone-configuration has no api_endpoint; set CXONE_API_ENDPOINT",
                )
                .with_status(answer.status, &answer.body)
            })?;
        check_url(
            &endpoint,
            &super::discovered_url("checking the discovered api_endpoint"),
        )
    }
}
