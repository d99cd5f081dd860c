//! Contract checks shared by the core's tests (`crates/arabic-text-core/tests`),
//! the `conformance` command and the fuzz targets (`fuzz/`).
//!
//! Each check returns `Err(description)` at the first broken promise of the
//! documented contract in `crates/arabic-text-core/src/`, so a failing fuzz input or proptest
//! case names the exact rule it broke. All checks are linear in the text size.

use std::borrow::Cow;

use arabic_text_core::entities::{Entity, EntityOptions};
use arabic_text_core::normalize::{NormalizeOptions, Normalized, normalize, normalize_str};
use arabic_text_core::offsets::Span;
use arabic_text_core::segment::{CliticMode, Segment, SegmentOptions, Segmentation};
use arabic_text_core::{AnalyzeOptions, Analyzer};

/// The result of one check: `Err` names the broken rule and where.
pub type Check = Result<(), String>;

/// Fails the check with a formatted message unless `cond` holds.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

/// Every clitic mode, so callers can check all of them.
pub const CLITIC_MODES: [CliticMode; 3] = [
    CliticMode::None,
    CliticMode::Clitics,
    CliticMode::CliticsAndArticle,
];

/// The whitespace notion of the segmentation contract: Unicode `White_Space`.
pub fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Whether `s` consists of whitespace only (or is empty).
fn all_space(s: &str) -> bool {
    s.chars().all(is_space)
}

/// Checks that `span` is a valid, in-bounds range on char boundaries of `text`.
fn valid_span(text: &str, span: Span, what: &str) -> Check {
    ensure!(
        span.start <= span.end && span.end <= text.len(),
        "{what} {span:?} out of bounds (text is {} bytes)",
        text.len()
    );
    ensure!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} {span:?} not on char boundaries"
    );
    Ok(())
}

/// The text of a span already checked with [`valid_span`].
fn slice(text: &str, span: Span) -> &str {
    text.get(span.start..span.end).unwrap_or_default()
}

/// Checks `span`, the next `kind` (`what`: e.g. `token 3`) of an ordered list
/// whose previous item ended at `pos`: valid, non-empty, not before `pos`,
/// and only whitespace between (stray text is in no item); returns its text.
fn next_span<'t>(
    text: &'t str,
    span: Span,
    pos: usize,
    kind: &str,
    what: &str,
) -> Result<&'t str, String> {
    valid_span(text, span, what)?;
    ensure!(!span.is_empty(), "{what} {span:?} is empty");
    ensure!(
        span.start >= pos,
        "{what} {span:?} overlaps or precedes the previous {kind} (ends at {pos})"
    );
    let gap = text.get(pos..span.start).unwrap_or_default();
    ensure!(
        all_space(gap),
        "non-whitespace text {gap:?} at [{pos}, {}) before {what} is in no {kind}",
        span.start
    );
    Ok(slice(text, span))
}

/// Checks the segments `segs` tile `[start, end)` of `text` exactly, in order.
fn segments_tile(text: &str, segs: &[Segment], start: usize, end: usize, what: &str) -> Check {
    ensure!(!segs.is_empty(), "{what} [{start}, {end}) has no segment");
    let mut pos = start;
    for (j, seg) in segs.iter().enumerate() {
        valid_span(text, seg.span, &format!("{what} segment {j}"))?;
        ensure!(
            seg.span.start == pos,
            "{what} segment {j} {:?} starts at {} instead of {pos}: segments must tile",
            seg.span,
            seg.span.start
        );
        ensure!(
            !seg.span.is_empty(),
            "{what} segment {j} {:?} is empty",
            seg.span
        );
        if let Some(form) = &seg.form {
            ensure!(
                !form.is_empty(),
                "{what} segment {j} has an empty restored form"
            );
        }
        pos = seg.span.end;
    }
    ensure!(
        pos == end,
        "{what} segments end at {pos}, not at the token end {end}"
    );
    Ok(())
}

/// Checks a segmentation of `text` against the segmentation contract: ordered,
/// trimmed, non-overlapping sentences with only whitespace outside them;
/// ordered tokens covering every non-whitespace char exactly once; each token in
/// exactly one sentence; segments tiling each token.
pub fn check_segmentation(text: &str, seg: &Segmentation) -> Check {
    // Tokens: valid, non-empty, whitespace-free, ordered, only whitespace between.
    let mut pos = 0;
    for (i, tok) in seg.tokens.iter().enumerate() {
        let what = format!("token {i}");
        let body = next_span(text, tok.span, pos, "token", &what)?;
        ensure!(
            !body.chars().any(is_space),
            "{what} {:?} = {body:?} contains whitespace",
            tok.span
        );
        pos = tok.span.end;
    }
    let tail = text.get(pos..).unwrap_or_default();
    ensure!(
        all_space(tail),
        "non-whitespace text {tail:?} after the last token (from {pos}) is in no token"
    );

    // Segments: each token owns a contiguous, non-empty range; the ranges tile
    // `segments` in order; the segments of a token tile its span.
    let mut next_seg = 0;
    for (i, tok) in seg.tokens.iter().enumerate() {
        let r = &tok.segments;
        ensure!(
            r.start == next_seg && r.start <= r.end && r.end <= seg.segments.len(),
            "token {i} segment range {r:?} does not continue at {next_seg} within {} segments",
            seg.segments.len()
        );
        let segs = seg.segments.get(r.clone()).unwrap_or_default();
        segments_tile(
            text,
            segs,
            tok.span.start,
            tok.span.end,
            &format!("token {i}"),
        )?;
        next_seg = r.end;
    }
    ensure!(
        next_seg == seg.segments.len(),
        "{} segments belong to no token",
        seg.segments.len() - next_seg
    );

    // Sentences: valid, trimmed, ordered, only whitespace between; token ranges
    // tile `tokens` and each sentence spans exactly its tokens.
    let mut pos = 0;
    let mut next_tok = 0;
    for (i, sent) in seg.sentences.iter().enumerate() {
        let what = format!("sentence {i}");
        let body = next_span(text, sent.span, pos, "sentence", &what)?;
        ensure!(
            body.trim_matches(is_space).len() == body.len(),
            "{what} {:?} is not trimmed",
            sent.span
        );
        let r = &sent.tokens;
        ensure!(
            r.start == next_tok && r.start < r.end && r.end <= seg.tokens.len(),
            "{what} token range {r:?} is empty or does not continue at {next_tok} within {} tokens",
            seg.tokens.len()
        );
        let toks = seg.tokens.get(r.clone()).unwrap_or_default();
        let (first, last) = match (toks.first(), toks.last()) {
            (Some(f), Some(l)) => (f, l),
            _ => return Err(format!("{what} has no token")),
        };
        ensure!(
            first.span.start == sent.span.start && last.span.end == sent.span.end,
            "{what} {:?} does not span exactly its tokens [{}, {})",
            sent.span,
            first.span.start,
            last.span.end
        );
        next_tok = r.end;
        pos = sent.span.end;
    }
    ensure!(
        next_tok == seg.tokens.len(),
        "{} tokens are in no sentence",
        seg.tokens.len() - next_tok
    );
    let tail = text.get(pos..).unwrap_or_default();
    ensure!(
        all_space(tail),
        "non-whitespace text after the last sentence is in no sentence"
    );
    Ok(())
}

/// Checks `Segmenter::word_segments` on one word: the segments tile it.
pub fn check_word_segments(word: &str, segs: &[Segment]) -> Check {
    segments_tile(word, segs, 0, word.len(), "word")
}

/// Checks the normalization of `text` against the contract: edits ordered and
/// in bounds on both sides, text outside the edits identical, borrowed exactly
/// when nothing changed, `to_original` monotone and in bounds, and the output a
/// fixed point of the same options (idempotence).
pub fn check_normalized(text: &str, options: &NormalizeOptions, n: &Normalized<'_>) -> Check {
    let out: &str = &n.text;
    match (&n.text, n.alignment.is_empty()) {
        (Cow::Borrowed(_), true) => ensure!(out == text, "borrowed output differs from the input"),
        (Cow::Borrowed(_), false) => {
            return Err(format!(
                "output is borrowed but has {} edits",
                n.alignment.len()
            ));
        }
        (Cow::Owned(_), true) => {
            return Err("output is owned (allocated) but has no edit".to_owned());
        }
        (Cow::Owned(_), false) => {}
    }
    let (mut po, mut pn) = (0, 0);
    for (i, e) in n.alignment.iter().enumerate() {
        valid_span(text, e.original, &format!("edit {i} original"))?;
        valid_span(out, e.normalized, &format!("edit {i} normalized"))?;
        ensure!(
            e.original.start >= po && e.normalized.start >= pn,
            "edit {i} {e:?} is out of order (previous ended at original {po}, normalized {pn})"
        );
        ensure!(
            !(e.original.is_empty() && e.normalized.is_empty()),
            "edit {i} {e:?} is empty on both sides"
        );
        let kept_o = text.get(po..e.original.start).unwrap_or_default();
        let kept_n = out.get(pn..e.normalized.start).unwrap_or_default();
        ensure!(
            kept_o == kept_n,
            "text between edits differs before edit {i}: original {kept_o:?} vs normalized {kept_n:?}"
        );
        po = e.original.end;
        pn = e.normalized.end;
    }
    let (tail_o, tail_n) = (
        text.get(po..).unwrap_or_default(),
        out.get(pn..).unwrap_or_default(),
    );
    ensure!(
        tail_o == tail_n,
        "text after the last edit differs: original {tail_o:?} vs normalized {tail_n:?}"
    );
    // Rebuilding the output from the original plus the edits gives it exactly.
    let mut rebuilt = String::with_capacity(out.len());
    let mut po = 0;
    for e in &n.alignment {
        rebuilt.push_str(text.get(po..e.original.start).unwrap_or_default());
        rebuilt.push_str(slice(out, e.normalized));
        po = e.original.end;
    }
    rebuilt.push_str(text.get(po..).unwrap_or_default());
    ensure!(
        rebuilt == out,
        "original plus edits does not rebuild the output"
    );

    // to_original: in bounds and monotone over every char boundary.
    let mut prev = 0;
    for i in out.char_indices().map(|(i, _)| i).chain([out.len()]) {
        let o = n.to_original(i);
        ensure!(
            o <= text.len() && text.is_char_boundary(o),
            "to_original({i}) = {o} is not a char boundary of the original"
        );
        ensure!(
            o >= prev,
            "to_original is not monotone at {i}: {o} < {prev}"
        );
        prev = o;
    }
    ensure!(
        n.to_original(out.len()) == text.len(),
        "to_original(end of output) = {} is not the end of the original ({})",
        n.to_original(out.len()),
        text.len()
    );

    let again = normalize(out, options);
    ensure!(
        again.text == out,
        "not idempotent: normalizing {out:?} again gives {:?}",
        again.text
    );
    ensure!(
        normalize_str(text, options) == out,
        "normalize_str differs from normalize"
    );
    Ok(())
}

/// Checks the entities extracted from `text`: mention spans valid and
/// non-empty, in text order, confidence a number in [0, 1] and at least the
/// requested minimum, kinds among the requested ones.
pub fn check_entities(text: &str, options: &EntityOptions, entities: &[Entity]) -> Check {
    for (i, ent) in entities.iter().enumerate() {
        ensure!(!ent.mentions.is_empty(), "entity {i} has no mention");
        if !options.kinds.is_empty() {
            ensure!(
                options.kinds.contains(&ent.kind),
                "entity {i} of kind {:?} was not requested ({:?})",
                ent.kind,
                options.kinds
            );
        }
        let mut prev: Option<Span> = None;
        for (j, m) in ent.mentions.iter().enumerate() {
            let what = format!("entity {i} mention {j}");
            valid_span(text, m.span, &what)?;
            ensure!(!m.span.is_empty(), "{what} {:?} is empty", m.span);
            ensure!(
                m.confidence.is_finite() && (0.0..=1.0).contains(&m.confidence),
                "{what} confidence {} is not in [0, 1]",
                m.confidence
            );
            ensure!(
                m.confidence >= options.min_confidence || !options.min_confidence.is_finite(),
                "{what} confidence {} is below min_confidence {}",
                m.confidence,
                options.min_confidence
            );
            if let Some(p) = prev {
                ensure!(
                    (p.start, p.end) <= (m.span.start, m.span.end),
                    "{what} {:?} is not in text order after {p:?}",
                    m.span
                );
            }
            prev = Some(m.span);
        }
    }
    Ok(())
}

/// Segments `text` in every clitic mode and checks each result.
pub fn check_segment_all_modes(analyzer: &Analyzer, text: &str) -> Check {
    for clitics in CLITIC_MODES {
        let seg = analyzer.segment(text, &SegmentOptions { clitics });
        check_segmentation(text, &seg).map_err(|e| format!("{clitics:?}: {e}"))?;
    }
    Ok(())
}

/// Runs `analyze` and checks all three parts, and that they agree with the
/// separate calls.
pub fn check_analyze(analyzer: &Analyzer, text: &str, options: &AnalyzeOptions) -> Check {
    let a = analyzer.analyze(text, options);
    check_normalized(text, &options.normalize, &a.normalized)
        .map_err(|e| format!("analyze normalize: {e}"))?;
    check_segmentation(text, &a.segmentation).map_err(|e| format!("analyze segment: {e}"))?;
    check_entities(text, &options.entities, &a.entities)
        .map_err(|e| format!("analyze entities: {e}"))?;
    ensure!(
        a.segmentation == analyzer.segment(text, &options.segment),
        "analyze's segmentation differs from segment's"
    );
    ensure!(
        a.normalized.text == analyzer.normalize(text, &options.normalize).text,
        "analyze's normalized text differs from normalize's"
    );
    Ok(())
}

/// Every check on one text with the given options: normalize, segment in all
/// clitic modes, entities, analyze.
pub fn check_all(analyzer: &Analyzer, text: &str, options: &AnalyzeOptions) -> Check {
    let n = analyzer.normalize(text, &options.normalize);
    check_normalized(text, &options.normalize, &n).map_err(|e| format!("normalize: {e}"))?;
    check_segment_all_modes(analyzer, text)?;
    let ents = analyzer.extract_entities(text, &options.entities);
    check_entities(text, &options.entities, &ents).map_err(|e| format!("entities: {e}"))?;
    check_analyze(analyzer, text, options)
}

/// A 256-entry alphabet that maps fuzz bytes to Arabic-heavy text: letters,
/// hamza forms, diacritics and Quranic marks, tatweel, Arabic and Persian
/// digits and punctuation, presentation forms, whitespace of several kinds,
/// invisible and bidi controls, Latin, CJK, emoji with ZWJ and variation
/// selectors, NUL, U+FFFD and URL/e-mail/hashtag characters.
pub const ALPHABET: [char; 256] = {
    const HEAD: &[char] = &[
        // Whitespace (ASCII, NBSP, ideographic, line/paragraph separators, NEL).
        ' ',
        ' ',
        ' ',
        '\n',
        '\n',
        '\t',
        '\r',
        '\u{A0}',
        '\u{3000}',
        '\u{2028}',
        '\u{2029}',
        '\u{85}',
        '\u{2009}',
        '\u{202F}', // invisible / bidi / format
        '\u{200B}',
        '\u{200C}',
        '\u{200D}',
        '\u{200E}',
        '\u{200F}',
        '\u{202A}',
        '\u{202B}',
        '\u{202C}',
        '\u{202D}',
        '\u{202E}',
        '\u{2066}',
        '\u{2067}',
        '\u{2068}',
        '\u{2069}',
        '\u{061C}',
        '\u{FEFF}',
        '\u{AD}',
        '\u{2060}',
        '\u{180E}', // NUL, replacement, control
        '\0',
        '\u{FFFD}',
        '\u{1}',
        '\u{7F}', // ASCII punctuation and URL/e-mail chars
        '.',
        '.',
        ',',
        '!',
        '?',
        ':',
        ';',
        '"',
        '\'',
        '(',
        ')',
        '[',
        ']',
        '-',
        '/',
        '@',
        '#',
        '_',
        '%',
        '$',
        '&',
        '=',
        '+',
        '*', // ASCII digits and letters
        '0',
        '1',
        '2',
        '5',
        '9',
        'a',
        'e',
        'h',
        'm',
        'o',
        's',
        't',
        'w',
        'A',
        'Z',
        'x',
        // Latin with a combining mark, Greek, Cyrillic, Hebrew, CJK, Devanagari
        'é',
        '\u{301}',
        'Ω',
        'ж',
        'ש',
        '中',
        '文',
        'क',
        '\u{94D}',
        // emoji, ZWJ sequences parts, skin tone, variation selector, flag letters
        '😀',
        '👨',
        '👩',
        '👧',
        '\u{1F3FD}',
        '\u{FE0F}',
        '🇸',
        '🇦',
    ];
    const ARABIC: &[char] = &[
        // letters U+0621..U+063A and U+0641..U+064A, repeated letters are common ones
        'ء', 'آ', 'أ', 'ؤ', 'إ', 'ئ', 'ا', 'ب', 'ة', 'ت', 'ث', 'ج', 'ح', 'خ', 'د', 'ذ', 'ر', 'ز',
        'س', 'ش', 'ص', 'ض', 'ط', 'ظ', 'ع', 'غ', 'ف', 'ق', 'ك', 'ل', 'م', 'ن', 'ه', 'و', 'ى', 'ي',
        'ا', 'ا', 'ا', 'ل', 'ل', 'ل', 'ل', 'و', 'و', 'و', 'ب', 'ب', 'ف', 'ك', 'س', 'ه', 'ه', 'م',
        'م', 'ن', 'ي', 'ي', 'ي', 'ت', 'ة', 'ر', 'د', 'ع', 'ق',
        // the article and clitic-heavy letters again, and alef wasla
        'ا', 'ل', 'و', 'ب', 'ٱ', // diacritics, dagger alef, Quranic marks, tatweel
        '\u{64B}', '\u{64C}', '\u{64D}', '\u{64E}', '\u{64F}', '\u{650}', '\u{651}', '\u{652}',
        '\u{670}', '\u{610}', '\u{615}', '\u{653}', '\u{654}', '\u{655}', '\u{6D6}', '\u{6DC}',
        '\u{6E1}', '\u{6ED}', 'ـ', 'ـ', // Arabic-Indic and Persian digits, separators
        '٠', '١', '٢', '٣', '٥', '٩', '۰', '۴', '۵', '۶', '٫', '٬', '٪',
        // Arabic punctuation and marks
        '،', '؛', '؟', '۔', '«', '»', '﴾', '﴿', '؉', '٭', '\u{6DD}', '\u{600}',
        // Persian/Urdu letters
        'ک', 'ی', 'ۀ', 'ہ', 'ھ', 'ے', 'پ', 'چ', 'ژ', 'گ', 'ڤ', 'ۃ',
        // presentation forms and ligatures
        'ﻻ', 'ﻷ', 'ﷲ', 'ﷺ', '\u{FDFD}', 'ﺍ', 'ﺑ', 'ﻼ', 'ﹰ', 'ﱞ', 'ﭐ', 'ﮎ',
        // Arabic supplement / extended-A letters and a few more
        'ݐ', 'ࢠ', 'ࢨ', '\u{8D3}', '\u{8F0}', 'ٮ', 'ٯ', 'ڡ', 'ۓ', 'ە', 'ۺ', 'ۿ', 'ؠ', 'ػ', 'ؿ',
        '\u{63B}',
    ];
    // HEAD then ARABIC, cycling over both when they hold fewer than 256 chars.
    let mut out = ['\0'; 256];
    let total = HEAD.len() + ARABIC.len();
    let mut i = 0;
    while i < 256 {
        let k = i % total;
        out[i] = if k < HEAD.len() {
            HEAD[k]
        } else {
            ARABIC[k - HEAD.len()]
        };
        i += 1;
    }
    out
};

/// Maps bytes to text through [`ALPHABET`].
pub fn alphabet_text(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| ALPHABET[usize::from(b)]).collect()
}

/// Normalization options from the low bits of `bits`, one per rule
/// ([`Rule::bit`]), or a preset when the bits above them ask for one.
pub fn normalize_options(bits: u16) -> NormalizeOptions {
    use arabic_text_core::normalize::{Preset, Rule};
    match bits >> Rule::ALL.len() {
        1 => return NormalizeOptions::preset(Preset::None),
        2 => return NormalizeOptions::preset(Preset::Light),
        3 => return NormalizeOptions::preset(Preset::Standard),
        4 => return NormalizeOptions::preset(Preset::Search),
        _ => {}
    }
    NormalizeOptions::from_bits(bits)
}
