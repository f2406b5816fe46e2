//! The caller's read scope, enforced in the data layer. Every read (by id, lists, nested relations
//! through DataLoaders, the compliance loader, exports) starts from [`Scope::restrict`], which adds
//! the role's condition to the SQL, so a nested path or a connection cannot reach a row the caller
//! may not see. Each entity states its condition once, in terms of its parent's visible ids
//! (`IN (SELECT id FROM parent WHERE …)`), so a bygherre's hours lines follow from its reports,
//! contracts, grants and estates without any resolver knowing about roles.

use sea_orm::sea_query::{Expr, SelectStatement};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Select};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

use entity::{
    action_item, api_token, app_user, company_documentation, contract, contractor, estate,
    follow_up_group, grant, group_member, hours_line, hours_report, housing_organisation,
    lbf_report, meeting, person, placement, trial_placement,
};

/// What a caller may read. Built from the token by `auth::Principal::scope`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Everything (ADMIN, the command line, the demo seeder).
    All,
    /// BYGHERRE: one housing organisation's estates, grants and all that hangs on them.
    Organisation(Uuid),
    /// CONTRACTOR: its own contracts and what hangs on them (placements, hours, their persons),
    /// the grants, estates and organisations those contracts are on, and snusepraktik it hosts.
    /// `within` narrows all of it to one housing organisation's grants: the account a bygherre
    /// invited for its contractor sees the contractor's work for that bygherre, not for others.
    Contractor { id: Uuid, within: Option<Uuid> },
    /// TOVHOLDER: a set of grants; `token` or `user` (whichever the caller is) keeps persons it
    /// registered visible.
    Grants {
        grants: Vec<Uuid>,
        token: Uuid,
        user: Option<Uuid>,
    },
    /// VIEWER: every grant's aggregates, never a person or a row about one.
    Viewer,
    /// Nothing at all: the fallback when no caller is known (fail closed).
    Nothing,
}

impl Scope {
    /// `select` narrowed to the rows of `E` this scope may read.
    pub fn restrict<E: Scoped>(&self, select: Select<E>) -> Select<E> {
        match E::condition(self) {
            None => select,
            Some(cond) => select.filter(cond),
        }
    }

    /// Whether this caller may see a grant's overall figures (compliance, dashboards, LBF
    /// reports). A contractor never sees figures that include other contractors' hours.
    pub fn sees_grant_figures(&self) -> bool {
        !matches!(self, Scope::Contractor { .. } | Scope::Nothing)
    }

    /// FORBIDDEN unless [`Scope::sees_grant_figures`].
    pub fn require_grant_figures(&self) -> AppResult<()> {
        if self.sees_grant_figures() {
            Ok(())
        } else {
            Err(AppError::forbidden(
                "a CONTRACTOR token sees only its own figures: use complianceTimeSeries or \
                 contractorRanking for your contracts, or Grant.traineeShare where the bygherre \
                 allows it",
                "et CONTRACTOR-token ser kun sine egne tal: brug complianceTimeSeries eller \
                 contractorRanking for jeres kontrakter, eller Grant.traineeShare, hvor \
                 bygherren tillader det",
            ))
        }
    }

    /// Whether this caller may see one contractor's own figures.
    pub fn sees_contractor_figures(&self, contractor: Uuid) -> bool {
        match self {
            Scope::Contractor { id, .. } => *id == contractor,
            Scope::Nothing => false,
            _ => true,
        }
    }

    /// Whether this caller may read personal data at all (VIEWER may not).
    pub fn sees_persons(&self) -> bool {
        !matches!(self, Scope::Viewer | Scope::Nothing)
    }
}

/// An entity's visibility per scope: `None` is "every row", `Some(cond)` narrows the select.
pub trait Scoped: EntityTrait {
    fn condition(scope: &Scope) -> Option<Condition>;
}

fn none() -> Option<Condition> {
    Some(Condition::all().add(Expr::cust("1 = 0")))
}

fn when(expr: Expr) -> Option<Condition> {
    Some(Condition::all().add(expr))
}

/// `SELECT column FROM P [WHERE cond]`, for use as a subquery.
pub fn subquery<P: EntityTrait>(column: P::Column, cond: Option<Condition>) -> SelectStatement {
    let mut select = P::find().select_only().column(column);
    if let Some(cond) = cond {
        select = select.filter(cond);
    }
    select.into_query()
}

/// The ids of the API tokens whose `col` (organisation or contractor) is `id`.
pub fn tokens_where(col: api_token::Column, id: Uuid) -> SelectStatement {
    subquery::<api_token::Entity>(
        api_token::Column::Id,
        Some(Condition::all().add(col.eq(id))),
    )
}

/// `col IN (SELECT pick FROM P WHERE <P visible>)`, or no condition when every `P` is visible.
fn within<P: Scoped>(scope: &Scope, col: impl ColumnTrait, pick: P::Column) -> Option<Condition> {
    P::condition(scope)
        .map(|cond| Condition::all().add(col.in_subquery(subquery::<P>(pick, Some(cond)))))
}

/// `col IN (the ids of the organisation's grants)`, when a contractor's account is narrowed to
/// one organisation; no condition otherwise.
fn grant_of(col: impl ColumnTrait, org: Option<Uuid>) -> Option<Condition> {
    org.and_then(|o| within::<grant::Entity>(&Scope::Organisation(o), col, grant::Column::Id))
}

/// Both conditions, where either may be absent.
fn both(a: Option<Condition>, b: Option<Condition>) -> Option<Condition> {
    match (a, b) {
        (Some(a), Some(b)) => Some(Condition::all().add(a).add(b)),
        (a, b) => a.or(b),
    }
}

impl Scoped for housing_organisation::Entity {
    fn condition(scope: &Scope) -> Option<Condition> {
        use housing_organisation::Column as C;
        match scope {
            Scope::All | Scope::Viewer => None,
            Scope::Organisation(o) => when(C::Id.eq(*o)),
            Scope::Contractor { .. } | Scope::Grants { .. } => {
                within::<estate::Entity>(scope, C::Id, estate::Column::OrganisationId)
            }
            Scope::Nothing => none(),
        }
    }
}

impl Scoped for estate::Entity {
    fn condition(scope: &Scope) -> Option<Condition> {
        use estate::Column as C;
        match scope {
            Scope::All | Scope::Viewer => None,
            Scope::Organisation(o) => when(C::OrganisationId.eq(*o)),
            Scope::Contractor { .. } | Scope::Grants { .. } => {
                within::<grant::Entity>(scope, C::Id, grant::Column::EstateId)
            }
            Scope::Nothing => none(),
        }
    }
}

impl Scoped for grant::Entity {
    fn condition(scope: &Scope) -> Option<Condition> {
        use grant::Column as C;
        match scope {
            Scope::All | Scope::Viewer => None,
            Scope::Organisation(_) => {
                within::<estate::Entity>(scope, C::EstateId, estate::Column::Id)
            }
            // The grants its own contracts are on.
            Scope::Contractor { .. } => {
                within::<contract::Entity>(scope, C::Id, contract::Column::GrantId)
            }
            Scope::Grants { grants, .. } => when(C::Id.is_in(grants.iter().copied())),
            Scope::Nothing => none(),
        }
    }
}

impl Scoped for contractor::Entity {
    fn condition(scope: &Scope) -> Option<Condition> {
        use contractor::Column as C;
        match scope {
            // Contractors are companies in the public CVR register; a bygherre picks from them
            // when it lets a contract. What they did on a site is scoped through contracts.
            Scope::All | Scope::Viewer | Scope::Organisation(_) | Scope::Grants { .. } => None,
            Scope::Contractor { id, .. } => when(C::Id.eq(*id)),
            Scope::Nothing => none(),
        }
    }
}

impl Scoped for contract::Entity {
    fn condition(scope: &Scope) -> Option<Condition> {
        use contract::Column as C;
        match scope {
            Scope::All | Scope::Viewer => None,
            Scope::Organisation(_) | Scope::Grants { .. } => {
                within::<grant::Entity>(scope, C::GrantId, grant::Column::Id)
            }
            Scope::Contractor { id, within } => {
                both(when(C::ContractorId.eq(*id)), grant_of(C::GrantId, *within))
            }
            Scope::Nothing => none(),
        }
    }
}

/// A contractor's documented company share is about the company, not a person: whoever sees
/// the contract sees it.
impl Scoped for company_documentation::Entity {
    fn condition(scope: &Scope) -> Option<Condition> {
        within::<contract::Entity>(
            scope,
            company_documentation::Column::ContractId,
            contract::Column::Id,
        )
    }
}

impl Scoped for placement::Entity {
    fn condition(scope: &Scope) -> Option<Condition> {
        use placement::Column as C;
        match scope {
            Scope::All => None,
            Scope::Organisation(_) | Scope::Grants { .. } => {
                within::<grant::Entity>(scope, C::GrantId, grant::Column::Id)
            }
            Scope::Contractor { .. } => {
                within::<contract::Entity>(scope, C::ContractId, contract::Column::Id)
            }
            Scope::Viewer | Scope::Nothing => none(),
        }
    }
}

impl Scoped for hours_report::Entity {
    fn condition(scope: &Scope) -> Option<Condition> {
        use hours_report::Column as C;
        match scope {
            // A contract's monthly labour total is an aggregate, not about a person.
            Scope::All | Scope::Viewer => None,
            Scope::Organisation(_) | Scope::Contractor { .. } | Scope::Grants { .. } => {
                within::<contract::Entity>(scope, C::ContractId, contract::Column::Id)
            }
            Scope::Nothing => none(),
        }
    }
}

impl Scoped for hours_line::Entity {
    fn condition(scope: &Scope) -> Option<Condition> {
        use hours_line::Column as C;
        match scope {
            Scope::All => None,
            Scope::Organisation(_) | Scope::Contractor { .. } | Scope::Grants { .. } => {
                within::<hours_report::Entity>(scope, C::ReportId, hours_report::Column::Id)
            }
            // One line is one person's hours in a month.
            Scope::Viewer | Scope::Nothing => none(),
        }
    }
}

impl Scoped for trial_placement::Entity {
    fn condition(scope: &Scope) -> Option<Condition> {
        use trial_placement::Column as C;
        match scope {
            Scope::All => None,
            Scope::Organisation(_) | Scope::Grants { .. } => {
                within::<grant::Entity>(scope, C::GrantId, grant::Column::Id)
            }
            // The residents it hosts on its part of the site.
            Scope::Contractor { id, within } => both(
                when(C::HostContractorId.eq(*id)),
                grant_of(C::GrantId, *within),
            ),
            Scope::Viewer | Scope::Nothing => none(),
        }
    }
}

impl Scoped for person::Entity {
    fn condition(scope: &Scope) -> Option<Condition> {
        use person::Column as C;
        // A person is visible through a placement or snusepraktik in scope, or to whoever
        // registered them (before any placement exists).
        let through = |registered: Option<Condition>| {
            let mut any = Condition::any();
            for c in [
                within::<placement::Entity>(scope, C::Id, placement::Column::PersonId),
                within::<trial_placement::Entity>(scope, C::Id, trial_placement::Column::PersonId),
                registered,
            ]
            .into_iter()
            .flatten()
            {
                any = any.add(c);
            }
            Some(any)
        };
        // Registered by one of the organisation's (or contractor's) tokens or users.
        let by_either = |token_col: api_token::Column, user_col: app_user::Column, id: Uuid| {
            Some(
                Condition::any()
                    .add(C::CreatedByTokenId.in_subquery(tokens_where(token_col, id)))
                    .add(C::CreatedByUserId.in_subquery(subquery::<app_user::Entity>(
                        app_user::Column::Id,
                        Some(Condition::all().add(user_col.eq(id))),
                    ))),
            )
        };
        // A contractor's account narrowed to one organisation: only the persons that account
        // and the contractor's other accounts for that organisation registered.
        let by_narrowed = |c: Uuid, o: Uuid| {
            when(
                C::CreatedByUserId.in_subquery(subquery::<app_user::Entity>(
                    app_user::Column::Id,
                    Some(
                        Condition::all()
                            .add(app_user::Column::ContractorId.eq(c))
                            .add(app_user::Column::OrganisationId.eq(o)),
                    ),
                )),
            )
        };
        match scope {
            Scope::All => None,
            Scope::Organisation(o) => through(by_either(
                api_token::Column::OrganisationId,
                app_user::Column::OrganisationId,
                *o,
            )),
            Scope::Contractor { id, within: None } => through(by_either(
                api_token::Column::ContractorId,
                app_user::Column::ContractorId,
                *id,
            )),
            Scope::Contractor {
                id,
                within: Some(o),
            } => through(by_narrowed(*id, *o)),
            // A user's principal carries the nil token id, shared by every user: never matched.
            Scope::Grants { token, user, .. } => through(match (token.is_nil(), user) {
                (_, Some(u)) => when(C::CreatedByUserId.eq(*u)),
                (false, None) => when(C::CreatedByTokenId.eq(*token)),
                (true, None) => None,
            }),
            Scope::Viewer | Scope::Nothing => none(),
        }
    }
}

impl Scoped for follow_up_group::Entity {
    fn condition(scope: &Scope) -> Option<Condition> {
        use follow_up_group::Column as C;
        match scope {
            Scope::All | Scope::Viewer => None,
            Scope::Organisation(_) | Scope::Grants { .. } => {
                within::<grant::Entity>(scope, C::GrantId, grant::Column::Id)
            }
            Scope::Contractor { .. } | Scope::Nothing => none(),
        }
    }
}

impl Scoped for group_member::Entity {
    fn condition(scope: &Scope) -> Option<Condition> {
        use group_member::Column as C;
        match scope {
            Scope::All => None,
            Scope::Organisation(_) | Scope::Grants { .. } => {
                within::<follow_up_group::Entity>(scope, C::GroupId, follow_up_group::Column::Id)
            }
            // Members are named people.
            Scope::Viewer | Scope::Contractor { .. } | Scope::Nothing => none(),
        }
    }
}

impl Scoped for meeting::Entity {
    fn condition(scope: &Scope) -> Option<Condition> {
        use meeting::Column as C;
        match scope {
            Scope::All => None,
            // A viewer sees that meetings were held (dates); minutes are hidden per field.
            Scope::Viewer => None,
            Scope::Organisation(_) | Scope::Grants { .. } => {
                within::<follow_up_group::Entity>(scope, C::GroupId, follow_up_group::Column::Id)
            }
            Scope::Contractor { .. } | Scope::Nothing => none(),
        }
    }
}

impl Scoped for action_item::Entity {
    fn condition(scope: &Scope) -> Option<Condition> {
        use action_item::Column as C;
        match scope {
            Scope::All => None,
            Scope::Organisation(_) | Scope::Grants { .. } => {
                within::<meeting::Entity>(scope, C::MeetingId, meeting::Column::Id)
            }
            // An action item names its owner.
            Scope::Viewer | Scope::Contractor { .. } | Scope::Nothing => none(),
        }
    }
}

impl Scoped for lbf_report::Entity {
    fn condition(scope: &Scope) -> Option<Condition> {
        use lbf_report::Column as C;
        match scope {
            Scope::All | Scope::Viewer => None,
            Scope::Organisation(_) | Scope::Grants { .. } => {
                within::<grant::Entity>(scope, C::GrantId, grant::Column::Id)
            }
            // Grant totals include other contractors' hours.
            Scope::Contractor { .. } | Scope::Nothing => none(),
        }
    }
}

impl Scoped for api_token::Entity {
    fn condition(scope: &Scope) -> Option<Condition> {
        match scope {
            Scope::All => None,
            _ => none(),
        }
    }
}
