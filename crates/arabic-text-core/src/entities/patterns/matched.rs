//! What the pattern rules find: a span, a kind and a normalized value (a
//! leaf, shared by the scanner, the web rules and the module's callers).

use crate::entities::kinds::EntityKind;
use crate::offsets::Span;

/// One pattern match.
#[derive(Clone, Debug, PartialEq)]
pub struct PatternMatch {
    /// Bytes in the text (attached proclitics such as و or ب excluded).
    pub span: Span,
    /// What was found: a pattern kind (DATE ... MENTION).
    pub kind: EntityKind,
    /// The normalized value (see `docs/patterns.md`):
    /// DATE `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, `--MM-DD`, `--MM`, `YYYY-Www`,
    /// `199X` (decade), `19XX` (century), `A/B` (range), `P3D` (duration),
    /// `XXXX-WXX-N` (weekday), a Hijri date `1445-07-15 AH` followed by the
    /// Gregorian date when the day is known, or, without a reference time
    /// (or when the resolved year would be outside 0001..9999), a relative
    /// offset `P-1D` / `P0W` / `P1M` / `P-2Y`;
    /// TIME `HH:MM[:SS]` with an optional zone (`Z`, `+03:00` or a space and
    /// an IANA name), a duration `PT24H`, or a relative `PT-2H`;
    /// NUMBER and ORDINAL a decimal with ASCII digits; PERCENT `N%`;
    /// MONEY `AMOUNT CUR` (ISO 4217); QUANTITY `AMOUNT UNIT`;
    /// URL/EMAIL as written; PHONE digits with a leading `+` if present;
    /// HASHTAG/MENTION without `#`/`@`.
    pub value: Option<String>,
}
