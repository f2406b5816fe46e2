//! Database migrations of the social-clause tracker. The server runs them at start; they can also
//! be run on their own with `cargo run -p migration -- up` (DATABASE_URL as for the server).

pub use sea_orm_migration::prelude::*;

// `mod` of each file `src/m…rs` and `listed()`, all of them in name order (see `build.rs`).
include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        listed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names are what `seaql_migrations` records as applied, so each must stay its file's
    /// name, whatever path the build script gives the module.
    #[test]
    fn every_file_is_a_migration_named_after_it_in_name_order() {
        let listed: Vec<String> = Migrator::migrations()
            .iter()
            .map(|m| m.name().to_owned())
            .collect();
        let mut files: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))
            .unwrap()
            .filter_map(|e| e.unwrap().file_name().into_string().ok())
            .filter(|f| f.starts_with('m') && f != "main.rs")
            .map(|f| f.trim_end_matches(".rs").to_owned())
            .collect();
        files.sort();
        assert_eq!(listed, files);
        assert!(listed.len() >= 20, "{listed:?}");
        assert_eq!(listed[0], "m20261124_000001_domain");
        assert!(listed.contains(&"m20261207_000020_grant_revision_salt".to_owned()));
    }
}
