//! Optional OpenTelemetry traces (OTLP over HTTP with protobuf), off unless
//! `OTEL_EXPORTER_OTLP_ENDPOINT` is set: every tracing span of the server (each HTTP request
//! with its request id, and what it does) becomes a trace span sent in batches to a collector.
//! Plain HTTP only, to a collector on the local network or a sidecar; TLS to the outside world is
//! the collector's job, so no TLS stack is built in for it.

use anyhow::bail;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;

/// Where and as what traces are sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceConfig {
    /// The collector's traces URL (`<endpoint>/v1/traces`).
    pub traces_url: String,
    /// `OTEL_SERVICE_NAME`, default `social-clause-tracker`.
    pub service_name: String,
}

impl TraceConfig {
    /// From `OTEL_EXPORTER_OTLP_ENDPOINT` and `OTEL_SERVICE_NAME`; None without an endpoint.
    pub fn from_env(lookup: &impl Fn(&str) -> Option<String>) -> anyhow::Result<Option<Self>> {
        let Some(endpoint) = lookup("OTEL_EXPORTER_OTLP_ENDPOINT").filter(|e| !e.trim().is_empty())
        else {
            return Ok(None);
        };
        let endpoint = endpoint.trim().trim_end_matches('/');
        if endpoint.starts_with("https://") {
            bail!(
                "OTEL_EXPORTER_OTLP_ENDPOINT: only http:// is built in; send to a collector on the local network, which forwards over TLS"
            );
        }
        if !endpoint.starts_with("http://") || endpoint.len() <= "http://".len() {
            bail!("OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// URL, got {endpoint:?}");
        }
        let service_name = lookup("OTEL_SERVICE_NAME")
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "social-clause-tracker".into());
        Ok(Some(Self {
            traces_url: format!("{endpoint}/v1/traces"),
            service_name,
        }))
    }
}

/// The tracer provider exporting to the collector in batches (from a thread of its own, so a
/// slow collector never holds a request up). Shut it down at exit to send what is pending.
pub fn tracer_provider(config: &TraceConfig) -> anyhow::Result<SdkTracerProvider> {
    crate::install_tls_provider();
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_endpoint(config.traces_url.clone())
        .build()?;
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(
            Resource::builder()
                .with_service_name(config.service_name.clone())
                .build(),
        )
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::trace::{Tracer, TracerProvider as _};
    use std::io::{Read, Write};

    /// A collector that answers one request 200 and hands over what it received.
    fn collector() -> (String, std::sync::mpsc::Receiver<Vec<u8>>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
                .unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 8192];
            // Headers, then as much body as Content-Length says.
            loop {
                let n = s.read(&mut buf).unwrap_or(0);
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&got).to_lowercase();
                if let Some(end) = text.find("\r\n\r\n") {
                    let len = text
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if got.len() >= end + 4 + len {
                        break;
                    }
                }
            }
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
            let _ = tx.send(got);
        });
        (format!("http://{addr}"), rx)
    }

    #[test]
    fn spans_reach_the_collector_as_otlp_protobuf() {
        let (endpoint, received) = collector();
        let lookup = |k: &str| match k {
            "OTEL_EXPORTER_OTLP_ENDPOINT" => Some(endpoint.clone()),
            "OTEL_SERVICE_NAME" => Some("tracker-test".to_owned()),
            _ => None,
        };
        let config = TraceConfig::from_env(&lookup).unwrap().unwrap();
        let provider = tracer_provider(&config).unwrap();
        provider
            .tracer("test")
            .in_span("importPayroll dry run", |_| {});
        provider.force_flush().unwrap();
        let got = received
            .recv_timeout(std::time::Duration::from_secs(10))
            .unwrap();
        let text = String::from_utf8_lossy(&got);
        assert!(text.starts_with("POST /v1/traces HTTP/1.1"), "{text}");
        assert!(
            text.to_lowercase()
                .contains("content-type: application/x-protobuf"),
            "{text}"
        );
        assert!(text.contains("tracker-test"), "the service name travels");
        assert!(text.contains("importPayroll dry run"), "the span travels");
        let _ = provider.shutdown();
    }
}
