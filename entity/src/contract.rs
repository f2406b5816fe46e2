//! Entreprise / kontrakt: a contract on one grant, with its training clause (uddannelsesklausul) or a recorded exemption.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "contract")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub grant_id: Uuid,
    pub contractor_id: Uuid,
    pub kind: crate::enums::ContractKind,
    /// The contract this one is a subcontract under (underentreprise).
    pub parent_contract_id: Option<Uuid>,
    /// Fag, e.g. murer, tømrer, VVS.
    pub trade: String,
    pub value_ore: i64,
    pub start_date: Date,
    pub end_date: Date,
    /// Training clause: required trainee hours over the contract, in hundredths of an hour.
    pub clause_required_centihours: Option<i64>,
    /// Training clause: required trainee share of labour hours, in basis points.
    pub clause_required_share_bp: Option<i32>,
    /// Training clause in elevuger (37 hours each), in hundredths of a week; the hours it stands
    /// for are judged like an hours clause.
    pub clause_required_centiweeks: Option<i64>,
    /// RATIO clause: one person in training per this many skilled workers (Gentofte: 10).
    pub clause_skilled_per_trainee: Option<i32>,
    /// Apprentice part of a share or ratio clause: at least this part of the counted trainee
    /// hours must be apprentices (EUD/EUV/EUX), in basis points.
    pub clause_apprentice_part_bp: Option<i32>,
    /// Company documentation (Aarhus's model): the clause lapses for a period in which the
    /// contractor documents a company-wide trainee share at least this high, in basis points.
    pub clause_company_threshold_bp: Option<i32>,
    pub exemption_reason: Option<String>,
    pub exemption_approved_by: Option<String>,
    pub exemption_date: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
