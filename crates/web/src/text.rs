//! The web app's texts. Every word a page shows is in `locales/da/web.ftl` and
//! `locales/en/web.ftl` (Fluent), under the same key in both files (a test checks); the files are
//! compiled into the binary. A page asks for a text by its key in the person's language,
//! `t(l, "hours-short")`; a text with values in it (a date, a grant's own parameter) is asked for
//! with [`t_with`]. Texts the page does not own (a rule's name, a finding) come from the engine.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

use engine::i18n::Lang;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "da",
        // No Unicode isolation marks around values: the pages are Danish or English, left to right.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static DA: LanguageIdentifier = langid!("da");
static EN: LanguageIdentifier = langid!("en");

fn language(l: Lang) -> &'static LanguageIdentifier {
    match l {
        Lang::Da => &DA,
        Lang::En => &EN,
    }
}

/// Texts looked up once, kept for the process's life: the keys are the code's own literals, so
/// the set is as small as the two files.
static PLAIN: LazyLock<RwLock<HashMap<(Lang, &'static str), &'static str>>> =
    LazyLock::new(Default::default);

/// The text `key` in `l` (see [`lookup`] for a missing key).
pub fn t(l: Lang, key: &'static str) -> &'static str {
    let cached = PLAIN
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .get(&(l, key))
        .copied();
    if let Some(text) = cached {
        return text;
    }
    let text: &'static str = Box::leak(lookup(l, key, None).into_boxed_str());
    PLAIN
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .insert((l, key), text);
    text
}

/// The text `key` in `l` with `values` put in (`{ $name }` in the files).
pub fn t_with(l: Lang, key: &'static str, values: &[(&'static str, String)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue> = values
        .iter()
        .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.clone())))
        .collect();
    lookup(l, key, Some(&args))
}

/// The text `key` in `l` from the files, or, for a key missing from them (a test keeps that from
/// happening), the key itself, logged, rather than a failed page.
fn lookup(l: Lang, key: &str, args: Option<&HashMap<Cow<'static, str>, FluentValue>>) -> String {
    LOCALES
        .try_lookup_complete(language(l), key, args)
        .unwrap_or_else(|| {
            tracing::error!(
                key,
                "a text of the web app is missing from its language files"
            );
            key.to_owned()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(lang: &str) -> std::collections::BTreeSet<String> {
        let path = format!("{}/locales/{lang}/web.ftl", env!("CARGO_MANIFEST_DIR"));
        let source = std::fs::read_to_string(&path).unwrap();
        let resource = fluent_templates::fluent_bundle::FluentResource::try_new(source)
            .unwrap_or_else(|(_, errors)| panic!("{path}: {errors:?}"));
        resource
            .entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }

    /// Both files parse, and every text has both a Danish and an English version.
    #[test]
    fn every_key_is_in_both_languages() {
        let (da, en) = (keys("da"), keys("en"));
        assert!(da.len() > 200, "{}", da.len());
        assert_eq!(
            da.symmetric_difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new()
        );
    }

    /// Every key the pages ask for is in the files: a typo fails here, not on a page.
    #[test]
    fn every_key_the_code_uses_exists() {
        let known = keys("da");
        let call = regex::Regex::new(r#"\bt(?:_with)?\(\s*[\w.]+,\s*"([^"]+)""#).unwrap();
        let mut missing = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let code = std::fs::read_to_string(&path).unwrap();
                    for c in call.captures_iter(&code) {
                        if !known.contains(&c[1]) {
                            missing.push(format!("{}: {}", path.display(), &c[1]));
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn a_text_reads_in_each_language_with_its_spaces() {
        assert_eq!(t(Lang::Da, "hours-short"), "Manglende timer");
        assert_eq!(t(Lang::En, "hours-short"), "Hours short");
        assert_eq!(t(Lang::Da, "status-on"), "Status ");
        assert_eq!(t(Lang::Da, "no-such-text"), "no-such-text");
    }
}
