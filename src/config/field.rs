//! One raw setting on its way to a typed value: one small parser per kind
//! of value, each refusing with a message that names the key as the
//! operator wrote it.

use std::collections::BTreeMap;
use std::time::Duration;

use super::sources::{Origin, Raw, label};
use super::{ConfigError, DURATION_MAX};

/// The value given for one key, if any.
pub(super) struct Field<'a> {
    key: &'static str,
    raw: Option<&'a Raw>,
    /// Every source merged, for a rule that names another key.
    all: &'a BTreeMap<&'static str, Raw>,
}

impl<'a> Field<'a> {
    pub(super) fn new(key: &'static str, all: &'a BTreeMap<&'static str, Raw>) -> Self {
        let raw = all.get(key);
        Self { key, raw, all }
    }

    pub(super) fn text(&self) -> Option<&str> {
        self.raw.map(|r| r.value.as_str())
    }

    /// An error naming this key where it was given (the environment
    /// variable when it was not given at all).
    pub(super) fn fail(&self, message: impl Into<String>) -> ConfigError {
        self.fail_on(self.key, message)
    }

    /// An error naming another key: for a rule that joins several.
    pub(super) fn fail_on(&self, key: &str, message: impl Into<String>) -> ConfigError {
        let origin = self
            .all
            .get(key)
            .map(|r| r.origin.clone())
            .unwrap_or(Origin::Env);
        ConfigError(format!("{}: {}", label(key, &origin), message.into()))
    }

    /// A duration above zero and at most [`DURATION_MAX`].
    pub(super) fn duration(&self, default: Duration) -> Result<Duration, ConfigError> {
        let Some(text) = self.text() else {
            return Ok(default);
        };
        let value = humantime::parse_duration(text).map_err(|e| {
            self.fail(format!(
                "invalid duration {text:?} ({e}); write e.g. \"30m\""
            ))
        })?;
        if value.is_zero() {
            return Err(self.fail("must be longer than zero"));
        }
        if value > DURATION_MAX {
            return Err(self.fail(format!("must be at most 10 years, got {text:?}")));
        }
        Ok(value)
    }

    /// A whole number within `min..=max`.
    pub(super) fn number(
        &self,
        default: usize,
        min: usize,
        max: usize,
    ) -> Result<usize, ConfigError> {
        let Some(text) = self.text() else {
            return Ok(default);
        };
        let value: usize = text
            .parse()
            .map_err(|_| self.fail(format!("expected a whole number, got {text:?}")))?;
        if value < min {
            return Err(self.fail(format!("must be at least {min} (got {value})")));
        }
        if value > max {
            return Err(self.fail(format!("must be at most {max} (got {value})")));
        }
        Ok(value)
    }

    /// [`Self::number`], kept as a `u32`.
    pub(super) fn number32(
        &self,
        default: u32,
        min: usize,
        max: usize,
    ) -> Result<u32, ConfigError> {
        let value = self.number(default as usize, min, max)?;
        u32::try_from(value).map_err(|_| self.fail(format!("must be at most {}", u32::MAX)))
    }

    /// One of a few words; `expected` lists them for the message.
    pub(super) fn choice<T: Copy>(
        &self,
        default: T,
        options: &[(&str, T)],
        expected: &str,
    ) -> Result<T, ConfigError> {
        let Some(text) = self.text() else {
            return Ok(default);
        };
        options
            .iter()
            .find(|(word, _)| *word == text)
            .map(|(_, value)| *value)
            .ok_or_else(|| self.fail(format!("expected {expected}, got {text:?}")))
    }

    /// Items separated by `separator`, each parsed by `item`, which may
    /// skip one by answering `None`.
    pub(super) fn list<T>(
        &self,
        separator: impl Fn(char) -> bool,
        item: impl Fn(&str) -> Result<Option<T>, String>,
    ) -> Result<Option<Vec<T>>, ConfigError> {
        let Some(text) = self.text() else {
            return Ok(None);
        };
        text.split(separator)
            .filter_map(|part| item(part).map_err(|e| self.fail(e)).transpose())
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}
