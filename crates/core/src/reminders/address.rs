//! Whether a webhook address may be used: `http` or `https`, a host, at most 500 characters, and
//! (unless `WEBHOOK_ALLOW_PRIVATE_TARGETS` is set, as in tests) not this machine or a private
//! network, so a bygherre's webhook cannot make the server probe its own network.
//!
//! Two checks, since a name can be made to resolve anywhere, and differently each time: the
//! address as written (when saved and before each delivery), and every address its host name
//! resolves to, at connect time, by the delivery client's resolver (`api::notifier::send::PublicOnly`). Redirects are
//! never followed.

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
    let parsed = url::Url::parse(url).map_err(|_| {
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

/// Whether an address is one a webhook must not reach: this machine, a private, shared,
/// link-local or unique-local network, multicast, broadcast, unspecified or reserved space, and
/// any IPv6 form that carries such an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, the old
/// IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) or a local-use NAT64
/// prefix (`64:ff9b:1::/48`), whose far side is a network we cannot see.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v) => {
            let [a, b, ..] = v.octets();
            v.is_loopback()
                || v.is_private()
                || v.is_link_local()
                || v.is_unspecified()
                || v.is_broadcast()
                || v.is_multicast()
                // "This network" 0.0.0.0/8, carrier-grade NAT 100.64.0.0/10, IETF protocol
                // assignments 192.0.0.0/24, benchmarking 198.18.0.0/15, reserved 240.0.0.0/4.
                || a == 0
                || (a == 100 && (b & 0xc0) == 64)
                || (a == 192 && b == 0 && v.octets()[2] == 0)
                || (a == 198 && (b & 0xfe) == 18)
                || a >= 240
        }
        IpAddr::V6(v) => {
            let s = v.segments();
            let embedded = |hi: u16, lo: u16| {
                is_private(IpAddr::V4(std::net::Ipv4Addr::from(
                    (u32::from(hi) << 16) | u32::from(lo),
                )))
            };
            v.is_loopback()
                || v.is_unspecified()
                || v.is_multicast()
                // Unique local fc00::/7 and link-local fe80::/10.
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                // ::ffff:a.b.c.d and ::a.b.c.d.
                || v.to_ipv4().is_some_and(|m| is_private(IpAddr::V4(m)))
                // NAT64, well-known prefix, and the local-use prefix.
                || (s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] && embedded(s[6], s[7]))
                || (s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1)
                // 6to4 carries its IPv4 address in the second and third groups.
                || (s[0] == 0x2002 && embedded(s[1], s[2]))
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
        // NAT64 and 6to4 forms of a public address are public.
        assert!(check_webhook_url("http://[64:ff9b::cb00:7109]/", false).is_ok());
        assert!(check_webhook_url("http://[2002:cb00:7109::]/", false).is_ok());
        assert!(check_webhook_url("http://[2a00:1450:4001::1]/", false).is_ok());
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
            "http://[::127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://[64:ff9b::7f00:1]/",
            "http://[64:ff9b::a00:1]/",
            "http://[64:ff9b:1::1]/",
            "http://[2002:7f00:1::]/",
            "http://[ff02::1]/",
            "http://0.0.0.0/",
            "http://0.1.2.3/",
            "http://224.0.0.1/",
            "http://[::]/",
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
