//! Where raw settings come from: the TOML file, `LATCHKEY_*` variables,
//! `LATCHKEY_X_FILE` files and systemd credentials. Values stay strings
//! here; [`super::Settings`] parses and checks them.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::{ConfigError, Flags, KEYS, SECRET_KEYS};

/// Where a raw value came from, for error messages that name the key as the
/// operator wrote it.
#[derive(Debug, Clone)]
pub(super) enum Origin {
    Flag(&'static str),
    Env,
    EnvFile(String),
    Credential(PathBuf),
    Toml(PathBuf),
}

pub(super) struct Raw {
    pub(super) value: String,
    pub(super) origin: Origin,
}

pub(super) fn label(key: &str, origin: &Origin) -> String {
    match origin {
        Origin::Flag(flag) => format!("--{flag}"),
        Origin::Env => format!("LATCHKEY_{}", key.to_uppercase()),
        Origin::EnvFile(path) => format!("LATCHKEY_{}_FILE ({path})", key.to_uppercase()),
        Origin::Credential(path) => format!("credential {}", path.display()),
        Origin::Toml(path) => format!("{key} (in {})", path.display()),
    }
}

pub(super) fn read_toml(
    path: &Path,
    raw: &mut BTreeMap<&'static str, Raw>,
) -> Result<(), ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("config file {}: {e}", path.display())))?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        // The error's own display quotes the offending line, which may
        // hold a secret (`jwt_secret`, a `database_url` with a password):
        // name the line by number instead.
        let line = e.span().map(|span| {
            text.as_bytes()[..span.start.min(text.len())]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1
        });
        let at = line.map(|n| format!(", line {n}")).unwrap_or_default();
        ConfigError(format!(
            "config file {}{at}: not valid TOML ({})",
            path.display(),
            e.message().trim_end()
        ))
    })?;
    for (name, value) in table {
        let Some(key) = KEYS.iter().copied().find(|k| *k == name) else {
            return Err(ConfigError(format!(
                "{name} (in {}): unknown key{}",
                path.display(),
                did_you_mean(&name, "")
            )));
        };
        let value = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Array(items) if key == "trusted_proxies" => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| {
                    ConfigError(format!(
                        "{key} (in {}): expected a list of strings",
                        path.display()
                    ))
                })?
                .join(","),
            other => {
                return Err(ConfigError(format!(
                    "{key} (in {}): expected a string or an integer, got {}",
                    path.display(),
                    other.type_str()
                )));
            }
        };
        let origin = Origin::Toml(path.to_owned());
        raw.insert(key, Raw { value, origin });
    }
    Ok(())
}

/// Command-line flags: they win over every other source.
pub(super) fn read_flags(flags: &Flags, raw: &mut BTreeMap<&'static str, Raw>) {
    let flag_values = [
        ("bind", "bind", flags.bind.clone()),
        (
            "data_dir",
            "data-dir",
            flags.data_dir.as_ref().map(|p| p.display().to_string()),
        ),
        ("database_url", "database-url", flags.database_url.clone()),
    ];
    for (key, flag, value) in flag_values {
        if let Some(value) = value {
            let origin = Origin::Flag(flag);
            raw.insert(key, Raw { value, origin });
        }
    }
}

pub(super) fn read_env(
    env: &HashMap<String, String>,
    raw: &mut BTreeMap<&'static str, Raw>,
) -> Result<(), ConfigError> {
    let mut names: Vec<&String> = env.keys().filter(|k| k.starts_with("LATCHKEY_")).collect();
    names.sort();
    for name in names {
        let rest = &name["LATCHKEY_".len()..];
        if rest == "CONFIG" {
            continue;
        }
        let is_file = rest
            .strip_suffix("_FILE")
            .is_some_and(|base| SECRET_KEYS.contains(&base.to_lowercase().as_str()));
        if is_file {
            continue;
        }
        let lower = rest.to_lowercase();
        let Some(key) = KEYS.iter().copied().find(|k| *k == lower) else {
            return Err(ConfigError(format!(
                "{name}: unknown setting{}",
                did_you_mean(&lower, "LATCHKEY_")
            )));
        };
        if !SECRET_KEYS.contains(&key) {
            raw.insert(
                key,
                Raw {
                    value: env[name].clone(),
                    origin: Origin::Env,
                },
            );
        }
    }

    let credentials = env.get("CREDENTIALS_DIRECTORY").map(PathBuf::from);
    for &key in SECRET_KEYS {
        let upper = format!("LATCHKEY_{}", key.to_uppercase());
        let mut found: Vec<Raw> = Vec::new();
        if let Some(value) = env.get(&upper) {
            found.push(Raw {
                value: value.clone(),
                origin: Origin::Env,
            });
        }
        if let Some(path) = env.get(&format!("{upper}_FILE")) {
            let value = read_secret_file(Path::new(path))
                .map_err(|e| ConfigError(format!("{upper}_FILE ({path}): {e}")))?;
            found.push(Raw {
                value,
                origin: Origin::EnvFile(path.clone()),
            });
        }
        if let Some(dir) = &credentials {
            let path = dir.join(&upper);
            if path.exists() {
                let value = read_secret_file(&path)
                    .map_err(|e| ConfigError(format!("credential {}: {e}", path.display())))?;
                found.push(Raw {
                    value,
                    origin: Origin::Credential(path),
                });
            }
        }
        if found.len() > 1 {
            let ways: Vec<String> = found.iter().map(|r| label(key, &r.origin)).collect();
            return Err(ConfigError(format!(
                "{upper} is given more than one way ({}); keep one",
                ways.join(", ")
            )));
        }
        if let Some(value) = found.pop() {
            raw.insert(key, value);
        }
    }
    Ok(())
}

/// ", did you mean X?" for the known key closest to a misspelt `name`
/// (lower case, without the prefix), written with `prefix` as the operator
/// wrote theirs; empty when nothing is close.
fn did_you_mean(name: &str, prefix: &str) -> String {
    let closest = KEYS
        .iter()
        .map(|key| (strsim::jaro_winkler(name, key), *key))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match closest {
        // clap's own threshold for its suggestions.
        Some((score, key)) if score > 0.7 => {
            let key = if prefix.is_empty() {
                key.to_owned()
            } else {
                format!("{prefix}{}", key.to_uppercase())
            };
            format!(", did you mean {key}?")
        }
        _ => String::new(),
    }
}

/// Reads a secret file, stripping exactly one trailing `\n` or `\r\n`.
fn read_secret_file(path: &Path) -> std::io::Result<String> {
    std::fs::read_to_string(path).map(super::strip_one_newline)
}
