//! Local receivers for what the server sends out: an SMTP sink that accepts every message and
//! keeps it, and a webhook receiver that keeps every request and answers with a status the test
//! sets. Both listen on an ephemeral port of 127.0.0.1.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A message as the SMTP sink received it.
#[derive(Clone, Debug)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// The raw message (headers and body) as sent in DATA, dot-unstuffed.
    pub data: Vec<u8>,
}

impl Mail {
    /// The decoded subject.
    pub fn subject(&self) -> String {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .and_then(|m| m.subject().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The decoded plain-text body.
    pub fn text(&self) -> String {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .and_then(|m| m.body_text(0).map(|t| t.into_owned()))
            .unwrap_or_default()
    }
}

/// An SMTP server that says yes to everything (no TLS, no authentication).
pub struct SmtpSink {
    pub port: u16,
    pub mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind smtp sink");
        let port = listener.local_addr().expect("addr").port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let kept = mails.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let kept = kept.clone();
                tokio::spawn(async move {
                    let _ = session(stream, kept).await;
                });
            }
        });
        Self { port, mails }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }
}

async fn session(
    stream: tokio::net::TcpStream,
    kept: Arc<Mutex<Vec<Mail>>>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink ESMTP\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250 sink\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            from = line[10..].trim().to_owned();
            to.clear();
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            to.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
            b"250 OK\r\n"
        } else if upper.starts_with("DATA") {
            write.write_all(b"354 end with .\r\n").await?;
            let mut data = Vec::new();
            loop {
                let mut l = Vec::new();
                if lines.read_until(b'\n', &mut l).await? == 0 {
                    return Ok(());
                }
                if l == b".\r\n" {
                    break;
                }
                let l = if l.starts_with(b"..") {
                    &l[1..]
                } else {
                    &l[..]
                };
                data.extend_from_slice(l);
            }
            kept.lock().unwrap().push(Mail {
                from: from.clone(),
                to: to.clone(),
                data,
            });
            b"250 queued\r\n"
        } else if upper.starts_with("QUIT") {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            b"250 OK\r\n"
        };
        write.write_all(reply).await?;
    }
}

/// A request the webhook receiver got.
#[derive(Clone, Debug)]
pub struct Hook {
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

impl Hook {
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_default()
    }
}

/// An HTTP server that keeps every request and answers with [`HookSink::answer`]'s status.
pub struct HookSink {
    pub port: u16,
    pub hooks: Arc<Mutex<Vec<Hook>>>,
    status: Arc<AtomicU16>,
}

impl HookSink {
    pub async fn start() -> Self {
        use poem::listener::{Acceptor, Listener};
        let acceptor = poem::listener::TcpListener::bind("127.0.0.1:0")
            .into_acceptor()
            .await
            .expect("bind webhook sink");
        let port = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().map(|s| s.port()))
            .expect("port");
        let hooks = Arc::new(Mutex::new(Vec::new()));
        let status = Arc::new(AtomicU16::new(204));
        let (kept, answer) = (hooks.clone(), status.clone());
        let app = poem::endpoint::make(move |req: poem::Request| {
            let (kept, answer) = (kept.clone(), answer.clone());
            async move {
                let headers = req.headers().clone();
                let body = req.into_body().into_vec().await.unwrap_or_default();
                kept.lock().unwrap().push(Hook { headers, body });
                let code = answer.load(Ordering::SeqCst);
                poem::Response::builder()
                    .status(http::StatusCode::from_u16(code).unwrap_or(http::StatusCode::OK))
                    .finish()
            }
        });
        tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(app));
        Self {
            port,
            hooks,
            status,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The status every later request is answered with.
    pub fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    pub fn hooks(&self) -> Vec<Hook> {
        self.hooks.lock().unwrap().clone()
    }
}
