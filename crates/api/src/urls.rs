//! The one rule for every URL the clients are given or discover (a base URL, an issuer, an
//! API endpoint): https, or plain http only to a loopback host (127.0.0.0/8, ::1,
//! `localhost`, such as the bundled emulator); no credentials, query or fragment in it.

use reqwest::Url;

use crate::error::{ApiError, ErrorKind};

/// How a checked URL is named in errors.
pub(crate) struct UrlUse<'a> {
    /// What was being done, e.g. "checking the API base URL".
    pub doing: &'a str,
    /// An example of a good value.
    pub example: &'a str,
    /// Where credentials go instead of the URL.
    pub credentials_hint: &'a str,
}

/// True for `localhost` and loopback IP addresses.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Checks `raw` by the rule above; the URL without a trailing `/`.
///
/// # Errors
/// [`ErrorKind::Config`], saying what is wrong and what to use instead.
pub(crate) fn check_url(raw: &str, usage: &UrlUse<'_>) -> Result<String, ApiError> {
    let doing = usage.doing;
    let url = Url::parse(raw.trim()).map_err(|e| {
        ApiError::new(
            ErrorKind::Config,
            doing,
            format!(
                "{raw:?} is not a URL ({e}); expected for example {}",
                usage.example
            ),
        )
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::new(
            ErrorKind::Config,
            doing,
            format!(
                "the URL must not carry credentials; {}",
                usage.credentials_hint
            ),
        ));
    }
    let loopback = is_loopback_host(url.host_str().unwrap_or(""));
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(ApiError::new(
                ErrorKind::Config,
                doing,
                format!(
                    "{url} uses plain http to a host that is not loopback; use https:// (plain http \
                     is allowed only to 127.0.0.1, ::1 or localhost, such as the bundled emulator)"
                ),
            ));
        }
        other => {
            return Err(ApiError::new(
                ErrorKind::Config,
                doing,
                format!("unsupported scheme {other:?} in {url}; expected https://"),
            ));
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ApiError::new(
            ErrorKind::Config,
            doing,
            format!("{url} must not have a query or fragment"),
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const USE: UrlUse<'static> = UrlUse {
        doing: "checking",
        example: "https://x",
        credentials_hint: "elsewhere",
    };

    #[test]
    fn https_anywhere_http_only_to_loopback() {
        assert_eq!(
            check_url("https://a.example/", &USE).unwrap(),
            "https://a.example"
        );
        for ok in [
            "http://127.0.0.1:8080",
            "http://[::1]:1",
            "http://localhost:9",
            "http://127.3.4.5",
        ] {
            assert!(check_url(ok, &USE).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com",
            "http://10.0.0.1",
            "ftp://127.0.0.1",
            "https://u:p@a.example",
            "https://a.example/?tenantId=1",
            "https://a.example/#x",
            "not a url",
        ] {
            let e = check_url(bad, &USE).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Config, "{bad}");
        }
        let e = check_url("https://u:hunter2@a.example", &USE).unwrap_err();
        assert!(!format!("{e} {e:?}").contains("hunter2"));
    }
}
