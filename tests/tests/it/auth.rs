//! API tokens: UNAUTHENTICATED without a valid token; only administrators manage tokens; only a
//! hash is stored; expired and revoked tokens stop working.

use api::auth::{CreateApiTokenInput, authenticate};
use entity::enums::Role;
use serde_json::json;
use tests::TestApp;

fn input(role: Role) -> CreateApiTokenInput {
    CreateApiTokenInput {
        name: "t".into(),
        role,
        organisation_id: None,
        contractor_id: None,
        grant_ids: vec![],
        expires_at: None,
    }
}

#[tokio::test]
async fn no_caller_is_unauthenticated_even_for_introspection() {
    let app = TestApp::new().await;
    for q in [
        "{ __schema { types { name } } }",
        "{ grants { totalCount } }",
        "mutation { createHousingOrganisation(input: {name: \"X\"}) { id } }",
    ] {
        let res = app.exec_as(None, q, json!({})).await;
        assert_eq!(
            res["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{q}: {res}"
        );
        assert!(res["data"].is_null());
    }
    assert_eq!(app.count("housing_organisation").await, 0);
}

#[tokio::test]
async fn tokens_are_created_by_admins_hashed_and_can_expire_or_be_revoked() {
    let app = TestApp::new().await;
    let d = app
        .ok("mutation { createApiToken(input: {name: \"Dashboard\", role: VIEWER}) { token apiToken { id role name revokedAt } } }", json!({}))
        .await;
    let token = d["createApiToken"]["token"].as_str().unwrap().to_owned();
    let id = d["createApiToken"]["apiToken"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(d["createApiToken"]["apiToken"]["role"], "VIEWER");
    assert!(token.starts_with("sct_"));
    // Only the hash is stored.
    let hash = api::auth::hash_token(&token);
    let stored = app.ok("{ apiTokens { id name } }", json!({})).await;
    assert_eq!(stored["apiTokens"][0]["id"], json!(id));
    let row = <entity::api_token::Entity as sea_orm::EntityTrait>::find_by_id(
        uuid::Uuid::parse_str(&id).unwrap(),
    )
    .one(&app.db)
    .await
    .unwrap()
    .unwrap();
    assert_eq!(row.token_hash, hash);
    assert!(
        !format!("{row:?}").contains(&token),
        "the token itself is never stored"
    );
    assert_eq!(app.count("api_token").await, 1);
    let who = authenticate(&app.db, Some(&format!("Bearer {token}")))
        .await
        .map_err(|e| e.message())
        .unwrap();
    assert_eq!(who.role, Role::Viewer);
    assert_ne!(hash, token);

    // The viewer reads (within its scope) with the token.
    let res = app
        .exec_as(Some(who.clone()), "{ grants { totalCount } }", json!({}))
        .await;
    assert_eq!(res["data"]["grants"]["totalCount"], 0, "{res}");
    // A viewer may not manage tokens: FORBIDDEN, nothing written.
    let res = app
        .exec_as(
            Some(who.clone()),
            "mutation { createApiToken(input: {name: \"x\", role: ADMIN}) { token } }",
            json!({}),
        )
        .await;
    assert_eq!(res["errors"][0]["extensions"]["code"], "FORBIDDEN");
    assert_eq!(app.count("api_token").await, 1);

    // Scope is required by role.
    let (code, field, _) = app
        .err(
            "mutation { createApiToken(input: {name: \"x\", role: BYGHERRE}) { token } }",
            json!({}),
        )
        .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("organisationId"))
    );
    let (code, field, _) = app
        .err(
            "mutation { createApiToken(input: {name: \"x\", role: TOVHOLDER}) { token } }",
            json!({}),
        )
        .await;
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("BAD_USER_INPUT", Some("grantIds"))
    );
    assert_eq!(app.count("api_token").await, 1);

    // Revoked: UNAUTHENTICATED; revoking twice: CONFLICT.
    app.ok(
        "mutation($id: UUID!) { revokeApiToken(id: $id) { revokedAt } }",
        json!({ "id": id }),
    )
    .await;
    assert!(
        authenticate(&app.db, Some(&format!("Bearer {token}")))
            .await
            .is_err()
    );
    let (code, _, _) = app
        .err(
            "mutation($id: UUID!) { revokeApiToken(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(code, "CONFLICT");

    // Expiry in the past is refused at creation; a token past its expiry stops working.
    let mut past = input(Role::Admin);
    past.expires_at = Some(chrono::Utc::now() - chrono::Duration::seconds(1));
    assert_eq!(
        api::auth::create_token(&app.db, past)
            .await
            .unwrap_err()
            .code(),
        "BAD_USER_INPUT"
    );
    let mut soon = input(Role::Admin);
    soon.expires_at = Some(chrono::Utc::now() + chrono::Duration::milliseconds(300));
    let (_, secret) = api::auth::create_token(&app.db, soon)
        .await
        .map_err(|e| e.message())
        .unwrap();
    assert!(
        authenticate(&app.db, Some(&format!("Bearer {secret}")))
            .await
            .is_ok()
    );
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(
        authenticate(&app.db, Some(&format!("Bearer {secret}")))
            .await
            .unwrap_err()
            .code(),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        authenticate(&app.db, None).await.unwrap_err().code(),
        "UNAUTHENTICATED"
    );
}

#[tokio::test]
async fn query_depth_and_complexity_are_limited() {
    let app = TestApp::with_query_limits(api::config::QueryLimits {
        max_depth: 6,
        max_complexity: 60,
        ..Default::default()
    })
    .await;
    let deep = "{ grants(first: 1) { edges { node { contracts { contractor { contracts { grant { caseNumber } } } } } } } }";
    let res = app.exec(deep, json!({})).await;
    assert!(
        res["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nested too deep"),
        "{res}"
    );
    let wide = format!(
        "{{ {} }}",
        (0..70)
            .map(|i| format!("a{i}: grants {{ totalCount }}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let res = app.exec(&wide, json!({})).await;
    assert!(
        res["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("too complex"),
        "{res}"
    );
    let res = app.exec("{ grants { totalCount } }", json!({})).await;
    assert!(res.get("errors").is_none(), "{res}");
}
