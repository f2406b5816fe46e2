//! The caller's read scope. Every read (by id, lists, nested relations through DataLoaders) starts
//! from [`Scope::restrict`], so narrowing what a caller sees is decided here, once, rather than in
//! each resolver. Today every caller sees everything; roles add narrower variants.

use sea_orm::{EntityTrait, Select};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// Everything (administrators, and every caller until access control lands).
    #[default]
    All,
}

impl Scope {
    pub fn restrict<E: EntityTrait>(&self, select: Select<E>) -> Select<E> {
        match self {
            Scope::All => select,
        }
    }
}
