//! The same binary on PostgreSQL, chosen by the URL. Skips loudly without
//! `TEST_POSTGRES_URL`; `.ci/run` always sets it.

use serde_json::Value;

use crate::support::{EMAIL, PASSWORD, PgDatabase, TestApp};

#[tokio::test]
async fn postgres_serves_the_token_flow() {
    let Some(app) = TestApp::spawn_postgres_with(|_| {}).await else {
        return;
    };
    assert_eq!(
        app.login(EMAIL, "wrong password, on purpose")
            .await
            .status(),
        401
    );
    let token = app.access_token().await;
    let response = app.get_me(&token).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["email"], EMAIL);
}

#[tokio::test]
async fn a_lost_database_is_503_with_a_generic_body_not_a_hang() {
    let Some(app) = TestApp::spawn_postgres_with(|_| {}).await else {
        return;
    };
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 200);
    let database = app.database.as_ref().expect("postgres app");
    PgDatabase::drop_now(database.admin_url(), database.name());

    let started = std::time::Instant::now();
    let response = app.login(EMAIL, PASSWORD).await;
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "1");
    let body = response.text().await.expect("body");
    assert!(
        !body.contains("database") && !body.contains("postgres"),
        "no internals: {body}"
    );
    let json: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(json["error"], "temporarily_unavailable");

    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "answers within seconds"
    );
}

/// Connections are not tested on every check-out; one that died while idle
/// in the pool (a database restart, an idle-connection killer) must still
/// never reach a request.
#[tokio::test]
async fn pooled_connections_killed_while_idle_are_replaced_unseen() {
    use diesel::Connection;
    use diesel::connection::SimpleConnection;
    let Some(app) = TestApp::spawn_postgres_with(|_| {}).await else {
        return;
    };
    let token = app.access_token().await;
    assert_eq!(app.get_me(&token).await.status(), 200);
    let database = app.database.as_ref().expect("postgres app");
    let mut admin =
        diesel::PgConnection::establish(database.admin_url()).expect("connect as admin");
    admin
        .batch_execute(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{}'",
            database.name()
        ))
        .expect("terminate the pool's connections");
    // Idle for longer than a pooled connection goes untested.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    for _ in 0..20 {
        assert_eq!(app.get_me(&token).await.status(), 200);
    }
    assert_eq!(app.login(EMAIL, PASSWORD).await.status(), 200);
}
