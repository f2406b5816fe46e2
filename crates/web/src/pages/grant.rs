//! GET /app/grants/{id}: one grant's status, key numbers, charts (each with its table) and
//! findings grouped by rule, from a typed query ([`crate::queries::grant`]).

use crate::session::{SignedForm, SignedIn};
use maud::{Markup, PreEscaped, html};
use poem::http::StatusCode;
use poem::web::Data;
use poem::{Response, handler};
use rust_decimal::Decimal;

use crate::layout::*;
use crate::queries::grant::{
    CompliancePoint, Grant, GrantCompliance, GrantPage, GrantVars, ResidentTargetsInput,
    ResidentTargetsVars, SetResidentTargets,
};
use crate::queries::{Rule, Severity};
use crate::{Session, t_with};
use engine::i18n::Lang;
use serde::Deserialize;
use tracker_graphql::AppSchema;

crate::session::carries_csrf!(TargetsForm);

/// A severity in the page's language.
fn severity_name(l: Lang, severity: Severity) -> &'static str {
    match severity {
        Severity::Breach => t(l, "breach"),
        Severity::Warning => t(l, "warning"),
        Severity::Info => t(l, "information"),
    }
}

/// What a rule is about, for the findings' headings: "R6 Månedsindberetning af timer", the name
/// the rule's own module gives.
fn rule_name(l: Lang, rule: Rule) -> String {
    let engine_rule = rule.engine();
    match engine::compliance::rules::def(engine_rule) {
        Some(d) => format!("{engine_rule:?} {}", d.name(l)),
        None => format!("{engine_rule:?}"),
    }
}

fn float(v: Option<Decimal>) -> Option<f64> {
    use rust_decimal::prelude::ToPrimitive;
    v.and_then(|d| d.to_f64())
}

/// GET /app/grants/{id}: one grant's status, key numbers, charts (each with its table) and
/// findings grouped by rule, all from the schema with the signed-in person's scope.
#[handler]
pub async fn grant_page(
    SignedIn(s): SignedIn,
    schema: Data<&AppSchema>,
    poem::web::Path(id): poem::web::Path<String>,
    poem::web::Query(q): poem::web::Query<super::parts::Receipt>,
) -> Response {
    let Ok(grant_id) = id.parse::<uuid::Uuid>() else {
        return not_found(&s);
    };
    let what = (q.done.as_deref() == Some("targets")).then(|| t(s.lang, "the-targets-were-saved"));
    let notice = super::parts::receipt_for(s.lang, what, &q);
    grant_view(&schema, &s, grant_id, None, None, notice).await
}

/// The grant page, with a refusal of the residents' target form (and what was typed) if any.
async fn grant_view(
    schema: &AppSchema,
    s: &Session,
    grant_id: uuid::Uuid,
    typed: Option<&TargetsForm>,
    refusal: Option<&Refusal>,
    notice: Option<maud::Markup>,
) -> Response {
    use cynic::QueryBuilder;
    let l = s.lang;
    let data = match ask_op(schema, s, GrantPage::build(GrantVars { g: grant_id })).await {
        Ok(d) => d,
        Err(e) => return e.page(t(l, "lbf-grant"), s),
    };
    let c = &data.compliance;
    // The API's own rule (updateGrant authorises the same area and operation).
    let may_set_targets = s
        .principal
        .may_write(tracker_core::auth::Area::Grant, "update");
    let title = format!("{} · {}", c.grant.case_number, c.grant.title);
    let body = html! {
        @if let Some(n) = notice { (n) }
        p id="status" { (t(l, "status-on")) (engine::i18n::date(l, c.as_of)) ": "
            (c.status.tag(l)) }
        h2 { (t(l, "the-grant")) }
        (grant_facts(l, &c.grant))
        h2 { (t(l, "key-figures")) }
        (key_figures(l, c))
        p { a href={ "/app/grants/" (grant_id) "/lbf" } { (t(l, "yearly-lbf-report")) } }
        (progress(l, &data.compliance_time_series))
        (contractors(l, c))
        (clauses(l, c))
        p { a href={ "/app/grants/" (grant_id) "/contracts" } { (t(l, "contracts-and-clauses")) } }
        (residents(l, c))
        @if may_set_targets { (targets_form(s, grant_id, c, typed, refusal)) }
        (findings(l, c))
        p { a href="/app" { (t(l, "back-to-the-portfolio")) } }
    };
    let status = refusal.map_or(StatusCode::OK, Refusal::status);
    html_response(status, page(&title, Some(s), body), vec![])
}

/// The typed values of the residents' target form.
#[derive(Deserialize, Default, Clone)]
pub struct TargetsForm {
    csrf: String,
    trial_target: Option<String>,
    trainee_target: Option<String>,
}

/// R11's targets: empty for none (the share is then information only).
fn targets_form(
    s: &Session,
    grant: uuid::Uuid,
    c: &GrantCompliance,
    typed: Option<&TargetsForm>,
    refusal: Option<&Refusal>,
) -> Markup {
    let l = s.lang;
    let current = |v: Option<rust_decimal::Decimal>| v.map(|p| two(l, p)).unwrap_or_default();
    let (trial, trainee) = match typed {
        Some(f) => (
            f.trial_target.clone().unwrap_or_default(),
            f.trainee_target.clone().unwrap_or_default(),
        ),
        None => (
            current(c.trial_residents.target_percent),
            current(c.trainee_residents.target_percent),
        ),
    };
    let error = |api: &str| Refusal::message_at(refusal, api);
    html! {
        (Refusal::summary(l, refusal, &[
            ("residentTrialTargetPercent", "trial_target"),
            ("residentTraineeTargetPercent", "trainee_target"),
        ]))
        form method="post" action={ "/app/grants/" (grant) "/residents" } id="resident-targets" novalidate {
            input type="hidden" name="csrf" value=(s.session.csrf_token);
            p.hint { (t(l, "leave-a-target-empty-for-none")) }
            label.form-label for="trial_target" { (t(l, "target-residents-in-snusepraktik")) }
            input.form-input id="trial_target" name="trial_target" inputmode="decimal" value=(trial) aria-describedby="trial_target-error";
            @if let Some(m) = error("residentTrialTargetPercent") { span.form-error-message id="trial_target-error" { (m) } }
            label.form-label for="trainee_target" { (t(l, "target-residents-in-training")) }
            input.form-input id="trainee_target" name="trainee_target" inputmode="decimal" value=(trainee) aria-describedby="trainee_target-error";
            @if let Some(m) = error("residentTraineeTargetPercent") { span.form-error-message id="trainee_target-error" { (m) } }
            button.button.button-primary type="submit" { (t(l, "save-targets")) }
        }
    }
}

/// POST /app/grants/{id}/residents: sets R11's targets through `updateGrant`.
#[handler]
pub async fn set_resident_targets(
    schema: Data<&AppSchema>,
    poem::web::Path(id): poem::web::Path<String>,
    SignedForm(s, form): SignedForm<TargetsForm>,
) -> Response {
    use cynic::MutationBuilder;
    let l = s.lang;
    let Ok(grant) = id.parse::<uuid::Uuid>() else {
        return not_found(&s);
    };
    let read = |api: &str, v: &Option<String>| match v.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => super::hours::form_number(l, text)
            .map(Some)
            .ok_or_else(|| Refusal::bad_input(api, t(l, "enter-a-number"))),
    };
    let i = match (
        read("residentTrialTargetPercent", &form.trial_target),
        read("residentTraineeTargetPercent", &form.trainee_target),
    ) {
        (Ok(trial), Ok(trainee)) => ResidentTargetsInput {
            resident_trial_target_percent: trial,
            resident_trainee_target_percent: trainee,
        },
        (Err(e), _) | (_, Err(e)) => {
            return grant_view(&schema, &s, grant, Some(&form), Some(&e), None).await;
        }
    };
    match ask_op(
        &schema,
        &s,
        SetResidentTargets::build(ResidentTargetsVars { g: grant, i }),
    )
    .await
    {
        Ok(_) => super::parts::to_receipt(&format!("/app/grants/{grant}"), "targets", grant),
        Err(e) => {
            let e = e.worded(&[
                (
                    "residentTrialTargetPercent",
                    t(l, "target-residents-in-snusepraktik"),
                ),
                (
                    "residentTraineeTargetPercent",
                    t(l, "target-residents-in-training"),
                ),
            ]);
            grant_view(&schema, &s, grant, Some(&form), Some(&e), None).await
        }
    }
}

/// The grant's own fields, each named as the LBF report's column of it
/// (`tracker_core::tables`), so the page and the file sent to LBF say the same.
fn grant_facts(l: Lang, g: &Grant) -> Markup {
    use tracker_core::tables::{CASE_NUMBER, CONSTRUCTION_START, CRAFTSMAN_COST, HANDOVER};
    let date = |d: Option<chrono::NaiveDate>| {
        d.map_or_else(|| "–".to_owned(), |d| engine::i18n::date(l, d))
    };
    html! {
        dl id="grant-facts" {
            dt { (capitalised(CASE_NUMBER.name(l))) } dd data-key="case-number" { (g.case_number) }
            dt { (capitalised(CRAFTSMAN_COST.name(l))) } dd data-key="craftsman-cost" { (dec(l, g.craftsman_cost, 2)) }
            dt { (capitalised(CONSTRUCTION_START.name(l))) } dd data-key="construction-start" { (date(g.construction_start)) }
            dt { (capitalised(HANDOVER.name(l))) } dd data-key="handover" {
                @match (g.actual_handover, g.planned_handover) {
                    (Some(d), _) => { (date(Some(d))) }
                    (None, Some(d)) => { (date(Some(d))) " (" (t(l, "planned")) ")" }
                    (None, None) => { "–" }
                }
            }
        }
    }
}

/// A column name as a page's label: LBF's field names are written in lower case.
fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The key figures: share against the requirement, hours, target, on-track and projection.
fn key_figures(l: Lang, c: &GrantCompliance) -> Markup {
    let m = &c.metrics;
    html! {
        dl id="key-figures" {
            dt { (t(l, "trainee-share")) }
            dd data-key="share" { (dec(l, m.share_percent, 2)) " % (" (t(l, "required-phrase")) " " (two(l, m.required_share_percent)) " %)" }
            dt { (t(l, "labour-hours-on-site")) } dd data-key="labour" { (two(l, m.labour_hours)) }
            dt { (t(l, "hours-of-persons-in-training")) } dd data-key="trainee" { (two(l, m.trainee_hours)) }
            dt { (t(l, "accepted-by-the-bygherre")) } dd data-key="accepted" { (dec(l, c.accepted.labour_percent, 2)) " % " (t(l, "of-the-hours")) " (" (two(l, c.accepted.labour_hours)) " " (t(l, "hours-unit")) ")" }
            dt { (t(l, "hours-required")) } dd data-key="needed" { (two(l, m.needed_trainee_hours)) }
            dt { (t(l, "hours-short")) } dd data-key="shortfall" { (two(l, m.shortfall_hours)) }
            dt { (t(l, "target")) } dd data-key="target" { (dec(l, c.target_arsvaerk, 2)) " " (t(l, "rsv-rk")) " (" (dec(l, c.target_hours, 2)) " " (t(l, "hours-unit")) ")" }
            dt { (t(l, "expected-by-now-delivered")) } dd data-key="on-track" { (dec(l, c.expected_by_now_hours, 2)) " / " (dec(l, c.delivered_in_window_hours, 2)) " " (t(l, "hours-unit")) }
            dt { (t(l, "projected-share-at-handover")) } dd data-key="projected" { (dec(l, c.projected_share_percent, 2)) " %" }
        }
    }
}

/// The share and hours charts over the months, and their table.
fn progress(l: Lang, series: &[CompliancePoint]) -> Markup {
    let labels: Vec<String> = series
        .iter()
        .map(|p| {
            p.month
                .first_day()
                .map(|d| match l {
                    Lang::Da => d
                        .format_localized("%b %y", chrono::Locale::da_DK)
                        .to_string(),
                    Lang::En => d.format("%b %y").to_string(),
                })
                .unwrap_or_default()
        })
        .collect();
    let points = |value: fn(&CompliancePoint) -> Option<Decimal>| -> Vec<(usize, f64)> {
        series
            .iter()
            .enumerate()
            .filter_map(|(i, p)| float(value(p)).map(|v| (i, v)))
            .collect()
    };
    let share_chart = crate::charts::lines(
        l,
        t(l, "trainee-share-cumulative-against-the-requirement"),
        t(l, "percent"),
        &labels,
        &[
            crate::charts::Line {
                name: t(l, "trainee-share-cumulative"),
                colour: crate::charts::BLUE,
                points: points(|p| p.cumulative_share_percent),
            },
            crate::charts::Line {
                name: t(l, "required"),
                colour: crate::charts::ORANGE,
                points: points(|p| Some(p.required_share_percent)),
            },
        ],
    );
    let hours_chart = crate::charts::lines(
        l,
        t(l, "hours-of-persons-in-training-cumulative"),
        t(l, "hours-unit"),
        &labels,
        &[
            crate::charts::Line {
                name: t(l, "delivered-cumulative"),
                colour: crate::charts::GREEN,
                points: points(|p| Some(p.cumulative_trainee_hours)),
            },
            crate::charts::Line {
                name: t(l, "target-line"),
                colour: crate::charts::ORANGE,
                points: points(|p| p.target_cumulative_trainee_hours),
            },
        ],
    );
    html! {
        h2 { (t(l, "progress")) }
        figure {
            (PreEscaped(share_chart))
            figcaption { (t(l, "the-trainee-share-month-by-month")) }
        }
        figure {
            (PreEscaped(hours_chart))
            figcaption { (t(l, "hours-delivered-against-the-pro-rata")) }
        }
        div.table--responsive-scroll tabindex="0" {
        table.table.table--zebra id="series" {
            caption { (t(l, "month-by-month")) }
            thead { tr {
                th scope="col" { (t(l, "month")) } th.num scope="col" { (t(l, "share-cumulative")) }
                th.num scope="col" { (t(l, "required-percent")) } th.num scope="col" { (t(l, "hours-cumulative")) }
                th.num scope="col" { (t(l, "target-line-hours")) }
            } }
            tbody {
                @for p in series {
                    tr {
                        td { (p.month.name(l)) }
                        td.num { (dec(l, p.cumulative_share_percent, 2)) }
                        td.num { (two(l, p.required_share_percent)) }
                        td.num { (two(l, p.cumulative_trainee_hours)) }
                        td.num { (dec(l, p.target_cumulative_trainee_hours, 2)) }
                    }
                }
            }
        }
        }
    }
}

/// Each contractor's share (chart and table) against the site's requirement and its clause.
fn contractors(l: Lang, c: &GrantCompliance) -> Markup {
    let contractor_chart = crate::charts::bars(
        l,
        t(l, "trainee-share-per-contractor-against-the"),
        t(l, "percent"),
        &c.contractors
            .iter()
            .map(|k| {
                (
                    k.contractor_name.clone(),
                    float(k.metrics.share_percent).unwrap_or(0.0),
                )
            })
            .collect::<Vec<_>>(),
        float(Some(c.metrics.required_share_percent)),
    );
    html! {
        h2 { (t(l, "the-contractors")) }
        figure {
            (PreEscaped(contractor_chart))
            figcaption { (t(l, "each-contractors-trainee-share-the-vertical")) }
        }
        div.table--responsive-scroll tabindex="0" {
        table.table.table--zebra id="contractors" {
            thead { tr {
                th scope="col" { (t(l, "contractor")) }
                th.num scope="col" { (t(l, "labour-hours")) }
                th.num scope="col" { (t(l, "trainee-hours")) }
                th.num scope="col" { (t(l, "share")) }
                th.num scope="col" { (t(l, "clause-asks-for-hours")) }
                th.num scope="col" { (t(l, "clause-short-hours")) }
            } }
            tbody {
                @for k in &c.contractors {
                    tr {
                        td { (k.contractor_name) @if k.behind_clause { " " strong { (t(l, "behind-in-brackets")) } } }
                        td.num { (two(l, k.metrics.labour_hours)) }
                        td.num { (two(l, k.metrics.trainee_hours)) }
                        td.num { (dec(l, k.metrics.share_percent, 2)) }
                        td.num { (two(l, k.clause_required_hours)) }
                        td.num { (dec(l, k.clause_shortfall_hours, 2)) }
                    }
                }
            }
        }
        }
    }
}

/// Each contract's clause, in the forms it states (the contractor is judged on these only), or
/// its exemption.
/// A clause in words, its forms joined ("14,00 % af timerne …; mindst 75,00 % …").
pub(crate) fn clause_in_words(l: Lang, k: &crate::queries::grant::TrainingClause) -> String {
    let mut out = Vec::new();
    if let Some(p) = k.required_share_percent {
        out.push(t_with(l, "clause-share", &[("percent", two(l, p))]));
    }
    match (k.required_trainee_weeks, k.required_trainee_hours) {
        (Some(w), Some(h)) => out.push(t_with(
            l,
            "clause-weeks",
            &[("weeks", two(l, w)), ("hours", two(l, h))],
        )),
        (None, Some(h)) => out.push(t_with(l, "clause-hours", &[("hours", two(l, h))])),
        _ => {}
    }
    if let Some(n) = k.skilled_workers_per_trainee {
        out.push(t_with(l, "clause-ratio", &[("n", n.to_string())]));
    }
    if let Some(p) = k.apprentice_part_percent {
        out.push(t_with(
            l,
            "clause-apprentice-part",
            &[("percent", two(l, p))],
        ));
    }
    if let Some(p) = k.company_documentation_threshold_percent {
        out.push(t_with(
            l,
            "clause-company-documentation",
            &[("percent", two(l, p))],
        ));
    }
    out.join("; ")
}

fn clauses(l: Lang, c: &GrantCompliance) -> Markup {
    html! {
        h2 { (t(l, "the-contracts-clauses")) }
        div.table--responsive-scroll tabindex="0" {
        table.table.table--zebra id="clauses" {
            thead { tr {
                th scope="col" { (t(l, "contractor")) }
                th scope="col" { (t(l, "trade")) }
                th scope="col" { (t(l, "training-clause")) }
            } }
            tbody {
                @for k in &c.grant.contracts {
                    tr {
                        td { (k.contractor.name) }
                        td { (k.trade) }
                        td {
                            @if let Some(clause) = &k.training_clause {
                                (clause_in_words(l, clause))
                            } @else if let Some(e) = &k.clause_exemption {
                                (t(l, "exempt")) (e.reason)
                            } @else {
                                (t(l, "no-clause"))
                            }
                        }
                    }
                }
            }
        }
        }
    }
}

/// R11: residents among the snusepraktik participants and the persons in training, against the
/// grant's targets where it set them.
fn residents(l: Lang, c: &GrantCompliance) -> Markup {
    let rows = [
        (t(l, "snusepraktik-participants"), &c.trial_residents),
        (t(l, "persons-in-training"), &c.trainee_residents),
    ];
    html! {
        h2 { (t(l, "residents-share")) }
        div.table--responsive-scroll tabindex="0" {
        table.table.table--zebra id="residents" {
            thead { tr {
                th scope="col" { (t(l, "group")) }
                th.num scope="col" { (t(l, "people")) }
                th.num scope="col" { (t(l, "residents")) }
                th.num scope="col" { (t(l, "share")) }
                th.num scope="col" { (t(l, "target-percent")) }
            } }
            tbody {
                @for (name, r) in rows {
                    tr data-below-target=(r.below_target) {
                        th scope="row" { (name) }
                        td.num { (r.people) }
                        td.num { (r.residents) }
                        td.num { (dec(l, r.share_percent, 2)) }
                        td.num {
                            @match r.target_percent {
                                Some(p) => { (two(l, p)) @if r.below_target { " " strong { (t(l, "below-target-in-brackets")) } } }
                                None => { (t(l, "no-target")) }
                            }
                        }
                    }
                }
            }
        }
        }
    }
}

/// The findings, grouped under their rules' names.
fn findings(l: Lang, c: &GrantCompliance) -> Markup {
    let mut rules: Vec<Rule> = c.findings.iter().map(|f| f.rule).collect();
    rules.sort();
    rules.dedup();
    html! {
        h2 { (t(l, "findings")) }
        @if c.findings.is_empty() { p { (t(l, "no-findings")) } }
        @for rule in &rules {
            h3 { (rule_name(l, *rule)) }
            ul {
                @for f in c.findings.iter().filter(|f| f.rule == *rule) {
                    li data-code=(f.code.name()) { strong { (severity_name(l, f.severity)) ": " } (f.message) }
                }
            }
        }
    }
}
