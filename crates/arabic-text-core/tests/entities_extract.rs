//! The extractor end to end on the embedded model: model mentions with
//! clitic-free spans, patterns, gazetteers, overlaps, grouping and filters.

use arabic_text_core::entities::{
    Entity, EntityExtractor, EntityKind, EntityOptions, GazetteerEntry, MentionSource, Reference,
};
use arabic_text_core::segment::{SegmentOptions, Segmenter};

fn extract(text: &str, options: &EntityOptions) -> Vec<Entity> {
    let seg = Segmenter::embedded()
        .expect("segmenter")
        .segment(text, &SegmentOptions::default());
    EntityExtractor::embedded()
        .expect("embedded model")
        .extract(text, &seg, options)
}

fn surfaces(text: &str, es: &[Entity], kind: EntityKind) -> Vec<String> {
    es.iter()
        .filter(|e| e.kind == kind)
        .flat_map(|e| e.mentions.iter().map(|m| m.span.slice(text).to_string()))
        .collect()
}

#[test]
fn sample_sentence_yields_the_analyst_and_his_city() {
    let text = "قال المحلل السياسي والأمني المقيم في واشنطن نزار حيدر";
    let es = extract(text, &EntityOptions::default());
    assert_eq!(surfaces(text, &es, EntityKind::Person), ["نزار حيدر"]);
    assert_eq!(surfaces(text, &es, EntityKind::Location), ["واشنطن"]);
}

#[test]
fn mention_spans_leave_out_attached_proclitics() {
    let text = "دفعت المخاوف قادة في ميليشيات عراقية موالية لطهران، إلى مغادرة البلاد لإيران ولبنان.";
    let es = extract(text, &EntityOptions::default());
    let locs = surfaces(text, &es, EntityKind::Location);
    for want in ["طهران", "إيران", "لبنان"] {
        assert!(locs.iter().any(|l| l == want), "{want} not in {locs:?}");
    }
}

#[test]
fn sample_article_paragraphs_come_back_with_people_places_and_organisations() {
    let text = "وكشف القيادي في كتائب حزب الله العراقي أن قادة الفصائل غادروا بغداد. \
                ويرى المحلل العسكري أن \"الولايات المتحدة الأمريكية، لديها القدرة الاستخباراتية\". \
                ويعتقد حيدر أن واشنطن غيرت سياستها.";
    let es = extract(text, &EntityOptions::default());
    let locs = surfaces(text, &es, EntityKind::Location);
    assert!(locs.contains(&"بغداد".to_string()), "{locs:?}");
    assert!(
        locs.contains(&"الولايات المتحدة الأمريكية".to_string()),
        "{locs:?}"
    );
    let orgs = surfaces(text, &es, EntityKind::Organization);
    // Every word of the militia's name, the head and the nisba included.
    assert!(
        orgs.contains(&"كتائب حزب الله العراقي".to_string()),
        "{orgs:?}"
    );
}

#[test]
fn trigger_led_organisations_come_out_whole_and_clitic_free() {
    let text = "تخرج الطبيب في بجامعة الإسكندرية، ثم درّس في جامعة بغداد سنوات.";
    let es = extract(text, &EntityOptions::default());
    let orgs = surfaces(text, &es, EntityKind::Organization);
    for want in ["جامعة الإسكندرية", "جامعة بغداد"] {
        assert!(orgs.iter().any(|o| o == want), "{want} not in {orgs:?}");
    }
    // The city inside the name is not a place of its own.
    let locs = surfaces(text, &es, EntityKind::Location);
    assert!(
        !locs.iter().any(|l| l == "الإسكندرية" || l == "بغداد"),
        "{locs:?}"
    );
}

#[test]
fn a_later_surname_joins_the_full_name() {
    let text =
        "قال المحلل المقيم في واشنطن نزار حيدر إن الرد متوقع. ويعتقد حيدر أن واشنطن غيرت سياستها.";
    let es = extract(text, &EntityOptions::default());
    let person = es
        .iter()
        .find(|e| e.kind == EntityKind::Person)
        .expect("a person");
    assert_eq!(person.name, "نزار حيدر");
    let ms: Vec<&str> = person.mentions.iter().map(|m| m.span.slice(text)).collect();
    assert_eq!(ms, ["نزار حيدر", "حيدر"]);
    let wash = es.iter().find(|e| e.name == "واشنطن").expect("washington");
    assert_eq!(wash.mentions.len(), 2);
}

#[test]
fn the_document_vouches_for_a_surname_the_sentence_alone_does_not() {
    let alone = "ويرى فوكوياما أن التاريخ انتهى.";
    let es = extract(alone, &EntityOptions::default());
    assert!(
        surfaces(alone, &es, EntityKind::Person).is_empty(),
        "{es:?}"
    );
    let text = format!("تحدث المفكر الأمريكي فرانسيس فوكوياما في الندوة. {alone}");
    let es = extract(&text, &EntityOptions::default());
    let person = es
        .iter()
        .find(|e| e.kind == EntityKind::Person)
        .expect("a person");
    let ms: Vec<&str> = person
        .mentions
        .iter()
        .map(|m| m.span.slice(&text))
        .collect();
    assert_eq!(ms, ["فرانسيس فوكوياما", "فوكوياما"]);
    // The added mention carries the confidence of the one that vouched.
    assert_eq!(person.mentions[1].confidence, person.mentions[0].confidence);
}

#[test]
fn request_gazetteer_wins_over_the_model_and_skips_proclitics() {
    let text = "وقال مسؤول في وشركة إرم ميديا إن الخبر صحيح";
    let options = EntityOptions {
        gazetteer: vec![GazetteerEntry {
            phrase: "شركة إرم ميديا".into(),
            kind: EntityKind::Organization,
        }],
        ..EntityOptions::default()
    };
    let es = extract(text, &options);
    let org = es
        .iter()
        .find(|e| e.kind == EntityKind::Organization)
        .expect("the gazetteer entry");
    assert_eq!(org.mentions[0].span.slice(text), "شركة إرم ميديا");
    assert_eq!(org.mentions[0].source, MentionSource::Gazetteer);
    assert_eq!(org.mentions[0].confidence, 1.0);
}

#[test]
fn gazetteer_file_is_loaded_and_applied() {
    let dir = std::env::temp_dir().join(format!("ner-gaz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join("gaz.tsv");
    std::fs::write(
        &path,
        "# operator names\nزيكولا\tORG\n\nبلدة الحصن\tLOCATION\n",
    )
    .expect("write");
    let ex = EntityExtractor::embedded()
        .expect("model")
        .with_gazetteer_file(&path)
        .expect("valid file");
    let text = "زار وفد من زيكولا بلدة الحصن";
    let seg = Segmenter::embedded()
        .expect("segmenter")
        .segment(text, &SegmentOptions::default());
    let es = ex.extract(text, &seg, &EntityOptions::default());
    assert_eq!(surfaces(text, &es, EntityKind::Organization), ["زيكولا"]);
    assert_eq!(surfaces(text, &es, EntityKind::Location), ["بلدة الحصن"]);
    std::fs::write(&path, "زيكولا\tNOPE\n").expect("write");
    assert!(
        EntityExtractor::embedded()
            .expect("model")
            .with_gazetteer_file(&path)
            .is_err()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn kinds_and_min_confidence_filter_mentions() {
    let text = "قال المحلل المقيم في واشنطن نزار حيدر في 22 يناير 2024 إن الرد متوقع";
    let only_dates = EntityOptions {
        kinds: vec![EntityKind::Date],
        ..EntityOptions::default()
    };
    let es = extract(text, &only_dates);
    assert_eq!(es.len(), 1);
    assert_eq!(es[0].mentions[0].value.as_deref(), Some("2024-01-22"));
    let strict = EntityOptions {
        min_confidence: 1.01,
        ..EntityOptions::default()
    };
    assert!(extract(text, &strict).is_empty());
    for e in extract(text, &EntityOptions::default()) {
        for m in &e.mentions {
            assert!((0.0..=1.0).contains(&m.confidence), "{m:?}");
        }
    }
}

#[test]
fn patterns_beat_overlapping_numbers() {
    let text = "ارتفع المؤشر 5.5% يوم 22 يناير 2024";
    let es = extract(text, &EntityOptions::default());
    assert!(surfaces(text, &es, EntityKind::Number).is_empty(), "{es:?}");
    assert_eq!(surfaces(text, &es, EntityKind::Percent), ["5.5%"]);
}

#[test]
fn odd_input_never_panics() {
    for text in [
        "",
        " ",
        "ـــ",
        "\u{200F}",
        "لل",
        "و",
        "#",
        "@",
        "١٢:٩٩ م",
        "$",
        "https://",
        "ة ة ة",
    ] {
        let _ = extract(text, &EntityOptions::default());
    }
}

#[test]
fn another_model_file_loads_and_a_bad_one_is_refused() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/ner-model.bin.gz");
    let ex = EntityExtractor::from_model_file(&path).expect("the committed model file");
    assert!(ex.model().num_features() > 1000);
    let bad = std::env::temp_dir().join(format!("ner-bad-{}.bin.gz", std::process::id()));
    std::fs::write(&bad, b"not a model").expect("write");
    assert!(EntityExtractor::from_model_file(&bad).is_err());
    let _ = std::fs::remove_file(&bad);
}

/// Issue 14 item 9: text in presentation forms or with Persian letters is
/// tagged as the letters it stands for, with spans over the original chars.
#[test]
fn presentation_forms_and_persian_letters_are_tagged_as_their_letters() {
    let plain = "قال المحلل إن قادة الفصائل غادروا بغداد إلى طهران أمس";
    let arabic = "وصل الوفد إلى كركوك أمس قادما من بغداد";
    for (text, want) in [
        (plain.to_string(), "بغداد"),
        // The case: ﺑﻐﺪﺍﺩ (U+FE91 U+FED0 U+FEAA U+FE8D U+FEA9).
        (plain.replace("بغداد", "ﺑﻐﺪﺍﺩ"), "ﺑﻐﺪﺍﺩ"),
        // After an attached proclitic the span still leaves it out.
        (plain.replace("غادروا بغداد", "غادروا وﺑﻐﺪﺍﺩ"), "ﺑﻐﺪﺍﺩ"),
        // Persian kaf and yeh: کرکوک is كركوك.
        (arabic.to_string(), "كركوك"),
        (arabic.replace("كركوك", "کرکوک"), "کرکوک"),
    ] {
        let es = extract(&text, &EntityOptions::default());
        let locs = surfaces(&text, &es, EntityKind::Location);
        assert!(locs.iter().any(|l| l == want), "{text}: {locs:?}");
    }
}

/// Issue 14 item 9, gazetteers: a phrase matches text written in
/// presentation forms, and a phrase written in them matches plain text.
#[test]
fn gazetteer_phrases_match_across_presentation_forms() {
    let options = |phrase: &str| EntityOptions {
        gazetteer: vec![GazetteerEntry {
            phrase: phrase.into(),
            kind: EntityKind::Organization,
        }],
        ..EntityOptions::default()
    };
    // زيكولا as ﺯﻳﻜﻮﻻ (the last char is the lam-alef ligature U+FEFB).
    let text = "زار وفد من وﺯﻳﻜﻮﻻ المدينة";
    let es = extract(text, &options("زيكولا"));
    assert_eq!(surfaces(text, &es, EntityKind::Organization), ["ﺯﻳﻜﻮﻻ"]);
    let text = "زار وفد من زيكولا المدينة";
    let es = extract(text, &options("ﺯﻳﻜﻮﻻ"));
    assert_eq!(surfaces(text, &es, EntityKind::Organization), ["زيكولا"]);
}

/// Issue 14 item 8: a pattern after an attached proclitic keeps its whole
/// value, and a currency word inside MONEY is not also a name.
#[test]
fn patterns_after_a_proclitic_keep_their_whole_value() {
    let text =
        "دفعت الحكومة و١٠٠ ريال لكل أسرة، و4.5% زيادة، وذلك و22 يناير 2024 كما كتب @محمد_علي";
    let es = extract(text, &EntityOptions::default());
    let value = |kind: EntityKind| -> Vec<(String, Option<String>)> {
        es.iter()
            .filter(|e| e.kind == kind)
            .flat_map(|e| e.mentions.iter())
            .map(|m| (m.span.slice(text).to_string(), m.value.clone()))
            .collect()
    };
    for (kind, span, v) in [
        (EntityKind::Money, "١٠٠ ريال", "100 SAR"),
        (EntityKind::Percent, "4.5%", "4.5%"),
        (EntityKind::Date, "22 يناير 2024", "2024-01-22"),
        (EntityKind::Mention, "@محمد_علي", "محمد_علي"),
    ] {
        assert_eq!(value(kind), [(span.to_string(), Some(v.to_string()))]);
    }
    assert!(value(EntityKind::Organization).is_empty(), "{es:?}");
}

/// The DATE and TIME values found in `text` with the reference at `day`
/// (days from 1970-01-01, UTC) and `second` of that day.
fn relative_values(text: &str, day: i64, second: i64) -> Vec<String> {
    let options = EntityOptions {
        kinds: vec![EntityKind::Date, EntityKind::Time],
        reference: Some(Reference::at(day * 86_400 + second, 0)),
        ..EntityOptions::default()
    };
    extract(text, &options)
        .iter()
        .flat_map(|e| &e.mentions)
        .filter_map(|m| m.value.clone())
        .collect()
}

#[test]
fn values_beyond_years_0001_to_9999_keep_their_relative_form() {
    // 0001-01-01 (a Monday) and 9999-12-31 (a Friday), the Timestamp range.
    const FIRST_DAY: i64 = -719_162;
    const LAST_DAY: i64 = 2_932_896;
    let v = relative_values;
    // (text, reference day, seconds into it, value).
    for (text, day, seconds, want) in [
        ("اليوم", FIRST_DAY, 0, "0001-01-01"),
        ("أمس", FIRST_DAY, 0, "P-1D"),
        ("غدا", FIRST_DAY, 0, "0001-01-02"),
        ("العام الماضي", FIRST_DAY, 0, "P-1Y"),
        ("الشهر الماضي", FIRST_DAY, 0, "P-1M"),
        ("يوم الخميس الماضي", FIRST_DAY, 0, "P-1W-4"),
        ("قبل ساعتين", FIRST_DAY, 3600, "PT-2H"),
        ("اليوم", LAST_DAY, 0, "9999-12-31"),
        ("غدا", LAST_DAY, 0, "P1D"),
        ("العام المقبل", LAST_DAY, 0, "P1Y"),
        ("الشهر المقبل", LAST_DAY, 0, "P1M"),
        ("الأسبوع المقبل", LAST_DAY, 0, "P1W"),
        ("بعد ساعتين", LAST_DAY, 23 * 3600, "PT2H"),
        ("القرن المقبل", LAST_DAY, 0, "P100Y"),
    ] {
        assert_eq!(v(text, day, seconds), [want], "{text} on day {day}");
    }
    // A huge count resolves nowhere, and never overflows.
    assert_eq!(v("منذ 999999999999 يوم", 19_744, 0), ["P-999999999999D"]);
    for value in v("منذ 999999999999 قرن", 19_744, 0) {
        assert!(value.starts_with('P'), "{value}");
    }
}
