//! `schema.graphql` at the repository root must be the SDL the code generates.

use api::config::PageLimits;
use api::graphql::{build_schema, sdl};

#[test]
fn schema_graphql_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let generated = sdl(&build_schema(
        sea_orm::DatabaseConnection::default(),
        PageLimits::default(),
    ));
    assert!(
        committed == generated,
        "schema.graphql is stale; regenerate it with `cargo run -p tracker-graphql --bin export-schema` and commit it"
    );
    // Sorted output: the types appear in alphabetical order, so diffs stay stable.
    assert!(generated.contains("type Grant {"));
    assert!(generated.find("type ActionItem {").unwrap() < generated.find("type Grant {").unwrap());
}
