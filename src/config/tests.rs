//! Layering, validation and secret sources of the settings.
use super::*;

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn defaults_match_the_spec() {
    let s = Settings::from_sources(&Flags::default(), env(&[])).expect("defaults load");
    assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(s.data_dir, PathBuf::from("./data"));
    assert_eq!(s.database_url.url(), "sqlite://./data/latchkey.db");
    assert_eq!(s.access_ttl, Duration::from_secs(30 * 60));
    assert_eq!(s.refresh_ttl, Duration::from_secs(14 * 86400));
    assert_eq!(s.issuer, "http://127.0.0.1:8080");
    assert_eq!(s.password_min_length, 15);
    assert_eq!(
        s.argon2,
        Argon2Cost {
            m_kib: 19456,
            t: 2,
            p: 1
        }
    );
    assert_eq!(s.hash_queue, 4 * s.hash_workers);
    assert!(s.rate_limit);
    assert!(s.password_grant);
}

#[test]
fn a_flag_beats_the_environment_which_beats_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("latchkey.toml");
    std::fs::write(
        &file,
        "bind = \"127.0.0.1:1\"\naccess_ttl = \"5m\"\nrefresh_ttl = \"1d\"\n",
    )
    .expect("write");
    let flags = Flags {
        config: Some(file),
        bind: Some("127.0.0.1:3".into()),
        ..Flags::default()
    };
    let s = Settings::from_sources(
        &flags,
        env(&[
            ("LATCHKEY_BIND", "127.0.0.1:2"),
            ("LATCHKEY_ACCESS_TTL", "7m"),
        ]),
    )
    .expect("load");
    assert_eq!(s.bind.to_string(), "127.0.0.1:3");
    assert_eq!(s.access_ttl, Duration::from_secs(7 * 60));
    assert_eq!(s.refresh_ttl, Duration::from_secs(86400));
}

#[test]
fn unknown_keys_and_bad_values_name_the_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("c.toml");
    std::fs::write(&file, "acces_ttl = \"5m\"\n").expect("write");
    let flags = Flags {
        config: Some(file),
        ..Flags::default()
    };
    let err = Settings::from_sources(&flags, env(&[])).expect_err("unknown key");
    assert!(err.to_string().starts_with("acces_ttl (in "), "{err}");
    assert!(
        err.to_string()
            .ends_with("unknown key, did you mean access_ttl?"),
        "{err}"
    );

    let err = Settings::from_sources(
        &Flags::default(),
        env(&[("LATCHKEY_PASSWORD_MIN_LENGTH", "7")]),
    )
    .expect_err("below floor");
    assert!(
        err.to_string()
            .starts_with("LATCHKEY_PASSWORD_MIN_LENGTH: must be at least 8"),
        "{err}"
    );

    let err = Settings::from_sources(&Flags::default(), env(&[("LATCHKEY_JWT_SECRET", "short")]))
        .expect_err("short secret");
    assert!(
        err.to_string()
            .starts_with("LATCHKEY_JWT_SECRET: must be at least 32 bytes"),
        "{err}"
    );

    let err = Settings::from_sources(&Flags::default(), env(&[("LATCHKEY_ACCESS_TTL", "1800")]))
        .expect_err("unitless duration");
    assert!(
        err.to_string()
            .starts_with("LATCHKEY_ACCESS_TTL: invalid duration"),
        "{err}"
    );

    let err = Settings::from_sources(&Flags::default(), env(&[("LATCHKEY_BINDD", "x")]))
        .expect_err("unknown env");
    assert_eq!(
        err.to_string(),
        "LATCHKEY_BINDD: unknown setting, did you mean LATCHKEY_BIND?"
    );
    let err = Settings::from_sources(&Flags::default(), env(&[("LATCHKEY_ZQXV", "x")]))
        .expect_err("unknown env");
    assert_eq!(err.to_string(), "LATCHKEY_ZQXV: unknown setting");
}

#[test]
fn secrets_come_from_files_and_credentials_but_only_one_way() {
    let dir = tempfile::tempdir().expect("tempdir");
    let secret = "s".repeat(40);
    std::fs::write(dir.path().join("secret"), format!("{secret}\r\n")).expect("write");
    std::fs::write(
        dir.path().join("LATCHKEY_JWT_SECRET"),
        format!("{secret}\n"),
    )
    .expect("write");
    let file = dir.path().join("secret").display().to_string();
    let creds = dir.path().display().to_string();

    let s = Settings::from_sources(
        &Flags::default(),
        env(&[("LATCHKEY_JWT_SECRET_FILE", &file)]),
    )
    .expect("file secret");
    assert_eq!(
        s.jwt_secret.as_ref().map(Secret::expose),
        Some(secret.as_str())
    );

    let s = Settings::from_sources(&Flags::default(), env(&[("CREDENTIALS_DIRECTORY", &creds)]))
        .expect("credential secret");
    assert_eq!(
        s.jwt_secret.as_ref().map(Secret::expose),
        Some(secret.as_str())
    );

    let err = Settings::from_sources(
        &Flags::default(),
        env(&[
            ("CREDENTIALS_DIRECTORY", &creds),
            ("LATCHKEY_JWT_SECRET", &secret),
        ]),
    )
    .expect_err("two ways");
    assert!(err.to_string().contains("more than one way"), "{err}");
    assert!(
        !err.to_string().contains(&secret),
        "the secret must not be printed"
    );
}

#[test]
fn secrets_never_print() {
    let secret = Secret::new("hunter2-hunter2");
    assert_eq!(format!("{secret:?}"), "***");
}

#[test]
fn a_bind_that_is_no_socket_address_is_refused_naming_the_key_and_the_form() {
    let err = Settings::from_sources(
        &Flags::default(),
        env(&[("LATCHKEY_BIND", "not-an-address")]),
    )
    .expect_err("bad bind");
    assert_eq!(
        err.to_string(),
        "LATCHKEY_BIND: expected an IP address and port such as 127.0.0.1:8080 or [::]:8080, got \"not-an-address\""
    );
    let flags = Flags {
        bind: Some("localhost".into()),
        ..Flags::default()
    };
    let err = Settings::from_sources(&flags, env(&[])).expect_err("bad flag");
    assert!(err.to_string().starts_with("--bind: expected"), "{err}");

    let s = Settings::from_sources(&Flags::default(), env(&[("LATCHKEY_BIND", "[::]:8080")]))
        .expect("IPv6 bind");
    assert_eq!(s.bind.to_string(), "[::]:8080");
    assert_eq!(s.issuer, "http://[::]:8080");
}

/// A bad value for each key (several for some: unparseable, below the
/// floor, above the ceiling); every key must appear.
const BAD_VALUES: &[(&str, &str)] = &[
    ("bind", "not-an-address"),
    ("bind", "127.0.0.1"),
    ("data_dir", ""),
    ("database_url", "mysql://db/latchkey"),
    ("database_url", "sqlite://"),
    ("jwt_secret", "short"),
    ("jwt_alg", "RS256"),
    ("access_ttl", "1800"),
    ("access_ttl", "11years"),
    ("refresh_ttl", "0s"),
    ("refresh_ttl", "100000000000000000days"),
    ("refresh_idle_ttl", "3653days"),
    ("issuer", "login.example"),
    ("audience", ""),
    ("password_min_length", "7"),
    ("password_min_length", "129"),
    ("argon2_m_kib", "4"),
    ("argon2_m_kib", "4194304"),
    ("argon2_m_kib", "99999999999999999999999"),
    ("argon2_t", "0"),
    ("argon2_t", "65"),
    ("argon2_p", "0"),
    ("argon2_p", "65"),
    ("hash_workers", "0"),
    ("hash_workers", "100000"),
    ("hash_queue", "-1"),
    ("hash_queue", "100001"),
    ("public_url", "login.example"),
    ("cookie_domain", "com"),
    ("trusted_proxies", "10.0.0.0/33"),
    ("refresh_grace", "forever"),
    ("refresh_grace", "20y"),
    ("rate_limit", "maybe"),
    ("password_grant", "sometimes"),
    ("log", "info,[{"),
    ("log", "verbose"),
    ("log", "warn,verbose"),
    ("log_format", "xml"),
    ("account_free_failures", "0"),
    ("account_free_failures", "4294967296"),
    ("account_delays", "1s,forever"),
    ("account_delays", "1s,20y"),
    ("account_delays", ""),
    ("account_daily_limit", "0"),
    ("account_daily_limit", "1000001"),
    ("address_failure_limit", "many"),
    ("address_failure_limit", "1000001"),
    ("address_failure_window", "20y"),
    ("address_attempt_limit", "1000001"),
    ("smtp_url", "mail.example:25"),
    ("smtp_url", "https://mail.example"),
    ("smtp_url", "smtp://"),
    ("smtp_password", ""),
    ("mail_from", "latchkey"),
    ("mail_from", "latchkey <>"),
    ("mail_from", "late chkey@example.com"),
    ("default_language", "nl"),
    ("default_language", "en-XA"),
    ("default_language", "zh-TW"),
];

#[test]
fn a_bad_value_for_any_key_stops_loading_with_a_message_that_names_the_key() {
    for key in KEYS {
        assert!(
            BAD_VALUES.iter().any(|(k, _)| k == key),
            "{key} has no bad value in the table"
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    for (key, value) in BAD_VALUES {
        let variable = format!("LATCHKEY_{}", key.to_uppercase());
        let err = Settings::from_sources(&Flags::default(), env(&[(&variable, value)]))
            .expect_err(&format!("{variable}={value:?} must be refused"));
        assert!(
            err.to_string().starts_with(&format!("{variable}: ")),
            "{variable}={value:?}: {err}"
        );

        let file = dir.path().join(format!("{key}.toml"));
        let quoted = toml::Value::String(value.to_string()).to_string();
        std::fs::write(&file, format!("{key} = {quoted}\n")).expect("write");
        let flags = Flags {
            config: Some(file.clone()),
            ..Flags::default()
        };
        let err = Settings::from_sources(&flags, env(&[]))
            .expect_err(&format!("{key} = {value:?} must be refused"));
        assert!(
            err.to_string()
                .starts_with(&format!("{key} (in {}): ", file.display())),
            "{key} = {value:?}: {err}"
        );

        if SECRET_KEYS.contains(key) {
            let secret_file = dir.path().join(format!("{key}.secret"));
            std::fs::write(&secret_file, format!("{value}\n")).expect("write");
            let path = secret_file.display().to_string();
            let err = Settings::from_sources(
                &Flags::default(),
                env(&[(&format!("{variable}_FILE"), &path)]),
            )
            .expect_err(&format!(
                "{variable}_FILE holding {value:?} must be refused"
            ));
            assert!(
                err.to_string()
                    .starts_with(&format!("{variable}_FILE ({path}): ")),
                "{variable}_FILE: {err}"
            );
        }

        let flag = Flags {
            bind: (*key == "bind").then(|| value.to_string()),
            data_dir: (*key == "data_dir").then(|| PathBuf::from(value)),
            database_url: (*key == "database_url").then(|| value.to_string()),
            ..Flags::default()
        };
        if flag.bind.is_some() || flag.data_dir.is_some() || flag.database_url.is_some() {
            let err = Settings::from_sources(&flag, env(&[]))
                .expect_err(&format!("--{key} {value:?} must be refused"));
            let name = key.replace('_', "-");
            assert!(
                err.to_string().starts_with(&format!("--{name}: ")),
                "--{name} {value:?}: {err}"
            );
        }
    }
}

#[test]
fn the_largest_allowed_values_load() {
    let s = Settings::from_sources(
        &Flags::default(),
        env(&[
            ("LATCHKEY_ACCESS_TTL", "3650days"),
            ("LATCHKEY_REFRESH_TTL", "10y"),
            ("LATCHKEY_ARGON2_M_KIB", "1048576"),
            ("LATCHKEY_ARGON2_T", "64"),
            ("LATCHKEY_ARGON2_P", "64"),
            ("LATCHKEY_HASH_WORKERS", "1024"),
            ("LATCHKEY_HASH_QUEUE", "100000"),
            ("LATCHKEY_ACCOUNT_DAILY_LIMIT", "1000000"),
        ]),
    )
    .expect("the ceilings themselves are allowed");
    assert_eq!(s.access_ttl, Duration::from_secs(3650 * 86400));
    assert_eq!(s.argon2.m_kib, 1048576);
}

#[test]
fn a_toml_syntax_error_names_the_line_without_echoing_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("latchkey.toml");
    let secret = "a-secret-of-more-than-32-bytes-that-must-stay-hidden";
    for line in [
        format!("jwt_secret = \"{secret}\n"),
        format!("jwt_secret = {secret}\n"),
        format!("database_url = \"postgres://latchkey:{secret}@db/latchkey\" x\n"),
        format!("database_url = 'postgres://latchkey:{secret}@db/latchkey\n"),
        format!("jwt_secret = 0123456789{secret}\n"),
        format!("jwt_secret = \"\"\"{secret}\n"),
        format!("jwt_secret = [\"{secret}\"\n"),
        format!("jwt_secret = \"{secret}\\q\"\n"),
    ] {
        std::fs::write(&file, format!("bind = \"127.0.0.1:8080\"\n{line}")).expect("write");
        let flags = Flags {
            config: Some(file.clone()),
            ..Flags::default()
        };
        let err = Settings::from_sources(&flags, env(&[]))
            .expect_err("malformed TOML")
            .to_string();
        assert!(!err.contains("stay-hidden"), "{err}");
        assert!(
            // Line 2, or 3 where an unclosed string meets the end.
            err.starts_with(&format!("config file {}, line ", file.display()))
                && err.contains(": not valid TOML ("),
            "{err}"
        );
    }
}

#[test]
fn a_cookie_domain_must_hold_an_https_public_url() {
    let load = |pairs: &[(&str, &str)]| Settings::from_sources(&Flags::default(), env(pairs));
    let ok = load(&[
        ("LATCHKEY_PUBLIC_URL", "https://auth.example.com"),
        ("LATCHKEY_COOKIE_DOMAIN", ".Example.COM"),
    ])
    .expect("a parent domain of the public host");
    assert_eq!(ok.cookie_domain.as_deref(), Some("example.com"));
    for (public_url, domain, why) in [
        (None, "example.com", "needs public_url"),
        (
            Some("http://auth.example.com"),
            "example.com",
            "an https:// URL",
        ),
        (
            Some("https://auth.example.com"),
            "com",
            "at least two labels",
        ),
        (
            Some("https://auth.example.com"),
            "other.com",
            "parent domain",
        ),
        (Some("https://auth.example.com"), "le.com", "parent domain"),
        (
            Some("https://auth.example.com"),
            "exa mple.com",
            "at least two labels",
        ),
        (Some("https://127.0.0.1"), "0.0.1", "a domain name"),
    ] {
        let mut pairs = vec![("LATCHKEY_COOKIE_DOMAIN", domain)];
        pairs.extend(public_url.map(|url| ("LATCHKEY_PUBLIC_URL", url)));
        let err = load(&pairs).expect_err(domain).to_string();
        assert!(
            err.contains("LATCHKEY_COOKIE_DOMAIN") && err.contains(why),
            "{domain}: {err}"
        );
    }
}

#[test]
fn the_default_language_is_one_of_the_listed_tags_and_a_wrong_one_names_them() {
    let chosen = Settings::from_sources(
        &Flags::default(),
        env(&[("LATCHKEY_DEFAULT_LANGUAGE", "pt-BR")]),
    )
    .expect("pt-BR is listed");
    assert_eq!(chosen.default_language, crate::i18n::Lang::PtBr);
    let err = Settings::from_sources(
        &Flags::default(),
        env(&[("LATCHKEY_DEFAULT_LANGUAGE", "nl")]),
    )
    .expect_err("nl is not spoken");
    assert_eq!(
        err.to_string(),
        "LATCHKEY_DEFAULT_LANGUAGE: expected one of en, de, fr, es, pt-BR, ja, zh-CN, got \"nl\""
    );
}
