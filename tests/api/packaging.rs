//! The Debian package's files agree with the code: the shipped
//! `latchkey.toml` lists every setting and each of its examples is
//! accepted, and the unit, sysusers.d and tmpfiles.d files name the same
//! user, directory and config file. The package itself is built, linted,
//! installed and run by `packaging/check-deb.sh`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use latchkey::config::{DatabaseUrl, Flags, KEYS, Settings};

fn repo_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo_file(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The packaged config's `key = value` lines, commented out or not:
/// (key, the line without its `# `, whether it is commented out).
fn setting_lines(text: &str) -> Vec<(String, String, bool)> {
    text.lines()
        .filter_map(|line| {
            let (commented, rest) = match line.strip_prefix("# ") {
                Some(rest) => (true, rest),
                None => (false, line),
            };
            let (name, _) = rest.split_once(" = ")?;
            let is_key = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            is_key.then(|| (name.to_owned(), rest.to_owned(), commented))
        })
        .collect()
}

fn load(path: &Path) -> Result<Settings, String> {
    let flags = Flags {
        config: Some(path.to_owned()),
        ..Flags::default()
    };
    Settings::from_sources(&flags, HashMap::new()).map_err(|e| e.to_string())
}

#[test]
fn the_packaged_config_names_every_setting_and_no_other() {
    let lines = setting_lines(&read("packaging/latchkey.toml"));
    let named: Vec<&str> = lines.iter().map(|(key, _, _)| key.as_str()).collect();
    let missing: Vec<&str> = KEYS
        .iter()
        .copied()
        .filter(|k| !named.contains(k))
        .collect();
    assert!(
        missing.is_empty(),
        "packaging/latchkey.toml lacks {missing:?}: add each, commented out at its default"
    );
    let unknown: Vec<&str> = named
        .iter()
        .copied()
        .filter(|k| !KEYS.contains(k))
        .collect();
    assert!(unknown.is_empty(), "not settings: {unknown:?}");
    let mut twice = named.clone();
    twice.sort_unstable();
    twice.dedup();
    assert_eq!(twice.len(), named.len(), "a key listed twice: {named:?}");
    // One key is set: where the package keeps its data.
    let set: Vec<&str> = lines
        .iter()
        .filter(|(_, _, commented)| !commented)
        .map(|(key, _, _)| key.as_str())
        .collect();
    assert_eq!(set, ["data_dir"]);
}

#[test]
fn the_packaged_config_loads_and_points_at_the_packages_data_dir() {
    let settings = load(&repo_file("packaging/latchkey.toml")).expect("the shipped file loads");
    assert_eq!(settings.data_dir, Path::new("/var/lib/latchkey"));
    let sqlite = Path::new("/var/lib/latchkey/latchkey.db");
    assert!(
        matches!(&settings.database_url, DatabaseUrl::Sqlite(path) if path == sqlite),
        "{:?}",
        settings.database_url
    );
}

/// Keys whose example is only valid with another key's example set too.
const NEEDS: &[(&str, &str)] = &[("cookie_domain", "public_url")];

/// An operator who removes a `#` gets a working setting, not a start-up
/// failure (with the settings it needs, see [`NEEDS`]); the exceptions
/// are the empty secrets, `jwt_secret` and `smtp_password`, which must
/// stay refused (the package ships no usable secret).
#[test]
fn every_example_in_the_packaged_config_is_accepted_when_uncommented() {
    let text = read("packaging/latchkey.toml");
    let lines = setting_lines(&text);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("latchkey.toml");
    let mut refused = Vec::new();
    for (key, _, commented) in &lines {
        if !commented {
            continue;
        }
        let needed: Vec<&str> = NEEDS
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, needs)| *needs)
            .collect();
        let mut uncommented = text.clone();
        for (other, line, _) in &lines {
            if other == key || needed.contains(&other.as_str()) {
                uncommented = uncommented.replacen(&format!("# {line}"), line, 1);
            }
        }
        std::fs::write(&path, uncommented).expect("write");
        if let Err(e) = load(&path) {
            refused.push((key.clone(), e));
        }
    }
    let keys: Vec<&str> = refused.iter().map(|(key, _)| key.as_str()).collect();
    assert_eq!(keys, ["jwt_secret", "smtp_password"], "{refused:?}");
}

#[test]
fn the_unit_user_and_directory_files_agree() {
    let service = read("deploy/latchkey.service");
    let setting = |key: &str| -> Vec<&str> {
        let prefix = format!("{key}=");
        service
            .lines()
            .filter_map(|l| l.strip_prefix(prefix.as_str()))
            .collect()
    };
    assert_eq!(
        setting("ExecStart"),
        ["/usr/bin/latchkey --config /etc/latchkey/latchkey.toml serve"]
    );
    assert_eq!(setting("User"), ["latchkey"]);
    assert_eq!(setting("Group"), ["latchkey"]);
    assert_eq!(setting("StateDirectory"), ["latchkey"]);
    assert_eq!(setting("StateDirectoryMode"), ["0700"]);
    // A static user and a dynamic one would disagree on who owns the data.
    assert!(setting("DynamicUser").is_empty());
    // The static assets the package installs are served from ./static.
    assert_eq!(setting("WorkingDirectory"), ["/usr/share/latchkey"]);

    let no_comments = |text: String| -> Vec<String> {
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    };
    assert_eq!(
        no_comments(read("deploy/latchkey.sysusers")),
        [r#"u latchkey - "latchkey login service" /var/lib/latchkey"#]
    );
    assert_eq!(
        no_comments(read("deploy/latchkey.tmpfile")),
        ["d /var/lib/latchkey 0700 latchkey latchkey -"]
    );
}

#[test]
fn the_package_metadata_ships_the_config_static_files_and_maintainer_scripts() {
    let manifest: toml::Table = read("Cargo.toml").parse().expect("Cargo.toml");
    let deb = &manifest["package"]["metadata"]["deb"];
    let assets: Vec<(String, String)> = deb["assets"]
        .as_array()
        .expect("assets")
        .iter()
        .map(|a| {
            let a = a.as_array().expect("[source, dest, mode]");
            let s = |i: usize| a[i].as_str().expect("string").to_owned();
            (s(0), s(1))
        })
        .collect();
    for (source, dest) in [
        ("target/release/latchkey", "usr/bin/"),
        ("static/*", "usr/share/latchkey/static/"),
        ("packaging/latchkey.toml", "etc/latchkey/latchkey.toml"),
        (
            "packaging/lintian-overrides",
            "usr/share/lintian/overrides/latchkey",
        ),
    ] {
        assert!(
            assets.contains(&(source.to_owned(), dest.to_owned())),
            "{source} -> {dest} missing from {assets:?}"
        );
    }
    assert_eq!(deb["maintainer-scripts"].as_str(), Some("packaging/"));
    assert_eq!(
        deb["systemd-units"]["unit-scripts"].as_str(),
        Some("deploy/")
    );
    // cargo-deb puts its generated fragments at the marker; a script
    // without it would silently lose them.
    for script in ["postinst", "postrm"] {
        assert!(
            read(&format!("packaging/{script}")).contains("\n#DEBHELPER#\n"),
            "{script}"
        );
    }
}

/// cargo-deb takes the package's version from Cargo.toml and ships the
/// changelog as it is: a release that bumps one and not the other would
/// ship a changelog whose latest entry is another version.
#[test]
fn the_package_changelog_is_for_this_version() {
    let changelog = read("packaging/changelog");
    let first = changelog.lines().next().expect("a changelog entry");
    let expected = format!("latchkey ({}-1) ", env!("CARGO_PKG_VERSION"));
    assert!(
        first.starts_with(&expected),
        "packaging/changelog starts {first:?}, not {expected:?}: add an entry"
    );
}
