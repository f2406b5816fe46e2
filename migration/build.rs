//! The migrations are the files `src/m<date>_<number>_<name>.rs`, applied in the order of their
//! names: this script lists them for `lib.rs`, as diesel's `embed_migrations!` reads its
//! directory, so a new migration is its file alone and cannot be left out of the list.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=src");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("the migration crate's src folder is readable")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|f| f.strip_suffix(".rs").map(str::to_owned))
        .filter(|n| n != "lib" && n != "main")
        .collect();
    // A misnamed file would otherwise be left out of the list and never applied.
    if let Some(bad) = names.iter().find(|n| !is_migration(n)) {
        panic!("migration/src/{bad}.rs: a migration is named m<yyyymmdd>_<nnnnnn>_<name>.rs");
    }
    names.sort();
    let mut out = String::new();
    for n in &names {
        let path = dir.join(format!("{n}.rs"));
        writeln!(out, "#[path = {:?}]\nmod {n};", path.display().to_string()).ok();
    }
    out.push_str("/// Every migration, oldest first.\nfn listed() -> Vec<Box<dyn MigrationTrait>> {\n    vec![\n");
    for n in &names {
        writeln!(out, "        Box::new({n}::Migration),").ok();
    }
    out.push_str("    ]\n}\n");
    let target =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("migrations.rs");
    std::fs::write(target, out).expect("OUT_DIR is writable");
}

/// `m20261124_000001_domain`: `m`, eight digits of date, `_`, six digits, `_`, a name.
fn is_migration(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() > 17
        && b[0] == b'm'
        && b[1..9].iter().all(u8::is_ascii_digit)
        && b[9] == b'_'
        && b[10..16].iter().all(u8::is_ascii_digit)
        && b[16] == b'_'
        && name[17..]
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
}
