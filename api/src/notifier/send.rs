//! The two ways out: e-mail over SMTP (`lettre`) and webhooks as signed HTTP POSTs (`reqwest`,
//! TLS by rustls with the Mozilla roots, no redirects followed). Each answers whether the
//! receiving end accepted the message, and if not, why, in words fit for the delivery log.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart, header};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::i18n::Text;
use crate::reminders::address::is_private;

/// Where e-mail goes: `SMTP_URL` as lettre reads it (`smtp://host:25`, `smtp://user:pass@host:587?tls=required`,
/// `smtps://host:465`) and `REMINDER_MAIL_FROM`.
#[derive(Clone, Debug)]
pub struct SmtpConfig {
    pub url: String,
    pub from: String,
}

/// Sends reminder e-mails through one SMTP server (pooled connections).
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpConfig {
    /// The transport's builder and the sender, or what is wrong with the settings (checked at
    /// start, without connecting).
    fn parts(
        &self,
    ) -> anyhow::Result<(lettre::transport::smtp::AsyncSmtpTransportBuilder, Mailbox)> {
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&self.url)
            .map_err(|e| anyhow::anyhow!("SMTP_URL is not a usable SMTP address: {e}"))?;
        let from = self
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("REMINDER_MAIL_FROM is not an e-mail address: {e}"))?;
        Ok((builder, from))
    }

    pub fn check(&self) -> anyhow::Result<()> {
        self.parts().map(|_| ())
    }
}

impl Mailer {
    /// Within the Tokio runtime (the connection pool runs on it).
    pub fn new(cfg: &SmtpConfig) -> anyhow::Result<Self> {
        let (builder, from) = cfg.parts()?;
        let transport = builder.timeout(Some(Duration::from_secs(20))).build();
        Ok(Self { transport, from })
    }

    /// One reminder to one address, Danish first and English after, as plain text, each with
    /// the link to where the person acts on it when the site's address is known. The
    /// Message-ID is derived from the delivery, so a message sent twice (an instance that died
    /// after sending, before recording it) is recognisable as the same message.
    pub async fn send(
        &self,
        to: &str,
        title: &Text,
        message: &Text,
        link: Option<&str>,
        message_id: &str,
    ) -> Result<(), String> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| format!("not an e-mail address: {e}"))?;
        let (da_link, en_link) = match link {
            Some(l) => (
                format!("\n\nÅbn i trackeren: {l}"),
                format!("\n\nOpen in the tracker: {l}"),
            ),
            None => (String::new(), String::new()),
        };
        let body = format!(
            "{}{da_link}\n\n{}{en_link}\n\n-- \nSocialklausul-trackeren. Du får denne påmindelse, fordi du har valgt den under Påmindelser.\nYou receive this reminder because you chose it under Påmindelser (reminders).\n",
            message.da, message.en
        );
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&title.da)
            .message_id(Some(message_id.to_owned()))
            .multipart(
                MultiPart::mixed().singlepart(
                    lettre::message::SinglePart::builder()
                        .header(header::ContentType::TEXT_PLAIN)
                        .body(body),
                ),
            )
            .map_err(|e| format!("the message could not be built: {e}"))?;
        self.transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP: {e}"))
    }
}

impl Mailer {
    /// The e-mail with a link to set a new password (a forgotten password), Danish first and
    /// English after. The link itself is the secret: it is in no log.
    pub async fn send_password_link(&self, to: &str, link: &str) -> Result<(), String> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| format!("not an e-mail address: {e}"))?;
        let minutes = tracker_core::accounts::RESET_VALID.num_minutes();
        let body = format!(
            "Du (eller en anden) har bedt om at vælge en ny adgangskode til Socialklausul-trackeren.\n\n\
             Vælg den her: {link}\n\n\
             Linket virker én gang og i {minutes} minutter. Har du ikke bedt om det, så se bort fra \
             denne e-mail: din adgangskode er uændret.\n\n\
             You (or someone else) asked to choose a new password for the social-clause tracker: \
             {link}\nThe link works once, for {minutes} minutes. If you did not ask, ignore this \
             e-mail: your password is unchanged.\n"
        );
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject("Ny adgangskode til Socialklausul-trackeren")
            .header(header::ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| format!("the message could not be built: {e}"))?;
        self.transport
            .send(email)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP: {e}"))
    }
}

impl crate::web::password::PasswordMail for Mailer {
    fn send(
        &self,
        to: String,
        link: String,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send>> {
        let mailer = self.clone();
        Box::pin(async move { mailer.send_password_link(&to, &link).await })
    }
}

/// Posts to webhooks.
#[derive(Clone)]
pub struct WebhookClient {
    client: reqwest::Client,
}

/// What a webhook answered.
#[derive(Debug, PartialEq, Eq)]
pub struct Posted {
    /// The HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// `None` when the status was 2xx.
    pub error: Option<String>,
}

impl WebhookClient {
    /// `allow_private`: connect to whatever a host name resolves to (tests, whose receivers run
    /// on this machine); otherwise only to public addresses (see [`PublicOnly`]).
    pub fn new(timeout: Duration, allow_private: bool) -> anyhow::Result<Self> {
        crate::install_tls_provider();
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let mut builder = reqwest::Client::builder();
        if !allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        let client = builder
            .tls_backend_preconfigured(tls)
            // A webhook's address is checked when it is saved; a redirect would lead elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            // An HTTP_PROXY in the environment would connect for us, past the resolver's check.
            .no_proxy()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent("social-clause-tracker-webhooks/1")
            .build()?;
        Ok(Self { client })
    }

    /// POSTs `body` (JSON) signed with `secret`.
    pub async fn post(
        &self,
        url: &str,
        secret: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
        timestamp: i64,
    ) -> Posted {
        let mut req = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("x-tracker-timestamp", timestamp.to_string())
            .header(
                "x-tracker-signature",
                crate::reminders::sign::signature(secret, timestamp, &body),
            );
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        match req.body(body).send().await {
            Ok(resp) => {
                let status = resp.status();
                Posted {
                    status: Some(status.as_u16()),
                    error: (!status.is_success()).then(|| format!("HTTP {status}")),
                }
            }
            Err(e) => Posted {
                status: None,
                error: Some(if e.is_timeout() {
                    "no answer in time".to_owned()
                } else if e.is_connect() {
                    "could not connect".to_owned()
                } else {
                    format!("request failed: {e}")
                }),
            },
        }
    }
}

/// The delivery client's resolver: the system's answer for a name, less every address
/// [`is_private`](crate::reminders::address::is_private) refuses, so a name that resolves to this machine or a private network (today,
/// or only at the moment of delivery) is never connected to. A name with no address left fails
/// the delivery as "could not connect".
pub struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<std::net::SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<std::net::SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| !is_private(a.ip()))
                .collect();
            if public.is_empty() {
                tracing::warn!(%host, addresses = ?found, "webhook host resolves only to private addresses; not connecting");
                return Err(
                    format!("{host} resolves only to this server or private networks").into(),
                );
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scenario: a webhook whose host name resolves to this machine (`localhost`, through the
    /// system's resolver, as a name in DNS pointed at 127.0.0.1 would) passes no check on its
    /// text at delivery: the resolver drops every private address, so nothing connects and the
    /// delivery fails as "could not connect". With private targets allowed (tests), the same
    /// request arrives, which shows the receiver was there to be reached.
    #[tokio::test]
    async fn a_name_resolving_to_this_machine_is_never_connected_to() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://localhost:{}/hook",
            listener.local_addr().unwrap().port()
        );
        let accepted = || async {
            tokio::time::timeout(Duration::from_millis(500), listener.accept())
                .await
                .is_ok()
        };
        let strict = WebhookClient::new(Duration::from_secs(2), false).unwrap();
        let posted = strict.post(&url, "s", &[], b"{}".to_vec(), 0).await;
        assert_eq!(posted.status, None);
        assert_eq!(posted.error.as_deref(), Some("could not connect"));
        assert!(!accepted().await, "a connection reached the receiver");
        let open = WebhookClient::new(Duration::from_secs(2), true).unwrap();
        let post = tokio::spawn(async move { open.post(&url, "s", &[], b"{}".to_vec(), 0).await });
        assert!(accepted().await, "the receiver was not reachable at all");
        post.abort();
    }
}
