//! `train-embeddings`: word representations for the name tagger from
//! unlabelled text (`../shared/data/unlabelled`, xz files read through
//! `xz -dc`).
//!
//! 1. Tokens: maximal runs of word characters (letters, digits, word-internal
//!    marks: the word runs `entities::units` hands the tagger), folded with
//!    the tagger's own `fold`; each has its form and its clitic-free stem
//!    (`stem_with_article`). One paragraph per line is one training window.
//! 2. Skip-gram with negative sampling (word2vec SGNS), single-threaded and
//!    seeded, so deterministic: every position's form and stem are inputs,
//!    the stems around it (a random window up to `--window`) the contexts;
//!    frequent stems are subsampled; learning rate decays linearly.
//! 3. Bisecting spherical 2-means over the unit vectors of the most frequent
//!    forms and stems, recursively to `--depth` levels: each word gets a bit
//!    path, as Brown clustering gives (`entities::clusters`).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;

use arabic_text_core::chars::{is_word_char, is_word_internal};
use arabic_text_core::entities::clusters::{Clusters, MAX_DEPTH};
use arabic_text_core::entities::fold::{fold, stem_with_article};
use rustc_hash::FxHashMap as FxMap;

use crate::xz;

/// Arguments of `train-embeddings`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory of `*.txt.xz` files (one paragraph per line).
    #[arg(long, default_value = "../shared/data/unlabelled")]
    pub corpus: PathBuf,
    /// Where to write the clusters.
    #[arg(long, default_value = "models/ner-clusters.bin.gz")]
    pub out: PathBuf,
    /// Vector size.
    #[arg(long, default_value_t = 64)]
    pub dim: usize,
    /// Passes over the corpus.
    #[arg(long, default_value_t = 1)]
    pub epochs: usize,
    /// Least count of a form or stem to get a vector.
    #[arg(long, default_value_t = 5)]
    pub min_count: u32,
    /// Largest context window on each side.
    #[arg(long, default_value_t = 5)]
    pub window: usize,
    /// Negative samples per context.
    #[arg(long, default_value_t = 5)]
    pub negative: usize,
    /// Starting learning rate (linear decay to 0.0001 of it).
    #[arg(long, default_value_t = 0.025)]
    pub lr: f32,
    /// Subsampling threshold of frequent stems.
    #[arg(long, default_value_t = 1e-4)]
    pub sample: f64,
    /// Most frequent forms kept in the cluster file.
    #[arg(long, default_value_t = 150_000)]
    pub keep_forms: usize,
    /// Most frequent stems kept in the cluster file.
    #[arg(long, default_value_t = 100_000)]
    pub keep_stems: usize,
    /// Depth of the cluster tree (bits per path, at most 16).
    #[arg(long, default_value_t = 12)]
    pub depth: u8,
    /// Seed of the RNG (initialisation, windows, negatives, subsampling).
    #[arg(long, default_value_t = 0x5eed)]
    pub seed: u64,
    /// Read only this many paragraphs per file (0 = all), for a quick try.
    #[arg(long, default_value_t = 0)]
    pub max_lines: usize,
}

/// SplitMix64: small, seeded, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The corpus as ids: forms and stems share one string table.
struct Corpus {
    words: Vec<String>,
    form_count: Vec<u32>,
    stem_count: Vec<u32>,
    /// Form id of each token; `u32::MAX` ends a paragraph.
    forms: Vec<u32>,
    /// Stem id of each token (`u32::MAX` at paragraph ends).
    stems: Vec<u32>,
}

const END: u32 = u32::MAX;

fn intern(map: &mut FxMap<String, u32>, words: &mut Vec<String>, w: &str) -> u32 {
    if let Some(&id) = map.get(w) {
        return id;
    }
    let id = words.len() as u32;
    words.push(w.to_string());
    map.insert(w.to_string(), id);
    id
}

fn wordish(c: char) -> bool {
    is_word_char(c) || is_word_internal(c) || c.is_numeric()
}

fn read_corpus(args: &Args) -> anyhow::Result<Corpus> {
    let files = xz::txt_files(&args.corpus)?;
    let mut map: FxMap<String, u32> = FxMap::default();
    let mut c = Corpus {
        words: Vec::new(),
        form_count: Vec::new(),
        stem_count: Vec::new(),
        forms: Vec::new(),
        stems: Vec::new(),
    };
    let mut folded = String::new();
    for f in &files {
        let (mut child, lines) = xz::lines(f)?;
        for (n, line) in lines.enumerate() {
            if args.max_lines > 0 && n >= args.max_lines {
                break;
            }
            let line = line.with_context(|| format!("reading {}", f.display()))?;
            for word in line.split(|c: char| !wordish(c)).filter(|w| !w.is_empty()) {
                folded.clear();
                arabic_text_core::entities::fold::fold_into(word, &mut folded);
                if folded.is_empty() {
                    continue;
                }
                let stem = stem_with_article(&folded);
                let fid = intern(&mut map, &mut c.words, &folded);
                let sid = intern(&mut map, &mut c.words, &stem);
                c.form_count.resize(c.words.len(), 0);
                c.stem_count.resize(c.words.len(), 0);
                c.form_count[fid as usize] += 1;
                c.stem_count[sid as usize] += 1;
                c.forms.push(fid);
                c.stems.push(sid);
            }
            c.forms.push(END);
            c.stems.push(END);
        }
        // Stop xz early when only a part was read.
        let _ = child.kill();
        let _ = child.wait();
        eprintln!(
            "read {}: {} tokens so far, {} distinct strings",
            f.display(),
            c.forms.len(),
            c.words.len()
        );
    }
    Ok(c)
}

/// Learned vectors: rows for forms (inputs), stems (inputs) and stems
/// (outputs), indexed by row numbers.
struct Vectors {
    dim: usize,
    form_in: Vec<f32>,
    stem_in: Vec<f32>,
    /// Row of each string as a form / as a stem (`u32::MAX` = none).
    form_row: Vec<u32>,
    stem_row: Vec<u32>,
}

// The window loops index the sentence and the vector rows side by side.
#[allow(clippy::needless_range_loop)]
fn sgns(c: &Corpus, args: &Args) -> Vectors {
    let dim = args.dim;
    let mut rng = Rng(args.seed);
    let rows = |counts: &[u32]| -> (Vec<u32>, usize) {
        let mut n = 0u32;
        let r = counts
            .iter()
            .map(|&k| {
                if k >= args.min_count {
                    n += 1;
                    n - 1
                } else {
                    u32::MAX
                }
            })
            .collect();
        (r, n as usize)
    };
    let (form_row, nf) = rows(&c.form_count);
    let (stem_row, ns) = rows(&c.stem_count);
    eprintln!(
        "vocabulary: {nf} forms, {ns} stems with count >= {}",
        args.min_count
    );
    let init = |n: usize, rng: &mut Rng| -> Vec<f32> {
        (0..n * dim)
            .map(|_| (rng.unit() as f32 - 0.5) / dim as f32)
            .collect()
    };
    let mut form_in = init(nf, &mut rng);
    let mut stem_in = init(ns, &mut rng);
    let mut out = vec![0f32; ns * dim];
    // Unigram^0.75 table over stem rows.
    let mut stem_of_row = vec![0u32; ns];
    for (id, &r) in stem_row.iter().enumerate() {
        if r != u32::MAX {
            stem_of_row[r as usize] = id as u32;
        }
    }
    const TABLE: usize = 10_000_000;
    let pw: Vec<f64> = stem_of_row
        .iter()
        .map(|&id| f64::from(c.stem_count[id as usize]).powf(0.75))
        .collect();
    let total_pw: f64 = pw.iter().sum();
    let mut table = Vec::with_capacity(TABLE);
    let mut acc = 0.0;
    for (r, p) in pw.iter().enumerate() {
        acc += p / total_pw;
        while (table.len() as f64) < acc * TABLE as f64 && table.len() < TABLE {
            table.push(r as u32);
        }
    }
    while table.len() < TABLE {
        table.push(ns.saturating_sub(1) as u32);
    }
    // Sigmoid table on [-6, 6].
    const SIG: usize = 1000;
    let sig: Vec<f32> = (0..SIG)
        .map(|i| {
            let x = (i as f32 / SIG as f32 * 2.0 - 1.0) * 6.0;
            1.0 / (1.0 + (-x).exp())
        })
        .collect();
    let sigmoid = |x: f32| -> f32 {
        if x >= 6.0 {
            1.0
        } else if x <= -6.0 {
            0.0
        } else {
            sig[(((x + 6.0) / 12.0) * SIG as f32) as usize % SIG]
        }
    };
    let total_stems: u64 = c
        .stems
        .iter()
        .filter(|&&s| s != END && stem_row[s as usize] != u32::MAX)
        .count() as u64;
    let threshold = args.sample * total_stems as f64;
    let keep_prob: Vec<f32> = stem_of_row
        .iter()
        .map(|&id| {
            let f = f64::from(c.stem_count[id as usize]);
            if args.sample <= 0.0 {
                1.0
            } else {
                (((f / threshold).sqrt() + 1.0) * threshold / f).min(1.0) as f32
            }
        })
        .collect();
    let planned = (total_stems * args.epochs as u64).max(1) as f64;
    let mut done = 0u64;
    let mut grad = vec![0f32; dim];
    let mut grad2 = vec![0f32; dim];
    let mut sent: Vec<(u32, u32)> = Vec::new();
    let started = Instant::now();
    for epoch in 0..args.epochs {
        let mut begin = 0;
        let mut next_report = 5_000_000u64;
        while begin < c.stems.len() {
            let end = c.stems[begin..]
                .iter()
                .position(|&s| s == END)
                .map_or(c.stems.len(), |p| begin + p);
            sent.clear();
            for k in begin..end {
                let sr = stem_row[c.stems[k] as usize];
                if sr == u32::MAX {
                    continue;
                }
                done += 1;
                if (rng.unit() as f32) >= keep_prob[sr as usize] {
                    continue;
                }
                sent.push((form_row[c.forms[k] as usize], sr));
            }
            begin = end + 1;
            let lr = (args.lr * (1.0 - done as f64 / planned) as f32).max(args.lr * 1e-4);
            for i in 0..sent.len() {
                let b = 1 + (rng.next() % args.window as u64) as usize;
                let (fr, sr) = sent[i];
                let lo = i.saturating_sub(b);
                let hi = (i + b + 1).min(sent.len());
                for j in lo..hi {
                    if j == i {
                        continue;
                    }
                    let ctx = sent[j].1 as usize;
                    grad.iter_mut().for_each(|g| *g = 0.0);
                    grad2.iter_mut().for_each(|g| *g = 0.0);
                    let si = sr as usize * dim;
                    let fi = (fr != u32::MAX).then_some(fr as usize * dim);
                    for d in 0..=args.negative {
                        let (target, label) = if d == 0 {
                            (ctx, 1.0)
                        } else {
                            let t = table[(rng.next() % TABLE as u64) as usize] as usize;
                            if t == ctx {
                                continue;
                            }
                            (t, 0.0)
                        };
                        let o = target * dim;
                        let orow = &mut out[o..o + dim];
                        let srow = &stem_in[si..si + dim];
                        let dot: f32 = srow.iter().zip(orow.iter()).map(|(a, b)| a * b).sum();
                        let g = (label - sigmoid(dot)) * lr;
                        for k in 0..dim {
                            grad[k] += g * orow[k];
                        }
                        if let Some(fi) = fi {
                            let frow = &form_in[fi..fi + dim];
                            let dot2: f32 = frow.iter().zip(orow.iter()).map(|(a, b)| a * b).sum();
                            let g2 = (label - sigmoid(dot2)) * lr;
                            for k in 0..dim {
                                grad2[k] += g2 * orow[k];
                                orow[k] += g2 * frow[k];
                            }
                        }
                        for k in 0..dim {
                            orow[k] += g * srow[k];
                        }
                    }
                    for (x, g) in stem_in[si..si + dim].iter_mut().zip(&grad) {
                        *x += g;
                    }
                    if let Some(fi) = fi {
                        for (x, g) in form_in[fi..fi + dim].iter_mut().zip(&grad2) {
                            *x += g;
                        }
                    }
                }
            }
            if done >= next_report {
                next_report += 5_000_000;
                eprintln!(
                    "epoch {}: {:.1}M tokens, {:.0}k tokens/s, lr {lr:.5}",
                    epoch + 1,
                    done as f64 / 1e6,
                    done as f64 / 1e3 / started.elapsed().as_secs_f64()
                );
            }
        }
    }
    Vectors {
        dim,
        form_in,
        stem_in,
        form_row,
        stem_row,
    }
}

/// Bit paths of the unit vectors `v` (row-major, `dim` wide) by recursive
/// spherical 2-means to `depth` levels.
fn bisect(v: &[f32], dim: usize, depth: u8) -> Vec<u16> {
    let n = v.len() / dim;
    let mut path = vec![0u16; n];
    let mut stack: Vec<(Vec<usize>, u8)> = vec![((0..n).collect(), 0)];
    let dot = |a: &[f32], b: &[f32]| -> f32 { a.iter().zip(b).map(|(x, y)| x * y).sum() };
    let row = |i: usize| &v[i * dim..(i + 1) * dim];
    while let Some((members, level)) = stack.pop() {
        if level >= depth || members.len() < 2 {
            // Leaves above full depth keep zero bits below.
            for &i in &members {
                path[i] <<= depth - level;
            }
            continue;
        }
        // Deterministic start: the member least like the mean, then the
        // member least like it.
        let mut mean = vec![0f32; dim];
        for &i in &members {
            for (m, x) in mean.iter_mut().zip(row(i)) {
                *m += x;
            }
        }
        let far = |from: &[f32]| -> usize {
            let mut best = (f32::INFINITY, members[0]);
            for &i in &members {
                let d = dot(from, row(i));
                if d < best.0 {
                    best = (d, i);
                }
            }
            best.1
        };
        let a = far(&mean);
        let b = far(row(a));
        let mut cent = [row(a).to_vec(), row(b).to_vec()];
        let mut side = vec![false; members.len()];
        for _ in 0..8 {
            for (s, &i) in side.iter_mut().zip(&members) {
                *s = dot(&cent[1], row(i)) > dot(&cent[0], row(i));
            }
            let mut sums = [vec![0f32; dim], vec![0f32; dim]];
            for (s, &i) in side.iter().zip(&members) {
                for (m, x) in sums[usize::from(*s)].iter_mut().zip(row(i)) {
                    *m += x;
                }
            }
            for (c, s) in cent.iter_mut().zip(sums) {
                let norm = s.iter().map(|x| x * x).sum::<f32>().sqrt();
                if norm > 0.0 {
                    *c = s.iter().map(|x| x / norm).collect();
                }
            }
        }
        let (mut left, mut right) = (Vec::new(), Vec::new());
        for (s, &i) in side.iter().zip(&members) {
            path[i] <<= 1;
            if *s {
                path[i] |= 1;
                right.push(i);
            } else {
                left.push(i);
            }
        }
        stack.push((right, level + 1));
        stack.push((left, level + 1));
    }
    path
}

/// The `keep` most frequent strings having rows (ties by text) as
/// unit-length vectors.
fn top_unit_vectors(
    c: &Corpus,
    counts: &[u32],
    rows: &[u32],
    m: &[f32],
    dim: usize,
    keep: usize,
) -> (Vec<String>, Vec<f32>) {
    let mut ids: Vec<usize> = (0..rows.len()).filter(|&i| rows[i] != u32::MAX).collect();
    ids.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(c.words[a].cmp(&c.words[b])));
    ids.truncate(keep);
    let mut out = Vec::with_capacity(ids.len() * dim);
    for &i in &ids {
        let r = rows[i] as usize * dim;
        let x = &m[r..r + dim];
        let norm = x.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
        out.extend(x.iter().map(|v| v / norm));
    }
    (ids.into_iter().map(|i| c.words[i].clone()).collect(), out)
}

/// Runs `train-embeddings`.
pub fn run(args: &Args) -> anyhow::Result<()> {
    anyhow::ensure!(args.depth <= MAX_DEPTH, "--depth is at most {MAX_DEPTH}");
    anyhow::ensure!(
        args.window >= 1 && args.dim >= 1,
        "--window and --dim must be positive"
    );
    let t0 = Instant::now();
    let corpus = read_corpus(args)?;
    let read = t0.elapsed();
    eprintln!(
        "corpus: {} tokens in {:.1}s",
        corpus.forms.len(),
        read.as_secs_f64()
    );
    let vecs = sgns(&corpus, args);
    let trained = t0.elapsed();
    let (fw, fv) = top_unit_vectors(
        &corpus,
        &corpus.form_count,
        &vecs.form_row,
        &vecs.form_in,
        vecs.dim,
        args.keep_forms,
    );
    let (sw, sv) = top_unit_vectors(
        &corpus,
        &corpus.stem_count,
        &vecs.stem_row,
        &vecs.stem_in,
        vecs.dim,
        args.keep_stems,
    );
    let fp = bisect(&fv, vecs.dim, args.depth);
    let sp = bisect(&sv, vecs.dim, args.depth);
    let clusters = Clusters {
        depth: args.depth,
        forms: fw.into_iter().zip(fp).collect(),
        stems: sw.into_iter().zip(sp).collect(),
    };
    let bytes = clusters.to_bytes().context("compressing the clusters")?;
    std::fs::write(&args.out, &bytes).with_context(|| format!("writing {}", args.out.display()))?;
    // Show a few neighbourhoods, as a sanity check.
    for probe in ["بغداد", "محمد", "وزاره", "الاتحاد", "يناير"] {
        let f = fold(probe);
        if let Some(&p) = clusters.stems.get(&f) {
            let mut same: Vec<&String> = clusters
                .stems
                .iter()
                .filter(|&(_, &q)| q == p)
                .map(|(w, _)| w)
                .collect();
            same.sort();
            same.truncate(12);
            eprintln!(
                "cluster of {probe} ({p:0width$b}): {same:?}",
                width = usize::from(args.depth)
            );
        }
    }
    println!(
        "wrote {} ({} bytes; {} forms, {} stems, depth {}): read {:.0}s, vectors {:.0}s, total {:.0}s",
        args.out.display(),
        bytes.len(),
        clusters.forms.len(),
        clusters.stems.len(),
        args.depth,
        read.as_secs_f64(),
        (trained - read).as_secs_f64(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bisection_separates_two_directions_and_paths_have_depth_bits() {
        let v = [1.0, 0.0, 0.99, 0.14, 0.0, 1.0, 0.14, 0.99];
        let p = bisect(&v, 2, 3);
        assert_eq!(p[0] >> 2, p[1] >> 2);
        assert_eq!(p[2] >> 2, p[3] >> 2);
        assert_ne!(p[0] >> 2, p[2] >> 2);
        assert!(p.iter().all(|&x| x < 8));
    }
}
