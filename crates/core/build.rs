//! The engine's fingerprint: a hash of the sources an evaluation follows from (the rule engine,
//! and this crate's services that read the facts). A stored evaluation carries it, so one made by
//! another version of the rules or of the facts' reading is never read back as this version's.

include!("fingerprint.rs");

fn main() {
    let hex = fingerprint(&["../engine/src", "src/service"], &[]);
    println!("cargo:rustc-env=TRACKER_ENGINE_FINGERPRINT={hex}");
}
