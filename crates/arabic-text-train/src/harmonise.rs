//! ANERcorp train brought to the project's convention
//! (`docs/entities-convention.md`) by documented rules, so that it can be
//! trained on beside the project's own annotations. ANERcorp (MUC-6/CoNLL
//! style) keeps designators outside names, leaves institutions named by a
//! head noun and a nationality adjective untagged, and tags currencies as
//! MISC; the convention does the opposite. The test part and the official
//! file are never touched (the comparable scores stay comparable); the
//! inverse mapping, [`to_anercorp`], scores our output the way ANERcorp marks
//! names.
//!
//! Every rule is a function of the labels and the folded words alone, listed
//! in [`Rule`]; `train-ner --harmonise-report FILE` writes every changed
//! sentence with the rule that changed it.

use arabic_text_core::entities::fold::fold;
use arabic_text_core::entities::tagger::{Sample, chunks};

/// The rules, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// A MISC chunk that is a currency (دولار، شيكل) is not an entity.
    CurrencyNotMisc,
    /// An organisation designator right before an ORG joins it
    /// (شركة + توتال → ORG شركة توتال).
    DesignatorJoinsOrg,
    /// A team or government designator before a place makes an organisation
    /// (منتخب + مصر → ORG منتخب مصر; حكومة كردستان).
    DesignatorMakesOrg,
    /// A political-unit, natural-feature or facility designator before a
    /// place (or a mosque before an "organisation") makes one place
    /// (إقليم كردستان، نهر النيل، مسجد X).
    DesignatorJoinsPlace,
    /// An untagged institution named by a head and a nationality adjective
    /// (الجيش الإسرائيلي، الحكومة اللبنانية، الخارجية الأميركية) or a ministry
    /// (وزارة الخارجية [الأميركية]) is an organisation.
    InstitutionIsOrg,
    /// البيت الأبيض tagged MISC is the administration: ORG.
    WhiteHouseIsOrg,
}

/// Folded currency words (with the article and plural forms).
const CURRENCIES: [&str; 24] = [
    "دولار",
    "دولارا",
    "دولارات",
    "شيكل",
    "يورو",
    "دينار",
    "دينارا",
    "دنانير",
    "ريال",
    "ريالا",
    "ريالات",
    "جنيه",
    "جنيها",
    "جنيهات",
    "ين",
    "روبل",
    "فرنك",
    "فرنكا",
    "ليره",
    "ليرات",
    "درهم",
    "دراهم",
    "يوان",
    "روبيه",
];

/// Folded designators (no article) of organisations that ANERcorp leaves
/// outside the name.
const ORG_DESIGNATORS: [&str; 26] = [
    "وزاره",
    "شركه",
    "صحيفه",
    "جريده",
    "مجله",
    "وكاله",
    "حركه",
    "حزب",
    "جامعه",
    "منظمه",
    "مجلس",
    "هيئه",
    "اتحاد",
    "نادي",
    "بنك",
    "مصرف",
    "قناه",
    "اذاعه",
    "مؤسسه",
    "جمعيه",
    "لجنه",
    "محكمه",
    "جبهه",
    "كتائب",
    "تنظيم",
    "مجموعه",
];

/// Designators that make an organisation of the place after them.
const ORG_OF_PLACE: [&str; 6] = ["منتخب", "حكومه", "بلديه", "جامعه", "جيش", "شرطه"];

/// Designators that the convention keeps inside a place name.
const PLACE_DESIGNATORS: [&str; 33] = [
    "اقليم",
    "محافظه",
    "ولايه",
    "مقاطعه",
    "قطاع",
    "جمهوريه",
    "مملكه",
    "اماره",
    "سلطنه",
    "نهر",
    "جبل",
    "جبال",
    "بحر",
    "بحيره",
    "جزيره",
    "جزر",
    "خليج",
    "صحراء",
    "وادي",
    "مطار",
    "ميناء",
    "قاعده",
    "سجن",
    "ملعب",
    "مسجد",
    "جامع",
    "كنيسه",
    "قصر",
    "فندق",
    "شارع",
    "ساحه",
    "ميدان",
    "برج",
];

/// Institution heads (folded, with the article) that a nationality adjective
/// turns into one organisation.
const INSTITUTION_HEADS: [&str; 10] = [
    "الجيش",
    "القوات",
    "الحكومه",
    "الشرطه",
    "البرلمان",
    "البحريه",
    "الخارجيه",
    "الداخليه",
    "المخابرات",
    "الاستخبارات",
];

/// Folded nationality adjectives, masculine, without the article (the
/// feminine adds ه).
const NATIONALITIES: [&str; 78] = [
    "امريكي",
    "اميركي",
    "عراقي",
    "لبناني",
    "اسرائيلي",
    "فرنسي",
    "بريطاني",
    "روسي",
    "صيني",
    "ايراني",
    "فلسطيني",
    "مصري",
    "سوري",
    "اردني",
    "سعودي",
    "تركي",
    "الماني",
    "ايطالي",
    "اسباني",
    "ياباني",
    "هندي",
    "باكستاني",
    "افغاني",
    "سوداني",
    "ليبي",
    "تونسي",
    "جزائري",
    "مغربي",
    "يمني",
    "كويتي",
    "قطري",
    "اماراتي",
    "بحريني",
    "عماني",
    "اوروبي",
    "افريقي",
    "كوري",
    "برازيلي",
    "ارجنتيني",
    "كندي",
    "استرالي",
    "هولندي",
    "بلجيكي",
    "سويسري",
    "سويدي",
    "نرويجي",
    "دنماركي",
    "نمساوي",
    "يوناني",
    "بولندي",
    "اوكراني",
    "اثيوبي",
    "صومالي",
    "نيجيري",
    "تشيكي",
    "روماني",
    "مكسيكي",
    "فنزويلي",
    "كوبي",
    "اندونيسي",
    "ماليزي",
    "فيتنامي",
    "تايلاندي",
    "ارمني",
    "جورجي",
    "قبرصي",
    "موريتاني",
    "اريتري",
    "كيني",
    "اوغندي",
    "اسكتلندي",
    "ايرلندي",
    "انجليزي",
    "انكليزي",
    "بورمي",
    "كمبودي",
    "فلبيني",
    "تشادي",
];

/// The word without proclitics و ف ب ل ك (and لل → ال), folded.
fn base(word: &str) -> String {
    let f = fold(word);
    for p in ["وال", "فال", "بال", "كال"] {
        if let Some(rest) = f.strip_prefix(p).filter(|r| r.chars().count() >= 2) {
            return format!("ال{rest}");
        }
    }
    if let Some(rest) = f.strip_prefix("لل").filter(|r| r.chars().count() >= 2) {
        return format!("ال{rest}");
    }
    for p in ["وب", "ول", "فب", "فل", "وك", "و", "ف", "ب", "ل", "ك"] {
        if let Some(rest) = f.strip_prefix(p).filter(|r| r.chars().count() >= 3)
            && (is_designator(rest) || CURRENCIES.contains(&rest))
        {
            return rest.to_string();
        }
    }
    f
}

fn is_designator(w: &str) -> bool {
    ORG_DESIGNATORS.contains(&w) || ORG_OF_PLACE.contains(&w) || PLACE_DESIGNATORS.contains(&w)
}

/// The designator a word is, without the article (الشركة counts as شركة).
fn designator(word: &str) -> String {
    let b = base(word);
    b.strip_prefix("ال").map_or(b.clone(), str::to_string)
}

/// Whether `word` is a nationality adjective with the article (الأميركية).
fn is_nationality(word: &str) -> bool {
    let b = base(word);
    let Some(rest) = b.strip_prefix("ال") else {
        return false;
    };
    let masc = rest.strip_suffix('ه').unwrap_or(rest);
    NATIONALITIES.contains(&masc)
}

/// Whether a nationality adjective agrees in gender with the head it
/// follows (الخارجية الأوروبي is the end of a title, not a ministry): the
/// feminine heads and plurals of things take the feminine adjective.
fn agrees(head: &str, adjective: &str) -> bool {
    let feminine = head.ends_with('ه') || head.ends_with("ات");
    feminine == adjective.ends_with('ه')
}

const B_PERS: u8 = 1;
const B_LOC: u8 = 3;
const B_ORG: u8 = 5;
const B_MISC: u8 = 7;

/// Relabels tokens `b..e` as one chunk of type `begin` (a B- label).
fn relabel(labels: &mut [u8], b: usize, e: usize, begin: u8) {
    for (i, l) in labels[b..e].iter_mut().enumerate() {
        *l = if i == 0 { begin } else { begin + 1 };
    }
}

/// Applies every rule to one sentence; returns the rules that changed it.
pub fn harmonise(sample: &mut Sample) -> Vec<Rule> {
    let mut fired = Vec::new();
    let toks = &sample.tokens;
    let labels = &mut sample.labels;
    // Currencies.
    for (b, e, t) in chunks(labels) {
        if t == 4 && CURRENCIES.contains(&designator(&toks[b]).as_str()) {
            labels[b..e].fill(0);
            fired.push(Rule::CurrencyNotMisc);
        }
    }
    // Designators before a chunk.
    for (b, e, t) in chunks(labels) {
        if b == 0 || labels[b - 1] != 0 {
            continue;
        }
        let d = designator(&toks[b - 1]);
        let begin = 2 * t - 1;
        if begin == B_ORG && ORG_DESIGNATORS.contains(&d.as_str()) {
            relabel(labels, b - 1, e, B_ORG);
            fired.push(Rule::DesignatorJoinsOrg);
        } else if begin == B_LOC && ORG_OF_PLACE.contains(&d.as_str()) {
            relabel(labels, b - 1, e, B_ORG);
            fired.push(Rule::DesignatorMakesOrg);
        } else if (begin == B_LOC
            || (begin == B_ORG && ["مسجد", "جامع", "كنيسه"].contains(&d.as_str())))
            && PLACE_DESIGNATORS.contains(&d.as_str())
        {
            relabel(labels, b - 1, e, B_LOC);
            fired.push(Rule::DesignatorJoinsPlace);
        }
    }
    // Untagged institutions.
    let mut i = 0;
    while i < toks.len() {
        let untagged = |k: usize| labels.get(k) == Some(&0);
        let after_minister = i > 0
            && base(&toks[i - 1])
                .trim_start_matches("ال")
                .starts_with("وزير");
        let head = base(&toks[i]);
        if untagged(i)
            && !after_minister
            && INSTITUTION_HEADS.contains(&head.as_str())
            && i + 1 < toks.len()
            && untagged(i + 1)
            && is_nationality(&toks[i + 1])
            && agrees(&head, &base(&toks[i + 1]))
        {
            relabel(labels, i, i + 2, B_ORG);
            fired.push(Rule::InstitutionIsOrg);
            i += 2;
            continue;
        }
        if untagged(i)
            && designator(&toks[i]) == "وزاره"
            && i + 1 < toks.len()
            && untagged(i + 1)
            && base(&toks[i + 1]).starts_with("ال")
        {
            let end = if i + 2 < toks.len() && untagged(i + 2) && is_nationality(&toks[i + 2]) {
                i + 3
            } else {
                i + 2
            };
            relabel(labels, i, end, B_ORG);
            fired.push(Rule::InstitutionIsOrg);
            i = end;
            continue;
        }
        i += 1;
    }
    // البيت الأبيض.
    for (b, e, t) in chunks(labels) {
        if t == 4 && e - b == 2 && base(&toks[b]) == "البيت" && base(&toks[b + 1]) == "الابيض"
        {
            relabel(labels, b, e, B_ORG);
            fired.push(Rule::WhiteHouseIsOrg);
        }
    }
    let _ = (B_PERS, B_MISC);
    fired
}

/// Maps labels in the project's convention back to ANERcorp's, for scoring
/// on ANERcorp's test files: designators leave the names they lead, an
/// organisation led by منتخب/حكومة/بلدية before a place becomes the place,
/// and institutions named only by a head, a ministry word and a nationality
/// adjective (no name inside) are dropped.
pub fn to_anercorp(tokens: &[String], labels: &[u8]) -> Vec<u8> {
    let mut out = labels.to_vec();
    for (b, e, t) in chunks(labels) {
        let begin = 2 * t - 1;
        let d = designator(&tokens[b]);
        let institution = (b..e).all(|k| {
            let w = base(&tokens[k]);
            INSTITUTION_HEADS.contains(&w.as_str())
                || is_nationality(&tokens[k])
                || designator(&tokens[k]) == "وزاره"
                || (k > b && designator(&tokens[b]) == "وزاره" && w.starts_with("ال"))
        });
        if begin == B_ORG && institution {
            out[b..e].fill(0);
        } else if e - b >= 2
            && begin == B_ORG
            && ORG_DESIGNATORS.contains(&d.as_str())
            && !["جامعه", "حزب", "منظمه", "اتحاد"].contains(&d.as_str())
        {
            out[b] = 0;
            relabel(&mut out, b + 1, e, B_ORG);
        } else if e - b >= 2
            && ((begin == B_ORG && ORG_OF_PLACE.contains(&d.as_str()) && d != "جامعه")
                || (begin == B_LOC && PLACE_DESIGNATORS.contains(&d.as_str())))
        {
            out[b] = 0;
            relabel(&mut out, b + 1, e, B_LOC);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(words: &str, labels: &[u8]) -> Sample {
        Sample {
            tokens: words.split(' ').map(str::to_string).collect(),
            labels: labels.to_vec(),
        }
    }

    #[test]
    fn rules_follow_the_convention() {
        let mut s = sample(
            "قالت شركة توتال إن الجيش الإسرائيلي ومنتخب مصر",
            &[0, 0, 5, 0, 0, 0, 0, 3],
        );
        let fired = harmonise(&mut s);
        assert_eq!(s.labels, vec![0, 5, 6, 0, 5, 6, 5, 6]);
        assert!(
            fired.contains(&Rule::DesignatorJoinsOrg) && fired.contains(&Rule::DesignatorMakesOrg)
        );
        let mut s = sample(
            "بلغ 225 مليون دولار في إقليم كردستان",
            &[0, 0, 0, 7, 0, 0, 3],
        );
        harmonise(&mut s);
        assert_eq!(s.labels, vec![0, 0, 0, 0, 0, 3, 4]);
        let mut s = sample(
            "وقال وزير الخارجية الأميركي إن وزارة الخارجية الأميركية",
            &[0; 8],
        );
        harmonise(&mut s);
        assert_eq!(s.labels, vec![0, 0, 0, 0, 0, 5, 6, 6]);
    }

    #[test]
    fn the_inverse_mapping_restores_anercorp_marks() {
        let toks: Vec<String> = "شركة توتال و منتخب مصر و الجيش الإسرائيلي و إقليم كردستان"
            .split(' ')
            .map(str::to_string)
            .collect();
        let ours = [5, 6, 0, 5, 6, 0, 5, 6, 0, 3, 4];
        assert_eq!(
            to_anercorp(&toks, &ours),
            vec![0, 5, 0, 0, 3, 0, 0, 0, 0, 0, 3]
        );
    }
}
