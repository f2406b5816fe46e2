//! Det Fælles Designsystem (DKFDS, the design system of borger.dk and virk.dk), served by the
//! binary itself: the virk.dk theme's built stylesheet and every font and icon it refers to,
//! compiled in from `assets/dkfds` (obtained and pinned by `assets/fetch-dkfds.sh`; see the
//! README). Nothing is fetched from another host at run time.
//!
//! The address carries the version, so a browser may keep a file for a year: a new version is
//! a new address.

use poem::http::{StatusCode, header};
use poem::web::Path;
use poem::{Request, Response, handler};

/// The design system's files, as published in the npm package's `dist/` folder.
#[derive(rust_embed::RustEmbed)]
#[folder = "assets/dkfds"]
#[exclude = "*.md"]
#[exclude = "*.txt"]
#[exclude = "VERSION"]
struct Dkfds;

/// Where the design system's files are served (the version is the one `fetch-dkfds.sh` pins).
pub const DKFDS_PATH: &str = "/assets/dkfds-11.2.0";

/// The stylesheet every page links.
pub const DKFDS_STYLESHEET: &str = "/assets/dkfds-11.2.0/css/dkfds-virkdk.min.css";

/// GET `DKFDS_PATH/*path`: a design-system file with its content type and ETag (a repeat visit
/// with the same ETag is answered 304), cached for a year (the address changes with the
/// version), never sniffed; a path that names no file is a 404.
#[handler]
pub fn dkfds(req: &Request, Path(path): Path<String>) -> Response {
    let Some(file) = Dkfds::get(&path) else {
        return StatusCode::NOT_FOUND.into();
    };
    let etag = format!(
        "\"{}\"",
        file.metadata
            .sha256_hash()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let builder = Response::builder()
        .header(header::ETAG, etag.as_str())
        .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    let unchanged = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes());
    if unchanged {
        return builder.status(StatusCode::NOT_MODIFIED).finish();
    }
    builder
        .content_type(file.metadata.mimetype())
        .body(file.data.into_owned())
}

/// The stylesheet's text (for the test that every file it refers to is served).
pub fn dkfds_stylesheet() -> Option<std::borrow::Cow<'static, [u8]>> {
    Dkfds::get("css/dkfds-virkdk.min.css").map(|f| f.data)
}

#[cfg(test)]
mod tests {
    use super::{DKFDS_PATH, DKFDS_STYLESHEET, Dkfds};

    #[test]
    fn the_stylesheet_fonts_and_icons_are_compiled_in_without_the_license_notes() {
        let files: Vec<String> = Dkfds::iter().map(|f| f.into_owned()).collect();
        assert!(
            files.contains(&"css/dkfds-virkdk.min.css".to_owned()),
            "{files:?}"
        );
        assert!(
            files
                .iter()
                .any(|f| f.ends_with("IBMPlexSans-Regular.woff2"))
        );
        assert!(
            !files
                .iter()
                .any(|f| f.ends_with(".md") || f.ends_with(".txt"))
        );
        assert!(DKFDS_STYLESHEET.starts_with(DKFDS_PATH));
        assert!(super::dkfds_stylesheet().is_some_and(|css| css.len() > 100_000));
    }

    #[tokio::test]
    async fn a_file_is_served_with_its_type_and_a_repeat_visit_is_not_modified() {
        let app = poem::Route::new().at(format!("{DKFDS_PATH}/*path"), super::dkfds);
        let client = poem::test::TestClient::new(app);
        let res = client.get(DKFDS_STYLESHEET).send().await;
        res.assert_status_is_ok();
        res.assert_content_type("text/css");
        let etag = res.0.headers()["etag"]
            .to_str()
            .unwrap_or_default()
            .to_owned();
        assert_eq!(etag.len(), 66, "{etag}");
        let again = client
            .get(DKFDS_STYLESHEET)
            .header("if-none-match", &etag)
            .send()
            .await;
        again.assert_status(poem::http::StatusCode::NOT_MODIFIED);
        let res = client
            .get(format!("{DKFDS_PATH}/../Cargo.toml"))
            .send()
            .await;
        res.assert_status(poem::http::StatusCode::NOT_FOUND);
    }
}
