//! `/openapi.json` stays true: every documented operation is exercised, its
//! status must be a documented response, and the JSON body must match the
//! documented schema exactly (no field missing, none undocumented).

use serde_json::Value;

use crate::helpers::{EMAIL, PASSWORD, TestApp, form};

/// Follows `$ref`s into `components/schemas`.
fn resolve<'a>(document: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().expect("a schema name");
            &document["components"]["schemas"][name]
        }
        None => schema,
    }
}

/// Checks `value` against `schema` (the subset of JSON Schema the
/// document uses); `path` names the place for messages.
fn check(document: &Value, schema: &Value, value: &Value, path: &str) {
    let schema = resolve(document, schema);
    match schema["type"].as_str() {
        Some("object") => {
            let object = value
                .as_object()
                .unwrap_or_else(|| panic!("{path}: expected an object, got {value}"));
            let properties = schema["properties"]
                .as_object()
                .expect("documented properties");
            for required in schema["required"].as_array().into_iter().flatten() {
                let name = required.as_str().expect("a name");
                assert!(
                    object.contains_key(name),
                    "{path}: documented field {name} is missing in {value}"
                );
            }
            for (name, field) in object {
                let documented = properties.get(name);
                if schema["additionalProperties"] == Value::Bool(false) {
                    assert!(
                        documented.is_some(),
                        "{path}: field {name} is not documented"
                    );
                }
                if let Some(documented) = documented {
                    check(document, documented, field, &format!("{path}.{name}"));
                }
            }
        }
        Some("array") => {
            let items = value
                .as_array()
                .unwrap_or_else(|| panic!("{path}: expected an array, got {value}"));
            for (i, item) in items.iter().enumerate() {
                check(document, &schema["items"], item, &format!("{path}[{i}]"));
            }
        }
        Some("string") => assert!(value.is_string(), "{path}: expected a string, got {value}"),
        Some("integer") => assert!(
            value.is_i64() || value.is_u64(),
            "{path}: expected an integer, got {value}"
        ),
        Some("boolean") => assert!(
            value.is_boolean(),
            "{path}: expected a boolean, got {value}"
        ),
        other => panic!("{path}: schema type {other:?} not handled by this test"),
    }
}

/// Asserts that `response` is a documented answer of `method path`.
async fn assert_documented(
    document: &Value,
    method: &str,
    path: &str,
    response: reqwest::Response,
) {
    let status = response.status().as_u16().to_string();
    let documented = &document["paths"][path][method]["responses"][&status];
    assert!(
        documented.is_object(),
        "{method} {path} answered {status}, which is not documented"
    );
    let schema = &documented["content"]["application/json"]["schema"];
    let body = response.bytes().await.expect("body");
    if schema.is_null() {
        return;
    }
    let value: Value = serde_json::from_slice(&body).expect("a JSON body, as documented");
    check(
        document,
        schema,
        &value,
        &format!("{method} {path} {status}"),
    );
}

#[tokio::test]
async fn every_documented_answer_matches_the_server() {
    let app = TestApp::spawn().await;
    app.add_user("root@example.com", PASSWORD, &["admin"]);
    let response = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let document: Value = response.json().await.expect("json");
    assert_eq!(document["servers"][0]["url"], app.settings.issuer.as_str());

    let mut exercised = Vec::new();
    let mut call = async |method: &str, path: &str, response: reqwest::Response| {
        exercised.push(format!("{method} {path}"));
        assert_documented(&document, method, path, response).await;
    };

    let ok = app.login(EMAIL, PASSWORD).await;
    let grant: Value = ok.json().await.expect("json");
    let access = grant["access_token"].as_str().expect("token").to_owned();
    let refresh = grant["refresh_token"].as_str().expect("refresh").to_owned();
    call("post", "/token", app.login(EMAIL, PASSWORD).await).await;
    call("post", "/token", app.login(EMAIL, "wrong password").await).await;
    call("post", "/token", app.post_token("username=x").await).await;
    let refreshed = app
        .post_token(&form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
        ]))
        .await;
    call("post", "/token", refreshed).await;
    let big = app
        .post_token(&format!("password={}", "a".repeat(20_000)))
        .await;
    call("post", "/token", big).await;

    let revoke = |body: &'static str| {
        app.client
            .post(app.url("/token/revoke"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    call(
        "post",
        "/token/revoke",
        revoke("token=unknown").await.expect("request"),
    )
    .await;
    call(
        "post",
        "/token/revoke",
        revoke("nothing=").await.expect("request"),
    )
    .await;

    call("get", "/users/me", app.get_me(&access).await).await;
    call("get", "/users/me", app.get_me("garbage").await).await;

    let admin: Value = app
        .login("root@example.com", PASSWORD)
        .await
        .json()
        .await
        .expect("json");
    let admin = admin["access_token"].as_str().expect("token").to_owned();
    let admin_users = |token: String| {
        app.client
            .get(app.url("/admin/users"))
            .bearer_auth(token)
            .send()
    };
    call(
        "get",
        "/admin/users",
        admin_users(admin).await.expect("request"),
    )
    .await;
    call(
        "get",
        "/admin/users",
        admin_users(access.clone()).await.expect("request"),
    )
    .await;
    call(
        "get",
        "/admin/users",
        admin_users("garbage".into()).await.expect("request"),
    )
    .await;

    for path in [
        "/.well-known/jwks.json",
        "/.well-known/oauth-authorization-server",
        "/healthz",
        "/readyz",
    ] {
        call(
            "get",
            path,
            app.client.get(app.url(path)).send().await.expect("request"),
        )
        .await;
    }

    // Every documented operation was exercised: a new route must come with
    // both its documentation and a line above.
    for (path, operations) in document["paths"].as_object().expect("paths") {
        for method in operations.as_object().expect("operations").keys() {
            let operation = format!("{method} {path}");
            assert!(
                exercised.contains(&operation),
                "{operation} is documented but not exercised here"
            );
        }
    }
}
