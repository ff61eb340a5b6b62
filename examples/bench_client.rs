//! The load client for what a fixed-body generator (oha) cannot do. Used by
//! `bench/run`; talks only to the URL it is given (the bench gives 127.0.0.1).
//!
//! `bench_client refresh URL EMAIL PASSWORD CONCURRENCY SECONDS`
//!   CONCURRENCY chains, each logs in once and then refreshes its own token
//!   in a loop: every refresh rotates the token, so each request needs the
//!   answer of the one before.
//! `bench_client login URL EMAIL PASSWORD CONCURRENCY SECONDS`
//!   CONCURRENCY closed loops of password grants, with latencies kept apart
//!   per status, so the 503s of an overloaded hasher do not hide the latency
//!   of the logins that were admitted.
//! `bench_client codeflow URL EMAIL PASSWORD CONCURRENCY SECONDS`
//!   CONCURRENCY closed loops of complete sign-in flows of an application,
//!   each as a new browser (an empty cookie jar): GET /authorize, the
//!   redirects to the login page, the page's form posted with the password,
//!   the redirects back to /authorize and to the application's redirect_uri
//!   (not followed: the code is read from its Location), then the code
//!   traded at /token with the PKCE verifier and HTTP Basic client auth.
//!   A flow counts as 200 once /token answered 200 (with an id_token when
//!   BENCH_SCOPE has openid); a failed flow counts under the status of the
//!   step that failed (0: transport error, 1: the flow went astray: no
//!   form, no code, too many redirects; 2: no id_token).
//! `bench_client coderefresh URL EMAIL PASSWORD CONCURRENCY SECONDS`
//!   CONCURRENCY chains, each signs in once through a code flow (setup, not
//!   measured) and then refreshes the application's token in a loop, with
//!   HTTP Basic client auth; 200 needs an id_token when BENCH_SCOPE has
//!   openid (else 2).
//! `bench_client apptoken URL EMAIL PASSWORD 1 SECONDS`
//!   one code flow as above; prints the application's access token (for a
//!   fixed-request generator to call /userinfo with), not a summary.
//!
//! With BENCH_NEW_CONNECTIONS=1 every request opens a new connection (no
//! keep-alive), as browsers arriving one by one do.
//!
//! The two application modes read BENCH_CLIENT_ID, BENCH_CLIENT_SECRET,
//! BENCH_REDIRECT_URI and BENCH_SCOPE (default `openid`) from the
//! environment. The login form is found in the page, not assumed: its
//! hidden fields are sent back with `username` and `password` filled in,
//! so the same client drives any server whose page has such a form.
//!
//! Prints one JSON line. The run is bounded by SECONDS (at most 600).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::{Digest, Sha256};

#[derive(Deserialize)]
struct TokenResponse {
    refresh_token: String,
}

/// An application's token response (the refresh token may not rotate).
#[derive(Deserialize)]
struct AppTokenResponse {
    access_token: String,
    refresh_token: Option<String>,
    id_token: Option<String>,
}

/// The registered application the flows sign in to.
struct App {
    client_id: String,
    client_secret: String,
    redirect_uri: String,
    scope: String,
}

impl App {
    fn from_env() -> Result<Self, String> {
        let var = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
        Ok(Self {
            client_id: var("BENCH_CLIENT_ID")?,
            client_secret: var("BENCH_CLIENT_SECRET")?,
            redirect_uri: var("BENCH_REDIRECT_URI")?,
            scope: std::env::var("BENCH_SCOPE").unwrap_or_else(|_| "openid".to_owned()),
        })
    }

    fn wants_id_token(&self) -> bool {
        self.scope.split(' ').any(|s| s == "openid")
    }
}

/// Why a flow failed: the HTTP status of the step, or 0 (transport), 1
/// (astray) or 2 (no id_token), with a description for the first report.
struct Failure {
    status: u16,
    why: String,
}

impl Failure {
    fn astray(why: impl Into<String>) -> Self {
        Self {
            status: 1,
            why: why.into(),
        }
    }

    fn transport(e: reqwest::Error) -> Self {
        Self {
            status: 0,
            why: e.to_string(),
        }
    }
}

/// Latencies (microseconds) by HTTP status; 0 stands for a transport error.
type ByStatus = BTreeMap<u16, Vec<u64>>;

struct Run {
    url: String,
    email: String,
    password: String,
    deadline: Instant,
    app: Option<App>,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, mode, url, email, password, concurrency, seconds] = &args[..] else {
        eprintln!(
            "usage: bench_client refresh|login|codeflow|coderefresh|apptoken URL EMAIL PASSWORD CONCURRENCY SECONDS"
        );
        std::process::exit(2);
    };
    let concurrency = concurrency
        .parse::<usize>()
        .expect("CONCURRENCY")
        .clamp(1, 10_000);
    let seconds: f64 = seconds.parse().expect("SECONDS");
    let duration = Duration::from_secs_f64(seconds.clamp(0.1, 600.0));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let app = match mode.as_str() {
        "codeflow" | "coderefresh" | "apptoken" => match App::from_env() {
            Ok(app) => Some(app),
            Err(why) => {
                eprintln!("bench_client {mode}: {why}");
                std::process::exit(2);
            }
        },
        _ => None,
    };
    let new_connections = std::env::var("BENCH_NEW_CONNECTIONS").is_ok_and(|v| v == "1");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(if new_connections { 0 } else { concurrency })
        // The flows follow redirects themselves, cookies and all.
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");

    if let (Some(app), "apptoken") = (&app, mode.as_str()) {
        match runtime.block_on(code_flow(&client, url, email, password, app)) {
            Ok(tokens) => println!("{}", tokens.access_token),
            Err(failure) => {
                eprintln!(
                    "bench_client apptoken: the sign-in failed ({}): {}",
                    failure.status, failure.why
                );
                std::process::exit(1);
            }
        }
        return;
    }
    let (by_status, elapsed) = runtime.block_on(async {
        // Refresh chains log in first; that setup is not what is measured.
        let mut first_tokens = Vec::new();
        if mode == "refresh" {
            for _ in 0..concurrency {
                let token = password_grant(&client, url, email, password)
                    .await
                    .expect("setup login");
                first_tokens.push(token);
            }
        }
        if let (Some(app), "coderefresh") = (&app, mode.as_str()) {
            for _ in 0..concurrency {
                match code_flow(&client, url, email, password, app).await {
                    Ok(tokens) => first_tokens.push(tokens.refresh_token.unwrap_or_default()),
                    Err(failure) => {
                        eprintln!(
                            "bench_client: setup sign-in failed ({}): {}",
                            failure.status, failure.why
                        );
                        std::process::exit(1);
                    }
                }
            }
        }
        let run = std::sync::Arc::new(Run {
            url: url.clone(),
            email: email.clone(),
            password: password.clone(),
            deadline: Instant::now() + duration,
            app,
        });
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        let mut first_tokens = first_tokens.into_iter();
        for _ in 0..concurrency {
            let (client, run) = (client.clone(), run.clone());
            match mode.as_str() {
                "refresh" => {
                    let token = first_tokens.next().expect("one token per chain");
                    tasks.spawn(refresh_chain(client, run, token));
                }
                "login" => {
                    tasks.spawn(login_loop(client, run));
                }
                "codeflow" => {
                    tasks.spawn(code_flow_loop(client, run));
                }
                "coderefresh" => {
                    let token = first_tokens.next().expect("one token per chain");
                    tasks.spawn(app_refresh_chain(client, run, token));
                }
                other => panic!("unknown mode {other}"),
            }
        }
        let mut all = ByStatus::new();
        while let Some(done) = tasks.join_next().await {
            for (status, mut latencies) in done.expect("task") {
                all.entry(status).or_default().append(&mut latencies);
            }
        }
        (all, started.elapsed())
    });
    print_summary(mode, concurrency, elapsed, by_status);
}

async fn password_grant(
    client: &reqwest::Client,
    url: &str,
    email: &str,
    password: &str,
) -> Result<String, String> {
    let response = client
        .post(format!("{url}/token"))
        .form(&[("username", email), ("password", password)])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("login answered {}", response.status()));
    }
    let body: TokenResponse = response.json().await.map_err(|e| e.to_string())?;
    Ok(body.refresh_token)
}

async fn refresh_chain(
    client: reqwest::Client,
    run: std::sync::Arc<Run>,
    first: String,
) -> ByStatus {
    let mut by_status = ByStatus::new();
    let mut token = first;
    while Instant::now() < run.deadline {
        let started = Instant::now();
        let sent = client
            .post(format!("{}/token", run.url))
            .form(&[("grant_type", "refresh_token"), ("refresh_token", &token)])
            .send()
            .await;
        let status = match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                match response.json::<TokenResponse>().await {
                    Ok(body) if status == 200 => token = body.refresh_token,
                    _ => {}
                }
                status
            }
            Err(_) => 0,
        };
        let micros = started.elapsed().as_micros() as u64;
        by_status.entry(status).or_default().push(micros);
        if status != 200 {
            // The chain is broken (its token is gone); start a new one.
            match password_grant(&client, &run.url, &run.email, &run.password).await {
                Ok(fresh) => token = fresh,
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }
    by_status
}

async fn login_loop(client: reqwest::Client, run: std::sync::Arc<Run>) -> ByStatus {
    let mut by_status = ByStatus::new();
    while Instant::now() < run.deadline {
        let started = Instant::now();
        let sent = client
            .post(format!("{}/token", run.url))
            .form(&[("username", &run.email), ("password", &run.password)])
            .send()
            .await;
        let status = match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                // Read the body so the connection is reused.
                let _ = response.bytes().await;
                status
            }
            Err(_) => 0,
        };
        by_status
            .entry(status)
            .or_default()
            .push(started.elapsed().as_micros() as u64);
    }
    by_status
}

/// Statuses whose first failure was already described on stderr.
static REPORTED: std::sync::Mutex<std::collections::BTreeSet<u16>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

fn report_once(failure: &Failure) {
    if let Ok(mut seen) = REPORTED.lock()
        && seen.insert(failure.status)
    {
        eprintln!(
            "bench_client: first failure with status {}: {}",
            failure.status, failure.why
        );
    }
}

async fn code_flow_loop(client: reqwest::Client, run: std::sync::Arc<Run>) -> ByStatus {
    let mut by_status = ByStatus::new();
    let Some(app) = &run.app else {
        return by_status;
    };
    while Instant::now() < run.deadline {
        let started = Instant::now();
        let status = match code_flow(&client, &run.url, &run.email, &run.password, app).await {
            Ok(_) => 200,
            Err(failure) => {
                report_once(&failure);
                failure.status
            }
        };
        by_status
            .entry(status)
            .or_default()
            .push(started.elapsed().as_micros() as u64);
    }
    by_status
}

async fn app_refresh_chain(
    client: reqwest::Client,
    run: std::sync::Arc<Run>,
    first: String,
) -> ByStatus {
    let mut by_status = ByStatus::new();
    let Some(app) = &run.app else {
        return by_status;
    };
    let mut token = first;
    while Instant::now() < run.deadline {
        let started = Instant::now();
        let sent = client
            .post(format!("{}/token", run.url))
            .basic_auth(&app.client_id, Some(&app.client_secret))
            .form(&[("grant_type", "refresh_token"), ("refresh_token", &token)])
            .send()
            .await;
        let outcome = match sent {
            Err(e) => Err(Failure::transport(e)),
            Ok(response) => app_tokens(response, app).await,
        };
        let micros = started.elapsed().as_micros() as u64;
        match outcome {
            Ok(body) => {
                by_status.entry(200).or_default().push(micros);
                // A server that does not rotate keeps the token it gave.
                if let Some(next) = body.refresh_token {
                    token = next;
                }
            }
            Err(failure) => {
                report_once(&failure);
                by_status.entry(failure.status).or_default().push(micros);
                // The chain is broken; sign in again for a new one.
                match code_flow(&client, &run.url, &run.email, &run.password, app).await {
                    Ok(AppTokenResponse {
                        refresh_token: Some(fresh),
                        ..
                    }) => token = fresh,
                    _ => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        }
    }
    by_status
}

/// A token response of the application's: 200 with an id_token when one
/// is due.
async fn app_tokens(response: reqwest::Response, app: &App) -> Result<AppTokenResponse, Failure> {
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(Failure::transport)?;
    if status != 200 {
        return Err(Failure {
            status,
            why: format!(
                "/token answered {status}: {}",
                String::from_utf8_lossy(&body)
            ),
        });
    }
    let tokens: AppTokenResponse = serde_json::from_slice(&body)
        .map_err(|e| Failure::astray(format!("/token answered 200 with {e}")))?;
    if app.wants_id_token() && tokens.id_token.is_none() {
        return Err(Failure {
            status: 2,
            why: "/token answered 200 without an id_token".to_owned(),
        });
    }
    Ok(tokens)
}

/// One complete sign-in as a new browser; the application's tokens.
async fn code_flow(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
    app: &App,
) -> Result<AppTokenResponse, Failure> {
    let verifier = fresh_verifier();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let state = fresh_verifier();
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", &app.client_id)
        .append_pair("redirect_uri", &app.redirect_uri)
        .append_pair("scope", &app.scope)
        .append_pair("state", &state[..16])
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256")
        .finish();
    let mut at = url::Url::parse(&format!("{base}/authorize?{query}"))
        .map_err(|e| Failure::astray(format!("bad URL: {e}")))?;
    let mut form: Option<Vec<(String, String)>> = None;
    let mut cookies = CookieJar::default();
    let mut forms_sent = 0;
    let mut code = None;
    for _ in 0..12 {
        let request = match form.take() {
            Some(fields) => client.post(at.clone()).form(&fields),
            None => client.get(at.clone()),
        };
        let request = match cookies.header() {
            Some(header) => request.header(reqwest::header::COOKIE, header),
            None => request,
        };
        let response = request.send().await.map_err(Failure::transport)?;
        cookies.take(&response);
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .ok_or_else(|| Failure::astray(format!("{status} without a Location")))?;
            let next = at
                .join(location)
                .map_err(|e| Failure::astray(format!("bad Location {location:?}: {e}")))?;
            if next.as_str().starts_with(&app.redirect_uri) {
                let mut pairs = next.query_pairs();
                if let Some((_, error)) = pairs.find(|(k, _)| k == "error") {
                    return Err(Failure::astray(format!(
                        "the application got error={error}"
                    )));
                }
                code = next
                    .query_pairs()
                    .find(|(k, _)| k == "code")
                    .map(|(_, v)| v.into_owned());
                break;
            }
            at = next;
            continue;
        }
        let body = response.text().await.map_err(Failure::transport)?;
        if status != reqwest::StatusCode::OK {
            return Err(Failure {
                status: status.as_u16(),
                why: format!("{at} answered {status}"),
            });
        }
        if forms_sent == 2 {
            return Err(Failure::astray(format!("a third page with a form at {at}")));
        }
        let (action, mut fields) = login_form(&body)
            .ok_or_else(|| Failure::astray(format!("a page without a form at {at}")))?;
        for (name, value) in &mut fields {
            match name.as_str() {
                "username" | "login" | "email" => *value = email.to_owned(),
                "password" => *value = password.to_owned(),
                _ => {}
            }
        }
        at = at
            .join(&action)
            .map_err(|e| Failure::astray(format!("bad form action {action:?}: {e}")))?;
        form = Some(fields);
        forms_sent += 1;
    }
    let code = code.ok_or_else(|| Failure::astray("no code reached the redirect_uri"))?;
    let response = client
        .post(format!("{base}/token"))
        .basic_auth(&app.client_id, Some(&app.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &app.redirect_uri),
            ("code_verifier", &verifier),
        ])
        .send()
        .await
        .map_err(Failure::transport)?;
    app_tokens(response, app).await
}

/// 43 unpredictable-enough characters for a bench (a PKCE verifier, a
/// state): base64url of SHA-256 over the time, the process and a counter.
fn fresh_verifier() -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let seed = format!("{}-{nanos}-{n}", std::process::id());
    URL_SAFE_NO_PAD.encode(Sha256::digest(seed.as_bytes()))
}

/// A browser's cookies for one host: names and values, no paths (the
/// servers' cookie names are distinct), deleted when a server expires them.
#[derive(Default)]
struct CookieJar(BTreeMap<String, String>);

impl CookieJar {
    fn take(&mut self, response: &reqwest::Response) {
        for set in response.headers().get_all(reqwest::header::SET_COOKIE) {
            let Ok(set) = set.to_str() else { continue };
            let mut parts = set.split(';');
            let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else {
                continue;
            };
            let expired = parts.any(|attribute| {
                let attribute = attribute.trim().to_ascii_lowercase();
                attribute == "max-age=0" || attribute.starts_with("expires=thu, 01 jan 1970")
            });
            let (name, value) = (name.trim().to_owned(), value.trim().to_owned());
            if expired || value.is_empty() {
                self.0.remove(&name);
            } else {
                self.0.insert(name, value);
            }
        }
    }

    fn header(&self) -> Option<String> {
        (!self.0.is_empty()).then(|| {
            self.0
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }
}

/// The first `<form>` of a page: its action and its named inputs.
fn login_form(html: &str) -> Option<(String, Vec<(String, String)>)> {
    let start = html.find("<form")?;
    let rest = &html[start..];
    let end = rest.find("</form>").unwrap_or(rest.len());
    let form = &rest[..end];
    let (form_attributes, _) = tag_attributes(&form[5..]);
    let action = form_attributes
        .iter()
        .find(|(name, _)| name == "action")
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find("<input") {
        let (attributes, after) = tag_attributes(&rest[at + 6..]);
        rest = after;
        let get = |key: &str| {
            attributes
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, value)| value.clone())
        };
        let kind = get("type").unwrap_or_default().to_ascii_lowercase();
        if let Some(name) = get("name")
            && !matches!(kind.as_str(), "submit" | "button" | "checkbox" | "radio")
        {
            fields.push((name, get("value").unwrap_or_default()));
        }
    }
    Some((action, fields))
}

/// The attributes of a tag whose name was just read (values unescaped),
/// and what follows its `>`.
fn tag_attributes(text: &str) -> (Vec<(String, String)>, &str) {
    let mut attributes = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            return (attributes, rest);
        }
        if let Some(after) = rest.strip_prefix('>') {
            return (attributes, after);
        }
        let name_end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '=' | '>' | '/'))
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (raw, remaining) = match after.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let inner = &after[1..];
                    let close = inner.find(quote).unwrap_or(inner.len());
                    (&inner[..close], inner.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let close = after
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .unwrap_or(after.len());
                    (&after[..close], &after[close..])
                }
            };
            value = unescape(raw);
            rest = remaining;
        }
        if name.is_empty() {
            // Not an attribute: skip one character so the loop moves on.
            let mut chars = rest.chars();
            chars.next();
            rest = chars.as_str();
        } else {
            attributes.push((name, value));
        }
    }
}

/// HTML character references: the named five and numeric ones.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(semi) = rest.find(';').filter(|&semi| semi <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn print_summary(mode: &str, concurrency: usize, elapsed: Duration, by_status: ByStatus) {
    let seconds = elapsed.as_secs_f64();
    let mut parts = Vec::new();
    for (status, mut latencies) in by_status {
        latencies.sort_unstable();
        let at = |q: f64| {
            let index = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len());
            latencies[index - 1] as f64 / 1000.0
        };
        parts.push(format!(
            "\"{status}\":{{\"count\":{},\"per_second\":{:.1},\"p50_ms\":{:.3},\"p99_ms\":{:.3},\"max_ms\":{:.3}}}",
            latencies.len(),
            latencies.len() as f64 / seconds,
            at(0.50),
            at(0.99),
            at(1.0),
        ));
    }
    println!(
        "{{\"mode\":\"{mode}\",\"concurrency\":{concurrency},\"seconds\":{seconds:.3},\"by_status\":{{{}}}}}",
        parts.join(",")
    );
}
