//! `train-encoder`: trains the context encoder (`entities::encoder`) over the
//! subword vectors on what `train-ner` trains on (ANERcorp train harmonised
//! to the project's convention and the project's annotated paragraphs,
//! `data/entities/train.jsonl`) and chooses, on the project's dev set
//! (`data/entities/dev.jsonl`) pooled with the ANERcorp dev part (the
//! held-out end of ANERcorp train, harmonised), its epoch count and the
//! weight and O shift its scores are added to the tagger's emissions with.
//!
//! The comparison on dev is fair: the perceptron, the character network and
//! the encoder it combines are all trained on train less the ANERcorp dev
//! part, the perceptron's epoch count, O bias and network weight chosen on
//! dev the same way (printed as the ablation: perceptron alone, + character
//! network, + encoder, on each dev set). The encoder written is then
//! retrained on all of train with the chosen epoch count, and its weight is
//! set in units of the committed tagger's emissions ([`emission_unit`]), as
//! `train-ner` sets the network's. No test file is ever read.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;

use super::ner::{BIAS_STEPS, Scores, load_split, print_scores, score, score_running};
use super::ner_cv::{NET_WEIGHTS, emission_unit};
use arabic_text_core::entities::charnet;
use arabic_text_core::entities::encoder::{self, Encoder, Settings};
use arabic_text_core::entities::features;
use arabic_text_core::entities::tagger::{self, L, Model, Sample, TrainConfig};
use arabic_text_core::entities::vectors::Vectors;

/// Arguments of `train-encoder`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The ANERcorp file.
    #[arg(long, default_value = "../shared/data/anercorp/ANERCorp")]
    pub data: PathBuf,
    /// The subword vectors (from `scripts/vectors/train-vectors.sh`).
    #[arg(long, default_value = "models/ner-vectors.bin.gz")]
    pub vectors: PathBuf,
    /// Where to write the encoder.
    #[arg(long, default_value = "models/ner-encoder.bin.gz")]
    pub out: PathBuf,
    /// The tagger the written encoder is combined with (its weight is set in
    /// this model's emission units).
    #[arg(long, default_value = "models/ner-model.bin.gz")]
    pub model: PathBuf,
    /// Units per layer.
    #[arg(long, default_value_t = 64)]
    pub hidden: usize,
    /// Dilation of the second layer.
    #[arg(long, default_value_t = 2)]
    pub dilation: usize,
    /// Most epochs tried on dev.
    #[arg(long, default_value_t = 10)]
    pub max_epochs: usize,
    /// Adam's learning rate.
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f32,
    /// Dropout after the first layer.
    #[arg(long, default_value_t = 0.25)]
    pub dropout: f32,
    /// Seed of the encoder's initialisation, shuffling and dropout.
    #[arg(long, default_value_t = 0xe4c0)]
    pub seed: u64,
    /// Most epochs of the dev perceptron (the best on dev is used).
    #[arg(long, default_value_t = 25)]
    pub perceptron_epochs: usize,
    /// Write the trainer's scores of the first `--check-sentences` dev
    /// sentences here (the core's test compares the run-time scores with them).
    #[arg(
        long,
        default_value = "crates/arabic-text-core/tests/data/encoder-check.tsv.gz"
    )]
    pub check: PathBuf,
    /// Sentences in the check file.
    #[arg(long, default_value_t = 250)]
    pub check_sentences: usize,
    /// The project's annotated paragraphs trained on (as `train-ner
    /// --gold-train`); skipped when the path is empty.
    #[arg(long, default_value = "data/entities/train.jsonl")]
    pub gold_train: PathBuf,
    /// The project's dev paragraphs the choices are made on.
    #[arg(long, default_value = "data/entities/dev.jsonl")]
    pub gold_dev: PathBuf,
    /// Leave ANERcorp in its own convention (as `train-ner --no-harmonise`).
    #[arg(long)]
    pub no_harmonise: bool,
    /// Only the choices on dev and the ablation; write nothing.
    #[arg(long)]
    pub dev_only: bool,
}

/// Encoder weights tried, in units of [`emission_unit`].
const ENC_WEIGHTS: [f32; 11] = [0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0];
/// Extra O shifts tried with them, in the same units.
const O_SHIFTS: [f32; 9] = [-0.1, -0.05, 0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4];

/// Micro F1 of the encoder's scores alone on `samples` (constrained Viterbi,
/// no transition scores).
fn encoder_alone(enc: &Encoder, samples: &[Sample]) -> Scores {
    let zero = [[0f32; L]; L];
    super::ner::score_by(samples, |toks| {
        tagger::viterbi(&enc.scores(toks), &zero, &[0f32; L])
    })
}

fn line(name: &str, s: &Scores) {
    let (p, r, f) = s.prf(0);
    let t: Vec<String> = (1..5).map(|i| format!("{:.1}", s.prf(i).2)).collect();
    println!(
        "| {name} | {p:.2} | {r:.2} | **{f:.2}** | {} |",
        t.join(" | ")
    );
}

/// The sentences of the project's paragraphs in `path` (none for an empty
/// path).
fn project_samples(path: &std::path::Path) -> anyhow::Result<Vec<Sample>> {
    if path.as_os_str().is_empty() {
        return Ok(Vec::new());
    }
    let paragraphs = super::gold::read(path)?;
    let samples: Vec<Sample> = super::gold::to_samples(&paragraphs)?
        .into_iter()
        .flatten()
        .collect();
    eprintln!(
        "{}: {} paragraphs, {} sentences",
        path.display(),
        paragraphs.len(),
        samples.len()
    );
    Ok(samples)
}

/// ANERcorp sentences harmonised to the project's convention, unless
/// `keep` (as `train-ner` does).
fn harmonised(samples: &[Sample], keep: bool) -> Vec<Sample> {
    let mut out = samples.to_vec();
    if !keep {
        for s in &mut out {
            super::harmonise::harmonise(s);
        }
    }
    out
}

/// Trains, chooses on dev, writes the encoder and the check file.
pub fn run(args: &Args) -> anyhow::Result<()> {
    let t0 = Instant::now();
    features::clear_word_memo();
    let split = load_split(&args.data, true)?;
    let project_train = project_samples(&args.gold_train)?;
    let project_dev = project_samples(&args.gold_dev)?;
    let anercorp_dev = harmonised(&split.dev, args.no_harmonise);
    let train: Vec<Sample> = harmonised(&split.train, args.no_harmonise)
        .into_iter()
        .chain(project_train.iter().cloned())
        .collect();
    let dev: Vec<Sample> = project_dev.iter().chain(&anercorp_dev).cloned().collect();
    let gz = std::fs::read(&args.vectors)
        .with_context(|| format!("reading {}", args.vectors.display()))?;
    let vectors = Arc::new(Vectors::from_gz(&args.vectors.display().to_string(), &gz)?);
    eprintln!("vectors: {}", vectors.settings());
    let settings = Settings {
        hidden: args.hidden.max(1),
        dilation: args.dilation.max(1),
        epochs: args.max_epochs.max(1),
        lr: args.lr,
        dropout: args.dropout,
        seed: args.seed,
        ..Settings::default()
    };
    let pcfg = TrainConfig {
        epochs: args.perceptron_epochs.max(1),
        seed: 0x5eed,
        folds: 10,
        margin: 8.0,
        miss_cost: 2.0,
        clusters: features::DEFAULT_CLUSTER_FEATURES,
    };
    let (train, dev) = (&train, &dev);
    // The encoder and the perceptron train side by side, each choosing its
    // epoch count on dev.
    let ((enc_curve, encoders), (best_p, p_epochs)) = std::thread::scope(|scope| {
        let enc = scope.spawn(|| {
            let mut curve = Vec::new();
            let mut kept = Vec::new();
            let t = Instant::now();
            encoder::train(train, &vectors, &settings, |e, enc| {
                let f = encoder_alone(enc, dev).prf(0).2;
                eprintln!(
                    "encoder epoch {e}: dev micro F1 alone {f:.2} ({:.0} s)",
                    t.elapsed().as_secs_f64()
                );
                curve.push(f);
                kept.push(enc.to_raw());
            });
            (curve, kept)
        });
        let mut best: Option<(f64, usize, Model)> = None;
        tagger::train(train, &pcfg, |e, m| {
            let f = score(m, dev).prf(0).2;
            if best.as_ref().is_none_or(|b| f > b.0) {
                best = Some((f, e + 1, m.clone()));
            }
        });
        let (_, pe, pm) = best.expect("at least one epoch");
        (enc.join().expect("encoder thread"), (pm, pe))
    });
    let enc_epochs = enc_curve
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
        .map_or(1, |(e, _)| e + 1);
    let enc_dev = {
        let raw = &encoders[enc_epochs - 1];
        let gz = arabic_text_core_gz(raw)?;
        Encoder::from_gz("dev encoder", &gz, Arc::clone(&vectors))?
    };
    eprintln!("chosen: encoder {enc_epochs} epochs, perceptron {p_epochs} epochs");
    let net = charnet::train(train, &charnet::NetConfig::default());
    let mut m = best_p;
    let unit = emission_unit(&m, dev);
    // 1. The perceptron alone: O bias.
    let mut best = (0f32, f64::MIN);
    for rel in BIAS_STEPS {
        m.set_o_bias(rel * unit);
        let f = score(&m, dev).prf(0).2;
        if f > best.1 + 0.02 {
            best = (rel, f);
        }
    }
    let bias_alone = best.0;
    m.set_o_bias(bias_alone * unit);
    let alone = m.clone();
    // 2. + the character network: weight and O bias.
    let net = Arc::new(net);
    let mut best = (0f32, 0f32, f64::MIN);
    for a in NET_WEIGHTS {
        for rel in BIAS_STEPS {
            m.set_charnet(Arc::clone(&net), a * unit);
            m.set_o_bias(rel * unit);
            let f = score(&m, dev).prf(0).2;
            if f > best.2 + 0.02 {
                best = (a, rel, f);
            }
        }
    }
    let (net_w, net_bias, _) = best;
    m.set_charnet(net, net_w * unit);
    m.set_o_bias(net_bias * unit);
    let with_net = m.clone();
    // 3. + the encoder: its weight and O shift.
    let enc_dev = Arc::new(enc_dev);
    let mut best = (0f32, 0f32, f64::MIN);
    for w in ENC_WEIGHTS {
        for shift in O_SHIFTS {
            let mut e = Encoder::clone_with(&enc_dev, w * unit, shift * unit);
            e.settings.epochs = enc_epochs;
            m.set_encoder(Arc::new(e));
            let f = score(&m, dev).prf(0).2;
            if f > best.2 + 0.02 {
                best = (w, shift, f);
            }
        }
        eprintln!(
            "encoder weight {w:.2} units: best dev F1 so far {:.2}",
            best.2
        );
    }
    let (enc_w, enc_shift, _) = best;
    m.set_encoder(Arc::new(Encoder::clone_with(
        &enc_dev,
        enc_w * unit,
        enc_shift * unit,
    )));
    let mut enc_no_net = m.clone();
    enc_no_net.remove(tagger::CHARNET);
    let rows = [
        (
            format!("perceptron alone ({p_epochs} epochs, O bias {bias_alone:.2})"),
            &alone,
        ),
        (
            format!("+ character network (weight {net_w:.2}, O bias {net_bias:.2})"),
            &with_net,
        ),
        (
            format!("+ encoder ({enc_epochs} epochs, weight {enc_w:.2}, O shift {enc_shift:.2})"),
            &m,
        ),
        (
            "perceptron + encoder, no character network".to_string(),
            &enc_no_net,
        ),
    ];
    for (name, set) in [
        ("the project's dev set", &project_dev),
        ("the ANERcorp dev part (harmonised)", &anercorp_dev),
        ("both (what the choices maximise)", dev),
    ] {
        println!(
            "\n{name} ({} sentences), trained on train less the ANERcorp dev part, document pass:\n",
            set.len()
        );
        println!(
            "| system | P | R | F1 | PERS | LOC | ORG | MISC |\n|---|---|---|---|---|---|---|---|"
        );
        for (row, model) in &rows {
            line(row, &score_running(model, set));
        }
        line(
            "encoder alone (no document pass)",
            &encoder_alone(&enc_dev, set),
        );
    }
    print_scores("dev, + encoder", &score_running(&m, dev));
    if args.dev_only {
        eprintln!("done in {:.0} s", t0.elapsed().as_secs_f64());
        return Ok(());
    }
    // The encoder on all of train, weighted for the committed tagger.
    let full: Vec<Sample> = harmonised(&split.full_train(), args.no_harmonise)
        .into_iter()
        .chain(project_train)
        .collect();
    let final_settings = Settings {
        epochs: enc_epochs,
        ..settings.clone()
    };
    let enc_full = encoder::train(&full, &vectors, &final_settings, |_, _| {});
    let bytes =
        std::fs::read(&args.model).with_context(|| format!("reading {}", args.model.display()))?;
    let mut plain = Model::from_bytes(&args.model.display().to_string(), &bytes)?;
    plain.remove(tagger::ENCODER);
    let unit_full = emission_unit(&plain, &full);
    let mut enc = Encoder::clone_with(&enc_full, enc_w * unit_full, enc_shift * unit_full);
    enc.settings.provenance = format!(
        "ANERcorp train with the reviewed label fixes{} and {} ({} sentences); epochs, weight \
         ({enc_w} units) and O shift ({enc_shift} units) chosen on {} and the ANERcorp dev part; unit \
         {unit_full} of the tagger it was written for",
        if args.no_harmonise {
            ""
        } else {
            ", harmonised"
        },
        args.gold_train.display(),
        full.len(),
        args.gold_dev.display()
    );
    let bytes = enc.to_gz().context("compressing the encoder")?;
    std::fs::write(&args.out, &bytes).with_context(|| format!("writing {}", args.out.display()))?;
    // The check file: the trainer's scores of dev sentences.
    let mut text = String::from("# tokens (space-separated)\tthe trainer's scores, L per token\n");
    for s in dev.iter().take(args.check_sentences) {
        if s.tokens
            .iter()
            .any(|t| t.contains(char::is_whitespace) || t.contains('\t'))
        {
            continue;
        }
        let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
        let scores = encoder::trainer_scores(&enc, &toks);
        let nums: Vec<String> = scores.iter().flatten().map(|x| format!("{x:.5}")).collect();
        text.push_str(&format!("{}\t{}\n", toks.join(" "), nums.join(" ")));
    }
    let check = arabic_text_core_gz(text.as_bytes())?;
    if let Some(dir) = args.check.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.check, check)
        .with_context(|| format!("writing {}", args.check.display()))?;
    println!(
        "wrote {} ({} bytes; weight {:.4}, O shift {:.4}) and {} in {:.0} s",
        args.out.display(),
        bytes.len(),
        enc.settings.weight,
        enc.settings.o_shift,
        args.check.display(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

/// gzip as the model files are written (deterministic).
fn arabic_text_core_gz(raw: &[u8]) -> anyhow::Result<Vec<u8>> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(raw)?;
    Ok(enc.finish()?)
}
