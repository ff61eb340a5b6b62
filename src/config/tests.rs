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
    assert_eq!(s.bind, "127.0.0.1:8080");
    assert_eq!(s.data_dir, PathBuf::from("./data"));
    assert_eq!(s.database_url.expose(), "sqlite://./data/latchkey.db");
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
    assert_eq!(s.bind, "127.0.0.1:3");
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
    assert_eq!(err.to_string(), "LATCHKEY_BINDD: unknown setting");
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
