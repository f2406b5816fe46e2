//! `cargo run -p tracker-graphql --bin export-schema [OUT]`: writes the SDL (default
//! `schema.graphql`, `-` for standard output) from this crate alone. The web app's pages compile
//! against that file, so after a change to the schema this regenerates it before they build
//! (`cargo run -p api -- export-schema` writes the same, once everything builds).

use tracker_graphql::limits::PageLimits;
use tracker_graphql::{build_schema, sdl};

fn main() -> std::io::Result<()> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "schema.graphql".into());
    // The SDL does not depend on the data, so no database is needed.
    let text = sdl(&build_schema(
        sea_orm::DatabaseConnection::default(),
        PageLimits::default(),
    ));
    if out == "-" {
        print!("{text}");
    } else {
        std::fs::write(&out, text)?;
        eprintln!("wrote {out}");
    }
    Ok(())
}
