//! The engine's exact unit conversions ([`engine::units`]), and today's date in Denmark (from
//! [`crate::clock`], which the engine does not read).

pub use engine::units::*;

pub use crate::clock::{danish_date, danish_today};
