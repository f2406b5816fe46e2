//! The web app's cookies: names, reading one, and writing one (Secure as configured).

use poem::http::header;
use poem::web::cookie::{Cookie, SameSite};

use crate::config::WebConfig;

pub const SESSION_COOKIE: &str = "sct_session";

pub const CSRF_COOKIE: &str = "sct_csrf";

pub const LANG_COOKIE: &str = "sct_lang";

pub(crate) fn cookie_value(req: &poem::Request, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|part| Cookie::parse(part.trim()).ok())
        .find(|c| c.name() == name)
        .map(|c| c.value_str().to_owned())
}

/// Secure cookies as configured ([`WebConfig::secure_cookies`]), never from the `Host` header.
pub(crate) fn secure(req: &poem::Request) -> bool {
    req.data::<WebConfig>().is_some_and(|w| w.secure_cookies)
}

pub(crate) fn set_cookie(
    req: &poem::Request,
    name: &str,
    value: &str,
    max_age: Option<i64>,
) -> String {
    let mut c = Cookie::new_with_str(name, value);
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_secure(secure(req));
    c.set_path("/");
    if let Some(s) = max_age {
        c.set_max_age(std::time::Duration::from_secs(s.max(0) as u64));
    }
    c.to_string()
}

/// Constant-time comparison of two CSRF tokens.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
