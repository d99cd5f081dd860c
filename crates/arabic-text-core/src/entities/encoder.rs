//! A context encoder over subword vectors: a scorer whose tag scores, times
//! a weight, are added to the tagger's emissions before Viterbi
//! ([`Encoder::add_scores`]).
//!
//! Each token is its input row: the [`Vectors`] of its folded form and of
//! its clitic-free stem, and its knowledge facts (wordfreq buckets of both,
//! the name-list bits and the place flag of the stem, the shape class) as
//! one-hot values. Two convolutions over the sentence (a dilated CNN, as
//! Strubell et al.'s ID-CNN, kept small for speed):
//!
//! - layer 1, kernel 3: `h1[t] = relu(b1 + Σ_p W1[p] x[t+p-1])`;
//! - layer 2, kernel 3, dilation `d`: `h2[t] = relu(b2 + Σ_p W2[p] h1[t+(p-1)d]) + h1[t]`;
//! - scores `s[t] = b3 + W3 h2[t]`, one per label.
//!
//! Layer 1 reads words alone: `W1[p] x` for the three positions is computed
//! once per distinct word and memoized with the word (the tagger's word
//! memo), so a token costs layer 2 and the scores. Trained by hand (Adam,
//! per-token cross-entropy, dropout after layer 1), deterministically.
//!
//! The model file (`models/ner-encoder.bin.gz`) holds the weights and every
//! setting the encoder was trained and combined with, and the fingerprint
//! of the vectors it was trained on: loading it with other vectors fails.

// Dense numeric kernels read best with index loops.
#![allow(clippy::needless_range_loop)]

use std::sync::Arc;

use super::fold::{fold, shape, stem_with_article};
use super::knowledge::Knowledge;
use super::labels::L;
use super::vectors::Vectors;
use crate::error::ModelError;

/// Kernel width of both layers.
const K: usize = 3;

/// One-hot knowledge inputs: form and stem frequency buckets (8 each), the
/// two name bits, the place flag, six shape classes.
pub const KNOWLEDGE: usize = 8 + 8 + 2 + 1 + 6;

/// The shape classes of `features::shape`, in input order.
const SHAPES: [u8; 6] = [b'a', b'l', b'd', b'p', b'n', b'm'];

/// The file's first bytes.
const MAGIC: &[u8; 8] = b"ARENC01\n";

/// Every setting of an encoder: its sizes, how it was trained and how its
/// scores are combined with the tagger's.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Units of both layers.
    pub hidden: usize,
    /// Dilation of layer 2.
    pub dilation: usize,
    /// Passes over the training data (chosen on dev).
    pub epochs: usize,
    /// Adam's learning rate.
    pub lr: f32,
    /// Dropout rate after layer 1 (training only).
    pub dropout: f32,
    /// Seed of initialisation, shuffling and dropout.
    pub seed: u64,
    /// Multiplier of the scores added to the tagger's emissions (chosen on
    /// dev with the tagger it was combined with).
    pub weight: f32,
    /// Subtracted from the O emission besides the tagger's own O bias
    /// (chosen on dev with the weight).
    pub o_shift: f32,
    /// [`Vectors::fingerprint`] of the vectors trained on.
    pub vectors: u64,
    /// What it was trained on and how the weight was chosen (free text).
    pub provenance: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            hidden: 64,
            dilation: 2,
            epochs: 6,
            lr: 1e-3,
            dropout: 0.25,
            seed: 0xe4c0,
            weight: 0.0,
            o_shift: 0.0,
            vectors: 0,
            provenance: String::new(),
        }
    }
}

impl Settings {
    /// `key=value` lines (the file's settings block).
    fn to_text(&self) -> String {
        format!(
            "hidden={}\ndilation={}\nepochs={}\nlr={}\ndropout={}\nseed={}\nweight={}\n\
             o_shift={}\nvectors={:016x}\nprovenance={}\n",
            self.hidden,
            self.dilation,
            self.epochs,
            self.lr,
            self.dropout,
            self.seed,
            self.weight,
            self.o_shift,
            self.vectors,
            self.provenance.replace('\n', " ")
        )
    }

    fn from_text(text: &str) -> Option<Self> {
        let mut s = Settings::default();
        for line in text.lines() {
            let (k, v) = line.split_once('=')?;
            match k {
                "hidden" => s.hidden = v.parse().ok()?,
                "dilation" => s.dilation = v.parse().ok()?,
                "epochs" => s.epochs = v.parse().ok()?,
                "lr" => s.lr = v.parse().ok()?,
                "dropout" => s.dropout = v.parse().ok()?,
                "seed" => s.seed = v.parse().ok()?,
                "weight" => s.weight = v.parse().ok()?,
                "o_shift" => s.o_shift = v.parse().ok()?,
                "vectors" => s.vectors = u64::from_str_radix(v, 16).ok()?,
                "provenance" => s.provenance = v.to_string(),
                _ => return None,
            }
        }
        Some(s)
    }
}

/// A trained encoder.
#[derive(Debug)]
pub struct Encoder {
    /// Its settings, as stored.
    pub settings: Settings,
    /// The subword vectors its inputs are made of.
    vectors: Arc<Vectors>,
    /// Input size: two vectors and the knowledge one-hots.
    input: usize,
    /// Layer 1, `[K][input][hidden]`.
    w1: Vec<f32>,
    /// Layer 1 biases.
    b1: Vec<f32>,
    /// Layer 2, `[K][hidden][hidden]`.
    w2: Vec<f32>,
    /// Layer 2 biases.
    b2: Vec<f32>,
    /// Scores, `[hidden][L]`.
    w3: Vec<f32>,
    /// Score biases.
    b3: [f32; L],
    /// Identifies these weights in the per-word memo ([`Projection`]).
    id: u64,
}

/// Layer 1's contributions of one word at the three kernel positions
/// (`K × hidden`), memoized with the word.
#[derive(Debug)]
pub(crate) struct Projection {
    /// The encoder ([`Encoder::id`]) that made it.
    encoder: u64,
    /// The values.
    values: Box<[f32]>,
}

/// A fresh encoder identity.
fn next_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// `y += a * x`.
#[inline]
fn axpy(y: &mut [f32], a: f32, x: &[f32]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y += a * x;
    }
}

/// What the encoder reads of a word: its folded form and clitic-free stem
/// and what the knowledge lists say of them. The tagger fills it from its
/// word analyses (the same facts); [`WordInput::of`] from a token.
#[derive(Clone, Copy, Debug)]
pub(crate) struct WordInput<'a> {
    /// The token folded ([`fold`]).
    pub(crate) folded: &'a str,
    /// Its clitic-free stem ([`stem_with_article`]).
    pub(crate) stem: &'a str,
    /// `freq_bucket` of the folded form.
    pub(crate) form_freq: u8,
    /// `freq_bucket` of the stem.
    pub(crate) stem_freq: u8,
    /// `name_kind` of the stem.
    pub(crate) stem_name: u8,
    /// Whether the stem is a listed place.
    pub(crate) place: bool,
}

impl<'a> WordInput<'a> {
    /// The facts of folded word `folded` with stem `stem`.
    pub(crate) fn of(folded: &'a str, stem: &'a str, k: &Knowledge) -> Self {
        Self {
            folded,
            stem,
            form_freq: k.freq_bucket(folded),
            stem_freq: k.freq_bucket(stem),
            stem_name: k.name_kind(stem),
            place: k.places.contains_key(stem),
        }
    }
}

/// The input row of a word (`input` values into `out`): the vectors of its
/// form and stem, then the knowledge one-hots.
fn word_input(vectors: &Vectors, w: &WordInput, out: &mut [f32]) {
    let d = vectors.dim();
    out.fill(0.0);
    vectors.vector(w.folded, &mut out[..d]);
    vectors.vector(w.stem, &mut out[d..2 * d]);
    let k = &mut out[2 * d..];
    k[usize::from(w.form_freq.min(7))] = 1.0;
    k[8 + usize::from(w.stem_freq.min(7))] = 1.0;
    k[16] = f32::from(w.stem_name & 1);
    k[17] = f32::from((w.stem_name >> 1) & 1);
    k[18] = f32::from(u8::from(w.place));
    let sh = shape(w.folded);
    if let Some(i) = SHAPES.iter().position(|&s| s == sh) {
        k[19 + i] = 1.0;
    }
}

/// The input rows of a sentence's tokens (`input` values each).
fn token_inputs(vectors: &Vectors, tokens: &[&str], input: usize) -> Vec<f32> {
    let k = Knowledge::get();
    let mut x = vec![0f32; tokens.len() * input];
    for (t, tok) in tokens.iter().enumerate() {
        let folded = fold(tok);
        let stem = stem_with_article(&folded);
        let w = WordInput::of(&folded, &stem, k);
        word_input(vectors, &w, &mut x[t * input..(t + 1) * input]);
    }
    x
}

impl Encoder {
    /// The committed encoder (`models/ner-encoder.bin.gz`) on the committed
    /// vectors, decoded once.
    pub fn embedded() -> Result<Arc<Encoder>, ModelError> {
        static E: std::sync::OnceLock<Result<Arc<Encoder>, String>> = std::sync::OnceLock::new();
        static BYTES: &[u8] = include_bytes!("../../../../models/ner-encoder.bin.gz");
        E.get_or_init(|| {
            let v = Vectors::embedded().map_err(|e| e.to_string())?;
            Encoder::from_gz("embedded ner-encoder.bin.gz", BYTES, v)
                .map(Arc::new)
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|reason| ModelError::Invalid {
            name: "embedded ner-encoder.bin.gz".to_string(),
            reason,
        })
    }

    /// A copy combined with another weight and O shift (the same weights,
    /// so the per-word memo stays valid).
    pub fn clone_with(&self, weight: f32, o_shift: f32) -> Encoder {
        Encoder {
            settings: Settings {
                weight,
                o_shift,
                ..self.settings.clone()
            },
            vectors: Arc::clone(&self.vectors),
            input: self.input,
            w1: self.w1.clone(),
            b1: self.b1.clone(),
            w2: self.w2.clone(),
            b2: self.b2.clone(),
            w3: self.w3.clone(),
            b3: self.b3,
            id: self.id,
        }
    }

    /// The vectors it reads.
    pub fn vectors(&self) -> &Arc<Vectors> {
        &self.vectors
    }

    /// Layer 1's contributions of a word (`K × hidden`), to be memoized
    /// with the word.
    pub(crate) fn projection(&self, w: &WordInput) -> Projection {
        let hd = self.settings.hidden;
        let mut x = vec![0f32; self.input];
        word_input(&self.vectors, w, &mut x);
        let mut values = vec![0f32; K * hd].into_boxed_slice();
        project_input(&self.w1, self.input, hd, &x, &mut values);
        Projection {
            encoder: self.id,
            values,
        }
    }

    /// Whether `p` was made by this encoder (same weights).
    pub(crate) fn owns(&self, p: &Projection) -> bool {
        p.encoder == self.id
    }

    /// The encoder's scores of a sentence (one row per token), its words
    /// analysed afresh.
    pub fn scores(&self, tokens: &[&str]) -> Vec<[f32; L]> {
        let hd = self.settings.hidden;
        let x = token_inputs(&self.vectors, tokens, self.input);
        let mut proj = vec![0f32; tokens.len() * K * hd];
        for (xr, pr) in x
            .chunks_exact(self.input)
            .zip(proj.chunks_exact_mut(K * hd))
        {
            project_input(&self.w1, self.input, hd, xr, pr);
        }
        let rows: Vec<&[f32]> = proj.chunks_exact(K * hd).collect();
        self.forward(&rows)
    }

    /// Adds the scores of a sentence, times the weight, to its emissions
    /// `em` (one row per token), and subtracts the O shift: what a tagger
    /// does with this scorer. `proj`: the tokens' [`Projection`]s.
    pub(crate) fn add_scores(&self, proj: &[&Projection], em: &mut [[f32; L]]) {
        let (w, shift) = (self.settings.weight, self.settings.o_shift);
        if w == 0.0 && shift == 0.0 {
            return;
        }
        let rows: Vec<&[f32]> = proj.iter().map(|p| &*p.values).collect();
        for (e, s) in em.iter_mut().zip(self.forward(&rows)) {
            for (x, y) in e.iter_mut().zip(s) {
                *x += w * y;
            }
            e[0] -= shift;
        }
    }

    /// Layers 1 (from the words' projections), 2 and the scores.
    fn forward(&self, proj: &[&[f32]]) -> Vec<[f32; L]> {
        let hd = self.settings.hidden;
        let n = proj.len();
        let mut h1 = vec![0f32; n * hd];
        for t in 0..n {
            let h = &mut h1[t * hd..(t + 1) * hd];
            h.copy_from_slice(&self.b1);
            for p in 0..K {
                let Some(u) = (t + p).checked_sub(1).filter(|&u| u < n) else {
                    continue;
                };
                axpy(h, 1.0, &proj[u][p * hd..(p + 1) * hd]);
            }
            for x in h.iter_mut() {
                *x = x.max(0.0);
            }
        }
        let d = self.settings.dilation;
        let mut h2 = vec![0f32; hd];
        let mut out = Vec::with_capacity(n);
        for t in 0..n {
            h2.copy_from_slice(&self.b2);
            for p in 0..K {
                let Some(u) = (t + p * d).checked_sub(d).filter(|&u| u < n) else {
                    continue;
                };
                let wp = &self.w2[p * hd * hd..(p + 1) * hd * hd];
                for (i, &x) in h1[u * hd..(u + 1) * hd].iter().enumerate() {
                    if x != 0.0 {
                        axpy(&mut h2, x, &wp[i * hd..(i + 1) * hd]);
                    }
                }
            }
            let mut s = self.b3;
            for (i, (&a, &r)) in h2.iter().zip(&h1[t * hd..(t + 1) * hd]).enumerate() {
                let x = a.max(0.0) + r;
                if x != 0.0 {
                    axpy(&mut s, x, &self.w3[i * L..(i + 1) * L]);
                }
            }
            out.push(s);
        }
        out
    }

    /// Serialized bytes (uncompressed).
    pub fn to_raw(&self) -> Vec<u8> {
        let mut raw = MAGIC.to_vec();
        let text = self.settings.to_text();
        raw.extend_from_slice(&(self.input as u32).to_le_bytes());
        raw.extend_from_slice(&(text.len() as u32).to_le_bytes());
        raw.extend_from_slice(text.as_bytes());
        for x in self
            .w1
            .iter()
            .chain(&self.b1)
            .chain(&self.w2)
            .chain(&self.b2)
            .chain(&self.w3)
            .chain(&self.b3)
        {
            raw.extend_from_slice(&x.to_le_bytes());
        }
        raw
    }

    /// The model file's bytes (gzip).
    pub fn to_gz(&self) -> std::io::Result<Vec<u8>> {
        crate::gz::compress(&self.to_raw())
    }

    /// Reads a gzip'd encoder file, on `vectors` (which must be those it
    /// was trained on).
    pub fn from_gz(name: &str, gz: &[u8], vectors: Arc<Vectors>) -> Result<Self, ModelError> {
        let raw = crate::gz::decompress(name, gz)?;
        Self::from_raw(name, &raw, vectors)
    }

    fn from_raw(name: &str, raw: &[u8], vectors: Arc<Vectors>) -> Result<Self, ModelError> {
        let bad = |reason: String| ModelError::Invalid {
            name: name.to_string(),
            reason,
        };
        let rest = raw
            .strip_prefix(MAGIC.as_slice())
            .ok_or_else(|| bad("not an encoder file".into()))?;
        let u32_at = |b: &[u8], i: usize| -> Option<usize> {
            let x = b.get(i..i + 4)?;
            Some(u32::from_le_bytes([x[0], x[1], x[2], x[3]]) as usize)
        };
        let (input, len) = u32_at(rest, 0)
            .zip(u32_at(rest, 4))
            .ok_or_else(|| bad("truncated".into()))?;
        let text = rest
            .get(8..8 + len)
            .and_then(|t| std::str::from_utf8(t).ok())
            .ok_or_else(|| bad("truncated settings".into()))?;
        let settings = Settings::from_text(text).ok_or_else(|| bad("bad settings".into()))?;
        if settings.vectors != vectors.fingerprint() {
            return Err(bad(format!(
                "trained on vectors {:016x}, given {:016x}",
                settings.vectors,
                vectors.fingerprint()
            )));
        }
        let hd = settings.hidden;
        if !(1..=1024).contains(&hd)
            || !(1..=16).contains(&settings.dilation)
            || input != 2 * vectors.dim() + KNOWLEDGE
        {
            return Err(bad("sizes out of range".into()));
        }
        let floats: Vec<f32> = rest[8 + len..]
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let sizes = [K * input * hd, hd, K * hd * hd, hd, hd * L, L];
        if floats.len() != sizes.iter().sum::<usize>() || (rest.len() - 8 - len) % 4 != 0 {
            return Err(bad("weights do not match the sizes".into()));
        }
        let mut parts = Vec::with_capacity(sizes.len());
        let mut at = 0;
        for s in sizes {
            parts.push(floats[at..at + s].to_vec());
            at += s;
        }
        let mut b3 = [0f32; L];
        b3.copy_from_slice(&parts[5]);
        let mut it = parts.into_iter();
        let mut next = || it.next().unwrap_or_default();
        Ok(Encoder {
            settings,
            vectors,
            input,
            w1: next(),
            b1: next(),
            w2: next(),
            b2: next(),
            w3: next(),
            b3,
            id: next_id(),
        })
    }
}

/// `out[p] = W1[p]ᵀ x` for the `K` positions (`K × hidden` into `out`),
/// skipping the zeros of `x` (most knowledge inputs).
fn project_input(w1: &[f32], input: usize, hd: usize, x: &[f32], out: &mut [f32]) {
    out.fill(0.0);
    for (p, o) in out.chunks_exact_mut(hd).enumerate().take(K) {
        let wp = &w1[p * input * hd..(p + 1) * input * hd];
        for (j, &v) in x.iter().enumerate() {
            if v != 0.0 {
                axpy(o, v, &wp[j * hd..(j + 1) * hd]);
            }
        }
    }
}

#[cfg(feature = "train")]
pub use training::{train, trainer_scores};

#[cfg(feature = "train")]
mod training {
    use super::*;
    use crate::entities::labels::Sample;
    use crate::entities::rng::SplitMix;

    /// Weight of the newest step in the moving average of the weights.
    const EMA: f32 = 1e-3;

    /// Uniform in [-a, a).
    fn uniform(rng: &mut SplitMix, a: f32) -> f32 {
        ((rng.next() >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * a
    }

    /// The trainable weights, in [`Encoder`]'s layouts, as one flat vector
    /// (for Adam) with the offsets of each part.
    struct Params {
        v: Vec<f32>,
        input: usize,
        hd: usize,
    }

    impl Params {
        fn sizes(input: usize, hd: usize) -> [usize; 6] {
            [K * input * hd, hd, K * hd * hd, hd, hd * L, L]
        }
        fn range(&self, i: usize) -> std::ops::Range<usize> {
            let s = Self::sizes(self.input, self.hd);
            let start: usize = s[..i].iter().sum();
            start..start + s[i]
        }
    }

    /// Inputs of every token of `samples` (`input` floats each, flat per sentence).
    fn inputs(samples: &[Sample], vectors: &Vectors) -> Vec<Vec<f32>> {
        let input = 2 * vectors.dim() + KNOWLEDGE;
        samples
            .iter()
            .map(|s| {
                let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
                token_inputs(vectors, &toks, input)
            })
            .collect()
    }

    /// Activations of one sentence (what the backward pass needs).
    struct Pass {
        /// Layer 1 pre-activations, `n × hd`.
        a1: Vec<f32>,
        /// Layer 1 after ReLU and dropout.
        h1: Vec<f32>,
        /// Layer 2 pre-activations.
        a2: Vec<f32>,
        /// Layer 2 output (relu + residual).
        h2: Vec<f32>,
        /// Scores.
        s: Vec<[f32; L]>,
    }

    /// The trainer's forward pass of a sentence from its inputs `x`
    /// (`mask`: dropout keep-scales after layer 1, or none).
    fn forward(p: &Params, d: usize, x: &[f32], mask: Option<&[f32]>) -> Pass {
        let (input, hd) = (p.input, p.hd);
        let n = x.len() / input;
        let w1 = &p.v[p.range(0)];
        let b1 = &p.v[p.range(1)];
        let w2 = &p.v[p.range(2)];
        let b2 = &p.v[p.range(3)];
        let w3 = &p.v[p.range(4)];
        let b3 = &p.v[p.range(5)];
        let mut proj = vec![0f32; n * K * hd];
        for t in 0..n {
            project_input(
                w1,
                input,
                hd,
                &x[t * input..(t + 1) * input],
                &mut proj[t * K * hd..(t + 1) * K * hd],
            );
        }
        let mut a1 = vec![0f32; n * hd];
        let mut h1 = vec![0f32; n * hd];
        for t in 0..n {
            let a = &mut a1[t * hd..(t + 1) * hd];
            a.copy_from_slice(b1);
            for q in 0..K {
                if let Some(u) = (t + q).checked_sub(1).filter(|&u| u < n) {
                    let base = u * K * hd + q * hd;
                    axpy(a, 1.0, &proj[base..base + hd]);
                }
            }
            for i in 0..hd {
                let m = mask.map_or(1.0, |m| m[t * hd + i]);
                h1[t * hd + i] = a[i].max(0.0) * m;
            }
        }
        let mut a2 = vec![0f32; n * hd];
        let mut h2 = vec![0f32; n * hd];
        let mut s = Vec::with_capacity(n);
        for t in 0..n {
            let a = &mut a2[t * hd..(t + 1) * hd];
            a.copy_from_slice(b2);
            for q in 0..K {
                if let Some(u) = (t + q * d).checked_sub(d).filter(|&u| u < n) {
                    let wq = &w2[q * hd * hd..(q + 1) * hd * hd];
                    for i in 0..hd {
                        let v = h1[u * hd + i];
                        if v != 0.0 {
                            axpy(a, v, &wq[i * hd..(i + 1) * hd]);
                        }
                    }
                }
            }
            let mut st = [0f32; L];
            st.copy_from_slice(b3);
            for i in 0..hd {
                let v = a[i].max(0.0) + h1[t * hd + i];
                h2[t * hd + i] = v;
                if v != 0.0 {
                    axpy(&mut st, v, &w3[i * L..(i + 1) * L]);
                }
            }
            s.push(st);
        }
        Pass { a1, h1, a2, h2, s }
    }

    /// Gradient of the summed cross-entropy of `gold` into `g`.
    fn backward(
        p: &Params,
        d: usize,
        x: &[f32],
        mask: &[f32],
        pass: &Pass,
        gold: &[u8],
        g: &mut [f32],
    ) -> f64 {
        let (input, hd) = (p.input, p.hd);
        let n = gold.len();
        let w2 = &p.v[p.range(2)];
        let w3 = &p.v[p.range(4)];
        let (r0, r1, r2, r3, r4, r5) = (
            p.range(0),
            p.range(1),
            p.range(2),
            p.range(3),
            p.range(4),
            p.range(5),
        );
        let mut loss = 0f64;
        let mut dh1 = vec![0f32; n * hd];
        let mut da2 = vec![0f32; hd];
        for t in 0..n {
            let mut s = pass.s[t];
            let m = s.iter().fold(f32::MIN, |a, &b| a.max(b));
            let mut z = 0f32;
            for v in s.iter_mut() {
                *v = (*v - m).exp();
                z += *v;
            }
            for v in s.iter_mut() {
                *v /= z;
            }
            let gl = gold[t] as usize;
            loss -= f64::from(s[gl].max(1e-12)).ln();
            s[gl] -= 1.0;
            for l in 0..L {
                g[r5.start + l] += s[l];
            }
            // dh2 = W3 ds; dW3 += h2 ⊗ ds.
            for i in 0..hd {
                let v = pass.h2[t * hd + i];
                let row = &w3[i * L..(i + 1) * L];
                let dh2: f32 = row.iter().zip(&s).map(|(a, b)| a * b).sum();
                if v != 0.0 {
                    axpy(&mut g[r4.start + i * L..r4.start + (i + 1) * L], v, &s);
                }
                // The residual passes dh2 to h1 as it is; relu gates a2.
                dh1[t * hd + i] += dh2;
                da2[i] = if pass.a2[t * hd + i] > 0.0 { dh2 } else { 0.0 };
            }
            axpy(&mut g[r3.clone()], 1.0, &da2);
            for q in 0..K {
                let Some(u) = (t + q * d).checked_sub(d).filter(|&u| u < n) else {
                    continue;
                };
                let base = r2.start + q * hd * hd;
                for i in 0..hd {
                    let v = pass.h1[u * hd + i];
                    let row = &w2[q * hd * hd + i * hd..q * hd * hd + (i + 1) * hd];
                    if v != 0.0 {
                        axpy(&mut g[base + i * hd..base + (i + 1) * hd], v, &da2);
                    }
                    dh1[u * hd + i] += row.iter().zip(&da2).map(|(a, b)| a * b).sum::<f32>();
                }
            }
        }
        // Through dropout and layer 1's relu.
        let mut da1 = vec![0f32; hd];
        for t in 0..n {
            for i in 0..hd {
                da1[i] = if pass.a1[t * hd + i] > 0.0 {
                    dh1[t * hd + i] * mask[t * hd + i]
                } else {
                    0.0
                };
            }
            axpy(&mut g[r1.clone()], 1.0, &da1);
            for q in 0..K {
                let Some(u) = (t + q).checked_sub(1).filter(|&u| u < n) else {
                    continue;
                };
                let base = r0.start + q * input * hd;
                for (j, &v) in x[u * input..(u + 1) * input].iter().enumerate() {
                    if v != 0.0 {
                        axpy(&mut g[base + j * hd..base + (j + 1) * hd], v, &da1);
                    }
                }
            }
        }
        loss
    }

    fn encoder_of(p: &Params, settings: &Settings, vectors: &Arc<Vectors>) -> Encoder {
        let part = |i: usize| p.v[p.range(i)].to_vec();
        let mut b3 = [0f32; L];
        b3.copy_from_slice(&p.v[p.range(5)]);
        Encoder {
            settings: settings.clone(),
            vectors: Arc::clone(vectors),
            input: p.input,
            w1: part(0),
            b1: part(1),
            w2: part(2),
            b2: part(3),
            w3: part(4),
            b3,
            id: next_id(),
        }
    }

    /// Trains an encoder on `samples` for `settings.epochs` passes;
    /// `each_epoch(e, encoder)` sees the encoder after every pass (to choose
    /// the count on dev). Deterministic.
    pub fn train(
        samples: &[Sample],
        vectors: &Arc<Vectors>,
        settings: &Settings,
        mut each_epoch: impl FnMut(usize, &Encoder),
    ) -> Encoder {
        let mut settings = settings.clone();
        settings.vectors = vectors.fingerprint();
        let hd = settings.hidden;
        let d = settings.dilation.max(1);
        let input = 2 * vectors.dim() + KNOWLEDGE;
        let xs = inputs(samples, vectors);
        let mut rng = SplitMix(settings.seed);
        let sizes = Params::sizes(input, hd);
        let mut p = Params {
            v: vec![0f32; sizes.iter().sum()],
            input,
            hd,
        };
        // Glorot-uniform weights, zero biases.
        for (i, fan) in [(0, K * input + hd), (2, K * hd + hd), (4, hd + L)] {
            let a = (6.0 / fan as f32).sqrt();
            let r = p.range(i);
            for v in &mut p.v[r] {
                *v = uniform(&mut rng, a);
            }
        }
        let np = p.v.len();
        // The weights returned are a moving average of the trained ones
        // (steadier from epoch to epoch than the last step's).
        let mut avg = Params {
            v: p.v.clone(),
            input,
            hd,
        };
        let (mut m, mut v2) = (vec![0f32; np], vec![0f32; np]);
        let mut g = vec![0f32; np];
        let (b1, b2, eps) = (0.9f32, 0.999f32, 1e-8f32);
        let mut step = 0i32;
        let mut order: Vec<usize> = (0..samples.len()).collect();
        let keep = 1.0 - settings.dropout.clamp(0.0, 0.9);
        for epoch in 0..settings.epochs {
            for i in (1..order.len()).rev() {
                let j = (rng.next() % (i as u64 + 1)) as usize;
                order.swap(i, j);
            }
            let mut total = 0f64;
            let mut tokens = 0usize;
            for &si in &order {
                let gold = &samples[si].labels;
                let n = gold.len();
                if n == 0 {
                    continue;
                }
                let x = &xs[si];
                let mask: Vec<f32> = (0..n * hd)
                    .map(|_| {
                        if ((rng.next() >> 40) as f32 / (1u64 << 24) as f32) < keep {
                            1.0 / keep
                        } else {
                            0.0
                        }
                    })
                    .collect();
                let pass = forward(&p, d, x, Some(&mask));
                g.fill(0.0);
                total += backward(&p, d, x, &mask, &pass, gold, &mut g);
                tokens += n;
                step += 1;
                let lr = settings.lr * (1.0 - b2.powi(step)).sqrt() / (1.0 - b1.powi(step));
                for i in 0..np {
                    let gi = g[i];
                    if gi == 0.0 && m[i] == 0.0 {
                        continue;
                    }
                    m[i] = b1 * m[i] + (1.0 - b1) * gi;
                    v2[i] = b2 * v2[i] + (1.0 - b2) * gi * gi;
                    p.v[i] -= lr * m[i] / (v2[i].sqrt() + eps);
                }
                for (a, &x) in avg.v.iter_mut().zip(&p.v) {
                    *a += EMA * (x - *a);
                }
            }
            let _ = total / tokens.max(1) as f64;
            each_epoch(epoch + 1, &encoder_of(&avg, &settings, vectors));
        }
        encoder_of(&avg, &settings, vectors)
    }

    /// The trainer's own forward pass (from the input rows, without the
    /// per-word memo): what the run-time scores are checked against.
    pub fn trainer_scores(encoder: &Encoder, tokens: &[&str]) -> Vec<[f32; L]> {
        let input = encoder.input;
        let x = token_inputs(&encoder.vectors, tokens, input);
        let mut v = Vec::new();
        for part in [
            &encoder.w1,
            &encoder.b1,
            &encoder.w2,
            &encoder.b2,
            &encoder.w3,
        ] {
            v.extend_from_slice(part);
        }
        v.extend_from_slice(&encoder.b3);
        let p = Params {
            v,
            input,
            hd: encoder.settings.hidden,
        };
        forward(&p, encoder.settings.dilation.max(1), &x, None).s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argmax(s: &[f32; L]) -> usize {
        (0..L).fold(0, |b, l| if s[l] > s[b] { l } else { b })
    }

    /// [`Encoder::scores`] against the trainer's own forward pass on dev
    /// sentences, as `train-encoder` wrote them with the committed encoder:
    /// the same tags, scores within 1e-4 (the tagger's path, through the word
    /// memo, is checked in `tagger::emit`).
    #[test]
    fn run_time_scores_are_the_trainers() {
        let gz = include_bytes!("../../tests/data/encoder-check.tsv.gz");
        let text = crate::gz::decompress("check", gz).expect("check file");
        let text = String::from_utf8(text).expect("utf-8");
        let enc = Encoder::embedded().expect("embedded encoder");
        {
            let mut n = 0;
            for line in text.lines().filter(|l| !l.starts_with('#')) {
                let (toks, nums) = line.split_once('\t').expect("two fields");
                let toks: Vec<&str> = toks.split(' ').collect();
                let want: Vec<f32> = nums.split(' ').map(|x| x.parse().expect("score")).collect();
                let got = enc.scores(&toks);
                assert_eq!(got.len() * L, want.len(), "{toks:?}");
                for (g, w) in got.iter().zip(want.chunks_exact(L)) {
                    for (a, b) in g.iter().zip(w) {
                        assert!((a - b).abs() <= 1e-4, "{toks:?}: {a} against {b}");
                    }
                    let mut w9 = [0f32; L];
                    w9.copy_from_slice(w);
                    assert_eq!(argmax(g), argmax(&w9), "{toks:?}");
                }
                n += 1;
            }
            assert!(n >= 200, "{n} sentences checked");
        }
    }

    #[test]
    fn a_file_needs_its_own_vectors_and_sizes() {
        let enc = Encoder::embedded().expect("embedded encoder");
        let raw = enc.to_raw();
        let again = Encoder::from_raw("again", &raw, Arc::clone(enc.vectors())).expect("roundtrip");
        assert_eq!(again.settings, enc.settings);
        let toks = ["زار", "محمد", "بن", "سلمان", "باريس", "،"];
        assert_eq!(again.scores(&toks), enc.scores(&toks));
        for cut in [0, 9, 20, raw.len() / 2, raw.len() - 1] {
            assert!(Encoder::from_raw("cut", &raw[..cut], Arc::clone(enc.vectors())).is_err());
        }
        // Other vectors (a table of 4 rows) are refused.
        let mut other = b"ARVEC01\n".to_vec();
        for x in [64u32, 4, 3, 5, 2, 2] {
            other.extend_from_slice(&x.to_le_bytes());
        }
        other.extend_from_slice(b"{}");
        other.extend_from_slice(&vec![0; 4 * 4 + 4 * 64]);
        let other = crate::gz::compress(&other).expect("gzip");
        let v = Arc::new(Vectors::from_gz("other", &other).expect("vectors"));
        assert!(Encoder::from_raw("mismatch", &raw, v).is_err());
        assert!(enc.scores(&[]).is_empty());
    }
}
