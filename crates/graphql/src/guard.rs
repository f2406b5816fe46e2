//! The request guard: what a query may cost before any of it runs, and a code on every error.
//!
//! Checks, in the order a request meets them (all after the caller is authenticated):
//! 1. nesting of the query text ([`Nesting`]): lists, objects and selections nested deeper than
//!    [`MAX_NESTING`] are refused before the parser sees them (the parser recurses per level, and
//!    a few thousand levels overflow the stack of a release build); then automatic persisted
//!    queries put a registered query's document in place of its hash;
//! 2. parsing, then the size of the query with every fragment spread expanded, counted once per
//!    fragment (memoised), so `fragment F24 { ...F23 ...F23 }` chains are refused in microseconds
//!    instead of being walked 2^24 times by validation;
//! 3. dates: a date or timestamp whose year lies outside [`MIN_YEAR`]..=[`MAX_YEAR`] is refused,
//!    wherever it stands (chrono accepts years up to ±262143, which overflow date arithmetic);
//! 4. a time limit on execution, longer for the national overviews.
//!
//! Every error that leaves the schema carries `extensions.code`: errors from the parser,
//! validation and input coercion, which async-graphql leaves without one, get
//! GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED or BAD_USER_INPUT (with the argument as
//! `field`).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::time::Duration;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextPrepareRequest, NextRequest,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Request, Response, ServerError, ServerResult, Value};

use crate::limits::QueryLimits;

/// Deepest nesting of brackets and braces in a query's text.
pub const MAX_NESTING: usize = 64;
/// Dates and timestamps in input must fall in these years.
pub const MIN_YEAR: i64 = 1900;
pub const MAX_YEAR: i64 = 2200;
/// Top-level fields that evaluate many grants at once and get the longer time limit.
const NATIONAL: [&str; 4] = [
    "complianceDashboard",
    "contractorRanking",
    "lbfYearReports",
    "complianceTimeSeries",
];

const PARSE: u8 = 1;
const VALIDATE: u8 = 2;
const EXECUTE: u8 = 3;

/// Longest query text kept by automatic persisted queries; a longer one runs, unpersisted.
pub const MAX_PERSISTED_QUERY_BYTES: usize = 8 * 1024;

/// Check 1, on the text, before anything parses it (the persisted-queries extension, which
/// comes next, parses a query it is asked to register). Also leaves long queries unpersisted,
/// so the persisted-query cache holds at most its count times [`MAX_PERSISTED_QUERY_BYTES`].
pub struct Nesting;

impl ExtensionFactory for Nesting {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Nesting)
    }
}

#[async_trait::async_trait]
impl Extension for Nesting {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if let Err(problem) = scan_text(&request.query, MAX_NESTING) {
            let message = match problem {
                TextProblem::Nesting(depth) => format!(
                    "the query nests lists, objects or selections {depth} levels deep; at most {MAX_NESTING} are allowed"
                ),
                TextProblem::Tokens => {
                    format!("the query has more than {MAX_TOKENS} tokens; send a shorter query")
                }
                TextProblem::Lexical(what, at) => {
                    format!("the query is not valid GraphQL at byte {at}: {what}")
                }
            };
            return Err(coded(message, "GRAPHQL_PARSE_FAILED"));
        }
        if request.query.len() > MAX_PERSISTED_QUERY_BYTES {
            request.extensions.remove("persistedQuery");
        }
        next.run(ctx, request).await
    }
}

pub struct Guard(pub QueryLimits);

impl ExtensionFactory for Guard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(GuardExtension {
            limits: self.0,
            stage: Arc::new(AtomicU8::new(0)),
            national: AtomicBool::new(false),
        })
    }
}

struct GuardExtension {
    limits: QueryLimits,
    /// Shared with a subscription's stream, which outlives the hook that wraps it.
    stage: Arc<AtomicU8>,
    national: AtomicBool,
}

/// Gives every error of `response` that has no code one, from its message and the stage the
/// request had reached.
fn code_errors(response: &mut Response, stage: u8) {
    for e in &mut response.errors {
        let has_code = e
            .extensions
            .as_ref()
            .is_some_and(|x| x.get("code").is_some());
        if !has_code {
            let (code, field) = classify(&e.message, stage);
            // Coercion errors raised while resolving carry the field's path instead.
            let field = field.or_else(|| {
                (code == "BAD_USER_INPUT" && !e.path.is_empty()).then(|| {
                    e.path
                        .iter()
                        .map(|p| match p {
                            async_graphql::PathSegment::Field(f) => f.clone(),
                            async_graphql::PathSegment::Index(i) => i.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(".")
                })
            });
            set_code(e, code, field);
        }
    }
}

fn coded(message: impl Into<String>, code: &str) -> ServerError {
    let mut e = ServerError::new(message, None);
    set_code(&mut e, code, None);
    e
}

fn set_code(e: &mut ServerError, code: &str, field: Option<String>) {
    let ext = e.extensions.get_or_insert_with(Default::default);
    ext.set("code", code);
    if let Some(f) = field {
        ext.set("field", f);
    }
}

#[async_trait::async_trait]
impl Extension for GuardExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        code_errors(&mut response, self.stage.load(Ordering::SeqCst));
        response
    }

    /// Subscriptions (the WebSocket) answer parse, validation and input errors through their
    /// stream, not through `request`: coded the same way.
    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: futures_util::stream::BoxStream<'s, Response>,
        next: async_graphql::extensions::NextSubscribe<'_>,
    ) -> futures_util::stream::BoxStream<'s, Response> {
        use futures_util::StreamExt;
        let stage = self.stage.clone();
        next.run(
            ctx,
            stream
                .map(move |mut response| {
                    code_errors(&mut response, stage.load(Ordering::SeqCst));
                    response
                })
                .boxed(),
        )
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        self.stage.store(PARSE, Ordering::SeqCst);
        let max_fields = self.limits.max_complexity as u64;
        // Taken out while the parsed document borrows the request; put back before going on.
        let variables = std::mem::take(&mut request.variables);
        let doc = request.parsed_query().map_err(|mut e| {
            set_code(&mut e, "GRAPHQL_PARSE_FAILED", None);
            e
        })?;
        match expanded_fields(doc, max_fields) {
            Expansion::Within(_) => {}
            Expansion::Beyond => {
                self.stage.store(VALIDATE, Ordering::SeqCst);
                return Err(coded(
                    format!(
                        "Query is too complex: with its fragments expanded it selects more than {max_fields} fields"
                    ),
                    "GRAPHQL_VALIDATION_FAILED",
                ));
            }
            Expansion::Cycle(name) => {
                self.stage.store(VALIDATE, Ordering::SeqCst);
                return Err(coded(
                    format!("fragment {name} spreads itself"),
                    "GRAPHQL_VALIDATION_FAILED",
                ));
            }
        }
        if let Some((field, message)) = bad_string(doc, &variables) {
            let mut e = ServerError::new(format!("{field}: {message}"), None);
            set_code(&mut e, "BAD_USER_INPUT", Some(field));
            return Err(e);
        }
        let national = top_level_fields(doc)
            .iter()
            .any(|f| NATIONAL.contains(&f.as_str()));
        self.national.store(national, Ordering::SeqCst);
        self.stage.store(VALIDATE, Ordering::SeqCst);
        request.variables = variables;
        next.run(ctx, request).await
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        self.stage.store(EXECUTE, Ordering::SeqCst);
        let limit = if self.national.load(Ordering::SeqCst) {
            self.limits.national_timeout
        } else {
            self.limits.timeout
        };
        match tokio::time::timeout(limit, next.run(ctx, operation_name)).await {
            Ok(response) => response,
            Err(_) => {
                tracing::warn!(?operation_name, ?limit, "request stopped at its time limit");
                let mut e = coded(
                    format!(
                        "the request took longer than {} and was stopped; ask for fewer grants or fields at a time",
                        seconds(limit)
                    ),
                    "TIMEOUT",
                );
                e.extensions.get_or_insert_with(Default::default).set(
                    tracker_core::error::DANISH_MESSAGE,
                    format!(
                        "forespørgslen tog længere end {} og blev stoppet; spørg efter færre LBF-tilsagn eller felter ad gangen",
                        seconds(limit).replace('.', ",")
                    ),
                );
                Response::from_errors(vec![e])
            }
        }
    }
}

fn seconds(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

/// The code of an error async-graphql raised without one, from its message and the stage the
/// request had reached; for input errors also the argument it names.
fn classify(message: &str, stage: u8) -> (&'static str, Option<String>) {
    if let Some(rest) = message.strip_prefix("Variable ") {
        let name = rest.split_whitespace().next().unwrap_or_default();
        let name = name.trim_matches(|c: char| c == '"' || c == '$');
        return (
            "BAD_USER_INPUT",
            Some(name.to_owned()).filter(|n| !n.is_empty()),
        );
    }
    if message.starts_with("Invalid value for argument") {
        let field = message
            .split('"')
            .nth(1)
            .map(|f| f.strip_prefix("input.").unwrap_or(f).to_owned());
        return ("BAD_USER_INPUT", field);
    }
    if message.starts_with("Failed to parse")
        || message.starts_with("Expected input type")
        || message.contains("(occurred while parsing")
    {
        return ("BAD_USER_INPUT", None);
    }
    // Automatic persisted queries (async-graphql's extension): the code Apollo clients expect
    // before they resend the query text.
    if message == "PersistedQueryNotFound" {
        return ("PERSISTED_QUERY_NOT_FOUND", None);
    }
    if message == "provided sha does not match query" || message.contains("\"PersistedQuery\"") {
        return ("BAD_REQUEST", None);
    }
    match stage {
        PARSE => ("GRAPHQL_PARSE_FAILED", None),
        VALIDATE => ("GRAPHQL_VALIDATION_FAILED", None),
        _ => ("INTERNAL", None),
    }
}

/// Most tokens (whitespace and comments included) a query's text may have: a query at the
/// complexity limit with its arguments is a few thousand; the bound keeps the scan's work, and
/// everything after it, proportional to a request we would answer.
pub const MAX_TOKENS: usize = 100_000;

/// What is wrong with a query's text, found before anything parses it.
#[derive(Debug, PartialEq, Eq)]
pub enum TextProblem {
    /// Lists, objects, argument lists or selections nested this deep (the scan stops there).
    Nesting(usize),
    /// More than [`MAX_TOKENS`] tokens.
    Tokens,
    /// Not GraphQL at the lexical level (an unterminated string, a stray character), at this
    /// byte offset.
    Lexical(String, usize),
}

/// Scans a GraphQL text with a tokenizer that follows the specification (apollo-parser's lexer:
/// every line terminator ends a comment, strings and block strings with their escapes, a BOM,
/// Unicode), and measures how deep `[`, `{` and `(` nest. The parser that comes after recurses
/// once per level, so this bound is what keeps its stack, and the stacks of everything that
/// walks the parsed document, small.
pub fn scan_text(query: &str, max_nesting: usize) -> Result<(), TextProblem> {
    use apollo_parser::{Lexer, TokenKind};
    let mut depth = 0usize;
    for token in Lexer::new(query).with_limit(MAX_TOKENS) {
        let token = match token {
            Ok(token) => token,
            Err(e) if e.is_limit() => return Err(TextProblem::Tokens),
            Err(e) => return Err(TextProblem::Lexical(e.message().to_owned(), e.index())),
        };
        match token.kind() {
            TokenKind::LBracket | TokenKind::LCurly | TokenKind::LParen => {
                depth += 1;
                if depth > max_nesting {
                    return Err(TextProblem::Nesting(depth));
                }
            }
            TokenKind::RBracket | TokenKind::RCurly | TokenKind::RParen => {
                depth = depth.saturating_sub(1)
            }
            _ => {}
        }
    }
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
pub enum Expansion {
    /// The number of fields selected with every fragment expanded.
    Within(u64),
    Beyond,
    Cycle(String),
}

/// Counts the fields an operation selects with fragments expanded, each fragment's count computed
/// once, stopping as soon as the count passes `max`.
pub fn expanded_fields(doc: &ExecutableDocument, max: u64) -> Expansion {
    struct Counter<'d> {
        doc: &'d ExecutableDocument,
        max: u64,
        memo: HashMap<&'d Name, u64>,
        visiting: Vec<&'d Name>,
    }
    enum Stop {
        Beyond,
        Cycle(String),
    }
    impl<'d> Counter<'d> {
        fn set(&mut self, set: &'d SelectionSet) -> Result<u64, Stop> {
            let mut n = 0u64;
            for item in &set.items {
                n = n.saturating_add(match &item.node {
                    Selection::Field(f) => 1 + self.set(&f.node.selection_set.node)?,
                    Selection::InlineFragment(f) => self.set(&f.node.selection_set.node)?,
                    Selection::FragmentSpread(s) => self.fragment(&s.node.fragment_name.node)?,
                });
                if n > self.max {
                    return Err(Stop::Beyond);
                }
            }
            Ok(n)
        }

        fn fragment(&mut self, name: &'d Name) -> Result<u64, Stop> {
            if let Some(n) = self.memo.get(name) {
                return Ok(*n);
            }
            if self.visiting.contains(&name) {
                return Err(Stop::Cycle(name.to_string()));
            }
            // An unknown fragment is left to validation, which names it.
            let Some(def) = self.doc.fragments.get(name) else {
                return Ok(0);
            };
            self.visiting.push(name);
            let n = self.set(&def.node.selection_set.node)?;
            self.visiting.pop();
            self.memo.insert(name, n);
            Ok(n)
        }
    }
    let mut c = Counter {
        doc,
        max,
        memo: HashMap::new(),
        visiting: Vec::new(),
    };
    let mut total = 0u64;
    for (_, op) in doc.operations.iter() {
        match c.set(&op.node.selection_set.node) {
            Ok(n) => total = total.saturating_add(n),
            Err(Stop::Beyond) => return Expansion::Beyond,
            Err(Stop::Cycle(name)) => return Expansion::Cycle(name),
        }
        if total > max {
            return Expansion::Beyond;
        }
    }
    // Fragments no operation uses are not executed, but validation still walks them.
    let names: Vec<&Name> = doc.fragments.keys().collect();
    for name in names {
        match c.fragment(name) {
            Ok(_) => {}
            Err(Stop::Beyond) => return Expansion::Beyond,
            Err(Stop::Cycle(name)) => return Expansion::Cycle(name),
        }
    }
    Expansion::Within(total)
}

/// The names of the fields an operation selects at its top (through fragments too).
fn top_level_fields(doc: &ExecutableDocument) -> Vec<String> {
    fn walk(doc: &ExecutableDocument, set: &SelectionSet, out: &mut Vec<String>, hops: usize) {
        for item in &set.items {
            match &item.node {
                Selection::Field(f) => out.push(f.node.name.node.to_string()),
                Selection::InlineFragment(f) if hops < 8 => {
                    walk(doc, &f.node.selection_set.node, out, hops + 1)
                }
                Selection::FragmentSpread(s) if hops < 8 => {
                    if let Some(def) = doc.fragments.get(&s.node.fragment_name.node) {
                        walk(doc, &def.node.selection_set.node, out, hops + 1);
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for (_, op) in doc.operations.iter() {
        walk(doc, &op.node.selection_set.node, &mut out, 0);
    }
    out
}

/// What is wrong with a string of input, if anything: a control character (NUL and the like;
/// tab and line breaks are fine), or a date or timestamp whose year lies outside
/// [`MIN_YEAR`]..=[`MAX_YEAR`].
fn string_problem(s: &str) -> Option<String> {
    if let Some(c) = tracker_core::validate::control_char(s) {
        return Some(format!(
            "contains the control character U+{:04X}; remove it",
            c as u32
        ));
    }
    date_year(s)
        .filter(|y| !(MIN_YEAR..=MAX_YEAR).contains(y))
        .map(|_| {
            format!(
                "{s} is outside the dates this tracker accepts ({MIN_YEAR}-01-01 to {MAX_YEAR}-12-31)"
            )
        })
}

/// The first string in the arguments or variables with a [`string_problem`]: (where it
/// stands, what is wrong).
fn bad_string(
    doc: &ExecutableDocument,
    variables: &async_graphql::Variables,
) -> Option<(String, String)> {
    fn value(path: &str, v: &Value) -> Option<(String, String)> {
        match v {
            Value::String(s) => string_problem(s).map(|m| (path.to_owned(), m)),
            Value::List(items) => items.iter().find_map(|i| value(path, i)),
            Value::Object(fields) => fields
                .iter()
                .find_map(|(k, v)| value(&format!("{path}.{k}"), v)),
            _ => None,
        }
    }
    fn set(s: &SelectionSet) -> Option<(String, String)> {
        s.items.iter().find_map(|item| match &item.node {
            Selection::Field(f) => f
                .node
                .arguments
                .iter()
                .find_map(|(name, v)| {
                    v.node
                        .clone()
                        .into_const()
                        .and_then(|c| value(name.node.as_str(), &c))
                })
                .or_else(|| set(&f.node.selection_set.node)),
            Selection::InlineFragment(f) => set(&f.node.selection_set.node),
            // Fragment definitions are visited once each below.
            Selection::FragmentSpread(_) => None,
        })
    }
    variables
        .iter()
        .find_map(|(k, v)| value(k.as_str(), v))
        .or_else(|| {
            doc.operations
                .iter()
                .find_map(|(_, op)| set(&op.node.selection_set.node))
        })
        .or_else(|| {
            doc.fragments
                .values()
                .find_map(|f| set(&f.node.selection_set.node))
        })
}

/// The year of a string shaped like an ISO date or timestamp ("2024-03-01", "+262142-12-31",
/// "2024-03-01T10:00:00Z"), if it is one.
fn date_year(s: &str) -> Option<i64> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => (1, s),
    };
    let mut parts = rest.splitn(3, '-');
    let year = parts.next()?;
    let month = parts.next()?;
    let day = parts.next()?;
    let day = day.split(['T', 't', ' ']).next()?;
    let digits = |p: &str, n: Option<usize>| {
        !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && n.is_none_or(|n| p.len() == n)
    };
    if !(digits(year, None) && year.len() >= 4 && digits(month, Some(2)) && digits(day, Some(2))) {
        return None;
    }
    year.parse::<i64>().ok().map(|y| sign * y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_outside_strings_and_comments() {
        assert_eq!(scan_text("{ a { b } }", 2), Ok(()));
        assert_eq!(
            scan_text("{ a { b { c } } }", 2),
            Err(TextProblem::Nesting(3))
        );
        let deep = format!("{{ f(x: {}1{}) }}", "[".repeat(2000), "]".repeat(2000));
        assert_eq!(scan_text(&deep, 64), Err(TextProblem::Nesting(65)));
        assert_eq!(scan_text("{ f(x: \"[[[[[[\") } # [[[[[[", 2), Ok(()));
        assert_eq!(scan_text("{ f(x: \"\"\"[[[[[[\"\"\") }", 2), Ok(()));
        assert_eq!(scan_text("{ f(x: \"\\\"[[[[\") }", 2), Ok(()));
        // Block strings take `\"""` as an escaped delimiter, not an end.
        assert_eq!(scan_text("{ f(x: \"\"\"a\\\"\"\"[[[[\"\"\") }", 2), Ok(()));
    }

    #[test]
    fn every_line_terminator_ends_a_comment() {
        // GraphQL ends a comment at LF, CR and CRLF; brackets after any of them count.
        for end in ["\n", "\r", "\r\n"] {
            let q = format!(
                "{{ grants(filter: #x{end}{}1{}) {{ totalCount }} }}",
                "[".repeat(100),
                "]".repeat(100)
            );
            assert_eq!(scan_text(&q, 64), Err(TextProblem::Nesting(65)), "{end:?}");
        }
        // A BOM and Unicode in names and strings do not hide anything either.
        let q = format!(
            "\u{feff}{{ f(x: \"æøå\\u00e6\u{1F600}\", y: {}1{}) }}",
            "[".repeat(70),
            "]".repeat(70)
        );
        assert_eq!(scan_text(&q, 64), Err(TextProblem::Nesting(65)));
    }

    /// One piece of a generated document: something that opens a level, closes one, or hides
    /// brackets from a scanner that tokenizes wrongly.
    fn piece() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            4 => Just("[".to_owned()),
            4 => Just("]".to_owned()),
            2 => Just("{a: ".to_owned()),
            2 => Just("}".to_owned()),
            // Comments ended by each line terminator, or by none.
            2 => (prop_oneof![Just("\n"), Just("\r"), Just("\r\n"), Just("\u{2028}"), Just("")], "[\\[\\]{}\"]{0,6}")
                .prop_map(|(end, body)| format!("#{body}{end}")),
            // Strings with escapes (an escaped quote, a Unicode escape) and brackets inside.
            2 => "[\\[\\]{}a]{0,6}".prop_map(|b| format!("\"{b}\\\"\\u00e6{b}\"")),
            1 => "[\\[\\]{}a]{0,6}".prop_map(|b| format!("\"\"\"{b}\\\"\"\"{b}\"\"\"")),
            1 => Just("\u{feff}".to_owned()),
            2 => Just(" 1, ".to_owned()),
            // A long run, which a scanner that lost count in a comment would let through.
            1 => (1usize..2500).prop_map(|n| "[".repeat(n)),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Whatever mix of comments, strings and brackets a document has, a text the scan lets
        /// through parses on a 2 MiB stack (a tokio worker's) without overflowing: the scan never
        /// counts fewer levels than the parser recurses. Runs of up to 2,500 brackets stand after
        /// every kind of comment end and string, so a miscount would overflow and abort the run.
        #[test]
        fn what_the_scan_lets_through_never_overflows_the_parser(
            pieces in proptest::collection::vec(piece(), 1..200),
            deep in 0usize..70,
        ) {
            let mut value = "[".repeat(deep);
            for p in &pieces {
                value.push_str(p);
            }
            value.push_str(&"]".repeat(deep));
            let doc = format!("{{ grants(filter: {{ municipality: {value} }}) {{ totalCount }} }}");
            if scan_text(&doc, MAX_NESTING).is_ok() {
                let parsed = std::thread::Builder::new()
                    .stack_size(2 << 20)
                    .spawn(move || async_graphql::parser::parse_query(&doc).is_ok())
                    .unwrap()
                    .join();
                proptest::prop_assert!(parsed.is_ok(), "the parser panicked");
            }
        }
    }

    #[test]
    fn text_that_is_not_graphql_or_too_long_is_refused() {
        assert!(matches!(
            scan_text("{ f(x: \"open) }", 64),
            Err(TextProblem::Lexical(_, _))
        ));
        let long = format!("{{ {} }}", "a ".repeat(MAX_TOKENS));
        assert_eq!(scan_text(&long, 64), Err(TextProblem::Tokens));
    }

    #[test]
    fn fragment_chains_are_counted_once_per_fragment() {
        let mut q =
            String::from("query { ...F24 }\nfragment F0 on Query { grants { totalCount } }\n");
        for i in 1..=24 {
            q.push_str(&format!(
                "fragment F{i} on Query {{ ...F{} ...F{} }}\n",
                i - 1,
                i - 1
            ));
        }
        let doc = async_graphql::parser::parse_query(&q).unwrap();
        assert_eq!(expanded_fields(&doc, 2000), Expansion::Beyond);
        let small = "query { ...F1 } fragment F0 on Query { grants { totalCount } } fragment F1 on Query { ...F0 ...F0 }";
        let doc = async_graphql::parser::parse_query(small).unwrap();
        assert_eq!(expanded_fields(&doc, 2000), Expansion::Within(4));
        let cyclic = "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
        let doc = async_graphql::parser::parse_query(cyclic).unwrap();
        assert!(matches!(expanded_fields(&doc, 2000), Expansion::Cycle(_)));
    }

    #[test]
    fn date_shaped_strings_and_their_years() {
        assert_eq!(date_year("2024-03-01"), Some(2024));
        assert_eq!(date_year("+262142-12-31"), Some(262142));
        assert_eq!(date_year("-262143-01-01"), Some(-262143));
        assert_eq!(date_year("2024-03-01T10:00:00Z"), Some(2024));
        assert_eq!(date_year("2024-03"), None);
        assert_eq!(date_year("Helhedsplan 2024-03-01"), None);
        assert_eq!(date_year("12-03-2024"), None);
    }

    #[test]
    fn unlabelled_errors_get_a_code_by_stage() {
        assert_eq!(
            classify(
                "Invalid value for argument \"input.totalHours\", expected type \"Decimal\"",
                VALIDATE
            ),
            ("BAD_USER_INPUT", Some("totalHours".to_owned()))
        );
        assert_eq!(
            classify("Unknown operation named \"x\"", VALIDATE).0,
            "GRAPHQL_VALIDATION_FAILED"
        );
        assert_eq!(
            classify(" --> 1:3\n  |\n1 | {", PARSE).0,
            "GRAPHQL_PARSE_FAILED"
        );
    }
}
