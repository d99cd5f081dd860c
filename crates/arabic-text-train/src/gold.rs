//! The project's own entity gold (`data/entities/{test,dev,train}.jsonl`,
//! annotated by hand after `docs/entities-convention.md`): reading and
//! validating the files, the consistency report of `check-entities` and the
//! tagger's training samples. Scoring the pipeline on them:
//! [`crate::gold_score`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use arabic_text_core::entities::EntityKind;
use arabic_text_core::segment::{SegmentOptions, SegmentRole, Segmenter};
use serde::Deserialize;

/// The name types, scored together as "names" (micro F1).
pub const NAME_KINDS: [EntityKind; 4] = [
    EntityKind::Person,
    EntityKind::Location,
    EntityKind::Organization,
    EntityKind::Misc,
];

/// One gold mention as the file holds it.
#[derive(Debug, Deserialize)]
struct RawEntity {
    start: usize,
    end: usize,
    #[serde(rename = "type")]
    kind: String,
    text: String,
}

/// One paragraph as the file holds it.
#[derive(Debug, Deserialize)]
struct RawParagraph {
    id: String,
    text: String,
    entities: Vec<RawEntity>,
}

/// One gold mention: a half-open range of code points into its paragraph.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct GoldMention {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The mention's type.
    pub kind: EntityKind,
    /// The covered text (equal to the slice of the paragraph; checked on load).
    pub text: String,
}

/// One annotated paragraph of the annotation pool.
#[derive(Clone, Debug)]
pub struct Paragraph {
    /// The pool's identifier (`W` + Wikipedia line, `U` + UN line).
    pub id: String,
    /// The paragraph exactly as in the pool.
    pub text: String,
    /// Its mentions in text order; they never overlap.
    pub mentions: Vec<GoldMention>,
}

/// Reads a gold file and checks every mention: the offsets slice to its
/// `text`, the type is one of the API's, mentions are sorted and never overlap.
pub fn read(path: &Path) -> anyhow::Result<Vec<Paragraph>> {
    let data =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse(&data).with_context(|| format!("in {}", path.display()))
}

/// [`read`] on a file's contents.
pub fn parse(data: &str) -> anyhow::Result<Vec<Paragraph>> {
    let mut out = Vec::new();
    let mut ids = BTreeSet::new();
    for (n, line) in data.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let raw: RawParagraph =
            serde_json::from_str(line).with_context(|| format!("line {}", n + 1))?;
        anyhow::ensure!(
            ids.insert(raw.id.clone()),
            "line {}: {} twice",
            n + 1,
            raw.id
        );
        let chars: Vec<char> = raw.text.chars().collect();
        let mut mentions = Vec::with_capacity(raw.entities.len());
        for e in raw.entities {
            let kind = EntityKind::from_name(&e.kind)
                .filter(|k| k.name() == e.kind)
                .with_context(|| {
                    format!("line {} ({}): unknown type {:?}", n + 1, raw.id, e.kind)
                })?;
            anyhow::ensure!(
                e.start < e.end && e.end <= chars.len(),
                "line {} ({}): offsets {}..{} outside the text",
                n + 1,
                raw.id,
                e.start,
                e.end
            );
            let got: String = chars[e.start..e.end].iter().collect();
            anyhow::ensure!(
                got == e.text,
                "line {} ({}): offsets {}..{} give {got:?}, not {:?}",
                n + 1,
                raw.id,
                e.start,
                e.end,
                e.text
            );
            mentions.push(GoldMention {
                start: e.start,
                end: e.end,
                kind,
                text: e.text,
            });
        }
        for w in mentions.windows(2) {
            anyhow::ensure!(
                w[0].end <= w[1].start,
                "line {} ({}): {:?} and {:?} overlap or are out of order",
                n + 1,
                raw.id,
                w[0].text,
                w[1].text
            );
        }
        out.push(Paragraph {
            id: raw.id,
            text: raw.text,
            mentions,
        });
    }
    Ok(out)
}

/// Letters that attach to the next word as proclitics (و ف ب ك ل).
const PROCLITICS: [char; 5] = ['و', 'ف', 'ب', 'ك', 'ل'];

fn is_mark(c: char) -> bool {
    ('\u{064B}'..='\u{065F}').contains(&c) || c == '\u{0670}' || c == '\u{0640}'
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        || ('\u{064B}'..='\u{065F}').contains(&c)
        || c == '\u{0640}'
        || c == '\u{0670}'
}

/// Boundary problems of the convention's general rules: a span must not
/// start or end inside a word (except after proclitics, or before a pronoun
/// suffix), must not start with a proclitic that belongs outside it
/// (ومصر where مصر starts other name mentions and ومصر none).
///
/// `exempt` holds (paragraph id, mention text) pairs whose boundaries follow
/// a typo of the source (a missing space: ثلاثمئة متركما, أوأجانيطس), read
/// from `data/entities/boundary-reviewed.tsv` by [`read_exempt`].
pub fn boundary_problems(
    paragraphs: &[Paragraph],
    exempt: &BTreeSet<(String, String)>,
) -> Vec<String> {
    // First words of every mention, to find proclitic + name elsewhere.
    let first_words: BTreeSet<&str> = paragraphs
        .iter()
        .flat_map(|p| &p.mentions)
        .filter(|m| NAME_KINDS.contains(&m.kind))
        .filter_map(|m| m.text.split_whitespace().next())
        .collect();
    let mut out = Vec::new();
    let segmenter = match Segmenter::embedded() {
        Ok(s) => s,
        Err(e) => return vec![format!("the embedded segmenter does not load: {e}")],
    };
    for p in paragraphs {
        let chars: Vec<char> = p.text.chars().collect();
        for m in &p.mentions {
            if exempt.contains(&(p.id.clone(), m.text.clone()))
                || exempt.contains(&("*".to_string(), m.text.clone()))
            {
                continue;
            }
            let s = &chars[m.start..m.end];
            let mut problem =
                |what: String| out.push(format!("{} {} {:?}: {what}", p.id, m.kind.name(), m.text));
            if s.first().is_some_and(|c| c.is_whitespace())
                || s.last().is_some_and(|c| c.is_whitespace())
            {
                problem("leading or trailing space".into());
            }
            // Inside a word at the start: only proclitics (and a tatweel) may precede.
            let mut k = m.start;
            while k > 0 && is_word_char(chars[k - 1]) {
                k -= 1;
            }
            let prefix: String = chars[k..m.start].iter().collect();
            // Proclitic letters may carry a mark (لِسنة).
            let core: String = prefix
                .chars()
                .filter(|c| PROCLITICS.contains(c) || !is_mark(*c))
                .collect();
            let core = core.trim_end_matches('\u{0640}');
            // More than three letters before the span is a space missing in the
            // source (الدكتوراحمد): the span starts where the name does.
            if !prefix.is_empty()
                && core.chars().count() <= 3
                && (core.is_empty() || !core.chars().all(|c| PROCLITICS.contains(&c)))
            {
                problem(format!("starts inside the word after {prefix:?}"));
            }
            let mut k = m.end;
            while k < chars.len() && is_word_char(chars[k]) {
                k += 1;
            }
            let rest: String = chars[m.end..k].iter().collect();
            if !rest.is_empty()
                && !["ه", "ها", "هم", "هما", "هن", "كم", "نا", "ي"].contains(&rest.as_str())
            {
                problem(format!("ends inside the word before {rest:?}"));
            }
            // A proclitic inside the span: the first word is a proclitic plus
            // a word that starts other name mentions (ومصر where مصر does).
            // After a ل inside the word (للأمم → ل + لأمم) the span's leading
            // ل is the article's, as the convention writes it.
            if prefix.ends_with('ل') {
                continue;
            }
            let Some(first) = m.text.split_whitespace().next() else {
                continue;
            };
            if !NAME_KINDS.contains(&m.kind) {
                continue;
            }
            // Flagged when the segmenter splits a proclitic off the word and
            // the rest is a name elsewhere or carries the article (والعراق):
            // words such as لجنة or وسام keep their first letter.
            let segs = segmenter.segment(first, &SegmentOptions::default());
            let split = segs
                .segments
                .iter()
                .filter(|g| g.role == SegmentRole::Proclitic)
                .map(|g| g.span.end)
                .max();
            if let Some(cut) = split {
                let after = &first[cut..];
                // Short rests (يان in بيان, الي in والي) are too often
                // words of their own to tell.
                if (after.starts_with("ال") && after.chars().count() >= 5)
                    || (after.chars().count() >= 4 && first_words.contains(after))
                {
                    problem(format!(
                        "starts with the proclitic {:?} (the rest is {after:?})",
                        &first[..cut]
                    ));
                }
            }
        }
    }
    out
}

/// The words of `text` once folded: (first char, one past the last char, word),
/// in folded code points.
fn folded_words(text: &str) -> Vec<(usize, usize, String)> {
    let chars: Vec<char> = fold(text).chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_word_char(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_word_char(chars[i]) {
            i += 1;
        }
        out.push((start, i, chars[start..i].iter().collect()));
    }
    out
}

/// The exempt (id, mention text) pairs of a `boundary-reviewed.tsv` file
/// (`ID<TAB>mention<TAB>why` lines, `*` for every paragraph; `#` comments);
/// empty when it is absent.
pub fn read_exempt(path: &Path) -> BTreeSet<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?.to_string(), f.next()?.to_string()))
        })
        .collect()
}

/// Reads a pool file (`ID<TAB>text` lines; `.xz` through `xz -dc`).
pub fn read_pool(path: &Path) -> anyhow::Result<HashMap<String, String>> {
    let text = if path.extension().is_some_and(|e| e == "xz") {
        let out = std::process::Command::new("xz")
            .arg("-dc")
            .arg(path)
            .output()
            .with_context(|| format!("running xz -dc {}", path.display()))?;
        anyhow::ensure!(out.status.success(), "xz -dc {} failed", path.display());
        String::from_utf8(out.stdout)?
    } else {
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?
    };
    Ok(text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(id, t)| (id.to_string(), t.to_string()))
        .collect())
}

/// Arguments of `check-entities`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Gold files to check together (the consistency report looks across all).
    #[arg(default_values = ["data/entities/test.jsonl", "data/entities/dev.jsonl", "data/entities/train.jsonl"])]
    pub files: Vec<PathBuf>,
    /// The annotation pool: every paragraph's text must equal its pool line.
    #[arg(long, default_value = "../shared/data/annotation-pool")]
    pub pool: PathBuf,
    /// Reviewed findings (`string<TAB>reason` lines): strings whose several
    /// types or unmarked uses were checked against the convention and are right.
    #[arg(long, default_value = "data/entities/consistency-reviewed.tsv")]
    pub reviewed: PathBuf,
    /// Exit non-zero when the consistency report has unreviewed findings
    /// (validation problems always fail).
    #[arg(long)]
    pub strict: bool,
}

/// Folds a mention for comparison: no diacritics or tatweel.
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| {
            !(('\u{064B}'..='\u{065F}').contains(c) || *c == '\u{0640}' || *c == '\u{0670}')
        })
        .collect()
}

/// `check-entities`: validates the gold files against the pool and the
/// convention's boundary rules, then reports strings annotated with
/// different types and strings marked in one place but left unmarked in
/// another.
pub fn check(args: &CheckArgs) -> anyhow::Result<()> {
    let mut sets = Vec::new();
    let mut problems = Vec::new();
    for f in &args.files {
        if !f.exists() {
            println!("{}: not present, skipped", f.display());
            continue;
        }
        let paragraphs = read(f)?;
        let split = f.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let pool_file = ["tsv", "tsv.xz"]
            .iter()
            .map(|ext| args.pool.join(format!("{split}.{ext}")))
            .find(|p| p.exists());
        match pool_file {
            Some(pf) => {
                let pool = read_pool(&pf)?;
                for p in &paragraphs {
                    match pool.get(&p.id) {
                        None => problems.push(format!(
                            "{}: {} is not in {}",
                            f.display(),
                            p.id,
                            pf.display()
                        )),
                        Some(t) if *t != p.text => problems.push(format!(
                            "{}: {}: text differs from {}",
                            f.display(),
                            p.id,
                            pf.display()
                        )),
                        Some(_) => {}
                    }
                }
            }
            None => println!(
                "{}: no pool file for {split:?} under {}; text not compared",
                f.display(),
                args.pool.display()
            ),
        }
        let n: usize = paragraphs.iter().map(|p| p.mentions.len()).sum();
        println!(
            "{}: {} paragraphs, {n} mentions",
            f.display(),
            paragraphs.len()
        );
        sets.push(paragraphs);
    }
    let all: Vec<Paragraph> = sets.into_iter().flatten().collect();
    let exempt = read_exempt(
        &args
            .files
            .first()
            .and_then(|f| f.parent())
            .unwrap_or(Path::new("."))
            .join("boundary-reviewed.tsv"),
    );
    problems.extend(boundary_problems(&all, &exempt));
    let reviewed: BTreeSet<String> = std::fs::read_to_string(&args.reviewed)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split('\t').next())
        .map(fold)
        .collect();
    let findings = consistency(&all, &reviewed);
    for p in &problems {
        println!("problem: {p}");
    }
    for f in &findings {
        println!("{f}");
    }
    println!(
        "{} validation problems; {} unreviewed consistency findings ({} reviewed strings in {})",
        problems.len(),
        findings.len(),
        reviewed.len(),
        args.reviewed.display()
    );
    anyhow::ensure!(
        problems.is_empty(),
        "the gold files have {} validation problems",
        problems.len()
    );
    anyhow::ensure!(
        !args.strict || findings.is_empty(),
        "{} consistency findings are not resolved (fix the gold or add the string to {})",
        findings.len(),
        args.reviewed.display()
    );
    Ok(())
}

/// The consistency findings: (1) a string annotated with more than one type;
/// (2) a name string (two letters or more) annotated somewhere but left
/// unmarked, as a whole word, elsewhere.
pub fn consistency(paragraphs: &[Paragraph], reviewed: &BTreeSet<String>) -> Vec<String> {
    let mut types: BTreeMap<String, BTreeMap<EntityKind, Vec<&str>>> = BTreeMap::new();
    for p in paragraphs {
        for m in &p.mentions {
            types
                .entry(fold(&m.text))
                .or_default()
                .entry(m.kind)
                .or_default()
                .push(&p.id);
        }
    }
    let mut out = Vec::new();
    for (s, kinds) in &types {
        if kinds.len() > 1 && !reviewed.contains(s) {
            let detail: Vec<String> = kinds
                .iter()
                .map(|(k, ids)| {
                    format!(
                        "{} ×{} ({})",
                        k.name(),
                        ids.len(),
                        ids.iter().take(4).copied().collect::<Vec<_>>().join(" ")
                    )
                })
                .collect();
            out.push(format!("types: {s:?}: {}", detail.join("; ")));
        }
    }
    // Unmarked uses of marked name strings (whole words, a proclitic allowed):
    // an index of every folded word, and of the word without one or two
    // proclitic letters, to its paragraph and word position.
    let words: Vec<Vec<(usize, usize, String)>> =
        paragraphs.iter().map(|p| folded_words(&p.text)).collect();
    let covered: Vec<Vec<(usize, usize)>> = paragraphs
        .iter()
        .map(|p| {
            p.mentions
                .iter()
                .map(|m| {
                    let before: String = p.text.chars().take(m.start).collect();
                    let a = fold(&before).chars().count();
                    (a, a + fold(&m.text).chars().count())
                })
                .collect()
        })
        .collect();
    let mut index: HashMap<&str, Vec<(usize, usize, usize)>> = HashMap::new();
    for (pi, ws) in words.iter().enumerate() {
        for (wi, (start, _, w)) in ws.iter().enumerate() {
            let chars: Vec<(usize, char)> = w.char_indices().collect();
            for cut in 0..=2.min(chars.len()) {
                if cut > 0 && !PROCLITICS.contains(&chars[cut - 1].1) {
                    break;
                }
                let byte = chars.get(cut).map_or(w.len(), |c| c.0);
                index
                    .entry(&w[byte..])
                    .or_default()
                    .push((pi, wi, start + cut));
            }
        }
    }
    for (s, kinds) in &types {
        if reviewed.contains(s)
            || s.chars().count() < 3
            || !kinds.keys().any(|k| NAME_KINDS.contains(k))
        {
            continue;
        }
        let parts: Vec<&str> = s.split_whitespace().collect();
        let Some(first) = parts.first() else { continue };
        let mut unmarked = Vec::new();
        for &(pi, wi, start) in index.get(first).map(Vec::as_slice).unwrap_or(&[]) {
            let ws = &words[pi];
            if wi + parts.len() > ws.len() || (1..parts.len()).any(|j| ws[wi + j].2 != parts[j]) {
                continue;
            }
            let end = ws[wi + parts.len() - 1].1;
            if !covered[pi].iter().any(|&(a, b)| a <= start && end <= b) {
                unmarked.push(paragraphs[pi].id.as_str());
            }
        }
        if !unmarked.is_empty() {
            let marked: usize = kinds.values().map(Vec::len).sum();
            out.push(format!(
                "unmarked: {s:?} marked {marked}× ({}) but unmarked {}× ({})",
                kinds.keys().map(|k| k.name()).collect::<Vec<_>>().join("/"),
                unmarked.len(),
                unmarked
                    .iter()
                    .take(6)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
        }
    }
    out
}

/// The label of a name kind's first token (B-) in the tagger's label set; its
/// inside label is one more.
fn begin_label(kind: EntityKind) -> Option<u8> {
    NAME_KINDS
        .iter()
        .position(|k| *k == kind)
        .map(|t| 2 * t as u8 + 1)
}

/// The paragraphs as the tagger's training sentences: each paragraph is
/// segmented and split into units exactly as a request is at run time
/// (`units::units`), one sample per sentence, and each unit gets the BIO label
/// of the name mention it overlaps (a unit that starts with a proclitic the
/// span leaves out still carries the label, as ANERcorp tokens do). Pattern
/// types are `O` for the tagger. Returns, per paragraph, its samples (a
/// paragraph is one document for the document pass).
pub fn to_samples(
    paragraphs: &[Paragraph],
) -> anyhow::Result<Vec<Vec<arabic_text_core::entities::tagger::Sample>>> {
    use arabic_text_core::entities::{fold::canonical, tagger::Sample, units};
    let segmenter = Segmenter::embedded()?;
    let mut out = Vec::with_capacity(paragraphs.len());
    for p in paragraphs {
        // Code point → byte offsets of the mentions.
        let bytes: Vec<usize> = p
            .text
            .char_indices()
            .map(|(b, _)| b)
            .chain([p.text.len()])
            .collect();
        let spans: Vec<(usize, usize, u8)> = p
            .mentions
            .iter()
            .filter_map(|m| Some((bytes[m.start], bytes[m.end], begin_label(m.kind)?)))
            .collect();
        let seg = segmenter.segment(&p.text, &SegmentOptions::default());
        let us = units::units(&p.text, &seg);
        let mut samples: Vec<Sample> = Vec::new();
        let mut sentence = usize::MAX;
        let mut prev: Option<usize> = None;
        for u in &us {
            if u.sentence != sentence {
                sentence = u.sentence;
                samples.push(Sample {
                    tokens: Vec::new(),
                    labels: Vec::new(),
                });
            }
            let Some(s) = samples.last_mut() else {
                continue;
            };
            let hit = spans
                .iter()
                .position(|&(a, b, _)| u.span.start < b && a < u.span.end);
            let label = match hit {
                Some(i) if prev == Some(i) && !s.labels.is_empty() => spans[i].2 + 1,
                Some(i) => spans[i].2,
                None => 0,
            };
            prev = hit;
            s.tokens
                .push(canonical(&p.text[u.span.start..u.span.end]).into_owned());
            s.labels.push(label);
        }
        samples.retain(|s| !s.tokens.is_empty());
        out.push(samples);
    }
    Ok(out)
}
