//! CoNLL-U reading and writing (PUD and PADT conventions). PLACEHOLDER: being implemented.

use std::io::Write;

use crate::arabic::segment::Segmentation;

/// The CoNLL-U convention for clitics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Style {
    /// Clitics as separate tokens with `SpaceAfter=No`, surface forms (UD Arabic-PUD).
    #[default]
    Pud,
    /// Multi-word tokens with restored forms (UD Arabic-PADT).
    Padt,
}

/// Writes `segmentation` of `text` as CoNLL-U.
pub fn write(
    out: &mut dyn Write,
    text: &str,
    segmentation: &Segmentation,
    style: Style,
) -> std::io::Result<()> {
    let _ = (out, text, segmentation, style);
    Err(std::io::Error::other(
        "CoNLL-U output is not implemented yet",
    ))
}
