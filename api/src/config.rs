//! Configuration, read once from the environment into a typed struct; bad values stop the start.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail};

pub use crate::graphql::limits::{PageLimits, QueryLimits};
pub use crate::web::config::WebConfig;

/// Limits of the HTTP server, so slow or abusive clients cannot hold its resources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpLimits {
    /// Largest request body read (more is refused with 413, and unauthenticated bodies are not
    /// read at all).
    pub max_body_bytes: usize,
    /// Largest GraphQL response sent; a larger one is replaced by a RESPONSE_TOO_LARGE error.
    pub max_response_bytes: usize,
    /// Time a client has to send a request's headers, and to start the next one on a kept-alive
    /// connection.
    pub header_timeout: Duration,
    /// A connection on which nothing is read or written for this long is closed.
    pub idle_timeout: Duration,
    /// Connections open at once. Beyond it a new connection closes the oldest anonymous one
    /// (see [`crate::conns`]), or is closed itself when every open connection is trusted.
    pub max_connections: usize,
    /// Connections open at once that have not yet proven a caller (a token, a session).
    pub max_anonymous_connections: usize,
    /// Anonymous connections open at once from one client address.
    pub max_anonymous_per_address: usize,
    /// The slowest a request body may arrive, in bytes per second: a body must be read within
    /// `header_timeout` plus its length (declared, else the limit) at this rate.
    pub min_body_bytes_per_sec: usize,
}

impl HttpLimits {
    /// The time a body of at most `len` bytes has to arrive whole.
    pub fn body_deadline(&self, len: usize) -> Duration {
        self.header_timeout
            + Duration::from_secs_f64(len as f64 / self.min_body_bytes_per_sec.max(1) as f64)
    }
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            max_body_bytes: 1 << 20,
            max_response_bytes: 16 << 20,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
            max_anonymous_connections: 256,
            max_anonymous_per_address: 64,
            min_body_bytes_per_sec: 16 << 10,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`; default a SQLite file `tracker.sqlite` in the working directory.
    pub database_url: String,
    /// `BIND_ADDR` (host:port); default 127.0.0.1:8000. `HOST` and `PORT` override its parts.
    pub bind_addr: SocketAddr,
    /// `PAGE_SIZE_DEFAULT` and `PAGE_SIZE_MAX`.
    pub page_limits: PageLimits,
    /// `GRAPHQL_MAX_DEPTH`, `GRAPHQL_MAX_COMPLEXITY`, `REQUEST_TIMEOUT_SECS`,
    /// `NATIONAL_REQUEST_TIMEOUT_SECS`.
    pub query_limits: QueryLimits,
    /// `MAX_BODY_BYTES`, `MAX_RESPONSE_BYTES`, `HEADER_TIMEOUT_SECS`, `IDLE_TIMEOUT_SECS`,
    /// `MAX_CONNECTIONS`, `MAX_ANONYMOUS_CONNECTIONS`, `MAX_ANONYMOUS_CONNECTIONS_PER_ADDRESS`,
    /// `MIN_BODY_BYTES_PER_SEC`.
    pub http_limits: HttpLimits,
    /// `CORS_ALLOWED_ORIGINS`: `*`, or origins separated by commas
    /// (`https://dashboard.example.dk`); default none.
    pub cors_origins: crate::ops::CorsOrigins,
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` (an OpenTelemetry collector's OTLP/HTTP address, such as
    /// `http://otel-collector:4318`) and `OTEL_SERVICE_NAME`; traces are off without it.
    pub traces: Option<crate::telemetry::TraceConfig>,
    /// `REMINDERS`, `REMINDER_INTERVAL_SECS`, `SMTP_URL`, `REMINDER_MAIL_FROM`,
    /// `REMINDER_RETRY_BASE_SECS`, `WEBHOOK_TIMEOUT_SECS`, `WEBHOOK_ALLOW_PRIVATE_TARGETS`.
    pub reminders: crate::notifier::ReminderConfig,
    /// `TRUSTED_PROXIES`, `PUBLIC_BASE_URL`.
    pub web: WebConfig,
    /// `EVALUATION_CACHE_MB`, `ANSWER_CACHE_MB`.
    pub caches: CacheBudget,
}

/// The memory the in-process caches may take, in bytes; each cache weighs its entries and
/// evicts the least used beyond its budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheBudget {
    /// Cached evaluations (`EVALUATION_CACHE_MB`, default 192: 5,000 grants for two dates).
    pub evaluations: u64,
    /// Kept dashboard answers and their rows (`ANSWER_CACHE_MB`, default 64).
    pub answers: u64,
}

impl CacheBudget {
    fn from_env(lookup: &impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        const MB: u64 = 1024 * 1024;
        let mb = |key: &str, default: u64| -> anyhow::Result<u64> {
            let n = crate::env::number(lookup, key, default)?;
            if n > 64 * 1024 {
                bail!("{key} must be at most 65536 (64 GiB), got {n}");
            }
            Ok(n * MB)
        };
        Ok(Self {
            evaluations: mb("EVALUATION_CACHE_MB", 192)?,
            answers: mb("ANSWER_CACHE_MB", 64)?,
        })
    }

    /// Gives the caches their budgets; before the first request.
    pub fn apply(self) {
        let evaluations = crate::service::compliance::set_cache_budget(self.evaluations);
        let answers = crate::graphql::answers::set_budget(self.answers);
        if !(evaluations && answers) {
            tracing::warn!("the cache budgets were set before; the first ones stay");
        }
    }
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://tracker.sqlite?mode=rwc";

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads through `lookup` so tests can pass a map instead of touching the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let database_url = lookup("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            bail!(
                "DATABASE_URL must start with sqlite:, postgres:// or postgresql://, got {database_url:?}"
            );
        }
        let host = lookup("HOST").unwrap_or_else(|| "127.0.0.1".into());
        let port = lookup("PORT").unwrap_or_else(|| "8000".into());
        let bind = lookup("BIND_ADDR").unwrap_or_else(|| format!("{host}:{port}"));
        let bind_addr = bind.parse().with_context(|| {
            format!("BIND_ADDR / HOST / PORT must form host:port, got {bind:?}")
        })?;
        let mut page_limits = PageLimits::default();
        if let Some(v) = lookup("PAGE_SIZE_DEFAULT") {
            page_limits.default = v
                .parse()
                .context("PAGE_SIZE_DEFAULT must be a whole number")?;
        }
        if let Some(v) = lookup("PAGE_SIZE_MAX") {
            page_limits.max = v.parse().context("PAGE_SIZE_MAX must be a whole number")?;
        }
        if page_limits.default == 0 || page_limits.default > page_limits.max {
            bail!(
                "PAGE_SIZE_DEFAULT must be between 1 and PAGE_SIZE_MAX ({})",
                page_limits.max
            );
        }
        let mut query_limits = QueryLimits::default();
        if let Some(v) = lookup("GRAPHQL_MAX_DEPTH") {
            query_limits.max_depth = v
                .parse()
                .context("GRAPHQL_MAX_DEPTH must be a whole number")?;
        }
        if let Some(v) = lookup("GRAPHQL_MAX_COMPLEXITY") {
            query_limits.max_complexity = v
                .parse()
                .context("GRAPHQL_MAX_COMPLEXITY must be a whole number")?;
        }
        if query_limits.max_depth < 5 || query_limits.max_complexity < 50 {
            bail!("GRAPHQL_MAX_DEPTH must be at least 5 and GRAPHQL_MAX_COMPLEXITY at least 50");
        }
        let secs = |key, d: Duration| {
            crate::env::number(&lookup, key, d.as_secs()).map(Duration::from_secs)
        };
        query_limits.timeout = secs("REQUEST_TIMEOUT_SECS", query_limits.timeout)?;
        query_limits.national_timeout = secs(
            "NATIONAL_REQUEST_TIMEOUT_SECS",
            query_limits.national_timeout,
        )?;
        let d = HttpLimits::default();
        let http_limits = HttpLimits {
            max_body_bytes: crate::env::number(&lookup, "MAX_BODY_BYTES", d.max_body_bytes as u64)?
                as usize,
            max_response_bytes: crate::env::number(
                &lookup,
                "MAX_RESPONSE_BYTES",
                d.max_response_bytes as u64,
            )? as usize,
            header_timeout: secs("HEADER_TIMEOUT_SECS", d.header_timeout)?,
            idle_timeout: secs("IDLE_TIMEOUT_SECS", d.idle_timeout)?,
            max_connections: crate::env::number(
                &lookup,
                "MAX_CONNECTIONS",
                d.max_connections as u64,
            )? as usize,
            max_anonymous_connections: crate::env::number(
                &lookup,
                "MAX_ANONYMOUS_CONNECTIONS",
                d.max_anonymous_connections as u64,
            )? as usize,
            max_anonymous_per_address: crate::env::number(
                &lookup,
                "MAX_ANONYMOUS_CONNECTIONS_PER_ADDRESS",
                d.max_anonymous_per_address as u64,
            )? as usize,
            min_body_bytes_per_sec: crate::env::number(
                &lookup,
                "MIN_BODY_BYTES_PER_SEC",
                d.min_body_bytes_per_sec as u64,
            )? as usize,
        };
        // A connection is let go after IDLE_TIMEOUT_SECS without traffic, also while its answer is
        // being computed; the longest request must finish well before.
        if http_limits.idle_timeout <= query_limits.national_timeout {
            bail!(
                "IDLE_TIMEOUT_SECS ({}) must be longer than NATIONAL_REQUEST_TIMEOUT_SECS ({})",
                http_limits.idle_timeout.as_secs(),
                query_limits.national_timeout.as_secs()
            );
        }
        let cors_origins =
            crate::ops::CorsOrigins::parse(&lookup("CORS_ALLOWED_ORIGINS").unwrap_or_default())
                .map_err(|e| anyhow::anyhow!("CORS_ALLOWED_ORIGINS: {e}"))?;
        let traces = crate::telemetry::TraceConfig::from_env(&lookup)?;
        let reminders = crate::notifier::ReminderConfig::from_env(&lookup)?;
        let web = WebConfig::from_env(&lookup, bind_addr)?;
        let caches = CacheBudget::from_env(&lookup)?;
        Ok(Self {
            caches,
            web,
            database_url,
            bind_addr,
            page_limits,
            query_limits,
            http_limits,
            cors_origins,
            traces,
            reminders,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> anyhow::Result<Config> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn cache_budgets_are_whole_megabytes_within_bounds() {
        const MB: u64 = 1024 * 1024;
        let c = cfg(&[]).unwrap();
        assert_eq!(
            c.caches,
            CacheBudget {
                evaluations: 192 * MB,
                answers: 64 * MB
            }
        );
        let c = cfg(&[("EVALUATION_CACHE_MB", "96"), ("ANSWER_CACHE_MB", " 16 ")]).unwrap();
        assert_eq!((c.caches.evaluations, c.caches.answers), (96 * MB, 16 * MB));
        for (key, value) in [
            ("EVALUATION_CACHE_MB", "0"),
            ("EVALUATION_CACHE_MB", "1.5"),
            ("ANSWER_CACHE_MB", "-1"),
            ("ANSWER_CACHE_MB", "65537"),
        ] {
            let e = cfg(&[(key, value)]).unwrap_err().to_string();
            assert!(e.contains(key), "{key}={value}: {e}");
        }
    }

    #[test]
    fn proxies_are_trusted_only_when_named_and_secure_cookies_follow_the_public_address() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.web, WebConfig::default());
        let c = cfg(&[("TRUSTED_PROXIES", "10.0.0.5, 172.16.0.0/12,::1")]).unwrap();
        let nets: Vec<String> = c
            .web
            .trusted_proxies
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(nets, ["10.0.0.5/32", "172.16.0.0/12", "::1/128"]);
        assert!(cfg(&[("TRUSTED_PROXIES", "lb.internal")]).is_err());
        assert!(
            cfg(&[("PUBLIC_BASE_URL", "https://tracker.example.dk")])
                .unwrap()
                .web
                .secure_cookies
        );
        assert!(
            !cfg(&[("PUBLIC_BASE_URL", "http://127.0.0.1:8000")])
                .unwrap()
                .web
                .secure_cookies
        );
        assert!(cfg(&[("PUBLIC_BASE_URL", "ftp://x")]).is_err());
        // Listening beyond loopback without a public address: behind TLS, so Secure.
        assert!(cfg(&[("HOST", "0.0.0.0")]).unwrap().web.secure_cookies);
    }

    #[test]
    fn defaults_to_embedded_sqlite_on_localhost_8000() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(c.bind_addr.to_string(), "127.0.0.1:8000");
        assert_eq!((c.page_limits.default, c.page_limits.max), (50, 500));
    }

    #[test]
    fn fails_fast_on_bad_values() {
        assert!(cfg(&[("PORT", "eighty")]).is_err());
        assert!(cfg(&[("DATABASE_URL", "mysql://x")]).is_err());
        assert!(cfg(&[("PAGE_SIZE_DEFAULT", "600")]).is_err());
        assert!(cfg(&[("GRAPHQL_MAX_DEPTH", "2")]).is_err());
        assert_eq!(
            cfg(&[("GRAPHQL_MAX_DEPTH", "8")])
                .unwrap()
                .query_limits
                .max_depth,
            8
        );
        assert_eq!(cfg(&[("PORT", "9000")]).unwrap().bind_addr.port(), 9000);
        assert!(cfg(&[("REQUEST_TIMEOUT_SECS", "0")]).is_err());
        assert!(cfg(&[("MAX_BODY_BYTES", "lots")]).is_err());
        let c = cfg(&[("REQUEST_TIMEOUT_SECS", "2"), ("MAX_BODY_BYTES", "4096")]).unwrap();
        assert_eq!(c.query_limits.timeout, Duration::from_secs(2));
        assert_eq!(c.query_limits.national_timeout, Duration::from_secs(30));
        assert_eq!(c.http_limits.max_body_bytes, 4096);
        assert!(cfg(&[("IDLE_TIMEOUT_SECS", "30")]).is_err());
        assert!(cfg(&[("CORS_ALLOWED_ORIGINS", "dashboard.example.dk")]).is_err());
        assert_eq!(
            cfg(&[("CORS_ALLOWED_ORIGINS", "*")]).unwrap().cors_origins,
            crate::ops::CorsOrigins::Any
        );
        assert_eq!(cfg(&[]).unwrap().cors_origins, crate::ops::CorsOrigins::Off);
        assert!(cfg(&[]).unwrap().traces.is_none());
        let t = cfg(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/")])
            .unwrap()
            .traces
            .unwrap();
        assert_eq!(t.traces_url, "http://collector:4318/v1/traces");
        assert_eq!(t.service_name, "social-clause-tracker");
        assert!(cfg(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector:4318")]).is_err());
        assert!(cfg(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")]).is_err());
        assert!(
            cfg(&[
                ("IDLE_TIMEOUT_SECS", "30"),
                ("NATIONAL_REQUEST_TIMEOUT_SECS", "20")
            ])
            .is_ok()
        );
    }
}
