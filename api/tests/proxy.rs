//! The shipped load balancer configuration (`deploy/nginx.conf`) in front of the binary: a client
//! that forges `X-Forwarded-For` does not move the per-address sign-in limit.
//!
//! nginx is Debian's package (`nginx-light`, installed on first use when missing); the test starts it with
//! the shipped `server` block, only its upstream and listening address pointed at this test's
//! instance, so the header handling under test is the file operators deploy.

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{Client, call, free_port, fresh_database, remove_database, start_with};
use http_body_util::{BodyExt, Full};
use tokio::process::{Child, Command};

/// Sign-in attempts a client address has a minute (`web::Attempts`).
const PER_ADDRESS_PER_MINUTE: usize = 10;

/// nginx and its workers, in a process group of their own: killed together when dropped.
struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        if let Some(pid) = self.0.id() {
            testkit::kill_group(pid);
        }
    }
}

/// The shipped configuration with its upstream servers replaced by `upstream` and its `listen`
/// by `listen`; `forwarded` replaces the `X-Forwarded-For` value when given (the control case).
/// Panics when the shipped file no longer has the lines replaced, so the test never runs a
/// configuration other than the one it says it runs.
fn shipped_config(upstream: u16, listen: u16, forwarded: Option<&str>) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/nginx.conf");
    let shipped = std::fs::read_to_string(&path).expect("deploy/nginx.conf");
    let mut servers = 0;
    let mut listens = 0;
    let mut forwards = 0;
    let mut out = Vec::new();
    for line in shipped.lines() {
        let t = line.trim();
        if t.starts_with("server api") {
            servers += 1;
            if servers == 1 {
                out.push(format!("    server 127.0.0.1:{upstream};"));
            }
        } else if t == "listen 80;" {
            listens += 1;
            out.push(format!("    listen 127.0.0.1:{listen};"));
        } else if t == "proxy_set_header X-Forwarded-For $remote_addr;" {
            forwards += 1;
            match forwarded {
                Some(v) => out.push(format!("        proxy_set_header X-Forwarded-For {v};")),
                None => out.push(line.to_owned()),
            }
        } else {
            out.push(line.to_owned());
        }
    }
    assert_eq!(
        (servers, listens, forwards),
        (2, 1, 1),
        "deploy/nginx.conf changed shape: update this test with it"
    );
    out.join("\n")
}

/// nginx in the foreground with `site` inside a minimal main configuration of its own.
async fn start_nginx(dir: &Path, site: &str, port: u16) -> Nginx {
    testkit::ensure(&[testkit::NGINX]);
    let temp = dir.join("tmp");
    std::fs::create_dir_all(&temp).expect("nginx temp dir");
    // Workers may run as another user (nginx as root drops to nobody); they write temp files.
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&temp, std::fs::Permissions::from_mode(0o777)).ok();
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).ok();
    }
    let t = temp.display();
    let main = format!(
        "daemon off;\nworker_processes 1;\npid {pid};\nerror_log {log} warn;\n\
         events {{ worker_connections 256; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {t}/body;\n  \
         proxy_temp_path {t}/proxy;\n  fastcgi_temp_path {t}/fastcgi;\n  \
         uwsgi_temp_path {t}/uwsgi;\n  scgi_temp_path {t}/scgi;\n{site}\n}}\n",
        pid = dir.join("nginx.pid").display(),
        log = dir.join("error.log").display(),
    );
    let conf = dir.join("nginx.conf");
    std::fs::write(&conf, main).expect("nginx.conf");
    let mut child = Command::new(testkit::NGINX.path)
        .process_group(0)
        .arg("-c")
        .arg(&conf)
        .arg("-p")
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("nginx starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            child.try_wait().expect("wait").is_none(),
            "nginx exited: {}",
            std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
        );
        assert!(Instant::now() < deadline, "nginx never listened");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Nginx(child)
}

/// One request with raw headers and body: status, `Set-Cookie` values, body text.
async fn send(
    client: &Client,
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: String,
) -> (u16, Vec<String>, String) {
    let mut req = hyper::Request::builder()
        .method(method)
        .uri(format!("http://127.0.0.1:{port}{path}"));
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let req = req
        .body(Full::new(bytes::Bytes::from(body)))
        .expect("a request");
    let res = client.request(req).await.expect("an answer");
    let status = res.status().as_u16();
    let cookies = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
        .collect();
    let bytes = res.into_body().collect().await.expect("a body").to_bytes();
    (
        status,
        cookies,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

/// The sign-in page's CSRF value and cookie, fetched through `port`.
async fn sign_in_form(client: &Client, port: u16) -> (String, String) {
    let (status, cookies, page) = send(client, port, "GET", "/login", &[], String::new()).await;
    assert_eq!(status, 200, "{page}");
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker).expect("a csrf field") + marker.len();
    let csrf = page[start..]
        .split('"')
        .next()
        .expect("a csrf value")
        .to_owned();
    let cookie = cookies
        .into_iter()
        .find(|c| c.starts_with("sct_csrf="))
        .expect("a csrf cookie");
    (csrf, cookie)
}

/// Wrong-password sign-ins through `port`, each claiming to come from another address and naming
/// another account (so no account's own limit is reached): the statuses in order.
async fn forged_attempts(client: &Client, port: u16, n: usize) -> Vec<u16> {
    let (csrf, cookie) = sign_in_form(client, port).await;
    let mut statuses = Vec::new();
    for i in 0..n {
        let form = serde_urlencoded::to_string([
            ("csrf", csrf.as_str()),
            ("email", &format!("nobody{i}@example.dk")),
            ("password", "not the password"),
        ])
        .expect("a form");
        let (status, _, page) = send(
            client,
            port,
            "POST",
            "/login",
            &[
                (
                    "content-type",
                    "application/x-www-form-urlencoded".to_owned(),
                ),
                ("cookie", cookie.clone()),
                ("x-forwarded-for", format!("203.0.113.{}", i + 1)),
            ],
            form,
        )
        .await;
        assert!(
            status == 401 || status == 429,
            "attempt {i}: {status} {page}"
        );
        if status == 429 {
            assert!(
                page.contains("For mange forsøg fra denne adresse"),
                "{page}"
            );
        }
        statuses.push(status);
    }
    statuses
}

/// Scenario: the instance trusts the proxy on 127.0.0.1 (`TRUSTED_PROXIES`). Through the shipped
/// nginx, fifteen wrong sign-ins that each forge another `X-Forwarded-For` are counted on the one
/// address nginx saw: the first ten are checked (401), the rest refused (429) but for what the
/// allowance refills meanwhile (one every 6 s). The control runs
/// the same file with the common `$proxy_add_x_forwarded_for` instead, which keeps what the
/// client sent: there every forged address gets a fresh allowance and no attempt is refused, so
/// the test can tell the shipped header line from a wrong one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_forwarded_for_through_the_shipped_nginx_does_not_move_the_sign_in_limit() {
    let (url, pg, sqlite_dir) = fresh_database().await;
    let api_port = free_port();
    let mut api = start_with(&url, api_port, &[("TRUSTED_PROXIES", "127.0.0.1")]);
    let client: Client =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http();
    common::both_ready(&client, [api_port], [&mut api]).await;

    let dir = std::env::temp_dir().join(format!("nginx-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("a directory for nginx");

    let shipped_port = free_port();
    let shipped = shipped_config(api_port, shipped_port, None);
    let nginx = start_nginx(&dir.join("shipped"), &shipped, shipped_port).await;
    let started = Instant::now();
    let statuses = forged_attempts(&client, shipped_port, 15).await;
    // The allowance refills one attempt every 6 s; sign-ins are slow by design (password
    // hashing even for unknown accounts), so a slow machine may earn one or two back.
    let refilled = (started.elapsed().as_secs_f64() / 6.0).ceil() as usize;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert_eq!(
        statuses[..PER_ADDRESS_PER_MINUTE],
        [401; PER_ADDRESS_PER_MINUTE],
        "{statuses:?}"
    );
    assert!(
        checked < 15 && checked <= PER_ADDRESS_PER_MINUTE + refilled,
        "forged addresses were counted apart: {statuses:?} ({refilled} refilled)"
    );
    drop(nginx);

    // The control: a configuration that passes the client's header on. Another instance, so the
    // shipped run's spent allowance on 127.0.0.1 does not count here.
    let control_api_port = free_port();
    let mut control_api = start_with(&url, control_api_port, &[("TRUSTED_PROXIES", "127.0.0.1")]);
    common::both_ready(&client, [control_api_port], [&mut control_api]).await;
    let control_port = free_port();
    let control = shipped_config(
        control_api_port,
        control_port,
        Some("$proxy_add_x_forwarded_for"),
    );
    let nginx = start_nginx(&dir.join("control"), &control, control_port).await;
    let statuses = forged_attempts(&client, control_port, 15).await;
    assert_eq!(statuses, vec![401; 15], "the control must not be limited");
    drop(nginx);

    // The instances are still serving.
    assert!(
        call(&client, api_port, "GET", "/livez", None, None)
            .await
            .is_some()
    );
    api.kill().await.ok();
    control_api.kill().await.ok();
    std::fs::remove_dir_all(&dir).ok();
    remove_database(pg, sqlite_dir).await;
}
