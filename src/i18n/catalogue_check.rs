//! Checks of the catalogues against each other and against the code that
//! uses them: a missing message would show its id on a page, an unused one
//! is work for every translator, and a variable the English message does
//! not have is never given a value.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_templates::fluent_bundle::FluentResource;

use super::Lang;

/// A catalogue: message id → the variables it uses.
type Catalogue = BTreeMap<String, BTreeSet<String>>;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn files(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| extensions.contains(&e))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The tags that have a folder under `locales/`.
fn tags_present() -> Vec<String> {
    let mut tags: Vec<String> = std::fs::read_dir(root().join("locales"))
        .expect("locales/")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    tags.sort();
    tags
}

/// Reads `locales/<tag>/*.ftl`; problems (syntax errors, an id defined
/// twice) go to `problems`.
fn catalogue(tag: &str, problems: &mut Vec<String>) -> Catalogue {
    let mut messages = Catalogue::new();
    for file in files(&root().join("locales").join(tag), &["ftl"]) {
        let shown = file
            .strip_prefix(root())
            .unwrap_or(&file)
            .display()
            .to_string();
        let text = std::fs::read_to_string(&file).expect("readable catalogue");
        if let Err((_, errors)) = FluentResource::try_new(text.clone()) {
            problems.push(format!("{shown}: does not parse: {errors:?}"));
        }
        let mut current: Option<String> = None;
        for line in text.lines() {
            let starts_message = line
                .split_once(" =")
                .filter(|(id, _)| is_id(id))
                .map(|(id, _)| id.to_owned());
            if let Some(id) = starts_message {
                if messages.insert(id.clone(), BTreeSet::new()).is_some() {
                    problems.push(format!("{shown}: {id} is defined twice"));
                }
                current = Some(id);
            } else if !continues_message(line) {
                current = None;
            }
            if let Some(id) = &current
                && let Some(variables) = messages.get_mut(id)
            {
                variables.extend(variables_in(line));
            }
        }
    }
    messages
}

/// Indented lines, blank lines and a line that closes a select
/// (`} { $year }`) belong to the message above them.
fn continues_message(line: &str) -> bool {
    line.trim().is_empty() || line.starts_with([' ', '\t', '}'])
}

fn is_id(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn variables_in(line: &str) -> Vec<String> {
    line.split('$')
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect::<String>()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

/// The message ids the code uses: string literals passed to `tr`, `tr1`,
/// `tr2`, `tr_with`, `tr1_strong`, `tr2_strong` and `msg`, outside
/// comments.
fn ids_used() -> BTreeMap<String, String> {
    let mut used = BTreeMap::new();
    let mut sources = files(&root().join("templates"), &["html", "txt"]);
    sources.extend(files(&root().join("src"), &["rs"]));
    for file in sources {
        let shown = file
            .strip_prefix(root())
            .unwrap_or(&file)
            .display()
            .to_string();
        let text = std::fs::read_to_string(&file).expect("readable source");
        let code: String = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for call in [
            "tr(",
            "tr1(",
            "tr2(",
            "tr_with(",
            "tr1_strong(",
            "tr2_strong(",
            "msg(",
        ] {
            for (at, _) in code.match_indices(call) {
                let before = code[..at].chars().next_back();
                if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                    continue;
                }
                let rest = code[at + call.len()..].trim_start();
                let Some(literal) = rest.strip_prefix('"') else {
                    continue;
                };
                let id: String = literal.chars().take_while(|c| *c != '"').collect();
                if is_id(&id) {
                    used.entry(id).or_insert_with(|| shown.clone());
                }
            }
        }
    }
    used
}

#[test]
fn every_catalogue_parses_and_defines_each_message_once() {
    let mut problems = Vec::new();
    for tag in tags_present() {
        catalogue(&tag, &mut problems);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn only_listed_languages_have_catalogues_and_once_one_is_translated_all_are() {
    let present = tags_present();
    let listed: Vec<&str> = Lang::LISTED.iter().map(|l| l.tag()).collect();
    for tag in &present {
        assert!(
            listed.contains(&tag.as_str()),
            "locales/{tag} is not a listed language"
        );
    }
    assert!(present.iter().any(|t| t == "en"), "no English catalogue");
    if present.len() > 1 {
        for tag in listed {
            assert!(present.iter().any(|t| t == tag), "locales/{tag} is missing");
        }
    }
}

#[test]
fn every_language_has_the_messages_of_english_with_no_other_variables() {
    let mut problems = Vec::new();
    let english = catalogue("en", &mut problems);
    for tag in tags_present().iter().filter(|t| *t != "en") {
        let other = catalogue(tag, &mut problems);
        for (id, variables) in &english {
            match other.get(id) {
                None => problems.push(format!("{tag}: {id} is missing")),
                Some(theirs) => {
                    for extra in theirs.difference(variables) {
                        problems.push(format!("{tag}: {id} uses ${extra}, which en does not"));
                    }
                }
            }
        }
        for id in other.keys().filter(|id| !english.contains_key(*id)) {
            problems.push(format!("{tag}: {id} is not in en"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_code_uses_exactly_the_english_messages() {
    let mut problems = Vec::new();
    let english = catalogue("en", &mut problems);
    let used = ids_used();
    for (id, file) in &used {
        if !english.contains_key(id) {
            problems.push(format!(
                "{file} uses {id}, which locales/en does not define"
            ));
        }
    }
    for id in english.keys().filter(|id| !used.contains_key(*id)) {
        problems.push(format!("locales/en defines {id}, which nothing uses"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_scan_reads_calls_and_skips_lookalikes() {
    assert_eq!(
        variables_in("a = { $count -> [one] x }{ $b-c }"),
        ["count", "b-c"]
    );
    assert!(is_id("time-just-now"));
    assert!(!is_id("-brand") && !is_id("Login") && !is_id(""));
}

/// The languages whose catalogues are here, as `Lang`s.
fn languages_present() -> Vec<Lang> {
    let present = tags_present();
    Lang::LISTED
        .into_iter()
        .filter(|lang| present.iter().any(|t| t == lang.tag()))
        .collect()
}

#[test]
fn counted_messages_show_the_number_and_one_form_serves_where_cldr_has_one() {
    for lang in languages_present() {
        for id in [
            "duration-seconds",
            "time-minutes-ago",
            "account-recovery-codes-left",
        ] {
            for n in [0u64, 1, 2, 5, 21, 1000] {
                let text = lang.tr1(id, "count", n);
                assert!(
                    text.contains(&n.to_string()),
                    "{}: {id} for {n}: {text}",
                    lang.tag()
                );
            }
            // Japanese and Chinese have no plural forms.
            if matches!(lang, Lang::Ja | Lang::ZhCn) {
                let one = lang.tr1(id, "count", 1u64).replace('1', "#");
                let five = lang.tr1(id, "count", 5u64).replace('5', "#");
                assert_eq!(one, five, "{}: {id}", lang.tag());
            }
        }
    }
    let (one, many) = (
        Lang::En.tr1("duration-seconds", "count", 1u64),
        Lang::En.tr1("duration-seconds", "count", 2u64),
    );
    assert_eq!((one.as_str(), many.as_str()), ("1 second", "2 seconds"));
}

#[test]
fn every_language_writes_dates_with_the_day_the_year_and_the_time() {
    // 2026-12-03T19:58:00Z
    for lang in languages_present() {
        let text = lang.date_time(1_796_327_880);
        for part in ["3", "2026", "19:58"] {
            assert!(text.contains(part), "{}: {text}", lang.tag());
        }
    }
}
