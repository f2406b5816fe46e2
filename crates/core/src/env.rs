//! Reading one setting from the environment (through a lookup, so tests pass their own): a
//! positive whole number or an on/off flag, with the variable named in the error. Shared by the
//! configuration and the reminder settings it holds.

use anyhow::bail;

/// A positive whole number from the environment, or the default.
pub fn number(
    lookup: &impl Fn(&str) -> Option<String>,
    key: &str,
    default: u64,
) -> anyhow::Result<u64> {
    match lookup(key) {
        None => Ok(default),
        Some(v) => match v.trim().parse::<u64>() {
            Ok(n) if n > 0 => Ok(n),
            _ => bail!("{key} must be a whole number above 0, got {v:?}"),
        },
    }
}

/// An on/off flag from the environment (`1/true/on/yes`, `0/false/off/no`), or the default.
pub fn flag(
    lookup: &impl Fn(&str) -> Option<String>,
    key: &str,
    default: bool,
) -> anyhow::Result<bool> {
    match lookup(key).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if ["1", "true", "on", "yes"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["0", "false", "off", "no"].contains(&v.as_str()) => Ok(false),
        Some(v) => bail!("{key} must be on or off, got {v:?}"),
    }
}
