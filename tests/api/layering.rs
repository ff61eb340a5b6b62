//! The layers of `src/` import only downwards (see the map in `lib.rs`):
//! read the `crate::` paths of every file under each layer and fail on a
//! forbidden arrow.

use std::path::{Path, PathBuf};

/// A layer: its module file and folder, and what it must not reach.
struct Layer {
    name: &'static str,
    forbidden_modules: &'static [&'static str],
    forbidden_crates: &'static [&'static str],
}

const LAYERS: &[Layer] = &[
    // Storage: no policy, no HTTP, no application wiring.
    Layer {
        name: "db",
        forbidden_modules: &[
            "auth",
            "http",
            "routes",
            "error",
            "state",
            "metrics",
            "startup",
            "commands",
            "housekeeping",
            "serve",
            "mail",
        ],
        forbidden_crates: &["actix_web"],
    },
    // Policy: knows storage, never a request or a response.
    Layer {
        name: "auth",
        forbidden_modules: &["http", "routes", "error", "startup", "commands", "serve"],
        forbidden_crates: &["actix_web"],
    },
    // Outgoing mail: rendering, the queue and SMTP; never a request.
    Layer {
        name: "mail",
        forbidden_modules: &["http", "routes", "error", "startup", "commands", "serve"],
        forbidden_crates: &["actix_web"],
    },
    // Request glue: may use policy and storage, never a route.
    Layer {
        name: "http",
        forbidden_modules: &["routes", "startup", "commands", "serve"],
        forbidden_crates: &[],
    },
    // Plain data, read by all.
    Layer {
        name: "config",
        forbidden_modules: &[
            "auth",
            "http",
            "routes",
            "error",
            "state",
            "metrics",
            "startup",
            "commands",
            "housekeeping",
            "serve",
            "clock",
        ],
        forbidden_crates: &["actix_web"],
    },
    Layer {
        name: "clock",
        forbidden_modules: &[
            "auth", "http", "routes", "db", "error", "state", "metrics", "startup", "commands",
            "config",
        ],
        forbidden_crates: &["actix_web"],
    },
];

/// Arrows that exist today and are known to be wrong, with who removes them.
const KNOWN_EXCEPTIONS: &[(&str, &str)] = &[];

#[test]
fn every_layer_imports_only_the_layers_beneath_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut violations = Vec::new();
    for layer in LAYERS {
        for file in layer_files(&src, layer.name) {
            let code = code_without_comments(&file);
            let shown = file
                .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .unwrap_or(&file)
                .to_string_lossy()
                .trim_start_matches('/')
                .to_owned();
            for module in crate_modules(&code) {
                let excepted = KNOWN_EXCEPTIONS.contains(&(shown.as_str(), module.as_str()));
                if layer.forbidden_modules.contains(&module.as_str()) && !excepted {
                    violations.push(format!("{shown} uses crate::{module}"));
                }
            }
            for name in layer.forbidden_crates {
                if code.contains(&format!("{name}::")) {
                    violations.push(format!("{shown} uses {name}"));
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "forbidden arrows between layers:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_layering_check_reads_grouped_and_inline_paths() {
    let code =
        "use crate::{db::{self, users}, http::extract::Caller};\nlet x = crate::routes::f();";
    assert_eq!(crate_modules(code), ["db", "http", "routes"]);
}

/// `src/NAME.rs` and everything under `src/NAME/`.
fn layer_files(src: &Path, name: &str) -> Vec<PathBuf> {
    let mut files = vec![src.join(format!("{name}.rs"))];
    let mut folders = vec![src.join(name)];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.retain(|f| f.is_file());
    files
}

/// The file without `//` comments, so doc links do not count as imports.
fn code_without_comments(file: &Path) -> String {
    let text = std::fs::read_to_string(file).expect("a readable source file");
    text.lines()
        .map(|line| line.split_once("//").map_or(line, |(code, _)| code))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules named after each `crate::`, in `use` lines
/// (grouped or not) and in inline paths alike.
fn crate_modules(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level items only: `{db::{self, users}, http}` names db and http.
            let mut depth = 0;
            let mut item_start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        push_ident(&mut found, group[item_start..i].trim());
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        push_ident(&mut found, group[item_start..i].trim());
                        item_start = i + 1;
                    }
                    _ => {}
                }
            }
        } else {
            push_ident(&mut found, rest);
        }
    }
    found
}

fn push_ident(found: &mut Vec<String>, text: &str) {
    let ident: String = text
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if !ident.is_empty() && ident != "self" {
        found.push(ident);
    }
}
