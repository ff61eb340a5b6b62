//! `--help` and `--version`: complete (every command and argument explained,
//! every setting listed) and accurate (the defaults and limits they state
//! are the ones the code uses).

use std::collections::HashMap;
use std::process::Output;

use clap::CommandFactory;
use latchkey::cli::Cli;
use latchkey::config::{Flags, KEYS, Settings};

use crate::process::latchkey_command;

fn run(args: &[&str]) -> Output {
    latchkey_command(args).output().expect("run latchkey")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Every command path: `[]`, `["serve"]`, `["user", "add"]`, ...
fn command_paths() -> Vec<Vec<String>> {
    fn walk(command: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        for sub in command.get_subcommands() {
            let mut sub_path = path.clone();
            sub_path.push(sub.get_name().to_owned());
            walk(sub, sub_path, out);
        }
        out.push(path);
    }
    let mut out = Vec::new();
    walk(&Cli::command(), Vec::new(), &mut out);
    out
}

#[test]
fn version_prints_the_crate_version() {
    let output = run(&["--version"]);
    assert!(output.status.success());
    assert_eq!(
        stdout(&output),
        format!("latchkey {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn every_command_and_argument_is_explained() {
    Cli::command().debug_assert();
    fn check(command: &clap::Command, name: &str) {
        assert!(
            command
                .get_about()
                .is_some_and(|a| !a.to_string().is_empty()),
            "`{name}` has no description"
        );
        for arg in command.get_arguments() {
            assert!(
                arg.get_help().is_some_and(|h| !h.to_string().is_empty()),
                "`{name}`: argument {} has no help",
                arg.get_id()
            );
        }
        for sub in command.get_subcommands() {
            check(sub, &format!("{name} {}", sub.get_name()));
        }
    }
    check(&Cli::command(), "latchkey");
}

#[test]
fn every_command_answers_help_with_its_usage() {
    let paths = command_paths();
    assert!(paths.len() >= 8, "{paths:?}");
    for path in paths {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let output = run(&args);
        let text = stdout(&output);
        assert!(output.status.success(), "{args:?}");
        let usage = format!("Usage: latchkey {}", path.join(" "));
        assert!(text.contains(usage.trim_end()), "{args:?}:\n{text}");
        assert!(
            !text.starts_with("Usage"),
            "{args:?} starts with a description"
        );
    }
}

#[test]
fn help_lists_every_setting_with_the_real_defaults() {
    let text = stdout(&run(&["--help"]));
    for key in KEYS {
        let variable = format!("LATCHKEY_{}", key.to_uppercase());
        assert!(text.contains(&variable), "{variable} missing from --help");
    }
    let defaults = Settings::from_sources(&Flags::default(), HashMap::new()).expect("defaults");
    assert!(
        text.contains(&format!(
            "LATCHKEY_BIND                  listen address [{}]",
            defaults.bind
        )),
        "{text}"
    );
    let serve = stdout(&run(&["serve", "--help"]));
    assert!(
        serve.contains(&format!("[default: {};", defaults.bind)),
        "{serve}"
    );
    assert!(
        serve.contains(&format!(
            "up to {} seconds",
            latchkey::startup::SHUTDOWN_TIMEOUT_SECONDS
        )),
        "{serve}"
    );
}

#[test]
fn a_mistake_on_the_command_line_exits_2_as_help_says() {
    let help = stdout(&run(&["--help"]));
    assert!(
        help.contains("2 for a mistake on the command line"),
        "{help}"
    );
    let output = run(&["serve", "--no-such-flag"]);
    assert_eq!(output.status.code(), Some(2));
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        readme.contains(
            "A mistake on the command line itself (an unknown flag, a missing argument) exits 2"
        ),
        "the README tells the exit status of a usage error"
    );
}
