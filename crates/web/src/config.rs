//! What the web app needs to know about where it is served, read from the environment once.

use std::net::SocketAddr;

use anyhow::{Context, bail};

/// What the web app needs to know about where it is served.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WebConfig {
    /// `TRUSTED_PROXIES`: addresses or networks (`10.0.0.5`, `10.0.0.0/8`, comma-separated) of
    /// the load balancers in front; none by default. Only a connection from one of them has its
    /// `X-Forwarded-For` read, and then the client is the right-most address in it that is not
    /// a trusted proxy (every entry to the left of it was written by the client, and is ignored).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Whether cookies are `Secure`: from `PUBLIC_BASE_URL` (the address people open, such as
    /// `https://tracker.boligselskab.dk`), https or not; without it, whether the server listens
    /// beyond loopback. Never from the request's `Host`, which the client chooses.
    pub secure_cookies: bool,
    /// `PUBLIC_BASE_URL` without a trailing `/`: where links in e-mails point (a link to set a
    /// new password is sent only when it is known).
    pub public_base_url: Option<String>,
}

impl WebConfig {
    /// Reads `TRUSTED_PROXIES` and `PUBLIC_BASE_URL` (see the fields); `bind_addr` decides
    /// `Secure` cookies when no public address is given.
    pub fn from_env(
        lookup: &impl Fn(&str) -> Option<String>,
        bind_addr: SocketAddr,
    ) -> anyhow::Result<Self> {
        let trusted_proxies = lookup("TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<ipnet::IpNet>()
                    .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| {
                        anyhow::anyhow!(
                            "TRUSTED_PROXIES: {p:?} is not an address or network (10.0.0.5, 10.0.0.0/8)"
                        )
                    })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let public_base_url = lookup("PUBLIC_BASE_URL")
            .map(|u| u.trim().trim_end_matches('/').to_owned())
            .filter(|u| !u.is_empty());
        let secure_cookies = match lookup("PUBLIC_BASE_URL") {
            Some(u) => {
                let url = url::Url::parse(u.trim())
                    .with_context(|| format!("PUBLIC_BASE_URL must be a web address, got {u:?}"))?;
                match url.scheme() {
                    "https" => true,
                    "http" => false,
                    other => {
                        bail!("PUBLIC_BASE_URL must start with https:// or http://, got {other}:")
                    }
                }
            }
            None => !bind_addr.ip().is_loopback(),
        };
        Ok(Self {
            trusted_proxies,
            secure_cookies,
            public_base_url,
        })
    }
}
