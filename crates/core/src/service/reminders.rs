//! Reminders in the database: planning what is due (each reminder written once under its key,
//! with one delivery per recipient who chose it and may see its subject), claiming due deliveries
//! so that one instance sends each, recording what each attempt gave, and the delivery log.
//!
//! Once, with several instances: a reminder's key is unique, and an instance writes a reminder's
//! deliveries only when its own insert of the key wrote the row (`ON CONFLICT DO NOTHING`), in the
//! same transaction. A delivery is sent by the instance that claimed it: on PostgreSQL the due rows
//! are selected `FOR UPDATE SKIP LOCKED`, so instances claiming at the same moment take different
//! rows; on both databases the claim itself is an update conditional on the row still being
//! claimable, so a row is never claimed twice. A claim is a lease: an instance that dies while
//! sending leaves the row to be claimed again when the lease has run out.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{DeliveryChannel, DeliveryStatus, ReminderKind, Role};
use entity::{
    app_user, contract, contractor, grant, hours_report, reminder, reminder_delivery,
    reminder_preference, trial_placement, webhook,
};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::compliance::figures::month_of;
use crate::db::WriteGate;
use crate::error::AppResult;
use crate::reminders::plan::{
    self, Audience, Due, GrantLabel, Lead, OpenTrial, UnreportedContract,
};
use crate::scope::Scope;

const CHUNK: usize = 500;

/// The kinds a role may receive at all: a contractor only its own contracts' hours and the
/// snusepraktik it hosts (never a grant's figures); a viewer never anything about a person.
pub fn allowed_kinds(role: Role) -> Vec<ReminderKind> {
    use ReminderKind as K;
    match role {
        Role::Contractor => vec![
            K::HoursReportDue,
            K::TrialOutcomeMissing,
            K::HoursReturned,
            K::HoursStatusChanged,
        ],
        Role::Viewer => vec![K::LbfReportDue, K::MeetingDue, K::NewBreach],
        Role::Admin | Role::Bygherre | Role::Tovholder => {
            <K as sea_orm::Iterable>::iter().collect()
        }
    }
}

/// The kinds a user receives without having chosen: everything the role may receive, except for
/// administrators and viewers, who see every grant and would get the whole country's reminders,
/// and except every step of every month (for webhooks; a person chooses it).
pub fn default_kinds(role: Role) -> Vec<ReminderKind> {
    match role {
        Role::Admin | Role::Viewer => Vec::new(),
        _ => allowed_kinds(role)
            .into_iter()
            .filter(|k| *k != ReminderKind::HoursStatusChanged)
            .collect(),
    }
}

/// Kinds stored as a JSON array of codes; unknown codes are dropped (a kind removed in a later
/// version turns off, it does not break reading).
pub fn kinds_from_json(v: &serde_json::Value) -> Vec<ReminderKind> {
    let mut out: Vec<ReminderKind> = serde_json::from_value::<Vec<serde_json::Value>>(v.clone())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|k| serde_json::from_value(k).ok())
        .collect();
    out.sort();
    out.dedup();
    out
}

pub fn kinds_to_json(kinds: &[ReminderKind]) -> serde_json::Value {
    let mut k = kinds.to_vec();
    k.sort();
    k.dedup();
    serde_json::to_value(k).unwrap_or_default()
}

/// The scope a user's reminders are limited to: exactly what the user may read.
pub fn user_scope(u: &app_user::Model) -> Scope {
    crate::accounts::user_principal(u).scope()
}

/// A webhook's scope: its organisation's, or everything for an administrators' webhook.
pub fn webhook_scope(w: &webhook::Model) -> Scope {
    w.organisation_id.map_or(Scope::All, Scope::Organisation)
}

/// What a planning pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Planned {
    /// Reminders written by this pass (not those another pass or instance wrote first).
    pub reminders: usize,
    pub deliveries: usize,
}

/// What planning needs besides the data.
#[derive(Clone, Copy, Debug)]
pub struct PlanSettings {
    pub lead: Lead,
    /// Whether e-mail can be sent (`SMTP_URL` set); without it no e-mail deliveries are planned.
    pub email: bool,
}

/// Every reminder due on `today` (a Danish date) for the grants not archived, judged on
/// everything recorded so far.
pub async fn due<C: ConnectionTrait>(db: &C, today: NaiveDate, lead: Lead) -> AppResult<Vec<Due>> {
    // Known at the end of the day, as the dashboard asks by default: the same cached evaluations
    // serve both, and every tick of a day. (A day already past, as in tests that walk through
    // days, is judged on what is recorded now.)
    let known_at = super::known::end_of_day(today).max(super::now());
    let grants = grant::Entity::find()
        .filter(grant::Column::ArchivedAt.is_null())
        .order_by_asc(grant::Column::Id)
        .all(db)
        .await?;
    let reports = super::compliance::evaluations(db, &grants, today, known_at).await?;
    let mut out = Vec::new();
    let mut hours_due = Vec::new();
    let mut trial_days = HashMap::new();
    let mut waits = HashMap::new();
    for g in &grants {
        let Some(r) = reports.get(&g.id) else {
            continue;
        };
        let label = label(g);
        out.extend(plan::lbf_report(&label, &r.deadlines, today));
        out.extend(plan::meeting(&label, &r.deadlines, today, lead));
        out.extend(plan::breaches(&label, &r.findings, today));
        if let Some(h) = &r.deadlines.hours_report
            && plan::hours_window_open(h, today, lead)
        {
            hours_due.push((label.clone(), h.clone()));
        }
        waits.insert(
            g.id,
            (
                label.clone(),
                r.params.hours_acceptance_wait_days(),
                g.main_contractor_approval,
            ),
        );
        trial_days.insert(g.id, (label, r.params.trial_outcome_due_days()));
    }
    out.extend(workflow_reminders(db, &waits, today).await?);
    out.extend(hours_reminders(db, &hours_due, today, lead).await?);
    out.extend(trial_reminders(db, &trial_days, today).await?);
    out.extend(three_month_reminders(db, &trial_days, today).await?);
    Ok(out)
}

fn label(g: &grant::Model) -> GrantLabel {
    GrantLabel {
        id: g.id,
        case_number: g.case_number.clone(),
        title: g.title.clone(),
    }
}

/// How far back the planner looks for steps to tell of: a server down for a few days still
/// sends them; older ones are history.
const STEP_DAYS: u64 = 7;

/// The workflow's reminders: every recent step (status changes), months returned recently and
/// still returned, and months ready for acceptance that have waited too long.
async fn workflow_reminders<C: ConnectionTrait>(
    db: &C,
    grants: &HashMap<Uuid, (GrantLabel, i64, bool)>,
    today: NaiveDate,
) -> AppResult<Vec<Due>> {
    use entity::enums::HoursStatus;
    use entity::{hours_status_change as step, hours_version as version};
    let Some(since) = today.checked_sub_days(chrono::Days::new(STEP_DAYS)) else {
        return Ok(Vec::new());
    };
    let since = super::known::end_of_day(since);
    // Up to the end of the day planned for (a pass for a day gone by tells only of its steps).
    let until = super::known::end_of_day(today);
    let recent = step::Entity::find()
        .filter(step::Column::At.gt(since))
        .filter(step::Column::At.lte(until))
        .order_by_asc(step::Column::At)
        .all(db)
        .await?;
    let open = version::Entity::find()
        .filter(version::Column::Status.is_in([HoursStatus::Submitted, HoursStatus::Approved]))
        .all(db)
        .await?;
    // The step that gave each open version its status: its last one.
    let mut opened: HashMap<Uuid, step::Model> = HashMap::new();
    for part in open.chunks(CHUNK) {
        for s in step::Entity::find()
            .filter(step::Column::VersionId.is_in(part.iter().map(|v| v.id)))
            .all(db)
            .await?
        {
            if opened
                .get(&s.version_id)
                .is_none_or(|o| (o.at, o.id) < (s.at, s.id))
            {
                opened.insert(s.version_id, s);
            }
        }
    }
    let returned_now: HashSet<Uuid> = version::Entity::find()
        .select_only()
        .column(version::Column::Id)
        .filter(version::Column::Status.eq(HoursStatus::Returned))
        .filter(version::Column::UpdatedAt.gt(since))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut contract_ids: Vec<Uuid> = recent.iter().map(|s| s.contract_id).collect();
    contract_ids.extend(opened.values().map(|s| s.contract_id));
    contract_ids.sort();
    contract_ids.dedup();
    let mut contracts = HashMap::new();
    for part in contract_ids.chunks(CHUNK) {
        for c in contract::Entity::find()
            .filter(contract::Column::Id.is_in(part.iter().copied()))
            .all(db)
            .await?
        {
            contracts.insert(c.id, c);
        }
    }
    let names = contractor_names(db, contracts.values().map(|c| c.contractor_id)).await?;
    let as_step = |s: &step::Model| {
        let c = contracts.get(&s.contract_id)?;
        let (g, wait, approval) = grants.get(&c.grant_id)?;
        let m = plan::MonthStep {
            id: s.id,
            version_id: s.version_id,
            contract_id: s.contract_id,
            trade: c.trade.clone(),
            contractor: names.get(&c.contractor_id).cloned().unwrap_or_default(),
            month: s.month,
            version: s.number,
            to: s.to_status,
            actor: s.actor.clone(),
            reason: s.reason.clone(),
            on: s
                .at
                .with_timezone(&chrono_tz::Europe::Copenhagen)
                .date_naive(),
        };
        Some((g, m, *wait, *approval && c.parent_contract_id.is_some()))
    };
    let mut out = Vec::new();
    for s in &recent {
        let Some((g, m, _, _)) = as_step(s) else {
            continue;
        };
        if s.to_status != HoursStatus::Draft {
            out.push(plan::status_changed(g, &m));
        }
        if s.to_status == HoursStatus::Returned && returned_now.contains(&s.version_id) {
            out.push(plan::returned(g, &m));
        }
    }
    for s in opened.values() {
        let Some((g, m, wait, approval)) = as_step(s) else {
            continue;
        };
        // A subcontract's submitted month waits for its main contractor, not the bygherre.
        let ready = s.to_status == HoursStatus::Approved
            || (s.to_status == HoursStatus::Submitted && !approval);
        if ready {
            out.extend(plan::awaiting(g, &m, wait, today));
        }
    }
    Ok(out)
}

/// R6: the contracts of the grants in their reminder window that have not reported the month.
async fn hours_reminders<C: ConnectionTrait>(
    db: &C,
    grants: &[(GrantLabel, crate::compliance::deadlines::HoursDue)],
    today: NaiveDate,
    lead: Lead,
) -> AppResult<Vec<Due>> {
    let mut out = Vec::new();
    for chunk in grants.chunks(CHUNK) {
        let ids: Vec<Uuid> = chunk.iter().map(|(g, _)| g.id).collect();
        let contracts = contract::Entity::find()
            .filter(contract::Column::GrantId.is_in(ids))
            .filter(contract::Column::ArchivedAt.is_null())
            .all(db)
            .await?;
        let months: HashMap<Uuid, NaiveDate> = chunk.iter().map(|(g, h)| (g.id, h.month)).collect();
        // Active in the month, as R6 counts them.
        let active: Vec<&contract::Model> = contracts
            .iter()
            .filter(|c| {
                months
                    .get(&c.grant_id)
                    .is_some_and(|m| month_of(c.start_date) <= *m && *m <= month_of(c.end_date))
            })
            .collect();
        let mut reported = HashSet::new();
        for part in active.chunks(CHUNK) {
            let rows: Vec<(Uuid, NaiveDate)> = hours_report::Entity::find()
                .select_only()
                .column(hours_report::Column::ContractId)
                .column(hours_report::Column::Month)
                .filter(hours_report::Column::ContractId.is_in(part.iter().map(|c| c.id)))
                .into_tuple()
                .all(db)
                .await?;
            reported.extend(rows);
        }
        let names = contractor_names(db, active.iter().map(|c| c.contractor_id)).await?;
        for (g, h) in chunk {
            let unreported: Vec<UnreportedContract> = active
                .iter()
                .filter(|c| c.grant_id == g.id && !reported.contains(&(c.id, h.month)))
                .map(|c| UnreportedContract {
                    id: c.id,
                    trade: c.trade.clone(),
                    contractor: names.get(&c.contractor_id).cloned().unwrap_or_default(),
                })
                .collect();
            out.extend(plan::hours_reports(g, h, &unreported, today, lead));
        }
    }
    Ok(out)
}

/// The most days any of `grants` allows after a snusepraktik (R8's deadline, R10's grace): how
/// far back the trial reminders look.
fn longest_grace(grants: &HashMap<Uuid, (GrantLabel, i64)>) -> u64 {
    grants
        .values()
        .filter_map(|(_, d)| u64::try_from(*d).ok())
        .max()
        .unwrap_or(0)
}

/// R8: trial placements that have ended without an outcome, within their grant's deadline.
async fn trial_reminders<C: ConnectionTrait>(
    db: &C,
    grants: &HashMap<Uuid, (GrantLabel, i64)>,
    today: NaiveDate,
) -> AppResult<Vec<Due>> {
    let longest = longest_grace(grants);
    let Some(earliest_end) = today.checked_sub_days(chrono::Days::new(longest + 1)) else {
        return Ok(Vec::new());
    };
    let trials = trial_placement::Entity::find()
        .filter(trial_placement::Column::ArchivedAt.is_null())
        .filter(trial_placement::Column::Outcome.is_null())
        .filter(trial_placement::Column::EndDate.lt(today))
        .filter(trial_placement::Column::EndDate.gte(earliest_end))
        .all(db)
        .await?;
    let names = contractor_names(db, trials.iter().filter_map(|t| t.host_contractor_id)).await?;
    Ok(trials
        .iter()
        .filter_map(|t| {
            let (g, days) = grants.get(&t.grant_id)?;
            let open = OpenTrial {
                id: t.id,
                start: t.start_date,
                end: t.end_date,
                host: t.host_contractor_id.and_then(|h| names.get(&h).cloned()),
            };
            plan::trial_outcome(g, &open, u64::try_from(*days).ok()?, today)
        })
        .collect())
}

/// R10: trial placements three months past their end without a status, within the grace days.
async fn three_month_reminders<C: ConnectionTrait>(
    db: &C,
    grants: &HashMap<Uuid, (GrantLabel, i64)>,
    today: NaiveDate,
) -> AppResult<Vec<Due>> {
    let longest = longest_grace(grants);
    let Some(latest_end) = today.checked_sub_months(chrono::Months::new(3)) else {
        return Ok(Vec::new());
    };
    let Some(earliest_end) = latest_end.checked_sub_days(chrono::Days::new(longest + 3)) else {
        return Ok(Vec::new());
    };
    let trials = trial_placement::Entity::find()
        .filter(trial_placement::Column::ArchivedAt.is_null())
        .filter(trial_placement::Column::ThreeMonthStatus.is_null())
        .filter(trial_placement::Column::EndDate.lte(latest_end))
        .filter(trial_placement::Column::EndDate.gte(earliest_end))
        .all(db)
        .await?;
    Ok(trials
        .iter()
        .filter_map(|t| {
            let (g, days) = grants.get(&t.grant_id)?;
            let open = OpenTrial {
                id: t.id,
                start: t.start_date,
                end: t.end_date,
                host: None,
            };
            plan::three_month_status(g, &open, u64::try_from(*days).ok()?, today)
        })
        .collect())
}

/// Who may receive reminders, with the scope that decides which.
struct Recipient {
    channel: DeliveryChannel,
    user_id: Option<Uuid>,
    webhook_id: Option<Uuid>,
    target: String,
    kinds: Vec<ReminderKind>,
    scope: Scope,
}

async fn recipients<C: ConnectionTrait>(db: &C, email: bool) -> AppResult<Vec<Recipient>> {
    let mut out = Vec::new();
    if email {
        let chosen: HashMap<Uuid, Vec<ReminderKind>> = reminder_preference::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.user_id, kinds_from_json(&p.kinds)))
            .collect();
        // Only people who have accepted their invitation: an address nobody confirmed gets nothing.
        let users = app_user::Entity::find()
            .filter(app_user::Column::ArchivedAt.is_null())
            .filter(app_user::Column::PasswordHash.is_not_null())
            .all(db)
            .await?;
        for u in users {
            let allowed = allowed_kinds(u.role);
            let kinds: Vec<ReminderKind> = chosen
                .get(&u.id)
                .cloned()
                .unwrap_or_else(|| default_kinds(u.role))
                .into_iter()
                .filter(|k| allowed.contains(k))
                .collect();
            if kinds.is_empty() {
                continue;
            }
            out.push(Recipient {
                channel: DeliveryChannel::Email,
                user_id: Some(u.id),
                webhook_id: None,
                target: u.email.clone(),
                kinds,
                scope: user_scope(&u),
            });
        }
    }
    for w in webhook::Entity::find()
        .filter(webhook::Column::ArchivedAt.is_null())
        .all(db)
        .await?
    {
        out.push(Recipient {
            channel: DeliveryChannel::Webhook,
            user_id: None,
            webhook_id: Some(w.id),
            target: w.url.clone(),
            kinds: kinds_from_json(&w.kinds),
            scope: webhook_scope(&w),
        });
    }
    Ok(out)
}

/// One delivery to write: where a reminder goes.
#[derive(Clone, Debug)]
struct Target {
    channel: DeliveryChannel,
    user_id: Option<Uuid>,
    webhook_id: Option<Uuid>,
    address: String,
}

/// The subjects of `dues` this scope may see, by the same conditions every read uses.
async fn visible<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    dues: &[&Due],
) -> AppResult<HashSet<Uuid>> {
    let mut grants = Vec::new();
    let mut contracts = Vec::new();
    let mut trials = Vec::new();
    for d in dues.iter().filter(|d| reaches(scope, d.audience)) {
        match d.audience {
            Audience::Grant | Audience::GrantPersons => grants.push(d.grant_id),
            Audience::Contract(c) => contracts.push(c),
            Audience::Trial(t) => trials.push(t),
        }
    }
    let mut out = HashSet::new();
    out.extend(ids_in_scope::<grant::Entity, _>(db, scope, grant::Column::Id, &grants).await?);
    out.extend(
        ids_in_scope::<contract::Entity, _>(db, scope, contract::Column::Id, &contracts).await?,
    );
    out.extend(
        ids_in_scope::<trial_placement::Entity, _>(db, scope, trial_placement::Column::Id, &trials)
            .await?,
    );
    Ok(out)
}

/// Whether a scope may receive reminders for this audience at all, before its rows are checked:
/// a grant's figures not to a contractor, a person's name or snusepraktik not to a viewer.
fn reaches(scope: &Scope, audience: Audience) -> bool {
    match audience {
        Audience::Grant => scope.sees_grant_figures(),
        Audience::GrantPersons => scope.sees_grant_figures() && scope.sees_persons(),
        Audience::Contract(_) => true,
        Audience::Trial(_) => scope.sees_persons(),
    }
}

/// Those of `ids` (of `E`, by its id column) that `scope` may read.
async fn ids_in_scope<E, C>(
    db: &C,
    scope: &Scope,
    id: E::Column,
    ids: &[Uuid],
) -> AppResult<Vec<Uuid>>
where
    E: crate::scope::Scoped,
    C: ConnectionTrait,
{
    let mut out = Vec::new();
    for part in ids.chunks(CHUNK) {
        let rows: Vec<Uuid> = scope
            .restrict(E::find())
            .select_only()
            .column(id)
            .filter(id.is_in(part.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

/// The names of the contractors `ids`.
async fn contractor_names<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> AppResult<HashMap<Uuid, String>> {
    let ids: Vec<Uuid> = ids
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut names = HashMap::new();
    for part in ids.chunks(CHUNK) {
        let rows: Vec<(Uuid, String)> = contractor::Entity::find()
            .select_only()
            .column(contractor::Column::Id)
            .column(contractor::Column::Name)
            .filter(contractor::Column::Id.is_in(part.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        names.extend(rows);
    }
    Ok(names)
}

fn audience_id(d: &Due) -> Uuid {
    match d.audience {
        Audience::Grant | Audience::GrantPersons => d.grant_id,
        Audience::Contract(id) | Audience::Trial(id) => id,
    }
}

/// Plans the reminders due on `today`: those not yet written are written with their deliveries,
/// in one transaction, keys in order (two instances inserting the same keys wait for each other
/// instead of deadlocking).
pub async fn plan_due(
    db: &DatabaseConnection,
    gate: &WriteGate,
    today: NaiveDate,
    now: DateTime<Utc>,
    settings: PlanSettings,
) -> AppResult<Planned> {
    let mut dues = due(db, today, settings.lead).await?;
    dues.sort_by(|a, b| a.key.cmp(&b.key));
    dues.dedup_by(|a, b| a.key == b.key);
    // Most days almost everything due was written on an earlier pass: leave those out first.
    let mut known = HashSet::new();
    for part in dues.chunks(CHUNK) {
        let rows: Vec<String> = reminder::Entity::find()
            .select_only()
            .column(reminder::Column::Key)
            .filter(reminder::Column::Key.is_in(part.iter().map(|d| d.key.clone())))
            .into_tuple()
            .all(db)
            .await?;
        known.extend(rows);
    }
    dues.retain(|d| !known.contains(&d.key));
    if dues.is_empty() {
        return Ok(Planned::default());
    }
    // Recipients and what each may see, before the transaction (reads only).
    let mut sends: BTreeMap<String, Vec<Target>> = BTreeMap::new();
    for r in recipients(db, settings.email).await? {
        let mine: Vec<&Due> = dues.iter().filter(|d| r.kinds.contains(&d.kind)).collect();
        if mine.is_empty() {
            continue;
        }
        let seen = visible(db, &r.scope, &mine).await?;
        for d in mine.into_iter().filter(|d| seen.contains(&audience_id(d))) {
            sends.entry(d.key.clone()).or_default().push(Target {
                channel: r.channel,
                user_id: r.user_id,
                webhook_id: r.webhook_id,
                address: r.target.clone(),
            });
        }
    }
    let (planned, kinds) = crate::db::write_txn(db, gate, |t| {
        let (dues, sends) = (dues.clone(), sends.clone());
        Box::pin(async move {
            let mut p = Planned::default();
            let mut kinds = Vec::new();
            for d in &dues {
                let id = super::new_id();
                let wrote = reminder::Entity::insert(reminder::ActiveModel {
                    id: Set(id),
                    key: Set(d.key.clone()),
                    kind: Set(d.kind),
                    grant_id: Set(d.grant_id),
                    subject_id: Set(d.subject_id),
                    due_date: Set(d.due_date),
                    title_da: Set(clip(&d.title.da, 300)),
                    title_en: Set(clip(&d.title.en, 300)),
                    message_da: Set(d.message.da.clone()),
                    message_en: Set(d.message.en.clone()),
                    created_at: Set(now),
                })
                .on_conflict(
                    OnConflict::column(reminder::Column::Key)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(t)
                .await?;
                if wrote == 0 {
                    continue;
                }
                p.reminders += 1;
                kinds.push(d.kind);
                for to in sends.get(&d.key).into_iter().flatten() {
                    reminder_delivery::Entity::insert(reminder_delivery::ActiveModel {
                        id: Set(super::new_id()),
                        reminder_id: Set(id),
                        channel: Set(to.channel),
                        user_id: Set(to.user_id),
                        webhook_id: Set(to.webhook_id),
                        target: Set(clip(&to.address, 500)),
                        status: Set(DeliveryStatus::Pending),
                        attempts: Set(0),
                        next_attempt_at: Set(now),
                        lease_until: Set(None),
                        last_error: Set(None),
                        last_status_code: Set(None),
                        sent_at: Set(None),
                        created_at: Set(now),
                        updated_at: Set(now),
                    })
                    .on_conflict(
                        OnConflict::columns([
                            reminder_delivery::Column::ReminderId,
                            reminder_delivery::Column::Channel,
                            reminder_delivery::Column::Target,
                        ])
                        .do_nothing()
                        .to_owned(),
                    )
                    .exec_without_returning(t)
                    .await?;
                    p.deliveries += 1;
                }
            }
            Ok((p, kinds))
        })
    })
    .await?;
    // Counted once committed (the transaction may have run more than once).
    for kind in kinds {
        metrics::counter!("tracker_reminders_planned_total", "kind" => plan::kind_code(kind))
            .increment(1);
    }
    Ok(planned)
}

fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// A delivery claimed for sending, with its reminder.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub delivery: reminder_delivery::Model,
    pub reminder: reminder::Model,
}

fn claimable(now: DateTime<Utc>) -> Condition {
    use reminder_delivery::Column as D;
    Condition::any()
        .add(
            Condition::all()
                .add(D::Status.eq(DeliveryStatus::Pending))
                .add(D::NextAttemptAt.lte(now)),
        )
        .add(
            Condition::all()
                .add(D::Status.eq(DeliveryStatus::Sending))
                .add(D::LeaseUntil.lt(now)),
        )
}

/// Claims up to `limit` deliveries that are due at `now` for `lease`; the caller sends them and
/// records each with [`record`].
pub async fn claim(
    db: &DatabaseConnection,
    gate: &WriteGate,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> AppResult<Vec<Claimed>> {
    use reminder_delivery::Column as D;
    let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(5));
    let postgres = db.get_database_backend() == DbBackend::Postgres;
    let claimed = crate::db::write_txn(db, gate, |t| {
        Box::pin(async move {
            let mut q = reminder_delivery::Entity::find()
                .filter(claimable(now))
                .order_by_asc(D::NextAttemptAt)
                .order_by_asc(D::Id)
                .limit(limit);
            if postgres {
                // Rows another instance is claiming right now are passed over, not waited for.
                q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
            }
            let rows = q.all(t).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                // Conditional: of two claims of the same row (SQLite across processes, or a lease
                // running out mid-claim) one changes it and the other finds nothing to change.
                let changed = reminder_delivery::Entity::update_many()
                    .col_expr(D::Status, Expr::value(DeliveryStatus::Sending))
                    .col_expr(D::LeaseUntil, Expr::value(Some(until)))
                    .col_expr(
                        D::Attempts,
                        sea_orm::sea_query::ExprTrait::add(Expr::col(D::Attempts), 1),
                    )
                    .col_expr(D::UpdatedAt, Expr::value(now))
                    .filter(D::Id.eq(r.id))
                    .filter(claimable(now))
                    .exec(t)
                    .await?
                    .rows_affected;
                if changed == 1 {
                    out.push(reminder_delivery::Model {
                        status: DeliveryStatus::Sending,
                        lease_until: Some(until),
                        attempts: r.attempts + 1,
                        updated_at: now,
                        ..r
                    });
                }
            }
            Ok(out)
        })
    })
    .await?;
    with_reminders(db, claimed).await
}

/// Each delivery with its reminder (one query for all).
async fn with_reminders<C: ConnectionTrait>(
    db: &C,
    deliveries: Vec<reminder_delivery::Model>,
) -> AppResult<Vec<Claimed>> {
    let ids: HashSet<Uuid> = deliveries.iter().map(|d| d.reminder_id).collect();
    let reminders: HashMap<Uuid, reminder::Model> = reminder::Entity::find()
        .filter(reminder::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    Ok(deliveries
        .into_iter()
        .filter_map(|d| {
            let r = reminders.get(&d.reminder_id)?.clone();
            Some(Claimed {
                delivery: d,
                reminder: r,
            })
        })
        .collect())
}

/// What one attempt gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub status_code: Option<u16>,
    /// `None`: accepted.
    pub error: Option<String>,
}

/// Records an attempt of a delivery this instance claimed: SENT, or PENDING again after the
/// schedule's pause, or FAILED after the last attempt. Returns the new status; nothing changes if
/// the claim was lost meanwhile (its lease ran out and another instance took it).
pub async fn record(
    db: &DatabaseConnection,
    gate: &WriteGate,
    claimed: &reminder_delivery::Model,
    attempt: Attempt,
    now: DateTime<Utc>,
    retry_base: Duration,
) -> AppResult<Option<DeliveryStatus>> {
    use reminder_delivery::Column as D;
    let (status, next) = match &attempt.error {
        None => (DeliveryStatus::Sent, now),
        Some(_) => match crate::reminders::sign::retry_after(claimed.attempts, retry_base) {
            Some(pause) => (
                DeliveryStatus::Pending,
                now + chrono::Duration::from_std(pause).unwrap_or(chrono::Duration::hours(1)),
            ),
            None => (DeliveryStatus::Failed, now),
        },
    };
    let id = claimed.id;
    let attempts = claimed.attempts;
    let changed = crate::db::write_txn(db, gate, |t| {
        let attempt = attempt.clone();
        Box::pin(async move {
            Ok(reminder_delivery::Entity::update_many()
                .col_expr(D::Status, Expr::value(status))
                .col_expr(D::NextAttemptAt, Expr::value(next))
                .col_expr(D::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
                .col_expr(
                    D::LastError,
                    Expr::value(attempt.error.as_deref().map(|e| clip(e, 500))),
                )
                .col_expr(
                    D::LastStatusCode,
                    Expr::value(attempt.status_code.map(i32::from)),
                )
                .col_expr(
                    D::SentAt,
                    Expr::value((status == DeliveryStatus::Sent).then_some(now)),
                )
                .col_expr(D::UpdatedAt, Expr::value(now))
                .filter(D::Id.eq(id))
                .filter(D::Status.eq(DeliveryStatus::Sending))
                .filter(D::Attempts.eq(attempts))
                .exec(t)
                .await?
                .rows_affected)
        })
    })
    .await?;
    Ok((changed == 1).then_some(status))
}

/// Narrowing of the delivery log.
#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "graphql", derive(async_graphql::InputObject))]
#[cfg_attr(feature = "graphql", graphql(name = "ReminderDeliveryFilter"))]
pub struct DeliveryFilter {
    pub status: Option<DeliveryStatus>,
    pub channel: Option<DeliveryChannel>,
    pub kind: Option<ReminderKind>,
    pub grant_id: Option<Uuid>,
    /// Planned at or after.
    pub from: Option<DateTime<Utc>>,
    /// Planned at or before.
    pub to: Option<DateTime<Utc>>,
}

/// The delivery log, newest first, with each delivery's reminder (administrators only; the
/// caller checks).
pub async fn deliveries<C: ConnectionTrait>(
    db: &C,
    f: DeliveryFilter,
    limit: u64,
) -> AppResult<Vec<Claimed>> {
    use reminder_delivery::Column as D;
    let mut q = reminder_delivery::Entity::find();
    if let Some(v) = f.status {
        q = q.filter(D::Status.eq(v));
    }
    if let Some(v) = f.channel {
        q = q.filter(D::Channel.eq(v));
    }
    if let Some(v) = f.from {
        q = q.filter(D::CreatedAt.gte(v));
    }
    if let Some(v) = f.to {
        q = q.filter(D::CreatedAt.lte(v));
    }
    if f.kind.is_some() || f.grant_id.is_some() {
        let mut r = reminder::Entity::find()
            .select_only()
            .column(reminder::Column::Id);
        if let Some(k) = f.kind {
            r = r.filter(reminder::Column::Kind.eq(k));
        }
        if let Some(g) = f.grant_id {
            r = r.filter(reminder::Column::GrantId.eq(g));
        }
        q = q.filter(D::ReminderId.in_subquery(sea_orm::QueryTrait::into_query(r)));
    }
    let rows = q
        .order_by_desc(D::CreatedAt)
        .order_by_desc(D::Id)
        .limit(limit)
        .all(db)
        .await?;
    with_reminders(db, rows).await
}

/// Reminders still waiting per status, for `/metrics`.
pub async fn backlog<C: ConnectionTrait>(db: &C) -> AppResult<Vec<(DeliveryStatus, i64)>> {
    use reminder_delivery::Column as D;
    let rows: Vec<(DeliveryStatus, i64)> = reminder_delivery::Entity::find()
        .select_only()
        .column(D::Status)
        .column_as(D::Id.count(), "n")
        .filter(D::Status.is_in([DeliveryStatus::Pending, DeliveryStatus::Sending]))
        .group_by(D::Status)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_viewer_never_gets_a_persons_reminder_and_a_contractor_never_a_grants() {
        let id = Uuid::from_u128(1);
        let all = [
            Audience::Grant,
            Audience::GrantPersons,
            Audience::Contract(id),
            Audience::Trial(id),
        ];
        let reached = |scope: Scope| all.map(|a| reaches(&scope, a));
        assert_eq!(reached(Scope::Viewer), [true, false, true, false]);
        assert_eq!(
            reached(Scope::Contractor { id, within: None }),
            [false, false, true, true]
        );
        assert_eq!(reached(Scope::Organisation(id)), [true, true, true, true]);
        assert_eq!(reached(Scope::Nothing), [false, false, true, false]);
    }

    #[test]
    fn kinds_are_read_leniently_and_written_sorted() {
        let v = serde_json::json!(["NewBreach", "MeetingDue", "GoneKind", "NewBreach"]);
        assert_eq!(
            kinds_from_json(&v),
            vec![ReminderKind::MeetingDue, ReminderKind::NewBreach]
        );
        assert_eq!(
            kinds_to_json(&[ReminderKind::NewBreach, ReminderKind::HoursReportDue]),
            serde_json::json!(["HoursReportDue", "NewBreach"])
        );
        assert!(default_kinds(Role::Admin).is_empty() && default_kinds(Role::Viewer).is_empty());
        // Every kind a contractor may receive, but every step of every month (chosen, not given).
        assert_eq!(
            default_kinds(Role::Contractor),
            [
                ReminderKind::HoursReportDue,
                ReminderKind::TrialOutcomeMissing,
                ReminderKind::HoursReturned,
            ]
        );
        assert!(allowed_kinds(Role::Contractor).contains(&ReminderKind::HoursStatusChanged));
    }
}
