//! The queue: a dead mail server neither fails nor slows a page, and the
//! mail goes out once the server is back; instances sharing a database
//! send each mail once.

use std::time::{Duration, Instant};

use latchkey::db::outgoing_mail::{self, NewMail};

use super::{ARRIVES, forgot};
use crate::support::smtp::{SmtpServer, free_port, smtp_available, with_mail};
use crate::support::{Browser, EMAIL, TestApp};

#[tokio::test]
async fn a_dead_mail_server_does_not_slow_the_page_and_the_mail_goes_out_when_it_is_back() {
    if !smtp_available("mail server down") {
        return;
    }
    // Nothing listens there yet: every attempt is refused.
    let port = free_port();
    let app = TestApp::spawn_at_own_url_with(|s| with_mail(s, port)).await;
    let browser = Browser::new(&app);
    for _ in 0..3 {
        let started = Instant::now();
        let answer = forgot(&browser, EMAIL).await;
        let took = started.elapsed();
        assert_eq!(answer.status(), 200);
        assert!(took < Duration::from_secs(1), "the page took {took:?}");
    }
    // A few attempts fail meanwhile, and are retried.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let smtp = SmtpServer::start_on(port);
    let mails = smtp.wait_for(3, Duration::from_secs(30)).await;
    assert!(
        mails
            .iter()
            .all(|m| m.subject == "Reset your latchkey password")
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.mails().len(), 3, "each mail once");
    // Sent mail leaves the queue, with the link it held.
    let mut conn = app.connection();
    let left: i64 = {
        use diesel::prelude::*;
        latchkey::db::schema::outgoing_mail::table
            .count()
            .get_result(&mut conn)
            .expect("count")
    };
    assert_eq!(left, 0);
}

#[tokio::test]
async fn two_instances_on_one_postgresql_database_send_each_mail_once() {
    if !smtp_available("two instances, one queue") {
        return;
    }
    let smtp = SmtpServer::start();
    let port = smtp.port;
    let Some(first) = TestApp::spawn_postgres_with(|s| {
        with_mail(s, port);
        s.public_url = Some("http://login.example".to_owned());
        s.mail.poll_interval = Duration::from_millis(20);
    })
    .await
    else {
        return;
    };
    let second = first
        .another_instance(|s| {
            with_mail(s, port);
            s.public_url = Some("http://login.example".to_owned());
            s.mail.poll_interval = Duration::from_millis(20);
        })
        .await;
    // Queued behind both instances' backs, so both find them by polling.
    let mut conn = first.connection();
    for i in 0..20 {
        let subject = format!("mail {i:02}");
        let mail = NewMail {
            recipient: EMAIL,
            subject: &subject,
            body_text: "text",
            body_html: "<p>html</p>",
        };
        outgoing_mail::enqueue(&mut conn, &mail, latchkey::clock::now_millis()).expect("enqueue");
    }
    smtp.wait_for(20, ARRIVES).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut subjects: Vec<String> = smtp.mails().into_iter().map(|m| m.subject).collect();
    subjects.sort();
    let expected: Vec<String> = (0..20).map(|i| format!("mail {i:02}")).collect();
    assert_eq!(subjects, expected, "each mail exactly once");
    drop(second);
}
