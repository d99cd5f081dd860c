//! Every setting a tagger model was trained with, recorded in its file
//! ([`Settings`], a `key=value` text block like the encoder's): what run
//! time reads from it (the cluster templates), the identities of what it was
//! trained with and must run with (the template set, the cluster table, the
//! knowledge lists: a mismatch is an error at load), and how it was trained
//! and combined (the perceptron's and the character network's settings, the
//! cross-validation's choices, the data), for the record.

use std::sync::OnceLock;

use crate::entities::binio::{fnv1a, fnv1a_from};
use crate::entities::knowledge;
use crate::entities::templates::TEMPLATE_SET;

/// The text form of [`Settings`], from one list of its fields and how each
/// is written (`num`: as Rust prints and parses it, `hex`: 16 hex digits,
/// `text`: one line): `to_text` writes `key=value` lines in the list's
/// order, `from_text` reads them back and needs every key once.
macro_rules! settings_text {
    ($($key:ident: $kind:ident,)*) => {
        /// `key=value` lines (the file's settings block), in a fixed order
        /// so the file is deterministic.
        pub(super) fn to_text(&self) -> String {
            let mut out = String::new();
            $(
                out.push_str(stringify!($key));
                out.push('=');
                out.push_str(&settings_text!(@show $kind self.$key));
                out.push('\n');
            )*
            out
        }

        /// Reads [`Settings::to_text`]'s lines; `None` for an unknown,
        /// repeated or missing key or a bad value.
        pub(super) fn from_text(text: &str) -> Option<Self> {
            let mut map = std::collections::HashMap::new();
            for line in text.lines() {
                let (k, v) = line.split_once('=')?;
                if map.insert(k, v).is_some() {
                    return None;
                }
            }
            let keys = [$(stringify!($key)),*];
            if map.len() != keys.len() {
                return None;
            }
            Some(Self {
                $($key: settings_text!(@read $kind map.get(stringify!($key))?),)*
            })
        }
    };
    (@show num $v:expr) => { $v.to_string() };
    (@show hex $v:expr) => { format!("{:016x}", $v) };
    (@show text $v:expr) => { $v.replace('\n', " ") };
    (@read num $v:expr) => { $v.parse().ok()? };
    (@read hex $v:expr) => { u64::from_str_radix($v, 16).ok()? };
    (@read text $v:expr) => { $v.to_string() };
}

/// The settings block of a tagger model file.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Which word-cluster templates the features emit (0 none, 1 the
    /// token's, 2 and its neighbours', 3 and the second neighbours' and
    /// pairs): read at run time, so a model runs with the level it was
    /// trained with.
    pub clusters: u8,
    /// [`TEMPLATE_SET`] of the build that trained it: the feature
    /// templates' ids and scopes.
    pub templates: u64,
    /// [`cluster_table`] of the build that trained it.
    pub cluster_table: u64,
    /// [`knowledge_lists`] of the build that trained it.
    pub knowledge: u64,
    /// The perceptron's passes over the data (chosen by cross-validation).
    pub epochs: usize,
    /// Seed of the perceptron's shuffling.
    pub seed: u64,
    /// Folds of the jackknifed train gazetteer.
    pub folds: usize,
    /// Margin of loss-augmented training (0 = the plain perceptron).
    pub margin: f32,
    /// Margin multiplier for an entity token labelled O.
    pub miss_cost: f32,
    /// The character network's passes over the data (0 = no network).
    pub net_epochs: usize,
    /// The character network's Adagrad learning rate.
    pub net_lr: f32,
    /// Seed of the character network's initialisation and shuffling.
    pub net_seed: u64,
    /// Folds of the cross-validation that chose the epochs, the O bias, the
    /// network weight and the temperature (0 = none recorded).
    pub cv: usize,
    /// The O bias in units of the emissions' mean absolute value (the file
    /// holds it in score units beside the weights).
    pub o_bias_units: f32,
    /// The network weight in the same units.
    pub net_weight_units: f32,
    /// What it was trained on and how the settings were chosen (free text,
    /// one line).
    pub provenance: String,
}

impl Settings {
    /// The settings of a model trained by this build with cluster templates
    /// `clusters` and nothing else recorded yet.
    pub fn current(clusters: u8) -> Self {
        Self {
            clusters,
            templates: TEMPLATE_SET,
            cluster_table: cluster_table(),
            knowledge: knowledge_lists(),
            epochs: 0,
            seed: 0,
            folds: 0,
            margin: 0.0,
            miss_cost: 0.0,
            net_epochs: 0,
            net_lr: 0.0,
            net_seed: 0,
            cv: 0,
            o_bias_units: 0.0,
            net_weight_units: 0.0,
            provenance: String::new(),
        }
    }

    settings_text! {
        clusters: num,
        templates: hex,
        cluster_table: hex,
        knowledge: hex,
        epochs: num,
        seed: num,
        folds: num,
        margin: num,
        miss_cost: num,
        net_epochs: num,
        net_lr: num,
        net_seed: num,
        cv: num,
        o_bias_units: num,
        net_weight_units: num,
        provenance: text,
    }

    /// Why a model with these settings cannot run in this build (the
    /// identities differ), or `None`.
    pub(super) fn mismatch(&self) -> Option<String> {
        let check = [
            ("feature templates", self.templates, TEMPLATE_SET),
            ("word clusters", self.cluster_table, cluster_table()),
            ("knowledge lists", self.knowledge, knowledge_lists()),
        ];
        check.iter().find(|c| c.1 != c.2).map(|(what, file, here)| {
            format!("trained with other {what} ({file:016x}; this build has {here:016x})")
        })
    }
}

/// The identity of the embedded word-cluster table
/// (`models/ner-clusters.bin.gz`): [`fnv1a`] of its bytes.
pub fn cluster_table() -> u64 {
    static H: OnceLock<u64> = OnceLock::new();
    *H.get_or_init(|| fnv1a(knowledge::CLUSTERS_GZ))
}

/// The identity of the embedded knowledge lists the features read besides
/// the clusters (places, word frequencies, names, mined names): [`fnv1a`]
/// of their bytes one after the other.
pub fn knowledge_lists() -> u64 {
    static H: OnceLock<u64> = OnceLock::new();
    *H.get_or_init(|| {
        knowledge::LIST_FILES
            .iter()
            .fold(fnv1a(b""), |h, f| fnv1a_from(h, f))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_survive_their_text_and_every_key_is_needed() {
        let mut s = Settings::current(3);
        s.epochs = 20;
        s.margin = 8.0;
        s.net_lr = 0.1;
        s.o_bias_units = 0.15;
        s.provenance = "two\nlines".to_string();
        let text = s.to_text();
        let again = Settings::from_text(&text).expect("read back");
        assert_eq!(again.provenance, "two lines");
        assert_eq!(Settings { provenance: s.provenance.clone(), ..again }, s);
        assert_eq!(s.mismatch(), None);
        let short: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
        assert!(Settings::from_text(&short).is_none());
        assert!(Settings::from_text(&format!("{text}extra=1\n")).is_none());
        let other = Settings {
            cluster_table: s.cluster_table ^ 1,
            ..s
        };
        assert!(other.mismatch().is_some_and(|m| m.contains("word clusters")));
    }
}
