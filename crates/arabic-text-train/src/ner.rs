//! `train-ner` and `eval-ner` on ANERcorp (split by [`super::anercorp`]).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;

use super::anercorp::{self, Split};
use super::ner_cv::*;
pub use super::ner_score::*;
use arabic_text_core::entities::charnet;
use arabic_text_core::entities::document::{self, Rules};
use arabic_text_core::entities::features;
use arabic_text_core::entities::orgs::OrgPhrases;
use arabic_text_core::entities::tagger::{self, Model, Sample, TrainConfig, chunks};

/// Arguments of `train-ner`.
#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// The ANERcorp file.
    #[arg(long, default_value = "../shared/data/anercorp/ANERCorp")]
    pub data: PathBuf,
    /// Where to write the model.
    #[arg(long, default_value = "models/ner-model.bin.gz")]
    pub out: PathBuf,
    /// Most epochs tried by the cross-validation; the best count is used for the final model.
    #[arg(long, default_value_t = 25)]
    pub max_epochs: usize,
    /// Seed of the shuffling RNG.
    #[arg(long, default_value_t = 0x5eed)]
    pub seed: u64,
    /// Folds of the jackknifed train gazetteer.
    #[arg(long, default_value_t = 10)]
    pub folds: usize,
    /// Margin of loss-augmented training (0 = plain perceptron); chosen by
    /// `--cv 5` on train.
    #[arg(long, default_value_t = 8.0)]
    pub margin: f32,
    /// Margin multiplier for entity tokens labelled O (recall over precision).
    #[arg(long, default_value_t = 2.0)]
    pub miss_cost: f32,
    /// Folds of the cross-validation over train that chooses the epoch
    /// count, O bias and temperature (about 9,000 held-out entities: a
    /// steadier signal than a small dev part).
    #[arg(long, value_name = "K", default_value_t = 5)]
    pub cv: usize,
    /// Only cross-validate and print the held-out scores (for comparing
    /// features); write no model.
    #[arg(long)]
    pub cv_only: bool,
    /// Write the held-out sentences the cross-validation models get wrong
    /// here (missed `-` and spurious `+` mentions), for error analysis
    /// without touching test.
    #[arg(long)]
    pub errors: Option<PathBuf>,
    /// Embedding size of the character network.
    #[arg(long, default_value_t = 32)]
    pub net_dim: usize,
    /// Hidden units of the character network.
    #[arg(long, default_value_t = 32)]
    pub net_hidden: usize,
    /// log2 of the hashed embedding rows of the character network.
    #[arg(long, default_value_t = 18)]
    pub net_bits: u32,
    /// Epochs of the character-aware network ([`charnet`]) whose logits are
    /// added to the perceptron's emissions (0 = no network); its weight is
    /// chosen with the O bias by the cross-validation.
    #[arg(long, default_value_t = 4)]
    pub net_epochs: usize,
    /// Adagrad learning rate of the character network.
    #[arg(long, default_value_t = 0.1)]
    pub net_lr: f32,
    /// Word-cluster templates (0 none, 1 the token's, 2 and its neighbours',
    /// 3 and the second neighbours' and pairs); recorded in the model, which
    /// runs with them.
    #[arg(long, default_value_t = features::DEFAULT_CLUSTER_FEATURES)]
    pub cluster_features: u8,
    /// NewsFANE's new sentences (`newsfane-new.txt`, read by
    /// [`super::newsfane`]) as extra training data: added to the final
    /// model's training data and to every cross-validation fold's training
    /// part, never to a held-out block, so the cross-validation still scores
    /// ANERcorp train only.
    #[arg(long, value_name = "PATH")]
    pub newsfane: Option<PathBuf>,
    /// The project's own annotated paragraphs (docs/entities-convention.md),
    /// trained on beside ANERcorp train and cross-validated with it (each
    /// fold holds out a block of each); skipped when the file is absent or
    /// the path is empty.
    #[arg(long, default_value = "data/entities/train.jsonl")]
    pub gold_train: PathBuf,
    /// Leave ANERcorp train in its own convention instead of harmonising it
    /// to the project's (`harmonise.rs`: designators inside names,
    /// institutions with a nationality adjective, no currency MISC).
    #[arg(long)]
    pub no_harmonise: bool,
    /// Write every ANERcorp train sentence the harmonisation changed, with
    /// the rules that fired, here.
    #[arg(long)]
    pub harmonise_report: Option<PathBuf>,
    /// Leave ANERcorp train's labels as they are, without the reviewed fixes
    /// of `crates/arabic-text-train/data/anercorp-label-fixes.tsv` (to
    /// measure them).
    #[arg(long)]
    pub no_label_fixes: bool,
    /// Train nothing: read this model, written by `train-ner` with these
    /// same arguments in the format before the settings block (ARNER003),
    /// and write it at `--out` in the current one, with the settings these
    /// arguments and the `--chosen-*` values say (the weights unchanged).
    #[arg(long, value_name = "OLD_MODEL", requires_all = ["chosen_epochs", "chosen_o_bias", "chosen_net_weight"])]
    pub upgrade: Option<PathBuf>,
    /// With `--upgrade`: the epoch count the cross-validation chose.
    #[arg(long, requires = "upgrade")]
    pub chosen_epochs: Option<usize>,
    /// With `--upgrade`: the O bias it chose, in emission units.
    #[arg(long, requires = "upgrade")]
    pub chosen_o_bias: Option<f32>,
    /// With `--upgrade`: the network weight it chose, in emission units.
    #[arg(long, requires = "upgrade")]
    pub chosen_net_weight: Option<f32>,
}

/// The perceptron's training configuration of `args`, at `epochs`.
fn train_config(args: &TrainArgs, epochs: usize) -> TrainConfig {
    TrainConfig {
        epochs: epochs.max(1),
        seed: args.seed,
        folds: args.folds.max(1),
        margin: args.margin,
        miss_cost: args.miss_cost,
        clusters: args.cluster_features,
    }
}

/// The character network's configuration of `args` (none for
/// `--net-epochs 0`).
fn net_config(args: &TrainArgs) -> Option<charnet::NetConfig> {
    (args.net_epochs > 0).then(|| charnet::NetConfig {
        dim: args.net_dim.max(1),
        hidden: args.net_hidden.max(1),
        bits: args.net_bits.clamp(8, 22),
        epochs: args.net_epochs,
        lr: args.net_lr,
        ..charnet::NetConfig::default()
    })
}

/// Every setting of the model `train-ner` writes with `args`: the
/// perceptron's (`cfg`), the network's, the cross-validation's choices
/// (`rel_bias`, `rel_net` in emission units) and the data.
fn model_settings(
    args: &TrainArgs,
    cfg: &TrainConfig,
    rel_bias: f32,
    rel_net: f32,
) -> tagger::Settings {
    let net = net_config(args);
    let k = args.cv.max(2);
    let mut data = format!(
        "ANERcorp train ({}{}{})",
        args.data.display(),
        if args.no_label_fixes {
            ""
        } else {
            ", reviewed label fixes"
        },
        if args.no_harmonise {
            ""
        } else {
            ", harmonised"
        }
    );
    if !args.gold_train.as_os_str().is_empty() {
        data.push_str(&format!(
            " and {} (where present)",
            args.gold_train.display()
        ));
    }
    if let Some(p) = &args.newsfane {
        data.push_str(&format!(" and NewsFANE ({})", p.display()));
    }
    tagger::Settings {
        net_epochs: net.map_or(0, |n| n.epochs),
        net_lr: net.map_or(0.0, |n| n.lr),
        net_seed: net.map_or(0, |n| n.seed),
        cv: k,
        o_bias_units: rel_bias,
        net_weight_units: rel_net,
        provenance: format!(
            "train-ner on {data}; epochs (of at most {}), network weight, O bias and temperature \
             chosen by {k}-fold cross-validation",
            args.max_epochs
        ),
        ..cfg.settings()
    }
}

/// `--upgrade`: the old model rewritten in the current format with the
/// settings `args` and the `--chosen-*` values say.
fn upgrade(args: &TrainArgs, old: &std::path::Path) -> anyhow::Result<()> {
    let missing = || {
        anyhow::anyhow!("--upgrade needs --chosen-epochs, --chosen-o-bias and --chosen-net-weight")
    };
    let epochs = args.chosen_epochs.ok_or_else(missing)?;
    let rel_bias = args.chosen_o_bias.ok_or_else(missing)?;
    let rel_net = args.chosen_net_weight.ok_or_else(missing)?;
    let settings = model_settings(args, &train_config(args, epochs), rel_bias, rel_net);
    let bytes = std::fs::read(old).with_context(|| format!("reading {}", old.display()))?;
    let model = Model::from_legacy_bytes(&old.display().to_string(), &bytes, settings)?;
    write_model(&model, &args.out)?;
    println!(
        "rewrote {} as {} ({} features, scorers {:?})",
        old.display(),
        args.out.display(),
        model.num_features(),
        model.scorer_names()
    );
    Ok(())
}

/// Writes `model` at `out` (its folder made if need be); the bytes written.
fn write_model(model: &Model, out: &std::path::Path) -> anyhow::Result<usize> {
    let bytes = model.to_bytes().context("compressing the model")?;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    Ok(bytes.len())
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

/// Reads ANERcorp and splits it, with the reviewed train label fixes when
/// `fixes` (the test part is the same either way).
pub(crate) fn load_split(path: &PathBuf, fixes: bool) -> anyhow::Result<Split> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading ANERcorp from {}", path.display()))?;
    let split = if fixes {
        let fixes = anercorp::parse_fixes(anercorp::LABEL_FIXES).map_err(anyhow::Error::msg)?;
        eprintln!("ANERcorp train: {} reviewed label fixes", fixes.len());
        anercorp::split_fixed(&text, &fixes).map_err(anyhow::Error::msg)?
    } else {
        anercorp::split(&text)
    };
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

/// Temperature grid for confidences.
const TEMPERATURES: [f32; 12] = [
    1.0, 2.0, 4.0, 8.0, 12.0, 16.0, 24.0, 32.0, 48.0, 64.0, 96.0, 128.0,
];

/// Trains the model. K-fold cross-validation over all of train (contiguous
/// blocks, so an article's repeated names stay in one block; folds run in
/// parallel) chooses the epoch count, then the O bias and the confidence
/// temperature on the pooled held-out predictions; the final model is
/// trained on all of train with them.
pub fn train(args: &TrainArgs) -> anyhow::Result<()> {
    if let Some(old) = &args.upgrade {
        return upgrade(args, old);
    }
    features::clear_word_memo();
    let split = load_split(&args.data, !args.no_label_fixes)?;
    let mut anercorp_train = split.full_train();
    if !args.no_harmonise {
        let report = harmonise_all(&mut anercorp_train);
        if let Some(path) = &args.harmonise_report {
            std::fs::write(path, report).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    let project: Vec<Sample> =
        if !args.gold_train.as_os_str().is_empty() && args.gold_train.exists() {
            let paragraphs = super::gold::read(&args.gold_train)?;
            let samples: Vec<Sample> = super::gold::to_samples(&paragraphs)?
                .into_iter()
                .flatten()
                .collect();
            eprintln!(
                "project gold {}: {} paragraphs, {} sentences, {} tokens",
                args.gold_train.display(),
                paragraphs.len(),
                samples.len(),
                samples.iter().map(|s| s.tokens.len()).sum::<usize>()
            );
            samples
        } else {
            Vec::new()
        };
    let extra = match &args.newsfane {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading NewsFANE from {}", path.display()))?;
            let (samples, stats) = super::newsfane::read(&text);
            eprintln!("NewsFANE: {stats:?}");
            // Never a sentence that repeats test text.
            let test = text_grams(&split.test);
            let (kept, out): (Vec<Sample>, Vec<Sample>) = samples
                .into_iter()
                .partition(|s| shared(s, &test) < SHARED_MAX);
            let train = text_grams(&anercorp_train);
            let repeats = kept
                .iter()
                .filter(|s| shared(s, &train) >= SHARED_MAX)
                .count();
            eprintln!(
                "NewsFANE: {} sentences kept, {} left out for repeating test text; {repeats} of \
                 those kept repeat ANERcorp train text",
                kept.len(),
                out.len()
            );
            kept
        }
        None => Vec::new(),
    };
    let t0 = Instant::now();
    let cfg = train_config(args, args.max_epochs);
    let k = args.cv.max(2);
    // Each fold holds out a contiguous block of ANERcorp train and one of the
    // project's paragraphs: the corpus is laid out block by block.
    let mut cv_corpus: Vec<Sample> = Vec::with_capacity(anercorp_train.len() + project.len());
    let mut bounds = Vec::with_capacity(k);
    for f in 0..k {
        let lo = cv_corpus.len();
        for src in [&anercorp_train, &project] {
            let n = src.len();
            cv_corpus.extend_from_slice(&src[n * f / k..n * (f + 1) / k]);
        }
        bounds.push((lo, cv_corpus.len()));
    }
    let parts = folds_at(&cv_corpus, &bounds, &extra);
    let full: Vec<Sample> = anercorp_train
        .iter()
        .chain(&project)
        .chain(&extra)
        .cloned()
        .collect();
    // 1. Pooled held-out F1 after every epoch.
    let curves = per_fold(&parts, |held, rest| {
        let mut curve = Vec::new();
        tagger::train(rest, &cfg, |_, model| curve.push(score(model, held)));
        curve
    })?;
    let mut pooled = vec![Scores::default(); cfg.epochs];
    for curve in &curves {
        for (acc, s) in pooled.iter_mut().zip(curve) {
            pool(acc, s);
        }
    }
    for (e, s) in pooled.iter().enumerate() {
        let (p, r, f) = s.prf(0);
        eprintln!(
            "epoch {:2}: {k}-fold cv micro F1 {f:.2} (P {p:.2} R {r:.2})",
            e + 1
        );
    }
    let epochs = pooled
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.prf(0).2.total_cmp(&b.1.prf(0).2).then(b.0.cmp(&a.0)))
        .map_or(cfg.epochs, |(e, _)| e + 1);
    // 2. Fold models at that count: O bias and temperature, set on the fold
    // models in place (each in its own unit) and scored on their blocks.
    let cfg = TrainConfig { epochs, ..cfg };
    let mut models = per_fold(&parts, |_, rest| tagger::train(rest, &cfg, |_, _| {}))?;
    let units: Vec<f32> = models
        .iter()
        .zip(&parts)
        .map(|(m, (held, _))| emission_unit(m, held))
        .collect();
    let set_bias = |models: &mut [Model], rel: f32| {
        for (m, unit) in models.iter_mut().zip(&units) {
            m.set_o_bias(rel * unit);
        }
    };
    let held_out = |models: &[Model]| -> Scores {
        let mut acc = Scores::default();
        for (m, (held, _)) in models.iter().zip(&parts) {
            pool(&mut acc, &score(m, held));
        }
        acc
    };
    let ncfg = net_config(args);
    let (rel_net, rel_bias) = match &ncfg {
        Some(ncfg) => {
            let t_net = Instant::now();
            let nets = per_fold(&parts, |_, rest| charnet::train(rest, ncfg))?;
            eprintln!(
                "character networks ({ncfg:?}) trained in {:.1} s",
                t_net.elapsed().as_secs_f64()
            );
            let (a, rel) = cv_charnet(&mut models, &nets, &parts, &units);
            for ((m, net), unit) in models.iter_mut().zip(nets).zip(&units) {
                m.set_charnet(Arc::new(net), a * unit);
            }
            (a, rel)
        }
        None => {
            let mut best = (0f32, f64::MIN);
            for rel in BIAS_STEPS {
                set_bias(&mut models, rel);
                let f = held_out(&models).prf(0).2;
                eprintln!("O bias {rel:.2} units: {k}-fold cv micro F1 {f:.2}");
                if f > best.1 + 0.05 {
                    best = (rel, f);
                }
            }
            (0.0, best.0)
        }
    };
    set_bias(&mut models, rel_bias);
    let temperature = TEMPERATURES
        .into_iter()
        .map(|t| {
            let total: f64 = models
                .iter_mut()
                .zip(&parts)
                .map(|(m, (held, _))| nll(m, held, t) * held.len() as f64)
                .sum();
            (t, total)
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(1.0, |(t, _)| t);
    for m in models.iter_mut() {
        m.temperature = temperature;
    }
    eprintln!(
        "chosen: {epochs} epochs, net weight {rel_net:.2} units, O bias {rel_bias:.2} units, \
         temperature {temperature}"
    );
    print_scores(
        &format!("{k}-fold cross-validation on train, sentence by sentence"),
        &held_out(&models),
    );
    // 3. The document pass: its thresholds over the pooled held-out blocks.
    let decoded: Vec<Vec<Decoded>> = models
        .iter()
        .zip(&parts)
        .map(|(m, (held, _))| decode(m, held))
        .collect();
    let pooled_with = |rules: Option<&Rules>| -> Scores {
        let mut acc = Scores::default();
        for ((m, (held, _)), dec) in models.iter().zip(&parts).zip(&decoded) {
            pool(
                &mut acc,
                &score_labels(held, &with_document_pass(m, dec, rules)),
            );
        }
        acc
    };
    eprintln!(
        "document pass (surname max Zipf; one-word mention min confidence / max Zipf): cv micro F1"
    );
    for surname_max_zipf in [0.0, 4.0, 4.5, 5.0] {
        let mut line = format!("  surnames < {surname_max_zipf:.1}:");
        for (single_min_confidence, single_max_zipf) in [
            (2.0, 0.0),
            (0.3, 4.0),
            (0.3, 5.0),
            (0.6, 4.0),
            (0.6, 5.0),
            (0.8, 5.0),
        ] {
            let rules = Rules {
                surname_max_zipf,
                single_min_confidence,
                single_max_zipf,
            };
            let f = pooled_with(Some(&rules)).prf(0).2;
            line.push_str(&format!(
                "  {single_min_confidence:.1}/{single_max_zipf:.0} {f:.2}"
            ));
        }
        eprintln!("{line}");
    }
    let rules = Rules::default();
    for orgs in [OrgPhrases::Off, OrgPhrases::Heads, OrgPhrases::Whole] {
        let mut acc = Scores::default();
        for ((m, (held, _)), dec) in models.iter().zip(&parts).zip(&decoded) {
            let labels = with_document_window(m, dec, Some(&rules), document::EVAL_WINDOW, orgs);
            pool(&mut acc, &score_labels(held, &labels));
        }
        let (_, _, f) = acc.prf(0);
        let (op, or, of) = acc.prf(3);
        eprintln!(
            "organisation phrases {orgs:?}: cv micro F1 {f:.2}, ORG P {op:.2} R {or:.2} F1 {of:.2}"
        );
    }
    print_scores(
        &format!(
            "{k}-fold cross-validation on train (held-out blocks, chosen settings, \
             document pass {rules:?})"
        ),
        &pooled_with(Some(&rules)),
    );
    if let Some(path) = &args.errors {
        let report: String = models
            .iter()
            .zip(&parts)
            .zip(&decoded)
            .map(|((m, (held, _)), dec)| {
                error_report(held, &with_document_pass(m, dec, Some(&rules)))
            })
            .collect();
        std::fs::write(path, report).with_context(|| format!("writing {}", path.display()))?;
    }
    if args.cv_only {
        eprintln!("cross-validated in {:.1} s", t0.elapsed().as_secs_f64());
        return Ok(());
    }
    // 4. The final model on all of train.
    // The network trains in a second thread beside the perceptron.
    let (mut model, net) = std::thread::scope(|scope| {
        let full = &full;
        let net = ncfg.map(|c| scope.spawn(move || charnet::train(full, &c)));
        let model = tagger::train(full, &cfg, |_, _| {});
        (model, net.map(|h| h.join()))
    });
    let unit = emission_unit(&model, &full);
    model.temperature = temperature;
    model.set_o_bias(rel_bias * unit);
    if let Some(net) = net {
        let net = net.map_err(|_| anyhow::anyhow!("training the character network failed"))?;
        model.set_charnet(Arc::new(net), rel_net * unit);
    }
    model.settings = model_settings(args, &cfg, rel_bias, rel_net);
    let bytes = write_model(&model, &args.out)?;
    println!(
        "trained in {:.1} s: {} features, {} gazetteer phrases, {} bytes -> {}",
        t0.elapsed().as_secs_f64(),
        model.num_features(),
        model.gazetteer().len(),
        bytes,
        args.out.display()
    );
    Ok(())
}

/// Harmonises ANERcorp train in place (`harmonise.rs`) and returns the
/// report of changed sentences (before and after, with the rules).
fn harmonise_all(samples: &mut [Sample]) -> String {
    use std::collections::BTreeMap;
    let mut counts: BTreeMap<super::harmonise::Rule, usize> = BTreeMap::new();
    let mut report = String::new();
    let mut changed = 0;
    for s in samples.iter_mut() {
        let before = s.labels.clone();
        let fired = super::harmonise::harmonise(s);
        if fired.is_empty() {
            continue;
        }
        changed += 1;
        for r in &fired {
            *counts.entry(*r).or_default() += 1;
        }
        let show = |labels: &[u8]| -> String {
            s.tokens
                .iter()
                .zip(labels)
                .map(|(t, &l)| {
                    if l == 0 {
                        t.clone()
                    } else {
                        format!("{t}/{}", tagger::LABELS[l as usize])
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        report.push_str(&format!(
            "{fired:?}\n- {}\n+ {}\n",
            show(&before),
            show(&s.labels)
        ));
    }
    eprintln!("ANERcorp train harmonised: {changed} sentences changed; rules fired: {counts:?}");
    report
}

/// One block per sentence whose predicted entities differ from gold: the
/// missed (`-`) and spurious (`+`) mentions with their types.
pub(crate) fn error_report(samples: &[Sample], preds: &[Vec<u8>]) -> String {
    use std::fmt::Write as _;
    const TYPES: [&str; 5] = ["", "PERS", "LOC", "ORG", "MISC"];
    let mut out = String::new();
    for (sample, pred) in samples.iter().zip(preds) {
        let toks: Vec<&str> = sample.tokens.iter().map(String::as_str).collect();
        let pred = chunks(pred);
        let gold = chunks(&sample.labels);
        if pred == gold {
            continue;
        }
        let phrase = |&(b, e, _): &(usize, usize, u8)| toks.get(b..e).unwrap_or(&[]).join(" ");
        let _ = writeln!(out, "# {}", toks.join(" "));
        for g in gold.iter().filter(|g| !pred.contains(g)) {
            let _ = writeln!(out, "-{}\t{}", TYPES[g.2 as usize % 5], phrase(g));
        }
        for p in pred.iter().filter(|p| !gold.contains(p)) {
            let _ = writeln!(out, "+{}\t{}", TYPES[p.2 as usize % 5], phrase(p));
        }
        out.push('\n');
    }
    out
}
