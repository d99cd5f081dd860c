//! NewsFANE Gold (Alotaibi & Lee; `../shared/data/newsfane/`, CC BY-SA 3.0)
//! as extra NER training sentences in ANERcorp's conventions.
//!
//! Three reconciliations (measured and argued in `docs/ner.md`, "Training
//! data"):
//! - tokens: NewsFANE splits the conjunction و, the prepositions ب ل ك, ف
//!   and the pronoun suffixes off as tokens of their own; ANERcorp (and the
//!   tagger at inference, see `units.rs`) sees whole words. Proclitic tokens
//!   are glued to the next word (ل + ال → لل) and suffix tokens to the word
//!   before (a final ة becomes ت), the merged token keeping the word's tag;
//! - hamza: NewsFANE writes أ إ آ as ا. The tagger's features and the
//!   character network are meant to read folded forms
//!   ([`arabic_text_core::entities::fold`] maps أ إ آ ٱ → ا), but the test
//!   `hamza_folds_the_same_for_the_tagger` shows the committed model's
//!   emissions still differ between أعلن and اعلن (ignored until the
//!   features are fixed);
//! - types: the 45 fine types map to ANERcorp's four by [`map_type`], a table
//!   read off the second annotation of ANERcorp train text: a type whose
//!   words ANERcorp tags one way is mapped there, [`Mapped::Outside`] when
//!   ANERcorp leaves them untagged, and a sentence holding a type ANERcorp
//!   splits between conventions is dropped ([`Mapped::DropSentence`]).
//!   Organisation names led by a generic word ANERcorp keeps outside the
//!   name (شركة توتال, صحيفة نيويورك تايمز, منتخب الكويت) lose that word.

use arabic_text_core::entities::fold::fold;
use arabic_text_core::entities::tagger::Sample;

/// What a NewsFANE fine type becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mapped {
    /// An ANERcorp type: 1 PERS, 2 LOC, 3 ORG, 4 MISC.
    Type(u8),
    /// ANERcorp does not tag these (nationality and religious groups: العرب,
    /// المسلمين, الفلسطينيين): the tokens become O.
    Outside,
    /// ANERcorp tags these sometimes as one type, sometimes as another and
    /// mostly not at all (government bodies: وزارة الخارجية O, الكونغرس
    /// ORG; buildings: البيت الأبيض MISC, مسجد O): the sentence is left out.
    DropSentence,
}

/// The ANERcorp type of a NewsFANE fine type (see the module doc and
/// `docs/ner.md` for the evidence per type).
pub fn map_type(fine: &str) -> Mapped {
    match fine {
        "Politician" | "Athlete" | "Artist" | "Other_PER" | "Religious_PER" | "Businessperson"
        | "Scientist" | "Police" | "Lawyer" | "Engineer" => Mapped::Type(1),
        "Nation" | "Population-Center" | "State-or-Province" | "GPE-Cluster" | "Continent"
        | "Water-Body" | "County-or-District" | "Celestial" => Mapped::Type(2),
        "Non-Governmental" | "Sports" | "Media" | "Commercial" | "Educational"
        | "Entertainment" => Mapped::Type(3),
        "Movie" | "Book" | "Land" | "Hardware" | "Software" | "Air" | "Water" | "Food" | "Drug"
        | "Projectile" => Mapped::Type(4),
        "Group" => Mapped::Outside,
        _ => Mapped::DropSentence,
    }
}

/// Words (folded, with or without the article) that lead an organisation
/// name in NewsFANE but stand outside it in ANERcorp; `منتخب` (a national
/// team) leaves a place behind it, as ANERcorp tags منتخب الكويت.
const OUTSIDE_LEADS: [&str; 9] = [
    "شركه",
    "صحيفه",
    "وكاله",
    "مجله",
    "قناه",
    "نادي",
    "منتخب",
    "فريق",
    "جريده",
];

/// Proclitic tokens glued to the next word.
const PROCLITICS: [&str; 6] = ["و", "ف", "ب", "ل", "ك", "س"];
/// Pronoun-suffix tokens glued to the word before.
const SUFFIXES: [&str; 9] = ["ه", "ها", "هم", "هما", "هن", "كم", "كما", "نا", "ي"];

/// Counts of what [`read`] did, for the training log.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Sentences kept.
    pub sentences: usize,
    /// Sentences left out for a [`Mapped::DropSentence`] type or a
    /// malformed line.
    pub dropped: usize,
    /// Tokens kept, after gluing clitics.
    pub tokens: usize,
    /// Clitic tokens glued to a neighbour.
    pub glued: usize,
    /// Mentions kept per type (index 1..=4).
    pub mentions: [usize; 5],
    /// Mentions whose leading generic word was moved outside the name.
    pub leads_dropped: usize,
}

/// One NewsFANE token before mapping: text, B/I/O and fine type.
struct Tok {
    text: String,
    bio: u8,
    fine: String,
}

fn is_arabic_word(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| ('\u{0621}'..='\u{064A}').contains(&c))
}

/// Glues clitic tokens to their word (see the module doc).
fn glue(sent: Vec<Tok>, glued: &mut usize) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(sent.len());
    let mut pending = String::new();
    for t in sent {
        let o = t.bio == b'O';
        if o && PROCLITICS.contains(&t.text.as_str()) {
            pending.push_str(&t.text);
            *glued += 1;
            continue;
        }
        if o && pending.is_empty()
            && SUFFIXES.contains(&t.text.as_str())
            && let Some(prev) = out.last_mut().filter(|p| is_arabic_word(&p.text))
        {
            if prev.text.ends_with('ة') {
                prev.text.pop();
                prev.text.push('ت');
            }
            prev.text.push_str(&t.text);
            *glued += 1;
            continue;
        }
        let mut t = t;
        if !pending.is_empty() {
            if is_arabic_word(&t.text) {
                let mut w = std::mem::take(&mut pending);
                match t.text.strip_prefix("ال") {
                    Some(rest) if w.ends_with('ل') => {
                        w.push('ل');
                        w.push_str(rest);
                    }
                    _ => w.push_str(&t.text),
                }
                t.text = w;
            } else {
                // A clitic before punctuation or digits stays a token.
                out.push(Tok {
                    text: std::mem::take(&mut pending),
                    bio: b'O',
                    fine: String::new(),
                });
            }
        }
        out.push(t);
    }
    if !pending.is_empty() {
        out.push(Tok {
            text: pending,
            bio: b'O',
            fine: String::new(),
        });
    }
    out
}

/// Reads `newsfane-new.txt` (`TOKEN<TAB>TAG`, blank line between sentences)
/// into samples in ANERcorp's conventions.
pub fn read(text: &str) -> (Vec<Sample>, Stats) {
    let mut stats = Stats::default();
    let mut out = Vec::new();
    let mut cur: Vec<Tok> = Vec::new();
    let mut bad = false;
    let mut flush = |cur: &mut Vec<Tok>, bad: &mut bool, stats: &mut Stats| {
        if cur.is_empty() {
            return;
        }
        let sent = std::mem::take(cur);
        if std::mem::take(bad) {
            stats.dropped += 1;
            return;
        }
        match convert(glue(sent, &mut stats.glued), stats) {
            Some(s) => {
                stats.sentences += 1;
                stats.tokens += s.tokens.len();
                out.push(s);
            }
            None => stats.dropped += 1,
        }
    };
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            flush(&mut cur, &mut bad, &mut stats);
            continue;
        }
        let Some((tok, tag)) = line.rsplit_once('\t') else {
            bad = true;
            continue;
        };
        let tok: String = tok
            .chars()
            .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}' | '\u{FEFF}'))
            .collect();
        let tok = tok.trim();
        if tok.is_empty() {
            continue;
        }
        let (bio, fine) = match tag.split_once('-') {
            Some(("B", f)) => (b'B', f),
            Some(("I", f)) => (b'I', f),
            _ if tag == "O" => (b'O', ""),
            _ => {
                bad = true;
                (b'O', "")
            }
        };
        cur.push(Tok {
            text: tok.to_string(),
            bio,
            fine: fine.to_string(),
        });
    }
    flush(&mut cur, &mut bad, &mut stats);
    (out, stats)
}

/// Maps one glued sentence's fine tags to ANERcorp labels; `None` when it
/// holds a [`Mapped::DropSentence`] type.
fn convert(sent: Vec<Tok>, stats: &mut Stats) -> Option<Sample> {
    let mut labels = vec![0u8; sent.len()];
    let mut i = 0;
    let mut mentions = [0usize; 5];
    let mut leads = 0;
    while i < sent.len() {
        if sent[i].bio == b'O' {
            i += 1;
            continue;
        }
        // A mention: this token and the I- tokens of the same fine type.
        let fine = &sent[i].fine;
        let mut end = i + 1;
        while end < sent.len() && sent[end].bio == b'I' && sent[end].fine == *fine {
            end += 1;
        }
        let mut ty = match map_type(fine) {
            Mapped::Type(t) => t,
            Mapped::Outside => {
                i = end;
                continue;
            }
            Mapped::DropSentence => return None,
        };
        let mut b = i;
        if ty == 3 && end - i > 1 {
            let head = fold(&sent[i].text);
            let head = head.strip_prefix("ال").unwrap_or(&head);
            if OUTSIDE_LEADS.contains(&head) {
                b += 1;
                leads += 1;
                if head == "منتخب" {
                    ty = 2;
                }
            }
        }
        labels[b] = 2 * ty - 1;
        for l in &mut labels[b + 1..end] {
            *l = 2 * ty;
        }
        mentions[usize::from(ty)] += 1;
        i = end;
    }
    for (a, m) in stats.mentions.iter_mut().zip(mentions) {
        *a += m;
    }
    stats.leads_dropped += leads;
    Some(Sample {
        tokens: sent.into_iter().map(|t| t.text).collect(),
        labels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clitics_are_glued_and_types_mapped() {
        let text = "و\tO\nجاء\tO\nبيان\tO\nنوكيا\tB-Commercial\nل\tO\nالرئيس\tO\n\
                    باراك\tB-Politician\nاوباما\tI-Politician\nفي\tO\nمنافسة\tO\nها\tO\n\
                    شركة\tB-Commercial\nموتورولا\tI-Commercial\nو\tO\nمصر\tB-Nation\n\
                    و\tO\nالعرب\tB-Group\n.\tO\n\n\
                    زار\tO\nوزارة\tB-Government\nالخارجية\tI-Government\n.\tO\n";
        let (s, stats) = read(text);
        assert_eq!(s.len(), 1);
        assert_eq!(stats.dropped, 1);
        assert_eq!(
            s[0].tokens,
            [
                "وجاء",
                "بيان",
                "نوكيا",
                "للرئيس",
                "باراك",
                "اوباما",
                "في",
                "منافستها",
                "شركة",
                "موتورولا",
                "ومصر",
                "والعرب",
                "."
            ]
        );
        // نوكيا ORG; باراك اوباما PERS; شركة outside, موتورولا ORG; ومصر LOC;
        // العرب (Group) untagged.
        assert_eq!(s[0].labels, [0, 0, 5, 0, 1, 2, 0, 0, 0, 5, 3, 0, 0]);
        assert_eq!(stats.mentions, [0, 1, 1, 2, 0]);
        assert_eq!(stats.leads_dropped, 1);
    }

    #[test]
    fn a_national_team_leaves_its_place() {
        let (s, _) = read("فاز\tO\nمنتخب\tB-Sports\nالكويت\tI-Sports\n");
        assert_eq!(s[0].labels, [0, 0, 3]);
    }

    #[test]
    #[ignore = "fails on the committed model: some feature still sees hamza (the emissions of \
                أعلن and اعلن differ); to be fixed in the tagger's features (branch ner-rep)"]
    fn hamza_folds_the_same_for_the_tagger() {
        let m = arabic_text_core::entities::embedded_model().expect("model");
        let a = m.emissions(&["أعلن", "إبراهيم", "أحمد", "في", "الإمارات"]);
        let b = m.emissions(&["اعلن", "ابراهيم", "احمد", "في", "الامارات"]);
        assert_eq!(a, b);
    }
}
