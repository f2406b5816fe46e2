//! Registers the API's schema (`schema.graphql`, generated from the code and kept in step by a
//! test) with cynic, so every page query is checked against it when this crate compiles.

fn main() {
    println!("cargo:rerun-if-changed=../../schema.graphql");
    cynic_codegen::register_schema("tracker")
        .from_sdl_file("../../schema.graphql")
        .expect("schema.graphql can be read")
        .as_default()
        .expect("schema.graphql is valid SDL");
}
