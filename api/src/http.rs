//! HTTP routes served by poem: POST /graphql (the API), GET /graphql (the query console, served
//! from the binary), GET / (a redirect to the console), GET /healthz (checks the database),
//! GET /exports/lbf-report.csv, the web app under /app, and the operations endpoints of
//! [`crate::ops`] (/livez, /readyz, /metrics).

use std::time::Duration;

use std::future::Future;

use poem::http::StatusCode;
use poem::middleware::Tracing;
use poem::web::{Data, Html, Json};
use poem::{Endpoint, EndpointExt, IntoResponse, Route, get, handler};
use sea_orm::DatabaseConnection;
use serde_json::json;

use crate::config::{Config, HttpLimits};
use crate::graphql::AppSchema;
use crate::i18n::Lang;
use crate::request::{bearer, request_lang};

/// A GraphQL answer carrying only errors, with an HTTP status for the transport-level ones.
fn graphql_errors(
    status: StatusCode,
    mut errors: Vec<async_graphql::ServerError>,
    lang: Lang,
) -> poem::Response {
    crate::ops::record_errors(&error_codes(&errors));
    crate::graphql::localize(&mut errors, lang);
    let body = async_graphql::Response::from_errors(errors);
    (status, Json(body)).into_response()
}

/// The `extensions.code` of each error.
fn error_codes(errors: &[async_graphql::ServerError]) -> Vec<String> {
    errors
        .iter()
        .map(|e| {
            e.extensions
                .as_ref()
                .and_then(|x| x.get("code"))
                .and_then(|c| match c {
                    async_graphql::Value::String(s) => Some(s.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| "NONE".into())
        })
        .collect()
}

fn coded_error(message: &str, code: &str) -> async_graphql::ServerError {
    let mut e = async_graphql::ServerError::new(message, None);
    e.extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    e
}

/// The largest multipart request: one payroll file of at most
/// [`crate::payroll::read::MAX_FILE_BYTES`] with its operations and map, and room for the
/// multipart framing. A bigger file is refused by the import with its own message.
const UPLOAD_BODY_BYTES: usize = crate::payroll::read::MAX_FILE_BYTES + (256 << 10);

/// POST /graphql. The token is checked before the body is read, so an unauthenticated caller
/// cannot make the server read (or wait for) a large body; the body is then read up to
/// [`HttpLimits::max_body_bytes`] within [`HttpLimits::idle_timeout`], and the answer is capped at
/// [`HttpLimits::max_response_bytes`].
#[handler]
async fn graphql(
    schema: Data<&AppSchema>,
    db: Data<&DatabaseConnection>,
    limits: Data<&HttpLimits>,
    http: &poem::Request,
    body: poem::Body,
) -> poem::Response {
    let lang = request_lang(http);
    let principal = match crate::auth::authenticate(*db, bearer(http)).await {
        Ok(principal) => {
            crate::web::trust(http);
            principal
        }
        Err(other) => {
            let err: async_graphql::Error = other.into();
            return graphql_errors(
                StatusCode::OK,
                vec![err.into_server_error(Default::default())],
                lang,
            );
        }
    };
    let content_type = http
        .headers()
        .get(poem::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // A file upload (the GraphQL multipart request spec) may carry one payroll file.
    let upload = content_type
        .as_deref()
        .is_some_and(|t| t.starts_with("multipart/form-data"));
    let max_body = if upload {
        limits.max_body_bytes.max(UPLOAD_BODY_BYTES)
    } else {
        limits.max_body_bytes
    };
    let too_large = || {
        let message = if upload {
            format!(
                "the upload is larger than {max_body} bytes; a payroll file may be at most {} MiB",
                crate::payroll::read::MAX_FILE_BYTES >> 20
            )
        } else {
            format!("the request body is larger than {max_body} bytes")
        };
        graphql_errors(
            StatusCode::PAYLOAD_TOO_LARGE,
            vec![coded_error(&message, "PAYLOAD_TOO_LARGE")],
            lang,
        )
    };
    let declared = http
        .headers()
        .get(poem::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max_body as u64) {
        return too_large();
    }
    let deadline = limits.body_deadline(declared.map_or(max_body, |n| n as usize));
    let bytes = match tokio::time::timeout(deadline, body.into_bytes_limit(max_body)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(poem::error::ReadBodyError::PayloadTooLarge)) => return too_large(),
        Ok(Err(_)) | Err(_) => {
            return graphql_errors(
                StatusCode::BAD_REQUEST,
                vec![coded_error(
                    "the request body could not be read in time",
                    "BAD_REQUEST",
                )],
                lang,
            );
        }
    };
    let request = match async_graphql::http::receive_body(
        content_type,
        futures_util::io::Cursor::new(bytes),
        async_graphql::http::MultipartOptions::default()
            .max_num_files(1)
            .max_file_size(UPLOAD_BODY_BYTES),
    )
    .await
    {
        Ok(request) => request,
        Err(err) => {
            return graphql_errors(
                StatusCode::BAD_REQUEST,
                vec![coded_error(
                    &format!("the body is not a GraphQL request: {err}"),
                    "BAD_REQUEST",
                )],
                lang,
            );
        }
    };
    let operation = crate::ops::operation_label(request.operation_name.as_deref());
    let started = std::time::Instant::now();
    let splices = crate::graphql::Splices::default();
    let mut response = schema
        .execute(request.data(principal).data(lang).data(splices.clone()))
        .await;
    crate::ops::record_graphql(
        &operation,
        started.elapsed(),
        &error_codes(&response.errors),
    );
    crate::graphql::localize(&mut response.errors, lang);
    respond(&response, &splices, limits.max_response_bytes, lang)
}

/// The GraphQL answer as JSON, written as the pieces it is kept in (see `graphql::Splices`); an
/// answer over `max_bytes` is replaced by a RESPONSE_TOO_LARGE error.
fn respond(
    response: &async_graphql::Response,
    splices: &crate::graphql::Splices,
    max_bytes: usize,
    lang: crate::i18n::Lang,
) -> poem::Response {
    match serde_json::to_vec(response).map(|json| splices.body(json)) {
        Ok((pieces, len)) if len <= max_bytes => {
            // Kept answers go out as the bytes they are kept in, shared, not copied.
            let pieces =
                futures_util::stream::iter(pieces.into_iter().map(Ok::<_, std::io::Error>));
            poem::Response::builder()
                .content_type("application/json")
                .header(poem::http::header::CONTENT_LENGTH, len)
                .body(poem::Body::from_bytes_stream(pieces))
        }
        Ok((_, len)) => graphql_errors(
            StatusCode::OK,
            vec![coded_error(
                &format!(
                    "the answer would be {len} bytes, more than the {} allowed; ask for fewer rows or fields at a time",
                    max_bytes
                ),
                "RESPONSE_TOO_LARGE",
            )],
            lang,
        ),
        Err(err) => {
            let reference = uuid::Uuid::new_v4();
            tracing::error!(%reference, error = %err, "could not serialise a GraphQL response");
            graphql_errors(
                StatusCode::INTERNAL_SERVER_ERROR,
                vec![coded_error(
                    &format!("internal error; quote reference {reference} when reporting it"),
                    "INTERNAL",
                )],
                lang,
            )
        }
    }
}

/// The largest WebSocket message a client may send (a subscription with its variables).
const WS_MESSAGE_BYTES: usize = 64 << 10;

/// Subscriptions one WebSocket may hold open at once: a dashboard follows a few grants; more
/// would let one connection make the server evaluate without bound on every write.
const WS_MAX_SUBSCRIPTIONS: usize = 20;

/// The close code for a connection that asked for more than [`WS_MAX_SUBSCRIPTIONS`] (4400 is
/// graphql-transport-ws's code for a message the server will not accept).
const WS_TOO_MANY: u16 = 4400;

/// The ids of a connection's open subscriptions, kept from the client's messages (subscribe,
/// complete; the older protocol's start, stop) and the server's (complete, error).
#[derive(Default)]
struct OpenSubscriptions(std::collections::HashSet<String>);

impl OpenSubscriptions {
    /// A client's message; false when it would open one subscription too many.
    fn client(&mut self, message: &[u8]) -> bool {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(message) else {
            return true;
        };
        match (v["type"].as_str(), v["id"].as_str()) {
            (Some("subscribe" | "start"), Some(id)) => {
                if !self.0.contains(id) && self.0.len() >= WS_MAX_SUBSCRIPTIONS {
                    return false;
                }
                self.0.insert(id.to_owned());
                true
            }
            (Some("complete" | "stop"), Some(id)) => {
                self.0.remove(id);
                true
            }
            _ => true,
        }
    }

    /// The server's message: a subscription that has completed or failed is no longer open.
    fn server(&mut self, message: &str) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(message) else {
            return;
        };
        if let (Some("complete" | "error"), Some(id)) = (v["type"].as_str(), v["id"].as_str()) {
            self.0.remove(id);
        }
    }
}

/// GET /graphql/ws: GraphQL subscriptions over WebSocket, in the graphql-transport-ws protocol
/// (and the older graphql-ws). The caller's token comes as `Authorization: Bearer` on the upgrade
/// request, or in `connection_init`'s payload as `{"Authorization": "Bearer …"}` or
/// `{"token": "…"}` (browsers cannot set headers on a WebSocket); without a valid one the
/// connection is refused. Messages are in the upgrade request's language.
#[handler]
async fn graphql_ws(
    schema: Data<&AppSchema>,
    db: Data<&DatabaseConnection>,
    http: &poem::Request,
    ws: poem::web::websocket::WebSocket,
) -> impl IntoResponse {
    use futures_util::{SinkExt, StreamExt};
    use poem::web::websocket::{CloseCode, Message};
    let protocol = ws_protocol(http);
    let header_token = bearer(http).map(str::to_owned);
    let trust = http
        .extensions()
        .get::<std::sync::Arc<dyn crate::web::ConnectionTrust>>()
        .cloned();
    let place = http
        .extensions()
        .get::<std::sync::Arc<crate::conns::Place>>()
        .cloned();
    // The token the connection was opened with, checked again before every event and every
    // few seconds, so a revoked token's subscriptions end at once.
    let opened_with: std::sync::Arc<std::sync::Mutex<Option<String>>> = Default::default();
    let recorded = opened_with.clone();
    let recheck_db = db.clone();
    let lang = request_lang(http);
    let (schema, db) = (schema.clone(), db.clone());
    // A subscription's message is a small query; a client may not make the server buffer more.
    let config = poem::web::websocket::WebSocketConfig::default()
        .max_message_size(Some(WS_MESSAGE_BYTES))
        .max_frame_size(Some(WS_MESSAGE_BYTES));
    ws.protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .config(config)
        .on_upgrade(move |socket| async move {
            let (mut sink, stream) = socket.split();
            let open = std::sync::Arc::new(std::sync::Mutex::new(OpenSubscriptions::default()));
            let over = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let (counted, refused) = (open.clone(), over.clone());
            let incoming = stream
                .take_while(|m| std::future::ready(m.is_ok()))
                .filter_map(|m| {
                    std::future::ready(match m {
                        Ok(Message::Text(t)) => Some(t.into_bytes()),
                        Ok(Message::Binary(b)) => Some(b),
                        _ => None,
                    })
                })
                // One subscription too many ends the connection (closed with WS_TOO_MANY below).
                .take_while(move |m| {
                    let ok = counted.lock().map(|mut o| o.client(m)).unwrap_or(false);
                    if !ok {
                        refused.store(true, std::sync::atomic::Ordering::SeqCst);
                    }
                    std::future::ready(ok)
                });
            let mut outgoing = async_graphql::http::WebSocket::new(schema, incoming, protocol)
                .on_connection_init(move |payload| async move {
                    let token = payload_token(&payload).or(header_token);
                    let principal = crate::auth::authenticate(&db, token.as_deref())
                        .await
                        .map_err(async_graphql::Error::from)?;
                    if let Ok(mut t) = recorded.lock() {
                        *t = token;
                    }
                    if let Some(t) = trust {
                        t.trust();
                    }
                    let mut data = async_graphql::Data::default();
                    data.insert(principal);
                    data.insert(lang);
                    Ok(data)
                });
            let mut recheck = tokio::time::interval(WS_RECHECK);
            let evicted = until_evicted(place);
            tokio::pin!(evicted);
            let init_due = tokio::time::sleep(WS_INIT_DEADLINE);
            tokio::pin!(init_due);
            loop {
                let m = tokio::select! {
                    m = outgoing.next() => match m {
                        Some(m) => m,
                        None => break,
                    },
                    // Closed to make room for a new connection while still anonymous.
                    () = &mut evicted => break,
                    // graphql-transport-ws: no `connection_init` in time closes with 4408.
                    () = &mut init_due, if !initialised(&opened_with) => {
                        let _ = sink
                            .send(Message::Close(Some((
                                CloseCode::from(WS_INIT_TIMEOUT),
                                "connection initialisation timeout".into(),
                            ))))
                            .await;
                        break;
                    }
                    _ = recheck.tick() => {
                        if !still_valid(&recheck_db, &opened_with).await {
                            let _ = sink.send(revoked()).await;
                            break;
                        }
                        continue;
                    }
                };
                if matches!(&m, async_graphql::http::WsMessage::Text(t) if t.contains("\"next\""))
                    && !still_valid(&recheck_db, &opened_with).await
                {
                    let _ = sink.send(revoked()).await;
                    break;
                }
                let m = to_message(m, &open);
                if sink.send(m).await.is_err() {
                    break;
                }
            }
            if over.load(std::sync::atomic::Ordering::SeqCst) {
                let _ = sink.send(too_many()).await;
            }
        })
}

/// Resolves when the connection governor closes this connection to make room (never for a
/// request driven in process, which has no place).
async fn until_evicted(place: Option<std::sync::Arc<crate::conns::Place>>) {
    match place {
        Some(p) => p.evicted.notified().await,
        None => std::future::pending().await,
    }
}

/// The subprotocol the client asked for (graphql-transport-ws or the older graphql-ws).
fn ws_protocol(http: &poem::Request) -> async_graphql::http::WebSocketProtocols {
    http.headers()
        .get("sec-websocket-protocol")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',').find_map(|p| {
                p.trim()
                    .parse::<async_graphql::http::WebSocketProtocols>()
                    .ok()
            })
        })
        .unwrap_or(async_graphql::http::WebSocketProtocols::GraphQLWS)
}

/// A message of the schema's WebSocket as poem sends it; a text message is counted against the
/// connection's open subscriptions first.
fn to_message(
    m: async_graphql::http::WsMessage,
    open: &std::sync::Mutex<OpenSubscriptions>,
) -> poem::web::websocket::Message {
    use poem::web::websocket::{CloseCode, Message};
    match m {
        async_graphql::http::WsMessage::Text(t) => {
            if let Ok(mut o) = open.lock() {
                o.server(&t);
            }
            Message::Text(t)
        }
        async_graphql::http::WsMessage::Close(code, reason) => {
            Message::Close(Some((CloseCode::from(code), reason)))
        }
    }
}

/// The close that ends a connection asking for one subscription too many.
fn too_many() -> poem::web::websocket::Message {
    use poem::web::websocket::{CloseCode, Message};
    let reason = format!(
        "at most {WS_MAX_SUBSCRIPTIONS} subscriptions per connection / højst {WS_MAX_SUBSCRIPTIONS} abonnementer pr. forbindelse"
    );
    Message::Close(Some((CloseCode::from(WS_TOO_MANY), reason)))
}

/// How long a WebSocket may stay open without a `connection_init` that names a valid token.
const WS_INIT_DEADLINE: Duration = Duration::from_secs(10);

/// graphql-transport-ws's close code for a connection that did not initialise in time.
const WS_INIT_TIMEOUT: u16 = 4408;

fn initialised(token: &std::sync::Mutex<Option<String>>) -> bool {
    token.lock().is_ok_and(|t| t.is_some())
}

/// How often an open WebSocket's token is checked when no event is being sent.
const WS_RECHECK: Duration = Duration::from_secs(5);

/// The close code for a connection whose token was revoked or expired (graphql-transport-ws's
/// "Forbidden").
const WS_REVOKED: u16 = 4403;

/// Whether the token a WebSocket was opened with still authenticates (true before
/// `connection_init`, which authenticates it first).
async fn still_valid(db: &DatabaseConnection, token: &std::sync::Mutex<Option<String>>) -> bool {
    let token = token.lock().ok().and_then(|t| t.clone());
    match token {
        None => true,
        Some(t) => crate::auth::authenticate(db, Some(&t)).await.is_ok(),
    }
}

fn revoked() -> poem::web::websocket::Message {
    poem::web::websocket::Message::Close(Some((
        poem::web::websocket::CloseCode::from(WS_REVOKED),
        "the token was revoked or has expired / tokenet er tilbagekaldt eller udløbet".into(),
    )))
}

/// A WebSocket's `connection_init` payload's token, as an `Authorization` header value.
fn payload_token(payload: &serde_json::Value) -> Option<String> {
    let header = payload
        .get("Authorization")
        .or_else(|| payload.get("authorization"))
        .and_then(|v| v.as_str());
    match header {
        Some(h) => Some(h.to_owned()),
        None => Some(format!("Bearer {}", payload.get("token")?.as_str()?)),
    }
}

/// The query console: one page of our own, compiled into the binary. GraphiQL's page loads its
/// scripts from a CDN, which shows a blank page offline and tells a third party who is using a
/// public-sector tool; this one requests nothing from any other host.
const CONSOLE: &str = include_str!("console.html");

#[handler]
fn console() -> Html<&'static str> {
    Html(CONSOLE)
}

/// GET / sends a browser on to the query console: besides /healthz, the console is the only thing
/// that answers without a token.
#[handler]
fn index() -> poem::web::Redirect {
    // A person lands in the app (their home, or the sign-in page); the console is at /graphql.
    poem::web::Redirect::see_other("/app")
}

/// An address no route serves answers the web app's Danish 404 page.
async fn unknown_addresses<E: Endpoint>(
    ep: std::sync::Arc<E>,
    req: poem::Request,
) -> poem::Result<poem::Response> {
    let lang = crate::web::lang_of(&req);
    match ep.call(req).await {
        Err(e) if e.is::<poem::error::NotFoundError>() => Ok(crate::web::unknown_address(lang)),
        other => other.map(IntoResponse::into_response),
    }
}

#[handler]
async fn healthz(db: Data<&DatabaseConnection>) -> poem::Response {
    match db.ping().await {
        Ok(()) => Json(json!({ "status": "ok", "database": "ok" })).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": "unreachable" })),
            )
                .into_response()
        }
    }
}

/// The web app's forms are small: a form body is read up to 64 KiB, declared length or not
/// (chunked), and a longer one is answered 413 without reading the rest.
const FORM_LIMIT: usize = 64 * 1024;

async fn bounded_form<E: Endpoint>(
    ep: std::sync::Arc<E>,
    req: poem::Request,
) -> poem::Result<poem::Response> {
    bounded_body(ep, req, FORM_LIMIT).await
}

/// Reads the body up to `limit` bytes before the endpoint sees it; a longer one is answered 413
/// without reading the rest.
/// The body must arrive within [`HttpLimits::body_deadline`] of its declared length (else of
/// `limit`), so a client trickling a byte now and then is let go; that answers 408.
async fn bounded_body<E: Endpoint>(
    ep: std::sync::Arc<E>,
    mut req: poem::Request,
    limit: usize,
) -> poem::Result<poem::Response> {
    let limits = req.data::<HttpLimits>().copied().unwrap_or_default();
    let declared = req
        .header(poem::http::header::CONTENT_LENGTH)
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Ok(StatusCode::PAYLOAD_TOO_LARGE.into_response());
    }
    let deadline = limits.body_deadline(declared.unwrap_or(limit));
    match tokio::time::timeout(deadline, req.take_body().into_bytes_limit(limit)).await {
        Ok(Ok(bytes)) => {
            req.set_body(bytes);
            ep.call(req).await.map(IntoResponse::into_response)
        }
        Ok(Err(poem::error::ReadBodyError::PayloadTooLarge)) => {
            Ok(StatusCode::PAYLOAD_TOO_LARGE.into_response())
        }
        Ok(Err(_)) | Err(_) => Ok(StatusCode::REQUEST_TIMEOUT.into_response()),
    }
}

/// The payroll import form's body: one file of at most the import limit and a few fields.
async fn bounded_upload<E: Endpoint>(
    ep: std::sync::Arc<E>,
    req: poem::Request,
) -> poem::Result<poem::Response> {
    bounded_body(ep, req, UPLOAD_BODY_BYTES).await
}

/// All routes with the default HTTP limits, ready to serve or to drive in tests.
pub fn app(db: DatabaseConnection, schema: AppSchema) -> impl Endpoint {
    app_with(db, schema, HttpLimits::default())
}

/// All routes, with no cross-origin access.
pub fn app_with(db: DatabaseConnection, schema: AppSchema, limits: HttpLimits) -> impl Endpoint {
    app_full(
        db,
        schema,
        limits,
        crate::ops::CorsOrigins::Off,
        Default::default(),
    )
}

/// All routes, with a request id and metrics on every request, CORS for `cors`, and the web
/// app's proxies and cookies as `web` says.
pub fn app_full(
    db: DatabaseConnection,
    schema: AppSchema,
    limits: HttpLimits,
    cors: crate::ops::CorsOrigins,
    web: crate::config::WebConfig,
) -> impl Endpoint {
    app_with_mail(db, schema, limits, cors, web, Default::default())
}

/// [`app_full`], and e-mails with links to set a new password sent through `mail`.
pub fn app_with_mail(
    db: DatabaseConnection,
    schema: AppSchema,
    limits: HttpLimits,
    cors: crate::ops::CorsOrigins,
    web: crate::config::WebConfig,
    mail: crate::web::password::PasswordMailer,
) -> impl Endpoint {
    // Installed before the first request, so the first scrape already lists every series.
    let _ = crate::ops::prometheus();
    let routes = service_routes(Route::new());
    let routes = people_page_routes(grant_page_routes(account_routes(routes)));
    routes
        .data(schema)
        .data(std::sync::Arc::new(crate::web::CsrfKey::new(db.clone())))
        .data(db)
        .data(limits)
        .data(web)
        .data(mail)
        .data(std::sync::Arc::new(crate::web::Attempts::default()))
        .around(unknown_addresses)
        .with(crate::ops::CrossOrigin(cors))
        .with(Tracing)
        .with(catch_panics())
        .with(crate::ops::RequestIds)
}

/// The API, its console and live updates, the probes and metrics, and the exports.
fn service_routes(routes: Route) -> Route {
    routes
        .at("/", get(index))
        .at("/graphql", get(console).post(graphql))
        .at("/graphql/ws", get(graphql_ws))
        .at("/healthz", get(healthz))
        .at("/livez", get(crate::ops::livez))
        .at("/readyz", get(crate::ops::readyz))
        .at("/metrics", get(crate::ops::metrics_page))
        .at(
            "/exports/lbf-report.csv",
            get(crate::downloads::lbf_report_csv),
        )
        .at(
            "/exports/lbf-report.xlsx",
            get(crate::downloads::lbf_report_xlsx),
        )
        .at(
            "/exports/grant-months.csv",
            get(crate::downloads::grant_months_csv),
        )
        .at(
            "/exports/grant-months.xlsx",
            get(crate::downloads::grant_months_xlsx),
        )
}

/// Signing in and out, invitations, forgotten passwords, the language switch and the design
/// system's files.
fn account_routes(routes: Route) -> Route {
    routes
        .at(
            "/login",
            get(crate::web::login_page).post(crate::web::login.around(bounded_form)),
        )
        .at(
            "/logout",
            poem::post(crate::web::logout.around(bounded_form)),
        )
        .at(
            "/invitation",
            get(crate::web::invitation_page)
                .post(crate::web::accept_invitation.around(bounded_form)),
        )
        .at(
            "/password/forgot",
            get(crate::web::password::forgot_page)
                .post(crate::web::password::send_link.around(bounded_form)),
        )
        .at("/lang", get(crate::web::switch_lang))
        .at(
            format!("{}/*path", crate::web::assets::DKFDS_PATH),
            get(crate::web::assets::dkfds),
        )
}

/// The web app's home and its pages of grants, contracts, LBF reports, set-up and users.
fn grant_page_routes(routes: Route) -> Route {
    routes
        .at("/app", get(crate::web::pages::home::app_home))
        .at("/app/grants/:id", get(crate::web::pages::grant::grant_page))
        .at(
            "/app/grants/:id/contracts",
            get(crate::web::pages::contracts::contracts_list)
                .post(crate::web::pages::contracts::create_contract.around(bounded_form)),
        )
        .at(
            "/app/grants/:id/residents",
            poem::post(crate::web::pages::grant::set_resident_targets.around(bounded_form)),
        )
        .at(
            "/app/grants/:id/contracts/documentation",
            poem::post(crate::web::pages::contracts::record_documentation.around(bounded_form)),
        )
        .at(
            "/app/grants/:id/contracts/:contract",
            get(crate::web::pages::contracts::edit_contract_page)
                .post(crate::web::pages::contracts::update_contract.around(bounded_form)),
        )
        .at(
            "/app/grants/:id/contracts/:contract/archive",
            poem::post(crate::web::pages::contracts::archive_contract.around(bounded_form)),
        )
        .at(
            "/app/grants/:id/lbf",
            get(crate::web::pages::grants::lbf_page)
                .post(crate::web::pages::grants::submit_report.around(bounded_form)),
        )
        .at("/app/ranking", get(crate::web::pages::grants::ranking_page))
        .at("/app/setup", get(crate::web::pages::setup::setup_page))
        .at("/app/users", get(crate::web::pages::users::users_page))
        .at(
            "/app/users/invite",
            poem::post(crate::web::pages::users::invite.around(bounded_form)),
        )
        .at(
            "/app/users/reset",
            poem::post(crate::web::pages::users::reset.around(bounded_form)),
        )
        .at(
            "/app/setup/organisation",
            poem::post(crate::web::pages::setup::create_organisation.around(bounded_form)),
        )
        .at(
            "/app/setup/estate",
            poem::post(crate::web::pages::setup::create_estate.around(bounded_form)),
        )
        .at(
            "/app/setup/grant",
            poem::post(crate::web::pages::setup::create_grant.around(bounded_form)),
        )
        .at(
            "/app/setup/estates/:id",
            get(crate::web::pages::setup::edit_estate_page)
                .post(crate::web::pages::setup::update_estate.around(bounded_form)),
        )
        .at(
            "/app/setup/grants/:id",
            get(crate::web::pages::setup::edit_grant_page)
                .post(crate::web::pages::setup::update_grant.around(bounded_form)),
        )
        .at(
            "/app/setup/contractor",
            poem::post(crate::web::pages::setup::create_contractor.around(bounded_form)),
        )
}

/// The web app's pages of people in training, trials, follow-up groups, hours, reminders and
/// the payroll import.
fn people_page_routes(routes: Route) -> Route {
    routes
        .at(
            "/app/trainees",
            get(crate::web::pages::trainees::trainees_page),
        )
        .at(
            "/app/trainees/person",
            poem::post(crate::web::pages::trainees::create_person.around(bounded_form)),
        )
        .at(
            "/app/trainees/placement",
            poem::post(crate::web::pages::trainees::create_placement.around(bounded_form)),
        )
        .at(
            "/app/trials",
            get(crate::web::pages::trials::trials_list)
                .post(crate::web::pages::trials::create_trial.around(bounded_form)),
        )
        .at(
            "/app/trials/person",
            poem::post(crate::web::pages::trials::create_participant.around(bounded_form)),
        )
        .at(
            "/app/trials/outcome",
            poem::post(crate::web::pages::trials::record_outcome.around(bounded_form)),
        )
        .at(
            "/app/trials/three-month",
            poem::post(crate::web::pages::trials::record_three_month.around(bounded_form)),
        )
        .at(
            "/app/groups",
            get(crate::web::pages::groups::groups_list)
                .post(crate::web::pages::groups::create_group.around(bounded_form)),
        )
        .at(
            "/app/groups/:id",
            get(crate::web::pages::groups::group_view)
                .post(crate::web::pages::groups::create_meeting.around(bounded_form)),
        )
        .at(
            "/app/groups/:id/members",
            poem::post(crate::web::pages::groups::create_member.around(bounded_form)),
        )
        .at(
            "/app/groups/:id/members/:member/archive",
            poem::post(crate::web::pages::groups::archive_member.around(bounded_form)),
        )
        .at(
            "/app/hours",
            get(crate::web::pages::hours::hours_page)
                .post(crate::web::pages::hours::report_hours.around(bounded_form)),
        )
        .at(
            "/app/hours/month",
            get(crate::web::pages::month::month_page)
                .post(crate::web::pages::month::decide.around(bounded_form)),
        )
        .at(
            "/app/hours/no-activity",
            poem::post(crate::web::pages::hours::declare_no_activity.around(bounded_form)),
        )
        .at(
            "/app/reminders",
            get(crate::web::pages::reminders::reminders_page)
                .post(crate::web::pages::reminders::save_reminders.around(bounded_form)),
        )
        .at(
            "/app/import",
            get(crate::web::pages::import::import_page)
                .post(crate::web::pages::import::import_file.around(bounded_upload)),
        )
}

/// A panic while a request is served answers a coded INTERNAL error as JSON with HTTP 500 and a
/// reference that is in the log, instead of an empty body; the server goes on.
pub fn catch_panics()
-> poem::middleware::CatchPanic<fn(Box<dyn std::any::Any + Send>) -> poem::Response> {
    fn answer(cause: Box<dyn std::any::Any + Send>) -> poem::Response {
        let reference = uuid::Uuid::new_v4();
        let cause = cause
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| cause.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing::error!(%reference, %cause, "a request panicked");
        crate::ops::record_errors(&["INTERNAL".to_owned()]);
        let body = async_graphql::Response::from_errors(vec![coded_error(
            &format!("internal error; quote reference {reference} when reporting it"),
            "INTERNAL",
        )]);
        (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
    }
    poem::middleware::CatchPanic::new().with_handler(answer as fn(_) -> _)
}

/// Serves until Ctrl-C or SIGTERM, then lets requests in flight finish (up to 10 s).
pub async fn serve(config: &Config, db: DatabaseConnection) -> anyhow::Result<()> {
    config.caches.apply();
    let gate = crate::db::WriteGate::for_connection(&db);
    let schema = crate::graphql::build_schema_full(
        db.clone(),
        config.page_limits,
        config.query_limits,
        gate.clone(),
        crate::reminders::WebhookPolicy {
            allow_private_targets: config.reminders.allow_private_targets,
        },
    );
    let scheduler = if config.reminders.enabled {
        let r = crate::notifier::Reminders::new(db.clone(), gate, config.reminders.clone())?;
        tracing::info!(
            every_secs = config.reminders.interval.as_secs(),
            email = config.reminders.smtp.is_some(),
            "sending reminders"
        );
        Some(r.spawn())
    } else {
        None
    };
    let password_mail = crate::web::password::PasswordMailer(match &config.reminders.smtp {
        Some(smtp) => Some(std::sync::Arc::new(crate::notifier::send::Mailer::new(
            smtp,
        )?)),
        None => None,
    });
    let listener = tokio::net::TcpListener::bind(config.bind_addr).await?;
    tracing::info!(addr = %config.bind_addr, "serving GraphQL on /graphql (the query console in a browser)");
    let limits = config.http_limits;
    serve_on(
        listener,
        app_with_mail(
            db,
            schema,
            limits,
            config.cors_origins.clone(),
            config.web.clone(),
            password_mail,
        ),
        limits,
        shutdown_signal(),
    )
    .await?;
    if let Some(s) = scheduler {
        s.abort();
    }
    tracing::info!("stopped");
    Ok(())
}

/// The accept loop. Every connection gets a deadline for its first request's headers from the
/// moment it is accepted, hyper's deadline for the headers of later ones (which also closes
/// kept-alive connections that start no new request, and slowloris clients that trickle
/// headers), an idle timeout on the socket, and a place from the [`crate::conns::Governor`]: new
/// connections are always accepted, and when too many are open the oldest anonymous one is
/// closed, so idle or trickling connections never lock out signed-in clients or `/livez`.
/// After `shutdown` resolves, no new connection is accepted and those open get up to 10 s to finish.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    endpoint: impl Endpoint + 'static,
    limits: HttpLimits,
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use poem::web::{LocalAddr, RemoteAddr};

    let endpoint = std::sync::Arc::new(endpoint.map_to_response().boxed());
    let governor = crate::conns::Governor::new(crate::conns::Bounds {
        total: limits.max_connections,
        anonymous: limits.max_anonymous_connections,
        anonymous_per_address: limits.max_anonymous_per_address,
    });
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let local = listener.local_addr()?;
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    builder.http2().timer(TokioTimer::new());
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(err) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(place) = governor.admit(remote.ip()) else {
            tracing::warn!(%remote, "every connection is taken by signed-in clients; closing a new one");
            continue;
        };
        // A kept answer goes out in pieces (see `graphql::Splices`); with Nagle's algorithm the
        // last small piece waited for the client's delayed ACK, 40 ms on Linux.
        if let Err(err) = stream.set_nodelay(true) {
            tracing::debug!(error = %err, "could not set TCP_NODELAY");
        }
        let endpoint = endpoint.clone();
        let trust: std::sync::Arc<dyn crate::web::ConnectionTrust> =
            std::sync::Arc::new(place.trust_handle());
        // Shared with a WebSocket the connection is upgraded to, which outlives hyper's
        // connection future: the socket keeps the place, and gives it up when closed to make room.
        let place = std::sync::Arc::new(place);
        let held = place.clone();
        let started = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let first = started.clone();
        let service =
            hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let endpoint = endpoint.clone();
                first.store(true, std::sync::atomic::Ordering::Relaxed);
                let trust = trust.clone();
                let held = held.clone();
                async move {
                    let mut req = poem::Request::from((
                        req,
                        LocalAddr(poem::Addr::SocketAddr(local)),
                        RemoteAddr(poem::Addr::SocketAddr(remote)),
                        poem::http::uri::Scheme::HTTP,
                    ));
                    req.extensions_mut().insert(trust);
                    req.extensions_mut().insert(held);
                    let resp = endpoint.get_response(req).await;
                    Ok::<_, std::convert::Infallible>(hyper::Response::<
                        http_body_util::combinators::BoxBody<bytes::Bytes, std::io::Error>,
                    >::from(resp))
                }
            });
        let io = TokioIo::new(IdleTimeout::new(stream, limits.idle_timeout));
        let conn = builder
            .serve_connection_with_upgrades(io, service)
            .into_owned();
        let conn = graceful.watch(conn);
        let header_timeout = limits.header_timeout;
        tokio::spawn(async move {
            let evicted = place.evicted.clone();
            // The first request's headers are due `header_timeout` after accept, whether or not
            // a byte has come (hyper's own deadline starts with the first byte).
            let first_due = async {
                tokio::time::sleep(header_timeout).await;
                if started.load(std::sync::atomic::Ordering::Relaxed) {
                    std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                ended = conn => if let Err(err) = ended {
                    tracing::debug!(error = %err, "connection ended with an error");
                },
                () = evicted.notified() => tracing::debug!(%remote, "closed to make room for a new connection"),
                () = first_due => tracing::debug!(%remote, "no request within the header deadline"),
            }
            drop(place);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(10)) => {
            tracing::warn!("connections still open after 10 s; stopping anyway");
        }
    }
    Ok(())
}

/// A socket that fails with `TimedOut` once nothing has been read from or written to it for the
/// given time, so a connection stuck mid-body or never reading its answer is let go.
struct IdleTimeout<S> {
    inner: S,
    limit: Duration,
    deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
}

impl<S> IdleTimeout<S> {
    fn new(inner: S, limit: Duration) -> Self {
        Self {
            inner,
            limit,
            deadline: Box::pin(tokio::time::sleep(limit)),
        }
    }

    /// After a read or write was polled: activity moves the deadline on; waiting past it fails
    /// the connection with `TimedOut`.
    fn after<T>(
        &mut self,
        polled: std::task::Poll<std::io::Result<T>>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<T>> {
        use std::task::Poll;
        match polled {
            Poll::Ready(r) => {
                let next = tokio::time::Instant::now() + self.limit;
                self.deadline.as_mut().reset(next);
                Poll::Ready(r)
            }
            Poll::Pending => match self.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "connection idle for too long",
                ))),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl<S: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for IdleTimeout<S> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let this = &mut *self;
        let polled = std::pin::Pin::new(&mut this.inner).poll_read(cx, buf);
        this.after(polled, cx)
    }
}

impl<S: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for IdleTimeout<S> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let this = &mut *self;
        let polled = std::pin::Pin::new(&mut this.inner).poll_write(cx, buf);
        this.after(polled, cx)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received; finishing requests in flight");
}

#[cfg(test)]
mod panic_tests {
    use poem::{EndpointExt, handler, test::TestClient};

    #[handler]
    fn boom() -> &'static str {
        panic!("a bug");
    }

    #[tokio::test]
    async fn a_panic_answers_a_coded_internal_error() {
        let client = TestClient::new(boom.with(super::catch_panics()));
        let res = client.get("/").send().await;
        res.assert_status(poem::http::StatusCode::INTERNAL_SERVER_ERROR);
        let body: serde_json::Value =
            serde_json::from_str(&res.0.into_body().into_string().await.unwrap()).unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.starts_with("internal error; quote reference "),
            "{message}"
        );
        assert!(!message.contains("a bug"), "the cause stays in the log");
    }
}

#[cfg(test)]
mod ws_tests {
    #[test]
    fn a_connection_holds_at_most_twenty_open_subscriptions() {
        use super::OpenSubscriptions;
        let sub = |id: usize| format!(r#"{{"type":"subscribe","id":"{id}","payload":{{}}}}"#);
        let mut o = OpenSubscriptions::default();
        for id in 0..20 {
            assert!(o.client(sub(id).as_bytes()), "{id}");
        }
        assert!(!o.client(sub(20).as_bytes()));
        // Repeating an open id is not a new subscription; pings are not counted.
        assert!(o.client(sub(3).as_bytes()));
        assert!(o.client(br#"{"type":"ping"}"#));
        // Completed by the client, or ended by the server: room again.
        assert!(o.client(br#"{"type":"complete","id":"0"}"#));
        assert!(o.client(sub(20).as_bytes()));
        o.server(r#"{"type":"error","id":"1","payload":[]}"#);
        assert!(o.client(sub(21).as_bytes()));
        assert!(!o.client(sub(22).as_bytes()));
        // The older protocol's words count the same.
        let mut old = OpenSubscriptions::default();
        for id in 0..20 {
            assert!(old.client(format!(r#"{{"type":"start","id":"{id}"}}"#).as_bytes()));
        }
        assert!(!old.client(br#"{"type":"start","id":"x"}"#));
        assert!(old.client(br#"{"type":"stop","id":"5"}"#));
        assert!(old.client(br#"{"type":"start","id":"x"}"#));
    }

    use super::payload_token;
    use serde_json::json;

    #[test]
    fn a_websocket_token_comes_as_a_header_value_or_bare() {
        assert_eq!(
            payload_token(&json!({ "Authorization": "Bearer sct_x" })).as_deref(),
            Some("Bearer sct_x")
        );
        assert_eq!(
            payload_token(&json!({ "token": "sct_x" })).as_deref(),
            Some("Bearer sct_x")
        );
        assert_eq!(payload_token(&json!({})), None);
        assert_eq!(payload_token(&json!({ "token": 7 })), None);
    }
}
