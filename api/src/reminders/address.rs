//! Whether a webhook address may be used: `http` or `https`, a host, at most 500 characters, and
//! (unless `WEBHOOK_ALLOW_PRIVATE_TARGETS` is set, as in tests) not this machine or a private
//! network given by name or number, so a bygherre's webhook cannot make the server probe its own
//! network. Names are not resolved here; redirects are never followed.

use std::net::IpAddr;

use crate::i18n::Text;

pub const MAX_URL_CHARS: usize = 500;

pub fn check_webhook_url(url: &str, allow_private: bool) -> Result<(), Text> {
    if url.chars().count() > MAX_URL_CHARS {
        return Err(Text::new(
            format!("the address is longer than {MAX_URL_CHARS} characters"),
            format!("adressen er længere end {MAX_URL_CHARS} tegn"),
        ));
    }
    let parsed = reqwest::Url::parse(url).map_err(|_| {
        Text::new(
            "not a web address; write it as https://host/path",
            "ikke en webadresse; skriv den som https://vært/sti",
        )
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Text::new(
            "a webhook address starts with https:// (or http://)",
            "en webhook-adresse begynder med https:// (eller http://)",
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Text::new(
            "put no user name or password in the address; requests are signed instead",
            "skriv ikke brugernavn eller adgangskode i adressen; forespørgslerne signeres i stedet",
        ));
    }
    let private = match parsed.host() {
        None => {
            return Err(Text::new(
                "the address has no host",
                "adressen mangler en vært",
            ));
        }
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost") || d.ends_with(".internal")
        }
        Some(url::Host::Ipv4(ip)) => is_private(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => is_private(IpAddr::V6(ip)),
    };
    if private && !allow_private {
        return Err(Text::new(
            "the address points at this server or a private network",
            "adressen peger på denne server eller et privat netværk",
        ));
    }
    Ok(())
}

fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v) => {
            v.is_loopback()
                || v.is_private()
                || v.is_link_local()
                || v.is_unspecified()
                || v.is_broadcast()
                // Carrier-grade NAT, 100.64.0.0/10.
                || (v.octets()[0] == 100 && (v.octets()[1] & 0xc0) == 64)
        }
        IpAddr::V6(v) => {
            v.is_loopback()
                || v.is_unspecified()
                // Unique local fc00::/7 and link-local fe80::/10.
                || (v.segments()[0] & 0xfe00) == 0xfc00
                || (v.segments()[0] & 0xffc0) == 0xfe80
                || v.to_ipv4_mapped().is_some_and(|m| is_private(IpAddr::V4(m)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_https_and_http_addresses_are_accepted() {
        assert!(check_webhook_url("https://hooks.boligselskab.dk/tracker", false).is_ok());
        assert!(check_webhook_url("http://203.0.113.9:8080/x", false).is_ok());
    }

    #[test]
    fn this_machine_and_private_networks_are_refused_unless_allowed() {
        for url in [
            "http://localhost:9000/",
            "http://127.0.0.1/",
            "http://10.1.2.3/",
            "http://192.168.0.10/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://[fd00::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://metadata.google.internal/",
        ] {
            let e = check_webhook_url(url, false).unwrap_err();
            assert!(e.da.contains("privat netværk"), "{url}: {}", e.da);
            assert!(check_webhook_url(url, true).is_ok(), "{url}");
        }
    }

    #[test]
    fn other_schemes_credentials_and_long_or_broken_addresses_are_refused() {
        assert!(check_webhook_url("ftp://example.dk/", true).is_err());
        assert!(check_webhook_url("https://user:pw@example.dk/", true).is_err());
        assert!(check_webhook_url("example.dk/hook", true).is_err());
        let long = format!("https://example.dk/{}", "a".repeat(500));
        assert!(
            check_webhook_url(&long, true)
                .unwrap_err()
                .en
                .contains("500")
        );
    }
}
