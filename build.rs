//! The catalogues under `locales/` are compiled in by `fluent-templates`,
//! which reads the folder when the crate is built: a new language folder
//! must rebuild it, which cargo does not know without being told.

fn main() {
    println!("cargo:rerun-if-changed=locales");
}
