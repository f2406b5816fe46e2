//! Payroll and timesheet files (lønfiler): reading them ([`read`]) and what their rows say
//! ([`rows`]), as pure functions; applying them is [`crate::service::payroll`].

pub mod read;
pub mod rows;
