// The hash of a set of sources, for the build scripts of this crate and of `tracker-graphql`
// (each `include!`s this file): what is stored for other instances carries the fingerprint of
// the code that made it, so another version's is never read back as this version's.

/// The `.rs` files under `dir`, recursively.
fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// A hex SHA-256 of the Rust sources under `dirs` and of the `files`, each relative to the
/// crate's manifest directory, and a `rerun-if-changed` for each. Hashed in the order of their
/// path within the workspace, so the hash does not depend on where the workspace is checked out
/// or the order the directory lists them.
fn fingerprint(dirs: &[&str], files: &[&str]) -> String {
    use sha2::Digest;
    let here =
        std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut all = Vec::new();
    for d in dirs {
        let d = here.join(d);
        println!("cargo:rerun-if-changed={}", d.display());
        rust_files(&d, &mut all);
    }
    for f in files {
        let f = here.join(f);
        println!("cargo:rerun-if-changed={}", f.display());
        all.push(f);
    }
    let mut named: Vec<(String, std::path::PathBuf)> = all
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&here)
                .map(|r| r.to_string_lossy().into_owned())
                .unwrap_or_else(|_| p.to_string_lossy().into_owned());
            (rel, p)
        })
        .collect();
    named.sort();
    let mut h = sha2::Sha256::new();
    for (rel, p) in &named {
        h.update(rel.as_bytes());
        h.update(std::fs::read(p).unwrap_or_default());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
