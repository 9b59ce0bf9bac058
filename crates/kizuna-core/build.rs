//! Lists the crate's `locales/*.ftl` files for `include!`, so that a new language
//! is a new file and no code. kizuna-mail and kizuna-server use this script too.

use std::error::Error;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::{env, fs};

fn main() -> Result<(), Box<dyn Error>> {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?).join("locales");
    // A directory is watched as a whole: a new or changed file reruns this script.
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    for entry in fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "ftl") {
            let tag = path.file_stem().and_then(|stem| stem.to_str()).ok_or("a locale file name is not UTF-8")?;
            files.push((tag.to_owned(), path.to_str().ok_or("a locale path is not UTF-8")?.to_owned()));
        }
    }
    files.sort();
    let mut out =
        String::from("/// This crate's `locales/*.ftl` as (language tag, Fluent source), listed by build.rs.\n");
    out.push_str("pub(crate) const LOCALES: &[(&str, &str)] = &[\n");
    for (tag, path) in files {
        writeln!(out, "    ({tag:?}, include_str!({path:?})),")?;
    }
    out.push_str("];\n");
    fs::write(PathBuf::from(env::var("OUT_DIR")?).join("locales.rs"), out)?;
    Ok(())
}
