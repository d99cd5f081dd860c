//! Segmentation: sentences, word tokens and clitic segments. Segmenters never
//! change, add or drop text: tokens cover every non-whitespace char exactly
//! once, and the segments of a token tile its span.
//!
//! Three passes: `tokenize` scans word tokens (URLs, e-mails, numbers,
//! hashtags, emoji sequences, punctuation) and, in the same pass, classifies
//! and packs the letters of Arabic words (`letters`) and notes line breaks;
//! then sentence boundaries are placed between tokens, then `clitics` splits
//! each Arabic word with a clitic grammar scored by the embedded stem lexicon
//! (`lexicon`), from the packed letters, without reading the text again.

mod analyses;
mod clitics;
pub mod conllu;
mod letters;
mod lexicon;
mod memo;
mod segmenter;
mod sentences;
mod tokenize;
mod types;
mod weights;
mod word;

pub use segmenter::Segmenter;
pub use types::{
    CliticMode, Segment, SegmentOptions, SegmentRole, Segmentation, Sentence, Token, TokenKind,
};
pub use weights::{CliticWeights, WeightsError};
