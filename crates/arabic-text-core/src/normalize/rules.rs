//! The rules: their one declaration ([`for_each_normalization_rule!`]), the
//! option set and presets generated from it, and what each rule does to a
//! character.

use super::presentation;
use crate::chars;

/// The normalization rules, declared once. Calls `$callback!` with one entry
/// per rule, in rule-bit order:
///
/// ```text
/// /// doc (the code points it touches and what they become)
/// field_name, VariantName, BIT_CONSTANT, FirstPreset;
/// ```
///
/// `field_name` is the [`NormalizeOptions`] field (and the proto field of the
/// same name), `VariantName` the [`Rule`], `BIT_CONSTANT` the scanner's rule
/// bit (bit *i* for the *i*-th entry) and `FirstPreset` the smallest
/// [`Preset`] that turns it on (every larger preset does too). The options
/// struct, [`Rule`], the presets, the rule bits, the proto conversion, the
/// fuzz and proptest option generators and the rules table in the docs of
/// [`Rule`] are all generated from this list, so adding a rule is one entry
/// here plus its implementation in `fold_char` and `scan::char_bits`.
///
/// ```
/// macro_rules! names {
///     ($($(#[$doc:meta])* $field:ident, $variant:ident, $bit:ident, $preset:ident;)*) => {
///         [$(stringify!($field)),*]
///     };
/// }
/// let names = arabic_text_core::for_each_normalization_rule!(names);
/// assert_eq!(names.len(), 13);
/// assert_eq!(names[0], "remove_diacritics");
/// ```
#[macro_export]
macro_rules! for_each_normalization_rule {
    ($callback:ident) => {
        $callback! {
            /// Delete U+064B..U+0652 and U+0670 (CAMeL `dediac_ar`).
            remove_diacritics, RemoveDiacritics, DIAC, Light;
            /// Delete the other Arabic combining marks (`chars::is_quranic_mark`:
            /// U+0610..U+061A, U+0653..U+065F, U+06D6..U+06DC, U+06DF..U+06E4,
            /// U+06E7, U+06E8, U+06EA..U+06ED).
            remove_quranic_marks, RemoveQuranicMarks, QURAN, Light;
            /// Delete tatweel U+0640 (PyArabic `strip_tatweel`).
            remove_tatweel, RemoveTatweel, TATW, Light;
            /// أ إ آ ٱ (U+0622 U+0623 U+0625 U+0671) → ا U+0627 (CAMeL `normalize_alef_ar`).
            normalize_alef, NormalizeAlef, ALEF, Search;
            /// ى U+0649 → ي U+064A (CAMeL `normalize_alef_maksura_ar`).
            normalize_alef_maksura, NormalizeAlefMaksura, MAKS, Search;
            /// ة U+0629 → ه U+0647 (CAMeL `normalize_teh_marbuta_ar`).
            normalize_teh_marbuta, NormalizeTehMarbuta, TEH, Search;
            /// ؤ U+0624 → و U+0648, ئ U+0626 → ي U+064A.
            normalize_hamza, NormalizeHamza, HAMZ, Search;
            /// Arabic-Indic U+0660..U+0669 and Persian U+06F0..U+06F9 digits →
            /// ASCII `0`..`9`; ٫ U+066B ٬ U+066C → `.` `,` (`ascii_digit`).
            normalize_digits, NormalizeDigits, DIGI, Standard;
            /// Persian/Urdu letter variants → Arabic letters (`persian_letter`).
            normalize_persian_letters, NormalizePersianLetters, PERS, Standard;
            /// Presentation forms U+FB50..U+FDFF, U+FE70..U+FEFC and ligatures →
            /// base letters, NFKC without a leading space (`presentation_expansion`).
            decompose_presentation_forms, DecomposePresentationForms, PRES, Standard;
            /// Delete invisible format characters (`chars::is_invisible`).
            remove_invisible, RemoveInvisible, INVI, Light;
            /// ، ؛ ؟ ٪ ۔ (U+060C U+061B U+061F U+066A U+06D4) → `,` `;` `?` `%` `.`
            normalize_punctuation, NormalizePunctuation, PUNC, Standard;
            /// Collapse `is_whitespace` runs to one space (`\n` if the run holds
            /// an `is_line_break`) and trim both ends.
            collapse_whitespace, CollapseWhitespace, WSPC, Standard;
        }
    };
}

/// Generates the options struct, [`Rule`], the rule bits and the conversions
/// between them from the entries of [`for_each_normalization_rule!`].
macro_rules! declare_rules {
    ($($(#[doc = $doc:literal])* $field:ident, $variant:ident, $bit:ident, $preset:ident;)*) => {
        /// Which rules apply. Each field is one [`Rule`].
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct NormalizeOptions {
            $($(#[doc = $doc])* pub $field: bool,)*
        }

        /// One normalization rule, in rule-bit order.
        ///
        /// | option | what it does | first preset |
        /// |---|---|---|
        $(#[doc = concat!("| `", stringify!($field), "` |", $($doc,)* " | ", stringify!($preset), " |")])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum Rule {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Rule {
            /// Every rule, in rule-bit order.
            pub const ALL: [Rule; [$(stringify!($field)),*].len()] = [$(Rule::$variant),*];

            /// The option's name: the [`NormalizeOptions`] field and the proto field.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Rule::$variant => stringify!($field),)*
                }
            }

            /// The smallest preset that turns this rule on (larger ones do too).
            pub const fn first_preset(self) -> Preset {
                match self {
                    $(Rule::$variant => Preset::$preset,)*
                }
            }

            /// The rule's bit in [`NormalizeOptions::bits`].
            pub const fn bit(self) -> u16 {
                1 << self as u16
            }
        }

        $(
            #[doc = concat!("Rule bit of `", stringify!($field), "`.")]
            pub(crate) const $bit: u16 = Rule::$variant.bit();
        )*

        impl NormalizeOptions {
            /// Whether `rule` is on.
            pub const fn get(&self, rule: Rule) -> bool {
                match rule {
                    $(Rule::$variant => self.$field,)*
                }
            }

            /// Turns `rule` on or off.
            pub fn set(&mut self, rule: Rule, on: bool) {
                match rule {
                    $(Rule::$variant => self.$field = on,)*
                }
            }

            /// The bits of the rules that are on ([`Rule::bit`]).
            pub const fn bits(&self) -> u16 {
                let mut bits = 0;
                $(
                    if self.$field {
                        bits |= $bit;
                    }
                )*
                bits
            }

            /// The options whose rules have their [`Rule::bit`] set in `bits`
            /// (other bits are ignored).
            pub const fn from_bits(bits: u16) -> Self {
                Self {
                    $($field: bits & $bit != 0,)*
                }
            }
        }
    };
}

for_each_normalization_rule!(declare_rules);

/// Named rule sets, from none to all; each holds every rule of the one before.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Preset {
    /// No rule.
    None,
    /// Marks and invisible characters only; letters never change.
    Light,
    /// Light plus canonical spelling (presentation forms, Persian letters,
    /// digits, punctuation, whitespace) without folding distinct letters.
    #[default]
    Standard,
    /// Every rule: aggressive folding for search.
    Search,
}

impl Preset {
    /// Every preset, from none to all rules: what command lines offer.
    pub const ALL: [Preset; 4] = [
        Preset::None,
        Preset::Light,
        Preset::Standard,
        Preset::Search,
    ];

    /// The preset's name on command lines and in JSON (`none`, `light`,
    /// `standard`, `search`).
    pub const fn name(self) -> &'static str {
        match self {
            Preset::None => "none",
            Preset::Light => "light",
            Preset::Standard => "standard",
            Preset::Search => "search",
        }
    }

    /// What the preset does, in one line for a command line's help.
    pub const fn summary(self) -> &'static str {
        match self {
            Preset::None => "No rule",
            Preset::Light => "Marks and invisible characters only",
            Preset::Standard => "Canonical spelling without folding letters",
            Preset::Search => "Aggressive folding for search",
        }
    }

    /// The preset called `name` (see [`Preset::name`]).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

impl NormalizeOptions {
    /// The rules of a preset: those whose [`Rule::first_preset`] is `preset`
    /// or a smaller one.
    pub const fn preset(preset: Preset) -> Self {
        let mut bits = 0;
        let mut i = 0;
        while i < Rule::ALL.len() {
            let rule = Rule::ALL[i];
            if preset as u8 != Preset::None as u8 && rule.first_preset() as u8 <= preset as u8 {
                bits |= rule.bit();
            }
            i += 1;
        }
        Self::from_bits(bits)
    }
}

// What each rule does to one character.

/// White_Space characters of Unicode (what [`char::is_whitespace`] accepts):
/// U+0009..U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028,
/// U+2029, U+202F, U+205F, U+3000. `collapse_whitespace` folds runs of these.
pub const fn is_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | ' '
            | '\u{85}'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}'
    )
}

/// Line breaks: LF, VT, FF, CR, NEL U+0085, LINE SEPARATOR U+2028, PARAGRAPH
/// SEPARATOR U+2029. A collapsed whitespace run holding one becomes `"\n"`.
pub const fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\u{0B}' | '\u{0C}' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// `normalize_persian_letters`: the Arabic letter for a Persian, Urdu, Kurdish
/// or Pashto variant of the same letter, or `c` itself. Exactly:
/// ک U+06A9, ڪ U+06AA → ك U+0643; ی U+06CC, ۍ U+06CD, ێ U+06CE, ې U+06D0,
/// ے U+06D2 → ي U+064A; ۓ U+06D3 → ئ U+0626; ھ U+06BE, ۀ U+06C0, ہ U+06C1,
/// ۂ U+06C2, ە U+06D5 → ه U+0647; ۃ U+06C3 → ة U+0629. Letters for sounds
/// Arabic lacks (پ چ ژ گ ڤ ٹ ڈ ڑ ں ...) are kept: folding them loses words.
pub const fn persian_letter(c: char) -> char {
    match c {
        '\u{06A9}' | '\u{06AA}' => '\u{0643}',
        '\u{06CC}' | '\u{06CD}' | '\u{06CE}' | '\u{06D0}' | '\u{06D2}' => '\u{064A}',
        '\u{06D3}' => '\u{0626}',
        '\u{06BE}' | '\u{06C0}' | '\u{06C1}' | '\u{06C2}' | '\u{06D5}' => '\u{0647}',
        '\u{06C3}' => '\u{0629}',
        _ => c,
    }
}

/// `normalize_alef`: أ U+0623, إ U+0625, آ U+0622, ٱ U+0671 → ا U+0627.
pub const fn is_alef_variant(c: char) -> bool {
    matches!(c, '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}')
}

/// `normalize_digits`: Arabic-Indic U+0660..U+0669 and Persian U+06F0..U+06F9
/// digits → ASCII, ٫ U+066B → `.`, ٬ U+066C → `,`; otherwise `c`.
pub const fn ascii_digit(c: char) -> char {
    match c {
        '\u{0660}'..='\u{0669}' => (b'0' + (c as u32 - 0x0660) as u8) as char,
        '\u{06F0}'..='\u{06F9}' => (b'0' + (c as u32 - 0x06F0) as u8) as char,
        '\u{066B}' => '.',
        '\u{066C}' => ',',
        _ => c,
    }
}

/// `normalize_punctuation`: ، U+060C → `,`, ؛ U+061B → `;`, ؟ U+061F → `?`,
/// ٪ U+066A → `%`, ۔ U+06D4 (Urdu full stop) → `.`; otherwise `c`.
pub const fn ascii_punctuation(c: char) -> char {
    match c {
        '\u{060C}' => ',',
        '\u{061B}' => ';',
        '\u{061F}' => '?',
        '\u{066A}' => '%',
        '\u{06D4}' => '.',
        _ => c,
    }
}

/// `decompose_presentation_forms`: the base characters of a presentation form
/// of U+FB50..U+FDFF or U+FE70..U+FEFC, or `None` when `c` is not one we map.
/// The expansion is NFKC without the leading space NFKC gives the spacing
/// marks (U+FE70 → U+064B, U+FC5E → U+064C U+0651), plus spellings for the
/// forms without a decomposition: ﴿ U+FD3F → `(`, ﴾ U+FD3E → `)`, the
/// honorifics U+FD40..U+FD4F and U+FDCF, ﷼ U+FDFC → ريال, ﷽ U+FDFD → بسم الله
/// الرحمن الرحيم, U+FDFE → سبحانه وتعالى, U+FDFF → عز وجل (table generated by
/// `scripts/gen_presentation_forms.py`, checked against NFKC by a test).
/// Kept: the unassigned code points and U+FE73 TAIL FRAGMENT.
pub fn presentation_expansion(c: char) -> Option<&'static str> {
    let cp = c as u32;
    let found = if let Some(i) = cp.checked_sub(presentation::FORMS_A_START) {
        presentation::FORMS_A.get(i as usize).copied()
    } else {
        None
    };
    let found = found.or_else(|| {
        cp.checked_sub(presentation::FORMS_B_START)
            .and_then(|i| presentation::FORMS_B.get(i as usize).copied())
    });
    found.filter(|s| !s.is_empty())
}

/// What the single-character rules do to one character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Fold {
    /// Unchanged.
    Keep,
    /// Deleted.
    Delete,
    /// Replaced by another character.
    Char(char),
}

/// Applies the enabled single-character rules (everything but presentation
/// forms and whitespace) to `c`, in the composing order of the module docs.
pub(super) fn fold_char(c: char, o: &NormalizeOptions) -> Fold {
    if (o.remove_invisible && chars::is_invisible(c))
        || (o.remove_diacritics && chars::is_diacritic(c))
        || (o.remove_quranic_marks && chars::is_quranic_mark(c))
        || (o.remove_tatweel && c == chars::TATWEEL)
    {
        return Fold::Delete;
    }
    let mut d = c;
    if o.normalize_persian_letters {
        d = persian_letter(d);
    }
    if o.normalize_alef && is_alef_variant(d) {
        d = '\u{0627}';
    }
    if o.normalize_alef_maksura && d == '\u{0649}' {
        d = '\u{064A}';
    }
    if o.normalize_teh_marbuta && d == '\u{0629}' {
        d = '\u{0647}';
    }
    if o.normalize_hamza {
        d = match d {
            '\u{0624}' => '\u{0648}',
            '\u{0626}' => '\u{064A}',
            other => other,
        };
    }
    if o.normalize_digits {
        d = ascii_digit(d);
    }
    if o.normalize_punctuation {
        d = ascii_punctuation(d);
    }
    if d == c { Fold::Keep } else { Fold::Char(d) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_hold_the_rules_they_always_held() {
        let light = NormalizeOptions {
            remove_diacritics: true,
            remove_quranic_marks: true,
            remove_tatweel: true,
            remove_invisible: true,
            ..NormalizeOptions::default()
        };
        let standard = NormalizeOptions {
            normalize_digits: true,
            normalize_persian_letters: true,
            decompose_presentation_forms: true,
            normalize_punctuation: true,
            collapse_whitespace: true,
            ..light
        };
        let search = NormalizeOptions {
            normalize_alef: true,
            normalize_alef_maksura: true,
            normalize_teh_marbuta: true,
            normalize_hamza: true,
            ..standard
        };
        assert_eq!(
            NormalizeOptions::preset(Preset::None),
            NormalizeOptions::default()
        );
        assert_eq!(NormalizeOptions::preset(Preset::Light), light);
        assert_eq!(NormalizeOptions::preset(Preset::Standard), standard);
        assert_eq!(NormalizeOptions::preset(Preset::Search), search);
        assert_eq!(search.bits(), (1 << 13) - 1);
    }

    #[test]
    fn bits_get_and_set_agree_rule_by_rule() {
        for (i, rule) in Rule::ALL.into_iter().enumerate() {
            assert_eq!(rule.bit(), 1 << i);
            let mut o = NormalizeOptions::default();
            o.set(rule, true);
            assert!(o.get(rule));
            assert_eq!(o.bits(), rule.bit());
            assert_eq!(NormalizeOptions::from_bits(rule.bit()), o);
        }
        assert_eq!(Rule::NormalizeAlef.name(), "normalize_alef");
        assert_eq!(DIAC | WSPC, 1 | 1 << 12);
    }
}
