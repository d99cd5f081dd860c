//! The segmenter on every example of issue 4.

use std::sync::OnceLock;

use arabic_text_core::segment::*;

/// One segmenter for all tests (loading the lexicon once).
fn seg() -> &'static Segmenter {
    static S: OnceLock<Segmenter> = OnceLock::new();
    S.get_or_init(|| Segmenter::embedded().expect("embedded lexicon loads"))
}

/// Token texts of `text`.
fn tokens(text: &str) -> Vec<&str> {
    kinds(text).into_iter().map(|(t, _)| t).collect()
}

/// Token texts with kinds.
fn kinds(text: &str) -> Vec<(&str, TokenKind)> {
    let s = seg().segment(text, &SegmentOptions::default());
    s.tokens
        .iter()
        .map(|t| (t.span.slice(text), t.kind))
        .collect()
}

/// Sentence texts of `text`.
fn sentences(text: &str) -> Vec<&str> {
    let s = seg().segment(text, &SegmentOptions::default());
    s.sentences.iter().map(|t| t.span.slice(text)).collect()
}

/// Segments of one word as `surface[/form]` strings.
fn split(word: &str, mode: CliticMode) -> Vec<String> {
    seg()
        .word_segments(word, mode)
        .iter()
        .map(|s| {
            let surface = &word[s.span.start..s.span.end];
            match &s.form {
                Some(f) => format!("{surface}/{f}"),
                None => surface.to_owned(),
            }
        })
        .collect()
}

#[test]
fn sentences_end_at_arabic_and_latin_terminators() {
    assert_eq!(
        sentences("قال الرئيس. هل جاء؟ نعم! Really? Yes."),
        vec!["قال الرئيس.", "هل جاء؟", "نعم!", "Really?", "Yes."]
    );
    assert_eq!(sentences("ثم بدأ۔ آخر"), vec!["ثم بدأ۔", "آخر"]);
}

#[test]
fn ellipsis_ends_a_sentence_only_before_a_line_break() {
    assert_eq!(
        sentences("إن ما تقوله... في الواقع, أمر."),
        vec!["إن ما تقوله... في الواقع, أمر."]
    );
    assert_eq!(sentences("انتهى…\nثم بدأ."), vec!["انتهى…", "ثم بدأ."]);
}

#[test]
fn quoted_speech_of_several_sentences_stays_in_its_sentence() {
    assert_eq!(
        sentences("قال: \"نحن هنا. سنبقى\". ثم غادر."),
        vec!["قال: \"نحن هنا. سنبقى\".", "ثم غادر."]
    );
    assert_eq!(
        sentences("يقول: \"قال: 'هل لاحظتم؟'\". نعم."),
        vec!["يقول: \"قال: 'هل لاحظتم؟'\".", "نعم."]
    );
}

#[test]
fn arabic_abbreviations_and_initials_do_not_break() {
    assert_eq!(
        sentences("عاش عام 3300 ق.م تقريباً. أحمد ز. أمين حضر."),
        vec!["عاش عام 3300 ق.م تقريباً.", "أحمد ز. أمين حضر."]
    );
    assert_eq!(
        sentences("ولد عام 1950 م. ثم سافر."),
        vec!["ولد عام 1950 م.", "ثم سافر."]
    );
}

#[test]
fn line_breaks_end_headlines_without_punctuation() {
    assert_eq!(
        sentences("عنوان الخبر\nكتب المراسل\n\nالنص هنا."),
        vec!["عنوان الخبر", "كتب المراسل", "النص هنا."]
    );
}

#[test]
fn closing_quotes_and_brackets_stay_with_their_sentence() {
    assert_eq!(
        sentences("قال: «انتهى الأمر.» ثم غادر."),
        vec!["قال: «انتهى الأمر.»", "ثم غادر."]
    );
    assert_eq!(
        sentences("قال \"انتهى.\" ثم (غادر.) وعاد."),
        vec!["قال \"انتهى.\"", "ثم (غادر.)", "وعاد."]
    );
}

#[test]
fn numbers_times_abbreviations_urls_and_emails_do_not_break_sentences() {
    assert_eq!(
        sentences("ارتفع 6.26 بالمئة و٣٫٥ مليون."),
        vec!["ارتفع 6.26 بالمئة و٣٫٥ مليون."]
    );
    assert_eq!(
        sentences("في الساعة 6:26 م وصل."),
        vec!["في الساعة 6:26 م وصل."]
    );
    assert_eq!(
        sentences("التقى د. أحمد مع Mr. Smith و J. K. Rowling أمس."),
        vec!["التقى د. أحمد مع Mr. Smith و J. K. Rowling أمس."]
    );
    assert_eq!(
        sentences("زوروا www.example.com/a.b أو راسلوا info@example.org اليوم."),
        vec!["زوروا www.example.com/a.b أو راسلوا info@example.org اليوم."]
    );
}

#[test]
fn punctuation_is_separate_and_numbers_whole() {
    assert_eq!(
        tokens("قال، «نعم»؛ هل؟ (1,500.25) ٣٫٥ ١٬٠٠٠ 6:26"),
        vec![
            "قال",
            "،",
            "«",
            "نعم",
            "»",
            "؛",
            "هل",
            "؟",
            "(",
            "1,500.25",
            ")",
            "٣٫٥",
            "١٬٠٠٠",
            "6:26"
        ]
    );
    assert_eq!(tokens("2013-2014."), vec!["2013", "-", "2014", "."]);
}

#[test]
fn urls_emails_hashtags_mentions_and_emoji_are_whole() {
    assert_eq!(
        kinds("https://x.com/a?b=1. info@ex.org #مصر_اليوم @user_1 👍🏽 👨‍👩‍👧 🇪🇬"),
        vec![
            ("https://x.com/a?b=1", TokenKind::Url),
            (".", TokenKind::Punctuation),
            ("info@ex.org", TokenKind::Email),
            ("#مصر_اليوم", TokenKind::Hashtag),
            ("@user_1", TokenKind::Mention),
            ("👍🏽", TokenKind::Emoji),
            ("👨‍👩‍👧", TokenKind::Emoji),
            ("🇪🇬", TokenKind::Emoji),
        ]
    );
}

#[test]
fn tatweel_and_diacritics_never_split_a_word() {
    assert_eq!(tokens("الـعاصمة مُخْتَلِفاً"), vec!["الـعاصمة", "مُخْتَلِفاً"]);
    assert_eq!(tokens("لـ\"إرم"), vec!["لـ", "\"", "إرم"]);
    // a tatweel after a letter that cannot join it is a dash
    assert_eq!(tokens("الإحصاءـ الحية"), vec!["الإحصاء", "ـ", "الحية"]);
}

#[test]
fn tokens_carry_their_kind() {
    assert_eq!(
        kinds("كتب 12 $"),
        vec![
            ("كتب", TokenKind::Word),
            ("12", TokenKind::Number),
            ("$", TokenKind::Symbol)
        ]
    );
}

#[test]
fn conjunctions_and_prepositions_split_off() {
    let c = CliticMode::Clitics;
    assert_eq!(split("وقال", c), vec!["و", "قال"]);
    assert_eq!(split("بالنسبة", c), vec!["ب", "النسبة"]);
    assert_eq!(split("وبالتالي", c), vec!["و", "ب", "التالي"]);
    assert_eq!(split("فإن", c), vec!["ف", "إن"]);
    assert_eq!(split("ستكون", c), vec!["س", "تكون"]);
    assert_eq!(split("لأوباما", c), vec!["ل", "أوباما"]);
}

#[test]
fn lam_before_article_restores_the_alef() {
    assert_eq!(
        split("للعاصمة", CliticMode::Clitics),
        vec!["ل", "لعاصمة/العاصمة"]
    );
    assert_eq!(
        split("للعاصمة", CliticMode::CliticsAndArticle),
        vec!["ل", "ل/ال", "عاصمة"]
    );
}

#[test]
fn enclitics_split_and_restore_ta_marbuta() {
    let c = CliticMode::Clitics;
    assert_eq!(split("مدرستها", c), vec!["مدرست/مدرسة", "ها"]);
    assert_eq!(split("أنه", c), vec!["أن", "ه"]);
    assert_eq!(split("عليه", c), vec!["علي/على", "ه"]);
    assert_eq!(split("له", c), vec!["ل", "ه"]);
    assert_eq!(split("لكن", c), vec!["لكن"]);
}

#[test]
fn stem_letters_are_never_split() {
    for w in [
        "والد",
        "بلد",
        "كتاب",
        "ليبيا",
        "الله",
        "ألبانيا",
        "في",
        "كان",
        "فقط",
    ] {
        assert_eq!(split(w, CliticMode::Clitics), vec![w.to_owned()], "{w}");
    }
}

#[test]
fn article_is_its_own_segment_only_when_asked() {
    assert_eq!(split("الكتاب", CliticMode::Clitics), vec!["الكتاب"]);
    assert_eq!(
        split("الكتاب", CliticMode::CliticsAndArticle),
        vec!["ال", "كتاب"]
    );
    assert_eq!(split("الذي", CliticMode::CliticsAndArticle), vec!["الذي"]);
    let roles: Vec<SegmentRole> = seg()
        .word_segments("وبالكتاب", CliticMode::CliticsAndArticle)
        .iter()
        .map(|s| s.role)
        .collect();
    assert_eq!(
        roles,
        vec![
            SegmentRole::Proclitic,
            SegmentRole::Proclitic,
            SegmentRole::Article,
            SegmentRole::Stem
        ]
    );
}

#[test]
fn mode_none_gives_one_stem_per_token() {
    let text = "وقال للعاصمة.";
    let s = seg().segment(
        text,
        &SegmentOptions {
            clitics: CliticMode::None,
        },
    );
    assert_eq!(s.segments.len(), s.tokens.len());
    assert!(
        s.segments
            .iter()
            .all(|x| x.role == SegmentRole::Stem && x.form.is_none())
    );
}

#[test]
fn non_word_tokens_get_one_stem_segment() {
    let text = "وقال 12 ، https://x.org";
    let s = seg().segment(text, &SegmentOptions::default());
    for (i, t) in s.tokens.iter().enumerate() {
        if t.kind != TokenKind::Word {
            assert_eq!(s.token_segments(i).len(), 1);
            assert_eq!(s.token_segments(i)[0].span, t.span);
        }
    }
    assert!(s.token_segments(99).is_empty());
}

#[test]
fn diacritics_stay_on_their_letter_when_splitting() {
    assert_eq!(split("وَقَالَ", CliticMode::Clitics), vec!["وَ", "قَالَ"]);
    assert_eq!(split("لـأوباما", CliticMode::Clitics), vec!["لـ", "أوباما"]);
}

#[test]
fn segment_into_reuses_buffers() {
    let mut out = Segmentation::default();
    seg().segment_into("أ ب ج.", &SegmentOptions::default(), &mut out);
    seg().segment_into("د.", &SegmentOptions::default(), &mut out);
    assert_eq!(out.tokens.len(), 2);
    assert_eq!(out.sentences.len(), 1);
}

#[test]
fn memoized_analyses_are_never_shared_between_segmenters_with_other_weights() {
    // Weights under which a split the defaults make (و + قال) no longer wins.
    let whole = CliticWeights::parse("conj0=-500").expect("valid weights");
    let other = Segmenter::with_weights(whole).expect("embedded lexicon loads");
    let text = "وقال وقال الرئيس";
    let opts = SegmentOptions::default();
    for _ in 0..3 {
        // Alternate on one thread: each must see only its own analyses.
        let a = seg().segment(text, &opts);
        let b = other.segment(text, &opts);
        assert_eq!(a.token_segments(0).len(), 2, "{a:?}");
        assert_eq!(b.token_segments(0).len(), 1, "{b:?}");
        assert_eq!(a, seg().segment(text, &opts));
    }
}

#[test]
fn words_outside_the_lexicon_segment_the_same_when_seen_again() {
    // Made-up words: no lexicon slot caches them, the per-thread memo does.
    let text = "وبالزنقلوطات فالزنقلوطات وبالزنقلوطات";
    let opts = SegmentOptions::default();
    let first = seg().segment(text, &opts);
    for _ in 0..3 {
        assert_eq!(seg().segment(text, &opts), first);
    }
    assert_eq!(first.token_segments(0), {
        let again = seg().segment("وبالزنقلوطات", &opts);
        again.token_segments(0).to_vec()
    });
}

#[test]
fn memoized_analyses_equal_fresh_ones_for_every_word_length() {
    // Around the memo's boundaries: 8 letters (short table), 9 and 18 (long
    // table), 19 (not memoized); real words and made-up ones.
    let words = [
        "وكتابه",
        "وبالمدرسة",
        "فسيكتبونها",
        "والمستشفيات",
        "وبالزنقلوطاتهمكمنا",
        "وبالزنقلوطاتهمكمناي",
        "ولمستشفياتهم",
        "بالمستشفى",
    ];
    let text = words.join(" ");
    let opts = SegmentOptions::default();
    let warm = seg();
    let first = warm.segment(&text, &opts);
    for w in words.iter().rev() {
        let _ = warm.segment(w, &opts);
    }
    assert_eq!(warm.segment(&text, &opts), first);
    // A new segmenter never reads the memo of another.
    let fresh = Segmenter::embedded().expect("embedded lexicon loads");
    assert_eq!(fresh.segment(&text, &opts), first);
}
