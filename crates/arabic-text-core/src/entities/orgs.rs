//! Trigger-led organisation names, a rule after the document pass: a
//! generic head noun (جامعة, حزب, منظمة …) right before a mention the tagger
//! typed as a place or an organisation makes one organisation of both
//! (جامعة القاهرة, not the place القاهرة inside it).
//!
//! Which heads belong inside the name follows ANERcorp's own labels (read
//! off its train part): it tags جامعة الدول العربية, حزب الله, منظمة التحرير
//! with the head, but leaves the head outside for حركة حماس, شركة توتال,
//! صحيفة نيويورك تايمز, منتخب الكويت (O + place) and leaves وزارة الخارجية
//! untagged. [`OrgPhrases::Heads`] applies the first list only;
//! [`OrgPhrases::Whole`] every head, and also tags a head with the definite
//! words after it (وزارة الخارجية العراقية) as an organisation: the
//! convention of NewsFANE and ACE-style annotation, which ANERcorp does not
//! follow. The one the service uses was chosen by `train-ner --cv-only`
//! (pooled held-out F1, printed for each; see `docs/ner.md`).

use super::tagger::chunks;

/// Which trigger-led phrases become organisations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OrgPhrases {
    /// No change.
    Off,
    /// A head ANERcorp keeps inside the name ([`INSIDE_HEADS`]) joins the
    /// place or organisation after it.
    #[default]
    Heads,
    /// Every head ([`INSIDE_HEADS`] and [`OUTSIDE_HEADS`]) joins the place
    /// or organisation after it, or else the definite words after it.
    Whole,
}

/// Heads (folded, no article) that ANERcorp train tags inside the name in
/// most of their uses before a name.
pub const INSIDE_HEADS: [&str; 4] = ["جامعه", "حزب", "منظمه", "اتحاد"];

/// Heads that lead an organisation's name in news but that ANERcorp leaves
/// outside it (or untagged).
pub const OUTSIDE_HEADS: [&str; 18] = [
    "حركه",
    "تنظيم",
    "كتائب",
    "قوات",
    "وزاره",
    "شركه",
    "صحيفه",
    "وكاله",
    "مجلس",
    "هيئه",
    "نادي",
    "منتخب",
    "جبهه",
    "جمعيه",
    "مؤسسه",
    "بنك",
    "لجنه",
    "مجموعه",
];

/// The head noun of folded word `f` with proclitics و ف ب ل ك and the
/// article off (بجامعة → جامعه, والاتحاد → اتحاد), if it is one of `heads`.
fn head_in(f: &str, heads: &[&str]) -> bool {
    let mut forms = vec![f];
    for p in ["و", "ف"] {
        if let Some(r) = f.strip_prefix(p) {
            forms.push(r);
        }
    }
    let n = forms.len();
    for i in 0..n {
        for p in ["ب", "ل", "ك"] {
            if let Some(r) = forms[i].strip_prefix(p) {
                forms.push(r);
            }
        }
    }
    forms.iter().any(|w| {
        let w = w.strip_prefix("ال").unwrap_or(w);
        // لل: ل + the article.
        let w = w
            .strip_prefix('ل')
            .filter(|_| f.contains("لل"))
            .unwrap_or(w);
        heads.contains(&w)
    })
}

/// Most definite words after a head that [`OrgPhrases::Whole`] takes in.
const MAX_TAIL: usize = 3;

/// Applies `mode` to one sentence's labels (`folded`: its folded tokens).
pub fn org_phrases(folded: &[&str], labels: &mut [u8], mode: OrgPhrases) {
    const B_ORG: u8 = 5;
    const I_ORG: u8 = 6;
    if mode == OrgPhrases::Off || folded.len() != labels.len() {
        return;
    }
    let is_head = |f: &str| {
        head_in(f, &INSIDE_HEADS) || (mode == OrgPhrases::Whole && head_in(f, &OUTSIDE_HEADS))
    };
    let mut taken = vec![false; labels.len()];
    for (b, e, t) in chunks(labels) {
        if !(t == 2 || t == 3) || b == 0 || labels[b - 1] != 0 || !is_head(folded[b - 1]) {
            continue;
        }
        labels[b - 1] = B_ORG;
        for l in &mut labels[b..e] {
            *l = I_ORG;
        }
        for x in &mut taken[b - 1..e] {
            *x = true;
        }
    }
    if mode != OrgPhrases::Whole {
        return;
    }
    // A head with definite words after it and no mention there.
    let mut i = 0;
    while i + 1 < labels.len() {
        if labels[i] != 0 || taken[i] || !is_head(folded[i]) {
            i += 1;
            continue;
        }
        let mut e = i + 1;
        while e < labels.len()
            && e - i <= MAX_TAIL
            && labels[e] == 0
            && folded[e].starts_with("ال")
            && folded[e].chars().count() >= 4
        {
            e += 1;
        }
        if e > i + 1 {
            labels[i] = B_ORG;
            for l in &mut labels[i + 1..e] {
                *l = I_ORG;
            }
        }
        i = e.max(i + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::fold::fold;

    fn run(words: &str, labels: &[u8], mode: OrgPhrases) -> Vec<u8> {
        let f: Vec<String> = words.split(' ').map(fold).collect();
        let f: Vec<&str> = f.iter().map(String::as_str).collect();
        let mut l = labels.to_vec();
        org_phrases(&f, &mut l, mode);
        l
    }

    #[test]
    fn an_inside_head_joins_the_place_after_it() {
        // درس في جامعة القاهرة: القاهرة tagged as a place.
        let l = run("درس في بجامعة القاهرة", &[0, 0, 0, 3], OrgPhrases::Heads);
        assert_eq!(l, [0, 0, 5, 6]);
        // The head with the article, and an organisation after it.
        let l = run("والاتحاد الأوروبي", &[0, 5], OrgPhrases::Heads);
        assert_eq!(l, [5, 6]);
        // A person after the head is left alone, and so is an outside head.
        let l = run("حزب محمد", &[0, 1], OrgPhrases::Heads);
        assert_eq!(l, [0, 1]);
        let l = run("منتخب مصر", &[0, 3], OrgPhrases::Heads);
        assert_eq!(l, [0, 3]);
        assert_eq!(run("منتخب مصر", &[0, 3], OrgPhrases::Off), [0, 3]);
    }

    #[test]
    fn whole_takes_every_head_and_its_definite_words() {
        assert_eq!(run("منتخب مصر", &[0, 3], OrgPhrases::Whole), [5, 6]);
        let l = run(
            "قالت وزارة الخارجية العراقية إن",
            &[0, 0, 0, 0, 0],
            OrgPhrases::Whole,
        );
        assert_eq!(l, [0, 5, 6, 6, 0]);
        // A head with nothing definite after it stays O.
        assert_eq!(run("وزارة في", &[0, 0], OrgPhrases::Whole), [0, 0]);
    }
}
