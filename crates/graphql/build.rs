//! The views' fingerprint: a hash of the sources a resolved answer's JSON follows from (this
//! crate's views, the services, the engine, the entities, and the locked versions of the
//! libraries that write the JSON). A stored answer carries it, so one resolved by another
//! version is never served as this version's.

include!("../core/fingerprint.rs");

fn main() {
    let hex = fingerprint(
        &[
            "src",
            "../core/src",
            "../engine/src",
            "../domain/src",
            "../../entity/src",
        ],
        &["../../Cargo.lock"],
    );
    println!("cargo:rustc-env=TRACKER_VIEWS_FINGERPRINT={hex}");
}
