//! `eval-patterns`: scores the pattern entities (DATE, TIME, NUMBER,
//! ORDINAL, PERCENT, MONEY, QUANTITY and the web kinds) of the full
//! extraction pipeline against a JSONL test set written for them
//! (`tests/data/patterns.jsonl`): exact span and type per mention, and the
//! value of each correctly found mention.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context as _;
use arabic_text_core::entities::{EntityExtractor, EntityKind, EntityOptions};
use arabic_text_core::segment::{SegmentOptions, Segmenter};
use serde::Deserialize;

/// Arguments of `eval-patterns`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The test set (JSONL: text, mentions with code-point start/end, type, value).
    #[arg(long, default_value = "tests/data/patterns.jsonl")]
    pub data: PathBuf,
    /// Print every sentence with a miss, a spurious mention or a wrong value.
    #[arg(long)]
    pub errors: bool,
    /// Instead of scoring, time the pattern pass against the whole
    /// extraction on this text file (e.g. the sample article) and print the
    /// share of ExtractEntities' time the pattern pass costs (median of runs).
    #[arg(long)]
    pub bench: Option<PathBuf>,
}

/// One gold mention.
#[derive(Debug, Deserialize)]
pub struct GoldMention {
    /// Start, in code points.
    pub start: usize,
    /// End, in code points.
    pub end: usize,
    /// Type name (DATE, TIME ...).
    #[serde(rename = "type")]
    pub kind: String,
    /// The mention's text (checked against the offsets on load).
    pub text: String,
    /// The expected value; absent or empty when not scored.
    #[serde(default)]
    pub value: Option<String>,
}

/// One sentence of the test set.
#[derive(Debug, Deserialize)]
pub struct Sentence {
    /// Identifier.
    pub id: String,
    /// Domain (politics, economy ...).
    #[serde(default)]
    pub domain: String,
    /// The text.
    pub text: String,
    /// Its expected pattern mentions.
    pub mentions: Vec<GoldMention>,
}

/// Counts for one type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Predicted mentions.
    pub predicted: usize,
    /// Gold mentions.
    pub gold: usize,
    /// Exact span and type matches.
    pub correct: usize,
    /// Correct mentions whose gold has a value.
    pub valued: usize,
    /// ... and whose predicted value equals it.
    pub value_ok: usize,
}

impl Counts {
    /// Precision, recall and F1 in percent.
    pub fn prf(&self) -> (f64, f64, f64) {
        let p = pct(self.correct, self.predicted);
        let r = pct(self.correct, self.gold);
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f)
    }
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

/// The type names the test set scores (the pattern kinds).
pub const KINDS: [(&str, EntityKind); 12] = [
    ("DATE", EntityKind::Date),
    ("TIME", EntityKind::Time),
    ("NUMBER", EntityKind::Number),
    ("ORDINAL", EntityKind::Ordinal),
    ("PERCENT", EntityKind::Percent),
    ("MONEY", EntityKind::Money),
    ("QUANTITY", EntityKind::Quantity),
    ("URL", EntityKind::Url),
    ("EMAIL", EntityKind::Email),
    ("PHONE", EntityKind::Phone),
    ("HASHTAG", EntityKind::Hashtag),
    ("MENTION", EntityKind::Mention),
];

fn name(kind: EntityKind) -> Option<&'static str> {
    KINDS.iter().find(|(_, k)| *k == kind).map(|(n, _)| *n)
}

/// Reads a test set.
pub fn load(text: &str) -> anyhow::Result<Vec<Sentence>> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let s: Sentence = serde_json::from_str(line).with_context(|| format!("line {}", n + 1))?;
        for m in &s.mentions {
            let got: String = s.text.chars().skip(m.start).take(m.end - m.start).collect();
            anyhow::ensure!(
                got == m.text,
                "line {}: offsets give {got:?}, not {:?}",
                n + 1,
                m.text
            );
            anyhow::ensure!(
                KINDS.iter().any(|(k, _)| *k == m.kind),
                "line {}: unknown type {}",
                n + 1,
                m.kind
            );
        }
        out.push(s);
    }
    Ok(out)
}

/// Per-type counts (plus "ALL") of the pipeline on `sentences`; with
/// `errors`, the sentences with a mistake are printed to stderr.
pub fn score(sentences: &[Sentence], errors: bool) -> anyhow::Result<BTreeMap<String, Counts>> {
    let segmenter = Segmenter::embedded()?;
    let extractor = EntityExtractor::embedded()?;
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    for s in sentences {
        let seg = segmenter.segment(&s.text, &SegmentOptions::default());
        let mentions = extractor.mentions(&s.text, &seg, &EntityOptions::default());
        // Byte offset → code point.
        let cp = |byte: usize| s.text[..byte.min(s.text.len())].chars().count();
        let predicted: Vec<(usize, usize, &str, Option<String>)> = mentions
            .iter()
            .filter_map(|m| {
                Some((
                    cp(m.span.start),
                    cp(m.span.end),
                    name(m.kind)?,
                    m.value.clone(),
                ))
            })
            .collect();
        let mut bad = Vec::new();
        for p in &predicted {
            counts.entry(p.2.to_string()).or_default().predicted += 1;
        }
        for g in &s.mentions {
            let c = counts.entry(g.kind.clone()).or_default();
            c.gold += 1;
            match predicted
                .iter()
                .find(|p| p.0 == g.start && p.1 == g.end && p.2 == g.kind)
            {
                Some(p) => {
                    c.correct += 1;
                    if let Some(v) = g.value.as_deref().filter(|v| !v.is_empty()) {
                        c.valued += 1;
                        if p.3.as_deref() == Some(v) {
                            c.value_ok += 1;
                        } else {
                            bad.push(format!(
                                "  value {} {:?}: {:?} != {v:?}",
                                g.kind, g.text, p.3
                            ));
                        }
                    }
                }
                None => bad.push(format!("  missed {} {:?} ({:?})", g.kind, g.text, g.value)),
            }
        }
        for p in &predicted {
            if !s
                .mentions
                .iter()
                .any(|g| p.0 == g.start && p.1 == g.end && p.2 == g.kind)
            {
                let t: String = s.text.chars().skip(p.0).take(p.1 - p.0).collect();
                bad.push(format!("  spurious {} {t:?} ({:?})", p.2, p.3));
            }
        }
        if errors && !bad.is_empty() {
            eprintln!("{} [{}] {}\n{}", s.id, s.domain, s.text, bad.join("\n"));
        }
    }
    let mut all = Counts::default();
    for c in counts.values() {
        all.predicted += c.predicted;
        all.gold += c.gold;
        all.correct += c.correct;
        all.valued += c.valued;
        all.value_ok += c.value_ok;
    }
    counts.insert("ALL".to_string(), all);
    Ok(counts)
}

/// The table `eval-patterns` prints.
pub fn table(counts: &BTreeMap<String, Counts>) -> String {
    let mut out = String::from(
        "| type | gold | predicted | P | R | F1 | value accuracy |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    let order = KINDS.iter().map(|(k, _)| *k).chain(["ALL"]);
    for k in order {
        let Some(c) = counts.get(k) else { continue };
        if c.gold == 0 && c.predicted == 0 {
            continue;
        }
        let (p, r, f) = c.prf();
        out.push_str(&format!(
            "| {k} | {} | {} | {p:.1} | {r:.1} | {f:.1} | {:.1} ({}/{}) |\n",
            c.gold,
            c.predicted,
            pct(c.value_ok, c.valued),
            c.value_ok,
            c.valued
        ));
    }
    out
}

/// Median wall time of `runs` calls of `f`, in microseconds.
fn median_us(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let start = std::time::Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

/// `eval-patterns --bench FILE`: the pattern pass's cost relative to the
/// rest of entity extraction, interleaved runs, medians.
fn bench(path: &std::path::Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let segmenter = Segmenter::embedded()?;
    let extractor = EntityExtractor::embedded()?;
    let seg = segmenter.segment(&text, &SegmentOptions::default());
    let options = EntityOptions::default();
    let mut whole = Vec::new();
    let mut patterns = Vec::new();
    for _ in 0..9 {
        whole.push(median_us(11, || {
            std::hint::black_box(extractor.mentions(&text, &seg, &options));
        }));
        patterns.push(median_us(11, || {
            std::hint::black_box(arabic_text_core::entities::patterns::find(&text));
        }));
    }
    whole.sort_by(f64::total_cmp);
    patterns.sort_by(f64::total_cmp);
    let (w, p) = (whole[whole.len() / 2], patterns[patterns.len() / 2]);
    println!(
        "{}: {} bytes; extract (with patterns) {w:.0} us, pattern pass {p:.0} us; \
         the pattern pass adds {:.1} % to extraction without it",
        path.display(),
        text.len(),
        100.0 * p / (w - p).max(1.0)
    );
    Ok(())
}

/// Runs `eval-patterns`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    if let Some(path) = &args.bench {
        return bench(path);
    }
    let text = std::fs::read_to_string(&args.data)
        .with_context(|| format!("reading {}", args.data.display()))?;
    let sentences = load(&text)?;
    let counts = score(&sentences, args.errors)?;
    println!(
        "{} sentences from {}\n",
        sentences.len(),
        args.data.display()
    );
    print!("{}", table(&counts));
    Ok(())
}
