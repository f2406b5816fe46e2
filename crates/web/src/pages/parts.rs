//! Pieces the forms of several pages share: a labelled text field with its refusal, and the
//! receipt (kvittering) a saved form ends on, with its time and reference.

use chrono::{DateTime, Utc};
use maud::{Markup, html};
use poem::Response;
use uuid::Uuid;

use crate::{redirect, t};
use engine::i18n::Lang;

/// A moment as the person reads it: its Danish date and clock time ("6. december 2026 kl. 19:07").
pub fn moment(l: Lang, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&chrono_tz::Europe::Copenhagen);
    format!(
        "{} {} {}",
        engine::i18n::date(l, local.date_naive()),
        t(l, "at-clock"),
        local.format("%H:%M")
    )
}

/// A text field with its label, its refusal (if any) next to it, and what was typed.
pub fn field(
    l: Lang,
    id: &str,
    label: &'static str,
    value: &str,
    error: Option<&str>,
    attrs: (&str, usize),
) -> Markup {
    let (inputmode, maxlength) = attrs;
    html! {
        label.form-label for=(id) { (t(l, label)) }
        @if let Some(m) = error { span.form-error-message id={ (id) "-error" } { (m) } }
        input.form-input id=(id) name=(id) value=(value) inputmode=(inputmode) maxlength=(maxlength)
            aria-invalid=[error.map(|_| "true")] aria-describedby={ (id) "-error" };
    }
}

/// The receipt's part of a page's address after a saved form (see [`to_receipt`]).
/// Read leniently: an address edited by hand shows the page without the part that does not
/// read, never a bare error.
#[derive(serde::Deserialize)]
pub struct Receipt {
    pub done: Option<String>,
    r#ref: Option<String>,
    at: Option<String>,
}

impl Receipt {
    /// A receipt read from an address whose query has more than the receipt's part.
    pub fn of(done: Option<String>, reference: Option<String>, at: Option<String>) -> Self {
        Self {
            done,
            r#ref: reference,
            at,
        }
    }

    /// The new record's reference, if the address carries one that reads.
    pub fn reference(&self) -> Option<Uuid> {
        self.r#ref.as_deref().and_then(|r| r.parse().ok())
    }

    /// When the form was saved, if the address carries a time that reads.
    pub fn at(&self) -> Option<DateTime<Utc>> {
        self.at
            .as_deref()
            .and_then(|a| DateTime::parse_from_rfc3339(a).ok())
            .map(|a| a.with_timezone(&Utc))
    }
}

/// The receipt of a saved form: what was saved, when, and the new record's reference.
pub fn receipt(l: Lang, what: &str, at: Option<DateTime<Utc>>, reference: Option<Uuid>) -> Markup {
    html! {
        div.alert.alert-success role="status" id="receipt" {
            div.alert-body {
                p.alert-heading { (t(l, "receipt")) }
                p.alert-text {
                    (what)
                    @if let Some(at) = at { " " (t(l, "registered-at")) " " (moment(l, at)) "." }
                    @if let Some(id) = reference { " " (t(l, "reference")) ": " code { (id) } }
                }
            }
        }
    }
}

/// After a saved form: back to `page` with the receipt's what, reference and time (the page
/// shows them; a forged address fools only the person who typed it).
pub fn to_receipt(page: &str, what: &str, id: Uuid) -> Response {
    redirect(&format!("{page}?{}", receipt_query(what, id)), vec![])
}

/// The receipt's part of an address (`done`, `ref`, `at`: now), for a page whose address has
/// more in its query.
pub fn receipt_query(what: &str, id: Uuid) -> String {
    let at = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    format!("done={what}&ref={id}&at={at}")
}

/// A page's receipt for `what` was saved, with the time and reference its address carries.
pub fn receipt_for(l: Lang, what: Option<&str>, r: &Receipt) -> Option<Markup> {
    what.map(|w| receipt(l, w, r.at(), r.reference()))
}
