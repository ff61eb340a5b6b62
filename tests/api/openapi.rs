//! `/openapi.json` stays true: every documented operation is exercised, its
//! status must be a documented response, and the JSON body must match the
//! documented schema exactly (no field missing, none undocumented).

use serde_json::Value;

use crate::support::{ClientSpec, EMAIL, PASSWORD, TestApp};

/// Follows a `$ref` (a JSON pointer into the document), if any.
fn resolve<'a>(document: &'a Value, node: &'a Value) -> &'a Value {
    match node["$ref"].as_str() {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').expect("a local reference");
            document
                .pointer(pointer)
                .unwrap_or_else(|| panic!("{reference} does not resolve"))
        }
        None => node,
    }
}

/// Checks `value` against `schema` (the subset of JSON Schema the
/// document uses); `path` names the place in the error.
fn check(document: &Value, schema: &Value, value: &Value, path: &str) -> Result<(), String> {
    let schema = resolve(document, schema);
    if let Some(choices) = schema["oneOf"].as_array() {
        let matching = choices
            .iter()
            .filter(|choice| check(document, choice, value, path).is_ok())
            .count();
        if matching != 1 {
            return Err(format!(
                "{path}: {value} matches {matching} of the oneOf choices, not exactly one"
            ));
        }
    }
    if let Some(constant) = schema.get("const")
        && constant != value
    {
        return Err(format!("{path}: expected {constant}, got {value}"));
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        return Err(format!("{path}: {value} is not one of {allowed:?}"));
    }
    match schema["type"].as_str() {
        Some("object") => {
            let object = value
                .as_object()
                .ok_or_else(|| format!("{path}: expected an object, got {value}"))?;
            let properties = schema["properties"]
                .as_object()
                .expect("documented properties");
            for required in schema["required"].as_array().into_iter().flatten() {
                let name = required.as_str().expect("a name");
                if !object.contains_key(name) {
                    return Err(format!(
                        "{path}: documented field {name} is missing in {value}"
                    ));
                }
            }
            for (name, field) in object {
                match properties.get(name) {
                    Some(documented) => {
                        check(document, documented, field, &format!("{path}.{name}"))?;
                    }
                    None if schema["additionalProperties"] == Value::Bool(false) => {
                        return Err(format!("{path}: field {name} is not documented"));
                    }
                    None => {}
                }
            }
            Ok(())
        }
        Some("array") => {
            let items = value
                .as_array()
                .ok_or_else(|| format!("{path}: expected an array, got {value}"))?;
            for (i, item) in items.iter().enumerate() {
                check(document, &schema["items"], item, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        Some("string") if !value.is_string() => {
            Err(format!("{path}: expected a string, got {value}"))
        }
        Some("integer") => match value.as_i64() {
            None => Err(format!("{path}: expected an integer, got {value}")),
            Some(n) if schema["minimum"].as_i64().is_some_and(|min| n < min) => {
                Err(format!("{path}: {n} is below the documented minimum"))
            }
            Some(_) => Ok(()),
        },
        Some("boolean") if !value.is_boolean() => {
            Err(format!("{path}: expected a boolean, got {value}"))
        }
        Some("string" | "boolean") => Ok(()),
        None if schema["oneOf"].is_array() => Ok(()),
        other => panic!("{path}: schema type {other:?} not handled by this test"),
    }
}

/// Asserts that `response` is a documented answer of `method path`: a
/// documented status, every required documented header, and a body that
/// matches the documented schema.
async fn assert_documented(
    document: &Value,
    method: &str,
    path: &str,
    response: reqwest::Response,
) {
    let status = response.status().as_u16().to_string();
    let documented = resolve(
        document,
        &document["paths"][path][method]["responses"][&status],
    );
    assert!(
        documented.is_object(),
        "{method} {path} answered {status}, which is not documented"
    );
    assert_matches(document, documented, &format!("{method} {path}"), response).await;
}

/// Asserts that `response` carries the headers and body of the documented
/// response object `documented`.
async fn assert_matches(
    document: &Value,
    documented: &Value,
    operation: &str,
    response: reqwest::Response,
) {
    let status = response.status().as_u16();
    for (name, header) in documented["headers"].as_object().into_iter().flatten() {
        if header["required"] == Value::Bool(true) {
            let sent = response
                .headers()
                .get(name.as_str())
                .unwrap_or_else(|| panic!("{operation} {status}: no {name} header"));
            let sent = sent.to_str().expect("an ASCII header");
            let sent = match header["schema"]["type"].as_str() {
                Some("integer") => sent
                    .parse::<i64>()
                    .map_or_else(|_| Value::from(sent), Value::from),
                _ => Value::from(sent),
            };
            let place = format!("{operation} {status} {name}");
            check(document, &header["schema"], &sent, &place).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let schema = &documented["content"]["application/json"]["schema"];
    let body = response.bytes().await.expect("body");
    if schema.is_null() {
        assert!(
            body.is_empty(),
            "{operation} {status}: an undocumented body"
        );
        return;
    }
    let value: Value = serde_json::from_slice(&body).expect("a JSON body, as documented");
    check(document, schema, &value, &format!("{operation} {status}"))
        .unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test]
async fn every_documented_answer_matches_the_server() {
    let app = TestApp::spawn().await;
    app.add_user("root@example.com", PASSWORD, &["admin"]);
    let response = app.get("/openapi.json").await;
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
        .post_form(
            "/token",
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
        )
        .await;
    call("post", "/token", refreshed).await;
    let big = app
        .post_token(&format!("password={}", "a".repeat(20_000)))
        .await;
    call("post", "/token", big).await;

    let unknown = app
        .post_form("/token/revoke", &[("token", "unknown")])
        .await;
    call("post", "/token/revoke", unknown).await;
    let nothing = app.post_form("/token/revoke", &[("nothing", "")]).await;
    call("post", "/token/revoke", nothing).await;

    // An application: client credentials, introspection, a wrong secret.
    let service = app.add_client(ClientSpec {
        grants: &["client_credentials"],
        ..ClientSpec::default()
    });
    let secret = service.secret.clone().expect("confidential");
    let own = app
        .client_basic(
            "/token",
            &service.id,
            &secret,
            &[("grant_type", "client_credentials")],
        )
        .await;
    call("post", "/token", own).await;
    let wrong = app
        .client_basic(
            "/token",
            &service.id,
            "wrong",
            &[("grant_type", "client_credentials")],
        )
        .await;
    call("post", "/token", wrong).await;
    let code = app
        .post_form(
            "/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", "x"),
                ("client_id", &service.id),
                ("client_secret", &secret),
            ],
        )
        .await;
    call("post", "/token", code).await;
    for token in [access.as_str(), refresh.as_str(), "garbage"] {
        let answer = app
            .client_basic(
                "/token/introspect",
                &service.id,
                &secret,
                &[("token", token)],
            )
            .await;
        call("post", "/token/introspect", answer).await;
    }
    let anonymous = app
        .post_form("/token/introspect", &[("token", &access)])
        .await;
    call("post", "/token/introspect", anonymous).await;
    let revoke_wrong = app
        .client_basic(
            "/token/revoke",
            &service.id,
            "wrong",
            &[("token", &refresh)],
        )
        .await;
    call("post", "/token/revoke", revoke_wrong).await;

    call("get", "/users/me", app.get_me(&access).await).await;
    call("get", "/users/me", app.get_me("garbage").await).await;
    call("get", "/users/me", app.get("/users/me").await).await;

    let admin: Value = app
        .login("root@example.com", PASSWORD)
        .await
        .json()
        .await
        .expect("json");
    let admin = admin["access_token"].as_str().expect("token").to_owned();
    for token in [admin.as_str(), &access, "garbage"] {
        let response = app.get_with_bearer("/admin/users", token).await;
        call("get", "/admin/users", response).await;
    }

    // An application's token with openid (and one without) at /userinfo.
    let rp = app.add_client(ClientSpec {
        trusted: true,
        ..ClientSpec::default()
    });
    let pkce = crate::support::Pkce::new();
    let code = crate::applications::code_for(&app, &rp, &pkce).await;
    let issued = crate::applications::exchange(&app, &rp, &code, &pkce.verifier).await;
    let issued = crate::applications::tokens(issued).await;
    let rp_access = issued["access_token"].as_str().expect("token").to_owned();
    call(
        "post",
        "/token",
        app.client_basic(
            "/token",
            &rp.id,
            rp.secret.as_deref().expect("s"),
            &[
                ("grant_type", "refresh_token"),
                (
                    "refresh_token",
                    issued["refresh_token"].as_str().expect("r"),
                ),
            ],
        )
        .await,
    )
    .await;
    for token in [rp_access.as_str(), access.as_str(), "garbage"] {
        call(
            "get",
            "/userinfo",
            app.get_with_bearer("/userinfo", token).await,
        )
        .await;
    }
    let posted = reqwest::Client::new()
        .post(app.url("/userinfo"))
        .bearer_auth(&rp_access)
        .send()
        .await
        .expect("post");
    call("post", "/userinfo", posted).await;

    let (cookie, _) = crate::browser_flow::sign_in(&app, EMAIL).await;
    for (path, cookie) in [
        ("/auth/forward", ""),
        ("/auth/forward", cookie.as_str()),
        ("/auth/forward?scope=admin", cookie.as_str()),
        ("/auth/forward?scope=a&scope=b", cookie.as_str()),
    ] {
        let response = app.get_with(path, &[("Cookie", cookie)]).await;
        call("get", "/auth/forward", response).await;
    }

    for path in [
        "/.well-known/jwks.json",
        "/.well-known/oauth-authorization-server",
        "/.well-known/openid-configuration",
        "/healthz",
        "/readyz",
    ] {
        call("get", path, app.get(path).await).await;
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

#[tokio::test]
async fn a_method_a_documented_path_lacks_gets_the_documented_405_with_its_methods() {
    let app = TestApp::spawn().await;
    let document: Value =
        serde_json::from_str(include_str!("../../src/routes/openapi.json")).expect("the document");
    let documented = resolve(
        &document,
        &document["components"]["responses"]["MethodNotAllowed"],
    );
    for (path, operations) in document["paths"].as_object().expect("paths") {
        let mut methods: Vec<String> = operations
            .as_object()
            .expect("operations")
            .keys()
            .map(|m| m.to_uppercase())
            .collect();
        if methods.iter().any(|m| m == "GET") {
            methods.push("HEAD".into());
        }
        for method in ["PUT", "PATCH", "DELETE", "POST", "GET"] {
            if methods.iter().any(|m| m == method) {
                continue;
            }
            let response = app
                .client
                .request(method.parse().expect("a method"), app.url(path))
                .send()
                .await
                .expect("request");
            assert_eq!(response.status(), 405, "{method} {path}");
            let mut allowed: Vec<String> = response.headers()["allow"]
                .to_str()
                .expect("ASCII")
                .split(", ")
                .map(str::to_owned)
                .collect();
            allowed.sort();
            methods.sort();
            assert_eq!(allowed, methods, "Allow of {path}");
            assert_matches(&document, documented, &format!("{method} {path}"), response).await;
        }
    }
}

#[tokio::test]
async fn a_throttled_token_request_is_the_documented_429() {
    let app = TestApp::spawn_with(|s| s.address_failure_limit = 1).await;
    let document: Value =
        serde_json::from_str(include_str!("../../src/routes/openapi.json")).expect("the document");
    assert_eq!(app.login(EMAIL, "wrong password").await.status(), 401);
    let throttled = app.login(EMAIL, "wrong password").await;
    assert_eq!(throttled.status(), 429);
    assert_documented(&document, "post", "/token", throttled).await;
}
