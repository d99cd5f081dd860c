//! The clitic scorer's weights: tuned integers, with defaults and a
//! `name=value` parser for tuning runs.

/// Tuned weights of the clitic scorer, in Zipf × 20 units (so 20 = a factor of 10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CliticWeights {
    /// Bonus of the unsplit word over its own frequency.
    pub keep: i32,
    /// Weights of the conjunctions و and ف.
    pub conj: [i32; 2],
    /// Weights of ب, ل, ك and future س.
    pub prep: [i32; 4],
    /// Weights of the enclitic groups: ه-forms, ك-forms, ي, ني, نا.
    pub enclitic: [i32; 5],
    /// Weight of a restored ال after ل (للعاصمة).
    pub restored_article: i32,
    /// Weight of a restored final letter before an enclitic (ة ى ء وا).
    pub restored_final: i32,
    /// Lowest stem frequency (Zipf × 20) that licenses a split.
    pub min_stem: i32,
    /// Weight of a two-letter stem (ات، ذا، حر are mostly fragments of longer words).
    pub short_stem: i32,
}

impl Default for CliticWeights {
    fn default() -> Self {
        // Tuned by scripts/tune_segment.py on the tuning part of UD Arabic-PUD
        // (documents with an even id) only.
        Self {
            keep: -16,
            conj: [-7, -13],
            prep: [8, -8, -30, -14],
            enclitic: [-8, -16, -76, -40, -32],
            restored_article: 27,
            restored_final: 11,
            min_stem: 18,
            short_stem: -8,
        }
    }
}

/// Why a weight specification could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeightsError {
    /// A part is not `name=value`.
    #[error("expected name=value, got {0:?}")]
    NotAPair(String),
    /// A value is not an integer.
    #[error("{name}: {source}")]
    BadValue {
        /// The weight's name.
        name: String,
        /// Why its value is not an integer.
        source: std::num::ParseIntError,
    },
    /// No weight has that name.
    #[error("unknown weight {0:?}")]
    UnknownName(String),
}

impl CliticWeights {
    /// Parses `name=value` pairs separated by commas (names as the fields,
    /// arrays indexed: `conj0`, `prep2`, `enclitic4`), over the defaults.
    pub fn parse(spec: &str) -> Result<Self, WeightsError> {
        let mut w = Self::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part
                .split_once('=')
                .ok_or_else(|| WeightsError::NotAPair(part.to_owned()))?;
            let v: i32 = value
                .trim()
                .parse()
                .map_err(|source| WeightsError::BadValue {
                    name: name.to_owned(),
                    source,
                })?;
            let idx = |prefix: &str| {
                name.strip_prefix(prefix)
                    .and_then(|i| i.parse::<usize>().ok())
            };
            let slot = match name {
                "keep" => Some(&mut w.keep),
                "restored_article" => Some(&mut w.restored_article),
                "restored_final" => Some(&mut w.restored_final),
                "min_stem" => Some(&mut w.min_stem),
                "short_stem" => Some(&mut w.short_stem),
                _ => {
                    if let Some(i) = idx("conj") {
                        w.conj.get_mut(i)
                    } else if let Some(i) = idx("prep") {
                        w.prep.get_mut(i)
                    } else if let Some(i) = idx("enclitic") {
                        w.enclitic.get_mut(i)
                    } else {
                        None
                    }
                }
            };
            *slot.ok_or_else(|| WeightsError::UnknownName(name.to_owned()))? = v;
        }
        Ok(w)
    }
}
