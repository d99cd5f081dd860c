//! The server's flags are declared once, in `arabic_text::server::config::Config`
//! (which `serve --help` prints): the README's Configuration table must list
//! exactly those flags, each with the declared environment variable and
//! default, and the docs and manifests may only name declared variables; and
//! docs/api.md names every metric the server registers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use arabic_text::server::config::Config;

/// Environment variables the docs name that are not the server's: the example
/// clients' address.
const NOT_SERVER_VARIABLES: &[&str] = &["ARABIC_TEXT_ADDR"];

/// Flags without a declared default whose README default is what the server
/// falls back to: `--log` is `RUST_LOG`, then `info` (`Config::log_filter`).
const FALLBACK_DEFAULTS: &[(&str, &str)] = &[("--log", "info")];

/// One flag as declared: its environment variable and default (if any).
#[derive(Debug, PartialEq, Eq)]
struct Flag {
    env: String,
    default: Option<String>,
}

/// The `serve` flags as `Config` declares them.
fn declared() -> BTreeMap<String, Flag> {
    let command = <Config as clap::Args>::augment_args(clap::Command::new("serve"));
    command
        .get_arguments()
        .filter_map(|arg| {
            let long = format!("--{}", arg.get_long()?);
            let env = arg
                .get_env()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_default();
            let defaults: Vec<String> = arg
                .get_default_values()
                .iter()
                .map(|d| d.to_string_lossy().into_owned())
                .collect();
            Some((
                long,
                Flag {
                    env,
                    default: (!defaults.is_empty()).then(|| defaults.join(",")),
                },
            ))
        })
        .collect()
}

/// The backticked spans of a table cell.
fn ticked(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

/// The README's Configuration table: flag -> its variable and default (the
/// first backticked value of the default cell; `None` when it says `unset`).
fn documented(readme: &str) -> BTreeMap<String, Flag> {
    let section = readme
        .split("\n## ")
        .find(|s| s.starts_with("Configuration"))
        .expect("README has a Configuration section");
    let mut flags = BTreeMap::new();
    for row in section.lines().filter(|l| l.starts_with("| `--")) {
        let cells: Vec<&str> = row.split(" | ").collect();
        assert!(cells.len() >= 4, "a short row: {row}");
        let longs: Vec<&str> = ticked(cells[0]);
        let envs: Vec<&str> = ticked(cells[1])
            .into_iter()
            .filter(|e| e.starts_with("ARABIC_TEXT_"))
            .collect();
        assert_eq!(longs.len(), envs.len(), "one variable per flag: {row}");
        let default_cell = cells[2].trim();
        let default = if default_cell.starts_with("unset") {
            None
        } else {
            Some(
                ticked(default_cell)
                    .first()
                    .map(|d| (*d).to_owned())
                    .unwrap_or_else(|| panic!("no `default` in {row}")),
            )
        };
        for (long, env) in longs.into_iter().zip(envs) {
            let old = flags.insert(
                long.trim_start_matches('|').trim().to_owned(),
                Flag {
                    env: env.to_owned(),
                    default: default.clone(),
                },
            );
            assert!(old.is_none(), "{long} is in the table twice");
        }
    }
    flags
}

#[test]
fn the_readme_flag_table_is_the_declaration() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let mut declared = declared();
    for (long, fallback) in FALLBACK_DEFAULTS {
        let flag = declared.get_mut(*long).expect("a declared fallback flag");
        assert_eq!(flag.default, None, "{long} has a declared default now");
        flag.default = Some((*fallback).to_owned());
    }
    let documented = documented(&readme);
    let missing: Vec<_> = declared
        .keys()
        .filter(|k| !documented.contains_key(*k))
        .collect();
    let stale: Vec<_> = documented
        .keys()
        .filter(|k| !declared.contains_key(*k))
        .collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "README Configuration table: declared but not listed {missing:?}, listed but not declared {stale:?}"
    );
    for (long, flag) in &declared {
        assert!(
            flag.env.starts_with("ARABIC_TEXT_"),
            "{long} has no variable"
        );
        assert_eq!(Some(flag), documented.get(long), "README row of {long}");
    }
}

/// Every file under `dir` (recursively) whose name ends with one of `exts`.
fn files(dir: &Path, exts: &[&str], out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, exts, out);
        } else if exts.iter().any(|e| path.to_string_lossy().ends_with(*e)) {
            out.push(path);
        }
    }
}

#[test]
fn docs_and_manifests_name_only_declared_variables() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let declared: BTreeSet<String> = declared().into_values().map(|f| f.env).collect();
    let mut paths = vec![root.join("README.md"), root.join("Dockerfile")];
    files(&root.join("docs"), &[".md"], &mut paths);
    files(&root.join("deploy"), &[".yaml", ".env"], &mut paths);
    let mut unknown = BTreeSet::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        for (at, _) in text.match_indices("ARABIC_TEXT_") {
            let name: String = text[at..]
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            if !declared.contains(&name) && !NOT_SERVER_VARIABLES.contains(&name.as_str()) {
                unknown.insert(format!(
                    "{name} in {}",
                    path.strip_prefix(root).unwrap_or(path).display()
                ));
            }
        }
    }
    assert!(unknown.is_empty(), "undeclared variables: {unknown:?}");
}

#[test]
fn docs_api_names_every_metric() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let api = std::fs::read_to_string(root.join("docs/api.md")).expect("docs/api.md");
    let text = arabic_text::server::metrics::Metrics::new().encode();
    let mut missing = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("# TYPE ") else {
            continue;
        };
        let mut parts = rest.split_whitespace();
        let (Some(name), Some(kind)) = (parts.next(), parts.next()) else {
            continue;
        };
        // Counters' series end in `_total`, as Prometheus shows them.
        let series = if kind == "counter" {
            format!("{name}_total")
        } else {
            name.to_owned()
        };
        if !api.contains(&format!("`{series}`")) && !api.contains(&format!("`{series}{{")) {
            missing.push(series);
        }
    }
    assert!(missing.is_empty(), "docs/api.md does not name {missing:?}");
}
