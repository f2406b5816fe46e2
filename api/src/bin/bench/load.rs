//! The bench over HTTP: the server in this process on a loopback port, `wrk` (Debian's package)
//! as the load generator, latency percentiles from wrk's own histogram, and the server's CPU time
//! per request from this process's accounting (wrk runs in its own process).

use std::io::Write;
use std::process::Command;
use std::time::Duration;

/// What one wrk run measured.
pub struct Load {
    pub requests: u64,
    pub seconds: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    /// Non-2xx answers, connection errors and timeouts.
    pub errors: u64,
    /// Server CPU (user + system) per request.
    pub cpu_ms: f64,
}

impl Load {
    pub fn rps(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
}

/// Whether `wrk` can be run here.
pub fn available() -> bool {
    Command::new("wrk").arg("--version").output().is_ok()
}

/// This process's CPU time so far (user + system), from /proc (Linux; clock ticks of 10 ms).
pub fn cpu_time() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the command name (which may hold spaces) start at field 3: utime and stime
    // are fields 14 and 15.
    let Some((_, rest)) = stat.rsplit_once(") ") else {
        return Duration::ZERO;
    };
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|v| v.parse().unwrap_or(0))
        .collect();
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// Resets this process's peak resident memory (Linux), so the next peak is the load's own.
pub fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// This process's peak resident memory since the last reset, in MB.
pub fn peak_memory_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))?
                .split_whitespace()
                .nth(1)?
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// POSTs the GraphQL `query` to `url` with `token` from `connections` connections for
/// `duration`, and reports wrk's figures with the server CPU spent meanwhile.
pub fn run(
    url: &str,
    token: &str,
    query: &str,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Load> {
    let body = serde_json::json!({ "query": query }).to_string();
    // A long bracket of level 3 cannot occur in the JSON body.
    anyhow::ensure!(!body.contains("]===]"), "query holds the Lua bracket");
    let request = format!(
        r#"wrk.method = "POST"
wrk.body = [===[{body}]===]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
"#
    );
    run_script(&request, url, connections, duration)
}

/// GETs the page at `url` with the session `cookie` (`name=secret`), as [`run`] does.
pub fn run_page(
    url: &str,
    cookie: &str,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Load> {
    anyhow::ensure!(
        cookie
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "=-_".contains(c)),
        "the cookie is not plain"
    );
    let request = format!("wrk.method = \"GET\"\nwrk.headers[\"Cookie\"] = \"{cookie}\"\n");
    run_script(&request, url, connections, duration)
}

/// wrk with `request` (Lua setting wrk.method, body and headers) and the result line.
fn run_script(
    request: &str,
    url: &str,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Load> {
    let script = format!(
        r#"{request}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"#
    );
    let mut file = tempfile_script()?;
    file.1.write_all(script.as_bytes())?;
    let cpu = cpu_time();
    let out = Command::new("wrk")
        .arg(format!("-t{}", connections.min(2)))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", duration.as_secs()))
        .arg("--timeout=30s")
        .arg("-s")
        .arg(&file.0)
        .arg(url)
        .output()?;
    let cpu = cpu_time() - cpu;
    let _ = std::fs::remove_file(&file.0);
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .ok_or_else(|| anyhow::anyhow!("wrk gave no result: {text}"))?;
    let v: Vec<u64> = line
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    let us = |x: u64| x as f64 / 1000.0;
    let requests = v[0].max(1);
    Ok(Load {
        requests: v[0],
        seconds: v[1] as f64 / 1e6,
        p50_ms: us(v[2]),
        p95_ms: us(v[3]),
        p99_ms: us(v[4]),
        errors: v[5],
        cpu_ms: cpu.as_secs_f64() * 1000.0 / requests as f64,
    })
}

/// The schema and the web app served on a loopback port in this process, and an
/// administrator's token: (the GraphQL address, the token).
pub async fn serve(
    db: &sea_orm::DatabaseConnection,
    schema: &api::graphql::AppSchema,
) -> anyhow::Result<(String, String)> {
    let (_, token) = api::auth::create_token(
        db,
        api::auth::CreateApiTokenInput {
            name: "bench".into(),
            role: entity::enums::Role::Admin,
            organisation_id: None,
            contractor_id: None,
            grant_ids: vec![],
            expires_at: None,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("bench token: {}", e.message()))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/graphql", listener.local_addr()?);
    let endpoint = api::http::app(db.clone(), schema.clone());
    tokio::spawn(async move {
        let _ = api::http::serve_on(
            listener,
            endpoint,
            Default::default(),
            std::future::pending(),
        )
        .await;
    });
    Ok((url, token))
}

fn tempfile_script() -> anyhow::Result<(std::path::PathBuf, std::fs::File)> {
    let path = std::env::temp_dir().join(format!("bench-{}.lua", uuid::Uuid::new_v4().simple()));
    let file = std::fs::File::create(&path)?;
    Ok((path, file))
}

/// The server binary (`api`, beside this one) started in a process of its own on
/// `database_url`, ready: `work` run against its port, then the process's peak resident memory
/// in MB, and the process stopped whatever happened. `None` without the binary or a database
/// URL.
fn with_server<T>(
    database_url: &str,
    work: impl FnOnce(u16) -> anyhow::Result<T>,
) -> anyhow::Result<Option<(T, f64)>> {
    let Some(bin) = std::env::current_exe()?
        .parent()
        .map(|d| d.join("api"))
        .filter(|p| p.exists())
    else {
        return Ok(None);
    };
    if database_url.is_empty() {
        return Ok(None);
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut child = Command::new(bin)
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("PORT", port.to_string())
        .env("REMINDERS", "off")
        .env("LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()?;
    let result = (|| {
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        while !ready(port) {
            anyhow::ensure!(std::time::Instant::now() < deadline, "not ready in 120 s");
            std::thread::sleep(Duration::from_millis(200));
        }
        let out = work(port)?;
        let status = std::fs::read_to_string(format!("/proc/{}/status", child.id()))?;
        let peak_mb = status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
            .ok_or_else(|| anyhow::anyhow!("no VmHWM for the server"))?;
        Ok((out, peak_mb))
    })();
    let _ = child.kill();
    let _ = child.wait();
    result.map(Some)
}

/// The peak resident memory, in MB, of the server in a process of its own ([`with_server`]),
/// from its start through its first (cold) dashboard and `seconds` of 8 clients asking for it:
/// the server's own footprint, without the dataset load and the in-process runs this process
/// also did.
pub fn separate_server(
    database_url: &str,
    token: &str,
    query: &str,
    seconds: u64,
) -> anyhow::Result<Option<f64>> {
    let measured = with_server(database_url, |port| {
        let url = format!("http://127.0.0.1:{port}/graphql");
        // The first request evaluates every grant (cold); then 8 clients.
        run(&url, token, query, 1, Duration::from_secs(2))?;
        run(&url, token, query, 8, Duration::from_secs(seconds))?;
        Ok(())
    })?;
    Ok(measured.map(|((), peak_mb)| peak_mb))
}

/// What a fresh server measured: its first answer, and its peak resident memory.
pub struct Fresh {
    pub first_ms: f64,
    pub peak_mb: f64,
}

/// A fresh server in a process of its own ([`with_server`]): the time of its first `first` (one
/// request, the server's cold path), then its peak resident memory through `seconds` of 8
/// clients spread over `variants` at once.
pub fn fresh_server(
    database_url: &str,
    token: &str,
    first: &str,
    variants: &[&str],
    seconds: u64,
) -> anyhow::Result<Option<Fresh>> {
    let measured = with_server(database_url, |port| {
        let first_ms = one_request(port, token, first)?.as_secs_f64() * 1000.0;
        let url = format!("http://127.0.0.1:{port}/graphql");
        let n = variants.len().max(1);
        std::thread::scope(|s| {
            let runs: Vec<_> = variants
                .iter()
                .enumerate()
                .map(|(i, q)| {
                    // 8 clients in all: 3, 3 and 2 for three variants.
                    let clients = 8 / n + usize::from(i < 8 % n);
                    let url = url.clone();
                    s.spawn(move || run(&url, token, q, clients, Duration::from_secs(seconds)))
                })
                .collect();
            for r in runs {
                let l = r
                    .join()
                    .map_err(|_| anyhow::anyhow!("a wrk run panicked"))??;
                anyhow::ensure!(l.errors == 0, "{} errors under three variants", l.errors);
            }
            Ok(())
        })?;
        Ok(first_ms)
    })?;
    Ok(measured.map(|(first_ms, peak_mb)| Fresh { first_ms, peak_mb }))
}

/// One GraphQL request to the server on `port`, read to its end: how long it took.
fn one_request(port: u16, token: &str, query: &str) -> anyhow::Result<Duration> {
    use std::io::Read;
    let body = serde_json::json!({ "query": query }).to_string();
    let t = std::time::Instant::now();
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(120)))?;
    write!(
        s,
        "POST /graphql HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut answer = Vec::new();
    s.read_to_end(&mut answer)?;
    let took = t.elapsed();
    anyhow::ensure!(
        answer.starts_with(b"HTTP/1.1 200") && !has_errors(&answer),
        "the first dashboard failed: {}",
        String::from_utf8_lossy(&answer[..answer.len().min(300)])
    );
    Ok(took)
}

/// Whether a GraphQL answer carries errors.
fn has_errors(answer: &[u8]) -> bool {
    answer.windows(10).any(|w| w == b"\"errors\":[")
}

/// Whether the server on `port` answers `/readyz` with 200.
fn ready(port: u16) -> bool {
    use std::io::Read;
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 12];
    s.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.1 200")
}
