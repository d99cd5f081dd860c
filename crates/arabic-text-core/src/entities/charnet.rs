//! A small character-aware network whose tag scores are added to the
//! perceptron's emissions: each token is the mean of hashed embeddings of
//! its character n-grams (1–4, with boundary marks, of the folded form and of
//! the clitic-stripped stem) and a few knowledge ids (wordfreq buckets of
//! both, the name and place lists); a window of ±2 token vectors feeds one
//! ReLU layer and a linear layer of [`L`] tag scores. Trained by hand with Adagrad on
//! per-token cross-entropy, deterministically (seeded init and shuffle).
//! Shared embeddings let n-grams of unseen names borrow from seen ones,
//! which the perceptron's one-weight-per-feature cannot.

// Dense numeric kernels read best with index loops.
#![allow(clippy::needless_range_loop)]

use super::fold::{fold, fold_into, stem_with_article};
use super::knowledge::Knowledge;
use rustc_hash::FxHashMap as FxMap;
use super::labels::L;
use crate::error::ModelError;

/// Window radius: the token and `WIN` neighbours on each side.
const WIN: usize = 2;
/// Window positions.
const POS: usize = 2 * WIN + 1;

/// A trained network, embeddings quantized to i8 with a scale per row.
#[derive(Clone, Debug)]
pub struct CharNet {
    /// Embedding size.
    dim: usize,
    /// Hidden units.
    hidden: usize,
    /// log2 of the embedding rows.
    bits: u32,
    /// Quantized embedding rows, each its f32 scale (0 for rows never
    /// trained) then `dim` i8 values, side by side so a lookup touches one
    /// place in memory.
    table: Vec<u8>,
    /// Window layer, laid out `[position][dim][hidden]`.
    w1: Vec<f32>,
    /// Hidden biases.
    b1: Vec<f32>,
    /// Output layer, laid out `[hidden][L]`.
    w2: Vec<f32>,
    /// Output biases.
    b2: [f32; L],
    /// Window-layer projections (`POS × hidden` each) of the most frequent
    /// Arabic forms (folded), computed at load: most tokens of running text
    /// skip the n-gram lookups and the window layer's products.
    cache: FxMap<&'static str, u32>,
    /// The cached projections, `POS × hidden` per entry of `cache`.
    slab: Vec<f32>,
    /// Identifies these weights in per-word memos ([`Projection`]): set
    /// when a network is built or read, kept by clones (same weights).
    id: u64,
}

/// The window-layer projections of one word by one network, memoized with
/// the word (see [`CharNet::projection`]).
#[derive(Debug)]
pub(crate) struct Projection {
    /// The network ([`CharNet::id`]) that made it.
    net: u64,
    /// Where the projections are.
    at: Place,
}

/// Where a [`Projection`]'s values are.
#[derive(Debug)]
enum Place {
    /// Row `i` of the network's cache of frequent forms.
    Slab(u32),
    /// Computed for this word (`POS × hidden` values).
    Own(Box<[f32]>),
}

/// A fresh network identity ([`CharNet::id`]).
fn next_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Forms whose projections are cached: the most frequent of the wordfreq
/// list.
const CACHED_FORMS: usize = 20_000;

/// FNV-1a step.
fn mix(h: u64, x: u64) -> u64 {
    (h ^ x).wrapping_mul(0x100_0000_01b3)
}

/// Appends the hashed input ids of a token (n-grams of the folded form and
/// of the stem, knowledge ids) to `out`.
fn token_ids(word: &str, bits: u32, out: &mut Vec<u32>) {
    folded_ids(&fold(word), bits, out);
}

/// [`token_ids`] of an already folded word.
fn folded_ids(folded: &str, bits: u32, out: &mut Vec<u32>) {
    let stem = stem_with_article(folded);
    let k = Knowledge::get();
    let facts = WordFacts {
        form_freq: k.freq_bucket(folded),
        stem_freq: k.freq_bucket(&stem),
        stem_name: k.name_kind(&stem),
        stem_place: k.places.contains_key(stem.as_str()),
    };
    ids_with(folded, &stem, &facts, bits, out);
}

/// What [`folded_ids`] reads from the knowledge lists about a word, for a
/// caller that knows it already (the tagger's word analyses).
#[derive(Clone, Copy, Debug)]
pub(crate) struct WordFacts {
    /// `freq_bucket` of the folded form.
    pub(crate) form_freq: u8,
    /// `freq_bucket` of the stem ([`stem_with_article`]).
    pub(crate) stem_freq: u8,
    /// `name_kind` of the stem.
    pub(crate) stem_name: u8,
    /// Whether the stem is a listed place.
    pub(crate) stem_place: bool,
}

/// [`folded_ids`] of folded word `folded` with stem `stem`
/// (`stem_with_article(folded)`) and `facts`.
fn ids_with(folded: &str, stem: &str, facts: &WordFacts, bits: u32, out: &mut Vec<u32>) {
    let mask = (1u64 << bits) - 1;
    let mut push = |h: u64| out.push(((h ^ (h >> 29)) & mask) as u32);
    let forms = [(1u64, folded), (2, stem)];
    for (seed, form) in forms {
        let chars: Vec<char> = std::iter::once('<')
            .chain(form.chars())
            .chain(std::iter::once('>'))
            .collect();
        for i in 0..chars.len() {
            let mut h = mix(0xcbf2_9ce4_8422_2325, seed);
            for (n, &c) in chars[i..].iter().take(4).enumerate() {
                h = mix(mix(h, u64::from(c)), n as u64);
                push(h);
            }
        }
    }
    let k = Knowledge::get();
    let base = mix(0xcbf2_9ce4_8422_2325, 7);
    push(mix(mix(base, 1), u64::from(facts.form_freq)));
    push(mix(mix(base, 2), u64::from(facts.stem_freq)));
    push(mix(mix(base, 3), u64::from(facts.stem_name)));
    let place = facts.stem_place
        || stem
            .strip_prefix("ال")
            .is_some_and(|s| k.places.contains_key(s));
    push(mix(mix(base, 4), u64::from(place)));
}

/// `y += a * x`.
#[inline]
fn axpy(y: &mut [f32], a: f32, x: &[f32]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y += a * x;
    }
}

/// Dot product with 8 accumulators (vectorizes).
#[inline]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    let tail: f32 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    acc.iter().sum::<f32>() + tail
}

impl CharNet {
    /// The window-layer projections of a token (`POS × hidden` into
    /// `out`) from its input ids; `v` is scratch of `dim`.
    fn project(&self, ids: &[u32], v: &mut [f32], out: &mut [f32]) {
        let (d, hd) = (self.dim, self.hidden);
        v.fill(0.0);
        let inv = 1.0 / ids.len().max(1) as f32;
        let stride = 4 + d;
        for (i, &id) in ids.iter().enumerate() {
            // The rows are scattered over the table: fetch ahead.
            if let Some(r) = ids
                .get(i + 8)
                .and_then(|&a| self.table.get(a as usize * stride))
            {
                super::prefetch::prefetch(r);
            }
            let r = id as usize * stride;
            let Some(row) = self.table.get(r..r + stride) else {
                continue;
            };
            let s = f32::from_le_bytes([row[0], row[1], row[2], row[3]]) * inv;
            if s == 0.0 {
                continue;
            }
            for (y, &q) in v.iter_mut().zip(&row[4..]) {
                *y += s * f32::from(q as i8);
            }
        }
        out.fill(0.0);
        for (p, o) in out.chunks_exact_mut(hd).enumerate().take(POS) {
            let wp = &self.w1[p * d * hd..(p + 1) * d * hd];
            for (j, &x) in v.iter().enumerate() {
                if x != 0.0 {
                    axpy(o, x, &wp[j * hd..(j + 1) * hd]);
                }
            }
        }
    }

    /// Fills the projection cache of the most frequent forms.
    fn with_cache(mut self) -> Self {
        let mut forms: Vec<(&'static str, u8)> = Knowledge::get()
            .zipf
            .iter()
            .map(|(&w, &z)| (w, z))
            .collect();
        forms.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        forms.truncate(CACHED_FORMS);
        let width = POS * self.hidden;
        let mut slab = vec![0f32; forms.len() * width];
        // Start-up time matters (the server loads before it serves): the
        // forms are split over the cores; each projection is computed alone,
        // so the slab is the same whatever the split.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        let per = forms.len().div_ceil(threads).max(1);
        let net = &self;
        std::thread::scope(|scope| {
            for (part, rows) in forms.chunks(per).zip(slab.chunks_mut(per * width)) {
                scope.spawn(move || {
                    let (mut ids, mut v) = (Vec::new(), vec![0f32; net.dim]);
                    for ((w, _), out) in part.iter().zip(rows.chunks_exact_mut(width)) {
                        ids.clear();
                        folded_ids(w, net.bits, &mut ids);
                        net.project(&ids, &mut v, out);
                    }
                });
            }
        });
        let cache = forms
            .iter()
            .enumerate()
            .map(|(i, (w, _))| (*w, i as u32))
            .collect();
        self.cache = cache;
        self.slab = slab;
        self.id = next_id();
        self
    }

    /// The projections of folded word `folded` with stem `stem`
    /// (`stem_with_article(folded)`) and `facts`: a row of the frequent-form
    /// cache, or computed.
    pub(crate) fn projection(&self, folded: &str, stem: &str, facts: &WordFacts) -> Projection {
        let at = match self.cache.get(folded) {
            Some(&i) => Place::Slab(i),
            None => {
                let mut ids = Vec::with_capacity(64);
                let mut v = vec![0f32; self.dim];
                let mut out = vec![0f32; POS * self.hidden].into_boxed_slice();
                ids_with(folded, stem, facts, self.bits, &mut ids);
                self.project(&ids, &mut v, &mut out);
                Place::Own(out)
            }
        };
        Projection { net: self.id, at }
    }

    /// Whether `p` was made by this network.
    pub(crate) fn owns(&self, p: &Projection) -> bool {
        p.net == self.id
    }

    /// The values of a projection this network made (`POS × hidden`).
    pub(crate) fn values<'a>(&'a self, p: &'a Projection) -> &'a [f32] {
        let width = POS * self.hidden;
        match &p.at {
            Place::Slab(i) => {
                let i = *i as usize;
                self.slab.get(i * width..(i + 1) * width).unwrap_or(&[])
            }
            Place::Own(v) => v,
        }
    }

    /// Tag scores (logits) of every token of a sentence.
    pub fn logits(&self, tokens: &[&str]) -> Vec<[f32; L]> {
        let width = POS * self.hidden;
        let n = tokens.len();
        let (mut ids, mut v) = (Vec::with_capacity(64), vec![0f32; self.dim]);
        let mut proj = vec![0f32; n * width];
        let mut folded = String::new();
        for (t, w) in tokens.iter().enumerate() {
            folded.clear();
            fold_into(w, &mut folded);
            let out = &mut proj[t * width..(t + 1) * width];
            let cached = self
                .cache
                .get(folded.as_str())
                .and_then(|&i| self.slab.get(i as usize * width..(i as usize + 1) * width));
            match cached {
                Some(p) => out.copy_from_slice(p),
                None => {
                    ids.clear();
                    folded_ids(&folded, self.bits, &mut ids);
                    self.project(&ids, &mut v, out);
                }
            }
        }
        let rows: Vec<&[f32]> = proj.chunks_exact(width).collect();
        self.logits_of(&rows)
    }

    /// Tag scores (logits) of a sentence from the projections of its tokens
    /// (`POS × hidden` each, as [`CharNet::project`] makes them).
    pub(crate) fn logits_of(&self, proj: &[&[f32]]) -> Vec<[f32; L]> {
        let hd = self.hidden;
        let n = proj.len();
        let mut h = vec![0f32; hd];
        let mut out = Vec::with_capacity(n);
        for t in 0..n {
            h.copy_from_slice(&self.b1);
            for p in 0..POS {
                let Some(u) = (t + p).checked_sub(WIN).filter(|&u| u < n) else {
                    continue;
                };
                let Some(x) = proj[u].get(p * hd..(p + 1) * hd) else {
                    continue;
                };
                axpy(&mut h, 1.0, x);
            }
            let mut s = self.b2;
            for (j, &x) in h.iter().enumerate() {
                if x > 0.0 {
                    axpy(&mut s, x, &self.w2[j * L..(j + 1) * L]);
                }
            }
            out.push(s);
        }
        out
    }

    /// Serialized bytes (uncompressed; the caller gzips the model file).
    pub fn write(&self, raw: &mut Vec<u8>) {
        raw.extend_from_slice(&(self.dim as u32).to_le_bytes());
        raw.extend_from_slice(&(self.hidden as u32).to_le_bytes());
        raw.extend_from_slice(&self.bits.to_le_bytes());
        // Scales, then values: compresses better than the interleaved rows.
        let stride = 4 + self.dim;
        for row in self.table.chunks_exact(stride) {
            raw.extend_from_slice(&row[..4]);
        }
        for row in self.table.chunks_exact(stride) {
            raw.extend_from_slice(&row[4..]);
        }
        for x in self
            .w1
            .iter()
            .chain(&self.b1)
            .chain(&self.w2)
            .chain(&self.b2)
        {
            raw.extend_from_slice(&x.to_le_bytes());
        }
    }

    /// Reads what [`CharNet::write`] wrote from `raw[*pos..]`.
    pub fn read(name: &str, raw: &[u8], pos: &mut usize) -> Result<CharNet, ModelError> {
        let bad = || ModelError::Invalid {
            name: name.to_string(),
            reason: "truncated or malformed character network".to_string(),
        };
        let mut take = |n: usize| -> Result<&[u8], ModelError> {
            let s = raw
                .get(*pos..pos.checked_add(n).ok_or_else(bad)?)
                .ok_or_else(bad)?;
            *pos += n;
            Ok(s)
        };
        let mut u32_ = || -> Result<u32, ModelError> {
            Ok(u32::from_le_bytes(take(4)?.try_into().map_err(|_| bad())?))
        };
        let (dim, hidden, bits) = (u32_()? as usize, u32_()? as usize, u32_()?);
        if !(1..=512).contains(&dim) || !(1..=1024).contains(&hidden) || !(8..=22).contains(&bits) {
            return Err(bad());
        }
        let rows = 1usize << bits;
        let floats = |b: &[u8]| -> Vec<f32> {
            b.chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect()
        };
        let scales = take(rows * 4)?;
        let values = take(rows * dim)?;
        let table = pack(scales, values, dim);
        let w1 = floats(take(POS * dim * hidden * 4)?);
        let b1 = floats(take(hidden * 4)?);
        let w2 = floats(take(hidden * L * 4)?);
        let b2v = floats(take(L * 4)?);
        let mut b2 = [0f32; L];
        b2.copy_from_slice(&b2v);
        Ok(CharNet {
            dim,
            hidden,
            bits,
            table,
            w1,
            b1,
            w2,
            b2,
            cache: FxMap::default(),
            slab: Vec::new(),
            id: 0,
        }
        .with_cache())
    }
}

/// Interleaves row scales (4 bytes each) and values (`dim` bytes each).
fn pack(scales: &[u8], values: &[u8], dim: usize) -> Vec<u8> {
    let mut table = Vec::with_capacity(scales.len() + values.len());
    for (s, v) in scales.chunks_exact(4).zip(values.chunks_exact(dim)) {
        table.extend_from_slice(s);
        table.extend_from_slice(v);
    }
    table
}

#[cfg(feature = "train")]
pub use training::{NetConfig, train};

/// The trainer (only with the `train` feature).
#[cfg(feature = "train")]
mod training {
    use super::*;
    use crate::entities::labels::Sample;
    use crate::entities::rng::SplitMix;

    /// Network sizes and training settings.
    #[derive(Clone, Copy, Debug)]
    pub struct NetConfig {
        /// Embedding size.
        pub dim: usize,
        /// Hidden units.
        pub hidden: usize,
        /// log2 of the number of hashed embedding rows.
        pub bits: u32,
        /// Passes over the data.
        pub epochs: usize,
        /// Adagrad learning rate.
        pub lr: f32,
        /// Seed of initialisation and shuffling.
        pub seed: u64,
    }

    impl Default for NetConfig {
        fn default() -> Self {
            Self {
                dim: 32,
                hidden: 32,
                bits: 18,
                epochs: 4,
                lr: 0.1,
                seed: 0xc4a2,
            }
        }
    }

    /// Uniform in [-a, a).
    fn uniform(rng: &mut SplitMix, a: f32) -> f32 {
        ((rng.next() >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0) * a
    }

    /// Trains a network on `samples`.
    pub fn train(samples: &[Sample], cfg: &NetConfig) -> CharNet {
        let (d, hd) = (cfg.dim, cfg.hidden);
        let rows = 1usize << cfg.bits;
        let mut rng = SplitMix(cfg.seed);
        // Random embeddings (a zero start would leave every ReLU dead); rows no
        // training token hashes to are zeroed at the end.
        let mut emb: Vec<f32> = (0..rows * d).map(|_| uniform(&mut rng, 0.5)).collect();
        let mut emb_g = vec![0f32; rows];
        let a1 = (6.0 / (POS * d + hd) as f32).sqrt();
        let mut w1: Vec<f32> = (0..POS * d * hd).map(|_| uniform(&mut rng, a1)).collect();
        let a2 = (6.0 / (hd + L) as f32).sqrt();
        let mut w2: Vec<f32> = (0..hd * L).map(|_| uniform(&mut rng, a2)).collect();
        let mut b1 = vec![0f32; hd];
        let mut b2 = [0f32; L];
        let (mut g_w1, mut g_b1, mut g_w2, mut g_b2) = (
            vec![0f32; w1.len()],
            vec![0f32; hd],
            vec![0f32; w2.len()],
            [0f32; L],
        );
        let eps = 1e-8f32;
        // Input ids per token, per sentence.
        let data: Vec<Vec<Vec<u32>>> = samples
            .iter()
            .map(|s| {
                s.tokens
                    .iter()
                    .map(|w| {
                        let mut ids = Vec::new();
                        token_ids(w, cfg.bits, &mut ids);
                        ids
                    })
                    .collect()
            })
            .collect();
        let mut order: Vec<usize> = (0..samples.len()).collect();
        let (mut v, mut hs, mut dv) = (Vec::new(), Vec::new(), Vec::new());
        let (mut dw1, mut dw2) = (vec![0f32; w1.len()], vec![0f32; w2.len()]);
        let mut db1 = vec![0f32; hd];
        let mut dh = vec![0f32; hd];
        for _ in 0..cfg.epochs {
            for i in (1..order.len()).rev() {
                let j = (rng.next() % (i as u64 + 1)) as usize;
                order.swap(i, j);
            }
            for &si in &order {
                let toks = &data[si];
                let gold = &samples[si].labels;
                let n = toks.len();
                if n == 0 {
                    continue;
                }
                // Forward.
                v.clear();
                v.resize(n * d, 0.0);
                for (t, ids) in toks.iter().enumerate() {
                    let inv = 1.0 / ids.len().max(1) as f32;
                    let vt = &mut v[t * d..(t + 1) * d];
                    for &id in ids {
                        let r = id as usize * d;
                        axpy(vt, inv, &emb[r..r + d]);
                    }
                }
                hs.clear();
                hs.resize(n * hd, 0.0);
                dv.clear();
                dv.resize(n * d, 0.0);
                dw1.iter_mut().for_each(|x| *x = 0.0);
                dw2.iter_mut().for_each(|x| *x = 0.0);
                db1.iter_mut().for_each(|x| *x = 0.0);
                let mut db2 = [0f32; L];
                for t in 0..n {
                    let h = &mut hs[t * hd..(t + 1) * hd];
                    h.copy_from_slice(&b1);
                    for p in 0..POS {
                        let Some(u) = (t + p).checked_sub(WIN).filter(|&u| u < n) else {
                            continue;
                        };
                        let wp = &w1[p * d * hd..(p + 1) * d * hd];
                        for j in 0..d {
                            let x = v[u * d + j];
                            axpy(h, x, &wp[j * hd..(j + 1) * hd]);
                        }
                    }
                    for x in h.iter_mut() {
                        *x = x.max(0.0);
                    }
                    let mut s = b2;
                    for j in 0..hd {
                        if h[j] > 0.0 {
                            axpy(&mut s, h[j], &w2[j * L..(j + 1) * L]);
                        }
                    }
                    // Softmax cross-entropy gradient.
                    let m = s.iter().fold(f32::MIN, |a, &b| a.max(b));
                    let mut z = 0f32;
                    for x in s.iter_mut() {
                        *x = (*x - m).exp();
                        z += *x;
                    }
                    for x in s.iter_mut() {
                        *x /= z;
                    }
                    s[gold[t] as usize] -= 1.0;
                    // Backward.
                    for l in 0..L {
                        db2[l] += s[l];
                    }
                    for j in 0..hd {
                        if h[j] > 0.0 {
                            axpy(&mut dw2[j * L..(j + 1) * L], h[j], &s);
                            dh[j] = dot(&w2[j * L..(j + 1) * L], &s);
                        } else {
                            dh[j] = 0.0;
                        }
                    }
                    axpy(&mut db1, 1.0, &dh);
                    for p in 0..POS {
                        let Some(u) = (t + p).checked_sub(WIN).filter(|&u| u < n) else {
                            continue;
                        };
                        let base = p * d * hd;
                        for j in 0..d {
                            let r = base + j * hd;
                            axpy(&mut dw1[r..r + hd], v[u * d + j], &dh);
                            dv[u * d + j] += dot(&w1[r..r + hd], &dh);
                        }
                    }
                }
                // Adagrad updates.
                let lr = cfg.lr;
                let upd = |w: &mut [f32], g: &mut [f32], dw: &[f32]| {
                    for ((w, g), &d) in w.iter_mut().zip(g.iter_mut()).zip(dw) {
                        if d != 0.0 {
                            *g += d * d;
                            *w -= lr * d / (g.sqrt() + eps);
                        }
                    }
                };
                upd(&mut w1, &mut g_w1, &dw1);
                upd(&mut w2, &mut g_w2, &dw2);
                upd(&mut b1, &mut g_b1, &db1);
                upd(&mut b2, &mut g_b2, &db2);
                for (t, ids) in toks.iter().enumerate() {
                    let inv = 1.0 / ids.len().max(1) as f32;
                    let g = &dv[t * d..(t + 1) * d];
                    let sq: f32 = g.iter().map(|x| x * x).sum::<f32>() * inv * inv / d as f32;
                    for &id in ids {
                        let r = id as usize;
                        emb_g[r] += sq;
                        let step = -lr * inv / (emb_g[r].sqrt() + eps);
                        axpy(&mut emb[r * d..(r + 1) * d], step, g);
                    }
                }
            }
        }
        // Quantize embeddings per row.
        let mut q = vec![0u8; rows * d];
        let mut emb_scale = vec![0u8; rows * 4];
        for r in 0..rows {
            let row = &emb[r * d..(r + 1) * d];
            if emb_g[r] == 0.0 {
                continue;
            }
            let max = row.iter().fold(0f32, |m, x| m.max(x.abs()));
            if max > 0.0 {
                let s = max / 127.0;
                emb_scale[r * 4..r * 4 + 4].copy_from_slice(&s.to_le_bytes());
                for (o, x) in q[r * d..(r + 1) * d].iter_mut().zip(row) {
                    *o = (x / s).round() as i8 as u8;
                }
            }
        }
        CharNet {
            dim: d,
            hidden: hd,
            bits: cfg.bits,
            table: pack(&emb_scale, &q, d),
            w1,
            b1,
            w2,
            b2,
            cache: FxMap::default(),
            slab: Vec::new(),
            id: 0,
        }
        .with_cache()
    }
}

#[cfg(all(test, feature = "train"))]
mod tests {
    use super::*;
    use crate::entities::labels::{Sample, label_index};

    fn toy() -> Vec<Sample> {
        [
            "قال/O الرئيس/O جورج/B-PERS بوش/I-PERS في/O واشنطن/B-LOC",
            "زار/O محمد/B-PERS علي/I-PERS مدينة/O القاهرة/B-LOC أمس/O",
            "أعلنت/O وزارة/B-ORG الخارجية/I-ORG في/O باريس/B-LOC",
        ]
        .iter()
        .map(|s| {
            let (tokens, labels) = s
                .split(' ')
                .map(|wt| {
                    let (w, t) = wt.split_once('/').unwrap_or((wt, "O"));
                    (w.to_string(), label_index(t))
                })
                .unzip();
            Sample { tokens, labels }
        })
        .collect()
    }

    fn cfg() -> NetConfig {
        NetConfig {
            dim: 8,
            hidden: 16,
            bits: 12,
            epochs: 40,
            lr: 0.2,
            seed: 3,
        }
    }

    fn argmax(s: &[f32; L]) -> u8 {
        (0..L).fold(0, |b, l| if s[l] > s[b] { l } else { b }) as u8
    }

    #[test]
    fn a_network_fits_toy_data_deterministically_and_survives_serialization() {
        let data = toy();
        let net = train(&data, &cfg());
        for s in &data {
            let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            let pred: Vec<u8> = net.logits(&toks).iter().map(argmax).collect();
            assert_eq!(pred, s.labels, "{toks:?}");
        }
        let mut raw = Vec::new();
        net.write(&mut raw);
        let mut again = Vec::new();
        train(&data, &cfg()).write(&mut again);
        assert_eq!(raw, again, "same data and seed give the same bytes");
        let mut pos = 0;
        let read = CharNet::read("toy", &raw, &mut pos).expect("roundtrip");
        assert_eq!(pos, raw.len());
        let toks = ["زار", "جورج", "باريس"];
        assert_eq!(read.logits(&toks), net.logits(&toks));
        assert!(read.logits(&[]).is_empty());
        // Frequent forms come from the projection cache, with the same
        // scores as computed afresh.
        let toks = ["قال", "الرئيس", "في", "جورجبوشلاند"];
        assert!(net.cache.contains_key("قال"));
        let mut bare = net.clone();
        bare.cache = FxMap::default();
        bare.slab.clear();
        assert_eq!(bare.logits(&toks), net.logits(&toks));
    }

    #[test]
    fn a_truncated_network_is_an_error() {
        let mut raw = Vec::new();
        train(&toy(), &NetConfig { epochs: 1, ..cfg() }).write(&mut raw);
        for cut in [0, 5, 12, raw.len() / 2, raw.len() - 1] {
            let mut pos = 0;
            assert!(CharNet::read("cut", &raw[..cut], &mut pos).is_err());
        }
    }
}
