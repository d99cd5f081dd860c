//! `conformance`: checks the normalization rules that claim to match CAMeL
//! Tools (and PyArabic's `strip_tatweel`) against their reference outputs in
//! `camel_normalize.jsonl`, one rule alone per reference field, on every line.
//! Also checks, on every line and preset, that normalization is idempotent and
//! that the alignment rebuilds the normalized text from the original.

use std::path::PathBuf;

use anyhow::Context;

use arabic_text_core::normalize::{NormalizeOptions, Preset, normalize};
use arabic_text_invariants::check_normalized;

/// Arguments of `conformance`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The conformance vectors (JSON lines).
    #[arg(long, default_value = "../shared/conformance/camel_normalize.jsonl")]
    pub data: PathBuf,
}

/// A reference function and the rule of ours that must reproduce it.
#[derive(Clone, Copy, Debug)]
pub struct Reference {
    /// The JSON field holding the reference output.
    pub field: &'static str,
    /// Our options: exactly the one matching rule.
    pub options: NormalizeOptions,
}

/// No rule (the base of each single-rule option set).
const NONE: NormalizeOptions = NormalizeOptions::preset(Preset::None);

/// Every reference our rules claim to match.
pub const REFERENCES: [Reference; 5] = [
    Reference {
        field: "dediac_ar",
        options: NormalizeOptions {
            remove_diacritics: true,
            ..NONE
        },
    },
    Reference {
        field: "normalize_alef_ar",
        options: NormalizeOptions {
            normalize_alef: true,
            ..NONE
        },
    },
    Reference {
        field: "normalize_alef_maksura_ar",
        options: NormalizeOptions {
            normalize_alef_maksura: true,
            ..NONE
        },
    },
    Reference {
        field: "normalize_teh_marbuta_ar",
        options: NormalizeOptions {
            normalize_teh_marbuta: true,
            ..NONE
        },
    },
    Reference {
        field: "pyarabic_strip_tatweel",
        options: NormalizeOptions {
            remove_tatweel: true,
            ..NONE
        },
    },
];

/// A line where our output differs from the reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// The input.
    pub input: String,
    /// The reference output.
    pub expected: String,
    /// Our output.
    pub actual: String,
}

/// Checks one parsed line against one reference: `Ok(Ok(()))` when equal,
/// `Ok(Err(_))` on a mismatch, `Err` when the line lacks a field.
pub fn check_line(
    line: &serde_json::Value,
    reference: &Reference,
) -> anyhow::Result<Result<(), Mismatch>> {
    let input = line
        .get("input")
        .and_then(|v| v.as_str())
        .context("line has no string `input`")?;
    let expected = line
        .get(reference.field)
        .and_then(|v| v.as_str())
        .with_context(|| format!("line has no string `{}`", reference.field))?;
    let actual = normalize(input, &reference.options).text;
    if actual == expected {
        Ok(Ok(()))
    } else {
        Ok(Err(Mismatch {
            input: input.to_owned(),
            expected: expected.to_owned(),
            actual: actual.into_owned(),
        }))
    }
}

/// Runs the check; fails if any line differs.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let data = std::fs::read_to_string(&args.data)
        .with_context(|| format!("cannot read {}", args.data.display()))?;
    let mut lines = Vec::new();
    for (i, line) in data.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: invalid JSON", args.data.display(), i + 1))?;
        lines.push((i + 1, value));
    }
    let mut failures = 0usize;
    for reference in &REFERENCES {
        let mut pass = 0usize;
        for (line_no, value) in &lines {
            match check_line(value, reference)
                .with_context(|| format!("{}:{line_no}", args.data.display()))?
            {
                Ok(()) => pass += 1,
                Err(m) => {
                    failures += 1;
                    eprintln!(
                        "MISMATCH {} line {line_no}: input {:?}\n  expected {:?}\n  actual   {:?}",
                        reference.field, m.input, m.expected, m.actual
                    );
                }
            }
        }
        println!("{:<28} {pass}/{} identical", reference.field, lines.len());
    }
    let presets = [
        Preset::None,
        Preset::Light,
        Preset::Standard,
        Preset::Search,
    ];
    let mut pass = 0usize;
    for (line_no, value) in &lines {
        let Some(input) = value.get("input").and_then(|v| v.as_str()) else {
            anyhow::bail!("{}:{line_no}: no string `input`", args.data.display());
        };
        let mut ok = true;
        for preset in presets {
            let options = NormalizeOptions::preset(preset);
            if let Err(why) = check_normalized(input, &options, &normalize(input, &options)) {
                ok = false;
                eprintln!("INVARIANT line {line_no} ({preset:?}): {why}");
            }
        }
        if ok {
            pass += 1;
        } else {
            failures += 1;
        }
    }
    println!(
        "{:<28} {pass}/{} (idempotent, alignment rebuilds; 4 presets)",
        "invariants",
        lines.len()
    );
    if failures > 0 {
        anyhow::bail!("{failures} conformance failures");
    }
    Ok(())
}
