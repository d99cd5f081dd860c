//! The run-time half of the context encoder: its settings and weights,
//! the input rows of a word, layer 1's per-word projections, the forward
//! pass and the model file. Apart from the trainer (`training`), which
//! builds an [`Encoder`] with the `train` feature only.

// Dense numeric kernels read best with index loops.
#![allow(clippy::needless_range_loop)]

use std::sync::Arc;

use crate::entities::binio::{Reader, decoded_once, floats, invalid, put_f32s};
use crate::entities::fold::{fold, shape, stem_with_article};
use crate::entities::knowledge::Knowledge;
use crate::entities::labels::L;
use crate::entities::vectors::Vectors;
use crate::error::ModelError;

/// Kernel width of both layers.
pub(super) const K: usize = 3;

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
    pub(super) vectors: Arc<Vectors>,
    /// Input size: two vectors and the knowledge one-hots.
    pub(super) input: usize,
    /// Layer 1, `[K][input][hidden]`.
    pub(super) w1: Vec<f32>,
    /// Layer 1 biases.
    pub(super) b1: Vec<f32>,
    /// Layer 2, `[K][hidden][hidden]`.
    pub(super) w2: Vec<f32>,
    /// Layer 2 biases.
    pub(super) b2: Vec<f32>,
    /// Scores, `[hidden][L]`.
    pub(super) w3: Vec<f32>,
    /// Score biases.
    pub(super) b3: [f32; L],
    /// Identifies these weights in the per-word memo ([`Projection`]).
    pub(super) id: u64,
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
pub(super) fn next_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// `y += a * x`.
#[inline]
pub(super) fn axpy(y: &mut [f32], a: f32, x: &[f32]) {
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
pub(super) fn token_inputs(vectors: &Vectors, tokens: &[&str], input: usize) -> Vec<f32> {
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
        static BYTES: &[u8] = include_bytes!("../../../../../models/ner-encoder.bin.gz");
        let name = "embedded ner-encoder.bin.gz";
        decoded_once(&E, name, || Encoder::from_gz(name, BYTES, Vectors::embedded()?))
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
    pub(crate) fn add_scores_of(&self, proj: &[&Projection], em: &mut [[f32; L]]) {
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
        for part in [&self.w1, &self.b1, &self.w2, &self.b2, &self.w3] {
            put_f32s(&mut raw, part);
        }
        put_f32s(&mut raw, &self.b3);
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

    /// Reads the decompressed file `raw` (`name` for errors) on `vectors`.
    pub(super) fn from_raw(
        name: &str,
        raw: &[u8],
        vectors: Arc<Vectors>,
    ) -> Result<Self, ModelError> {
        let bad = invalid(name);
        let rest = raw
            .strip_prefix(MAGIC.as_slice())
            .ok_or_else(|| bad("not an encoder file"))?;
        let mut r = Reader::at(rest, 0);
        let (input, len) = r
            .u32()
            .zip(r.u32())
            .ok_or_else(|| bad("truncated"))?;
        let (input, len) = (input as usize, len as usize);
        let text = r.str(len).ok_or_else(|| bad("truncated settings"))?;
        let settings = Settings::from_text(text).ok_or_else(|| bad("bad settings"))?;
        if settings.vectors != vectors.fingerprint() {
            return Err(bad(&format!(
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
            return Err(bad("sizes out of range"));
        }
        let sizes = [K * input * hd, hd, K * hd * hd, hd, hd * L, L];
        if r.rest().len() != 4 * sizes.iter().sum::<usize>() {
            return Err(bad("weights do not match the sizes"));
        }
        let mut parts = sizes.map(|n| floats(r.take(4 * n).unwrap_or_default()));
        let mut b3 = [0f32; L];
        b3.copy_from_slice(&parts[5]);
        let mut next = |i: usize| std::mem::take(&mut parts[i]);
        Ok(Encoder {
            settings,
            vectors,
            input,
            w1: next(0),
            b1: next(1),
            w2: next(2),
            b2: next(3),
            w3: next(4),
            b3,
            id: next_id(),
        })
    }
}

/// `out[p] = W1[p]ᵀ x` for the `K` positions (`K × hidden` into `out`),
/// skipping the zeros of `x` (most knowledge inputs).
pub(super) fn project_input(w1: &[f32], input: usize, hd: usize, x: &[f32], out: &mut [f32]) {
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
