//! The workspace's layering, checked from cargo's own dependency graph: the rule engine builds
//! with neither the GraphQL library, the HTTP framework nor a database library, and the service
//! (`tracker-core`) with neither GraphQL nor HTTP, so they can be used by anything above them
//! (the API, the pages, the payroll import, the command line) without them; and no crate of the
//! workspace has a module cycle or a production function over 120 lines, checked from its
//! source.

use std::process::Command;

/// The packages `package` depends on for its normal build (no dev or build dependencies), with
/// its default features.
fn normal_dependencies(package: &str) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "-p",
            package,
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .args(["--format", "{p}"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// Scenario: the engine crate's dependency tree holds no async-graphql, no poem, no database
/// library, no async runtime and none of the server's crates; its GraphQL enum derives come only
/// with its `graphql` feature, which the API turns on, and its domain enums come from `domain`
/// without their storage feature.
#[test]
fn the_engine_depends_on_neither_graphql_nor_http_nor_a_database() {
    let deps = normal_dependencies("engine");
    assert!(deps.iter().any(|d| d == "rust_decimal"), "{deps:?}");
    assert!(deps.iter().any(|d| d == "domain"), "{deps:?}");
    for forbidden in [
        "async-graphql",
        "poem",
        "sea-orm",
        "sqlx-core",
        "tokio",
        "entity",
        "api",
    ] {
        assert!(
            !deps.iter().any(|d| d == forbidden),
            "engine depends on {forbidden}: {deps:?}"
        );
    }
    // The API does use the engine, with the GraphQL derives.
    let api = normal_dependencies("api");
    assert!(api.iter().any(|d| d == "engine"), "{api:?}");
    assert!(api.iter().any(|d| d == "async-graphql"), "{api:?}");
}

/// Scenario: the service crate's dependency tree, with its default features, holds neither
/// async-graphql nor poem nor any crate above it; its inputs derive their GraphQL types only with
/// its `graphql` feature, which the API turns on.
#[test]
fn the_service_depends_on_neither_graphql_nor_http() {
    let deps = normal_dependencies("tracker-core");
    for needed in ["engine", "entity", "sea-orm", "tokio"] {
        assert!(deps.iter().any(|d| d == needed), "{needed}: {deps:?}");
    }
    for forbidden in ["async-graphql", "poem", "hyper", "maud", "api"] {
        assert!(
            !deps.iter().any(|d| d == forbidden),
            "tracker-core depends on {forbidden}: {deps:?}"
        );
    }
    let api = normal_dependencies("api");
    assert!(api.iter().any(|d| d == "tracker-core"), "{api:?}");
}

/// Scenario: the GraphQL crate builds on the service and knows no HTTP and no pages: it depends
/// on neither poem nor hyper nor maud nor the server.
#[test]
fn the_schema_depends_on_the_service_but_not_on_http() {
    let deps = normal_dependencies("tracker-graphql");
    for needed in ["tracker-core", "async-graphql"] {
        assert!(deps.iter().any(|d| d == needed), "{needed}: {deps:?}");
    }
    for forbidden in ["poem", "hyper", "maud", "api"] {
        assert!(
            !deps.iter().any(|d| d == forbidden),
            "tracker-graphql depends on {forbidden}: {deps:?}"
        );
    }
}

/// Scenario: the web app asks the schema and knows nothing of the server around it (routes,
/// connection governor, configuration file): it depends on the GraphQL crate, not on `api`.
#[test]
fn the_web_app_depends_on_the_schema_but_not_on_the_server() {
    let deps = normal_dependencies("tracker-web");
    for needed in ["tracker-graphql", "maud", "poem"] {
        assert!(deps.iter().any(|d| d == needed), "{needed}: {deps:?}");
    }
    assert!(!deps.iter().any(|d| d == "api"), "{deps:?}");
    assert!(
        !normal_dependencies("tracker-graphql")
            .iter()
            .any(|d| d == "tracker-web"),
        "the schema must not know the pages"
    );
}

/// Scenario: every page asks the schema through a typed operation (`crates/web/src/queries`),
/// which cynic checks against `schema.graphql` at build time; only the one helper that runs them
/// builds a GraphQL request, so no page can slip an unchecked query string or read an answer by
/// string keys.
#[test]
fn the_pages_ask_only_typed_operations() {
    let web = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/web/src");
    let mut files = vec![web.clone()];
    let mut offenders = Vec::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") || path.ends_with("layout.rs") {
            continue;
        }
        let code = std::fs::read_to_string(&path).unwrap();
        for needle in ["Request::new(", "serde_json::Value", "json!("] {
            if code.contains(needle) {
                offenders.push(format!("{}: {needle}", path.display()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "untyped GraphQL in pages: {offenders:?}"
    );
}

/// The source folders of every library of the workspace's packages, and of every binary with a
/// folder of its own (`main.rs`), as cargo lists them, so a new crate is checked without being
/// named here. A one-file binary has no modules to cycle through.
fn source_roots() -> Vec<std::path::PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--offline",
            "--no-deps",
            "--format-version",
            "1",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("cargo metadata JSON");
    let mut roots = std::collections::BTreeSet::new();
    for package in meta["packages"].as_array().expect("packages") {
        for target in package["targets"].as_array().expect("targets") {
            let kinds = target["kind"].as_array().expect("kind");
            let src = std::path::PathBuf::from(target["src_path"].as_str().expect("src_path"));
            let own_folder = src.file_name().is_some_and(|f| f == "main.rs");
            if kinds
                .iter()
                .any(|k| k == "lib" || (k == "bin" && own_folder))
            {
                roots.insert(
                    src.parent()
                        .expect("a source file has a folder")
                        .to_path_buf(),
                );
            }
        }
    }
    roots.into_iter().collect()
}

/// A crate's module graph, read with syn from its source: which module refers to which through
/// `crate::`, `super::` and `self::` paths (and child modules named relatively), in `use`
/// declarations and anywhere else, leaving out `#[cfg(test)]` items.
mod modules {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::{Path, PathBuf};

    use syn::visit::{self, Visit};

    pub type Module = Vec<String>;

    /// Every module backed by a file under `src`: `lib.rs` is the root, `a.rs` and `a/mod.rs`
    /// are `a`, `a/b.rs` is `a::b`. Binaries (`src/bin`) are crates of their own.
    pub fn files(src: &Path) -> BTreeMap<Module, PathBuf> {
        let mut out = BTreeMap::new();
        let mut stack = vec![src.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("a source directory") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    if path != src.join("bin") {
                        stack.push(path);
                    }
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let rel = path
                    .strip_prefix(src)
                    .expect("under src")
                    .with_extension("");
                let mut module: Module = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if matches!(
                    module.last().map(String::as_str),
                    Some("mod" | "lib" | "main")
                ) {
                    module.pop();
                }
                out.insert(module, path);
            }
        }
        out
    }

    fn is_test_only(attrs: &[syn::Attribute]) -> bool {
        attrs.iter().any(|a| {
            a.path().is_ident("cfg")
                && a.parse_args::<syn::Meta>()
                    .is_ok_and(|m| m.path().is_ident("test"))
        })
    }

    struct Refs {
        me: Module,
        paths: Vec<(Module, Vec<String>)>,
    }

    impl Refs {
        fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
            match tree {
                syn::UseTree::Path(p) => {
                    prefix.push(p.ident.to_string());
                    self.use_tree(prefix, &p.tree);
                    prefix.pop();
                }
                syn::UseTree::Name(n) => {
                    self.push([prefix.clone(), vec![n.ident.to_string()]].concat())
                }
                syn::UseTree::Rename(r) => {
                    self.push([prefix.clone(), vec![r.ident.to_string()]].concat())
                }
                syn::UseTree::Glob(_) => self.push(prefix.clone()),
                syn::UseTree::Group(g) => {
                    for t in &g.items {
                        self.use_tree(prefix, t);
                    }
                }
            }
        }

        /// Paths inside a macro's tokens (`$crate::audit::write(..)` in a `macro_rules!` body,
        /// `crate::x::y` in a `format!` argument): syn leaves them unparsed.
        fn tokens(&mut self, stream: proc_macro2::TokenStream) {
            use proc_macro2::TokenTree;
            let tokens: Vec<TokenTree> = stream.into_iter().collect();
            let mut i = 0;
            while i < tokens.len() {
                match &tokens[i] {
                    TokenTree::Group(g) => self.tokens(g.stream()),
                    TokenTree::Ident(id)
                        if matches!(id.to_string().as_str(), "crate" | "super" | "self") =>
                    {
                        let mut path = vec![id.to_string()];
                        let mut j = i + 1;
                        while let (
                            Some(TokenTree::Punct(a)),
                            Some(TokenTree::Punct(b)),
                            Some(TokenTree::Ident(next)),
                        ) = (tokens.get(j), tokens.get(j + 1), tokens.get(j + 2))
                        {
                            if a.as_char() != ':' || b.as_char() != ':' {
                                break;
                            }
                            path.push(next.to_string());
                            j += 3;
                        }
                        if path.len() > 1 {
                            self.push(path);
                        }
                        i = j;
                        continue;
                    }
                    _ => {}
                }
                i += 1;
            }
        }

        fn push(&mut self, path: Vec<String>) {
            if !path.is_empty() {
                self.paths.push((self.me.clone(), path));
            }
        }
    }

    impl<'ast> Visit<'ast> for Refs {
        fn visit_item(&mut self, item: &'ast syn::Item) {
            let attrs = match item {
                syn::Item::Mod(m) => &m.attrs,
                syn::Item::Fn(f) => &f.attrs,
                syn::Item::Impl(i) => &i.attrs,
                syn::Item::Use(u) => &u.attrs,
                syn::Item::Const(c) => &c.attrs,
                syn::Item::Static(s) => &s.attrs,
                syn::Item::Struct(s) => &s.attrs,
                syn::Item::Enum(e) => &e.attrs,
                _ => return visit::visit_item(self, item),
            };
            if !is_test_only(attrs) {
                visit::visit_item(self, item);
            }
        }

        fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
            // An inline module's paths are relative to it.
            if m.content.is_some() {
                self.me.push(m.ident.to_string());
                visit::visit_item_mod(self, m);
                self.me.pop();
            }
        }

        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            self.tokens(m.tokens.clone());
            visit::visit_macro(self, m);
        }

        fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
            self.use_tree(&mut Vec::new(), &u.tree);
        }

        fn visit_path(&mut self, p: &'ast syn::Path) {
            let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
            if matches!(
                segments.first().map(String::as_str),
                Some("crate" | "super" | "self")
            ) {
                self.push(segments);
            }
            visit::visit_path(self, p);
        }
    }

    /// The module a path in module `me` names: the longest prefix of it that is a module.
    fn resolve(me: &Module, path: &[String], known: &BTreeMap<Module, PathBuf>) -> Option<Module> {
        let mut base: Module;
        let mut rest = path;
        match path.first().map(String::as_str) {
            Some("crate") => {
                base = vec![];
                rest = &path[1..];
            }
            Some("super" | "self") => {
                base = me.clone();
                while let Some(first) = rest.first() {
                    match first.as_str() {
                        "super" => {
                            base.pop();
                        }
                        "self" => {}
                        _ => break,
                    }
                    rest = &rest[1..];
                }
            }
            // A relative path names a child module, or else another crate (ignored).
            Some(first) => {
                base = me.clone();
                base.push(first.to_owned());
                if !known.contains_key(&base) {
                    return None;
                }
                base.pop();
            }
            None => return None,
        }
        let full: Module = base.iter().chain(rest).cloned().collect();
        (0..=full.len())
            .rev()
            .map(|k| full[..k].to_vec())
            .find(|m| known.contains_key(m))
            .filter(|m| m != me)
    }

    /// Module -> the modules it refers to.
    pub fn graph(src: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
        let known = files(src);
        let mut graph = BTreeMap::new();
        for (module, file) in &known {
            let text = std::fs::read_to_string(file).expect("a source file");
            let ast = syn::parse_file(&text)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", file.display()));
            let mut refs = Refs {
                me: module.clone(),
                paths: vec![],
            };
            refs.visit_file(&ast);
            let targets: &mut BTreeSet<Module> = graph.entry(module.clone()).or_default();
            for (me, path) in refs.paths {
                if let Some(target) = resolve(&me, &path, &known) {
                    // A module's own descendants are its parts, not its dependencies (it declares
                    // and re-exports them); an inline module's references are its file's.
                    if !target.starts_with(module) {
                        targets.insert(target);
                    }
                }
            }
        }
        graph
    }

    /// Every cycle's modules (strongly connected components of more than one module, or one
    /// module referring to itself), each as `a::b` names.
    pub fn cycles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<String>> {
        // Kosaraju: finish order on the graph, then components on the reversed graph.
        let nodes: Vec<&Module> = graph.keys().collect();
        let mut seen = BTreeSet::new();
        let mut order = Vec::new();
        for start in &nodes {
            if seen.contains(*start) {
                continue;
            }
            let mut stack = vec![(*start, false)];
            while let Some((n, done)) = stack.pop() {
                if done {
                    order.push(n);
                    continue;
                }
                if !seen.insert(n) {
                    continue;
                }
                stack.push((n, true));
                for m in graph.get(n).into_iter().flatten() {
                    if !seen.contains(m) {
                        stack.push((m, false));
                    }
                }
            }
        }
        let mut reversed: BTreeMap<&Module, Vec<&Module>> = BTreeMap::new();
        for (from, tos) in graph {
            for to in tos {
                reversed.entry(to).or_default().push(from);
            }
        }
        let mut assigned = BTreeSet::new();
        let mut out = Vec::new();
        for root in order.into_iter().rev() {
            if assigned.contains(root) {
                continue;
            }
            let mut component = vec![];
            let mut stack = vec![root];
            assigned.insert(root);
            while let Some(n) = stack.pop() {
                component.push(n);
                for m in reversed.get(n).into_iter().flatten() {
                    if assigned.insert(*m) {
                        stack.push(m);
                    }
                }
            }
            if component.len() > 1 {
                let mut names: Vec<String> = component
                    .iter()
                    .map(|m| {
                        if m.is_empty() {
                            "crate".into()
                        } else {
                            m.join("::")
                        }
                    })
                    .collect();
                names.sort();
                out.push(names);
            }
        }
        out
    }
}

/// Scenario: no module of any crate of the workspace refers, through any chain of paths, back to
/// itself (a module's references to its own submodules do not count: it declares them).
#[test]
fn no_crate_has_a_module_cycle() {
    let roots = source_roots();
    for krate in [
        "api/src",
        "crates/core/src",
        "crates/engine/src",
        "migration/src",
    ] {
        assert!(
            roots.iter().any(|r| r.ends_with(krate)),
            "{krate} is not among the checked roots {roots:?}"
        );
    }
    for krate in roots {
        let graph = modules::graph(&krate);
        assert!(
            graph.contains_key(&vec![]),
            "{krate:?}: no crate root found"
        );
        let cycles = modules::cycles(&graph);
        assert!(cycles.is_empty(), "{krate:?} has module cycles: {cycles:?}");
    }
}

/// Scenario: the cycle check finds a cycle where there is one: three modules of a crate written
/// for the test, `a` using `b`, `b` using `c::Thing` through `super::`, `c` using `crate::a`; and
/// the same when `c` refers back only inside a `macro_rules!` body; none once `c` no longer refers
/// back.
#[test]
fn the_cycle_check_finds_a_cycle_through_super_and_crate_paths() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::write(src.join("lib.rs"), "pub mod a;\npub mod b;\npub mod c;\n").unwrap();
    std::fs::write(src.join("a.rs"), "use crate::b::f;\npub fn g() { f() }\n").unwrap();
    std::fs::write(
        src.join("b.rs"),
        "pub fn f() { let _ = super::c::Thing; }\n",
    )
    .unwrap();
    std::fs::write(
        src.join("c.rs"),
        "pub struct Thing;\nfn h() { crate::a::g() }\n#[cfg(test)]\nmod tests { use crate::b::f; }\n",
    )
    .unwrap();
    let cycles = modules::cycles(&modules::graph(src));
    assert_eq!(cycles, vec![vec!["a".to_owned(), "b".into(), "c".into()]]);

    // The same cycle when `c` refers back only inside a macro's body.
    std::fs::write(
        src.join("c.rs"),
        "pub struct Thing;\nmacro_rules! call { () => { $crate::a::g() }; }\n",
    )
    .unwrap();
    let cycles = modules::cycles(&modules::graph(src));
    assert_eq!(cycles, vec![vec!["a".to_owned(), "b".into(), "c".into()]]);

    // None when `c` refers back only from its tests.
    std::fs::write(
        src.join("c.rs"),
        "pub struct Thing;\n#[cfg(test)]\nmod tests { use crate::a::g; }\n",
    )
    .unwrap();
    assert!(modules::cycles(&modules::graph(src)).is_empty());
}

/// Production functions (and methods) of a crate's source that are longer than `limit` lines,
/// from the `fn` to the closing brace, as `path:line name lines`; `#[cfg(test)]` items and
/// `#[test]` functions are left out.
mod lengths {
    use std::path::Path;

    use syn::visit::{self, Visit};

    struct Long<'a> {
        file: &'a Path,
        limit: usize,
        found: Vec<String>,
    }

    impl Long<'_> {
        fn check(&mut self, sig: &syn::Signature, body: &syn::Block) {
            let name = &sig.ident;
            let start = sig.fn_token.span.start().line;
            let end = body.brace_token.span.close().end().line;
            let lines = end + 1 - start;
            if lines > self.limit {
                self.found
                    .push(format!("{}:{start} {name} {lines}", self.file.display()));
            }
        }
    }

    fn is_test_only(attrs: &[syn::Attribute]) -> bool {
        attrs.iter().any(|a| {
            (a.path().is_ident("cfg")
                && a.parse_args::<syn::Meta>()
                    .is_ok_and(|m| m.path().is_ident("test")))
                || a.path().is_ident("test")
        })
    }

    impl<'ast> Visit<'ast> for Long<'_> {
        fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
            if !is_test_only(&m.attrs) {
                visit::visit_item_mod(self, m);
            }
        }
        fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
            if !is_test_only(&f.attrs) {
                self.check(&f.sig, &f.block);
                visit::visit_item_fn(self, f);
            }
        }
        fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
            if !is_test_only(&f.attrs) {
                self.check(&f.sig, &f.block);
                visit::visit_impl_item_fn(self, f);
            }
        }
        fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
            if let Some(body) = &f.default {
                self.check(&f.sig, body);
            }
            visit::visit_trait_item_fn(self, f);
        }
    }

    pub fn over(src: &Path, limit: usize) -> Vec<String> {
        let mut found = Vec::new();
        let mut stack = vec![src.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("a source directory") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("a source file");
                    let file = syn::parse_file(&text).expect("a source file parses");
                    let mut long = Long {
                        file: &path,
                        limit,
                        found: Vec::new(),
                    };
                    long.visit_file(&file);
                    found.append(&mut long.found);
                }
            }
        }
        found.sort();
        found
    }
}

/// Scenario: no production function of any crate of the workspace is longer than 120 lines (a
/// function that long does several things, and its parts deserve names).
#[test]
fn no_production_function_is_over_120_lines() {
    // A library's folder holds its binaries' folders, which are roots of their own too.
    let mut long = std::collections::BTreeSet::new();
    for krate in source_roots() {
        long.extend(lengths::over(&krate, 120));
    }
    assert!(
        long.is_empty(),
        "functions over 120 lines:\n{}",
        Vec::from_iter(long).join("\n")
    );
}

/// Scenario: the length check counts from `fn` to the closing brace: a function of 121 lines is
/// reported with its count, one of 120 is not, nor one of 121 lines inside `#[cfg(test)]` or
/// marked `#[test]`; a method counts like a function.
#[test]
fn the_length_check_finds_a_function_over_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    // A function of `lines` lines: its `fn` line, a body of `lines - 2` lines, its closing brace.
    let function = |name: &str, lines: usize| {
        format!(
            "fn {name}() {{\n{}}}\n",
            "    let _ = 1;\n".repeat(lines - 2)
        )
    };
    let source = format!(
        "/// Documented.\n{}{}struct S;\nimpl S {{\n{}}}\n#[cfg(test)]\nmod tests {{\n{}}}\n#[test]\n{}",
        function("long", 121),
        function("fits", 120),
        function("method", 122),
        function("test_helper", 121),
        function("a_test", 121),
    );
    std::fs::write(dir.path().join("lib.rs"), source).unwrap();
    let found = lengths::over(dir.path(), 120);
    let names: Vec<&str> = found.iter().map(|f| f.split_once(' ').unwrap().1).collect();
    assert_eq!(names, vec!["long 121", "method 122"]);
}
