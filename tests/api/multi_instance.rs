//! Several instances on one PostgreSQL database act as one service. Each
//! instance here has its own data dir, as on separate hosts, and they share
//! `LATCHKEY_JWT_SECRET` and `LATCHKEY_ISSUER`, as the README tells
//! operators to. Skips loudly without `TEST_POSTGRES_URL`.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use latchkey::config::{DatabaseUrl, Secret, Settings};
use serde_json::Value;

use crate::support::{
    CHANGES_SEEN_WITHIN, CHEAP_ARGON2, EMAIL, PASSWORD, PgDatabase, TestApp, assert_invalid_grant,
    test_settings,
};

const SHARED_SECRET: &str = "a shared HS256 secret of at least 32 bytes, same on all";

fn one_service(settings: &mut Settings, grace: Duration) {
    settings.jwt_secret = Some(Secret::new(SHARED_SECRET));
    settings.issuer = "https://login.example".into();
    settings.refresh_grace = grace;
    settings.argon2 = CHEAP_ARGON2;
    // A long first wait, so the throttle cannot lapse while a slow debug
    // build answers the request before.
    settings.account_delays = vec![Duration::from_secs(60)];
}

/// Two instances of one service on a fresh PostgreSQL database.
async fn two_instances(grace: Duration) -> Option<(TestApp, TestApp)> {
    let a = TestApp::spawn_postgres_with(|s| one_service(s, grace)).await?;
    let b = a.another_instance(|s| one_service(s, grace)).await;
    assert_ne!(
        a.data_dir(),
        b.data_dir(),
        "nothing shared but the database"
    );
    Some((a, b))
}

struct Grant {
    access: String,
    refresh: String,
}

async fn grant_of(response: reqwest::Response) -> Grant {
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    Grant {
        access: body["access_token"].as_str().expect("access").to_owned(),
        refresh: body["refresh_token"].as_str().expect("refresh").to_owned(),
    }
}

#[tokio::test]
async fn a_token_issued_by_one_instance_verifies_on_the_other() {
    let Some((a, b)) = two_instances(Duration::ZERO).await else {
        return;
    };
    let from_a = a.access_token().await;
    let me = b.get_me(&from_a).await;
    assert_eq!(me.status(), 200);
    let body: Value = me.json().await.expect("json");
    assert_eq!(body["email"], EMAIL);
    assert_eq!(a.get_me(&b.access_token().await).await.status(), 200);
}

#[tokio::test]
async fn a_refresh_token_rotated_on_one_instance_and_reused_on_the_other_ends_the_family() {
    let Some((a, b)) = two_instances(Duration::ZERO).await else {
        return;
    };
    let first = grant_of(a.login(EMAIL, PASSWORD).await).await;
    let second = grant_of(a.refresh(&first.refresh).await).await;
    // B rotates what A issued: one family, whichever instance holds it.
    let third = grant_of(b.refresh(&second.refresh).await).await;

    assert_invalid_grant(b.refresh(&first.refresh).await).await;
    // The reuse revoked the whole family, on both instances.
    assert_invalid_grant(a.refresh(&third.refresh).await).await;
    assert_eq!(a.get_me(&third.access).await.status(), 401);
    assert_eq!(b.get_me(&third.access).await.status(), 401);
}

#[tokio::test]
async fn within_the_grace_window_the_other_instance_returns_the_same_successor() {
    let Some((a, b)) = two_instances(Duration::from_secs(30)).await else {
        return;
    };
    let first = grant_of(a.login(EMAIL, PASSWORD).await).await;
    let on_a = grant_of(a.refresh(&first.refresh).await).await;
    let on_b = grant_of(b.refresh(&first.refresh).await).await;
    assert_eq!(on_a.refresh, on_b.refresh, "one live successor");
    assert_eq!(b.get_me(&on_b.access).await.status(), 200);
}

#[tokio::test]
async fn failed_logins_on_one_instance_throttle_the_account_on_the_other() {
    let Some((a, b)) = two_instances(Duration::ZERO).await else {
        return;
    };
    for _ in 0..5 {
        assert_eq!(
            a.login(EMAIL, "wrong password, on purpose").await.status(),
            401
        );
    }
    // B has seen no failure itself, yet the right password waits.
    let response = b.login(EMAIL, PASSWORD).await;
    assert_eq!(response.status(), 429);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&wait), "retry-after {wait}");
}

#[tokio::test]
async fn revoking_a_session_on_one_instance_ends_it_on_the_other() {
    let Some((a, b)) = two_instances(Duration::ZERO).await else {
        return;
    };
    let grant = grant_of(a.login(EMAIL, PASSWORD).await).await;
    assert_eq!(b.get_me(&grant.access).await.status(), 200);

    let revoked = a
        .post_form("/token/revoke", &[("token", &grant.refresh)])
        .await;
    assert_eq!(revoked.status(), 200);

    // b remembers the session it just checked; it hears of the revocation
    // from PostgreSQL within milliseconds (docs/operations.md).
    tokio::time::sleep(CHANGES_SEEN_WITHIN).await;
    assert_eq!(b.get_me(&grant.access).await.status(), 401);
    assert_invalid_grant(b.refresh(&grant.refresh).await).await;
}

#[test]
fn instances_started_at_the_same_moment_migrate_exactly_once() {
    use diesel::prelude::*;
    let Some(database) = PgDatabase::create() else {
        return;
    };
    let start_together = Arc::new(Barrier::new(2));
    let starts: Vec<_> = (0..2)
        .map(|_| {
            let url = database.url.clone();
            let start_together = start_together.clone();
            std::thread::spawn(move || {
                let dir = tempfile::tempdir().expect("tempdir");
                let mut settings = test_settings(&dir);
                settings.database_url = DatabaseUrl::parse(&url).expect("database URL");
                // The server needs a runtime to exist, not to serve.
                actix_web::rt::System::new().block_on(async move {
                    start_together.wait();
                    latchkey::startup::Application::build(settings)
                        .map(|app| app.port())
                        .map_err(|e| format!("{e:#}"))
                })
            })
        })
        .collect();
    for start in starts {
        let built = start.join().expect("the start-up thread did not panic");
        assert!(built.is_ok(), "both instances start: {built:?}");
    }

    #[derive(QueryableByName)]
    struct Applied {
        #[diesel(sql_type = diesel::sql_types::Text)]
        version: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        times: i64,
    }
    let mut conn = diesel::PgConnection::establish(&database.url).expect("connect");
    let applied: Vec<Applied> = diesel::sql_query(
        "SELECT version, COUNT(*) AS times FROM __diesel_schema_migrations GROUP BY version",
    )
    .load(&mut conn)
    .expect("read the migration log");
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .expect("migrations dir")
        .count();
    assert_eq!(applied.len(), migrations, "every migration applied");
    for row in &applied {
        assert_eq!(row.times, 1, "migration {} applied once", row.version);
    }
}
