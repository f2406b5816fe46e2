//! The web app: server-rendered pages in Danish (and English), one more client of the GraphQL
//! schema, which it asks with the signed-in person's own principal, so a page shows exactly what
//! that person's scope allows.
//!
//! - [`session`]: signing in and out, invitations, the session and its CSRF token, the limits on
//!   sign-in attempts; the extractors every page handler takes, [`SignedIn`] (the session, or
//!   the redirect to sign in) and [`SignedForm`] (a posted form whose CSRF token is the
//!   session's, or the refusal), so the check is written once.
//! - [`layout`]: the frame every page shares, error pages, and the helpers that ask the schema
//!   and show its numbers, dates and statuses; [`cookies`]; [`charts`] (SVG, each with a table).
//! - [`pages`]: one module per page or feature (portfolio, grant, contractor, hours, trials and
//!   følgegruppe, reminders, payroll import).
//! - [`queries`]: the pages' GraphQL operations as types cynic checks against `schema.graphql`
//!   when this crate compiles; every page asks through them (a test refuses a query string).
//! - [`assets`]: Det Fælles Designsystem's stylesheet, fonts and icons, compiled in and served.
//! - [`password`]: a forgotten password, by a single-use link sent by e-mail.
//! - [`config`]: where the app is served (trusted proxies, Secure cookies, the public address).

// The merged GraphQL schema's resolver futures nest deeper than the default limit of 128.
#![recursion_limit = "256"]

pub mod assets;
pub mod charts;
pub mod config;
pub mod cookies;
pub mod layout;
pub mod pages;
pub mod password;
pub mod queries;
pub mod session;
pub mod text;

// What the pages and the server's routes use, from one place.
pub use cookies::{CSRF_COOKIE, LANG_COOKIE, SESSION_COOKIE};
pub use layout::*;
pub use session::*;
pub use tracker_core::accounts::Session;
