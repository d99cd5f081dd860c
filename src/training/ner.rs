//! `train-ner` and `eval-ner` on ANERcorp (split by [`super::anercorp`]).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;

use super::anercorp::{self, Split};
use crate::arabic::entities::tagger::{self, Model, Sample, TrainConfig, chunks};

/// Arguments of `train-ner`.
#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// The ANERcorp file.
    #[arg(long, default_value = "../shared/data/anercorp/ANERCorp")]
    pub data: PathBuf,
    /// Where to write the model.
    #[arg(long, default_value = "models/ner-model.bin.gz")]
    pub out: PathBuf,
    /// Most epochs tried on the dev part; the best count is used for the final model.
    #[arg(long, default_value_t = 25)]
    pub max_epochs: usize,
    /// Seed of the shuffling RNG.
    #[arg(long, default_value_t = 0x5eed)]
    pub seed: u64,
}

/// Which part of the split `eval-ner` scores.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Part {
    /// The test part (reporting only).
    #[default]
    Test,
    /// The dev part (the held-out end of train, for tuning).
    Dev,
}

/// Arguments of `eval-ner`.
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// The ANERcorp file.
    #[arg(long, default_value = "../shared/data/anercorp/ANERCorp")]
    pub data: PathBuf,
    /// A model file; the embedded model when omitted.
    #[arg(long, env = "ARABIC_TEXT_NER_MODEL")]
    pub model: Option<PathBuf>,
    /// The part to score.
    #[arg(long, value_enum, default_value_t)]
    pub part: Part,
    /// Exit non-zero when micro F1 is below this (a CI gate).
    #[arg(long)]
    pub min_f1: Option<f64>,
}

/// Entity-level exact-match counts per type (index 1..=4) and overall (0).
#[derive(Debug, Default, Clone, Copy)]
pub struct Scores {
    /// True positives, predicted, gold.
    pub counts: [(usize, usize, usize); 5],
}

impl Scores {
    /// Precision, recall, F1 (percent) of a type index (0 = all).
    pub fn prf(&self, t: usize) -> (f64, f64, f64) {
        let (tp, pred, gold) = self.counts[t];
        let p = if pred == 0 {
            0.0
        } else {
            100.0 * tp as f64 / pred as f64
        };
        let r = if gold == 0 {
            0.0
        } else {
            100.0 * tp as f64 / gold as f64
        };
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        (p, r, f)
    }
}

/// Scores `model` on `samples` (conlleval semantics).
pub fn score(model: &Model, samples: &[Sample]) -> Scores {
    let mut s = Scores::default();
    for sample in samples {
        let toks: Vec<&str> = sample.tokens.iter().map(String::as_str).collect();
        let pred = chunks(&model.tag(&toks));
        let gold = chunks(&sample.labels);
        for &(_, _, t) in &pred {
            s.counts[0].1 += 1;
            s.counts[t as usize].1 += 1;
        }
        for &(_, _, t) in &gold {
            s.counts[0].2 += 1;
            s.counts[t as usize].2 += 1;
        }
        for c in &pred {
            if gold.contains(c) {
                s.counts[0].0 += 1;
                s.counts[c.2 as usize].0 += 1;
            }
        }
    }
    s
}

fn print_scores(name: &str, s: &Scores) {
    let tokens_line = |t: usize, label: &str| {
        let (p, r, f) = s.prf(t);
        let (tp, pred, gold) = s.counts[t];
        println!(
            "{label:>6}: precision {p:6.2}  recall {r:6.2}  F1 {f:6.2}  (gold {gold}, predicted {pred}, correct {tp})"
        );
    };
    println!("{name}");
    tokens_line(0, "all");
    for (t, label) in ["PERS", "LOC", "ORG", "MISC"].iter().enumerate() {
        tokens_line(t + 1, label);
    }
    println!("micro F1 {:.1}", s.prf(0).2);
}

/// Mean negative log-likelihood of the gold labels under the model's
/// marginals at temperature `t`.
fn nll(model: &mut Model, samples: &[Sample], t: f32) -> f64 {
    model.temperature = t;
    let (mut sum, mut n) = (0f64, 0usize);
    for s in samples {
        let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
        let m = model.marginals(&model.emissions(&toks));
        for (p, &g) in m.iter().zip(&s.labels) {
            sum -= f64::from(p[g as usize].max(1e-6)).ln();
            n += 1;
        }
    }
    sum / n.max(1) as f64
}

fn load_split(path: &PathBuf) -> anyhow::Result<Split> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading ANERcorp from {}", path.display()))?;
    let split = anercorp::split(&text);
    let words = |v: &[Sample]| v.iter().map(|s| s.tokens.len()).sum::<usize>();
    eprintln!(
        "split: train {} sentences / {} words (of which dev {} / {}), test {} / {}",
        split.train.len() + split.dev.len(),
        words(&split.train) + words(&split.dev),
        split.dev.len(),
        words(&split.dev),
        split.test.len(),
        words(&split.test)
    );
    Ok(split)
}

/// Trains the model: picks the epoch count on dev, fits the confidence
/// temperature on dev, then retrains on all of train.
pub fn train(args: &TrainArgs) -> anyhow::Result<()> {
    let split = load_split(&args.data)?;
    let t0 = Instant::now();
    let cfg = TrainConfig {
        epochs: args.max_epochs.max(1),
        seed: args.seed,
        ..TrainConfig::default()
    };
    let mut best: Option<(usize, f64, Model)> = None;
    tagger::train(&split.train, &cfg, |epoch, model| {
        let s = score(model, &split.dev);
        let f = s.prf(0).2;
        eprintln!("epoch {epoch:2}: dev micro F1 {f:.2}");
        if best.as_ref().is_none_or(|(_, bf, _)| f > *bf) {
            best = Some((epoch, f, model.clone()));
        }
    });
    let Some((epochs, dev_f1, mut dev_model)) = best else {
        anyhow::bail!("no epoch ran");
    };
    // The O bias: the scale of scores grows with epochs, so the grid is
    // relative to the mean absolute emission on dev.
    let mut mean_abs = 0f64;
    let mut n = 0usize;
    for s in &split.dev {
        let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
        for e in dev_model.emissions(&toks) {
            mean_abs += e.iter().map(|x| f64::from(x.abs())).sum::<f64>() / e.len() as f64;
            n += 1;
        }
    }
    let unit = (mean_abs / n.max(1) as f64) as f32;
    let mut best_bias = (0f32, dev_f1);
    for step in 1..=12 {
        dev_model.o_bias = unit * 0.05 * step as f32;
        let f = score(&dev_model, &split.dev).prf(0).2;
        eprintln!("O bias {:.3}: dev micro F1 {f:.2}", dev_model.o_bias);
        if f > best_bias.1 {
            best_bias = (dev_model.o_bias / unit, f);
        }
    }
    dev_model.o_bias = best_bias.0 * unit;
    let temperature = [
        1.0f32, 2.0, 4.0, 8.0, 12.0, 16.0, 24.0, 32.0, 48.0, 64.0, 96.0, 128.0,
    ]
    .into_iter()
    .map(|t| (t, nll(&mut dev_model, &split.dev, t)))
    .min_by(|a, b| a.1.total_cmp(&b.1))
    .map_or(1.0, |(t, _)| t);
    eprintln!("best epoch count {epochs} (dev micro F1 {dev_f1:.2}); temperature {temperature}");
    print_scores(
        &format!("dev part, model trained on train minus dev, {epochs} epochs"),
        &score(&dev_model, &split.dev),
    );
    let full = split.full_train();
    let mut model = tagger::train(&full, &TrainConfig { epochs, ..cfg }, |_, _| {});
    model.temperature = temperature;
    // Same relative bias on the final model's score scale.
    let mut mean_abs = 0f64;
    let mut n = 0usize;
    for s in &split.dev {
        let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
        for e in model.emissions(&toks) {
            mean_abs += e.iter().map(|x| f64::from(x.abs())).sum::<f64>() / e.len() as f64;
            n += 1;
        }
    }
    model.o_bias = best_bias.0 * (mean_abs / n.max(1) as f64) as f32;
    eprintln!("O bias {:.3} (relative {:.2})", model.o_bias, best_bias.0);
    let bytes = model.to_bytes();
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.out, &bytes).with_context(|| format!("writing {}", args.out.display()))?;
    println!(
        "trained in {:.1} s: {} features, {} gazetteer phrases, {} bytes -> {}",
        t0.elapsed().as_secs_f64(),
        model.num_features(),
        model.gazetteer.len(),
        bytes.len(),
        args.out.display()
    );
    Ok(())
}

/// Evaluates a model on the test (or dev) part.
pub fn eval(args: &EvalArgs) -> anyhow::Result<()> {
    let split = load_split(&args.data)?;
    let t0 = Instant::now();
    let model = match &args.model {
        Some(p) => {
            let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
            Model::from_bytes(&p.display().to_string(), &bytes)?
        }
        None => crate::arabic::entities::embedded_model()?.clone(),
    };
    let t_model = t0.elapsed();
    let _ = crate::arabic::entities::knowledge::Knowledge::get();
    eprintln!(
        "model loaded in {:.0} ms, knowledge lists in {:.0} ms",
        t_model.as_secs_f64() * 1000.0,
        (t0.elapsed() - t_model).as_secs_f64() * 1000.0
    );
    let (name, part) = match args.part {
        Part::Test => ("test", &split.test),
        Part::Dev => {
            eprintln!(
                "note: the final model of train-ner is trained on dev too; the honest dev \
                 score is the one train-ner prints for its train-minus-dev model"
            );
            ("dev", &split.dev)
        }
    };
    let _ = score(&model, part); // warm-up: page in, caches
    let t1 = Instant::now();
    let s = score(&model, part);
    let words: usize = part.iter().map(|s| s.tokens.len()).sum();
    let secs = t1.elapsed().as_secs_f64();
    eprintln!(
        "tagged {words} tokens in {:.2} s ({:.0} tokens/s)",
        secs,
        words as f64 / secs.max(1e-9)
    );
    print_scores(
        &format!("ANERcorp {name} part, entity-level exact match (conlleval)"),
        &s,
    );
    if let Some(min) = args.min_f1 {
        let f = s.prf(0).2;
        if f < min {
            anyhow::bail!("micro F1 {f:.2} is below --min-f1 {min}");
        }
    }
    Ok(())
}
