//! The signed-in pages, one module per page or feature.

pub mod contractor;
pub mod contracts;
pub mod grant;
pub mod grants;
pub mod groups;
pub mod home;
pub mod hours;
pub mod import;
pub mod month;
pub mod parts;
pub mod people;
pub mod reminders;
pub mod setup;
pub mod trainees;
pub mod users;

pub mod todo;
pub mod trials;
