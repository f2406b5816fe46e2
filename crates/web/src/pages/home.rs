//! The start page after sign-in (`GET /app`): the portfolio for those who see grant figures, a
//! contractor's own home for a contractor. It sits above the page modules it chooses between, so
//! the shared page frame (`web`) depends on none of them.

use crate::session::SignedIn;
use maud::html;
use poem::http::StatusCode;
use poem::web::{Data, Query};
use poem::{Response, handler};

use crate::{html_response, page, t};
use tracker_graphql::AppSchema;

/// GET /app: the start page. Callers who may see grant figures get the portfolio, from the
/// GraphQL schema with their own principal.
#[handler]
pub async fn app_home(
    SignedIn(s): SignedIn,
    schema: Data<&AppSchema>,
    Query(q): Query<crate::pages::grants::PortfolioQuery>,
) -> Response {
    let body = if s.principal.scope().sees_grant_figures() {
        crate::pages::grants::portfolio(&schema, &s, &q).await
    } else if s.user.role == entity::enums::Role::Contractor {
        crate::pages::contractor::home(&schema, &s).await
    } else {
        html! { p { (t(s.lang, "your-role-has-no-pages-yet")) } }
    };
    let title = format!("{}, {}", t(s.lang, "welcome"), s.user.display_name);
    html_response(StatusCode::OK, page(&title, Some(&s), body), vec![])
}
